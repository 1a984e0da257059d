"""vbr: geospatial prioritisation for the Dutch voluntary buyout scheme for livestock farm
locations (Vbr).

:func:`compute` reads the inputs and applies the rules (:func:`load_farms`,
:func:`load_natura` -> :func:`distance_to_overloaded` -> :func:`rank_farms` ->
:func:`allocate_budget`) into a :class:`Result`; :func:`write_result` writes
it (:class:`Written`); :func:`run` does both. :func:`run_options` builds the options as ``vbr run``
does.
"""

from vbr._version import __version__
from vbr.core.budget import allocate_budget
from vbr.core.distance import distance_to_overloaded
from vbr.core.ranking import rank_farms
from vbr.errors import ConfigError, InputError, OutputError
from vbr.io.farms import load_farms
from vbr.io.regions import load_regions
from vbr.model import Result, Written
from vbr.pipeline import compute, load_natura, run, write_result
from vbr.settings import Config, RunOptions, load_config, run_options

__all__ = [
    "Config",
    "ConfigError",
    "InputError",
    "OutputError",
    "Result",
    "RunOptions",
    "Written",
    "__version__",
    "allocate_budget",
    "compute",
    "distance_to_overloaded",
    "load_config",
    "load_farms",
    "load_natura",
    "load_regions",
    "rank_farms",
    "run",
    "run_options",
    "write_result",
]
