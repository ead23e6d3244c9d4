"""Documents keep their upload order (``position``) and per-document metadata (``meta``).

Existing documents are numbered in upload order (``created``) within their project.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("position", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("meta", sa.JSON(), nullable=True))
    op.execute(
        """
        UPDATE documents SET position = (
            SELECT COUNT(*) FROM documents AS earlier
            WHERE earlier.project_id = documents.project_id
              AND (earlier.created < documents.created
                   OR (earlier.created = documents.created AND earlier.id <= documents.id))
        )
        """
    )
    with op.batch_alter_table("documents") as batch:
        batch.alter_column("position", existing_type=sa.Integer(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("meta")
        batch.drop_column("position")
