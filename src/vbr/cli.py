"""The command line: parse the options, build :class:`RunOptions`, run, print. Nothing else."""

from __future__ import annotations

import os
import sys
import time
import traceback
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import click

from vbr._version import __version__, version_text
from vbr.errors import InputError, Terminated
from vbr.locale import DEFAULT_LANGUAGE, LANGUAGES, Message, plural, say, t
from vbr.locale.amounts import AmountError, parse_euro
from vbr.settings import (
    BUDGET_POLICIES,
    DEFAULT_OUT,
    DEFAULT_RULES,
    RANK_BY,
    load_config,
    option_default,
    rule_set_names,
    run_options,
)
from vbr.settings.limits import BYTES_PER_ROW, MAX_ROWS, MAX_THRESHOLD_M
from vbr.termination import stop_cleanly

if TYPE_CHECKING:
    from vbr.model import FieldSource, Result, Written

# pandas, GeoPandas and Babel are imported where a command needs them, not at import: ``vbr
# --help`` and option errors answer without them (issue 18).

__all__ = ["cli", "entry", "main"]


#: The built-in configuration, for the defaults the help shows (they are written only in
#: ``default_config.toml``).
_BUILT_IN = load_config()


class EuroAmount(click.ParamType):
    """A euro amount as people type it (``100.000.000``, ``EUR 100 mln``, ``1,125 mld``);
    :func:`vbr.locale.amounts.parse_euro` reads it, and a form it refuses is exit 2."""

    name = "EUR"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None):
        if isinstance(value, float):
            return value
        try:
            return float(parse_euro(value))  # type: ignore[arg-type]
        except AmountError as exc:
            # vbr's own message (exit 2), said in the run's language like the others
            raise InputError(exc.args[0], source=param.opts[0] if param else None) from None


def _progress_printer(enabled: bool):
    if not enabled:
        return None
    start = time.perf_counter()

    def show(message: str) -> None:
        click.echo(f"[{time.perf_counter() - start:6.1f} s] {message} ...", err=True)

    return show


def _eur(amount: float, lang: str = "en") -> str:
    """Millions of euro to one decimal: ``€ 1.125,0 mln`` (nl), ``€1,125.0m`` (en)."""
    from vbr.locale.formats import format_number

    return t("console.mln", lang, value=format_number(amount / 1e6, lang, 1))


#: The words of the settings the summary names (keys of the catalogue's ``[console]``).
_FCFS = {"day": "console.fcfs_day", "time": "console.fcfs_time"}
_POLICIES = {"skip": "console.policy_skip", "stop": "console.policy_stop"}
_RANK_BY = {"eur_per_kg": "console.order_eur_per_kg", "eur_per_mol": "console.order_eur_per_mol"}


def _word(words: dict[str, str], value: str, lang: str) -> str:
    """A setting's value in words, or as it is where the catalogue has none."""
    return t(words[value], lang) if value in words else value


