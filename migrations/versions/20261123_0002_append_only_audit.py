"""audit records are append-only, enforced by the database

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 02:40:00

A trigger refuses UPDATE and DELETE on auditrecord, so no code path (nor a hand-typed SQL
statement through the app's connection) can rewrite history.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MESSAGE = "audit records are append-only"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER auditrecord_no_{event.lower()} BEFORE {event} ON auditrecord "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )
        return
    op.execute(
        "CREATE FUNCTION auditrecord_append_only() RETURNS trigger AS $$ "
        f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql"
    )
    op.execute(
        "CREATE TRIGGER auditrecord_append_only BEFORE UPDATE OR DELETE ON auditrecord "
        "FOR EACH ROW EXECUTE FUNCTION auditrecord_append_only()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER auditrecord_no_update")
        op.execute("DROP TRIGGER auditrecord_no_delete")
        return
    op.execute("DROP TRIGGER auditrecord_append_only ON auditrecord")
    op.execute("DROP FUNCTION auditrecord_append_only()")
