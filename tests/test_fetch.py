"""The data layer's fetch: cache, mirror, official route over local HTTP, and every way it refuses."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from se_ambulance.data import validate
from se_ambulance.data.fetch import ensure, fetch, sha256_file
from se_ambulance.data.manifest import load_manifest, previous_vintages
from se_ambulance.errors import DataError, FetchError

from .support.builders import sha
from .support.http_server import LocalServer as _Server

QUIET = {"progress": lambda m: None}


def _edit_manifest(root, **fields) -> None:
    path = root / "data" / "manifest.yaml"
    m = yaml.safe_load(path.read_text())
    m["datasets"]["demo"].update(fields)
    path.write_text(yaml.safe_dump(m))


def test_mirror_then_cache(fake_root):
    path = ensure("demo", mirror=fake_root["mirror"], **QUIET)
    assert path == fake_root["root"] / "data" / "raw" / "demo.csv"
    assert path.read_bytes() == fake_root["payload"]
    # Second call: served from the cache even with no mirror at all.
    assert ensure("demo", **QUIET).read_bytes() == fake_root["payload"]


def test_mirror_from_environment(fake_root, monkeypatch):
    monkeypatch.setenv("SE_AMBULANCE_DATA_MIRROR", str(fake_root["mirror"]))
    assert fetch(**QUIET)["demo"].is_file()


def test_mirror_with_wrong_checksum_is_refused_and_nothing_written(fake_root):
    (fake_root["mirror"] / "sub" / "demo.csv").write_bytes(b"a,b\n1,3\n")
    with pytest.raises(DataError, match="sha256"):
        ensure("demo", mirror=fake_root["mirror"], **QUIET)
    raw = fake_root["root"] / "data" / "raw"
    assert not (raw / "demo.csv").exists()
    assert list(raw.glob("*")) == []  # no temporary file left behind


def test_hand_changed_raw_file_is_left_untouched_and_the_advice_is_safe(fake_root):
    raw = fake_root["root"] / "data" / "raw"
    raw.mkdir(parents=True)
    (raw / "demo.csv").write_bytes(b"edited by hand")
    for update in (False, True):  # neither a fetch nor an --update overwrites it
        with pytest.raises(DataError, match="changed by hand") as e:
            ensure("demo", mirror=fake_root["mirror"], update=update, **QUIET)
        assert (raw / "demo.csv").read_bytes() == b"edited by hand"
    msg = str(e.value)
    assert "left untouched" in msg
    # Restoring names the deletion first; adopting says what --update does to the file and the pin.
    assert f"delete {raw / 'demo.csv'} and run `se-ambulance fetch demo`" in msg
    assert "move your file out of data/raw and run `se-ambulance fetch --update demo`" in msg
    assert "re-pins the manifest" in msg
    assert "Delete it and run `se-ambulance fetch` again, or run" not in msg  # the old, unsafe advice


def test_missing_mirror_folder_is_named(fake_root, tmp_path):
    with pytest.raises(FetchError, match="does not exist"):
        ensure("demo", mirror=tmp_path / "nowhere", **QUIET)


def test_relative_mirror_works_from_any_folder(fake_root, tmp_path, monkeypatch):
    # The README's example is relative to the project root ('../mirror' from project/).
    elsewhere = tmp_path / "a" / "b"
    elsewhere.mkdir(parents=True)
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv("SE_AMBULANCE_DATA_MIRROR", "../mirror")
    assert ensure("demo", **QUIET).read_bytes() == fake_root["payload"]


def test_relative_mirror_prefers_the_current_folder(fake_root, tmp_path, monkeypatch):
    here = tmp_path / "here"
    (here / "m" / "sub").mkdir(parents=True)
    (here / "m" / "sub" / "demo.csv").write_bytes(fake_root["payload"])
    (fake_root["mirror"] / "sub" / "demo.csv").write_bytes(b"wrong")  # would fail the pin
    monkeypatch.chdir(here)
    (fake_root["root"] / "m").symlink_to(fake_root["mirror"])
    assert ensure("demo", mirror="m", **QUIET).read_bytes() == fake_root["payload"]


def test_relative_mirror_not_found_says_where_it_looked(fake_root, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FetchError) as e:
        ensure("demo", mirror="no/such", **QUIET)
    msg = str(e.value)
    assert f"'{tmp_path / 'no/such'}'" in msg and f"'{fake_root['root'] / 'no/such'}'" in msg
    assert "current folder, then the project root" in msg


def test_offline_without_a_mirror_names_both_ways_to_give_one(fake_root):
    _edit_manifest(fake_root["root"], url="http://127.0.0.1:1/demo.csv")  # nothing listens there
    with pytest.raises(FetchError) as e:
        ensure("demo", **QUIET)
    assert "SE_AMBULANCE_DATA_MIRROR" in str(e.value) and "--mirror" in str(e.value)
    assert not (fake_root["root"] / "data" / "raw" / "demo.csv").exists()


def test_unknown_dataset_lists_the_known_ones(fake_root):
    with pytest.raises(DataError, match="Known datasets: demo"):
        ensure("nope")


def test_no_official_route_says_so(fake_root):
    with pytest.raises(FetchError, match="no official download address"):
        ensure("demo", **QUIET)


def test_a_derived_file_whose_sources_cannot_be_reached_names_them_and_the_mirror(fake_root):
    _edit_manifest(
        fake_root["root"],
        derived=True,
        derivation="rows of a big table",
        url=None,
        sources=[{"name": "csv", "url": "http://127.0.0.1:1/big.csv"}],  # nothing listens there
        derive={"function": "csv_rows_extract", "args": {}},
    )
    with pytest.raises(FetchError) as e:
        ensure("demo", **QUIET)
    msg = str(e.value)
    assert "from its sources" in msg and "http://127.0.0.1:1/big.csv" in msg
    assert "SE_AMBULANCE_DATA_MIRROR" in msg
    assert not (fake_root["root"] / "data" / "raw" / "demo.csv").exists()
    assert ensure("demo", mirror=fake_root["mirror"], **QUIET).is_file()  # the mirror route still works


def test_a_non_http_url_is_refused(fake_root, tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_bytes(fake_root["payload"])
    _edit_manifest(fake_root["root"], url=secret.as_uri())
    with pytest.raises(FetchError, match="not an http"):
        ensure("demo", **QUIET)


NEWER = "/files/AmbSYS-to-Apr-2026-NEW.csv"
PINNED = "/files/demo.csv"


@pytest.fixture
def server(fake_root, monkeypatch):
    """The landing page links a newer release; the manifest's url is the pinned one."""
    page = f'<html><a href="{NEWER}">AmbSYS to April 2026</a></html>'.encode()
    routes = {"/aqi/": (page, {}), PINNED: (fake_root["payload"], {}), NEWER: (b"a,b\n1,2\n3,4\n", {})}
    s = _Server(routes)
    s.routes = routes
    _edit_manifest(
        fake_root["root"],
        landing_page=f"{s.base}/aqi/",
        url=f"{s.base}{PINNED}",
        discover_pattern=r'href="([^"]*AmbSYS-to-[A-Za-z]+-\d{4}[^"]*\.csv)"',
    )

    # The demo file's "loader": a CSV with header a,b whose rows are numbers; it says its coverage.
    def check_demo(path):
        lines = path.read_text(encoding="utf-8").splitlines()
        if not lines or lines[0] != "a,b" or len(lines) < 2:
            raise DataError(f"{path} is not a demo table")
        return {"vintage": f"{len(lines) - 1} rows", "coverage": "demo coverage"}

    monkeypatch.setitem(validate.VALIDATORS, "demo", check_demo)
    yield s
    s.close()


