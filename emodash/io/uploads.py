"""Unpacking a user's uploaded data set (one file, or a zip of a folder) into a private temporary folder.

A zip archive is checked as a whole before anything is written (member count, declared sizes, compression ratio,
depth, names, encryption, compression method, a file that is also a folder), then streamed to disk member by member
with a running byte count against the declared sizes; whatever goes wrong, the archive is refused as a whole and
nothing of it is left on disk.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import unicodedata
import zipfile
from pathlib import Path, PurePosixPath

from emodash.core.errors import InputError

#: Refuse archives that would unpack to more than this (a zip bomb, or a data set too large to browse in a page).
MAX_UNPACKED_BYTES = 2_000_000_000
MAX_FILES = 200_000
#: A member may not expand more than this (a zip bomb's members expand thousands of times).
MAX_RATIO = 200
#: Folders inside folders, at most.
MAX_DEPTH = 16
METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate", zipfile.ZIP_BZIP2: "bzip2",
           zipfile.ZIP_LZMA: "lzma"}  # fmt: skip
CHUNK = 1 << 20


def unpack_upload(name: str, data: bytes, dest: Path) -> Path:
    """Write the upload under `dest` and return what a reader should open: the file itself, or for a zip the folder
    it unpacks to (its single top folder if it has one).

    Each upload goes into a folder named by its content's hash: a corrected file uploaded under the same name is a
    new path (so nothing cached for the old one is shown), and the same file uploaded twice is unpacked once."""
    if not data:
        raise InputError(f"{name}: the file is empty")
    dest = dest / hashlib.sha256(data).hexdigest()[:16]
    base = PurePosixPath(name.replace("\\", "/")).name
    is_zip = base.lower().endswith(".zip")
    stem = (base[:-4] if is_zip else base).strip(" .") or "upload"  # never "", "." or ".."
    if not is_zip:
        dest.mkdir(parents=True, exist_ok=True)
        target = dest / stem
        target.write_bytes(data)
        return target
    target = dest / stem
    if not target.exists():
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
            raise InputError(f"{name}: not a readable zip archive (corrupt or truncated)") from None
        members = check_archive(archive, name)
        try:
            _extract(archive, members, target, name)
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            raise
    tops = {PurePosixPath(m).parts[0] for m in _file_names(target)}
    only = target / next(iter(tops))
    return only if len(tops) == 1 and only.is_dir() else target


def _file_names(root: Path) -> list[str]:
    return [p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()]


def check_archive(archive: zipfile.ZipFile, name: str) -> list[zipfile.ZipInfo]:
    """The members to unpack (files, not folders or macOS metadata), once every check has passed."""
    members = [m for m in archive.infolist() if not m.is_dir() and not m.filename.startswith("__MACOSX/")]
    if not members:
        raise InputError(f"{name}: the archive holds no files")
    if len(members) > MAX_FILES:
        raise InputError(f"{name}: the archive holds {len(members):,} files; the limit is {MAX_FILES:,}")
    if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise InputError(f"{name}: the archive would unpack to over {MAX_UNPACKED_BYTES / 1e9:.0f} GB; too large")
    files, folders = set(), set()
    for m in members:
        path = m.filename
        parts = PurePosixPath(path).parts
        if (not parts or path.startswith(("/", "\\")) or "\\" in path or ".." in parts or "." in path.split("/")
                or ":" in parts[0]
                or any(unicodedata.category(ch)[0] == "C" for ch in path)):  # fmt: skip
            raise InputError(f"{name}: the archive holds an unsafe path ({path[:80]!r})")
        if len(parts) > MAX_DEPTH:
            raise InputError(f"{name}: the archive nests folders deeper than {MAX_DEPTH}")
        if m.flag_bits & 0x1:
            raise InputError(f"{name}: the archive is encrypted; upload an unencrypted zip")
        if m.compress_type not in METHODS:
            raise InputError(f"{name}: a member uses a compression method emodash does not read "
                             f"(use {', '.join(METHODS.values())})")  # fmt: skip
        if m.file_size > MAX_RATIO * max(m.compress_size, 1) + CHUNK:
            raise InputError(f"{name}: {path[:80]} expands {m.file_size / max(m.compress_size, 1):,.0f} times; "
                             "refused as a zip bomb")  # fmt: skip
        if path in files:
            raise InputError(f"{name}: the archive holds {path[:80]} twice")
        files.add(path)
        folders.update("/".join(parts[:i]) for i in range(1, len(parts)))
    clash = files & folders
    if clash:
        raise InputError(f"{name}: {sorted(clash)[0][:80]} is both a file and a folder in the archive")
    return members


def _extract(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], target: Path, name: str) -> None:
    """Stream each member to disk, counting bytes against what it declared."""
    for m in members:
        out = target.joinpath(*PurePosixPath(m.filename).parts)
        out.parent.mkdir(parents=True, exist_ok=True)
        written = 0
        try:
            with archive.open(m) as src, open(out, "wb") as dst:
                while block := src.read(CHUNK):
                    written += len(block)
                    if written > m.file_size:
                        raise InputError(f"{name}: {m.filename[:80]} holds more than it declares; refused")
                    dst.write(block)
        except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError, ValueError) as exc:
            if isinstance(exc, InputError):
                raise
            raise InputError(f"{name}: {m.filename[:80]} cannot be unpacked (corrupt: {exc})") from None