def _summary(written: Written) -> str:
    """What ``vbr run`` prints: the counts, the columns used, the budgets, the most common
    reasons of rejection and the notes, in the run's language."""
    from vbr.locale.formats import format_count, format_m, format_tonnes

    result = written.result
    lang = result.options.config.language
    counts = result.counts()
    cfg = result.options.config

    def n(value: int) -> str:
        return format_count(value, lang)

    where = ""
    if counts["rejected"]:
        where = t(
            "console.rejected_public" if result.options.public else "console.rejected_listed", lang
        )
    lines = [
        t(
            "console.read",
            lang,
            version=__version__,
            rows=plural("console.rows", lang, count=counts["read"]),
            offers=_rows_read(result, lang),
            ranked=n(counts["ranked"]),
            rejected=n(counts["rejected"]),
            where=where,
        ),
        t(
            "console.priority",
            lang,
            threshold=format_m(cfg.threshold_m, lang),
            farms=n(counts["priority"]),
            order=_order_words(result, lang),
        ),
    ]
    lines += _columns_summary(result, lang)
    if cfg.rule_set:
        lines.append(
            t(
                "console.rule_set",
                lang,
                name=cfg.rule_set.get("name"),
                fcfs=_word(_FCFS, cfg.fcfs, lang),
            )
        )
    for b in result.budgets:
        lines.append(
            t(
                "console.pot_line",
                lang,
                pot=t("console.pot_national", lang)
                if b.name == "national"
                else t("console.pot", lang, name=b.name),
                budget=_eur(b.budget_eur, lang),
                policy=_word(_POLICIES, b.policy, lang),
                selected=n(b.selected),
                walked=n(b.farms),
                used=_eur(b.used_eur, lang),
                left=_eur(b.left_eur, lang),
                nh3=format_tonnes(b.selected_nh3_kg, lang),
            )
        )
        for w in b.windows:
            lines.append(
                t(
                    "console.window_line",
                    lang,
                    name=w.name,
                    opens=w.opens,
                    closes=w.closes,
                    granted=n(w.granted),
                    applications=n(w.applications),
                    available=_eur(w.available_eur, lang),
                    round1=_eur(w.used_round1_eur, lang),
                    round2=_eur(w.used_round2_eur, lang),
                    carried=_eur(w.carried_out_eur, lang),
                )
            )
    if result.with_budget:
        lines.append(
            t(
                "console.decisions",
                lang,
                granted=n(sum(b.selected for b in result.budgets)),
                eur=_eur(sum(b.used_eur for b in result.budgets), lang),
            )
        )
    else:
        lines.append(t("console.no_budget", lang))
    lines += _deposition_summary(result, lang)
    if "scenarios/budgets.csv" in written.files:
        lines.append(t("console.scenarios", lang))
    if counts["rejected"]:
        lines += _rejection_summary(result, lang)
    if counts["repaired"]:
        lines.append(t("console.repaired", lang, count=n(counts["repaired"])))
    lines += [_note_line(note, lang) for note in written.notes]
    lines += _overview_summary(written, lang)
    lines.append(t("console.outputs", lang, folder=written.folder))
    return "\n".join(lines)


def _note_line(note: str, lang: str) -> str:
    """A note of the run as the console shows it; plausibility warnings are notes that start
    with ``warning: `` and show as such."""
    from vbr.core.plausibility import WARNING

    if note.startswith(t("console.warning", lang, text="")):
        return note  # a warning in the run's language says so itself
    if note.startswith(WARNING):
        return t("console.warning", lang, text=note.removeprefix(WARNING))
    return t("console.note", lang, text=note)


def _overview_summary(written: Written, lang: str) -> list[str]:
    """The overview map and how many ranked farms lie in no region (on no region's map)."""
    from vbr.locale.formats import format_count

    ranked = written.result.ranked
    in_none = int((ranked["regions"].astype(str) == "").sum()) if "regions" in ranked else 0
    if "national/map.html" in written.files:
        return [t("console.overview_map", lang, in_none=format_count(in_none, lang))]
    if in_none and written.result.region_lists:
        return [plural("console.in_no_region", lang, count=in_none)]
    return []


def _rows_read(result: Result, lang: str) -> str:
    """With an offers table, what the rows read are: the locations, and the offers that were
    joined to none (each is a rejected row of its own)."""
    from vbr.locale.formats import format_count

    offers = result.farms_info.get("offers")
    if not offers:
        return ""
    alone = sum(offers["not_joined"].values())
    return t(
        "console.read_offers",
        lang,
        locations=format_count(result.n_read - alone, lang),
        alone=format_count(alone, lang),
    )


def _rejection_summary(result: Result, lang: str) -> list[str]:
    """The most common kinds of reason of the rejected rows, with their counts."""
    from vbr.core.rejections import top_reasons
    from vbr.locale.reasons import count_line

    kinds = top_reasons(result.rejections, None)
    lines = [plural("console.rejected_kinds", lang, count=len(kinds))]
    public = result.options.public
    lines += [
        "  - " + count_line(r.reason, r.rows, r.example, "" if public else r.example_farm_id, lang)
        for r in kinds[:3]
    ]
    if len(kinds) > 3:
        lines.append(plural("console.rejected_more", lang, count=len(kinds) - 3))
    return lines


def _order_words(result: Result, lang: str) -> str:
    """How the priority group is ordered, for the summary."""
    from vbr.locale.formats import format_count

    if not result.first_come_first_served:
        return _word(_RANK_BY, result.options.rank_by, lang)
    if result.options.config.fcfs != "day":
        return t("console.order_time", lang)
    drawn = len(result.decisions.drawn) if result.decisions is not None else 0
    return t("console.order_day", lang, days=format_count(drawn, lang))


