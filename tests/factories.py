"""Small builders for tests: users of each role, a valid draft."""

from datetime import date

from sqlalchemy.engine import Engine

from gdc_tracker import auth, db
from gdc_tracker.auth import Identity
from gdc_tracker.entries import EntryDraft

TODAY = date(2026, 11, 23)
PASSWORD = "correct horse battery staple"


def make_user(engine: Engine, username: str, role: str) -> Identity:
    with db.session_scope(engine) as session:
        user = auth.create_user(
            session, username=username, password=PASSWORD, role=role, display_name=username.title()
        )
        return auth.identity_of(user)


def internet_use(**changes: object) -> EntryDraft:
    """A valid country value of the Internet-use indicator."""
    values: dict[str, object] = {
        "indicator_code": "UMC_INTERNET_USE",
        "geo_code": "SLV",
        "period": "2025",
        "value": 66.5,
        "source": "National statistics office",
    }
    values.update(changes)
    return EntryDraft(**values)  # type: ignore[arg-type]


def refuse_inserts(engine: Engine, *, when: str = "1") -> None:
    """Make SQLite fail inserting a progress entry where `when` holds (a condition on NEW),
    with the message a full disk gives: a write the database refuses part-way."""
    with engine.begin() as connection:
        connection.exec_driver_sql(
            f"CREATE TRIGGER refuse_entries BEFORE INSERT ON progressentry WHEN {when} "
            "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
        )
