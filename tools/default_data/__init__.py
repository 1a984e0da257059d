"""The generator of the embedded synthetic default data in ``data/``.

Real farm data cannot ship with ``vbr``, so the default run (``vbr run`` without options) works on
data made by this package: ``natura2000.geojson``, ``regions.geojson`` and ``farms.csv``. All of it
is SYNTHETIC and INDICATIVE: no row is a real farm, no outline is an official boundary. The facts
it is built on are CSV tables in ``facts/`` (see ``facts/README.md`` for their sources). It lives
outside ``src/``: the installed tool ships the data, not its generator. ``make data`` runs it
(``python -m tools.default_data --out data``).

Modules, in the order the data is made: :mod:`.facts` (the tables), :mod:`.numeric` (shared
arithmetic), :mod:`.areas` with :mod:`.strips` and :mod:`.blobs` (Natura 2000 outlines),
:mod:`.geojson` (features and files), :mod:`.land` (where a farm may stand), :mod:`.farms` with
:mod:`.herds` and :mod:`.submissions` (``farms.csv``), :mod:`.generate` (the entry point).

Reproducibility: the same seed gives the same bytes on any machine. Every random number comes from
``numpy.random.default_rng`` (only its ``random`` and ``standard_normal`` methods, the most stable
streams), coordinates are built with plain IEEE-754 arithmetic (no trigonometry, no FFT, no
summation whose order depends on the platform; areas are summed with :func:`math.fsum`), rounded to
0.01 m before a geometry is validated, and written by hand with :mod:`json` and :mod:`csv`. Shapely
(GEOS) is used for predicates and distances only (validity, containment, nearness), never to build
an output geometry. ``tests/test_demo.py`` regenerates the files and compares them byte for byte
with the committed ones.
"""

from tools.default_data.generate import DEFAULT_SEED, generate_default_data

__all__ = ["DEFAULT_SEED", "generate_default_data"]
