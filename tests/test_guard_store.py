"""Nothing raw reaches the reader: a store that goes away, fails a query or is locked.

Each test breaks the store the way it breaks in production (a connection that cannot be
opened, a statement the database refuses, a table another session holds locked) in the
middle of a session, then checks what the person at the screen sees: a sentence saying
the store cannot be reached or is busy and that what they typed is kept, no traceback,
no SQL and no file path; and, once the store is back, the page with their values.
"""

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from gdc_tracker import bootstrap, db, decks
from gdc_tracker.decks import DeckContent, Slide
from gdc_tracker.ui import cache
from tests.apptest import clear_streamlit_caches, open_page
from tests.factories import make_user

PRESENT = "pages/present.py"
UNREACHABLE = "The store cannot be reached right now."
BUSY = "The store is busy with another change right now."
KEPT = "What you typed is kept."


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def assert_clear(message: str) -> None:
    """A sentence for a person: no SQL statement, no file or folder of the machine."""
    for raw in ("SELECT", "INSERT", "[SQL", "Traceback", "/tmp", "/work", ".py"):
        assert raw not in message, f"{raw!r} reached the reader: {message}"


def typed_deck_name(at: AppTest, name: str) -> AppTest:
    return at.text_input(key="present__title").input(name).run()


@pytest.fixture
def refused_connections(writable_app: Engine) -> Iterator[Any]:
    """A switch that makes the app's store refuse every new connection, as SQLite does
    when its file's folder is gone ("unable to open database file")."""
    state = {"refusing": False}

    def refuse(*_args: object, **_kwargs: object) -> None:
        if state["refusing"]:
            raise sqlite3.OperationalError("unable to open database file")

    def switch(refusing: bool) -> None:
        engine = cache.get_engine()
        if not sa.event.contains(engine, "do_connect", refuse):
            sa.event.listen(engine, "do_connect", refuse)
        state["refusing"] = refusing
        engine.dispose()  # the pooled connections go too: the next read must connect

    yield switch
    state["refusing"] = False


def test_a_store_gone_mid_session_says_so_and_keeps_what_was_typed(
    writable_app: Engine, refused_connections: Any
) -> None:
    editor = make_user(writable_app, "presenter", "editor")
    at = open_page(PRESENT, identity=editor)
    typed_deck_name(at, "Council June **draft**")

    refused_connections(True)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    message = errors(at)[0]
    assert message.startswith(UNREACHABLE) and KEPT in message
    assert "unable to open database file" in message
    assert_clear(message)
    assert not at.text_input, "the page stops at the message: nothing half-drawn below it"
    assert at.button(key="frame__retry").label == "Try again"

    refused_connections(False)
    at.button(key="frame__retry").click().run()
    assert not at.exception
    assert not errors(at)
    assert at.text_input(key="present__title").value == "Council June **draft**"


