"""Jobs have a kind (analysis or training); classifiers trained through the API are stored.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    with op.batch_alter_table("analyses") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(16), nullable=False, server_default="analysis")
        )
    op.create_table(
        "models",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("project_id", sa.String(32), sa.ForeignKey("projects.id"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("job_id", sa.String(32), sa.ForeignKey("analyses.id"), nullable=False),
        sa.Column("examples_id", sa.String(32), sa.ForeignKey("documents.id"), nullable=False),
        sa.Column("codebook", sa.String(64), nullable=False),
        sa.Column("card", sa.JSON(), nullable=True),
        sa.Column("weights", sa.LargeBinary(), nullable=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_models_project_id", "models", ["project_id"])


def downgrade() -> None:
    op.drop_table("models")
    with op.batch_alter_table("analyses") as batch:
        batch.drop_column("kind")
