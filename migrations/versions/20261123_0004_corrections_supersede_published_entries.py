"""corrections supersede published entries

On SQLite the column is added in place, its foreign key inline: batch mode would copy
the whole table and rebuild its indexes to add one nullable column (over ten minutes on
a store of a million entries), where ALTER TABLE ... ADD COLUMN takes milliseconds.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 03:28:52.815419
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


FOREIGN_KEY = 'fk_progressentry_supersedes_id_progressentry'


def upgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(
            'ALTER TABLE progressentry ADD COLUMN supersedes_id INTEGER '
            f'CONSTRAINT {FOREIGN_KEY} REFERENCES progressentry (id)'
        )
        return
    op.add_column('progressentry', sa.Column('supersedes_id', sa.Integer(), nullable=True))
    op.create_foreign_key(FOREIGN_KEY, 'progressentry', 'progressentry', ['supersedes_id'], ['id'])


def downgrade() -> None:
    # SQLite reflects an inline foreign key without its name: the convention names it back.
    naming = {'fk': 'fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s'}
    with op.batch_alter_table('progressentry', naming_convention=naming) as batch_op:
        batch_op.drop_constraint(FOREIGN_KEY, type_='foreignkey')
        batch_op.drop_column('supersedes_id')