#: How a field's values were made, in words (others are shown as the reader wrote them).
_MADE = {
    "geometry": "console.made_geometry",
    "estimate": "console.made_estimate",
    "computed from animal counts": "console.made_animals",
    "row number": "console.made_row_number",
    "'area' and the number": "console.made_area_number",
    "--all-overloaded": "console.made_all_overloaded",
    "exceedance raster": "console.made_raster",
}


def _field_text(name: str, source: FieldSource, lang: str) -> str:
    """One field of the column summary: ``nh3_kg``, ``farm_id=vthobject_id``, ``subsidy_eur:
    estimate``, ``nh3_kg=nh3 (computed from animal counts for 12 rows)``."""

    made = source.made
    if made in _MADE:
        made = t(_MADE[made], lang)
    if source.column is None:
        return t("console.field_made", lang, field=name, made=made)
    text = name if source.column == name else f"{name}={source.column}"
    if source.made:
        rows = plural("console.rows", lang, count=source.made_rows or 0)
        text = t("console.field_made_rows", lang, field=text, made=made, rows=rows)
    return text


def _columns_summary(result: Result, lang: str) -> list[str]:
    """Which input column gave each field (the manifest's ``columns``), a line per input."""
    from vbr.model import FieldSource

    labels = {"natura2000": "console.label_natura", "regions": "console.label_regions"}
    parts, offers = [], []
    for kind, fields in result.columns.items():
        geometry = FieldSource(made="geometry")
        texts = [
            t("console.location_geometry", lang)
            if source == geometry
            else _field_text(name, source, lang)
            for name, source in fields.items()
            if source is not None and not (name == "y" and source == geometry)
        ]
        if kind == "offers":
            offers.append(t("console.columns_offers", lang, fields=", ".join(texts)))
        else:
            label = t(labels[kind], lang) if kind in labels else kind
            parts.append((kind, label, ", ".join(texts)))
    if not parts:
        return offers
    first = [t("console.columns_farms", lang, fields=text) for _, _, text in parts[:1]]
    rest = "; ".join(f"{label}: {text}" for _, label, text in parts[1:])
    return first + offers + ([t("console.columns_rest", lang, rest=rest)] if rest else [])


def _deposition_summary(result: Result, lang: str) -> list[str]:
    """Summary lines of the deposition options (none without them)."""
    from vbr.locale.formats import format_count, format_number

    if result.exceedance is None:
        return []
    ranked = result.ranked
    impact = ranked["impact_mol"].to_numpy()
    lines = [
        t(
            "console.exceedance",
            lang,
            cells=format_count(int(result.exceedance.overloaded.sum()), lang),
            ha=format_number(result.exceedance.area_ha, lang, 0),
            rank_by=result.options.rank_by,
        ),
        t(
            "console.impact",
            lang,
            kmol=format_number(impact.sum() / 1000, lang, 1),
            none=format_count(int((impact == 0).sum()), lang),
        ),
    ]
    if result.with_budget:
        selected = ranked["selected"].fillna(False).to_numpy(dtype=bool)
        lines.append(
            t(
                "console.impact_selected",
                lang,
                kmol=format_number(impact[selected].sum() / 1000, lang, 1),
            )
        )
    return lines


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(version_text())
        ctx.exit()


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version, the git commit (and whether the tree had uncommitted changes) and "
    "the sha256 of the package's source files, as manifest.json records them; then exit.",
)
def cli() -> None:
    """vbr: rank livestock farm locations for the Dutch voluntary buyout scheme (Vbr).

    Farms within --threshold-m of an overloaded Natura 2000 area get priority; the others are
    ranked by euro subsidy per kg NH3 a year; a budget is spent down that ranking.
    """


