"""Ingest: a face data set into the catalogue, item by item (decode, check, optionally find and crop the face, hash,
store), in batches of one transaction each.

Every item of a source is recorded once, kept (`images`) or not (`rejections`, with the reason), keyed by where it
sits in its source: a second run skips what is there (idempotent), and a run stopped anywhere (Ctrl+C, a crash)
leaves only whole batches behind, which the next run completes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import cv2
import numpy as np
from sqlalchemy import Engine, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from emodash import datasets
from emodash.catalogue.schema import Emotion, Image, ImageFile, IngestRun, Rejection, Source, SourceLabel
from emodash.core import settings
from emodash.core.dataset import Dataset
from emodash.core.errors import InputError
from emodash.io.images import MAX_BYTES, decode_with_format
from emodash.io.uploads import unpack_upload

FACES = ("none", "haar", "mediapipe")
CONTENT_TYPES = {"JPEG": "image/jpeg", "MPO": "image/jpeg", "PNG": "image/png", "BMP": "image/bmp",
                 "WEBP": "image/webp", "TIFF": "image/tiff", "PPM": "image/x-portable-pixmap"}  # fmt: skip
BATCH = 500


@dataclass
class IngestResult:
    """What one run did: counts per stage of this run's items, and how many were already in from earlier runs."""

    run_id: int
    source: str
    status: str
    found: int = 0
    readable: int = 0
    kept: int = 0
    present: int = 0

    def to_json(self) -> dict:
        return dict(self.__dict__)


class Interrupted(KeyboardInterrupt):
    """Ctrl+C during an ingest: `result` holds what the run had committed (whole batches) before it stopped."""

    def __init__(self, result: IngestResult) -> None:
        super().__init__(f"interrupted after {result.kept} image(s)")
        self.result = result


@dataclass
class _Item:
    origin: str
    label: str
    split: str
    sample: object  # a path or a decoded array


def open_target(target: str) -> tuple[Dataset, str]:
    """The face data set `target` names (a registered name, a file or folder, a zip of one) and its source name."""
    names = {d.name: d for d in datasets.REGISTRY}
    if target in names:
        if names[target].modality != "face":
            raise InputError(f"{target} is a {names[target].modality} data set; the catalogue holds face images")
        return datasets.load(target), target
    p = Path(target).expanduser()
    if not p.exists():
        faces = ", ".join(d.name for d in datasets.list_datasets("face"))
        raise InputError(f"{target}: no such file or folder, nor a registered face data set ({faces})")
    if p.is_file() and p.suffix.lower() == ".zip":
        if p.stat().st_size > 2**31:
            raise InputError(f"{p}: the archive is larger than 2 GB; unpack it and add the folder")
        root = unpack_upload(p.name, p.read_bytes(), settings.cache_dir() / "catalogue-uploads")
        return datasets.open_path(root, "face"), p.stem
    return datasets.open_path(p, "face"), p.resolve().name


def _items(ds: Dataset) -> Iterator[_Item]:
    splits = ds.groups["split"].astype(str).to_numpy() if "split" in ds.groups else ["unknown"] * len(ds)
    root = Path(ds.source) if ds.source else None
    for i, sample in enumerate(ds.samples):
        if isinstance(sample, (str, Path)):
            p = Path(sample)
            origin = p.relative_to(root).as_posix() if root and p.is_relative_to(root) else p.as_posix()
        else:
            origin = f"row {i + 2}" if ds.format == "FER-2013 CSV" else f"item {i}"
        yield _Item(origin, str(ds.labels[i]), str(splits[i]), sample)


def _pixel_hash(img: np.ndarray) -> str:
    h = hashlib.sha256(f"{img.shape}".encode())
    h.update(np.ascontiguousarray(img).tobytes())
    return h.hexdigest()


def _decoded(item: _Item) -> tuple[bytes, str, np.ndarray]:
    """(file bytes, format, pixels as grey or BGR) of an item; InputError if it cannot be read."""
    if isinstance(item.sample, np.ndarray):
        ok, buf = cv2.imencode(".png", item.sample)  # arrays (e.g. FER-2013's CSV) are stored losslessly as PNG
        if not ok:
            raise InputError(f"{item.origin}: could not be encoded")
        return buf.tobytes(), "PNG", item.sample
    p = Path(item.sample)
    size = p.stat().st_size
    if size > MAX_BYTES:
        raise InputError(
            f"{item.origin}: the file is too large ({size / 2**20:.0f} MB; the limit is {MAX_BYTES >> 20})"
        )
    data = p.read_bytes()
    img, fmt = decode_with_format(data, item.origin, cv2.IMREAD_UNCHANGED)
    return data, fmt, img


