"""``<slug>/map.png``: a static picture of a region's map for reports and slides.

Drawn with matplotlib (Agg, no screen, no network, no basemap) in EPSG:28992 metres from the
same data as the interactive map: the region's outline, the Natura 2000 areas (overloaded
filled, others dashed) with their names where they fit, the priority strip, and the farms by
status with the map's symbols and colours (circle area by NH3), or, on a public map, the cells.
Around the map: the title, the run's date, the legend with the farms per status, the region's
figures, a scale bar, and the data sources and limits, all in the run's language.

The picture is 1600 x 1200 pixels (16 x 12 inches at 100 dpi); a farm's circle has the same
radius in pixels as on the interactive map.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from vbr.cache import cache_folder, cached_each
from vbr.locale import t
from vbr.locale.formats import format_number

__all__ = [
    "DPI",
    "SIZE_PX",
    "CellsToDraw",
    "FarmsToDraw",
    "LegendEntry",
    "PictureDrawer",
    "StaticMap",
    "draw_png",
    "draw_pngs",
    "frame_view",
    "static_map",
]

#: Raise when the outlines a picture draws are simplified otherwise (the user's cache of them).
PICTURE_VERSION = 1

#: The picture's size in pixels and its resolution.
SIZE_PX = (1600, 1200)
DPI = 100
#: Where the map sits in the figure (left, bottom, width, height; figure fractions).
_MAP_BOX = (0.015, 0.135, 0.705, 0.78)
_SIDE_X = 0.735
#: A figure whose value and the first line of its label together are longer (characters) has
#: its value on a line of its own: the side column holds about this many at 11 pt.
_FIGURE_CHARS = 44


@dataclass(frozen=True)
class LegendEntry:
    """One line of the legend: a dot (a farm status) or a patch (an area, a cell class)."""

    label: str
    fill: str | None
    stroke: str
    kind: str = "patch"  # "dot" or "patch"
    dashed: bool = False
    count: str = ""
    fill_alpha: float = 1.0


@dataclass(frozen=True)
class FarmsToDraw:
    """Farms as circles, in drawing order (bottom first)."""

    x: np.ndarray
    y: np.ndarray
    radius_px: np.ndarray
    fill: np.ndarray  # colour per farm
    stroke: np.ndarray


@dataclass(frozen=True)
class CellsToDraw:
    """Public map: aggregated cells (polygons, EPSG:28992) with their fill and stroke."""

    geometry: np.ndarray
    fill: np.ndarray
    stroke: np.ndarray


@dataclass
class StaticMap:
    """Everything one ``map.png`` shows (EPSG:28992; texts in the run's language)."""

    lang: str
    title: str
    run: str
    #: What the map frames: xmin, ymin, xmax, ymax (widened to the frame's shape).
    view: tuple[float, float, float, float]
    outline: object
    overloaded: gpd.GeoDataFrame
    other: gpd.GeoDataFrame
    zone: gpd.GeoDataFrame
    legend_title: str
    entries: list[LegendEntry]
    areas: list[LegendEntry]
    figures_title: str
    figures: list[tuple[str, str]]
    sources: list[str]
    limits: list[str]
    sizes_title: str = ""
    sizes: list[tuple[float, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    figure_notes: list[str] = field(default_factory=list)
    farms: FarmsToDraw | None = None
    cells: CellsToDraw | None = None

    @property
    def public(self) -> bool:
        """Whether this is a public map (cells, no farm)."""
        return self.cells is not None


#: Styles of the areas, the strip and the outline, as on the interactive map.
AREA_STYLE = {
    "overloaded": {"fill": "#b07cc6", "alpha": 0.35, "stroke": "#7a3e9d", "width": 1.5},
    "other": {"fill": None, "alpha": 0.0, "stroke": "#2e7d32", "width": 1.5, "dashed": True},
    "zone": {"fill": "#f6c56b", "alpha": 0.18, "stroke": "#c77c00", "width": 1.0},
    "outline": {"fill": None, "alpha": 0.0, "stroke": "#111111", "width": 2.5},
}


def frame_view(
    bounds: tuple[float, float, float, float], *, margin_m: float = 500.0
) -> tuple[float, float, float, float]:
    """``bounds`` with ``margin_m`` around them, widened to the map frame's shape."""
    xmin, ymin, xmax, ymax = bounds
    xmin, ymin, xmax, ymax = xmin - margin_m, ymin - margin_m, xmax + margin_m, ymax + margin_m
    frame = (_MAP_BOX[2] * SIZE_PX[0]) / (_MAP_BOX[3] * SIZE_PX[1])
    width, height = xmax - xmin, ymax - ymin
    if width / max(height, 1e-9) < frame:
        grow = (height * frame - width) / 2
        xmin, xmax = xmin - grow, xmax + grow
    else:
        grow = (width / frame - height) / 2
        ymin, ymax = ymin - grow, ymax + grow
    return xmin, ymin, xmax, ymax


def _path(geoms: Sequence, tolerance_m: float, view: tuple[float, float, float, float]):
    """One matplotlib path of polygons cut to ``view`` (with a margin) and simplified by
    ``tolerance_m``, holes kept."""
    from matplotlib.path import Path as MplPath

    geoms = np.asarray([g for g in geoms if g is not None and not shapely.is_empty(g)])
    if not len(geoms):
        return None
    xmin, ymin, xmax, ymax = view
    margin = 50 * tolerance_m
    geoms = shapely.clip_by_rect(geoms, xmin - margin, ymin - margin, xmax + margin, ymax + margin)
    # simplified once for a region's picture and kept for the next run (vbr.cache): the same
    # outlines, region and size give the same pieces every run
    geoms = cached_each(
        "picture",
        PICTURE_VERSION,
        geoms,
        lambda pieces: shapely.simplify(pieces, tolerance_m, preserve_topology=True),
        params=(float(tolerance_m),),
        folder=cache_folder(),
    )
    polygons = shapely.get_parts(geoms)
    polygons = polygons[shapely.get_type_id(polygons) == 3]
    if not len(polygons):
        return None
    # exterior counter-clockwise, holes clockwise: filled as people expect with any fill rule
    polygons = shapely.orient_polygons(polygons)
    rings = np.concatenate(
        [
            shapely.get_exterior_ring(polygons),
            *[
                shapely.get_interior_ring(polygons, k)
                for k in range(int(shapely.get_num_interior_rings(polygons).max(initial=0)))
            ],
        ]
    )
    rings = rings[~shapely.is_missing(rings)]
    coords, index = shapely.get_coordinates(rings, return_index=True)
    codes = np.full(len(coords), MplPath.LINETO, dtype=np.uint8)
    starts = np.r_[0, np.flatnonzero(np.diff(index)) + 1]
    ends = np.r_[starts[1:] - 1, len(coords) - 1]
    codes[starts] = MplPath.MOVETO
    codes[ends] = MplPath.CLOSEPOLY
    return MplPath(coords, codes)


def _draw_polygons(ax, geoms, style: dict, view, tolerance_m: float, *, zorder: float) -> None:
    from matplotlib.colors import to_rgba
    from matplotlib.patches import PathPatch

    path = _path(geoms, tolerance_m, view)
    if path is None:
        return
    face = to_rgba(style["fill"], style["alpha"]) if style.get("fill") else "none"
    # add_artist, not add_patch: the view is set, and the data limits of a long outline cost
    ax.add_artist(
        PathPatch(
            path,
            facecolor=face,
            edgecolor=style["stroke"],
            linewidth=style["width"],
            linestyle=(0, (4, 3)) if style.get("dashed") else "solid",
            zorder=zorder,
            transform=ax.transData,
        )
    )


def _nice_length(metres: float) -> float:
    """The largest 1, 2 or 5 x 10^k not above ``metres``."""
    exp = math.floor(math.log10(max(metres, 1.0)))
    for m in (5, 2, 1):
        if m * 10**exp <= metres:
            return float(m * 10**exp)
    return float(10**exp)


def _scale_bar(ax, view, lang: str) -> None:
    from matplotlib.patches import Rectangle

    xmin, ymin, xmax, ymax = view
    length = _nice_length((xmax - xmin) / 5)
    text = (
        f"{format_number(length / 1000, lang, 0 if length >= 1000 else 1)} km"
        if length >= 500
        else f"{format_number(length, lang)} m"
    )
    x0 = xmin + (xmax - xmin) * 0.025
    y0 = ymin + (ymax - ymin) * 0.03
    height = (ymax - ymin) * 0.008
    ax.add_patch(
        Rectangle(
            (x0 - (xmax - xmin) * 0.008, y0 - height * 1.5),
            length + (xmax - xmin) * 0.016,
            height * 6.2,
            facecolor=(1, 1, 1, 0.85),
            edgecolor="none",
            zorder=20,
        )
    )
    for k in range(4):
        ax.add_patch(
            Rectangle(
                (x0 + k * length / 4, y0),
                length / 4,
                height,
                facecolor="#222" if k % 2 == 0 else "white",
                edgecolor="#222",
                linewidth=0.8,
                zorder=21,
            )
        )
    ax.text(
        x0 + length / 2, y0 + height * 1.6, text, ha="center", va="bottom", fontsize=11, zorder=22
    )
    # north: EPSG:28992 is drawn north up
    nx, ny = xmax - (xmax - xmin) * 0.03, ymax - (ymax - ymin) * 0.09
    ax.annotate(
        "N",
        xy=(nx, ny + (ymax - ymin) * 0.06),
        xytext=(nx, ny),
        ha="center",
        va="top",
        fontsize=13,
        fontweight="bold",
        arrowprops={"arrowstyle": "-|>", "color": "#222", "linewidth": 1.5},
        zorder=22,
    )


def _labels(ax, static: StaticMap, metres_per_px: float) -> None:
    """Area names where they fit in the area (its inner circle), bigger areas first, none on
    another."""
    import matplotlib.patheffects as effects

    frames = [f for f in (static.overloaded, static.other) if len(f) and "label_x" in f]
    if not frames:
        return
    # a few dozen areas at most: one row each
    rows = [
        (float(r.lr), int(r.nr), str(r.name), float(r.label_x), float(r.label_y))
        for f in frames
        for r in f.itertuples()
    ]
    rows.sort(key=lambda r: (-r[0], r[1]))
    xmin, ymin, xmax, ymax = static.view
    size_pt = 11.0
    placed: list[tuple[float, float, float, float]] = []
    for radius, _, name, x, y in rows:
        width = len(name) * size_pt * 0.6 * DPI / 72 * metres_per_px
        height = size_pt * 1.3 * DPI / 72 * metres_per_px
        if width > 2.3 * radius or height > 2 * radius:
            continue
        box = (x - width / 2, y - height / 2, x + width / 2, y + height / 2)
        if box[0] < xmin or box[2] > xmax or box[1] < ymin or box[3] > ymax:
            continue
        if any(
            not (box[2] < o[0] or box[0] > o[2] or box[3] < o[1] or box[1] > o[3]) for o in placed
        ):
            continue
        placed.append(box)
        ax.text(
            x,
            y,
            name,
            ha="center",
            va="center",
            fontsize=size_pt,
            fontstyle="italic",
            fontweight="bold",
            color="#3d1a52",
            zorder=15,
            path_effects=[effects.withStroke(linewidth=3, foreground="white")],
        )


def _legend(fig, static: StaticMap) -> None:
    """The column right of the map: legend, sizes, areas, the region's figures."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    ax = fig.add_axes((_SIDE_X, _MAP_BOX[1], 0.985 - _SIDE_X, _MAP_BOX[3]))
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    line = 0.03
    y = 0.985

    def heading(text: str) -> None:
        nonlocal y
        wrapped = textwrap.fill(text, 34)
        ax.text(0, y, wrapped, fontsize=13, fontweight="bold", va="top")
        y -= line * (1.15 + 0.95 * wrapped.count("\n"))

    def entry(e: LegendEntry) -> None:
        nonlocal y
        if e.kind == "dot":
            ax.add_line(
                Line2D(
                    [0.03],
                    [y - line * 0.32],
                    marker="o",
                    markersize=10,
                    markerfacecolor=e.fill,
                    markeredgecolor=e.stroke,
                    linestyle="none",
                )
            )
        else:
            from matplotlib.colors import to_rgba

            ax.add_patch(
                Rectangle(
                    (0.0, y - line * 0.62),
                    0.065,
                    line * 0.6,
                    facecolor=to_rgba(e.fill, e.fill_alpha) if e.fill else "none",
                    edgecolor=e.stroke,
                    linewidth=1.8,
                    linestyle=(0, (3, 2)) if e.dashed else "solid",
                )
            )
        label = textwrap.fill(e.label, 38)
        ax.text(0.09, y, label, fontsize=11, va="top")
        if e.count:
            ax.text(1.0, y, e.count, fontsize=11, va="top", ha="right", color="#444")
        y -= line * (0.95 + 0.8 * label.count("\n"))

    heading(static.legend_title)
    for e in static.entries:
        entry(e)
    if not static.entries and not static.public:
        ax.text(0, y, t("map.legend.empty", static.lang), fontsize=11, va="top", color="#444")
        y -= line
    if static.sizes:
        y -= line * 0.3
        ax.text(0, y, static.sizes_title, fontsize=11, fontweight="bold", va="top")
        y -= line * 1.0
        x = 0.04
        biggest = max(r for r, _ in static.sizes)
        centre = y - (biggest * 72 / DPI) / (fig.get_figheight() * 72 * _MAP_BOX[3])
        for radius, text in static.sizes:
            ax.add_line(
                Line2D(
                    [x],
                    [centre],
                    marker="o",
                    markersize=2 * radius * 72 / DPI,
                    markerfacecolor="#bbbbbb",
                    markeredgecolor="#555555",
                    linestyle="none",
                )
            )
            ax.text(x, centre - line * 1.0, text, fontsize=10, ha="center", va="top")
            x += 0.2
        y = centre - line * 1.8
    y -= line * 0.3
    for e in static.areas:
        entry(e)
    for note in static.notes:
        wrapped = textwrap.fill(note, 46)
        ax.text(0, y, wrapped, fontsize=10, va="top", color="#444")
        y -= line * (0.85 + 0.75 * wrapped.count("\n"))
    y -= line * 0.6
    heading(static.figures_title)
    for label, value in static.figures:
        wrapped = textwrap.fill(label, 30)
        beside = len(wrapped.split("\n")[0]) + len(value) <= _FIGURE_CHARS
        if not beside:  # a long value (a pot's "92 veehouderijen, € ..."): under its label
            wrapped = textwrap.fill(label, 40)
        ax.text(0, y, wrapped, fontsize=11, va="top", color="#444")
        label_height = line * (0.95 + 0.8 * wrapped.count("\n"))
        if not beside:
            y -= label_height
        ax.text(1.0, y, value, fontsize=11, va="top", ha="right", fontweight="bold")
        y -= label_height if beside else line * 0.95
    for note in static.figure_notes:
        wrapped = textwrap.fill(note, 46)
        y -= line * 0.2
        ax.text(0, y, wrapped, fontsize=10, va="top", color="#444")
        y -= line * (0.85 + 0.75 * wrapped.count("\n"))


def draw_png(static: StaticMap, path: Path) -> Path:
    """Draw ``static`` into ``path`` (PNG, :data:`SIZE_PX`); the path."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(SIZE_PX[0] / DPI, SIZE_PX[1] / DPI), dpi=DPI, facecolor="white")
    ax = fig.add_axes(_MAP_BOX)
    xmin, ymin, xmax, ymax = static.view
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor("#eef0f2")
    for spine in ax.spines.values():
        spine.set_edgecolor("#999999")
    metres_per_px = (xmax - xmin) / (_MAP_BOX[2] * SIZE_PX[0])
    tolerance = metres_per_px / 2
    box = shapely.box(xmin, ymin, xmax, ymax).buffer(5 * metres_per_px)

    def visible(frame: gpd.GeoDataFrame) -> np.ndarray:
        geoms = frame.geometry.values if len(frame) else np.array([])
        return geoms[shapely.intersects(geoms, box)] if len(geoms) else geoms

    view = static.view
    _draw_polygons(ax, visible(static.zone), AREA_STYLE["zone"], view, tolerance, zorder=1)
    _draw_polygons(ax, visible(static.other), AREA_STYLE["other"], view, tolerance, zorder=2)
    _draw_polygons(
        ax, visible(static.overloaded), AREA_STYLE["overloaded"], view, tolerance, zorder=3
    )
    if static.cells is not None and len(static.cells.geometry):
        from matplotlib.collections import PatchCollection
        from matplotlib.patches import Polygon

        rings = [np.asarray(g.exterior.coords) for g in static.cells.geometry]
        ax.add_collection(
            PatchCollection(
                [Polygon(r, closed=True) for r in rings],
                facecolors=_rgba(static.cells.fill, 0.75),
                edgecolors=_rgba(static.cells.stroke, 1.0),
                linewidths=0.8,
                zorder=5,
            )
        )
    if static.outline is not None:
        _draw_polygons(ax, [static.outline], AREA_STYLE["outline"], view, tolerance, zorder=6)
    farms = static.farms
    if farms is not None and len(farms.x):
        diameter_pt = 2 * np.asarray(farms.radius_px, dtype=float) * 72 / DPI
        ax.scatter(
            farms.x,
            farms.y,
            s=diameter_pt**2,
            c=_rgba(farms.fill, 0.9),
            edgecolors=_rgba(farms.stroke, 0.9),
            linewidths=0.8,
            zorder=10,
        )
    _labels(ax, static, metres_per_px)
    _scale_bar(ax, static.view, static.lang)
    fig.text(0.015, 0.975, static.title, fontsize=22, fontweight="bold", va="top")
    fig.text(0.015, 0.937, static.run, fontsize=13, color="#444", va="top")
    _legend(fig, static)
    about = [
        (t("map.print.sources", static.lang), static.sources),
        (t("map.print.limits", static.lang), static.limits),
    ]
    y = 0.118
    for heading, lines, joint in (
        (*about[0], "; "),
        (*about[1], " "),
    ):
        text = textwrap.fill(f"{heading}: " + joint.join(lines), 190)
        fig.text(0.015, y, text, fontsize=10, va="top", color="#333")
        y -= 0.018 * (1 + text.count("\n")) + 0.006
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _save_rgb(fig, path)
    return path


def _save_rgb(fig, path: Path) -> None:
    """Save the figure as an RGB PNG (no alpha channel: the picture is opaque), zlib level 3:
    half the time of matplotlib's RGBA at level 6, and a smaller file."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    width, height = canvas.get_width_height()
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    image.convert("RGB").save(path, format="PNG", compress_level=3)


def _rgba(colours: np.ndarray, alpha: float) -> np.ndarray:
    """Colours (hex text, one per item) as an RGBA array, each distinct colour converted once."""
    from matplotlib.colors import to_rgba

    distinct, index = np.unique(np.asarray(colours, dtype=str), return_inverse=True)
    table = np.array([to_rgba(c, alpha) for c in distinct]).reshape(len(distinct), 4)
    return table[index]


def draw_pngs(maps: Sequence[tuple[StaticMap, Path]]) -> list[Path]:
    """Draw every ``(static, path)`` here, one after the other; the paths, in order."""
    return [draw_png(static, path) for static, path in maps]


#: Which pictures someone has started drawing (1), by job number: shared by the workers and the
#: writing process (forked with the pool; one per :class:`PictureDrawer`).
_CLAIMED = None


def _claim(claimed, k: int) -> bool:
    """Take picture ``k`` for this process; ``False`` when another process already took it."""
    with claimed.get_lock():
        if claimed[k]:
            return False
        claimed[k] = 1
        return True


def _draw_job(job: tuple[StaticMap, Path, int]) -> Path | None:
    """Draw a picture in a worker, unless the writing process took it first (``None``)."""
    static, path, k = job
    if _CLAIMED is not None and not _claim(_CLAIMED, k):
        return None
    return draw_png(static, path)


def _worker_start(claimed) -> None:
    global _CLAIMED
    _CLAIMED = claimed
    _warm_up()


class PictureDrawer:
    """Draws ``map.png`` files beside other work: in forked worker processes (one per core left
    free by this one) where the machine has more than one core, else here when :meth:`finish`
    is called. A picture takes 0.3-0.4 s of CPU (1.6 s with 45,000 farms). When :meth:`finish`
    is called, this process draws the pictures no worker has started yet, from the last one
    back, instead of waiting idle. Use it as a context manager::

        with PictureDrawer(jobs=5) as drawer:
            drawer.submit(static, path)   # starts drawing at once, in a worker
            ...                           # the pages are written meanwhile
            paths = drawer.finish()       # draws what is left, waits for the rest
    """

    def __init__(self, *, jobs: int, workers: int | None = None):
        import multiprocessing as mp
        import os

        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
        if workers is None:
            # one worker per core that this process (writing the pages) leaves free, at most
            # four and one per picture; none on a single core (the pictures are then drawn
            # here, after the pages)
            workers = min(cores - 1, 4, jobs)
        self._pool = None
        self._claimed = None
        self._jobs: list = []
        if workers >= 1 and "fork" in mp.get_all_start_methods():
            fork = mp.get_context("fork")
            try:
                self._claimed = fork.Array("b", max(jobs, 1))
                # each worker loads matplotlib itself, beside this process's work (loading it
                # here first, for the children to inherit, kept this process busy 0.5-1 s)
                self._pool = fork.Pool(
                    workers, initializer=_worker_start, initargs=(self._claimed,)
                )
            except OSError:  # no processes allowed here: draw them all in this one
                self._pool = None

    def submit(self, static: StaticMap, path: Path) -> None:
        """Start drawing ``static`` into ``path`` (or keep it for :meth:`finish`)."""
        k = len(self._jobs)
        if self._pool is not None and k < len(self._claimed):
            self._jobs.append(
                (static, path, k, self._pool.apply_async(_draw_job, ((static, path, k),)))
            )
        else:
            self._jobs.append((static, path, k, None))

    def finish(self) -> list[Path]:
        """Draw here every picture no worker has started (the last first), wait for the others;
        their paths, in the order submitted."""
        drawn: dict[int, Path] = {}
        for static, path, k, job in reversed(self._jobs):
            if job is None or _claim(self._claimed, k):
                drawn[k] = draw_png(static, path)
        paths = [drawn[k] if k in drawn else job.get() for _, _, k, job in self._jobs]
        self._jobs = []
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None
        return paths

    def __enter__(self) -> PictureDrawer:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None


def _warm_up() -> None:
    """Load matplotlib's drawing code and font list (once per process)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib.backends import backend_agg  # noqa: F401

    font_manager.findfont("DejaVu Sans")


def static_map(content) -> StaticMap:
    """What ``map.png`` shows of a region's map (a :class:`~vbr.maps.region_map.RegionMapContent`
    with its ``geometry`` and ``credits``): the same layers, symbols, legend and figures."""
    from vbr.maps.region_map import AREA_STYLES, legend_entries

    geometry = content.geometry
    lang = content.lang
    legend = legend_entries(content)
    fill_alpha = {"map.legend.overloaded": 0.35, "map.legend.zone": 0.18}
    areas = [
        LegendEntry(
            label=a["label"],
            fill=a["fill"],
            stroke=a["stroke"],
            dashed=a["dashed"],
            fill_alpha=fill_alpha.get(key, 1.0),
        )
        for a, key in zip(
            legend["areas"], [AREA_STYLES[k]["label"] for k in AREA_STYLES], strict=True
        )
    ]
    farms = None
    cells = None
    entries: list[LegendEntry] = []
    sizes: list[tuple[float, str]] = []
    notes: list[str] = []
    if content.grid is None:
        data = content.farms
        statuses = data.get("statuses", [])
        entries = [
            LegendEntry(
                label=statuses[e["status"]]["label"],
                fill=statuses[e["status"]]["fill"],
                stroke=statuses[e["status"]]["stroke"],
                kind="dot",
                count=e["count_text"],
            )
            for e in legend["statuses"]
        ]
        sizes = [(float(s["radius"]), str(s["text"])) for s in data.get("sizeLegend", [])]
        order = np.asarray(data.get("draw", []), dtype=int)
        if len(order):
            status = np.asarray(data["status"], dtype=int)[order]
            fills = np.array([s["fill"] for s in statuses])
            strokes = np.array([s["stroke"] for s in statuses])
            farms = FarmsToDraw(
                x=geometry.farm_xy[order, 0],
                y=geometry.farm_xy[order, 1],
                radius_px=np.asarray(data["radius"], dtype=float)[order],
                fill=fills[status],
                stroke=strokes[status],
            )
        xy = geometry.farm_xy
        bounds = (
            (xy[:, 0].min(), xy[:, 1].min(), xy[:, 0].max(), xy[:, 1].max())
            if len(xy)
            else geometry.extent
        )
        view = frame_view(bounds)
    else:
        classes = content.grid_legend["classes"]
        entries = [
            LegendEntry(label=c["label"], fill=c["fill"], stroke=c["stroke"]) for c in classes
        ]
        notes = [content.grid_legend["note"]]
        frame = geometry.cells
        if frame is not None and len(frame):
            index = frame["c"].to_numpy(dtype=int)
            cells = CellsToDraw(
                geometry=frame.geometry.values,
                fill=np.array([c["fill"] for c in classes])[index],
                stroke=np.array([c["stroke"] for c in classes])[index],
            )
        else:
            cells = CellsToDraw(geometry=np.array([]), fill=np.array([]), stroke=np.array([]))
        view = frame_view(geometry.extent, margin_m=1_000.0)
    credits = content.credits or {"run": "", "sources": [], "limits": []}
    return StaticMap(
        lang=lang,
        title=content.title,
        run=credits["run"],
        view=view,
        outline=geometry.outline,
        overloaded=geometry.overloaded,
        other=geometry.other,
        zone=geometry.zone,
        legend_title=(
            content.grid_legend["title"]
            if content.grid is not None
            else t("map.legend.title", lang)
        ),
        entries=entries,
        areas=areas,
        figures_title=content.headline["title"],
        figures=[(str(a), str(b)) for a, b in content.headline["figures"]],
        figure_notes=[str(n) for n in content.headline.get("notes", [])],
        sources=list(credits["sources"]),
        limits=list(credits["limits"]),
        sizes_title=t("map.legend.sizes", lang),
        sizes=sizes,
        notes=notes,
        farms=farms,
        cells=cells,
    )