@cli.command("run")
@click.option(
    "--farms",
    type=click.Path(path_type=Path),
    help="Farm locations: CSV (, or ;), XLSX, GeoPackage, GeoJSON, Shapefile or AERIUS IMAER GML. "
    "Default: the embedded synthetic farms in data/.",
)
@click.option(
    "--natura",
    type=click.Path(path_type=Path),
    help="Natura 2000 polygons in any declared CRS (e.g. PDOK GeoPackage). "
    "Default: the embedded indicative outlines in data/.",
)
@click.option(
    "--regions",
    type=click.Path(path_type=Path),
    help="Region polygons with a `name` column. Default: the five area processes "
    "(Veluwe, Peel, Rotterdam, Eindhoven, Groene Hart).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Output folder.",
)
@click.option(
    "--overloaded",
    type=click.Path(path_type=Path),
    help="CSV or XLSX with a column `nr`: the overloaded Natura 2000 areas "
    "(for areas whose `overloaded` column is empty or absent).",
)
@click.option(
    "--all-overloaded",
    is_flag=True,
    help="Count every area without other information as overloaded.",
)
@click.option(
    "--budget",
    type=EuroAmount(),
    metavar="EUR",
    help="The national pot in euro, as you would type it: 100000000, 100.000.000, "
    "'EUR 100 mln', '1,125 mld', 1.5e8 (default from the rule set: "
    + (
        t("console.mln", "en", value=f"{_BUILT_IN.budget_eur / 1e6:,.1f}")
        if _BUILT_IN.budget_eur is not None
        else "none"
    )
    + "). With application windows it caps their total.",
)
@click.option(
    "--no-budget",
    is_flag=True,
    help="Rank without selecting: no pot is walked.",
)
@click.option(
    "--pot",
    "pots",
    multiple=True,
    metavar="NAME",
    help="Walk only this pot (repeat for more; 'national' is the national pot, the others by "
    "their names in the rule set or config). Default: every pot, in the rule set's order.",
)
@click.option(
    "--only-national",
    is_flag=True,
    help="Walk only the national pot (same as --pot national).",
)
@click.option(
    "--rules",
    metavar="NAME|PATH",
    help=f"The rule set: one of the package's ({', '.join(rule_set_names())}; default "
    f"{DEFAULT_RULES}) or a TOML file. A --config file may still override its values.",
)
@click.option(
    "--seed",
    type=click.IntRange(0, 2**53 - 1),
    metavar="N",
    help="Seed of the lottery that orders a day whose applications do not all fit (default: "
    "derived from the farm file's sha256; both recorded in manifest.json).",
)
@click.option(
    "--draw",
    type=click.Path(path_type=Path),
    metavar="PATH",
    help="An official draw: CSV/XLSX with a farm_id column listing the applications of the days "
    "drawn by lot, in drawn order; used as given (an id not in a drawn day, or a drawn "
    "application missing, is exit 2).",
)
@click.option(
    "--budget-policy",
    type=click.Choice(BUDGET_POLICIES),
    help="An offer that does not fit: skip it and go on, or stop the walk "
    f"(default from the config: {_BUILT_IN.budget_policy}).",
)
@click.option(
    "--threshold-m",
    type=click.FloatRange(0, MAX_THRESHOLD_M),
    metavar="M",
    help="Priority strip around overloaded areas, metres "
    f"(default from the config: {_BUILT_IN.threshold_m:,g}).",
)
@click.option(
    "--farms-crs",
    default=option_default("farms_crs"),
    show_default=True,
    metavar="EPSG",
    help="CRS of x/y columns in --farms (lon/lat columns are always EPSG:4326).",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    metavar="TOML",
    help="Override values of the rule set (--rules) and of src/vbr/settings/default_config.toml "
    "with the same tables ([rules], [subsidy], [budget], [[window]], ...); every other value is "
    "kept.",
)
@click.option(
    "--animals",
    type=click.Path(path_type=Path),
    help="Animal counts as a long table `farm_id, rav_code, animals` (several rows per farm add "
    "up); nh3_kg is computed where --farms gives none.",
)
@click.option(
    "--emission-factors",
    type=click.Path(path_type=Path),
    help="Your own table `rav_code, kg_nh3_per_place` (e.g. low-emission housing): adds codes "
    "to data/emission_factors.csv and replaces the ones it repeats.",
)
@click.option(
    "--exceedance",
    type=click.Path(path_type=Path),
    metavar="RASTER",
    help="GeoTIFF or ESRI ASCII grid of deposition above the critical deposition value (KDW), "
    "mol N/ha/yr. Cells above 0 inside Natura 2000 areas become the overloaded zones the "
    "threshold measures to, and every farm gets impact_mol and eur_per_mol.",
)
@click.option(
    "--exceedance-crs",
    metavar="EPSG",
    help="CRS of an --exceedance file that declares none (RIVM grids: 28992).",
)
@click.option(
    "--rank-by",
    type=click.Choice(RANK_BY),
    default=option_default("rank_by"),
    show_default=True,
    help="Cost measure of the ranking: euro per kg NH3 (the Vbr rule) or euro per mol of "
    "deposition on overloaded nature (needs --exceedance).",
)
@click.option(
    "--scenarios",
    is_flag=True,
    help="Also write scenarios/: cost curves (CSV, PNG), threshold sensitivity and the best "
    "possible selection per budget (exact knapsack; advisory only).",
)
@click.option(
    "--public",
    is_flag=True,
    help="Write only public maps: farms counted per 1 km cell (cells with fewer than 3 farms "
    "left out), no farm ids, subsidies or other columns, and no lists.",
)
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    help="Language of the console, the maps, index.html, the reasons, notes and the common "
    "error messages: nl (Dutch, the default) or en. Config: [output] language. The machine "
    "lists and manifest.json keep their English names (and reason kinds).",
)
@click.option(
    "--max-rejected",
    type=float,
    metavar="PERCENT",
    help="Refuse to rank (exit 2) when more than this percentage of the farm rows is rejected "
    f"(0..100; default from the config: {_BUILT_IN.max_rejected_percent:g}); the message gives "
    "the most common reasons.",
)
@click.option(
    "--columns",
    "columns",
    multiple=True,
    metavar="FIELD=COL,...",
    help="Name the --farms column of a field where vbr does not recognise it or where two "
    "columns could be it, e.g. farm_id=vthobject_id,nh3_kg=nh3. Fields: farm_id, x, y, lon, "
    "lat, nh3_kg, subsidy_eur, submitted_at, complete_at. Config: [columns].",
)
@click.option(
    "--natura-columns",
    "natura_columns",
    multiple=True,
    metavar="FIELD=COL,...",
    help="The same for --natura; fields: nr, name, overloaded. Config: [natura_columns].",
)
@click.option(
    "--regions-columns",
    "regions_columns",
    multiple=True,
    metavar="FIELD=COL",
    help="The same for --regions; field: name. Config: [regions_columns].",
)
@click.option(
    "--offers",
    type=click.Path(path_type=Path),
    help="Offers (CSV or XLSX: farm_id, subsidy_eur, optional submitted_at, complete_at) joined "
    "on farm_id to the locations of --farms in any format (an IMAER source by its gml:id). An "
    "offer without a location and a location without an offer that cannot be estimated are "
    "rejected.",
)
@click.option(
    "--offers-columns",
    "offers_columns",
    multiple=True,
    metavar="FIELD=COL,...",
    help="The same as --columns for --offers; fields: farm_id, subsidy_eur, submitted_at, "
    "complete_at. Config: [offers_columns].",
)
@click.option(
    "--layer",
    metavar="NAME",
    help="The layer of a --farms GeoPackage to read (default: the first layer of points; "
    "the choice is noted when there are several).",
)
@click.option(
    "--sheet",
    metavar="NAME",
    help="The sheet of a --farms workbook to read (default: the first visible sheet; the "
    "choice is noted when there are several).",
)
@click.option(
    "--natura-layer",
    metavar="NAME",
    help="The layer of a --natura GeoPackage to read (default: the first layer of polygons).",
)
@click.option(
    "--regions-layer",
    metavar="NAME",
    help="The layer of a --regions GeoPackage to read (default: the first layer of polygons).",
)
@click.option(
    "--large",
    is_flag=True,
    help=f"Read a farm file of more than {MAX_ROWS:,} rows (needs about "
    f"{BYTES_PER_ROW * 1_000_000 / 1e9:,.0f} GB of memory per million rows).",
)
@click.option("--quiet", is_flag=True, help="Print nothing but errors.")
def run_command(
    farms,
    natura,
    regions,
    out,
    overloaded,
    all_overloaded,
    budget,
    no_budget,
    pots,
    only_national,
    rules,
    seed,
    draw,
    budget_policy,
    threshold_m,
    farms_crs,
    config_path,
    exceedance,
    exceedance_crs,
    rank_by,
    scenarios,
    public,
    lang,
    large,
    max_rejected,
    quiet,
    columns=(),
    natura_columns=(),
    regions_columns=(),
    offers=None,
    offers_columns=(),
    layer=None,
    sheet=None,
    natura_layer=None,
    regions_layer=None,
    animals=None,
    emission_factors=None,
) -> None:
    """Rank farms and write ranking.csv, rejected.csv, ranking.xlsx, ranking.gpkg, one folder
    per region and manifest.json to --out.

    With no options it runs on the embedded synthetic default data and writes to maps/.
    """
    from vbr.pipeline import run

    options = run_options(
        farms=farms,
        natura=natura,
        regions=regions,
        out=out,
        config=config_path,
        threshold_m=threshold_m,
        budget_eur=budget,
        budget_policy=budget_policy,
        no_budget=no_budget,
        overloaded=overloaded,
        all_overloaded=all_overloaded,
        farms_crs=farms_crs,
        animals=animals,
        emission_factors=emission_factors,
        exceedance=exceedance,
        exceedance_crs=exceedance_crs,
        rank_by=rank_by,
        scenarios=scenarios,
        public=public,
        language=lang,
        max_rejected=max_rejected,
        rules=rules,
        pots=tuple(pots) or None,
        only_national=only_national,
        seed=seed,
        draw=draw,
        columns=columns or None,
        natura_columns=natura_columns or None,
        regions_columns=regions_columns or None,
        offers=offers,
        offers_columns=offers_columns or None,
        layer=layer,
        sheet=sheet,
        natura_layer=natura_layer,
        regions_layer=regions_layer,
        large=large,
    )
    _set_language(options.config.language)
    progress = _progress_printer(not quiet and sys.stderr.isatty())
    written = run(options, progress=progress, command=["vbr", *_argv()])
    if not quiet:
        click.echo(_summary(written))


