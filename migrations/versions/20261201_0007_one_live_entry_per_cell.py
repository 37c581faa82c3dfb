"""one live entry per cell; initiative updates reviewed; import batches and indicator mappings

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 08:00:00

Two editors who committed the same import at once could both succeed: the duplicate check
ran in each transaction before either had written. The database now holds at most one
live entry (draft, submitted or published, not an open correction) per indicator,
geography, period and disaggregation, and at most one open correction of it, through two
partial unique indexes, whatever writes.

A store that already holds such duplicates keeps them, but not as live entries: in each
cell the published entry (else the oldest) stays, every other one is rejected with a
reason naming the entry that stays, so its author sees it on the Update page and nothing
typed is lost. Each rejection has its audit record.

Also: the milestones an initiative update marks done when published; `importbatch`, one
row per committed import that its entries point to; `indicatormapping`, a file's own
indicator codes or names as a user mapped them to tracked indicators.

On SQLite the two columns are added in place (ALTER TABLE ... ADD COLUMN), as in 0004.
"""

import json
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CELL = ("indicator_id", "geo_code", "period", "disaggregation")
LIVE_CELL_WHERE = (
    "indicator_id IS NOT NULL AND (review_state = 'published' OR "
    "(review_state IN ('draft', 'submitted') AND supersedes_id IS NULL))"
)
OPEN_CORRECTION_WHERE = (
    "indicator_id IS NOT NULL AND review_state IN ('draft', 'submitted') "
    "AND supersedes_id IS NOT NULL"
)
BATCH_FOREIGN_KEY = "fk_progressentry_import_batch_id_importbatch"


