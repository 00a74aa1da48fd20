"""Reading the catalogue: filtered, paginated image lists, one image and its bytes, sources, emotions, FACS, the
ingest funnel, counts and duplicates. The API and the Catalogue page both call these (the page never goes over HTTP);
every function takes an open `Session` and returns plain dicts and lists, ready for JSON."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from typing import TypeVar

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session

from emodash.catalogue.schema import (
    ActionUnit,
    Emotion,
    Image,
    ImageFile,
    IngestRun,
    Prototype,
    PrototypeUnit,
    Rejection,
    Source,
    SourceLabel,
)
from emodash.core.errors import InputError

T = TypeVar("T")
MAX_PAGE_SIZE = 500
COLOURS = ("grey", "rgb")


@dataclass(frozen=True)
class ImageFilter:
    """Which images to list; None means any. `emotion` is a canonical emotion or a source's own label."""

    source: str | None = None
    emotion: str | None = None
    split: str | None = None
    colour: str | None = None
    min_width: int | None = None
    max_width: int | None = None
    min_height: int | None = None
    max_height: int | None = None
    min_aspect: float | None = None
    max_aspect: float | None = None
    has_face: bool | None = None
    duplicate: bool | None = None

    def active(self) -> dict:
        """The filters that are set, by name."""
        return {k: v for k, v in asdict(self).items() if v is not None}


FILTERS = tuple(f.name for f in fields(ImageFilter))


@dataclass
class Page:
    items: list[dict]
    total: int
    page: int
    page_size: int
    pages: int


def _image_columns() -> Select:
    return (
        select(
            Image.id, Source.name.label("source"), Image.origin, Image.source_label, Emotion.name.label("emotion"),
            Image.split, Image.width, Image.height, Image.aspect, Image.format, Image.colour, Image.file_size,
            Image.file_sha256, Image.pixel_sha256, Image.face_x, Image.face_y, Image.face_w, Image.face_h,
            Image.detector, Image.cropped, Image.run_id,
        )
        .join(Source, Source.id == Image.source_id)
        .outerjoin(Emotion, Emotion.id == Image.emotion_id)
    )  # fmt: skip


_MEMO: dict[tuple, object] = {}
_MEMO_LOCK = threading.Lock()
_MEMO_MAX = 4096
_MISSING = object()


def _version(session: Session) -> tuple:
    """What changes whenever the catalogue's content does: its ingest runs, their progress and start times."""
    row = session.execute(
        select(func.count(IngestRun.id), func.max(IngestRun.id), func.sum(IngestRun.found),
               func.count(IngestRun.finished), func.max(IngestRun.started))
    ).one()  # fmt: skip
    return (str(session.get_bind().url), *row)


def _memo(session: Session, version: tuple, key: object, compute: Callable[[], T]) -> T:
    """`compute()` once per catalogue version and key, in this process (the API and the page ask the same counts
    and vocabularies again and again; only an ingest changes them, and it changes the version)."""
    k = (version, key)
    value = _MEMO.get(k, _MISSING)  # one lookup: another thread may clear the memo between two
    if value is not _MISSING:
        return value
    value = compute()
    with _MEMO_LOCK:
        if len(_MEMO) >= _MEMO_MAX:
            _MEMO.clear()
        _MEMO[k] = value
    return value


def vocabulary(session: Session, version: tuple | None = None) -> dict:
    """The names filters may use: sources, canonical emotions (name -> id), sources' labels (label -> the canonical
    emotions it maps onto), splits."""

    def compute() -> dict:
        labels: dict[str, set] = {}
        for label, emotion in session.execute(
            select(SourceLabel.label, Emotion.name).outerjoin(Emotion, Emotion.id == SourceLabel.emotion_id)
        ):
            labels.setdefault(label, set()).add(emotion)
        return {
            "sources": list(session.scalars(select(Source.name).order_by(Source.name))),
            "emotions": dict(session.execute(select(Emotion.name, Emotion.id)).all()),
            "labels": labels,
            "splits": list(session.scalars(select(Image.split).distinct().order_by(Image.split))),
        }

    return _memo(session, version or _version(session), "vocabulary", compute)