def _colour(img: np.ndarray) -> tuple[np.ndarray, str]:
    """The pixels without alpha, as grey when the image has one channel or three equal ones; and 'grey' or 'rgb'."""
    if img.ndim == 3 and img.shape[2] == 4:
        img = img[:, :, :3]
    if img.ndim == 3 and img.shape[2] == 1:
        img = img[:, :, 0]
    if img.ndim == 2:
        return img, "grey"
    if np.array_equal(img[:, :, 0], img[:, :, 1]) and np.array_equal(img[:, :, 1], img[:, :, 2]):
        return img[:, :, 0], "grey"
    return img, "rgb"


class _Faces:
    """The chosen detector; the largest face of an image, or None."""

    def __init__(self, name: str) -> None:
        from emodash.modalities.face.detection import make_detector

        self.name = name
        self.detector = make_detector(name)

    def largest(self, pixels: np.ndarray) -> tuple[int, int, int, int] | None:
        bgr = cv2.cvtColor(pixels, cv2.COLOR_GRAY2BGR) if pixels.ndim == 2 else pixels
        boxes = self.detector.detect(bgr)
        return max(boxes, key=lambda b: b[2] * b[3]) if boxes else None


def _source(session: Session, ds: Dataset, name: str) -> Source:
    source = session.scalars(select(Source).where(Source.name == name)).one_or_none()
    location = ds.source or f"synthetic demo ({ds.name})"
    if source is None:
        source = Source(name=name, format=ds.format or "", location=location, label_set=ds.label_set.name,
                        synthetic=ds.synthetic)  # fmt: skip
        session.add(source)
        session.flush()
    elif source.location != location:
        raise InputError(
            f"the catalogue's source {name!r} holds images from {source.location}, not {location}; "
            "pass --name to add this one as another source"
        )
    emotion_ids = dict(session.execute(select(Emotion.name, Emotion.id)).all())
    have = set(session.scalars(select(SourceLabel.label).where(SourceLabel.source_id == source.id)))
    session.add_all(
        SourceLabel(source_id=source.id, label=lab.name, emotion_id=emotion_ids.get(lab.canonical or ""))
        for lab in ds.label_set.labels
        if lab.name not in have
    )
    return source


def _insert(engine: Engine, model: type, rows: list[dict]):
    """INSERT ... ON CONFLICT DO NOTHING in the engine's dialect (the same bytes or item added concurrently)."""
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(model).values(rows).on_conflict_do_nothing() if rows else None