def _timestamp(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def _create_tables() -> None:
    op.create_table(
        "importbatch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("indicator_codes", sa.JSON(), nullable=True),
        sa.Column("review_state", sa.String(length=10), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        _timestamp("created_at"),
        sa.ForeignKeyConstraint(["created_by"], ["user.id"], name="fk_importbatch_created_by_user"),
        sa.PrimaryKeyConstraint("id", name="pk_importbatch"),
    )
    op.create_index("ix_importbatch_checksum", "importbatch", ["checksum"])
    op.create_index("ix_importbatch_created_at", "importbatch", ["created_at"])
    op.create_table(
        "indicatormapping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_key", sa.String(length=120), nullable=False),
        sa.Column("file_indicator", sa.String(length=300), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_by", sa.Integer(), nullable=True),
        _timestamp("updated_at"),
        sa.ForeignKeyConstraint(
            ["indicator_id"], ["indicator.id"], name="fk_indicatormapping_indicator_id_indicator"
        ),
        sa.ForeignKeyConstraint(
            ["confirmed_by"], ["user.id"], name="fk_indicatormapping_confirmed_by_user"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_indicatormapping"),
        sa.UniqueConstraint(
            "source_key", "file_indicator", name="uq_indicatormapping_source_key"
        ),
    )


def _add_columns() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE progressentry ADD COLUMN milestones_done JSON")
        op.execute(
            "ALTER TABLE progressentry ADD COLUMN import_batch_id INTEGER "
            f"CONSTRAINT {BATCH_FOREIGN_KEY} REFERENCES importbatch (id)"
        )
        return
    op.add_column("progressentry", sa.Column("milestones_done", sa.JSON(), nullable=True))
    op.add_column("progressentry", sa.Column("import_batch_id", sa.Integer(), nullable=True))
    op.create_foreign_key(
        BATCH_FOREIGN_KEY, "progressentry", "importbatch", ["import_batch_id"], ["id"]
    )


def _duplicates(where: str) -> list[tuple[int, int]]:
    """(entry, the entry that stays) for every live entry but one in each crowded cell."""
    cell = ", ".join(CELL)
    order = "CASE WHEN review_state = 'published' THEN 0 ELSE 1 END, id"
    rows = op.get_bind().execute(
        sa.text(
            f"SELECT id, keeper FROM ("
            f" SELECT id, ROW_NUMBER() OVER (PARTITION BY {cell} ORDER BY {order}) AS place,"
            f" FIRST_VALUE(id) OVER (PARTITION BY {cell} ORDER BY {order}) AS keeper"
            f" FROM progressentry WHERE {where}) AS ranked"
            f" WHERE place > 1 ORDER BY id"
        )
    )
    return [(int(entry), int(keeper)) for entry, keeper in rows]


def _reject_duplicates() -> int:
    """Reject every live entry beyond the first of its cell, each with a reason and an audit."""
    bind = op.get_bind()
    pairs = _duplicates(LIVE_CELL_WHERE) + _duplicates(OPEN_CORRECTION_WHERE)
    now = datetime.now(UTC)
    for entry_id, keeper in pairs:
        before = bind.execute(
            sa.text("SELECT review_state, review_note, version FROM progressentry WHERE id = :id"),
            {"id": entry_id},
        ).one()
        note = (
            f"Rejected when the store was upgraded: entry {keeper} holds the same indicator, "
            f"geography, period and disaggregation. If this value is the right one, correct "
            f"entry {keeper} with it."
        )
        bind.execute(
            sa.text(
                "UPDATE progressentry SET review_state = 'rejected', review_note = :note, "
                "version = version + 1, updated_at = :now WHERE id = :id"
            ),
            {"note": note, "now": now, "id": entry_id},
        )
        bind.execute(
            sa.text(
                "INSERT INTO auditrecord (at, actor, action, entity, entity_id, before, after) "
                "VALUES (:at, 'system', 'reject duplicate', 'progressentry', :entity_id, "
                ":before, :after)"
            ),
            {
                "at": now,
                "entity_id": str(entry_id),
                "before": json.dumps(
                    {"review_state": before.review_state, "version": before.version}
                ),
                "after": json.dumps(
                    {"review_state": "rejected", "review_note": note, "duplicate_of": keeper}
                ),
            },
        )
    if pairs:
        bind.execute(
            sa.text("UPDATE dataversion SET version = version + 1, changed_at = :now"),
            {"now": now},
        )
    return len(pairs)


def upgrade() -> None:
    _create_tables()
    _add_columns()
    _reject_duplicates()
    op.create_index("ix_progressentry_import_batch", "progressentry", ["import_batch_id"])
    for name, where in (
        ("uq_progressentry_live_cell", LIVE_CELL_WHERE),
        ("uq_progressentry_open_correction", OPEN_CORRECTION_WHERE),
    ):
        op.create_index(
            name,
            "progressentry",
            list(CELL),
            unique=True,
            sqlite_where=sa.text(where),
            postgresql_where=sa.text(where),
        )


def downgrade() -> None:
    op.drop_index("uq_progressentry_open_correction", table_name="progressentry")
    op.drop_index("uq_progressentry_live_cell", table_name="progressentry")
    op.drop_index("ix_progressentry_import_batch", table_name="progressentry")
    bind = op.get_bind()
    # SQLite's batch mode copies the table, which drops its triggers (the tally's, 0006):
    # they are read before and made again after.
    triggers = (
        bind.execute(
            sa.text(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'progressentry'"
            )
        ).scalars().all()
        if bind.dialect.name == "sqlite"
        else []
    )
    naming = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}
    with op.batch_alter_table("progressentry", naming_convention=naming) as batch_op:
        batch_op.drop_constraint(BATCH_FOREIGN_KEY, type_="foreignkey")
        batch_op.drop_column("import_batch_id")
        batch_op.drop_column("milestones_done")
    for statement in triggers:
        op.execute(statement)
    op.drop_table("indicatormapping")
    op.drop_index("ix_importbatch_created_at", table_name="importbatch")
    op.drop_index("ix_importbatch_checksum", table_name="importbatch")
    op.drop_table("importbatch")
