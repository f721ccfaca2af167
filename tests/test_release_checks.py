"""A new AmbSYS release is checked as a release before `fetch --update` installs it.

The cases are altered copies of the REAL releases (NHS England's files to March and April 2026, fetched by their
pins), offered the way a reader would: a mirror folder holding releases under their own names, a file given with
--file, or a landing page. Each refusal must name the organisation, month or column, and change nothing. The
bounds themselves are tested on both sides with small tables built by code.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import yaml

from se_ambulance.data import release_checks as rc
from se_ambulance.data.fetch import update
from se_ambulance.data.manifest import load_manifest
from se_ambulance.errors import DataError, FetchError
from se_ambulance.pipeline.cli import main

from .support.builders import sha
from .support.http_server import LocalServer

MARCH = "AmbSYS-to-Mar-2026-UI7FG.csv"
APRIL = "AmbSYS-to-Apr-2026-QWZX3.csv"
QUIET = {"progress": lambda m: None}


# --- the bounds and rules on small tables (fast) ---------------------------------------------------------------------


def _tidy(rows: list[tuple]) -> pd.DataFrame:
    """(org, month, indicator, value) rows as the loader's tidy table."""
    from se_ambulance.reference.indicators import REGISTRY

    out = pd.DataFrame(rows, columns=["org", "month", "indicator", "value"])
    out["month"] = pd.to_datetime(out["month"] + "-01")
    out["org_name"] = out["org"] + " name"
    for col in ("category", "statistic", "unit"):
        out[col] = out["indicator"].map(lambda c, col=col: getattr(REGISTRY[c], col))
    return out


def _series(month_values: dict[str, dict[str, float]], org: str = "RYD") -> pd.DataFrame:
    return _tidy([(org, m, code, v) for m, values in month_values.items() for code, v in values.items()])


BASE = {"2026-01": {"A8": 100, "A24": 50_000, "A25": 500}, "2026-02": {"A8": 100, "A24": 50_000, "A25": 500}}


def _with_march(values: dict[str, float]) -> pd.DataFrame:
    return _series({**BASE, "2026-03": values})


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        ({"A8": 0, "A24": 0, "A25": 0}, None),
        (
            {"A8": -1, "A24": 0, "A25": 0},
            "negative counts: RYD (South East Coast (SECAmb)), 2026-03, column A8 (Category 1: incidents): -1",
        ),
        ({"A8": rc.COUNT_MAX, "A24": 1, "A25": 1}, None),
        ({"A8": rc.COUNT_MAX + 1, "A24": 1, "A25": 1}, "column A8 (Category 1: incidents): 1e+07"),
        ({"A8": 100, "A24": 1, "A25": rc.TIME_MAX_S}, None),
        ({"A8": 100, "A24": 1, "A25": rc.TIME_MAX_S + 1}, "column A25 (Category 1: mean response time): 172801"),
        ({"A8": 100, "A24": 1, "A25": -1}, "negative times: RYD (South East Coast (SECAmb)), 2026-03, column A25"),
        ({"A8": 2, "A24": 2 * rc.TIME_MAX_S, "A25": 1}, None),  # a total is bounded by its own count
        ({"A8": 2, "A24": 2 * rc.TIME_MAX_S + 1, "A25": 1}, "column A24 (Category 1: total response time)"),
        ({"A8": 100, "A24": 1, "A25": float("inf")}, "column A25 (Category 1: mean response time): inf"),
    ],
)
def test_the_bounds_hold_on_both_sides(values, problem):
    pinned = _series(BASE)
    candidate = _with_march(values)
    if problem is None:
        assert rc.check_release(candidate, pinned).months_added == (pd.Timestamp("2026-03-01"),)
    else:
        with pytest.raises(DataError) as e:
            rc.check_release(candidate, pinned)
        assert problem in str(e.value) and "refused before anything was installed" in str(e.value)