def test_plain_fetch_downloads_the_pinned_url_and_never_discovers(fake_root, server):
    messages = []
    path = ensure("demo", progress=messages.append)
    assert path.read_bytes() == fake_root["payload"]
    assert server.requests == [PINNED]  # the landing page was not read
    assert any("downloading" in m for m in messages)
    assert any("%" in m for m in messages)  # progress is shown


def test_truncated_download_never_replaces_the_file(fake_root, server):
    good = fake_root["payload"]
    server.routes[PINNED] = (good[:4], {"length": len(good)})
    with pytest.raises(FetchError, match="truncated|failed after"):
        ensure("demo", **QUIET)
    raw = fake_root["root"] / "data" / "raw"
    assert not raw.exists() or list(raw.glob("*")) == []


def test_download_with_wrong_checksum_is_refused(fake_root, server):
    server.routes[PINNED] = (b"a,b\n9,9\n", {})
    with pytest.raises(DataError, match="fetch --update demo"):
        ensure("demo", **QUIET)
    assert not (fake_root["root"] / "data" / "raw" / "demo.csv").exists()


def test_update_discovers_checks_and_records_a_new_vintage(fake_root, server):
    ensure("demo", **QUIET)
    before = load_manifest()["demo"]
    path = ensure("demo", update=True, **QUIET)
    assert "/aqi/" in server.requests and NEWER in server.requests
    assert path.name == "AmbSYS-to-Apr-2026-NEW.csv"
    ds = load_manifest()["demo"]
    newer = server.routes[NEWER][0]
    assert ds.sha256 == sha(newer) and ds.bytes == len(newer) and ds.file == path.name
    assert ds.mirror_path == "sub/AmbSYS-to-Apr-2026-NEW.csv"
    assert ds.url == f"{server.base}{NEWER}"
    assert (ds.vintage, ds.coverage) == ("2 rows", "demo coverage")  # derived from the file itself
    prev = previous_vintages("demo")
    assert [(p.file, p.sha256, p.bytes, p.vintage, p.coverage, p.url) for p in prev] == [
        (before.file, before.sha256, before.bytes, before.vintage, before.coverage, before.url)
    ]
    assert prev[0].replaced == ds.adopted
    # The recorded pin is now the one enforced, and the old file is still there.
    assert ensure("demo", **QUIET) == path
    assert (fake_root["root"] / "data" / "raw" / "demo.csv").read_bytes() == fake_root["payload"]