def check_filter(session: Session, flt: ImageFilter, vocab: dict | None = None) -> None:
    """InputError naming the known values when a filter asks for a source, emotion, split or colour that the
    catalogue has never held (an empty page would hide a typo)."""
    vocab = vocab or vocabulary(session)
    if flt.colour is not None and flt.colour not in COLOURS:
        raise InputError(f"colour {flt.colour!r}: choose grey or rgb")
    if flt.source is not None and flt.source not in vocab["sources"]:
        raise InputError(f"no source named {flt.source!r}; known: {', '.join(vocab['sources']) or 'none yet'}")
    if flt.emotion is not None and flt.emotion not in vocab["emotions"] and flt.emotion not in vocab["labels"]:
        known = ", ".join(sorted({*vocab["emotions"], *vocab["labels"]}))
        raise InputError(f"no emotion or source label {flt.emotion!r}; known: {known}")
    if flt.split is not None and flt.split not in vocab["splits"]:
        raise InputError(f"no split {flt.split!r}; known: {', '.join(vocab['splits']) or 'none yet'}")
    for low, high in (("min_width", "max_width"), ("min_height", "max_height"), ("min_aspect", "max_aspect")):
        lo, hi = getattr(flt, low), getattr(flt, high)
        if lo is not None and hi is not None and lo > hi:
            raise InputError(f"{low} ({lo}) is above {high} ({hi})")


def _emotion_clause(name: str, vocab: dict):
    """Images of a canonical emotion or with a source's label, as a condition an index answers: by canonical id when
    every label of that name maps onto that same emotion, by label when the name is no canonical emotion."""
    emotion_id = vocab["emotions"].get(name)
    mapped = vocab["labels"].get(name, set())
    if emotion_id is None:
        return Image.source_label == name
    if mapped <= {name}:  # a label of that name always means that emotion: the canonical id covers it
        return Image.emotion_id == emotion_id
    return or_(Image.emotion_id == emotion_id, Image.source_label == name)


def _where(stmt: Select, flt: ImageFilter, vocab: dict) -> Select:
    if flt.source is not None:
        stmt = stmt.where(Image.source_id == select(Source.id).where(Source.name == flt.source).scalar_subquery())
    if flt.emotion is not None:
        stmt = stmt.where(_emotion_clause(flt.emotion, vocab))
    if flt.split is not None:
        stmt = stmt.where(Image.split == flt.split)
    if flt.colour is not None:
        stmt = stmt.where(Image.colour == flt.colour)
    for value, column, op in (
        (flt.min_width, Image.width, "ge"), (flt.max_width, Image.width, "le"),
        (flt.min_height, Image.height, "ge"), (flt.max_height, Image.height, "le"),
        (flt.min_aspect, Image.aspect, "ge"), (flt.max_aspect, Image.aspect, "le"),
    ):  # fmt: skip
        if value is not None:
            stmt = stmt.where(column >= value if op == "ge" else column <= value)
    if flt.has_face is not None:
        stmt = stmt.where(Image.face_w.is_not(None) if flt.has_face else Image.face_w.is_(None))
    if flt.duplicate is not None:
        stmt = stmt.where(Image.duplicate.is_(flt.duplicate))
    return stmt


def _image_dict(row, copies: int) -> dict:
    r = row._mapping
    face = [r["face_x"], r["face_y"], r["face_w"], r["face_h"]] if r["face_w"] is not None else None
    return {
        "id": r["id"], "source": r["source"], "origin": r["origin"], "source_label": r["source_label"],
        "emotion": r["emotion"], "split": r["split"], "width": r["width"], "height": r["height"],
        "aspect": round(r["aspect"], 4), "format": r["format"], "colour": r["colour"], "file_size": r["file_size"],
        "sha256": r["file_sha256"], "pixel_sha256": r["pixel_sha256"], "face": face, "detector": r["detector"],
        "cropped": r["cropped"], "duplicates": copies - 1, "run": r["run_id"],
    }  # fmt: skip


def _with_copies(session: Session, rows: list) -> list[dict]:
    hashes = {r.pixel_sha256 for r in rows}
    copies = dict(
        session.execute(
            select(Image.pixel_sha256, func.count()).where(Image.pixel_sha256.in_(hashes)).group_by(Image.pixel_sha256)
        ).all()
    ) if hashes else {}  # fmt: skip
    return [_image_dict(r, copies.get(r.pixel_sha256, 1)) for r in rows]


def list_images(session: Session, flt: ImageFilter = ImageFilter(), page: int = 1, page_size: int = 50) -> Page:
    """One page of the images that pass `flt`, in a stable order (by id), with the total and the number of pages;
    a page past the end is empty. `duplicates` on each image counts the other images with the same pixels."""
    if page < 1:
        raise InputError(f"page must be 1 or more (got {page})")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InputError(f"page_size must be between 1 and {MAX_PAGE_SIZE} (got {page_size})")
    version = _version(session)
    vocab = vocabulary(session, version)
    check_filter(session, flt, vocab)
    count = _where(select(func.count()).select_from(Image), flt, vocab)
    total = _memo(session, version, ("total", flt), lambda: session.scalar(count) or 0)
    rows = session.execute(
        _where(_image_columns(), flt, vocab).order_by(Image.id).offset((page - 1) * page_size).limit(page_size)
    ).all()
    return Page(_with_copies(session, rows), total, page, page_size, math.ceil(total / page_size))


