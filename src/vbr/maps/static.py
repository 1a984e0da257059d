"""``<slug>/map.png``: a static picture of a region's map for reports and slides.

Drawn with Pillow (no screen, no network, no basemap) in EPSG:28992 metres from the same data
as the interactive map: the region's outline, the Natura 2000 areas (overloaded filled, others
dashed) with their names where they fit, the priority strip, and the farms by status with the
map's symbols and colours (circle area by NH3), or, on a public map, the cells. Around the map:
the title, the run's date, the legend with the farms per status, the region's figures, a scale
bar, and the data sources and limits, all in the run's language.

The picture is 1600 x 1200 pixels (16 x 12 inches at 100 dpi; a point is 100/72 pixels); a
farm's circle has the same radius in pixels as on the interactive map. Its layout, line widths
and fonts (the DejaVu Sans files that come with matplotlib, which is not imported) are those of
the matplotlib figure this module drew before, to a pixel or two: the map's edges are drawn four
times finer and averaged for smooth edges (its fills twice: their edges lie under the lines),
the circles computed with smooth edges, the texts set as matplotlib sets them (the font's
ascender, descender and line gap). About 0.1-0.2 s of CPU a picture, a third of matplotlib's.
"""

from __future__ import annotations

import functools
import importlib.util
import math
import textwrap
import zlib
from collections.abc import Sequence
from dataclasses import astuple, dataclass, field
from pathlib import Path
from typing import NamedTuple

import geopandas as gpd
import numpy as np
import shapely
from PIL import Image, ImageColor, ImageDraw, ImageFont

from vbr.cache import cache_folder, cached_bytes, cached_geometries
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


#: Pixels per point (line widths, font sizes).
_PX = DPI / 72
#: The map's shapes are drawn this many times finer, then averaged: smooth edges (Pillow's own
#: have none), 17 levels of coverage per pixel and line widths in quarter pixels.
_FINE = 4
#: Fills are drawn this many times finer: their edges lie under their outlines.
_FILL_FINE = 2
_MAP_GREY = "#eef0f2"
_FRAME_GREY = "#999999"
#: DejaVu Sans's typographic ascender, descender and line gap (its OS/2 table, the same in the
#: four files), in ems: matplotlib's lines are at least that high and that far apart.
_ASCENT, _DESCENT, _LINE_GAP = 1556 / 2048, 492 / 2048, 410 / 2048
#: matplotlib's DejaVu Sans files, by (bold, italic).
_FONT_FILES = {
    (False, False): "DejaVuSans.ttf",
    (True, False): "DejaVuSans-Bold.ttf",
    (False, True): "DejaVuSans-Oblique.ttf",
    (True, True): "DejaVuSans-BoldOblique.ttf",
}
#: The fonts the picture uses: size (points), bold, italic.
_FONTS_USED = (
    (22, True, False),
    (13, True, False),
    (13, False, False),
    (11, False, False),
    (11, True, False),
    (11, True, True),
    (10, False, False),
)


