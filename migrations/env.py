"""Alembic environment: the app's models are the target; the engine comes from the caller.

`gdc_tracker.db.upgrade()` passes its engine in `config.attributes["engine"]`; the
`alembic` command line falls back to the URL from config.toml and the environment.
"""

from alembic import context
from sqlmodel import SQLModel

import gdc_tracker.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from gdc_tracker import config as app_config
from gdc_tracker.db import make_engine

target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    engine = context.config.attributes.get("engine")
    if engine is None:
        engine = make_engine(app_config.load().database_url)
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            compare_type=True,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        context.run_migrations()


run_migrations_online()
