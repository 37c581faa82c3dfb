"""a second counter: the changes a reader of published data can see

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 17:00:00

Every write moves `dataversion.version`, and a live page reran whenever it moved. With
editors at work, each draft saved or file imported as draft made every live screen in the
room rerun its whole page, though none of them shows drafts: on one app process, 100
live viewers and 5 editors kept the process busy rerunning pages nobody saw change
(bench/LOAD.md, scenario edit). `public_version` moves only with writes a reader of
published data can see; a live page of such a reader watches it. Starts equal to the
version, so that no page watching it misses a change made before the upgrade.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("dataversion") as batch:
        batch.add_column(
            sa.Column("public_version", sa.Integer(), nullable=False, server_default="0")
        )
    op.execute("UPDATE dataversion SET public_version = version")


def downgrade() -> None:
    with op.batch_alter_table("dataversion") as batch:
        batch.drop_column("public_version")
