"""Getting a store ready: create, migrate and seed a new one; refuse a stale one clearly.

A new database (no tables yet) is created at the latest schema, filled with the reference
data, the starter data (real public statistics shipped in data/starter) and, if
configured, demo entries where no real series exists: that is what makes the README's
first command work on a fresh machine. An existing database behind the latest migration is never
migrated silently by a web process: the operator gets a message naming the command.
"""

from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from sqlmodel import select

from gdc_tracker import db, demo, starter
from gdc_tracker.audit import SYSTEM_ACTOR, record_change
from gdc_tracker.config import Settings
from gdc_tracker.models import Objective
from gdc_tracker.reference import load_reference


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


def prepare_store(settings: Settings) -> Engine:
    """An engine on a store that is ready to use, creating and seeding a new one."""
    engine = db.make_engine(settings.database_url)
    try:
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