def test_a_series_that_stops_is_blank_at_the_end_and_one_with_a_hole_has_a_gap():
    pinned = _series(BASE)
    three = {**BASE, "2026-03": {"A8": 100, "A24": 1, "A25": 1}, "2026-04": {"A8": 100, "A24": 1, "A25": 1}}
    stops = _tidy(
        [("RYD", m, c, v) for m, vals in three.items() if m != "2026-04" for c, v in vals.items()]
        + [("RYD", "2026-04", "A0", 5.0)]
    )  # April has a row (a value in another family) but no C1 values
    with pytest.raises(
        DataError,
        match=r"last months are blank \(suppressed\): RYD \(South East Coast \(SECAmb\)\): "
        r"no values in the last months, 2026-04, for Category 1 \(A8, A24, A25, A26\)",
    ):
        rc.check_release(stops, pinned)
    hole = _tidy(
        [("RYD", m, c, v) for m, vals in three.items() if m != "2026-03" for c, v in vals.items()]
        + [("RYD", "2026-03", "A0", 5.0)]
    )
    with pytest.raises(
        DataError,
        match=r"months are missing: RYD \(South East Coast \(SECAmb\)\): no values for "
        r"2026-03, for Category 1 \(A8, A24, A25, A26\)",
    ):
        rc.check_release(hole, pinned)
    assert rc.check_release(_series(three), pinned).months_added == (
        pd.Timestamp("2026-03-01"),
        pd.Timestamp("2026-04-01"),
    )


def test_a_series_the_pinned_release_never_had_is_not_required():
    # Handovers begin in October 2023 in the real data: months before that are not gaps.
    pinned = _series({**BASE, "2026-02": {**BASE["2026-02"], "A140": 10}})
    candidate = _series(
        {**BASE, "2026-02": {**BASE["2026-02"], "A140": 10}, "2026-03": {"A8": 1, "A24": 1, "A25": 1, "A140": 12}}
    )
    assert rc.check_release(candidate, pinned).n_revised == 0


def test_the_report_counts_revisions_by_month():
    pinned = _series(BASE)
    candidate = _series(
        {"2026-01": {"A8": 101, "A24": 50_000, "A25": 500}, "2026-02": BASE["2026-02"], "2026-03": BASE["2026-02"]}
    )
    report = rc.check_release(candidate, pinned)
    assert report.revised == {pd.Timestamp("2026-01-01"): 1}
    assert report.lines() == ["months added: 1 (March 2026)", "revisions: 1 earlier values changed (January 2026: 1)"]


# --- the real releases, altered ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def releases() -> dict[str, bytes]:
    """The real March and April 2026 releases, fetched by their pins in the project's manifest."""
    from se_ambulance.data.vintages import find_release, previous_file

    out = {}
    for name in (MARCH, APRIL):
        v = find_release(name)
        path = previous_file("ambsys", v) if v.file != load_manifest()["ambsys"].file else None
        if path is None:
            from se_ambulance.data.fetch import ensure

            path = ensure("ambsys", progress=lambda m: None)
        out[name] = path.read_bytes()
        assert sha(out[name]) == v.sha256
    return out


def _lines(data: bytes) -> tuple[str, list[str]]:
    text = data.decode("utf-8")
    header, *rows = text.splitlines()
    return header, rows


def _join(header: str, rows: list[str]) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode("utf-8")


def _field(header: str, name: str) -> int:
    return header.split(",").index(name)


def _where(header: str, row: str, org: str | None = None, months: tuple[str, ...] = ()) -> bool:
    cells = row.split(",")
    ym = f"{int(cells[_field(header, 'Year')]):04d}-{int(cells[_field(header, 'Month')]):02d}"
    return (org is None or cells[_field(header, "Org Code")] == org) and (not months or ym in months)


def _set(header: str, row: str, column: str, value: str) -> str:
    cells = row.split(",")
    cells[_field(header, column)] = value
    return ",".join(cells)


def _blank(header: str, row: str) -> str:
    cells = row.split(",")
    first = _field(header, "A0")
    return ",".join(cells[:first] + ["." if c.strip() else c for c in cells[first:]])