def get_image(session: Session, image_id: int) -> dict | None:
    """One image's metadata, or None."""
    row = session.execute(_image_columns().where(Image.id == image_id)).first()
    return _with_copies(session, [row])[0] if row else None


def image_file(session: Session, image_id: int) -> tuple[bytes, str, str] | None:
    """(bytes, content type, SHA-256) of an image's stored file, or None."""
    row = session.execute(
        select(ImageFile.data, ImageFile.content_type, ImageFile.sha256)
        .join(Image, Image.file_sha256 == ImageFile.sha256)
        .where(Image.id == image_id)
    ).first()
    return (bytes(row.data), row.content_type, row.sha256) if row else None


def list_sources(session: Session) -> list[dict]:
    """Every source with its format, location, image and rejection counts and its labels' mapping."""
    images = dict(session.execute(select(Image.source_id, func.count()).group_by(Image.source_id)).all())
    rejected = dict(session.execute(select(Rejection.source_id, func.count()).group_by(Rejection.source_id)).all())
    labels: dict[int, dict] = {}
    for sid, label, emotion in session.execute(
        select(SourceLabel.source_id, SourceLabel.label, Emotion.name)
        .outerjoin(Emotion, Emotion.id == SourceLabel.emotion_id)
        .order_by(SourceLabel.label)
    ):
        labels.setdefault(sid, {})[label] = emotion
    return [
        {"name": s.name, "format": s.format, "location": s.location, "label_set": s.label_set,
         "synthetic": s.synthetic, "images": images.get(s.id, 0), "rejected": rejected.get(s.id, 0),
         "labels": labels.get(s.id, {})}
        for s in session.scalars(select(Source).order_by(Source.name))
    ]  # fmt: skip


def list_emotions(session: Session) -> list[dict]:
    """The canonical emotions with their valence/arousal, image counts, and the source labels mapped onto each."""
    counts = dict(session.execute(select(Image.emotion_id, func.count()).group_by(Image.emotion_id)).all())
    labels: dict[int, list] = {}
    for eid, source, label in session.execute(
        select(SourceLabel.emotion_id, Source.name, SourceLabel.label)
        .join(Source, Source.id == SourceLabel.source_id)
        .order_by(Source.name, SourceLabel.label)
    ):
        labels.setdefault(eid, []).append({"source": source, "label": label})
    return [
        {"name": e.name, "valence": e.valence, "arousal": e.arousal, "images": counts.get(e.id, 0),
         "source_labels": labels.get(e.id, [])}
        for e in session.scalars(select(Emotion).order_by(Emotion.id))
    ]  # fmt: skip


def facs_units(session: Session) -> list[dict]:
    """Every action unit: number, name, muscles, and the prototypes it belongs to."""
    member: dict[int, list[str]] = {}
    for au, name in session.execute(
        select(PrototypeUnit.au, Prototype.name).join(Prototype).order_by(Prototype.name)
    ):  # fmt: skip
        member.setdefault(au, []).append(name)
    return [
        {"au": u.number, "name": u.name, "muscles": u.muscles, "prototypes": member.get(u.number, [])}
        for u in session.scalars(select(ActionUnit).order_by(ActionUnit.number))
    ]


def prototypes(session: Session) -> list[str]:
    """The names of the FACS emotion prototypes."""
    return list(session.scalars(select(Prototype.name).order_by(Prototype.id)))


def facs_emotion(session: Session, emotion: str, examples: int = 8) -> dict | None:
    """An emotion's FACS prototype (by prototype or canonical name): its units with their muscles, the canonical
    emotion, and up to `examples` catalogue images of it (with a face found, if any were); None if unknown."""
    if emotion not in prototypes(session) and emotion not in set(session.scalars(select(Emotion.name))):
        return None  # checked here, not in SQL: an arbitrary name never reaches the database
    proto = session.execute(
        select(Prototype, Emotion.name)
        .outerjoin(Emotion, Emotion.id == Prototype.emotion_id)
        .where(or_(Prototype.name == emotion, Emotion.name == emotion))
    ).first()
    if proto is None:
        return None
    p, canonical = proto
    units = session.execute(
        select(ActionUnit.number, ActionUnit.name, ActionUnit.muscles, PrototypeUnit.note)
        .join(PrototypeUnit, PrototypeUnit.au == ActionUnit.number)
        .where(PrototypeUnit.prototype_id == p.id)
        .order_by(ActionUnit.number)
    ).all()
    rows = []
    if p.emotion_id is not None:
        rows = session.execute(
            _image_columns()
            .where(Image.emotion_id == p.emotion_id)
            .order_by(case((Image.face_w.is_not(None), 0), else_=1), Image.id)
            .limit(max(0, min(examples, 50)))
        ).all()
    return {
        "prototype": p.name,
        "emotion": canonical,
        "combination": " + ".join(_code(u.number, u.note) for u in units),
        "units": [{"au": u.number, "name": u.name, "muscles": u.muscles, "note": u.note} for u in units],
        "reference": p.reference,
        "examples": _with_copies(session, rows),
    }


