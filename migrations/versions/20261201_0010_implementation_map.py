"""implementation map: the GDC's commitments, the frameworks they cross, reporting cycles

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 15:00:00

- `frameworkitem`: a GDC commitment paragraph or lettered action, a WSIS action line, an
  SDG or target, a Kigali Action Plan priority, a 2030 connectivity target;
- `initiativeframeworklink`: an initiative serves an item, with the link's basis;
- `reportingcycle`: the cycles updates are due in, tied to Council sessions;
- `initiative.focal_point`: who answers for an initiative's updates (None: not stated);
- deck slides of the old initiative x objective matrix, kind "implementation_map", become
  "objective_matrix": "Implementation Map" now means the GDC's.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "frameworkitem",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("framework", sa.String(length=10), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("parent_code", sa.String(length=40), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("objective_number", sa.Integer(), nullable=True),
        sa.Column("topic", sa.String(length=200), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=True),
        sa.Column("cycle", sa.String(length=20), nullable=True),
        sa.Column("sdgs", sa.JSON(), nullable=True),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("checked_against", sa.String(length=1000), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["objective_number"],
            ["objective.number"],
            name="fk_frameworkitem_objective_number_objective",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_frameworkitem"),
        sa.UniqueConstraint("framework", "code", name="uq_frameworkitem_framework"),
    )
    op.create_index("ix_frameworkitem_framework", "frameworkitem", ["framework"])
    op.create_table(
        "initiativeframeworklink",
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("basis", sa.String(length=12), nullable=False),
        sa.Column("section", sa.String(length=120), nullable=True),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiative.id"],
            name="fk_initiativeframeworklink_initiative_id_initiative",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["frameworkitem.id"],
            name="fk_initiativeframeworklink_item_id_frameworkitem",
        ),
        sa.PrimaryKeyConstraint("initiative_id", "item_id", name="pk_initiativeframeworklink"),
    )
    op.create_index("ix_initiativeframeworklink_item_id", "initiativeframeworklink", ["item_id"])
    op.create_table(
        "reportingcycle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("council_session", sa.String(length=120), nullable=True),
        sa.Column("basis", sa.String(length=12), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reportingcycle"),
        sa.UniqueConstraint("name", name="uq_reportingcycle_name"),
    )
    # A plain nullable column: added in place on both databases, no table copy.
    op.add_column("initiative", sa.Column("focal_point", sa.String(length=200), nullable=True))
    op.execute("UPDATE deckslide SET kind = 'objective_matrix' WHERE kind = 'implementation_map'")


def downgrade() -> None:
    op.execute(
        "DELETE FROM deckslide WHERE kind IN ('implementation_map', 'data_gaps', 'update_cycle')"
    )
    op.execute("UPDATE deckslide SET kind = 'implementation_map' WHERE kind = 'objective_matrix'")
    op.drop_column("initiative", "focal_point")
    op.drop_table("reportingcycle")
    op.drop_index("ix_initiativeframeworklink_item_id", table_name="initiativeframeworklink")
    op.drop_table("initiativeframeworklink")
    op.drop_index("ix_frameworkitem_framework", table_name="frameworkitem")
    op.drop_table("frameworkitem")