@pytest.fixture
def project(tmp_path, monkeypatch, releases):
    """A project whose manifest pins the real March 2026 release (as the book did until 7 December 2026), fetched
    into data/raw, and an empty mirror folder to offer releases in."""
    real = load_manifest()["ambsys"]
    march = next(v for v in [real, *real.previous] if v.file == MARCH)
    root = tmp_path / "project"
    (root / "data" / "raw").mkdir(parents=True)
    (root / "data" / "raw" / MARCH).write_bytes(releases[MARCH])
    entry = {k: v for k, v in real.model_dump(exclude_none=True).items() if k not in ("id", "previous", "licence")}
    entry.update(
        file=MARCH,
        mirror_path=f"ambsys/{MARCH}",
        sha256=march.sha256,
        bytes=march.bytes,
        vintage=march.vintage,
        coverage=march.coverage,
        url=march.url,
        adopted=march.adopted,
        citation="NHS England (2026). Ambulance Quality Indicators, AmbSYS time series to March 2026.",
        licence={"name": "OGL", "url": "https://example.invalid/ogl"},
    )
    (root / "data" / "manifest.yaml").write_text(
        yaml.safe_dump({"datasets": {"ambsys": entry}}, width=80), encoding="utf-8"
    )
    mirror = tmp_path / "mirror"
    (mirror / "ambsys").mkdir(parents=True)
    monkeypatch.setenv("SE_AMBULANCE_HOME", str(root))
    monkeypatch.delenv("SE_AMBULANCE_DATA_MIRROR", raising=False)
    return {"root": root, "mirror": mirror, "manifest": root / "data" / "manifest.yaml", "raw": root / "data" / "raw"}


def _offer(project, name: str, data: bytes) -> None:
    (project["mirror"] / "ambsys" / name).write_bytes(data)


def _refused(project, match: str, **kwargs) -> str:
    before = project["manifest"].read_bytes()
    with pytest.raises(DataError) as e:
        update("ambsys", mirror=kwargs.pop("mirror", project["mirror"]), **kwargs, **QUIET)
    assert project["manifest"].read_bytes() == before
    assert sorted(p.name for p in project["raw"].iterdir()) == [MARCH]  # nothing installed
    assert not list((project["root"] / "data" / "cache" / "staging").iterdir())  # nothing left in staging
    msg = str(e.value)
    for part in match.split(" | "):
        assert part in msg, msg
    assert "nothing was changed" in msg
    return msg


@pytest.mark.slow
def test_a_mirror_with_march_and_april_under_their_own_names_adopts_april(project, releases):
    _offer(project, MARCH, releases[MARCH])
    _offer(project, APRIL, releases[APRIL])
    adoption = update("ambsys", mirror=project["mirror"], **QUIET)
    ds = load_manifest()["ambsys"]
    assert (ds.file, ds.mirror_path, ds.sha256, ds.bytes) == (
        APRIL,
        f"ambsys/{APRIL}",
        sha(releases[APRIL]),
        len(releases[APRIL]),
    )
    assert ds.url == f"https://www.england.nhs.uk/statistics/wp-content/uploads/sites/2/2026/05/{APRIL}"
    assert (ds.vintage, ds.coverage) == (
        "data to April 2026",
        "2017-08 to 2026-04; England, 7 NHS England regions, 11 ambulance providers",
    )
    assert ds.adopted == dt.date.today().isoformat()
    [prev] = ds.previous
    assert (prev.file, prev.vintage, prev.replaced) == (MARCH, "data to March 2026", ds.adopted)
    assert adoption.report.months_added == (pd.Timestamp("2026-04-01"),) and adoption.report.revised == {}
    assert "ambsys: months added: 1 (April 2026)" in adoption.notes
    # Offered again, the newest is the pinned release: nothing to update, nothing changes.
    before = project["manifest"].read_bytes()
    assert update("ambsys", mirror=project["mirror"], **QUIET).adopted is False
    assert project["manifest"].read_bytes() == before


