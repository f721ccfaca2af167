"""The data layer's fetch: cache, mirror, official route over local HTTP, and every way it refuses."""

from __future__ import annotations

import http.server
import threading

import pytest
import yaml

from se_ambulance.data.fetch import sha256_file
from se_ambulance.data.fetch import ensure, fetch
from se_ambulance.data.manifest import load_manifest
from se_ambulance.errors import DataError, FetchError

from .conftest import sha


def test_mirror_then_cache(fake_root):
    path = ensure("demo", mirror=fake_root["mirror"], progress=lambda m: None)
    assert path == fake_root["root"] / "data" / "raw" / "demo.csv"
    assert path.read_bytes() == fake_root["payload"]
    # Second call: served from the cache even with no mirror at all.
    assert ensure("demo", progress=lambda m: None).read_bytes() == fake_root["payload"]


def test_mirror_from_environment(fake_root, monkeypatch):
    monkeypatch.setenv("SE_AMBULANCE_DATA_MIRROR", str(fake_root["mirror"]))
    assert fetch(progress=lambda m: None)["demo"].is_file()


def test_mirror_with_wrong_checksum_is_refused_and_nothing_written(fake_root):
    (fake_root["mirror"] / "sub" / "demo.csv").write_bytes(b"a,b\n1,3\n")
    with pytest.raises(DataError, match="sha256"):
        ensure("demo", mirror=fake_root["mirror"], progress=lambda m: None)
    raw = fake_root["root"] / "data" / "raw"
    assert not (raw / "demo.csv").exists()
    assert list(raw.glob("*")) == []  # no temporary file left behind


def test_corrupt_cache_is_rejected_and_left_untouched(fake_root):
    raw = fake_root["root"] / "data" / "raw"
    raw.mkdir(parents=True)
    (raw / "demo.csv").write_bytes(b"edited by hand")
    with pytest.raises(DataError, match="corrupt or was changed"):
        ensure("demo", mirror=fake_root["mirror"], progress=lambda m: None)
    assert (raw / "demo.csv").read_bytes() == b"edited by hand"


def test_missing_mirror_folder_is_named(fake_root, tmp_path):
    with pytest.raises(FetchError, match="does not exist"):
        ensure("demo", mirror=tmp_path / "nowhere", progress=lambda m: None)


def test_unknown_dataset_lists_the_known_ones(fake_root):
    with pytest.raises(DataError, match="Known datasets: demo"):
        ensure("nope")


def test_no_official_route_says_so(fake_root):
    with pytest.raises(FetchError, match="no direct official download address"):
        ensure("demo", progress=lambda m: None)


class _Server:
    """A tiny HTTP server on 127.0.0.1 serving a landing page and files from a dict."""

    def __init__(self, routes: dict[str, tuple[bytes, dict]]):
        routes_ = routes

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                if self.path not in routes_:
                    self.send_response(404)
                    self.end_headers()
                    return
                body, headers = routes_[self.path]
                self.send_response(200)
                self.send_header("Content-Length", str(headers.get("length", len(body))))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def _point_manifest_at(root, server_base: str) -> None:
    path = root / "data" / "manifest.yaml"
    m = yaml.safe_load(path.read_text())
    m["datasets"]["demo"]["landing_page"] = f"{server_base}/aqi/"
    m["datasets"]["demo"]["discover_pattern"] = r'href="([^"]*AmbSYS-to-[A-Za-z]+-\d{4}[^"]*\.csv)"'
    path.write_text(yaml.safe_dump(m))


@pytest.fixture
def server(fake_root):
    page = b'<html><a href="/files/AmbSYS-to-Mar-2026-XYZ.csv">AmbSYS to March 2026</a></html>'
    routes = {"/aqi/": (page, {}), "/files/AmbSYS-to-Mar-2026-XYZ.csv": (fake_root["payload"], {})}
    s = _Server(routes)
    s.routes = routes
    _point_manifest_at(fake_root["root"], s.base)
    yield s
    s.close()


def test_official_route_discovers_the_link_and_downloads(fake_root, server):
    messages = []
    path = ensure("demo", progress=messages.append)
    assert path.read_bytes() == fake_root["payload"]
    assert any("downloading" in m for m in messages)
    assert any("%" in m for m in messages)  # progress is shown


def test_truncated_download_never_replaces_the_file(fake_root, server):
    good = fake_root["payload"]
    server.routes["/files/AmbSYS-to-Mar-2026-XYZ.csv"] = (good[:4], {"length": len(good)})
    with pytest.raises(FetchError, match="truncated|failed after"):
        ensure("demo", progress=lambda m: None)
    raw = fake_root["root"] / "data" / "raw"
    assert not raw.exists() or list(raw.glob("*")) == []


def test_download_with_wrong_checksum_is_refused(fake_root, server):
    server.routes["/files/AmbSYS-to-Mar-2026-XYZ.csv"] = (b"a,b\n9,9\n", {})
    with pytest.raises(DataError, match="fetch --update demo"):
        ensure("demo", progress=lambda m: None)
    assert not (fake_root["root"] / "data" / "raw" / "demo.csv").exists()


def test_update_records_a_new_vintage_in_the_manifest(fake_root, server):
    newer = b"a,b\n1,2\n3,4\n"
    server.routes["/files/AmbSYS-to-Mar-2026-XYZ.csv"] = (newer, {})
    path = ensure("demo", update=True, progress=lambda m: None)
    assert path.name == "AmbSYS-to-Mar-2026-XYZ.csv"
    ds = load_manifest()["demo"]
    assert ds.sha256 == sha(newer) and ds.bytes == len(newer) and ds.file == path.name
    # The recorded pin is now the one enforced.
    assert ensure("demo", progress=lambda m: None) == path


def test_landing_page_without_a_link(fake_root, server):
    server.routes["/aqi/"] = (b"<html>nothing here</html>", {})
    with pytest.raises(FetchError, match="no link matching"):
        ensure("demo", progress=lambda m: None)


def test_sha256_of_a_file(tmp_path):
    p = tmp_path / "x"
    p.write_bytes(b"abc")
    assert sha256_file(p) == sha(b"abc")
