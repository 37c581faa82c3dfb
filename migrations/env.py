"""Alembic environment: the app's models are the target; the engine comes from the caller.

`gdc_tracker.db.upgrade()` passes its engine in `config.attributes["engine"]`; the
`alembic` command line falls back to the URL from config.toml and the environment.
"""

from alembic import context
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import gdc_tracker.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from gdc_tracker import config as app_config
from gdc_tracker.db import make_engine

target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    engine = context.config.attributes.get("engine")
    if engine is None:
        engine = make_engine(app_config.load().database_url)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _enforce_foreign_keys(connection, False)
        try:
            with connection.begin():
                context.configure(
                    connection=connection,
                    target_metadata=target_metadata,
                    compare_type=True,
                    render_as_batch=sqlite,
                )
                context.run_migrations()
                if sqlite:
                    _refuse_broken_references(connection)
        finally:
            if sqlite:
                _enforce_foreign_keys(connection, True)


def _enforce_foreign_keys(connection: Connection, on: bool) -> None:
    """SQLite's batch mode copies a table and drops the old one. With foreign keys
    enforced, the drop first deletes every row, checking each against the tables that
    refer to it (a self-reference without an index: minutes for 30,000 entries) and
    cascading where they say so. Alembic's batch documentation asks for them off while
    migrating; the pragma is ignored inside a transaction, so it is set between them."""
    connection.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    connection.commit()


def _refuse_broken_references(connection: Connection) -> None:
    """With the checks off, a migration could leave a reference to a missing row: refuse
    it, rolling the migration back where SQLite can."""
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        listed = "; ".join(
            f"{table} row {rowid} -> {parent}" for table, rowid, parent, _ in broken[:5]
        )
        raise RuntimeError(f"The migration left {len(broken)} broken references: {listed}")


run_migrations_online()
