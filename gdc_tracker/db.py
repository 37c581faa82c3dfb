"""Engine, sessions, migrations and the data version.

SQLite is the embedded default (WAL, a busy timeout and foreign keys on, so several
readers and one writer share the file safely); PostgreSQL is used by setting
DATABASE_URL (connections are pre-pinged, so a restarted server costs one retry, not a
traceback). Alembic migrations are the only way the schema changes.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from gdc_tracker.errors import CellTaken, StoreBusy
from gdc_tracker.models import (
    LIVE_CELL_INDEX,
    OPEN_CORRECTION_INDEX,
    DataVersion,
    EntryTally,
    ProgressEntry,
    utc_now,
)

MIGRATIONS_PATH = Path(__file__).resolve().parents[1] / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 10_000  # a writer waits this long for another before giving up
# How long a write waits for a lock on PostgreSQL before it says the store is busy (a
# table locked by a migration or a long import), instead of greying the page for minutes.
POSTGRESQL_LOCK_TIMEOUT = "5s"


class DatabaseError(RuntimeError):
    """The store cannot be reached or is not at the schema this code expects."""


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for `url`, tuned for the kind of database it names."""
    if url.startswith("sqlite"):
        if url.startswith("sqlite:///") and ":memory:" not in url:
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
        sa.event.listen(engine, "connect", _configure_sqlite)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def _is_cell_conflict(error: sa.exc.IntegrityError) -> bool:
    """Whether the database refused a second live entry for a cell (migration 0007)."""
    constraint = getattr(getattr(error.orig, "diag", None), "constraint_name", None)
    if constraint is not None:
        return constraint in (LIVE_CELL_INDEX, OPEN_CORRECTION_INDEX)
    # SQLite names the columns, not the index.
    return "UNIQUE constraint failed: progressentry.indicator_id" in str(error.orig)


def _is_lock_wait(error: sa.exc.OperationalError) -> bool:
    code = getattr(error.orig, "sqlstate", None)
    if code is not None:
        return code in ("55P03", "40P01")  # lock_not_available, deadlock_detected
    return "database is locked" in str(error.orig)


@contextmanager
def write_scope(engine: Engine) -> Iterator[Session]:
    """One write: a transaction that takes the write lock first and says why it failed.

    On SQLite the first statement moves the data version, so the transaction holds the
    one writer's lock from its start and every check it makes reads the latest committed
    state (a read-then-write transaction could otherwise act on a stale snapshot). On
    PostgreSQL a lock is waited for `POSTGRESQL_LOCK_TIMEOUT` at most. A refused second
    live entry for a cell raises CellTaken, a lock not had in time StoreBusy; both roll
    everything back.
    """
    try:
        with session_scope(engine) as session:
            if engine.dialect.name == "sqlite":
                # Only to take the writer's lock: the write's audit record moves the
                # public counter, if what it changes is public.
                bump_data_version(session, public=False)
            else:
                session.execute(sa.text(f"SET LOCAL lock_timeout = '{POSTGRESQL_LOCK_TIMEOUT}'"))
            yield session
            session.flush()
    except sa.exc.IntegrityError as error:
        if _is_cell_conflict(error):
            raise CellTaken() from error
        raise
    except sa.exc.OperationalError as error:
        if _is_lock_wait(error):
            raise StoreBusy() from error
        raise


# Migrations


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_PATH))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the migrations folder has no revision"
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` (creating every table on an empty database)."""
    command.upgrade(alembic_config(engine), revision)


def is_empty(engine: Engine) -> bool:
    return not sa.inspect(engine).get_table_names()


# The data version


def data_version(session: Session) -> int:
    """The store's change counter: one indexed primary-key read."""
    value = session.execute(
        sa.select(col(DataVersion.version)).where(col(DataVersion.id) == 1)
    ).scalar()
    return int(value or 0)


def read_data_version(engine: Engine, *, public: bool = False) -> int:
    """The change counter; with `public`, the one that moves only with changes a reader
    of published data can see (a live page of such a reader watches it)."""
    column = col(DataVersion.public_version) if public else col(DataVersion.version)
    with engine.connect() as connection:
        value = connection.execute(sa.select(column).where(col(DataVersion.id) == 1)).scalar()
    return int(value or 0)


def read_data_versions(engine: Engine) -> tuple[int, int]:
    """(version, public_version) in one primary-key read: what a page run starts from."""
    with engine.connect() as connection:
        row = connection.execute(
            sa.select(col(DataVersion.version), col(DataVersion.public_version)).where(
                col(DataVersion.id) == 1
            )
        ).first()
    return (int(row[0]), int(row[1])) if row else (0, 0)


def bump_data_version(session: Session, *, public: bool = True) -> None:
    """Move the counter inside the caller's transaction, so it moves only if the write lands;
    the public counter too, unless the write changes nothing a reader of published data
    sees (`public=False`: a draft saved, submitted or rejected).

    An UPDATE (not read-then-write) so concurrent writers serialise on the row.
    """
    moved: dict[str, Any] = {"version": DataVersion.version + 1, "changed_at": utc_now()}
    if public:
        moved["public_version"] = DataVersion.public_version + 1
    result = session.execute(sa.update(DataVersion).where(col(DataVersion.id) == 1).values(**moved))
    if cast(sa.CursorResult[Any], result).rowcount == 0:  # an UPDATE's result
        session.add(DataVersion(id=1, version=1, public_version=1 if public else 0))


# The entry tally


def recount_entries(engine: Engine) -> int:
    """Count the progress entries anew into `entrytally`; return how many counts were wrong.

    Triggers keep the tally (migration 0006), so this is a repair for data loaded with
    triggers switched off (a data-only restore with --disable-triggers, a replica load).
    Writers wait while it runs (one pass over the entries); readers do not.
    """
    key = (col(ProgressEntry.geo_code), col(ProgressEntry.review_state), col(ProgressEntry.is_demo))
    with session_scope(engine) as session:
        if engine.dialect.name == "postgresql":
            session.execute(sa.text("LOCK TABLE progressentry IN SHARE MODE"))
        counted = {
            (geo, state, bool(demo)): count
            for geo, state, demo, count in session.execute(
                sa.select(*key, sa.func.count()).group_by(*key)
            )
        }
        kept = {
            (row.geo_code, row.review_state, bool(row.is_demo)): row.entries
            for row in session.execute(sa.select(EntryTally)).scalars()
        }
        wrong = sum(1 for k in counted.keys() | kept.keys() if counted.get(k, 0) != kept.get(k, 0))
        if wrong:
            session.execute(sa.delete(EntryTally))
            session.add_all(
                EntryTally(geo_code=geo, review_state=state, is_demo=demo, entries=count)
                for (geo, state, demo), count in counted.items()
            )
            bump_data_version(session)
    return wrong
