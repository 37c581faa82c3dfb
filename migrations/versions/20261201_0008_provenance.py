"""provenance: the dataset and observation status of each value; the basis of each fact

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 09:00:00

Every stored value can name the published dataset it comes from (`datasource`:
organisation, dataset, release, URL, licence, access date) and the observation status its
publisher gave it (SDMX OBS_STATUS). Every fact about an initiative can carry its basis
(`factbasis`): stated in C25/52 with its section, public information with a link, an
editorial choice, or not stated. An indicator can have a two-sided target (parity within
a band), and a geography its standing (ITU Member State, territory, other). On SQLite the
columns are added in place.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SOURCE_FOREIGN_KEY = "fk_progressentry_data_source_id_datasource"


def upgrade() -> None:
    op.create_table(
        "datasource",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("dataset", sa.String(length=300), nullable=False),
        sa.Column("release", sa.String(length=120), nullable=True),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("licence", sa.String(length=120), nullable=True),
        sa.Column("accessed", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_datasource"),
        sa.UniqueConstraint("key", name="uq_datasource_key"),
    )
    op.create_table(
        "factbasis",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("fact", sa.String(length=40), nullable=False),
        sa.Column("basis", sa.String(length=12), nullable=False),
        sa.Column("section", sa.String(length=120), nullable=True),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["initiative_id"],
            ["initiative.id"],
            name="fk_factbasis_initiative_id_initiative",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_factbasis"),
        sa.UniqueConstraint("initiative_id", "fact", name="uq_factbasis_initiative_id"),
    )
    op.create_index("ix_factbasis_initiative_id", "factbasis", ["initiative_id"])
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE progressentry ADD COLUMN data_source_id INTEGER "
            f"CONSTRAINT {SOURCE_FOREIGN_KEY} REFERENCES datasource (id)"
        )
        op.execute("ALTER TABLE progressentry ADD COLUMN obs_status VARCHAR(20)")
    else:
        op.add_column("progressentry", sa.Column("data_source_id", sa.Integer(), nullable=True))
        op.add_column(
            "progressentry", sa.Column("obs_status", sa.String(length=20), nullable=True)
        )
        op.create_foreign_key(
            SOURCE_FOREIGN_KEY, "progressentry", "datasource", ["data_source_id"], ["id"]
        )
    op.create_index("ix_progressentry_data_source", "progressentry", ["data_source_id"])
    op.add_column("indicator", sa.Column("target_low", sa.Float(), nullable=True))
    op.add_column("indicator", sa.Column("target_high", sa.Float(), nullable=True))
    op.add_column("geography", sa.Column("status", sa.String(length=10), nullable=True))


def downgrade() -> None:
    # Plain columns: dropped in place on both databases (SQLite 3.35+), since batch mode
    # would copy `geography`, which progressentry's foreign keys point to.
    for table, column in (
        ("geography", "status"),
        ("indicator", "target_high"),
        ("indicator", "target_low"),
    ):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    op.drop_index("ix_progressentry_data_source", table_name="progressentry")
    bind = op.get_bind()
    # SQLite's batch mode copies the table, which drops its triggers: kept and made again.
    triggers = (
        bind.execute(
            sa.text(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'progressentry'"
            )
        )
        .scalars()
        .all()
        if bind.dialect.name == "sqlite"
        else []
    )
    naming = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}
    with op.batch_alter_table("progressentry", naming_convention=naming) as batch_op:
        batch_op.drop_constraint(SOURCE_FOREIGN_KEY, type_="foreignkey")
        batch_op.drop_column("obs_status")
        batch_op.drop_column("data_source_id")
    for statement in triggers:
        op.execute(statement)
    op.drop_index("ix_factbasis_initiative_id", table_name="factbasis")
    op.drop_table("factbasis")
    op.drop_table("datasource")
