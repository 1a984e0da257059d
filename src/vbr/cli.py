"""The command line: parse the options, build :class:`RunOptions`, run, print. Nothing else."""

from __future__ import annotations

import contextlib
import os
import sys
import time
import traceback
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import click

from vbr._version import __version__, version_text
from vbr.errors import InputError, Terminated
from vbr.locale import DEFAULT_LANGUAGE, LANGUAGES, MADE_KEYS, Message, plural, say, t
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

__all__ = ["cli", "entry", "help_keys", "limit_blas_threads", "main"]


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


def _progress_printer(enabled: bool, lang: str = "en"):
    """What ``--progress`` prints: each stage with the seconds so far, in ``lang`` where the
    stage says itself (a :class:`Message`)."""
    if not enabled:
        return None
    start = time.perf_counter()

    def show(message: str) -> None:
        text = message.render(lang) if isinstance(message, Message) else message
        click.echo(f"[{time.perf_counter() - start:6.1f} s] {text} ...", err=True)

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
    if not result.first_come_first_served:
        return _word(_RANK_BY, result.options.rank_by, lang)
    if result.options.config.fcfs != "day":
        return t("console.order_time", lang)
    drawn = len(result.decisions.drawn) if result.decisions is not None else 0
    return plural("console.order_day", lang, count=drawn)


def _field_text(name: str, source: FieldSource, lang: str) -> str:
    """One field of the column summary: ``nh3_kg``, ``farm_id=vthobject_id``, ``subsidy_eur:
    estimate``, ``nh3_kg=nh3 (computed from animal counts for 12 rows)``."""

    made = source.made
    if made in MADE_KEYS:
        made = t(MADE_KEYS[made], lang)
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


class _HelpFormatter(click.HelpFormatter):
    """click's help formatter with the headings ("Usage", "Options", "Commands") in the
    language :meth:`_Localised.format_help` sets; without one, click's own words."""

    lang: str | None = None
    _HEADINGS: ClassVar[dict[str, str]] = {"Options": "help.options", "Commands": "help.commands"}

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        if prefix is None and self.lang is not None:
            prefix = t("help.usage", self.lang)
        super().write_usage(prog, args, prefix)

    def section(self, name: str):
        if self.lang is not None and name in self._HEADINGS:
            name = t(self._HEADINGS[name], self.lang)
        return super().section(name)


class _Context(click.Context):
    formatter_class = _HelpFormatter


def _help_key(ctx: click.Context) -> str:
    """The catalogue table of a command's help: ``help.vbr`` for vbr itself, ``help.run``,
    ``help.download.natura2000`` ..."""
    names = []
    while ctx.parent is not None:
        names.append(ctx.command.name)
        ctx = ctx.parent
    return "help." + (".".join(reversed(names)) or "vbr")


def _number(text: str, lang: str) -> str:
    """A number written with Python's ``,`` and ``.`` marks in ``lang``'s marks (no Babel:
    the help answers without it)."""
    if lang == "nl":
        return text.replace(",", "_").replace(".", ",").replace("_", ".")
    return text


def _help_values(name: str, lang: str) -> dict[str, object]:
    """The values an option's help names (its default, the rule sets, limits)."""
    if name == "budget":
        eur = _BUILT_IN.budget_eur
        if eur is None:
            return {"default": t("help.run.budget_none", lang)}
        return {"default": t("console.mln", lang, value=_number(f"{eur / 1e6:,.1f}", lang))}
    if name == "rules":
        return {"names": ", ".join(rule_set_names()), "default": DEFAULT_RULES}
    if name == "budget_policy":
        return {"default": _BUILT_IN.budget_policy}
    if name == "threshold_m":
        return {"default": _number(f"{_BUILT_IN.threshold_m:,g}", lang)}
    if name == "max_rejected":
        return {"default": _number(f"{_BUILT_IN.max_rejected_percent:g}", lang)}
    if name == "large":
        gb = f"{BYTES_PER_ROW * 1_000_000 / 1e9:,.0f}"
        return {"rows": _number(f"{MAX_ROWS:,}", lang), "gb": _number(gb, lang)}
    return {}


def _localise(command: click.Command, ctx: click.Context, key: str, lang: str) -> None:
    """Fill the help of ``command`` and of its options (and the short help of its
    subcommands) from the catalogue's table ``key`` in ``lang``."""
    command.help = t(f"{key}.command", lang)
    help_option = command.get_help_option(ctx)
    for param in command.get_params(ctx):
        if param is help_option:
            param.help = t("help.help_option", lang)
        elif isinstance(param, click.Option):
            default = param.default if param.default is not None else ""
            values = {"default": default, **_help_values(param.name or "", lang)}
            param.help = t(f"{key}.{param.name}", lang, **values)
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            sub_key = f"help.{name}" if key == "help.vbr" else f"{key}.{name}"
            sub.help = t(f"{sub_key}.command", lang)


