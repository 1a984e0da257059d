"""The PDOK Natura 2000 download against a local WFS-style server on 127.0.0.1 (no internet)."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import parse_qs, urlparse

import geopandas as gpd
import pytest
import shapely

from vbr.download import DownloadError, download_natura2000, fetch_wfs_features


def square(x: float, y: float, size: float) -> dict:
    return shapely.geometry.mapping(shapely.box(x, y, x + size, y + size))


def features() -> list[dict]:
    """Five PDOK-like features for three areas: area 57 in two overlapping parts and one far
    part, area 38 as a self-intersecting bow tie (invalid), area 140 one square."""
    bow_tie = {
        "type": "Polygon",
        "coordinates": [[[0, 0], [1000, 1000], [1000, 0], [0, 1000], [0, 0]]],
    }
    rows = [
        (57, "Veluwe", square(180000, 450000, 1000)),
        (57, "Veluwe", square(180500, 450000, 1000)),
        (57, "Veluwe", square(190000, 460000, 100)),
        (38, "Rijntakken", {**bow_tie}),
        (140, "Groote Peel", square(175000, 370000, 500)),
    ]
    return [
        {
            "type": "Feature",
            "id": f"natura2000.{i}",
            "properties": {"naamN2K": name, "nr": nr, "beschermin": "HR", "status": "Aangewezen"},
            "geometry": geometry,
        }
        for i, (nr, name, geometry) in enumerate(rows)
    ]


class WFS(BaseHTTPRequestHandler):
    pages: ClassVar[list] = []
    fail_first: ClassVar[int] = 0

    def do_GET(self):
        query = parse_qs(urlparse(self.path).query)
        type(self).pages.append(query)
        if type(self).fail_first > 0:
            type(self).fail_first -= 1
            self.send_response(503)
            self.end_headers()
            return
        start = int(query["startIndex"][0])
        count = int(query["count"][0])
        all_features = features()
        body = json.dumps(
            {
                "type": "FeatureCollection",
                "numberMatched": len(all_features),
                "numberReturned": len(all_features[start : start + count]),
                "features": all_features[start : start + count],
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def wfs():
    WFS.pages = []
    WFS.fail_first = 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), WFS)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/wfs", WFS
    server.shutdown()
    server.server_close()


def test_pages_are_fetched_until_the_last_short_page(wfs):
    url, handler = wfs
    got = fetch_wfs_features(url, page_size=2, sleep=lambda s: None)
    assert len(got) == 5
    assert [q["startIndex"][0] for q in handler.pages] == ["0", "2", "4"]
    assert handler.pages[0]["typeNames"] == ["natura2000"]
    assert handler.pages[0]["srsName"] == ["EPSG:28992"]


def test_a_503_is_retried_with_backoff_and_the_download_goes_on(wfs, tmp_path):
    url, handler = wfs
    handler.fail_first = 1
    waits = []
    out, n_features, n_areas = download_natura2000(
        tmp_path / "n2k.gpkg", url=url, page_size=2, backoff_s=0.25, sleep=waits.append
    )
    assert waits == [0.25]
    assert (n_features, n_areas) == (5, 3)
    areas = gpd.read_file(out, layer="natura2000").set_index("nr")
    assert list(areas.index) == [38, 57, 140]
    assert areas.crs.to_epsg() == 28992
    assert areas.geometry.is_valid.all()
    # area 57: two overlapping squares dissolve to 1,500 x 1,000 m plus a 100 x 100 m part
    assert areas.loc[57, "geometry"].area == pytest.approx(1_500_000 + 10_000)
    assert areas.loc[57, "n_features"] == 3
    assert areas.loc[57, "geometry"].geom_type == "MultiPolygon"
    # the invalid bow tie is repaired, keeping both triangles (2 x 250,000 m2)
    assert areas.loc[38, "geometry"].area == pytest.approx(500_000)
    assert areas.loc[140, "naamN2K"] == "Groote Peel"


def test_a_server_that_keeps_failing_gives_a_clear_message_and_no_file(wfs, tmp_path):
    url, handler = wfs
    handler.fail_first = 100
    with pytest.raises(DownloadError, match="no answer after 3 attempts: HTTP 503"):
        download_natura2000(tmp_path / "n2k.gpkg", url=url, retries=2, sleep=lambda s: None)
    assert not (tmp_path / "n2k.gpkg").exists()


def test_offline_gives_a_message_that_says_what_to_do(tmp_path):
    with socket.socket() as s:  # a port that nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(DownloadError) as info:
        fetch_wfs_features(
            f"http://127.0.0.1:{port}/wfs", retries=1, timeout=2, sleep=lambda s: None
        )
    message = str(info.value)
    assert "cannot connect" in message and "offline" in message and "--natura" in message


def test_download_command_exits_2_when_offline(tmp_path, capsys, monkeypatch):
    import vbr.download as dl
    from vbr.cli import main

    with socket.socket() as s:  # a port that nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setitem(dl.download_natura2000.__kwdefaults__, "retries", 0)
    out = tmp_path / "x.gpkg"
    status = main(
        ["download", "natura2000", "--out", str(out), "--url", f"http://127.0.0.1:{port}/wfs"]
    )
    assert status == 2
    assert "offline" in capsys.readouterr().err
    assert not out.exists()


def test_the_download_command_says_its_summary_in_the_language_asked(wfs, tmp_path, capsys):
    from vbr.cli import main

    url, _ = wfs
    out = tmp_path / "n2k.gpkg"
    assert main(["download", "natura2000", "--out", str(out), "--url", url]) == 0
    assert capsys.readouterr().out == f"5 objecten, 3 gebieden geschreven naar {out}\n"
    assert main(["--lang", "en", "download", "natura2000", "--out", str(out), "--url", url]) == 0
    assert capsys.readouterr().out == f"5 features, 3 areas written to {out}\n"
