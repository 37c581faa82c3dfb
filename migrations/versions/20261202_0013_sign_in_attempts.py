"""sign-in attempts and temporary passwords

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 01:00:00

One row per try at the sign-in form (the user name as typed, the client's address, the
outcome; never the password), so failed sign-ins are counted in every process and
repeated failures pause sign-in. A user whose password an admin reset must choose a new
one before anything else (`must_change_password`).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "signinattempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=120), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.Column("refused", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_signinattempt"),
    )
    op.create_index("ix_signinattempt_username_at", "signinattempt", ["username", "at"])
    op.create_index("ix_signinattempt_address_at", "signinattempt", ["address", "at"])
    # A plain column with a default: added in place on both databases. Batch mode would
    # copy `user`, which the sessions, entries and audit records point to.
    op.add_column(
        "user",
        sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_column("user", "must_change_password")  # in place (SQLite 3.35+)
    op.drop_index("ix_signinattempt_address_at", table_name="signinattempt")
    op.drop_index("ix_signinattempt_username_at", table_name="signinattempt")
    op.drop_table("signinattempt")
