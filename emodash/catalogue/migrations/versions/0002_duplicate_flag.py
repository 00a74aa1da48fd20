"""A stored `duplicate` flag on images (kept up to date by ingest) and an index on the source's label, so that the
duplicate and emotion filters read indexes instead of grouping or scanning the whole table on every request.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("images", schema=None) as batch_op:
        batch_op.add_column(sa.Column("duplicate", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index("ix_images_duplicate", ["duplicate", "id"], unique=False)
        batch_op.create_index("ix_images_source_label", ["source_label", "id"], unique=False)
    op.execute(
        "UPDATE images SET duplicate = true WHERE pixel_sha256 IN "
        "(SELECT pixel_sha256 FROM images GROUP BY pixel_sha256 HAVING count(*) > 1)"
    )


def downgrade() -> None:
    with op.batch_alter_table("images", schema=None) as batch_op:
        batch_op.drop_index("ix_images_source_label")
        batch_op.drop_index("ix_images_duplicate")
        batch_op.drop_column("duplicate")
