"""The catalogue's tables (SQLAlchemy 2 typed ORM); Alembic's migrations in `migrations/` create them.

Image bytes live in their own table, `image_files`, keyed by the SHA-256 of the bytes (content-addressed blobs in the
database, not a folder beside it: README "Image catalogue" has the measurement and the reasons), so that listing
and filtering images never reads a blob, and the same bytes are stored once however many sources hold them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Index, LargeBinary, String, UniqueConstraint, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Emotion(Base):
    """The canonical taxonomy (emodash.core.taxonomy.CANONICAL) with its valence/arousal point."""

    __tablename__ = "emotions"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    valence: Mapped[float] = mapped_column(Float)
    arousal: Mapped[float] = mapped_column(Float)


class Source(Base):
    """One data set images came from (a registered name or a folder/file's name), how it was read and where."""

    __tablename__ = "sources"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    format: Mapped[str] = mapped_column(String(100))
    location: Mapped[str] = mapped_column(String(2000))
    label_set: Mapped[str] = mapped_column(String(100))
    synthetic: Mapped[bool] = mapped_column(default=False)


class SourceLabel(Base):
    """A source's own label and the canonical emotion it maps onto (none where the taxonomy has no match)."""

    __tablename__ = "source_labels"
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), primary_key=True)
    label: Mapped[str] = mapped_column(String(100), primary_key=True)
    emotion_id: Mapped[int | None] = mapped_column(ForeignKey("emotions.id"))


class IngestRun(Base):
    """One `emodash catalogue add`: what it read, with which options, how far it got and its counts per stage."""

    __tablename__ = "ingest_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    target: Mapped[str] = mapped_column(String(2000))
    faces: Mapped[str] = mapped_column(String(20))
    crop: Mapped[bool] = mapped_column(default=False)
    started: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20))  # running, complete, interrupted, failed
    found: Mapped[int] = mapped_column(default=0)
    readable: Mapped[int] = mapped_column(default=0)
    kept: Mapped[int] = mapped_column(default=0)
    present: Mapped[int] = mapped_column(default=0)  # already in the catalogue from an earlier run


class ImageFile(Base):
    """Encoded image bytes, stored once per content (SHA-256 of the bytes)."""

    __tablename__ = "image_files"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Image(Base):
    """One image of one source: labels, geometry, colour, file facts, hashes, and the face a detector found."""

    __tablename__ = "images"
    __table_args__ = (
        UniqueConstraint("source_id", "origin", name="uq_images_source_origin"),
        Index("ix_images_emotion_id", "emotion_id", "id"),
        Index("ix_images_source_label", "source_label", "id"),
        Index("ix_images_duplicate", "duplicate", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    origin: Mapped[str] = mapped_column(String(1000))  # where in the source: a relative path, or "row N" of a CSV
    source_label: Mapped[str] = mapped_column(String(100))
    emotion_id: Mapped[int | None] = mapped_column(ForeignKey("emotions.id"))
    split: Mapped[str] = mapped_column(String(200), index=True)  # a folder name, as a source names its split
    width: Mapped[int]
    height: Mapped[int]
    aspect: Mapped[float] = mapped_column(Float)  # width / height
    format: Mapped[str] = mapped_column(String(10))  # as the stored file's header names it: JPEG, PNG, ...
    colour: Mapped[str] = mapped_column(String(4), index=True)  # grey or rgb, from the pixels
    file_size: Mapped[int]
    file_sha256: Mapped[str] = mapped_column(ForeignKey("image_files.sha256"), index=True)
    pixel_sha256: Mapped[str] = mapped_column(String(64), index=True)  # decoded pixels: finds re-encoded duplicates
    duplicate: Mapped[bool] = mapped_column(default=False, server_default=false())  # another image has its pixels
    face_x: Mapped[int | None]
    face_y: Mapped[int | None]
    face_w: Mapped[int | None]
    face_h: Mapped[int | None]
    detector: Mapped[str | None] = mapped_column(String(20))  # None: no detector was run
    cropped: Mapped[bool] = mapped_column(default=False)  # the stored file is the face crop, not the whole image
    run_id: Mapped[int] = mapped_column(ForeignKey("ingest_runs.id"), index=True)


class Rejection(Base):
    """An item of a source that was not kept, and why (unreadable, no face): the funnel's lost counts."""

    __tablename__ = "rejections"
    __table_args__ = (UniqueConstraint("source_id", "origin", name="uq_rejections_source_origin"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    origin: Mapped[str] = mapped_column(String(1000))
    source_label: Mapped[str] = mapped_column(String(100))
    emotion_id: Mapped[int | None] = mapped_column(ForeignKey("emotions.id"))
    reason: Mapped[str] = mapped_column(String(20))  # unreadable, no_face
    detail: Mapped[str] = mapped_column(String(500))
    run_id: Mapped[int] = mapped_column(ForeignKey("ingest_runs.id"), index=True)


class ActionUnit(Base):
    """A FACS action unit: number, name and the facial muscles behind it."""

    __tablename__ = "action_units"
    number: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(100))
    muscles: Mapped[str] = mapped_column(String(300))


class Prototype(Base):
    """An emotion prototype (Ekman & Friesen's EMFACS), e.g. happiness = AU6 + AU12; linked to a canonical emotion
    where the taxonomy has one (contempt has none)."""

    __tablename__ = "prototypes"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    emotion_id: Mapped[int | None] = mapped_column(ForeignKey("emotions.id"))
    reference: Mapped[str] = mapped_column(String(300))


class PrototypeUnit(Base):
    """The link table: which action units a prototype combines (the seed's exploded table)."""

    __tablename__ = "prototype_units"
    prototype_id: Mapped[int] = mapped_column(ForeignKey("prototypes.id"), primary_key=True)
    au: Mapped[int] = mapped_column(ForeignKey("action_units.number"), primary_key=True)
    note: Mapped[str] = mapped_column(String(40), default="")  # intensity or side, e.g. "B" or "right side"
