"""Bytes -> tables, one way for every reader: CSV (with the friendly messages for empty, non-UTF-8, ragged and
wrongly separated files), column aliases and numeric checks, workbooks (.xlsx, itself a zip: its members are checked
like an upload's) and gzip streams (decompressed with a running byte count)."""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
import zlib
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from emodash.core.errors import InputError

#: A table larger than this (decompressed, or a workbook's unpacked parts) is refused: a page or command would
#: hold it whole in memory several times over.
MAX_TABLE_BYTES = 256 * 1024 * 1024


def workbook(data: bytes, name: str, **read_excel: object) -> dict[str, pd.DataFrame]:
    """Every sheet of an .xlsx workbook (`pd.read_excel(..., sheet_name=None, **read_excel)`)."""
    from emodash.io.uploads import check_archive

    if not data:
        raise InputError(f"{name}: the file is empty")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise InputError(
            f"{name}: not an .xlsx workbook emodash can read (an encrypted workbook, or an old .xls?); "
            "save it as an unencrypted .xlsx or as CSV"
        ) from None
    check_archive(archive, name)
    if sum(m.file_size for m in archive.infolist()) > MAX_TABLE_BYTES:
        raise InputError(f"{name}: the workbook unpacks to over {MAX_TABLE_BYTES >> 20} MB; export a smaller table")
    try:
        return pd.read_excel(io.BytesIO(data), sheet_name=None, engine="openpyxl", **read_excel)
    except Exception as exc:  # openpyxl raises many kinds on a broken workbook
        raise InputError(f"{name}: not a readable .xlsx workbook ({str(exc)[:200]})") from None


def gunzip(data: bytes, name: str, limit: int = MAX_TABLE_BYTES) -> bytes:
    """The decompressed bytes of a gzip file, refused once they pass `limit`."""
    out, total, rest = [], 0, data
    try:
        while rest:  # a gzip file may hold several members one after the other (pigz, bgzip, `cat a.gz b.gz`)
            stream = zlib.decompressobj(16 + zlib.MAX_WBITS)
            block = stream.decompress(rest, 1 << 20)
            while block:
                total += len(block)
                if total > limit:
                    raise InputError(f"{name}: decompresses to over {limit >> 20} MB; refused")
                out.append(block)
                block = stream.decompress(stream.unconsumed_tail, 1 << 20)
            if not stream.eof:
                raise InputError(f"{name}: not a readable gzip file (truncated)")
            rest = stream.unused_data
    except zlib.error:
        raise InputError(f"{name}: not a readable gzip file (corrupt or truncated)") from None
    return b"".join(out)


#: separators people use instead of commas, and how a message names them
_SEPARATORS = ((";", "semicolons"), ("\t", "tabs"), ("|", "bars"))


def read_csv(source: Path | bytes, name: str, expect: str = "", **read_csv: Any) -> pd.DataFrame:
    """A comma-separated table from a file or its bytes, or one `InputError` that says what is wrong: no such file,
    too large, empty, not UTF-8 text, rows longer than the header, not well-formed, another separator than commas,
    or no rows under the header. `expect` (e.g. "columns text,label") ends the messages about the file's shape."""
    hint = f" (expected {expect})" if expect else ""
    if isinstance(source, Path):
        if not source.is_file():
            raise InputError(f"{name}: no such file")
        if source.stat().st_size > MAX_TABLE_BYTES:
            raise InputError(f"{name}: the file is over {MAX_TABLE_BYTES >> 20} MB; split it or use a subset")
        source = source.read_bytes()
    if not source.strip():
        raise InputError(f"{name}: the file is empty{hint}")
    try:
        with warnings.catch_warnings():  # pandas only warns when rows are longer than the header; refuse instead
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(io.BytesIO(source), **read_csv)
    except pd.errors.ParserWarning:
        raise InputError(f"{name}: not a well-formed comma-separated table (rows with more fields than the header)")
    except pd.errors.EmptyDataError:
        raise InputError(f"{name}: the file is empty{hint}") from None
    except UnicodeDecodeError:
        raise InputError(f"{name}: not UTF-8 text{hint}: save it as UTF-8 CSV") from None
    except (pd.errors.ParserError, csv.Error, ValueError) as exc:
        first = (str(exc).strip().splitlines() or ["unreadable"])[0]
        raise InputError(f"{name}: not a well-formed comma-separated table ({first}){hint}") from None
    if frame.shape[1] == 1:
        head = str(frame.columns[0])
        for sep, word in _SEPARATORS:
            if sep in head:
                raise InputError(f"{name}: columns are separated by {word}; expected a comma-separated CSV{hint}")
    if frame.empty:
        raise InputError(f"{name}: no rows under the header{hint}")
    return frame


def find_column(columns: Sequence[object], aliases: Sequence[str]) -> object | None:
    """The first column whose name (trimmed, any case) is one of `aliases`, in the aliases' order."""
    lower = {str(c).strip().lower(): c for c in columns}
    return next((lower[a] for a in aliases if a in lower), None)


def numeric(frame: pd.DataFrame, columns: Sequence[object], name: str, allow_missing: bool = False) -> np.ndarray:
    """`frame[columns]` as floats, or an `InputError` naming the first cell that is not a number: its value, column
    and line in the file (the header is line 1). Empty cells are refused unless `allow_missing` (they become NaN)."""
    columns = list(columns)
    values = frame[columns].apply(pd.to_numeric, errors="coerce")
    bad = values.isna().to_numpy().copy()
    if allow_missing:
        bad &= (
            frame[columns].notna().to_numpy()
            & (frame[columns].astype(str).apply(lambda c: c.str.strip()) != "").to_numpy()
        )
    if bad.any():
        row, col = np.argwhere(bad)[0]
        cell = frame[columns[col]].iloc[row]
        what = f"non-numeric value {str(cell)[:30]!r}" if str(cell).strip() else "an empty value"
        raise InputError(
            f"{name}: {what} in column {columns[col]} at line {frame.index[row] + 2} "
            f"({int(bad.sum())} bad cell(s); expected numbers)"
        )
    return values.to_numpy(dtype=np.float64)
