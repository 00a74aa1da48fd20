"""Bytes -> tables, checked before they are parsed: workbooks (.xlsx, itself a zip: its members are checked like an
upload's) and gzip streams (decompressed with a running byte count), each with one clear message when refused."""

from __future__ import annotations

import io
import zipfile
import zlib

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
    out, total = [], 0
    stream = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        block = stream.decompress(data, 1 << 20)
        while block:
            total += len(block)
            if total > limit:
                raise InputError(f"{name}: decompresses to over {limit >> 20} MB; refused")
            out.append(block)
            block = stream.decompress(stream.unconsumed_tail, 1 << 20)
    except zlib.error:
        raise InputError(f"{name}: not a readable gzip file (corrupt or truncated)") from None
    return b"".join(out)
