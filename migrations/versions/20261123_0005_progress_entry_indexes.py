"""indexes on progress entries for the large store

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 04:00:00

Measured with bench/ on a store of a million progress entries (bench/PERFORMANCE.md):

- created_at: "What changed" counts the entries published since a date.
- indicator_id, review_state, updated_at: the newest published entry per indicator (the
  objective cards' "last update"), read from the index alone.
- initiative_id, review_state, updated_at: the same per initiative (Overview, the
  Initiatives table and its facts).
- author_id, updated_at: an editor's own entries on the Update page, newest first.
- geo_code, review_state, disaggregation, indicator_id, year, is_demo, updated_at: the
  yearly values of the world and the regions (Overview, Objectives, Regional panels), and
  the headline counts of published entries, read from the index instead of the table.
- updated_at, id where review_state = 'submitted' (partial): the review queue, oldest
  first. A full index led by review_state would do too, but without planner statistics
  (the app never runs ANALYZE) SQLite would also pick it for "published" reads, which
  match nearly every row; the partial index cannot be misused that way. With 30 entries
  waiting among a million the queue took 2 s without it.
- supersedes_id: the foreign key's child side. Without it every deleted entry costs a full
  scan of the table (both databases check that no correction still points at it): deleting
  10,000 entries of a million took over ten minutes on SQLite.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES: dict[str, list[str]] = {
    "ix_progressentry_created_at": ["created_at"],
    "ix_progressentry_indicator_updated": ["indicator_id", "review_state", "updated_at"],
    "ix_progressentry_initiative_updated": ["initiative_id", "review_state", "updated_at"],
    "ix_progressentry_author": ["author_id", "updated_at"],
    "ix_progressentry_geo": [
        "geo_code",
        "review_state",
        "disaggregation",
        "indicator_id",
        "year",
        "is_demo",
        "updated_at",
    ],
    "ix_progressentry_supersedes": ["supersedes_id"],
}


SUBMITTED = sa.text("review_state = 'submitted'")


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, "progressentry", columns, unique=False)
    op.create_index(
        "ix_progressentry_submitted",
        "progressentry",
        ["updated_at", "id"],
        unique=False,
        sqlite_where=SUBMITTED,
        postgresql_where=SUBMITTED,
    )


def downgrade() -> None:
    op.drop_index("ix_progressentry_submitted", table_name="progressentry")
    for name in reversed(INDEXES):
        op.drop_index(name, table_name="progressentry")