def _code(au: int, note: str) -> str:
    """FACS notation of one unit: side prefix (R/L), number, intensity letter (A-E), e.g. 'R12A' or '5B'."""
    parts = [p.strip() for p in note.split(",") if p.strip()]
    side = "".join(p for p in parts if p in ("R", "L"))
    return f"{side}{au}{''.join(p for p in parts if p in 'ABCDE')}"


def counts(session: Session) -> list[dict]:
    """Images per source and canonical emotion (None for labels without one)."""
    rows = session.execute(
        select(Source.name, Emotion.name, func.count())
        .select_from(Image)
        .join(Source, Source.id == Image.source_id)
        .outerjoin(Emotion, Emotion.id == Image.emotion_id)
        .group_by(Source.name, Emotion.name)
        .order_by(Source.name, Emotion.name)
    ).all()
    return [{"source": s, "emotion": e, "images": n} for s, e, n in rows]


def funnel(session: Session) -> list[dict]:
    """The ingest funnel per source and source label: found -> readable -> kept (a face found, where a detector ran),
    with the canonical emotion of the label."""
    out: dict[tuple[str, str], dict] = {}

    def row(source: str, label: str, emotion: str | None) -> dict:
        return out.setdefault(
            (source, label),
            {"source": source, "label": label, "emotion": emotion, "found": 0, "readable": 0, "kept": 0},
        )

    kept = session.execute(
        select(Source.name, Image.source_label, Emotion.name, func.count())
        .select_from(Image).join(Source, Source.id == Image.source_id)
        .outerjoin(Emotion, Emotion.id == Image.emotion_id)
        .group_by(Source.name, Image.source_label, Emotion.name)
    ).all()  # fmt: skip
    for source, label, emotion, n in kept:
        r = row(source, label, emotion)
        r["found"] += n
        r["readable"] += n
        r["kept"] += n
    lost = session.execute(
        select(Source.name, Rejection.source_label, Emotion.name, Rejection.reason, func.count())
        .select_from(Rejection).join(Source, Source.id == Rejection.source_id)
        .outerjoin(Emotion, Emotion.id == Rejection.emotion_id)
        .group_by(Source.name, Rejection.source_label, Emotion.name, Rejection.reason)
    ).all()  # fmt: skip
    for source, label, emotion, reason, n in lost:
        r = row(source, label, emotion)
        r["found"] += n
        r["readable"] += n if reason == "no_face" else 0
    return sorted(out.values(), key=lambda r: (r["source"], r["label"]))


def duplicates(session: Session) -> dict:
    """Pixel-identical groups: how many, how many images they hold, and the troublesome ones (groups that span
    sources, carry more than one canonical emotion, or sit in more than one split)."""
    groups = session.execute(
        select(
            Image.pixel_sha256, func.count(), func.count(func.distinct(Image.source_id)),
            func.count(func.distinct(func.coalesce(Image.emotion_id, -1))), func.count(func.distinct(Image.split)),
        ).group_by(Image.pixel_sha256).having(func.count() > 1)
    ).all()  # fmt: skip
    return {
        "groups": len(groups),
        "images": sum(g[1] for g in groups),
        "across_sources": sum(g[2] > 1 for g in groups),
        "label_conflicts": sum(g[3] > 1 for g in groups),
        "across_splits": sum(g[4] > 1 for g in groups),
    }


def runs(session: Session) -> list[dict]:
    """Every ingest run, newest first: source, target, options, status, counts per stage, start and end."""
    rows = session.execute(select(IngestRun, Source.name).join(Source).order_by(IngestRun.id.desc())).all()
    return [
        {"run": r.id, "source": name, "target": r.target, "faces": r.faces, "crop": r.crop, "status": r.status,
         "found": r.found, "readable": r.readable, "kept": r.kept, "present": r.present,
         "started": r.started.isoformat(timespec="seconds"),
         "finished": r.finished.isoformat(timespec="seconds") if r.finished else None}
        for r, name in rows
    ]  # fmt: skip


def stats(session: Session) -> dict:
    """Everything `emodash catalogue stats` prints: totals, the funnel, counts, duplicates and runs."""
    return _memo(session, _version(session), "stats", lambda: _stats(session))


def _stats(session: Session) -> dict:
    return {
        "images": session.scalar(select(func.count()).select_from(Image)) or 0,
        "files": session.scalar(select(func.count()).select_from(ImageFile)) or 0,
        "bytes": session.scalar(select(func.coalesce(func.sum(ImageFile.size), 0))) or 0,
        "sources": list_sources(session),
        "funnel": funnel(session),
        "counts": counts(session),
        "duplicates": duplicates(session),
        "runs": runs(session),
    }