def _set_language(lang: str) -> None:
    """Remember the run's language for the messages of errors (exit 2) that follow."""
    ctx = click.get_current_context(silent=True)
    obj = ctx.find_root().obj if ctx is not None else None
    if isinstance(obj, dict):
        obj["lang"] = lang


def _error_language(obj: dict, argv: list[str]) -> str:
    """The language of an error message: the run's, once its options are read; before that
    ``--lang`` of the command line, else ``[output] language`` of ``--config``'s file where it
    can be read, else the default (Dutch)."""
    if obj.get("lang") in LANGUAGES:
        return obj["lang"]
    for i, arg in enumerate(argv):
        value = None
        if arg == "--lang" and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
        if value in LANGUAGES:
            return value
    for i, arg in enumerate(argv):
        path = None
        if arg == "--config" and i + 1 < len(argv):
            path = argv[i + 1]
        elif arg.startswith("--config="):
            path = arg.split("=", 1)[1]
        if path:
            try:
                import tomllib

                data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
                for table in ("output", "explain"):
                    value = data.get(table, {}).get("language")
                    if value in LANGUAGES:
                        return value
            except Exception:
                pass
    return DEFAULT_LANGUAGE


def _argv() -> list[str]:
    ctx = click.get_current_context(silent=True)
    obj = ctx.find_root().obj if ctx is not None else None
    return list(obj["argv"]) if isinstance(obj, dict) and "argv" in obj else sys.argv[1:]