def help_keys() -> set[str]:
    """Every catalogue key the help of the commands reads (``help.run.farms`` ...): the tests
    check that both catalogues have them."""
    keys = {"help.usage", "help.options", "help.commands", "help.help_option"}

    def walk(command: click.Command, key: str) -> None:
        keys.add(f"{key}.command")
        for param in command.params:
            if isinstance(param, click.Option):
                keys.add(f"{key}.{param.name}")
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                walk(sub, f"help.{name}" if key == "help.vbr" else f"{key}.{name}")

    walk(cli, "help.vbr")
    return keys


class _Localised(click.Command):
    """A command whose help is said in the run's language (``--lang``, else ``--config``'s
    ``[output] language``, else Dutch: as the early errors are), from the catalogue's
    ``[help]`` table."""

    context_class = _Context

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        lang = _help_language(ctx)
        _localise(self, ctx, _help_key(ctx), lang)
        if isinstance(formatter, _HelpFormatter):
            formatter.lang = lang
        super().format_help(ctx, formatter)


class _LocalisedGroup(_Localised, click.Group):
    command_class = _Localised
    group_class = type


def _help_language(ctx: click.Context) -> str:
    """The language of the help, and of a command with no run of its own to follow (``vbr
    download``): ``--lang`` (also ``vbr --lang``), else ``--config``'s, else Dutch."""
    obj = ctx.find_root().obj
    obj = obj if isinstance(obj, dict) else {}
    return _error_language(obj, list(obj["argv"]) if "argv" in obj else sys.argv[1:])


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(version_text())
        ctx.exit()


@click.group(
    cls=_LocalisedGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version)
@click.option("--lang", type=click.Choice(LANGUAGES))
def cli(lang: str | None = None) -> None:
    """``vbr``: the commands below. What ``--help`` says is in the catalogues' ``[help]`` tables
    (:func:`help_keys`); ``vbr --lang en`` says the help and the early errors in English and is
    the default of ``vbr run``'s ``--lang``."""
    obj = click.get_current_context().obj
    if lang is not None and isinstance(obj, dict):
        obj["group_lang"] = lang


#: ``vbr run``'s options whose name in :func:`vbr.settings.run_options` is another.
_RUN_OPTION_NAMES = {"config_path": "config", "budget": "budget_eur"}


@cli.command("run")
@click.option("--farms", type=click.Path(path_type=Path))
@click.option("--natura", type=click.Path(path_type=Path))
@click.option("--regions", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), default=DEFAULT_OUT)
@click.option("--overloaded", type=click.Path(path_type=Path))
@click.option("--all-overloaded", is_flag=True)
@click.option("--budget", type=EuroAmount(), metavar="EUR")
@click.option("--no-budget", is_flag=True)
@click.option("--pot", "pots", multiple=True, metavar="NAME")
@click.option("--only-national", is_flag=True)
@click.option("--rules", metavar="NAME|PATH")
@click.option("--seed", type=click.IntRange(0, 2**53 - 1), metavar="N")
@click.option("--draw", type=click.Path(path_type=Path), metavar="PATH")
@click.option("--budget-policy", type=click.Choice(BUDGET_POLICIES))
@click.option("--threshold-m", type=click.FloatRange(0, MAX_THRESHOLD_M), metavar="M")
@click.option("--farms-crs", default=option_default("farms_crs"), metavar="EPSG")
@click.option("--config", "config_path", type=click.Path(path_type=Path), metavar="TOML")
@click.option("--animals", type=click.Path(path_type=Path))
@click.option("--emission-factors", type=click.Path(path_type=Path))
@click.option("--exceedance", type=click.Path(path_type=Path), metavar="RASTER")
@click.option("--exceedance-crs", metavar="EPSG")
@click.option("--rank-by", type=click.Choice(RANK_BY), default=option_default("rank_by"))
@click.option("--scenarios", is_flag=True)
@click.option("--public", is_flag=True)
@click.option("--lang", type=click.Choice(LANGUAGES))
@click.option("--max-rejected", type=float, metavar="PERCENT")
@click.option("--columns", "columns", multiple=True, metavar="FIELD=COL,...")
@click.option("--natura-columns", "natura_columns", multiple=True, metavar="FIELD=COL,...")
@click.option("--regions-columns", "regions_columns", multiple=True, metavar="FIELD=COL")
@click.option("--offers", type=click.Path(path_type=Path))
@click.option("--offers-columns", "offers_columns", multiple=True, metavar="FIELD=COL,...")
@click.option("--layer", metavar="NAME")
@click.option("--sheet", metavar="NAME")
@click.option("--natura-layer", metavar="NAME")
@click.option("--regions-layer", metavar="NAME")
@click.option("--large", is_flag=True)
@click.option("--quiet", is_flag=True)
def run_command(*, lang: str | None, quiet: bool, **given: object) -> None:
    """``vbr run``: rank, select, write (help: ``[help.run]`` of the catalogues). The options
    go to :func:`vbr.settings.run_options` by its names (:data:`_RUN_OPTION_NAMES`); an option
    given more than once (``--pot``, ``--columns``) is a tuple, ``None`` when not given."""
    from vbr.writing import run

    if lang is None:
        obj = click.get_current_context().find_root().obj
        lang = obj.get("group_lang") if isinstance(obj, dict) else None
    values = {
        _RUN_OPTION_NAMES.get(name, name): (tuple(value) or None)
        if isinstance(value, tuple)
        else value
        for name, value in given.items()
    }
    options = run_options(**values, language=lang)
    _set_language(options.config.language)
    progress = _progress_printer(not quiet and sys.stderr.isatty(), options.config.language)
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
    for value in _option_values(argv, "--lang"):
        if value in LANGUAGES:
            return value
    for path in _option_values(argv, "--config"):
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


