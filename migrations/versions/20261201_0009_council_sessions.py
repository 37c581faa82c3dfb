"""council sessions: the ITU Council sessions "What changed" counts from

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 12:00:00

One row per session a document states (name, first and last day, place, the document):
the What changed page and slide start from the latest session that began before today.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "councilsession",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_councilsession"),
        sa.UniqueConstraint("name", name="uq_councilsession_name"),
    )


def downgrade() -> None:
    op.drop_table("councilsession")