def test_update_refuses_a_truncated_download(fake_root, server):
    ensure("demo", **QUIET)
    manifest_text = (fake_root["root"] / "data" / "manifest.yaml").read_text()
    newer = server.routes[NEWER][0]
    server.routes[NEWER] = (newer[:5], {"length": len(newer)})
    with pytest.raises(FetchError, match="truncated|failed after"):
        ensure("demo", update=True, **QUIET)
    raw = fake_root["root"] / "data" / "raw"
    assert sorted(p.name for p in raw.iterdir()) == ["demo.csv"]
    assert (fake_root["root"] / "data" / "manifest.yaml").read_text() == manifest_text


def test_update_refuses_what_the_loader_refuses(fake_root, server):
    ensure("demo", **QUIET)
    manifest_text = (fake_root["root"] / "data" / "manifest.yaml").read_text()
    server.routes[NEWER] = (b"<html>Sorry, page moved</html>", {})
    with pytest.raises(DataError, match="refused and nothing was changed.*not a demo table"):
        ensure("demo", update=True, **QUIET)
    assert (fake_root["root"] / "data" / "manifest.yaml").read_text() == manifest_text
    assert sorted(p.name for p in (fake_root["root"] / "data" / "raw").iterdir()) == ["demo.csv"]
    assert not list((fake_root["root"] / "data" / "cache" / "staging").iterdir())  # staging cleaned


def test_update_of_a_dataset_without_a_loader_is_refused(fake_root, server, monkeypatch):
    monkeypatch.delitem(validate.VALIDATORS, "demo")
    with pytest.raises(DataError, match="No loader is registered"):
        ensure("demo", update=True, **QUIET)
    assert load_manifest()["demo"].sha256 == sha(fake_root["payload"])


def test_landing_page_without_a_link(fake_root, server):
    server.routes["/aqi/"] = (b"<html>nothing here</html>", {})
    with pytest.raises(FetchError, match="no link to a release"):
        ensure("demo", update=True, **QUIET)


def test_update_cannot_pin_a_discovered_name_outside_data_raw(fake_root, server):
    evil = "/files/AmbSYS-to-Apr-2026-..%2F..%2Fescaped.csv"
    server.routes["/aqi/"] = (f'<a href="{evil}">x</a>'.encode(), {})
    server.routes[evil] = (b"a,b\n1,2\n", {})
    with pytest.raises(FetchError, match="cannot be pinned"):
        ensure("demo", update=True, **QUIET)
    assert not (fake_root["root"] / "escaped.csv").exists()
    assert not (fake_root["root"] / "data" / "escaped.csv").exists()
    assert load_manifest()["demo"].file == "demo.csv"


def test_sha256_of_a_file(tmp_path):
    p = tmp_path / "x"
    p.write_bytes(b"abc")
    assert sha256_file(p) == sha(b"abc")


# --- robustness: a killed fetch, a symlink loop, a relative mirror read from a subfolder --------------------------------