def _option_values(argv: list[str], option: str) -> list[str]:
    """Every value given to ``option`` in ``argv`` (``--lang en`` or ``--lang=en``), in order."""
    values = []
    for i, arg in enumerate(argv):
        if arg == option and i + 1 < len(argv):
            values.append(argv[i + 1])
        elif arg.startswith(option + "="):
            values.append(arg.split("=", 1)[1])
    return values


def _argv() -> list[str]:
    ctx = click.get_current_context(silent=True)
    obj = ctx.find_root().obj if ctx is not None else None
    return list(obj["argv"]) if isinstance(obj, dict) and "argv" in obj else sys.argv[1:]


@cli.group("download")
def download_group() -> None:
    """``vbr download`` (help: ``[help.download]``)."""


@download_group.command("natura2000")
@click.option("--out", type=click.Path(path_type=Path), default=Path("natura2000_pdok.gpkg"))
@click.option("--url", default=None, metavar="URL")
@click.option("--quiet", is_flag=True)
def download_natura2000_command(out: Path, url: str | None, quiet: bool) -> None:
    """``vbr download natura2000``: the PDOK Natura 2000 areas (help:
    ``[help.download.natura2000]``)."""
    from vbr.download import PDOK_NATURA2000_URL, download_natura2000

    lang = _help_language(click.get_current_context())
    progress = _progress_printer(not quiet and sys.stderr.isatty(), lang)
    path, n_features, n_areas = download_natura2000(
        out, url=url or PDOK_NATURA2000_URL, progress=progress
    )
    if not quiet:
        done = Message("progress.download_done", features=n_features, areas=n_areas, path=path)
        click.echo(done.render(lang))


@cli.command("verify")
@click.argument("outdir", type=click.Path(path_type=Path))
@click.option("--inputs", "inputs_dir", type=click.Path(path_type=Path, file_okay=False))
def verify_command(outdir: Path, inputs_dir: Path | None) -> None:
    """``vbr verify``: check a run folder and repeat its run (help: ``[help.verify]``)."""
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
    """``vbr explain``: why an application got its place (help: ``[help.explain]``)."""
    from vbr.outcome import explain

    for line in explain(outdir, farm_id):
        click.echo(line)


@cli.command("diff")
@click.argument("outdir_a", type=click.Path(path_type=Path))
@click.argument("outdir_b", type=click.Path(path_type=Path))
@click.option("--out", "out_file", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE")
@click.option("--all", "show_all", is_flag=True)
def diff_command(outdir_a: Path, outdir_b: Path, out_file: Path | None, show_all: bool) -> None:
    """``vbr diff``: what changed between two runs (help: ``[help.diff]``)."""
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


def limit_blas_threads() -> None:
    """Ask numpy's OpenBLAS for one thread, unless the user chose a number
    (``OPENBLAS_NUM_THREADS``) or numpy is loaded already (then it is too late).

    OpenBLAS starts a thread per core when numpy is imported, and each spins about 0.1 s of
    CPU before it sleeps (a tenth of a 45,000-farm ranking's CPU time on two cores, more on more
    cores); vbr does no linear algebra that threads would speed up.
    """
    if "numpy" not in sys.modules:
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def entry() -> None:
    """Console-script entry point.

    Floating-point RuntimeWarnings of numpy, pandas and shapely never reach the user (not even
    with ``--quiet``): every value that leaves the finite range rejects its row with a reason
    (:mod:`vbr.core.bounds`), and the tests run the hostile inputs with such warnings as errors.
    """
    limit_blas_threads()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        code = main()
    # Every output is written and moved into place (or, stopped by a signal, the temporary files
    # removed): leave without the interpreter's teardown, which would free the run's objects one
    # by one (0.3-0.4 s after a 45,000-farm run) and wait for background work nobody needs any
    # more (the cache folder is written whole or not at all).
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe, a closed stream
            stream.flush()
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    entry()
