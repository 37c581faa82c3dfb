"""index for the newest published period

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 07:00:00

Overview's "Data as of" is the period of the newest published value
(`views.overview.newest_period`: ORDER BY period_end DESC, id DESC LIMIT 1). Without an
index on period_end, SQLite read every entry and sorted them: 5.0 s on the large
benchmark store (975,801 published entries of 1,001,685), the whole of Overview's cold
run (5.1 s). With this partial index it reads one: 2 ms. Partial (published only) so that
SQLite, without planner statistics, cannot take it for other reads, as 0005 explains.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "ix_progressentry_published_period"
PUBLISHED = sa.text("review_state = 'published'")


def upgrade() -> None:
    op.create_index(
        NAME,
        "progressentry",
        ["period_end", "id"],
        unique=False,
        sqlite_where=PUBLISHED,
        postgresql_where=PUBLISHED,
    )


def downgrade() -> None:
    op.drop_index(NAME, table_name="progressentry")
