"""Writing a run's map pages: every region's ``map.html`` and ``map.png``, other pages, then
``index.html``.

Shared by the maps of a normal run and the public maps. The pictures are drawn in worker
processes (:class:`~vbr.maps.static.PictureDrawer`) while the pages are written.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

from vbr.maps.region_map import RegionMapContent, write_region_map
from vbr.maps.static import PictureDrawer, static_map
from vbr.model import WriteReport

__all__ = ["write_pages"]


def write_pages(
    folder: Path,
    pages: Iterable[tuple[str, RegionMapContent]],
    index: Callable[[], str],
    *,
    jobs: int,
    stage: str,
    more: Callable[[], Iterable[Path]] | None = None,
) -> WriteReport:
    """Write ``<slug>/map.html`` and ``<slug>/map.png`` for every ``(slug, content)`` of
    ``pages``, then what ``more()`` writes, then ``index.html`` with the text ``index()``
    returns (called once every page is written).

    Parameters
    ----------
    folder
        The output folder.
    pages
        The regions' slugs and map contents, one at a time.
    index
        The text of ``index.html``.
    jobs
        How many pictures there will be (for the number of worker processes).
    stage
        The name the time spent writing pages and index is reported under; the time spent
        waiting for the pictures after that is ``map_png``.
    more
        Writes further pages (while the pictures are drawn) and returns their paths.
    """
    start = time.perf_counter()
    written: list[Path] = []
    with PictureDrawer(jobs=jobs) as drawer:
        for slug, content in pages:
            # the picture first: a worker draws it while this process writes the page
            drawer.submit(static_map(content), folder / slug / "map.png")
            written.append(write_region_map(content, folder / slug))
        if more is not None:
            written += more()
        path = folder / "index.html"
        path.write_text(index(), encoding="utf-8")
        written.append(path)
        waited = time.perf_counter()
        written += drawer.finish()
    done = time.perf_counter()
    return WriteReport(
        files=tuple(written), timings={stage: waited - start, "map_png": done - waited}
    )