@pytest.mark.slow
def test_a_revised_month_shows_as_a_revision(project, releases):
    header, rows = _lines(releases[APRIL])
    revised = [
        _set(header, r, "A8", str(int(r.split(",")[_field(header, "A8")]) + 7))
        if _where(header, r, "RYD", ("2026-01",))
        else r
        for r in rows
    ]
    _offer(project, APRIL, _join(header, revised))
    adoption = update("ambsys", mirror=project["mirror"], **QUIET)
    assert adoption.report.revised == {pd.Timestamp("2026-01-01"): 1}
    assert "ambsys: revisions: 1 earlier values changed (January 2026: 1)" in adoption.notes


@pytest.mark.slow
@pytest.mark.parametrize(
    "case",
    [
        "rename RYE to R0E",
        "drop a trust",
        "drop one month of one trust",
        "blank one month of one trust",
        "blank the last three months",
        "1e308",
        "negative count",
        "drop the first month",
    ],
)
def test_an_altered_real_release_is_refused_with_what_is_wrong(project, releases, case):
    header, rows = _lines(releases[APRIL])
    if case == "rename RYE to R0E":
        altered, match = (
            [r.replace(",RYE,", ",R0E,") for r in rows],
            (
                "organisation RYE (South Central (SCAS)) is in the pinned release but not in this one | "
                "organisation R0E (SOUTH CENTRAL AMBULANCE SERVICE NHS FOUNDATION TRUST) is new | "
                "--accept-organisation-change"
            ),
        )
    elif case == "drop a trust":
        altered, match = (
            [r for r in rows if not _where(header, r, "RYD")],
            ("organisation RYD (South East Coast (SECAmb)) is in the pinned release but not in this one"),
        )
    elif case == "drop one month of one trust":
        altered, match = (
            [r for r in rows if not _where(header, r, "RYE", ("2026-02",))],
            ("organisation RYE has no row for 2026-02 | The loader says"),
        )
    elif case == "blank one month of one trust":
        altered = [_blank(header, r) if _where(header, r, "RYE", ("2026-02",)) else r for r in rows]
        match = "months are missing: RYE (South Central (SCAS)): no values for 2026-02, for every indicator family"
    elif case == "blank the last three months":
        altered = [
            _blank(header, r) if _where(header, r, months=("2026-02", "2026-03", "2026-04")) else r for r in rows
        ]
        match = (
            "the last months are blank (suppressed): Eng (England): no values in the last months, 2026-02 to "
            "2026-04 (3 months), for every indicator family | and 14 more organisations"
        )
    elif case == "1e308":
        altered = [_set(header, r, "A31", "1e308") if _where(header, r, "RYD", ("2026-04",)) else r for r in rows]
        match = (
            "beyond plausible bounds | RYD (South East Coast (SECAmb)), 2026-04, column A31 (Category 2: mean "
            "response time): 1e+308"
        )
    elif case == "negative count":
        altered = [_set(header, r, "A10", "-12") if _where(header, r, "RYE", ("2026-04",)) else r for r in rows]
        match = "negative counts: RYE (South Central (SCAS)), 2026-04, column A10 (Category 2: incidents): -12"
    else:
        altered = [r for r in rows if not _where(header, r, months=("2017-08",))]
        match = "it starts in 2017-09, later than the pinned release (2017-08): the months 2017-08 were dropped"
    _offer(project, APRIL, _join(header, altered))
    _refused(project, match)


@pytest.mark.slow
def test_an_older_release_is_refused_in_a_mirror_or_given_by_path(project, releases, tmp_path):
    header, rows = _lines(releases[MARCH])
    february = _join(header, [r for r in rows if not _where(header, r, months=("2026-03",))])
    _offer(project, "AmbSYS-to-Feb-2026-OLDER.csv", february)
    _refused(
        project,
        "AmbSYS-to-Feb-2026-OLDER.csv (data to February 2026), is older than the pinned release "
        f"{MARCH} (data to March 2026)",
    )
    given = tmp_path / "downloads" / "AmbSYS-to-Feb-2026-OLDER.csv"
    given.parent.mkdir()
    given.write_bytes(february)
    _refused(project, "is older than the pinned release", file=given, mirror=None)
    # The April release with its last month removed, under April's name: its data end in March, as the pin's do.
    header, rows = _lines(releases[APRIL])
    cut = tmp_path / "downloads" / "AmbSYS-to-Apr-2026-CUT01.csv"
    cut.write_bytes(_join(header, [r for r in rows if not _where(header, r, months=("2026-04",))]))
    _refused(
        project, "its name says its data end in April 2026, but its last month is March 2026", file=cut, mirror=None
    )


