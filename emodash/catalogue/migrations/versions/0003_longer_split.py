"""Split names up to 200 characters: a folder-per-class source names its split after its folder, and PostgreSQL
refused folder names over 40 characters.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("images", schema=None) as batch_op:
        batch_op.alter_column("split", existing_type=sa.String(length=40), type_=sa.String(length=200))


def downgrade() -> None:
    with op.batch_alter_table("images", schema=None) as batch_op:
        batch_op.alter_column("split", existing_type=sa.String(length=200), type_=sa.String(length=40))
