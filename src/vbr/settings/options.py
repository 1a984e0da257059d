"""Run options: what one run reads and writes, and the inputs a run uses when none is given.

:func:`run_options` is how ``vbr run`` turns what was typed into :class:`RunOptions`, and a
library caller can use it alike; :func:`input_notes` gives the notes that the choice of inputs
calls for. Both are read by :func:`vbr.compute`, so a library run behaves as ``vbr run``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from importlib import resources
from pathlib import Path

from vbr.errors import ConfigError
from vbr.locale import Message, say
from vbr.settings.columns import COLUMN_TABLES, ColumnMapping, merge_mappings, parse_column_mapping
from vbr.settings.config import Config, load_config

__all__ = [
    "DEFAULT_OUT",
    "RANK_BY",
    "RunOptions",
    "default_data_dir",
    "default_options",
    "input_notes",
    "nitrogen_sensitive_list",
    "option_default",
    "run_options",
]

#: Where ``vbr run`` writes when no ``--out`` is given.
DEFAULT_OUT = Path("maps")
#: The cost measures the national order can sort by (``--rank-by``).
RANK_BY = ("eur_per_kg", "eur_per_mol")


@dataclass(frozen=True)
class RunOptions:
    """Everything one run needs; build it with :func:`run_options` (or :func:`default_options`).

    ``regions`` ``None`` runs without regions. The field defaults here are the defaults of the
    command-line options of the same name; rule defaults are in ``default_config.toml``.

    Raises
    ------
    ConfigError
        On options that cannot go together (e.g. ``overloaded`` with ``all_overloaded``).
    """

    farms: Path
    natura: Path
    regions: Path | None
    out: Path
    overloaded: Path | None = None
    all_overloaded: bool = False
    farms_crs: str = "EPSG:28992"
    config: Config = field(default_factory=load_config)
    animals: Path | None = None
    emission_factors: Path | None = None
    exceedance: Path | None = None
    exceedance_crs: str | None = None
    rank_by: str = "eur_per_kg"
    scenarios: bool = False
    #: Public mode: only aggregated maps (1 km cells), no lists and no farm-level data.
    public: bool = False
    #: Input columns named for fields: of the farm file (``--columns``), the Natura 2000 file
    #: (``--natura-columns``) and the regions file (``--regions-columns``), config tables included.
    columns: ColumnMapping = field(default_factory=ColumnMapping)
    natura_columns: ColumnMapping = field(default_factory=ColumnMapping)
    regions_columns: ColumnMapping = field(default_factory=ColumnMapping)
    #: The layer of a GeoPackage (or other multi-layer file) to read: ``--layer`` for the farms,
    #: ``--natura-layer``, ``--regions-layer``; ``None``: the first layer of the right kind.
    layer: str | None = None
    natura_layer: str | None = None
    regions_layer: str | None = None
    #: The sheet of an XLSX farm file to read (``--sheet``); ``None``: the first visible sheet.
    sheet: str | None = None
    #: Read a farm file of more than :data:`~vbr.settings.limits.MAX_ROWS` rows (``--large``).
    large: bool = False
    #: An offers table (``--offers``: ``farm_id, subsidy_eur[, submitted_at, complete_at]``)
    #: joined on ``farm_id`` to the locations of ``farms``, and its column mapping
    #: (``--offers-columns``, ``[offers_columns]``).
    offers: Path | None = None
    offers_columns: ColumnMapping = field(default_factory=ColumnMapping)
    #: The lottery's seed (``--seed``); ``None``: derived from the farm file's sha256.
    seed: int | None = None
    #: An official draw (``--draw``): the farm ids of the days drawn by lot, in drawn order.
    draw: Path | None = None

    def __post_init__(self) -> None:
        if self.overloaded is not None and self.all_overloaded:
            raise ConfigError(
                say("not_both", a="--overloaded", b="--all-overloaded"), source="--all-overloaded"
            )
        if self.exceedance_crs is not None and self.exceedance is None:
            raise ConfigError(say("exceedance_crs_alone"), source="--exceedance-crs")
        if self.rank_by not in RANK_BY:
            raise ConfigError(
                say("one_of", allowed=", ".join(RANK_BY), value=repr(self.rank_by)),
                source="--rank-by",
            )
        if self.rank_by == "eur_per_mol" and self.exceedance is None:
            raise ConfigError(
                say("eur_per_mol_needs_exceedance"),
                source="--rank-by eur_per_mol",
            )
        if self.offers is None and "--offers-columns" in self.offers_columns.given_in.values():
            # (a config file's [offers_columns] may serve runs with and without offers)
            raise ConfigError(
                say("offers_columns_alone"),
                source="--offers-columns",
            )
        if self.seed is not None and self.draw is not None:
            raise ConfigError(say("seed_and_draw"), source="--draw")
        if self.seed is not None and not (0 <= int(self.seed) < 2**53):
            raise ConfigError(say("seed_range", value=repr(self.seed)), source="--seed")
        if self.public and self.scenarios:
            raise ConfigError(
                say("scenarios_public"),
                source="--public",
            )


def option_default(name: str) -> object:
    """The default of a :class:`RunOptions` field (the command line shows and uses it)."""
    for f in fields(RunOptions):
        if f.name == name:
            return f.default
    raise KeyError(name)


def default_data_dir() -> Path:
    """Folder of the embedded default data.

    The repository's ``data/`` for a checkout or an editable install, else the copy inside the
    installed package.
    """
    repo = Path(__file__).resolve().parents[3] / "data"
    if (repo / "farms.csv").exists():
        return repo
    return Path(str(resources.files("vbr") / "_default_data"))


def nitrogen_sensitive_list() -> Path:
    """The shipped list of Natura 2000 areas with nitrogen-sensitive habitat (column ``nr``): the
    overloaded areas of PDOK data that says nothing itself (see :mod:`vbr.core.overloaded`)."""
    return default_data_dir() / "nitrogen_sensitive_areas.csv"


def run_options(
    *,
    farms: Path | None = None,
    natura: Path | None = None,
    regions: Path | None = None,
    out: Path = DEFAULT_OUT,
    config: Path | None = None,
    threshold_m: float | None = None,
    budget_eur: float | None = None,
    budget_policy: str | None = None,
    no_budget: bool = False,
    language: str | None = None,
    max_rejected: float | None = None,
    columns: str | Sequence[str] | Mapping[str, str] | None = None,
    natura_columns: str | Sequence[str] | Mapping[str, str] | None = None,
    regions_columns: str | Sequence[str] | Mapping[str, str] | None = None,
    offers_columns: str | Sequence[str] | Mapping[str, str] | None = None,
    rules: str | Path | None = None,
    pots: tuple[str, ...] | None = None,
    only_national: bool = False,
    **options: object,
) -> RunOptions:
    """The options of ``vbr run``: the embedded default data for every input not given.

    Parameters
    ----------
    farms, natura, regions
        Input files; ``None`` takes the embedded synthetic farms, the embedded indicative
        Natura 2000 outlines and the five area processes.
    out
        The output folder.
    config
        A TOML file (``None``: the built-in ``default_config.toml``).
    threshold_m, budget_eur, budget_policy, no_budget, language, max_rejected
        Command-line overrides of the config (``None``: keep).
    columns, natura_columns, regions_columns, offers_columns
        ``FIELD=COLUMN[,FIELD=COLUMN...]`` (or several such texts, or a dict) naming input
        columns for fields (``--columns``, ``--natura-columns``, ``--regions-columns``,
        ``--offers-columns``); they replace what the config's ``[columns]``,
        ``[natura_columns]``, ``[regions_columns]`` and ``[offers_columns]`` give for the same
        fields.
    rules
        The rule set (``--rules NAME|PATH``; ``None``: ``vbr-2026``).
    pots, only_national
        The pots that run (``--pot NAME`` repeated, ``--only-national``; default: all).
    **options
        Any other :class:`RunOptions` field (``overloaded``, ``farms_crs``, ``exceedance`` ...).

    Raises
    ------
    ConfigError
        On unusable values or options that cannot go together.
    """
    data = default_data_dir()
    config_read = load_config(config, rules=rules).overridden(
        threshold_m=threshold_m,
        budget_eur=budget_eur,
        budget_policy=budget_policy,
        no_budget=no_budget,
        language=language,
        max_rejected_percent=max_rejected,
        pots=pots,
        only_national=only_national,
    )
    given = {
        "farms": columns,
        "natura": natura_columns,
        "regions": regions_columns,
        "offers": offers_columns,
    }
    mappings = {}
    for kind, (table, option) in COLUMN_TABLES.items():
        mappings[kind] = merge_mappings(
            ColumnMapping.given(
                config_read.column_tables.get(kind, {}), where=f"{config_read.source} [{table}]"
            ),
            ColumnMapping.given(parse_column_mapping(given[kind], where=option), where=option),
        )
    return RunOptions(
        farms=Path(farms) if farms is not None else data / "farms.csv",
        natura=Path(natura) if natura is not None else data / "natura2000.geojson",
        regions=Path(regions) if regions is not None else data / "regions.geojson",
        out=Path(out),
        config=config_read,
        columns=mappings["farms"],
        natura_columns=mappings["natura"],
        regions_columns=mappings["regions"],
        offers_columns=mappings["offers"],
        **options,
    )


def default_options(out: Path) -> RunOptions:
    """``vbr run`` with no options but ``--out``: the embedded default data and configuration."""
    return run_options(out=out)


def input_notes(options: RunOptions) -> list[str]:
    """What the user should know about the choice of inputs (none for the default data).

    Own farms measured against the embedded Natura 2000 outlines, or listed by the embedded
    region outlines: those are indicative.
    """
    data = default_data_dir()
    notes = []
    own_farms = Path(options.farms) != data / "farms.csv"
    if own_farms and Path(options.natura) == data / "natura2000.geojson":
        notes.append(Message("notes.indicative_natura"))
    if (
        own_farms
        and options.regions is not None
        and Path(options.regions) == (data / "regions.geojson")
    ):
        notes.append(Message("notes.indicative_regions"))
    return notes
