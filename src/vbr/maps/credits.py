"""What a printed map and ``map.png`` say about themselves: the run's date, the data sources
and the limits of what is drawn, in the run's language."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from vbr._version import __version__
from vbr.locale import t
from vbr.locale.formats import format_date, format_m
from vbr.model import Result
from vbr.settings import default_data_dir

__all__ = ["Credits", "credits"]


@dataclass(frozen=True)
class Credits:
    """The lines under a printed map or a ``map.png``.

    Attributes
    ----------
    run
        ``Run van 6 december 2026 · vbr 0.2.0``.
    sources
        One line per source: farms, Natura 2000 areas, which are overloaded, regions, raster.
    limits
        What the picture does not say.
    """

    run: str
    sources: list[str]
    limits: list[str]

    def as_dict(self) -> dict:
        """For the page's JSON."""
        return {"run": self.run, "sources": self.sources, "limits": self.limits}


def _is_default(path: Path | None) -> bool:
    if path is None:
        return False
    try:
        return Path(path).resolve().parent == default_data_dir().resolve()
    except OSError:
        return False


def _name(path: Path | None, lang: str, default_key: str) -> str:
    """A file's name, or what the embedded default file is."""
    if _is_default(path):
        return t(default_key, lang)
    return Path(path).name if path is not None else ""


def credits(
    result: Result, created: dt.datetime, *, public_min_farms: int | None = None
) -> Credits:
    """The run's date, sources and limits for a map of ``result`` written at ``created``; a
    public map (``public_min_farms`` given) says how farms are counted.

    Only file names are given (never a folder path, which may name a person or a share).
    """
    lang = result.options.config.language
    options = result.options
    run = t("map.print.run", lang, date=format_date(created, lang), version=__version__)
    sources = [
        t("map.print.source_farms", lang, source=_name(options.farms, lang, "map.print.synthetic")),
        t(
            "map.print.source_natura",
            lang,
            source=_name(options.natura, lang, "map.print.indicative_natura"),
        ),
    ]
    if result.overloaded_list is not None:
        sources.append(
            t(
                "map.print.source_overloaded",
                lang,
                source=_name(result.overloaded_list, lang, "map.print.sensitive_list"),
            )
        )
    if options.regions is not None:
        sources.append(
            t(
                "map.print.source_regions",
                lang,
                source=_name(options.regions, lang, "map.print.indicative_regions"),
            )
        )
    if options.exceedance is not None:
        sources.append(t("map.print.source_raster", lang, source=Path(options.exceedance).name))
    threshold = format_m(float(options.config.threshold_m), lang)
    limits = [
        t("map.print.limit_shapes", lang),
        t("map.print.limit_zone", lang, distance=threshold),
    ]
    if public_min_farms is not None:
        limits = [t("map.print.limit_public", lang, min=public_min_farms), *limits]
    example_farms, example_areas = _is_default(options.farms), _is_default(options.natura)
    if example_farms and example_areas:
        limits.append(t("map.print.limit_synthetic", lang))
    elif example_farms:  # real outlines, example farms
        limits.append(t("map.print.limit_synthetic_farms", lang))
    elif example_areas:  # real farms (the user's file) measured against vbr's outlines
        limits.append(t("map.print.limit_indicative_natura", lang))
    return Credits(run=run, sources=sources, limits=limits)