@pytest.fixture
def failing_statements(writable_app: Engine) -> Iterator[Any]:
    """A switch that makes the database refuse statements naming a table, with the error
    a damaged disk gives, while every other read (the data version too) still works."""
    failing = {"table": None}

    def fail(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        if failing["table"] and f"FROM {failing['table']}" in statement:
            raise sqlite3.OperationalError("disk I/O error")

    def switch(table: str | None) -> None:
        engine = cache.get_engine()
        if not sa.event.contains(engine, "before_cursor_execute", fail):
            sa.event.listen(engine, "before_cursor_execute", fail)
        failing["table"] = table

    yield switch
    failing["table"] = None


def test_a_page_query_the_database_refuses_gives_the_message_not_a_traceback(
    writable_app: Engine, failing_statements: Any
) -> None:
    at = open_page("pages/indicators.py")
    assert not at.exception and not errors(at)
    clear_streamlit_caches()  # the next run must ask the store again, not its cache
    failing_statements("progressentry")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    message = errors(at)[0]
    assert message.startswith(UNREACHABLE) and "disk I/O error" in message
    assert_clear(message)


def test_the_saved_decks_read_on_present_fails_with_the_message(
    writable_app: Engine, failing_statements: Any
) -> None:
    editor = make_user(writable_app, "presenter", "editor")
    with db.session_scope(writable_app) as session:
        decks.save_deck(
            session,
            DeckContent(slug="wg", title="WG", slides=(Slide("objective", {"objective": "1"}),)),
            by=editor,
        )
    at = open_page(PRESENT, identity=editor)
    typed_deck_name(at, "Council June")
    failing_statements("deck")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert errors(at)[0].startswith(UNREACHABLE)
    failing_statements(None)
    at.run()
    assert at.text_input(key="present__title").value == "Council June"
    assert any("WG" in m.value for m in at.markdown), "the saved deck is listed again"


def test_a_deck_the_database_refuses_to_save_says_nothing_was_saved(
    writable_app: Engine,
) -> None:
    editor = make_user(writable_app, "presenter", "editor")
    with writable_app.begin() as connection:
        connection.exec_driver_sql(
            "CREATE TRIGGER refuse_decks BEFORE INSERT ON deck "
            "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
        )
    at = open_page(PRESENT, identity=editor)
    typed_deck_name(at, "Council June")
    at.button(key="present__add").click().run()
    at.button(key="present__save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    message = errors(at)[0]
    assert "The database refused or lost the write. Nothing was saved." in message
    assert "database or disk is full" in message
    assert_clear(message)
    assert at.text_input(key="present__title").value == "Council June"
    with db.session_scope(writable_app) as session:
        assert decks.list_decks(session) == []


# PostgreSQL: a page read behind a lock gives up with the message instead of hanging


@pytest.fixture
def postgres_app(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The app on a PostgreSQL store of the test's own (reference data, no demo), with
    the statement timeout shortened so the test does not wait the real 15 s."""
    engine = db.make_engine(postgres_url)
    db.upgrade(engine)
    bootstrap.seed(engine, with_demo=False)
    monkeypatch.setenv("GDC_TRACKER_DATABASE_URL", postgres_url)
    monkeypatch.setattr(cache, "STATEMENT_TIMEOUT_MS", 1_000, raising=False)
    clear_streamlit_caches()
    yield engine
    clear_streamlit_caches()
    engine.dispose()


@pytest.mark.postgres
def test_a_table_locked_by_another_session_gives_the_busy_message(postgres_app: Engine) -> None:
    at = open_page("app.py")
    assert not at.exception and not errors(at)
    clear_streamlit_caches()  # a new process: the engine and every query anew
    locked, release = threading.Event(), threading.Event()

    def hold_the_lock() -> None:
        with postgres_app.begin() as connection:
            connection.exec_driver_sql("LOCK TABLE progressentry IN ACCESS EXCLUSIVE MODE")
            locked.set()
            release.wait(timeout=120)

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    try:
        assert locked.wait(timeout=30)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        message = errors(at)[0]
        assert message.startswith(BUSY) and KEPT in message
        assert "canceling statement due to statement timeout" in message
        assert_clear(message)
    finally:
        release.set()
        holder.join()
    at.run()
    assert not at.exception and not errors(at)
    assert at.title[0].value == "Overview"


def test_the_driver_reason_keeps_its_first_line_without_sql_or_paths() -> None:
    from gdc_tracker.ui.components import driver_reason

    orig = sqlite3.OperationalError(
        "could not open file /var/lib/postgresql/15/main/base/16384/2619: No such file\n"
        "SELECT * FROM progressentry"
    )
    error = sa.exc.OperationalError("SELECT * FROM progressentry", {}, orig)
    assert driver_reason(error) == "could not open file …: No such file"


def test_a_store_that_is_lost_while_the_page_is_open_keeps_the_path_out(
    tmp_path: Path,
) -> None:
    """The message for a SQLite file whose folder vanished names no path."""
    from gdc_tracker.ui.components import store_unavailable

    engine = db.make_engine(f"sqlite:///{tmp_path / 'gone' / 'store.db'}")
    (tmp_path / "gone").rmdir()
    with pytest.raises(sa.exc.OperationalError) as caught:
        db.read_data_version(engine)
    message = store_unavailable(caught.value, retry_seconds=10)
    assert message.startswith(UNREACHABLE)
    assert str(tmp_path) not in message and "unable to open database file" in message
