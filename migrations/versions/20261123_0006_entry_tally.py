"""entry counts per geography and review state, kept by triggers

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 06:00:00

Overview's headline counted every published entry on each cold run: 0.2 s on SQLite and
up to 1 s on PostgreSQL at a million entries, growing with the store. `entrytally` holds
the count per (geography, review state, demo) and triggers keep it in the writing
transaction, whatever writes (the app, the importer, a hand-typed statement):

- SQLite: row triggers, an upsert per inserted, moved or deleted entry (one writer at a
  time, so no waiting);
- PostgreSQL: statement triggers with transition tables, one upsert per group of rows a
  statement touches, in a fixed order; an update that changes none of the three columns
  touches no tally row, so edits of values and narratives never wait on each other.

The triggers are created before the counts are filled in, in one transaction: on
PostgreSQL creating them locks out writers until the counts are in place.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = "geo_code, review_state, is_demo"
SQLITE_ADD = (
    "INSERT INTO entrytally (geo_code, review_state, is_demo, entries) "
    "VALUES (NEW.geo_code, NEW.review_state, NEW.is_demo, 1) "
    f"ON CONFLICT ({KEY}) DO UPDATE SET entries = entries + 1;"
)
SQLITE_REMOVE = (
    "UPDATE entrytally SET entries = entries - 1 WHERE geo_code = OLD.geo_code "
    "AND review_state = OLD.review_state AND is_demo = OLD.is_demo;"
)
SQLITE_MOVED = (
    "OLD.geo_code IS NOT NEW.geo_code OR OLD.review_state IS NOT NEW.review_state "
    "OR OLD.is_demo IS NOT NEW.is_demo"
)
POSTGRESQL_FUNCTION = f"""
CREATE FUNCTION progressentry_tally() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO entrytally ({KEY}, entries)
        SELECT {KEY}, count(*) FROM new_rows GROUP BY {KEY} ORDER BY {KEY}
        ON CONFLICT ({KEY}) DO UPDATE SET entries = entrytally.entries + EXCLUDED.entries;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO entrytally ({KEY}, entries)
        SELECT {KEY}, -count(*) FROM old_rows GROUP BY {KEY} ORDER BY {KEY}
        ON CONFLICT ({KEY}) DO UPDATE SET entries = entrytally.entries + EXCLUDED.entries;
    ELSE
        INSERT INTO entrytally ({KEY}, entries)
        SELECT {KEY}, sum(change) FROM (
            SELECT {KEY}, -1 AS change FROM old_rows
            UNION ALL
            SELECT {KEY}, 1 FROM new_rows
        ) AS moved
        GROUP BY {KEY} HAVING sum(change) <> 0 ORDER BY {KEY}
        ON CONFLICT ({KEY}) DO UPDATE SET entries = entrytally.entries + EXCLUDED.entries;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""
POSTGRESQL_TRIGGERS = {
    "INSERT": "REFERENCING NEW TABLE AS new_rows",
    "UPDATE": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "DELETE": "REFERENCING OLD TABLE AS old_rows",
}


def upgrade() -> None:
    op.create_table(
        "entrytally",
        sa.Column("geo_code", sa.String(length=3), nullable=False),
        sa.Column("review_state", sa.String(length=10), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("geo_code", "review_state", "is_demo"),
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE TRIGGER progressentry_tally_insert AFTER INSERT ON progressentry "
            f"BEGIN {SQLITE_ADD} END"
        )
        op.execute(
            "CREATE TRIGGER progressentry_tally_delete AFTER DELETE ON progressentry "
            f"BEGIN {SQLITE_REMOVE} END"
        )
        op.execute(
            "CREATE TRIGGER progressentry_tally_update "
            "AFTER UPDATE OF geo_code, review_state, is_demo ON progressentry "
            f"WHEN {SQLITE_MOVED} BEGIN {SQLITE_REMOVE} {SQLITE_ADD} END"
        )
    else:
        op.execute(POSTGRESQL_FUNCTION)
        for event, transition in POSTGRESQL_TRIGGERS.items():
            op.execute(
                f"CREATE TRIGGER progressentry_tally_{event.lower()} AFTER {event} "
                f"ON progressentry {transition} "
                "FOR EACH STATEMENT EXECUTE FUNCTION progressentry_tally()"
            )
    op.execute(
        f"INSERT INTO entrytally ({KEY}, entries) "
        f"SELECT {KEY}, count(*) FROM progressentry GROUP BY {KEY}"
    )


def downgrade() -> None:
    for event in ("insert", "update", "delete"):
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f"DROP TRIGGER progressentry_tally_{event}")
        else:
            op.execute(f"DROP TRIGGER progressentry_tally_{event} ON progressentry")
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP FUNCTION progressentry_tally()")
    op.drop_table("entrytally")
