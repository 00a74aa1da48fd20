"""Unpacking a user's uploaded data set (one file, or a zip of a folder) into a private temporary folder."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path, PurePosixPath

from emodash.core.errors import InputError

#: Refuse archives that would unpack to more than this (a zip bomb, or a data set too large to browse in a page).
MAX_UNPACKED_BYTES = 2_000_000_000
MAX_FILES = 200_000


def unpack_upload(name: str, data: bytes, dest: Path) -> Path:
    """Write the upload under `dest` and return what a reader should open: the file itself, or for a zip the folder
    it unpacks to (its single top folder if it has one). Unsafe member paths and oversized archives are refused.

    Each upload goes into a folder named by its content's hash: a corrected file uploaded under the same name is a
    new path (so nothing cached for the old one is shown), and the same file uploaded twice is unpacked once."""
    if not data:
        raise InputError(f"{name}: the file is empty")
    dest = dest / hashlib.sha256(data).hexdigest()[:16]
    dest.mkdir(parents=True, exist_ok=True)
    safe = Path(PurePosixPath(name).name)
    if safe.suffix.lower() != ".zip":
        target = dest / safe
        target.write_bytes(data)
        return target
    target = dest / safe.stem
    import io

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise InputError(f"{name}: not a readable zip archive (corrupt or truncated)") from None
    members = [m for m in archive.infolist() if not m.is_dir() and not m.filename.startswith("__MACOSX/")]
    if not members:
        raise InputError(f"{name}: the archive holds no files")
    if len(members) > MAX_FILES or sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise InputError(f"{name}: the archive is too large to browse here (over {MAX_FILES} files or 2 GB unpacked)")
    for m in members:
        parts = PurePosixPath(m.filename).parts
        if m.filename.startswith("/") or ".." in parts:
            raise InputError(f"{name}: the archive holds an unsafe path ({m.filename})")
        out = target.joinpath(*parts)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(archive.read(m))
    tops = {PurePosixPath(m.filename).parts[0] for m in members}
    only = target / next(iter(tops))
    return only if len(tops) == 1 and only.is_dir() else target
