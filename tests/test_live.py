"""Live refresh: a write moves the data version; a quiet tick costs one query."""

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from gdc_tracker import db, entries, live
from tests.factories import TODAY, internet_use, make_user


def count_statements(engine: Engine) -> list[str]:
    statements: list[str] = []
    sa.event.listen(
        engine,
        "before_cursor_execute",
        lambda _c, _cur, statement, *_: statements.append(statement),
    )
    return statements


def test_a_quiet_tick_runs_one_query_and_sees_no_change(seeded_engine: Engine) -> None:
    seen = db.read_data_version(seeded_engine)
    statements = count_statements(seeded_engine)
    assert live.has_moved(seeded_engine, seen) is False
    assert len(statements) == 1 and "dataversion" in statements[0].lower()


def test_a_write_elsewhere_is_seen_at_the_next_tick(seeded_engine: Engine) -> None:
    seen = db.read_data_version(seeded_engine)
    editor = make_user(seeded_engine, "editor.one", "editor")  # a write (user + audit)
    assert live.has_moved(seeded_engine, seen)
    seen = db.read_data_version(seeded_engine)
    # Another "process": its own engine on the same database.
    other = db.make_engine(seeded_engine.url.render_as_string(hide_password=False))
    with db.session_scope(other) as session:
        entries.add_entry(session, internet_use(period="2025"), by=editor, today=TODAY)
    other.dispose()
    assert live.has_moved(seeded_engine, seen)
    assert db.read_data_version(seeded_engine) == seen + 1