@cli.group("download")
def download_group() -> None:
    """Download official public data."""


@download_group.command("natura2000")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("natura2000_pdok.gpkg"),
    show_default=True,
    help="GeoPackage to write (layer natura2000, one (multi)polygon per area nr, EPSG:28992).",
)
@click.option(
    "--url",
    default=None,
    metavar="URL",
    help="WFS endpoint (default: the PDOK Natura 2000 WFS of RVO).",
)
@click.option("--quiet", is_flag=True, help="Print nothing but errors.")
def download_natura2000_command(out: Path, url: str | None, quiet: bool) -> None:
    """Fetch the official Natura 2000 areas from the PDOK WFS and write one (multi)polygon per
    area number. Use the file with `vbr run --natura`; without --overloaded the areas with
    nitrogen-sensitive habitat (data/nitrogen_sensitive_areas.csv) count as overloaded."""
    from vbr.download import PDOK_NATURA2000_URL, download_natura2000

    progress = _progress_printer(not quiet and sys.stderr.isatty())
    path, n_features, n_areas = download_natura2000(
        out, url=url or PDOK_NATURA2000_URL, progress=progress
    )
    if not quiet:
        click.echo(f"{n_features:,} features, {n_areas:,} areas written to {path}")


@cli.command("verify")
@click.argument("outdir", type=click.Path(path_type=Path))
@click.option(
    "--inputs",
    "inputs_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder holding the run's input files (looked up by file name), e.g. in an archive. "
    "Default: the paths recorded in manifest.json.",
)
def verify_command(outdir: Path, inputs_dir: Path | None) -> None:
    """Check OUTDIR against its manifest.json and repeat the run it records.

    Checks manifest.json against manifest.sha256, every output's sha256 and that no file is
    missing or added, the sha256 of every input file; then re-runs with the recorded options
    and configuration in a temporary folder and compares every output byte for byte and the
    manifest's figures (counts, budgets, notes ...). Exit status: 0 identical; 3 something
    differs (each difference is printed, naming the file); 2 the manifest cannot be used or an
    input file is missing.
    """
    from vbr.audit import verify
    from vbr.locale.formats import format_count

    report = verify(outdir, inputs_dir=inputs_dir)
    lang = report.language if report.language in LANGUAGES else "en"
    _set_language(lang)
    for note in report.notes:
        text = note.render(lang) if isinstance(note, Message) else note
        click.echo(t("console.verify_note", lang, text=text))
    for line in report.inputs_checked:
        click.echo(t("console.verify_input", lang, line=line))
    if report.identical:
        click.echo(
            t(
                "console.verify_identical",
                lang,
                outputs=format_count(len(report.outputs_compared), lang),
                names=", ".join(report.outputs_compared),
                figures=format_count(report.figures_compared, lang),
            )
        )
        return
    click.echo(
        plural("console.verify_differs", lang, count=len(report.differences)),
        err=True,
    )
    for d in report.differences:
        click.echo(f"  - {d.render(lang)}", err=True)
    raise click.exceptions.Exit(3)


