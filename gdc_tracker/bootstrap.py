"""Getting a store ready: create, migrate and seed a new one; refuse a stale one clearly.

A new database (no tables yet) is created at the latest schema, filled with the reference
data, the starter data (real public statistics shipped in data/starter) and, if
configured, demo entries where no real series exists: that is what makes the README's
first command work on a fresh machine. An existing database behind the latest migration is never
migrated silently by a web process: the operator gets a message naming the command.
"""

import fcntl
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select

from gdc_tracker import db, demo, starter
from gdc_tracker.audit import record_change
from gdc_tracker.config import Settings, load
from gdc_tracker.models import SYSTEM_ACTOR, Objective
from gdc_tracker.reference import load_reference

logger = logging.getLogger(__name__)
# The PostgreSQL advisory lock the processes starting together take turns on ("GDCT").
PREPARE_LOCK_KEY = 0x47444354


@dataclass(frozen=True)
class SeedReport:
    reference_rows: dict[str, int]
    demo_rows: int
    starter_rows: dict[str, int] = field(default_factory=dict)


def seed(engine: Engine, *, with_demo: bool = True, with_starter: bool = False) -> SeedReport:
    """Add what is missing: the reference data, then the starter data (public statistics
    shipped in data/starter, imported as published), then the demo entries for indicators
    that have no real values. Each part is one transaction and is skipped when already
    there, so a seed that stopped half-way is finished by running it again."""
    with db.session_scope(engine) as session:
        added = load_reference(session)
        if added:
            record_change(
                session,
                actor=SYSTEM_ACTOR,
                action="load reference data",
                entity="reference",
                entity_id="*",
                after=added,
            )
    loaded = starter.load_starter(engine) if with_starter else {}
    with db.session_scope(engine) as session:
        demo_rows = demo.seed_demo(session) if with_demo else 0
    return SeedReport(reference_rows=added, demo_rows=demo_rows, starter_rows=loaded)


def check_schema(engine: Engine) -> None:
    current, head = db.current_revision(engine), db.head_revision()
    if current != head:
        raise db.DatabaseError(
            f"The database is at schema revision {current or 'none'}, but this version of "
            f"GDC Tracker needs {head}. Run `python -m gdc_tracker db upgrade` and start again."
        )


def _first_seed(engine: Engine, settings: Settings) -> SeedReport:
    return seed(engine, with_demo=settings.seed_demo_data, with_starter=settings.load_starter_data)


@contextmanager
def one_preparer_at_a_time(engine: Engine) -> Iterator[None]:
    """Processes started together (several behind a proxy) take turns preparing the store:
    the first creates and seeds it, the others then find it ready. PostgreSQL: an
    advisory lock; a SQLite file: a lock file beside it; in memory: nothing to share."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": PREPARE_LOCK_KEY})
            try:
                yield
            finally:
                connection.execute(
                    sa.text("SELECT pg_advisory_unlock(:key)"), {"key": PREPARE_LOCK_KEY}
                )
                connection.commit()
        return
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    with Path(f"{database}.prepare.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def prepare_store(settings: Settings) -> Engine:
    """An engine on a store that is ready to use, creating and seeding a new one."""
    engine = db.make_engine(settings.database_url)
    try:
        with one_preparer_at_a_time(engine):
            if db.is_empty(engine):
                db.upgrade(engine)
                _first_seed(engine, settings)
            check_schema(engine)
            with db.session_scope(engine) as session:
                if session.exec(select(Objective.number).limit(1)).first() is None:
                    _first_seed(engine, settings)
    except db.DatabaseError:
        raise
    except Exception as error:  # a driver error: say what is wrong, not a traceback
        raise db.DatabaseError(
            f"Cannot open the database ({engine.url.render_as_string(hide_password=True)}): "
            f"{error.__class__.__name__}: {str(error).splitlines()[0]}"
        ) from error
    return engine


def prepare_before_serving() -> None:
    """Create, migrate and seed the store before the server answers anyone, so the first
    visitor never waits on a blank page while it is made (and the health check says "ok"
    only once the store is ready). A store that cannot be opened is logged and left to the
    pages, which tell the visitor what is wrong and which command fixes it."""
    settings = load()
    started = time.perf_counter()
    shown = sa.engine.make_url(settings.database_url).render_as_string(hide_password=True)
    # At warning level: Streamlit configures only its own loggers, and Python prints this
    # level and above anyway, so the operator reads both lines in the server's output.
    logger.warning("GDC Tracker: preparing the store (%s)…", shown)
    try:
        engine = prepare_store(settings)
    except db.DatabaseError as error:
        logger.error("GDC Tracker: the store is not ready: %s", error)
        return
    engine.dispose()
    seconds = time.perf_counter() - started
    logger.warning("GDC Tracker: the store is ready (%.1f s).", seconds)
