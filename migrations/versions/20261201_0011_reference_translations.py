"""reference translations: objectives, regions, indicators and initiatives in six languages

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 21:30:00

One row per field, row and language, with the English it translates (`source_text`), so a
translation stops applying, and says so in Admin, when the English it was made from changes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "referencetranslation",
        sa.Column("subject", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("field", sa.String(length=20), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source_text", sa.Text(), nullable=False),
        sa.Column("basis", sa.String(length=12), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint(
            "subject", "key", "field", "language", name="pk_referencetranslation"
        ),
    )


def downgrade() -> None:
    op.drop_table("referencetranslation")