def ingest(
    engine: Engine,
    target: str,
    *,
    faces: str = "none",
    crop: bool = False,
    name: str | None = None,
    batch: int = BATCH,
    progress: Callable[[int, int], None] | None = None,
) -> IngestResult:
    """Add the face data set `target` to the catalogue (see the module's docstring); `faces` = none, haar or
    mediapipe keeps only images where that detector finds a face (and `crop` stores the largest face, as PNG).
    `progress(done, total)` is called after every batch."""
    if faces not in FACES:
        raise InputError(f"--faces {faces!r}: choose one of {', '.join(FACES)}")
    if crop and faces == "none":
        raise InputError("--crop needs a face detector: --faces haar or --faces mediapipe")
    ds, default_name = open_target(target)
    source_name = name or default_name
    detector = _Faces(faces) if faces != "none" else None  # before any row: a missing part leaves nothing behind
    with Session(engine) as session, session.begin():
        source = _source(session, ds, source_name)
        run = IngestRun(source_id=source.id, target=str(target), faces=faces, crop=crop,
                        started=datetime.now(timezone.utc), status="running")  # fmt: skip
        session.add(run)
        session.flush()
        run_id, source_id = run.id, source.id
        done = set(session.scalars(select(Image.origin).where(Image.source_id == source_id)))
        done |= set(session.scalars(select(Rejection.origin).where(Rejection.source_id == source_id)))
        emotion_of = dict(
            session.execute(select(SourceLabel.label, SourceLabel.emotion_id).where(SourceLabel.source_id == source_id))
            .all()
        )  # fmt: skip
    result = IngestResult(run_id, source_name, "running")
    try:
        todo = []
        for item in _items(ds):
            if item.origin in done:
                result.present += 1
            else:
                todo.append(item)
        total = len(todo)
        if progress:
            progress(0, total)
        for start in range(0, total, batch):
            chunk = todo[start : start + batch]
            images, files, rejections = [], {}, []
            for item in chunk:
                row = _process(item, detector, crop, files)
                base = {"source_id": source_id, "origin": item.origin, "source_label": item.label,
                        "emotion_id": emotion_of.get(item.label), "run_id": run_id}  # fmt: skip
                if "reason" in row:
                    rejections.append(base | row)
                else:
                    images.append(base | row | {"split": item.split})
            readable = len(images) + sum(r["reason"] == "no_face" for r in rejections)
            with Session(engine) as session, session.begin():
                for model, rows in ((ImageFile, list(files.values())), (Image, images), (Rejection, rejections)):
                    stmt = _insert(engine, model, rows)
                    if stmt is not None:
                        session.execute(stmt)
                _flag_duplicates(session, {r["pixel_sha256"] for r in images})
                session.execute(
                    update(IngestRun).where(IngestRun.id == run_id).values(
                        found=IngestRun.found + len(chunk), readable=IngestRun.readable + readable,
                        kept=IngestRun.kept + len(images), present=result.present,
                    )
                )  # fmt: skip
            result.found += len(chunk)
            result.readable += readable
            result.kept += len(images)
            if progress:
                progress(min(start + batch, total), total)
    except KeyboardInterrupt:
        _finish(engine, run_id, "interrupted")
        result.status = "interrupted"
        raise Interrupted(result) from None
    except BaseException:
        _finish(engine, run_id, "failed")
        raise
    result.status = "complete"
    _finish(engine, run_id, "complete", present=result.present)
    return result


def _process(item: _Item, detector: _Faces | None, crop: bool, files: dict[str, dict]) -> dict:
    """The image row of one item (its bytes added to `files`), or its rejection."""
    try:
        data, fmt, raw = _decoded(item)
    except (InputError, OSError) as exc:
        detail = str(exc) if isinstance(exc, InputError) else f"{item.origin}: {exc.strerror or exc}"
        return {"reason": "unreadable", "detail": detail[:500]}
    pixels, colour = _colour(raw)
    box = detector.largest(pixels) if detector else None
    if detector and box is None:
        return {"reason": "no_face", "detail": f"{detector.name} found no face"}
    if crop and box:
        x, y, w, h = box
        pixels = np.ascontiguousarray(pixels[y : y + h, x : x + w])
        data, fmt = cv2.imencode(".png", pixels)[1].tobytes(), "PNG"
        box = (0, 0, w, h)
    height, width = pixels.shape[:2]
    sha = hashlib.sha256(data).hexdigest()
    files.setdefault(sha, {"sha256": sha, "content_type": CONTENT_TYPES.get(fmt, "application/octet-stream"),
                           "size": len(data), "data": data})  # fmt: skip
    fx, fy, fw, fh = box if box else (None, None, None, None)
    return {
        "width": width, "height": height, "aspect": width / height, "format": fmt, "colour": colour,
        "file_size": len(data), "file_sha256": sha, "pixel_sha256": _pixel_hash(pixels),
        "face_x": fx, "face_y": fy, "face_w": fw, "face_h": fh,
        "detector": detector.name if detector else None, "cropped": bool(crop and box),
    }  # fmt: skip


def _flag_duplicates(session: Session, hashes: set[str]) -> None:
    """Mark every image whose pixels another image now shares (in the batch's transaction: the flag and the rows
    that make it true are committed together)."""
    if not hashes:
        return
    shared = (
        select(Image.pixel_sha256)
        .where(Image.pixel_sha256.in_(hashes))
        .group_by(Image.pixel_sha256)
        .having(func.count() > 1)
    )
    session.execute(
        update(Image).where(Image.pixel_sha256.in_(shared), Image.duplicate.is_(False)).values(duplicate=True)
    )


def _finish(engine: Engine, run_id: int, status: str, **values) -> None:
    with Session(engine) as session, session.begin():
        session.execute(
            update(IngestRun)
            .where(IngestRun.id == run_id)
            .values(status=status, finished=datetime.now(timezone.utc), **values)
        )
