"""The catalogue's first schema: sources, emotions, images and their bytes, rejections, ingest runs, FACS tables.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "action_units",
        sa.Column("number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("muscles", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("number"),
    )
    op.create_table(
        "emotions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("valence", sa.Float(), nullable=False),
        sa.Column("arousal", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "image_files",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("format", sa.String(length=100), nullable=False),
        sa.Column("location", sa.String(length=2000), nullable=False),
        sa.Column("label_set", sa.String(length=100), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "ingest_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=2000), nullable=False),
        sa.Column("faces", sa.String(length=20), nullable=False),
        sa.Column("crop", sa.Boolean(), nullable=False),
        sa.Column("started", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("found", sa.Integer(), nullable=False),
        sa.Column("readable", sa.Integer(), nullable=False),
        sa.Column("kept", sa.Integer(), nullable=False),
        sa.Column("present", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ingest_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ingest_runs_source_id"), ["source_id"], unique=False)

    op.create_table(
        "prototypes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("emotion_id", sa.Integer(), nullable=True),
        sa.Column("reference", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["emotion_id"],
            ["emotions.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "source_labels",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("emotion_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["emotion_id"],
            ["emotions.id"],
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
        ),
        sa.PrimaryKeyConstraint("source_id", "label"),
    )
    op.create_table(
        "images",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=1000), nullable=False),
        sa.Column("source_label", sa.String(length=100), nullable=False),
        sa.Column("emotion_id", sa.Integer(), nullable=True),
        sa.Column("split", sa.String(length=40), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("aspect", sa.Float(), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("colour", sa.String(length=4), nullable=False),
        sa.Column("file_size", sa.Integer(), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("pixel_sha256", sa.String(length=64), nullable=False),
        sa.Column("face_x", sa.Integer(), nullable=True),
        sa.Column("face_y", sa.Integer(), nullable=True),
        sa.Column("face_w", sa.Integer(), nullable=True),
        sa.Column("face_h", sa.Integer(), nullable=True),
        sa.Column("detector", sa.String(length=20), nullable=True),
        sa.Column("cropped", sa.Boolean(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["emotion_id"],
            ["emotions.id"],
        ),
        sa.ForeignKeyConstraint(
            ["file_sha256"],
            ["image_files.sha256"],
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["ingest_runs.id"],
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_id", "origin", name="uq_images_source_origin"),
    )
    with op.batch_alter_table("images", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_images_colour"), ["colour"], unique=False)
        batch_op.create_index("ix_images_emotion_id", ["emotion_id", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_images_file_sha256"), ["file_sha256"], unique=False)
        batch_op.create_index(batch_op.f("ix_images_pixel_sha256"), ["pixel_sha256"], unique=False)
        batch_op.create_index(batch_op.f("ix_images_run_id"), ["run_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_images_split"), ["split"], unique=False)

    op.create_table(
        "prototype_units",
        sa.Column("prototype_id", sa.Integer(), nullable=False),
        sa.Column("au", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["au"],
            ["action_units.number"],
        ),
        sa.ForeignKeyConstraint(
            ["prototype_id"],
            ["prototypes.id"],
        ),
        sa.PrimaryKeyConstraint("prototype_id", "au"),
    )
    op.create_table(
        "rejections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=1000), nullable=False),
        sa.Column("source_label", sa.String(length=100), nullable=False),
        sa.Column("emotion_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.String(length=500), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["emotion_id"],
            ["emotions.id"],
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["ingest_runs.id"],
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_id", "origin", name="uq_rejections_source_origin"),
    )
    with op.batch_alter_table("rejections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rejections_run_id"), ["run_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("rejections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rejections_run_id"))

    op.drop_table("rejections")
    op.drop_table("prototype_units")
    with op.batch_alter_table("images", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_images_split"))
        batch_op.drop_index(batch_op.f("ix_images_run_id"))
        batch_op.drop_index(batch_op.f("ix_images_pixel_sha256"))
        batch_op.drop_index(batch_op.f("ix_images_file_sha256"))
        batch_op.drop_index("ix_images_emotion_id")
        batch_op.drop_index(batch_op.f("ix_images_colour"))

    op.drop_table("images")
    op.drop_table("source_labels")
    op.drop_table("prototypes")
    with op.batch_alter_table("ingest_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ingest_runs_source_id"))

    op.drop_table("ingest_runs")
    op.drop_table("sources")
    op.drop_table("image_files")
    op.drop_table("emotions")
    op.drop_table("action_units")
