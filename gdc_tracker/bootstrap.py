"""Getting a store ready: create, migrate and seed a new one; refuse a stale one clearly.

A new database (no tables yet) is created at the latest schema, filled with the reference
data and, if configured, the demo entries: that is what makes the README's first command
work on a fresh machine. An existing database behind the latest migration is never
migrated silently by a web process: the operator gets a message naming the command.
"""

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import select

from gdc_tracker import db, demo
from gdc_tracker.audit import SYSTEM_ACTOR, record_change
from gdc_tracker.config import Settings
from gdc_tracker.models import Objective
from gdc_tracker.reference import load_reference


@dataclass(frozen=True)
class SeedReport:
    reference_rows: dict[str, int]
    demo_rows: int


def seed(engine: Engine, *, with_demo: bool = True) -> SeedReport:
    """Add missing reference data (and demo entries) in one transaction."""
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
        demo_rows = demo.seed_demo(session) if with_demo else 0
    return SeedReport(reference_rows=added, demo_rows=demo_rows)


def check_schema(engine: Engine) -> None:
    current, head = db.current_revision(engine), db.head_revision()
    if current != head:
        raise db.DatabaseError(
            f"The database is at schema revision {current or 'none'}, but this version of "
            f"GDC Tracker needs {head}. Run `python -m gdc_tracker db upgrade` and start again."
        )


def prepare_store(settings: Settings) -> Engine:
    """An engine on a store that is ready to use, creating and seeding a new one."""
    engine = db.make_engine(settings.database_url)
    try:
        if db.is_empty(engine):
            db.upgrade(engine)
            seed(engine, with_demo=settings.seed_demo_data)
        check_schema(engine)
        with db.session_scope(engine) as session:
            if session.exec(select(Objective.number).limit(1)).first() is None:
                seed(engine, with_demo=settings.seed_demo_data)
    except db.DatabaseError:
        raise
    except Exception as error:  # a driver error: say what is wrong, not a traceback
        raise db.DatabaseError(
            f"Cannot open the database ({engine.url.render_as_string(hide_password=True)}): "
            f"{error.__class__.__name__}: {str(error).splitlines()[0]}"
        ) from error
    return engine