@cli.command("explain")
@click.argument("outdir", type=click.Path(path_type=Path))
@click.argument("farm_id")
def explain_command(outdir: Path, farm_id: str) -> None:
    """Say why application FARM_ID of the run in OUTDIR got its place and its outcome.

    In the run's language, from OUTDIR's ranking.csv, decisions.csv and manifest.json alone:
    the distance and the nearest area, the round, the day (and the lot) or the rank, the
    applications before it, the budget left at its turn in every pot that walked it, the
    decision, and the bid that would have changed it. Exit status 2 when OUTDIR is no run of
    vbr 0.3.0 or later, or has no application FARM_ID.
    """
    from vbr.outcome import explain

    for line in explain(outdir, farm_id):
        click.echo(line)


@cli.command("diff")
@click.argument("outdir_a", type=click.Path(path_type=Path))
@click.argument("outdir_b", type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_file",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="Write every changed application to FILE as CSV (diff.csv: farm_id, change, then "
    "status, funded_by, rank and reason in A and in B). Default: print only.",
)
@click.option("--all", "show_all", is_flag=True, help="Print every changed application.")
def diff_command(outdir_a: Path, outdir_b: Path, out_file: Path | None, show_all: bool) -> None:
    """Say what changed between the runs in OUTDIR_A and OUTDIR_B.

    Prints a summary in run B's language ("12 aanvragen nu geselecteerd, 3 niet meer; oorzaak:
    budget 750 -> 800 mln"), the parameters, inputs, rule set and code that differ (from the
    manifests), and the applications whose status, pot, rank or reason changed (the first 20;
    --all for every one, --out FILE to write them all as CSV). Neither folder is changed.
    Exit status 0 (also when the runs differ); 2 when a folder is no run of vbr 0.3.0 or later.
    """
    from vbr.compare import compare
    from vbr.locale.formats import format_count
    from vbr.writers.lists import write_csv

    result = compare(outdir_a, outdir_b)
    lang = result.language if result.language in LANGUAGES else "en"
    _set_language(lang)
    from vbr.writers.tables import decision_words

    click.echo(result.summary)
    for what, before, after in result.causes:
        click.echo(f"  {_cause_words(what, lang)}: {before} -> {after}")
    table = result.table
    shown = table if show_all else table.head(20)
    for row in shown.itertuples(index=False):
        status_a, status_b = decision_words([row.status_a, row.status_b], lang)
        parts = [f"{status_a or '-'} -> {status_b or '-'}"]
        if row.funded_by_a != row.funded_by_b:
            parts.append(
                t("console.diff_pot", lang, a=row.funded_by_a or "-", b=row.funded_by_b or "-")
            )
        if row.rank_a != row.rank_b:
            parts.append(t("console.diff_rank", lang, a=row.rank_a or "-", b=row.rank_b or "-"))
        click.echo(f"{row.farm_id}: {_change_words(row.change, lang)} ({'; '.join(parts)})")
    if len(shown) < len(table):
        click.echo(t("console.diff_more", lang, more=format_count(len(table) - len(shown), lang)))
    if out_file is not None:
        for run in (outdir_a, outdir_b):
            if Path(out_file).resolve().parent == Path(run).resolve():
                raise InputError(
                    say("diff_into_run"),
                    source=f"--out {out_file}",
                )
        write_csv(table, out_file)
        click.echo(plural("console.diff_written", lang, count=len(table), file=out_file))


#: ``vbr diff``'s change words (diff.csv's ``change``, machine values) as the console says them.
_CHANGES = {
    "now granted": "diff.change_now_granted",
    "no longer granted": "diff.change_no_longer_granted",
    "status": "diff.change_status",
    "other pot": "diff.change_other_pot",
    "rank": "diff.change_rank",
    "reason": "diff.change_reason",
    "only in A": "diff.change_only_a",
    "only in B": "diff.change_only_b",
}


def _change_words(change: str, lang: str) -> str:
    """A ``change`` of diff.csv (``now granted;rank``) in words of ``lang``."""
    return "; ".join(t(_CHANGES[c], lang) if c in _CHANGES else c for c in change.split(";"))


def _cause_words(what: str, lang: str) -> str:
    """What a cause of ``vbr diff`` concerns: a parameter (its name), an input or the code."""
    if what.startswith("input "):
        return t("diff.what_input", lang, name=what.removeprefix("input "))
    if what == "code":
        return t("diff.what_code", lang)
    return what


def _show_click_error(exc: click.ClickException, lang: str) -> None:
    """A usage error of click (an unknown option, a value out of range, a missing argument) in
    ``lang``: the usage line, the hint to ``--help`` and the message in vbr's frame."""
    from vbr.locale.reasons import render_click

    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        usage = ctx.get_usage().removeprefix("Usage: ")
        click.echo(t("click.usage", lang, usage=usage), err=True)
        option = ctx.command.get_help_option(ctx)
        if option is not None:
            command = f"{ctx.command_path} {max(option.opts, key=len)}"
            click.echo(t("click.try_help", lang, command=command) + "\n", err=True)
    message = render_click(exc.format_message(), lang)
    click.echo(t("errors.frame", lang, message=message), err=True)


def main(argv: list[str] | None = None) -> int:
    """Entry point: exit 0 done, 2 unusable input or options, 1 a bug."""
    obj: dict = {"argv": [str(a) for a in (sys.argv[1:] if argv is None else argv)]}
    try:
        with stop_cleanly():
            code = cli.main(args=argv, prog_name="vbr", standalone_mode=False, obj=obj)
    except Terminated as exc:
        name = getattr(exc.signal_received, "name", exc.signal_received)
        lang = _error_language(obj, obj["argv"])
        click.echo(t("errors.terminated", lang, signal=name), err=True)
        return 128 + int(exc.signal_received)
    except InputError as exc:
        # the run's language where the catalogue has the message; the frame follows the
        # language the message is said in (README, Language)
        message, lang = exc.render(_error_language(obj, obj["argv"]))
        click.echo(t("errors.frame", lang, message=message), err=True)
        return 2
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        lang = _error_language(obj, obj["argv"])
        if lang == "en":
            exc.show()  # click's own words
        else:
            _show_click_error(exc, lang)
        return 2
    except click.exceptions.Abort:
        click.echo(t("errors.aborted", _error_language(obj, obj["argv"])), err=True)
        return 1
    except KeyboardInterrupt:
        click.echo(t("errors.interrupted", _error_language(obj, obj["argv"])), err=True)
        return 1
    except Exception:
        traceback.print_exc()
        click.echo(t("errors.internal", _error_language(obj, obj["argv"])), err=True)
        return 1
    # In non-standalone mode click returns the code of a click.exceptions.Exit (vbr verify: 3).
    return code if isinstance(code, int) else 0


def entry() -> None:
    """Console-script entry point.

    Floating-point RuntimeWarnings of numpy, pandas and shapely never reach the user (not even
    with ``--quiet``): every value that leaves the finite range rejects its row with a reason
    (:mod:`vbr.core.bounds`), and the tests run the hostile inputs with such warnings as errors.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        code = main()
    if code > 128:
        # stopped by a signal, temporary files removed: do not wait for background work (the
        # priority strip is buffered in threads) that the interpreter would join on exit
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    entry()
