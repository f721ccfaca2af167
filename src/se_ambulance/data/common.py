"""What every loader shares: reading a CSV with plain-word errors, schema checks, a parquet cache."""

from __future__ import annotations

import csv
import io
import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd

from se_ambulance.errors import DataError
from se_ambulance.paths import cache_dir

_HTML_STARTS = ("<!doctype", "<html", "<?xml", "<head", "<body")


def read_text(path: Path, what: str) -> str:
    """The file as UTF-8 text (a BOM is allowed), or a DataError that says what is wrong."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise DataError(f"{path}: cannot read the file ({e.strerror or e}).") from e
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise DataError(
            f"{path} is not UTF-8 text (byte 0x{data[e.start]:02x} at position {e.start} cannot be "
            f"decoded): {what} is published as UTF-8 CSV. The file may have been re-saved in another "
            "encoding (for example Windows-1252 or UTF-16); use the file as published."
        ) from e
    if not text.strip():
        raise DataError(f"{path} is empty: expected {what} with a header row.")
    if text.lstrip().lower().startswith(_HTML_STARTS):
        raise DataError(
            f"{path} is a web page (HTML), not {what}: the address returned a page instead of the file."
        )
    return text


def check_shape(text: str, path: Path, what: str) -> list[str]:
    """Every line has as many fields as the header (a truncated file fails here); returns the header."""
    rows = csv.reader(io.StringIO(text))
    try:
        header = next(rows)
        n_rows = 0
        for lineno, row in enumerate(rows, start=2):
            if not row:
                continue
            n_rows += 1
            if len(row) != len(header):
                raise DataError(
                    f"{path}, line {lineno}: {len(row)} fields where the header has {len(header)}. "
                    "The file is truncated or malformed; fetch it again."
                )
    except csv.Error as e:
        raise DataError(f"{path} is not a well-formed CSV ({e}); expected {what}.") from e
    if n_rows == 0:
        raise DataError(f"{path} has a header row but no data rows: expected {what}.")
    return header


def read_csv(path: Path, what: str, columns: Iterable[str], **kwargs) -> pd.DataFrame:
    """Read a CSV after checking its encoding, shape and required columns (named if missing)."""
    path = Path(path)
    text = read_text(path, what)
    header = check_shape(text, path, what)
    require_columns(header, columns, path)
    try:
        return pd.read_csv(io.StringIO(text), **kwargs)
    except (ValueError, pd.errors.ParserError) as e:
        raise DataError(f"{path} could not be read as {what}: {e}") from e


def require_columns(have: Iterable[str], need: Iterable[str], path: Path) -> None:
    have = set(have)
    missing = [c for c in need if c not in have]
    if missing:
        raise DataError(
            f"{path} lacks required column(s) {', '.join(map(repr, missing))}; "
            f"it has {', '.join(map(repr, sorted(have)))}. The file is not the expected table "
            "(columns renamed or removed)."
        )


def numeric(df: pd.DataFrame, columns: Iterable[str], path: Path, missing: Iterable[str] = ("", ".")
            ) -> pd.DataFrame:
    """Convert columns to numbers; a value that is neither a number nor a missing marker is named."""
    out = df.copy()
    marks = set(missing)
    for c in columns:
        raw = out[c]
        text = raw.astype("string").str.strip()
        is_missing = raw.isna() | text.isin(marks)
        num = pd.to_numeric(text.where(~is_missing), errors="coerce")
        bad = num.isna() & ~is_missing
        if bad.any():
            i = bad.to_numpy().argmax()
            raise DataError(
                f"{path}, data row {i + 1}, column {c!r}: value {str(raw.iloc[i])!r} is not a number "
                f"(allowed: a number, or {' / '.join(repr(m) for m in sorted(marks)) or 'nothing'} for missing)."
            )
        out[c] = num.astype(float)
    return out


def no_duplicates(df: pd.DataFrame, keys: list[str], path: Path) -> None:
    dup = df.duplicated(keys, keep=False)
    if dup.any():
        first = df.loc[dup, keys].iloc[0]
        described = ", ".join(f"{k} {first[k]}" for k in keys)
        raise DataError(f"{path}: more than one row for {described}; each must appear once.")


def months_contiguous(months: pd.Series, path: Path, label: str = "the file") -> None:
    """No month is missing between the first and the last."""
    got = pd.DatetimeIndex(months.dropna().unique())
    expected = pd.date_range(got.min(), got.max(), freq="MS")
    gaps = expected.difference(got)
    if len(gaps):
        raise DataError(
            f"{path}: {label} has no rows for {gaps[0]:%Y-%m}"
            f"{f' (and {len(gaps) - 1} more months)' if len(gaps) > 1 else ''}; "
            "months run from first to last without gaps."
        )


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def cached_frame(name: str, raw: Path, digest: str, version: str,
                 build: Callable[[Path], pd.DataFrame], progress: Callable[[str], None] = _say
                 ) -> pd.DataFrame:
    """A loader's table cached as parquet in data/cache, keyed by the raw file's sha256.

    A cache file that cannot be read (truncated, corrupt) is deleted and rebuilt from the raw file.
    """
    cache = cache_dir() / f"{name}-{digest[:16]}-v{version}.parquet"
    if cache.is_file():
        try:
            return pd.read_parquet(cache)
        except Exception as e:  # pyarrow raises several types for a damaged file
            progress(f"{name}: the cache {cache} could not be read ({type(e).__name__}); "
                     "deleted it and rebuilding it from the raw file.")
            cache.unlink(missing_ok=True)
    frame = build(raw)
    cache.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=cache.parent, prefix=f".{name}.", suffix=".parquet.tmp")
    os.close(fd)
    try:
        frame.to_parquet(tmp, index=False)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, cache)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return frame


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