def _font_folder() -> Path:
    """The folder of the DejaVu Sans files that matplotlib brings, found without importing it."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("map.png needs matplotlib's DejaVu Sans fonts: install matplotlib")
    return Path(spec.submodule_search_locations[0]) / "mpl-data" / "fonts" / "ttf"


@functools.cache
def _font(size_pt: float, bold: bool = False, italic: bool = False) -> ImageFont.FreeTypeFont:
    # the basic layout (kerning, no ligatures) sets text as matplotlib does
    return ImageFont.truetype(
        str(_font_folder() / _FONT_FILES[bold, italic]),
        size_pt * _PX,
        layout_engine=ImageFont.Layout.BASIC,
    )


@functools.cache
def _rgb(colour: str) -> tuple[int, int, int]:
    """A colour (``#rgb``, ``#rrggbb`` or a name) as red, green, blue."""
    return ImageColor.getrgb(str(colour))[:3]


@functools.cache
def _alpha_table(alpha: float) -> list[int]:
    return [round(v * alpha) for v in range(256)]


@functools.lru_cache(maxsize=4096)
def _line_ink(font: ImageFont.FreeTypeFont, line: str) -> tuple[int, int]:
    """How far the ink of ``line`` reaches above and below its baseline (pixels)."""
    if not line:
        return 0, 0
    _, top, _, bottom = font.getbbox(line, anchor="ls")
    return -top, bottom


def _text(
    draw: ImageDraw.ImageDraw,
    x: float,
    y: float,
    text: str,
    size: float,
    *,
    bold: bool = False,
    italic: bool = False,
    colour: str = "black",
    ha: str = "left",
    va: str = "top",
    halo: float = 0.0,
) -> None:
    """``text`` at ``(x, y)`` (pixels from the top left), laid out as matplotlib lays it out: a
    line reaches the font's ascender above its baseline and its descender below (or its ink,
    where higher or lower), plus half the line gap each way where there are several lines; the
    top, centre or bottom (``va``) of the lines at ``y``; each line (its advance) left of,
    centred on or right of ``x`` (``ha``); ``halo``: a white edge that many pixels wide around
    the letters."""
    font = _font(size, bold, italic)
    lines = text.split("\n")
    em = size * _PX
    gap = _LINE_GAP * em / 2 if len(lines) > 1 else 0.0
    baselines = []
    depth = 0.0
    for line in lines:
        up, down = _line_ink(font, line)
        baselines.append(depth + max(up, _ASCENT * em) + gap)
        depth = baselines[-1] + max(down, _DESCENT * em) + gap
    shift = {"top": 0.0, "center": -depth / 2, "bottom": -depth}[va]
    ink = _rgb(colour)
    for line, baseline in zip(lines, baselines, strict=True):
        if not line:
            continue
        pen = x
        if ha != "left":
            pen -= font.getlength(line) / (2 if ha == "center" else 1)
        draw.text(
            (pen, y + shift + baseline),
            line,
            font=font,
            fill=ink,
            anchor="ls",
            stroke_width=halo,
            stroke_fill=(255, 255, 255) if halo else None,
        )


@dataclass(frozen=True)
class _Frame:
    """Where the view is drawn: the map's box in the picture (whole pixels) and how metres map
    into it (north up, the same scale both ways, the view centred as matplotlib centres it)."""

    view: tuple[float, float, float, float]
    left: int
    top: int
    width: int
    height: int
    #: Pixels per metre.
    scale: float
    #: Where (pixels, in the box) the view's west and north edges fall.
    west: float
    north: float

    @classmethod
    def of(cls, view: tuple[float, float, float, float]) -> _Frame:
        xmin, ymin, xmax, ymax = view
        box_width, box_height = _MAP_BOX[2] * SIZE_PX[0], _MAP_BOX[3] * SIZE_PX[1]
        scale = min(box_width / max(xmax - xmin, 1e-9), box_height / max(ymax - ymin, 1e-9))
        width, height = (xmax - xmin) * scale, (ymax - ymin) * scale
        left = _MAP_BOX[0] * SIZE_PX[0] + (box_width - width) / 2
        top = (1 - _MAP_BOX[1] - _MAP_BOX[3]) * SIZE_PX[1] + (box_height - height) / 2
        whole_left, whole_top = round(left), round(top)
        return cls(
            view=view,
            left=whole_left,
            top=whole_top,
            width=max(round(left + width) - whole_left, 1),
            height=max(round(top + height) - whole_top, 1),
            scale=scale,
            west=left - whole_left,
            north=top - whole_top,
        )

    def pixels(self, xy: np.ndarray) -> np.ndarray:
        """Points in metres (n x 2) as pixels in the box (pixel k spans k to k + 1)."""
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        return np.column_stack(
            [
                (xy[:, 0] - self.view[0]) * self.scale + self.west,
                (self.view[3] - xy[:, 1]) * self.scale + self.north,
            ]
        )

    def point(self, x: float, y: float) -> tuple[float, float]:
        """A point in metres as pixels in the picture."""
        (px, py), *_ = self.pixels([x, y])
        return self.left + px, self.top + py


def _polygons(
    geoms: Sequence, tolerance_m: float, frame: _Frame
) -> tuple[list[np.ndarray], np.ndarray] | None:
    """Polygons cut to the view (with a margin) and simplified by ``tolerance_m``, as their
    rings in pixels (box of ``frame``) and whether each ring is its polygon's exterior (the
    polygon's holes follow it); ``None``: nothing to draw."""
    geoms = np.asarray([g for g in geoms if g is not None and not shapely.is_empty(g)])
    if not len(geoms):
        return None
    xmin, ymin, xmax, ymax = frame.view
    margin = 50 * tolerance_m
    geoms = shapely.clip_by_rect(geoms, xmin - margin, ymin - margin, xmax + margin, ymax + margin)
    # simplified once for a region's picture and kept for the next run (vbr.cache): the same
    # outlines, region and size give the same pieces every run
    geoms = cached_geometries(
        "picture",
        PICTURE_VERSION,
        geoms,
        lambda pieces: shapely.simplify(pieces, tolerance_m, preserve_topology=True),
        params=(float(tolerance_m),),
        folder=cache_folder(),
        each=True,
    )
    polygons = shapely.get_parts(geoms)
    polygons = polygons[shapely.get_type_id(polygons) == 3]
    if not len(polygons):
        return None
    # exteriors anticlockwise, holes clockwise: where a dashed edge's dashes start and run
    rings, owner = shapely.get_rings(shapely.orient_polygons(polygons), return_index=True)
    return _split_rings(rings, owner, frame)


def _split_rings(
    rings: np.ndarray, owner: np.ndarray, frame: _Frame
) -> tuple[list[np.ndarray], np.ndarray] | None:
    """Rings (their polygon's number in ``owner``, exterior first) as pixel arrays, converted in
    one go, and whether each is an exterior."""
    coords, ring = shapely.get_coordinates(rings, return_index=True)
    if not len(coords):
        return None
    starts = np.r_[0, np.flatnonzero(np.diff(ring)) + 1]
    owners = np.asarray(owner)[ring[starts]]
    exterior = np.r_[True, owners[1:] != owners[:-1]]
    return np.split(frame.pixels(coords), starts[1:]), exterior


class _Mask(NamedTuple):
    """Where to draw: a blank "L" image ``fine`` times finer than the part of the picture from
    ``left``, ``top`` (whole pixels) that it covers."""

    image: Image.Image
    left: int
    top: int
    fine: int

    @classmethod
    def around(
        cls, image: Image.Image, lines: Sequence[np.ndarray], pad: float, fine: int
    ) -> _Mask | None:
        """Around ``lines`` (pixel arrays) with ``pad`` pixels, within ``image``; ``None``:
        outside it."""
        points = np.concatenate(lines)
        low = np.floor(points.min(axis=0) - pad).astype(int)
        high = np.ceil(points.max(axis=0) + pad).astype(int)
        left, top = max(low[0], 0), max(low[1], 0)
        right, bottom = min(high[0], image.width), min(high[1], image.height)
        if right <= left or bottom <= top:
            return None
        size = ((right - left) * fine, (bottom - top) * fine)
        return cls(Image.new("L", size, 0), left, top, fine)

    def points(self, lines: Sequence[np.ndarray], shift: float) -> tuple[list[float], list[int]]:
        """All the points of ``lines`` in this mask's pixels less ``shift``, as one flat list
        (x, y, x, y, ...; converted in one go), and where each line ends in it."""
        origin = np.array([self.left, self.top]) * self.fine + shift
        flat = (np.concatenate(lines) * self.fine - origin).ravel().tolist()
        return flat, np.cumsum([2 * len(line) for line in lines]).tolist()

    def paste(self, image: Image.Image, colour: str, alpha: float = 1.0) -> None:
        """``colour`` onto ``image`` where this mask is set (averaged to whole pixels), times
        ``alpha``."""
        coverage = self.image.reduce(self.fine) if self.fine > 1 else self.image
        if alpha < 1:
            coverage = coverage.point(_alpha_table(alpha))
        box = coverage.getbbox()
        if box:
            left, top, right, bottom = box
            image.paste(
                _rgb(colour),
                (self.left + left, self.top + top, self.left + right, self.top + bottom),
                coverage.crop(box),
            )


def _fill(
    image: Image.Image,
    rings: Sequence[np.ndarray],
    exterior: np.ndarray,
    colour: str,
    alpha: float = 1.0,
    *,
    fine: int = _FILL_FINE,
) -> None:
    """Fill polygons (``rings``, each polygon's exterior followed by its holes) at ``alpha``: a
    hole is not filled, unless another polygon covers it; overlaps are filled once."""
    mask = _Mask.around(image, rings, 1, fine)
    if mask is None:
        return
    draw = ImageDraw.Draw(mask.image)
    # Pillow fills the pixels a polygon spans, both ends included: half a fine pixel more each
    # side, on average, for a polygon and its holes alike
    flat, ends = mask.points(rings, 0.0)
    starts = [0, *ends[:-1]]
    outer = np.flatnonzero(exterior).tolist()
    for first, last in zip(outer, [*outer[1:], len(rings)], strict=True):
        if last == first + 1:
            draw.polygon(flat[starts[first] : ends[first]], fill=255)
            continue
        # a polygon with holes: drawn on its own, then added
        points = np.reshape(flat[starts[first] : ends[last - 1]], (-1, 2))
        low = np.maximum(np.floor(points.min(axis=0)).astype(int), 0)
        high = np.minimum(np.ceil(points.max(axis=0)).astype(int) + 1, mask.image.size)
        if (high <= low).any():
            continue
        own = Image.new("L", tuple((high - low).tolist()), 0)
        own_draw = ImageDraw.Draw(own)
        for k in range(first, last):
            ring = (np.reshape(flat[starts[k] : ends[k]], (-1, 2)) - low).ravel().tolist()
            own_draw.polygon(ring, fill=255 if k == first else 0)
        mask.image.paste(255, (*low.tolist(), *high.tolist()), own)
    mask.paste(image, colour, alpha)


def _stroke(
    image: Image.Image,
    lines: Sequence[np.ndarray],
    colour: str,
    width_px: float,
    *,
    round_joins: bool = False,
) -> None:
    """Draw polylines (pixel arrays) ``width_px`` wide, with smooth edges; ``round_joins``: their
    corners rounded (wide lines of few points, such as a region's outline)."""
    if not len(lines):
        return
    mask = _Mask.around(image, lines, width_px + 1, _FINE)
    if mask is None:
        return
    draw = ImageDraw.Draw(mask.image)
    width = max(round(width_px * _FINE), 1)
    # Pillow cuts a line's points to whole pixels, and centres a line of even width half a
    # pixel after them
    shift = 0.5 if width % 2 == 0 else 0.0
    flat, ends = mask.points(lines, shift)
    for start, end in zip([0, *ends[:-1]], ends, strict=True):
        draw.line(flat[start:end], fill=255, width=width)
        if round_joins:  # a disc on each corner (and on the start of a closed line)
            points = np.reshape(flat[start:end], (-1, 2)) + shift
            closed = len(points) > 2 and (points[0] == points[-1]).all()
            for x, y in points[0 if closed else 1 : -1].tolist():
                draw.ellipse(
                    (x - width / 2, y - width / 2, x + width / 2 - 1, y + width / 2 - 1), 255
                )
    mask.paste(image, colour)


def _dashes(lines: Sequence[np.ndarray], on: float, off: float) -> list[np.ndarray]:
    """The dashes (``on`` pixels drawn, ``off`` pixels left out, from each line's start) of
    polylines in pixels."""
    period = on + off
    dashes: list[np.ndarray] = []
    for line in lines:
        step = np.hypot(*np.diff(line, axis=0).T)
        line = line[np.r_[True, step > 0]]
        along = np.r_[0.0, np.cumsum(step[step > 0])]
        if len(line) < 2:
            continue
        starts = np.arange(0.0, along[-1], period)
        cuts = np.unique(np.concatenate([along, starts, starts + on]))
        cuts = cuts[cuts <= along[-1]]
        x = np.interp(cuts, along, line[:, 0])
        y = np.interp(cuts, along, line[:, 1])
        drawn = np.r_[0, (((cuts[:-1] + cuts[1:]) / 2) % period < on).astype(np.int8), 0]
        change = np.diff(drawn)
        for first, last in zip(
            np.flatnonzero(change == 1).tolist(), np.flatnonzero(change == -1).tolist(), strict=True
        ):
            dashes.append(np.column_stack([x[first : last + 1], y[first : last + 1]]))
    return dashes


def _draw_areas(
    image: Image.Image, frame: _Frame, geoms, style: dict, tolerance_m: float, **stroke
) -> None:
    """Areas (polygons, metres) in ``style``: their fill, then their edges."""
    shapes = _polygons(geoms, tolerance_m, frame)
    if shapes is None:
        return
    rings, exterior = shapes
    if style.get("fill"):
        _fill(image, rings, exterior, style["fill"], style["alpha"])
    width = style["width"] * _PX
    if style.get("dashed"):
        rings = _dashes(rings, 4 * width, 3 * width)  # (4, 3) times the width, as matplotlib
    _stroke(image, rings, style["stroke"], width, **stroke)


def _draw_cells(image: Image.Image, frame: _Frame, cells: CellsToDraw) -> None:
    """A public map's cells: their fills (75 %), then their edges, by colour."""
    geoms = np.asarray(cells.geometry)
    rings = shapely.get_exterior_ring(geoms)
    shapes = _split_rings(rings, np.arange(len(rings)), frame)
    if shapes is None:
        return
    lines, _ = shapes
    present = ~shapely.is_missing(rings) & ~shapely.is_empty(rings)
    fills = np.asarray(cells.fill, dtype=str)[present]
    strokes = np.asarray(cells.stroke, dtype=str)[present]
    for colour in dict.fromkeys(fills.tolist()):
        chosen = [lines[k] for k in np.flatnonzero(fills == colour)]
        _fill(image, chosen, np.ones(len(chosen), dtype=bool), colour, 0.75)
    for colour in dict.fromkeys(strokes.tolist()):
        _stroke(image, [lines[k] for k in np.flatnonzero(strokes == colour)], colour, 0.8 * _PX)


#: The circles computed in this process, by (radius in quarter pixels, half a pixel right, half a
#: pixel down, fill, stroke, opacity, edge width): their colours and opacity (Pillow's core
#: images, ``2 * half + 2`` pixels square) and ``half``, their centre's offset from their left
#: and top (plus the half pixels).
_DISCS: dict[tuple, tuple[object, object, int]] = {}


def _make_discs(keys: list[tuple], alpha: float, edge_px: float) -> None:
    """Compute the circles ``keys`` (radius in quarter pixels, half pixel right, half pixel
    down, fill, stroke) filled and edged ``edge_px`` wide at ``alpha``, with smooth edges (the
    share of each pixel inside them), those of a size in one go, into :data:`_DISCS`."""
    sizes: dict[int, list[tuple]] = {}
    for key in keys:
        sizes.setdefault(math.ceil(key[0] / 4 + edge_px / 2 + 1), []).append(key)
    for half, same in sizes.items():
        quarter, right, down = (np.array([k[j] for k in same], dtype=np.float32) for j in range(3))
        radius = quarter[:, None, None] / 4
        centres = np.arange(2 * half + 2, dtype=np.float32) + 0.5
        distance = np.hypot(
            centres[None, None, :] - (half + right[:, None, None] / 2),
            centres[None, :, None] - (half + down[:, None, None] / 2),
        )

        def inside(r: np.ndarray, distance: np.ndarray = distance) -> np.ndarray:
            return np.clip(r - distance + 0.5, 0.0, 1.0)

        filled = alpha * inside(radius)
        edged = alpha * (inside(radius + edge_px / 2) - inside(radius - edge_px / 2))
        opacity = edged + filled * (1 - edged)  # the edge over the fill
        # the colour: the edge's share of what is drawn there, the rest the fill's
        share = (edged / np.maximum(opacity, 1e-6))[..., None]
        fills = np.array([_rgb(k[3]) for k in same], dtype=np.float32)[:, None, None, :]
        strokes = np.array([_rgb(k[4]) for k in same], dtype=np.float32)[:, None, None, :]
        colours = np.rint(fills + share * (strokes - fills)).astype(np.uint8)
        opacities = np.rint(opacity * 255).astype(np.uint8)
        for key, own_colours, own_opacity in zip(same, colours, opacities, strict=True):
            _DISCS[(*key, alpha, edge_px)] = (
                Image.fromarray(own_colours, "RGB").im,
                Image.fromarray(own_opacity, "L").im,
                half,
            )


def _draw_discs(
    image: Image.Image,
    xy: np.ndarray,
    radius_px: np.ndarray,
    fill: Sequence[str],
    stroke: Sequence[str],
    *,
    alpha: float,
    edge_px: float,
) -> None:
    """Circles at ``xy`` (pixels in ``image``), in order (the last on top): their centres to
    within a quarter pixel, their radii to within an eighth."""
    halves = np.floor(np.asarray(xy, dtype=float) * 2 + 0.5).astype(int)
    quarters = np.rint(np.asarray(radius_px, dtype=float) * 4).astype(int)
    keys = list(
        zip(
            quarters.tolist(),
            (halves[:, 0] & 1).tolist(),
            (halves[:, 1] & 1).tolist(),
            [str(c) for c in fill],
            [str(c) for c in stroke],
            strict=True,
        )
    )
    if len(_DISCS) > 20_000:  # many colours over many pictures: start again
        _DISCS.clear()
    missing = [k for k in dict.fromkeys(keys) if (*k, alpha, edge_px) not in _DISCS]
    if missing:
        _make_discs(missing, alpha, edge_px)
    # thousands of small pictures: pasted by Pillow's core, without Image.paste's checks (each
    # disc is an RGB picture with an "L" mask of the same size, inside or partly outside)
    target = image.im
    for (hx, hy), key in zip(halves.tolist(), keys, strict=True):
        colours, opacity, half = _DISCS[(*key, alpha, edge_px)]
        left, top = (hx >> 1) - half, (hy >> 1) - half
        target.paste(colours, (left, top, left + 2 * half + 2, top + 2 * half + 2), opacity)


#: Raise when a picture's backdrop (:func:`_backdrop`) is drawn otherwise.
BACKDROP_VERSION = 1


def _draw_map(static: StaticMap, frame: _Frame) -> Image.Image:
    """The map's box: the areas, the cells or the farms, the region's outline."""
    xmin, ymin, xmax, ymax = static.view
    metres_per_px = (xmax - xmin) / (_MAP_BOX[2] * SIZE_PX[0])
    tolerance = metres_per_px / 2
    box = shapely.box(xmin, ymin, xmax, ymax).buffer(5 * metres_per_px)

    def visible(frame: gpd.GeoDataFrame) -> np.ndarray:
        geoms = frame.geometry.values if len(frame) else np.array([])
        return geoms[shapely.intersects(geoms, box)] if len(geoms) else geoms

    layers = [
        (visible(static.zone), "zone"),
        (visible(static.other), "other"),
        (visible(static.overloaded), "overloaded"),
    ]
    outline = [] if static.outline is None else [static.outline]
    if static.cells is not None and len(static.cells.geometry):  # a run's own: not kept
        image = _draw_backdrop(frame, layers, outline, tolerance, cells=static.cells)
    else:
        image = _backdrop(frame, layers, outline, tolerance)
    farms = static.farms
    if farms is not None and len(farms.x):
        _draw_discs(
            image,
            frame.pixels(np.column_stack([farms.x, farms.y])),
            farms.radius_px,
            farms.fill,
            farms.stroke,
            alpha=0.9,
            edge_px=0.8 * _PX,
        )
    return image


def _draw_backdrop(
    frame: _Frame,
    layers: list[tuple[np.ndarray, str]],
    outline: list,
    tolerance: float,
    *,
    cells: CellsToDraw | None = None,
) -> Image.Image:
    """The map's box with the areas of ``layers`` (geometries, style name), a public map's
    ``cells`` and the region's ``outline`` drawn on its grey, in that order."""
    image = Image.new("RGB", (frame.width, frame.height), _rgb(_MAP_GREY))
    for geoms, style in layers:
        _draw_areas(image, frame, geoms, AREA_STYLE[style], tolerance)
    if cells is not None:
        _draw_cells(image, frame, cells)
    for geom in outline:
        _draw_areas(image, frame, [geom], AREA_STYLE["outline"], tolerance, round_joins=True)
    return image


def _backdrop(
    frame: _Frame, layers: list[tuple[np.ndarray, str]], outline: list, tolerance: float
) -> Image.Image:
    """:func:`_draw_backdrop`, kept in the user's cache folder (:mod:`vbr.cache`): the areas
    take three quarters of a picture's CPU (0.7 of 1.0 s for the five regions of a run) and
    are the same every run on the same outlines, region and threshold. The key holds every
    geometry drawn (its WKB) and layer, the frame, the tolerance, the styles and Pillow's
    version; the pixels are kept as they are (zlib), so a kept backdrop gives the same
    picture to the byte."""
    size = (frame.width, frame.height)
    sources = np.asarray([g for geoms, _ in layers for g in geoms] + outline, dtype=object)
    params = (
        tuple((style, len(geoms)) for geoms, style in layers),
        len(outline),
        astuple(frame),
        float(tolerance),
        repr(AREA_STYLE),
        _MAP_GREY,
        Image.__version__,
    )
    return cached_bytes(
        "backdrop",
        BACKDROP_VERSION,
        sources,
        lambda: zlib.compress(_draw_backdrop(frame, layers, outline, tolerance).tobytes(), 1),
        read=lambda data: _rgb_image(data, size),
        params=params,
        folder=cache_folder(),
    )


def _rgb_image(data: bytes, size: tuple[int, int]) -> Image.Image:
    """The RGB picture of ``size`` whose pixels ``data`` holds (zlib); ``ValueError`` for data
    that does not unpack to exactly that."""
    try:
        pixels = zlib.decompress(data)
    except zlib.error as exc:
        raise ValueError(str(exc)) from None
    if len(pixels) != 3 * size[0] * size[1]:
        raise ValueError("backdrop of another size")
    return Image.frombytes("RGB", size, pixels)


def _nice_length(metres: float) -> float:
    """The largest 1, 2 or 5 x 10^k not above ``metres``."""
    exp = math.floor(math.log10(max(metres, 1.0)))
    for m in (5, 2, 1):
        if m * 10**exp <= metres:
            return float(m * 10**exp)
    return float(10**exp)


def _scale_bar(picture: Image.Image, frame: _Frame, lang: str) -> None:
    """The scale bar (bottom left, on a white box) and the north arrow (top right)."""
    xmin, ymin, xmax, ymax = frame.view
    length = _nice_length((xmax - xmin) / 5)
    text = (
        f"{format_number(length / 1000, lang, 0 if length >= 1000 else 1)} km"
        if length >= 500
        else f"{format_number(length, lang)} m"
    )
    x0 = xmin + (xmax - xmin) * 0.025
    y0 = ymin + (ymax - ymin) * 0.03
    height = (ymax - ymin) * 0.008
    # matplotlib puts the edges of a rectangle on whole pixels, the edge of a thin-edged one on
    # the nearest pixel's middle
    left, bottom = frame.point(x0 - (xmax - xmin) * 0.008, y0 - height * 1.5)
    right, top = frame.point(x0 + length + (xmax - xmin) * 0.008, y0 + height * 4.7)
    ImageDraw.Draw(picture, "RGBA").rectangle(
        (round(left), round(top), round(right) - 1, round(bottom) - 1), fill=(255, 255, 255, 217)
    )
    draw = ImageDraw.Draw(picture)
    for k in range(4):
        left, bottom = frame.point(x0 + k * length / 4, y0)
        right, top = frame.point(x0 + (k + 1) * length / 4, y0 + height)
        draw.rectangle(
            (round(left), round(top), round(right), round(bottom)),
            fill=_rgb("#222" if k % 2 == 0 else "white"),
            outline=_rgb("#222"),
        )
    _text(
        draw, *frame.point(x0 + length / 2, y0 + height * 1.6), text, 11, ha="center", va="bottom"
    )
    # north: EPSG:28992 is drawn north up; the arrow from 4 pt above the "N" to 2 pt below its
    # point, its head 0.4 x 13 pt long and 0.2 x 13 pt wide each side (matplotlib's "-|>"), all
    # edged 1.5 pt
    x, y = frame.point(xmax - (xmax - xmin) * 0.03, ymax - (ymax - ymin) * 0.09)
    _text(draw, x, y, "N", 13, bold=True, ha="center", va="top")
    _, point = frame.point(0, ymax - (ymax - ymin) * 0.03)
    tip, tail, edge = point + 2 * _PX, y - 4 * _PX, 1.5 * _PX
    head_length, head_width = 0.4 * 13 * _PX, 0.2 * 13 * _PX
    apex = tip + edge / 2 * math.hypot(head_length, head_width) / head_width  # mitre to tip
    corners = [
        (x - head_width, apex + head_length),
        (x, apex),
        (x + head_width, apex + head_length),
    ]
    head = shapely.buffer(shapely.Polygon(corners), edge / 2, join_style="mitre")
    shaft = shapely.box(x - edge / 2, apex, x + edge / 2, tail + edge / 2)
    rings = [np.asarray(shapely.get_coordinates(g)) for g in (head, shaft)]
    _fill(picture, rings, np.array([True, True]), "#222", fine=_FINE)


def _labels(draw: ImageDraw.ImageDraw, static: StaticMap, frame: _Frame) -> None:
    """Area names where they fit in the area (its inner circle), bigger areas first, none on
    another."""
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
    metres_per_px = (xmax - xmin) / (_MAP_BOX[2] * SIZE_PX[0])
    size_pt = 11.0
    placed: list[tuple[float, float, float, float]] = []
    for radius, _, name, x, y in rows:
        width = len(name) * size_pt * 0.6 * _PX * metres_per_px
        height = size_pt * 1.3 * _PX * metres_per_px
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
        # a white edge 3 pt wide around the letters: 1.5 pt outside them
        _text(
            draw,
            *frame.point(x, y),
            name,
            size_pt,
            bold=True,
            italic=True,
            colour="#3d1a52",
            ha="center",
            va="center",
            halo=1.5 * _PX,
        )


def _legend_patch(picture: Image.Image, box: tuple[float, ...], e: LegendEntry) -> None:
    """A legend's patch: a rectangle (left, top, right, bottom: pixels) filled and edged 1.8 pt,
    dashed (3, 2) times that where ``e.dashed``, from its bottom left anticlockwise as
    matplotlib draws it. Its corners are put in the middle of pixels, as matplotlib puts them
    (its edge about 3 pixels wide)."""
    left, top, right, bottom = (math.floor(v + 0.5) + 0.5 for v in box)
    if e.fill:
        fill = (*_rgb(e.fill), round(255 * e.fill_alpha))
        ImageDraw.Draw(picture, "RGBA").rectangle(
            (left + 0.5, top + 0.5, right - 0.5, bottom - 0.5), fill=fill
        )
    width = 1.8 * _PX
    if not e.dashed:  # square corners: the ring between two rectangles, in whole fine pixels
        half = width / 2
        outer = (left - half, top - half, right + half, bottom + half)
        mask = _Mask.around(picture, [np.reshape(outer, (2, 2))], 1, _FINE)
        if mask is None:
            return
        draw = ImageDraw.Draw(mask.image)
        for (x0, y0, x1, y1), value in (
            (outer, 255),
            ((left + half, top + half, right - half, bottom - half), 0),
        ):
            draw.rectangle(
                (
                    round((x0 - mask.left) * _FINE),
                    round((y0 - mask.top) * _FINE),
                    round((x1 - mask.left) * _FINE) - 1,
                    round((y1 - mask.top) * _FINE) - 1,
                ),
                fill=value,
            )
        mask.paste(picture, e.stroke)
        return
    edge = np.array(_corners(left, top, right, bottom), dtype=float)
    _stroke(picture, _dashes([edge], 3 * width, 2 * width), e.stroke, width, round_joins=True)


def _corners(left: float, top: float, right: float, bottom: float) -> list[tuple[float, float]]:
    """A rectangle's ring from its bottom left, anticlockwise on the picture."""
    return [(left, bottom), (right, bottom), (right, top), (left, top), (left, bottom)]


def _pixel_middle(point: tuple[float, float]) -> np.ndarray:
    """The middle of the pixel that ``point`` is in: where matplotlib puts a marker (a legend's
    dot, a size's circle)."""
    return np.floor(np.array([point])) + 0.5


def _legend(picture: Image.Image, draw: ImageDraw.ImageDraw, static: StaticMap) -> None:
    """The column right of the map: legend, sizes, areas, the region's figures (positions in
    fractions of the column, as the matplotlib axes had them)."""
    column_left = _SIDE_X * SIZE_PX[0]
    column_width = (0.985 - _SIDE_X) * SIZE_PX[0]
    column_top = (1 - _MAP_BOX[1] - _MAP_BOX[3]) * SIZE_PX[1]
    column_height = _MAP_BOX[3] * SIZE_PX[1]

    def at(x: float, y: float) -> tuple[float, float]:
        return column_left + x * column_width, column_top + (1 - y) * column_height

    line = 0.03
    y = 0.985

    def heading(text: str) -> None:
        nonlocal y
        wrapped = textwrap.fill(text, 34)
        _text(draw, *at(0, y), wrapped, 13, bold=True)
        y -= line * (1.15 + 0.95 * wrapped.count("\n"))

    def entry(e: LegendEntry) -> None:
        nonlocal y
        if e.kind == "dot":
            _draw_discs(
                picture,
                _pixel_middle(at(0.03, y - line * 0.32)),
                np.array([5 * _PX]),  # 10 pt across
                [e.fill],
                [e.stroke],
                alpha=1.0,
                edge_px=1.0 * _PX,
            )
        else:
            left, bottom = at(0.0, y - line * 0.62)
            right, top = at(0.065, y - line * 0.02)
            # the column cuts off what reaches left of it (half the patch's left edge)
            outside = (
                math.floor(left) - 4,
                math.floor(top) - 4,
                math.floor(left),
                round(bottom) + 4,
            )
            kept = picture.crop(outside)
            _legend_patch(picture, (left, top, right, bottom), e)
            picture.paste(kept, outside[:2])
        label = textwrap.fill(e.label, 38)
        _text(draw, *at(0.09, y), label, 11)
        if e.count:
            _text(draw, *at(1.0, y), e.count, 11, ha="right", colour="#444")
        y -= line * (0.95 + 0.8 * label.count("\n"))

    heading(static.legend_title)
    for e in static.entries:
        entry(e)
    if not static.entries and not static.public:
        _text(draw, *at(0, y), t("map.legend.empty", static.lang), 11, colour="#444")
        y -= line
    if static.sizes:
        y -= line * 0.3
        _text(draw, *at(0, y), static.sizes_title, 11, bold=True)
        y -= line * 1.0
        x = 0.04
        biggest = max(r for r, _ in static.sizes)
        centre = y - biggest / column_height
        for radius, text in static.sizes:
            _draw_discs(
                picture,
                _pixel_middle(at(x, centre)),
                np.array([radius]),
                ["#bbbbbb"],
                ["#555555"],
                alpha=1.0,
                edge_px=1.0 * _PX,
            )
            _text(draw, *at(x, centre - line * 1.0), text, 10, ha="center")
            x += 0.2
        y = centre - line * 1.8
    y -= line * 0.3
    for e in static.areas:
        entry(e)
    for note in static.notes:
        wrapped = textwrap.fill(note, 46)
        _text(draw, *at(0, y), wrapped, 10, colour="#444")
        y -= line * (0.85 + 0.75 * wrapped.count("\n"))
    y -= line * 0.6
    heading(static.figures_title)
    for label, value in static.figures:
        wrapped = textwrap.fill(label, 30)
        beside = len(wrapped.split("\n")[0]) + len(value) <= _FIGURE_CHARS
        if not beside:  # a long value (a pot's "92 veehouderijen, € ..."): under its label
            wrapped = textwrap.fill(label, 40)
        _text(draw, *at(0, y), wrapped, 11, colour="#444")
        label_height = line * (0.95 + 0.8 * wrapped.count("\n"))
        if not beside:
            y -= label_height
        _text(draw, *at(1.0, y), value, 11, bold=True, ha="right")
        y -= label_height if beside else line * 0.95
    for note in static.figure_notes:
        wrapped = textwrap.fill(note, 46)
        y -= line * 0.2
        _text(draw, *at(0, y), wrapped, 10, colour="#444")
        y -= line * (0.85 + 0.75 * wrapped.count("\n"))


def draw_png(static: StaticMap, path: Path) -> Path:
    """Draw ``static`` into ``path`` (PNG, :data:`SIZE_PX`); the path."""
    frame = _Frame.of(static.view)
    picture = Image.new("RGB", SIZE_PX, (255, 255, 255))
    picture.paste(_draw_map(static, frame), (frame.left, frame.top))
    draw = ImageDraw.Draw(picture)
    draw.rectangle(
        (frame.left, frame.top, frame.left + frame.width, frame.top + frame.height),
        outline=_rgb(_FRAME_GREY),
    )
    _labels(draw, static, frame)
    _scale_bar(picture, frame, static.lang)
    width, height = SIZE_PX

    def at(x: float, y: float) -> tuple[float, float]:  # figure fractions, from the bottom
        return x * width, (1 - y) * height

    _text(draw, *at(0.015, 0.975), static.title, 22, bold=True)
    _text(draw, *at(0.015, 0.937), static.run, 13, colour="#444")
    _legend(picture, draw, static)
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
        _text(draw, *at(0.015, y), text, 10, colour="#333")
        y -= 0.018 * (1 + text.count("\n")) + 0.006
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _save_rgb(picture, path)
    return path


def _save_rgb(picture: Image.Image, path: Path) -> None:
    """Save the picture as an RGB PNG: its rows unfiltered, deflated by ISA-L at level 2.
    Unfiltered rows at zlib's level 3 took a third of the time of Pillow's PNG (which tries four
    filters on every row) and were a fifth smaller: a map's flat colours repeat well as they
    are; ISA-L deflates them 5-8x faster again (a 1600x1200 picture 44-52 -> 6-8 ms) into a
    15 % bigger file. The same picture gives the same bytes."""
    width, height = picture.size
    rows = np.zeros((height, 1 + 3 * width), dtype=np.uint8)  # each row: filter 0, then RGB
    rows[:, 1:] = np.asarray(picture.convert("RGB")).reshape(height, 3 * width)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")
        )

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", _deflate(rows.tobytes()))
        + chunk(b"IEND", b"")
    )


def _deflate(data: bytes) -> bytes:
    """``data`` as a zlib stream (a PNG's image data), by ISA-L at level 2."""
    from isal import isal_zlib  # a dependency (the workbook's sheets use it too)

    return isal_zlib.compress(data, 2)


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
    is called. A picture takes 0.1-0.2 s of CPU, with 45,000 farms too (0.3-0.5 s with
    matplotlib, plus 0.2-0.3 s to load it in each process). When :meth:`finish`
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
                # each worker loads the fonts itself (_warm_up), beside this process's work
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
    """Load the picture's fonts (once per process)."""
    for size, bold, italic in _FONTS_USED:
        _font(size, bold, italic)


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