_KILLED_FETCH = """
import os, signal, sys
from se_ambulance.data import fetch
with fetch._staging() as stage:
    (stage / "candidate.csv").write_bytes(b"x" * 1000)
    print(stage, flush=True)
    if sys.argv[1] == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    sys.stdin.readline()  # 'hold': keep the folder in use until told to finish
"""


def _staging_folders(root):
    base = root / "data" / "cache" / "staging"
    return sorted(p.name for p in base.iterdir()) if base.is_dir() else []


def test_a_fetch_killed_with_kill_9_leaves_a_staging_folder_that_the_next_fetch_removes(fake_root):
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", _KILLED_FETCH, "kill"], capture_output=True, text=True)
    assert proc.returncode == -9
    assert len(_staging_folders(fake_root["root"])) == 1  # the orphan, with its candidate inside
    ensure("demo", mirror=fake_root["mirror"], **QUIET)  # the next fetch
    assert _staging_folders(fake_root["root"]) == []


def test_a_staging_folder_in_use_by_another_fetch_is_never_removed(fake_root):
    import subprocess
    import sys

    holder = subprocess.Popen(
        [sys.executable, "-c", _KILLED_FETCH, "hold"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        in_use = holder.stdout.readline().strip()
        ensure("demo", mirror=fake_root["mirror"], **QUIET)
        assert _staging_folders(fake_root["root"]) == [Path(in_use).name]
        assert (Path(in_use) / "candidate.csv").is_file()
    finally:
        holder.communicate("done\n", timeout=30)
    assert holder.returncode == 0 and _staging_folders(fake_root["root"]) == []


def test_a_staging_folder_left_by_an_older_version_without_a_lock_is_removed(fake_root):
    stale = fake_root["root"] / "data" / "cache" / "staging" / "fetch-abc123"
    stale.mkdir(parents=True)
    (stale / "AmbSYS.csv").write_bytes(b"x" * 100)
    ensure("demo", mirror=fake_root["mirror"], **QUIET)
    assert _staging_folders(fake_root["root"]) == []


def test_a_symlink_loop_in_the_mirror_is_named_not_a_traceback(fake_root, capsys):
    from se_ambulance.pipeline.cli import main

    target = fake_root["mirror"] / "sub" / "demo.csv"
    target.unlink()
    target.symlink_to(target)  # a link to itself
    with pytest.raises(FetchError, match="a symbolic link in it leads back to itself"):
        ensure("demo", mirror=fake_root["mirror"], **QUIET)
    assert main(["fetch", "demo", "--mirror", str(fake_root["mirror"])]) == 2
    err = capsys.readouterr().err
    assert "leads back to itself (a loop)" in err and "Traceback" not in err


def test_a_symlink_loop_named_like_a_release_is_named(tmp_path):
    from se_ambulance.data.releases import releases_in

    loop = tmp_path / "AmbSYS-to-May-2026-LOOP1.csv"
    loop.symlink_to(loop)
    (tmp_path / "AmbSYS-to-Apr-2026-GOOD1.csv").write_bytes(b"x")
    (tmp_path / "notes.txt").symlink_to(tmp_path / "notes.txt")  # not a release: never looked at
    with pytest.raises(FetchError, match="AmbSYS-to-May-2026-LOOP1.csv cannot be read .*leads back to itself"):
        releases_in(tmp_path)
    loop.unlink()
    assert releases_in(tmp_path) == ["AmbSYS-to-Apr-2026-GOOD1.csv"]


def test_a_relative_mirror_from_a_subfolder_is_never_a_build_output(fake_root, tmp_path, monkeypatch):
    from se_ambulance.errors import BuildError
    from se_ambulance.pipeline.outputs import check_output_folder

    # The mirror is '../mirror' from the project root; a build is started from a subfolder of the project, where
    # the same words would mean another folder. fetch reads the mirror from the project root: so must the check.
    sub = fake_root["root"] / "notebooks"
    sub.mkdir()
    monkeypatch.chdir(sub)
    monkeypatch.setenv("SE_AMBULANCE_DATA_MIRROR", "../mirror")
    assert ensure("demo", **QUIET).is_file()  # fetch found the mirror through the project root
    for out in (fake_root["mirror"], fake_root["mirror"] / "sub" / "book", Path("../../mirror/x")):
        with pytest.raises(BuildError, match="overlaps the data mirror"):
            check_output_folder(out, fake_root["root"])
    assert check_output_folder(tmp_path / "elsewhere", fake_root["root"]) == (tmp_path / "elsewhere").resolve()