@pytest.mark.slow
def test_a_downloaded_release_given_by_path_is_adopted_under_its_own_name(project, releases, tmp_path, capsys):
    given = tmp_path / "downloads" / APRIL
    given.parent.mkdir()
    given.write_bytes(releases[APRIL])
    assert main(["fetch", "--update", "ambsys", "--file", str(given), "--provenance", "Copied from a test."]) == 0
    ds = load_manifest()["ambsys"]
    assert ds.file == APRIL and ds.citation.endswith("to April 2026. Copied from a test.")
    assert "months added: 1 (April 2026)" in capsys.readouterr().err
    renamed = tmp_path / "downloads" / "ambsys-latest.csv"
    renamed.write_bytes(releases[APRIL])
    assert main(["fetch", "--update", "ambsys", "--file", str(renamed)]) == 2
    assert "is not named like an NHS England AmbSYS release" in capsys.readouterr().err


@pytest.mark.slow
def test_the_landing_page_newest_release_is_taken_even_when_an_older_one_is_listed_first(project, releases):
    header, rows = _lines(releases[MARCH])
    february = _join(header, [r for r in rows if not _where(header, r, months=("2026-03",))])
    routes = {
        f"/files/{n}": (b, {})
        for n, b in [("AmbSYS-to-Feb-2026-OLDER.csv", february), (MARCH, releases[MARCH]), (APRIL, releases[APRIL])]
    }
    page = "".join(
        f'<a href="{p}">{p}</a>' for p in ["/files/AmbSYS-to-Feb-2026-OLDER.csv", f"/files/{MARCH}", f"/files/{APRIL}"]
    ).encode()
    server = LocalServer({"/aqi/": (page, {}), **routes})
    try:
        text = (
            project["manifest"]
            .read_text(encoding="utf-8")
            .replace(load_manifest()["ambsys"].landing_page, f"{server.base}/aqi/")
        )
        project["manifest"].write_text(text, encoding="utf-8")
        adoption = update("ambsys", **QUIET)
        assert server.requests == ["/aqi/", f"/files/{APRIL}"]  # the February file was never fetched
        assert adoption.adopted and load_manifest()["ambsys"].url == f"{server.base}/files/{APRIL}"
    finally:
        server.close()


def test_a_landing_page_whose_newest_link_is_older_than_the_pin_is_refused(project):
    server = LocalServer(
        {
            "/aqi/": (b'<a href="/f/AmbSYS-to-Feb-2026-OLD.csv">x</a>', {}),
            "/f/AmbSYS-to-Feb-2026-OLD.csv": (b"Year,Month\n", {}),
        }
    )
    try:
        text = (
            project["manifest"]
            .read_text(encoding="utf-8")
            .replace(load_manifest()["ambsys"].landing_page, f"{server.base}/aqi/")
        )
        project["manifest"].write_text(text, encoding="utf-8")
        with pytest.raises(DataError, match="is older than the pinned release"):
            update("ambsys", **QUIET)
    finally:
        server.close()


def test_two_releases_for_the_same_month_are_ambiguous(project):
    _offer(project, "AmbSYS-to-Apr-2026-AAAAA.csv", b"x")
    _offer(project, "AmbSYS-to-Apr-2026-BBBBB.csv", b"y")
    with pytest.raises(FetchError, match="More than one AmbSYS release with data to April 2026"):
        update("ambsys", mirror=project["mirror"], **QUIET)
