"""Two editors import the same file at the same moment: one import lands whole, the other
is refused with "the store changed since your preview" and writes nothing, and no cell
ends with two live entries (SQLite and PostgreSQL).

Each editor has an engine of their own (as two server processes would), both previews are
made before either commit starts, and the second commit starts while the first is still
writing: the first holds its transaction open (in its progress callback, after its rows
are sent) until the second is under way. Expected values are read back with plain SQL.
"""

import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from gdc_tracker import db, importing
from gdc_tracker.auth import Identity
from tests.conftest import url_of
from tests.factories import TODAY, make_user
from tests.test_importer import csv_bytes

SHARED_ROWS = [
    ["SLV", "UMC_INTERNET_USE", "2020", "54.6"],
    ["SLV", "UMC_INTERNET_USE", "2021", "58.6"],
    ["WLD", "UMC_INTERNET_USE", "2021", "62.2"],
]
SECOND_ONLY = ["GTM", "UMC_INTERNET_USE", "2021", "50.0"]  # a cell only the loser's file has
LIVE_DUPLICATES = """
    SELECT indicator_id, geo_code, period, disaggregation, count(*)
    FROM progressentry
    WHERE review_state IN ('draft', 'submitted', 'published')
    GROUP BY indicator_id, geo_code, period, disaggregation
    HAVING count(*) > 1
"""


@pytest.fixture
def store(reference_engine: Engine) -> Engine:
    return reference_engine


def own_engine(database_url: str, name: str) -> Engine:
    """An engine of one editor's own; on PostgreSQL its sessions carry `name`, so the test
    can see when that editor's commit waits for the other's."""
    if database_url.startswith("postgresql"):
        separator = "&" if "?" in database_url else "?"
        database_url = f"{database_url}{separator}application_name={name}"
    return db.make_engine(database_url)


def preview_of(engine: Engine, who: Identity, data: bytes) -> importing.ImportPreview:
    frame = importing.read_table(data, "quarterly.csv")
    with db.session_scope(engine) as session:
        return importing.preview(
            session, frame, importing.guess_mapping(frame), by=who, today=TODAY
        )


def wait_until_blocked(engine: Engine, name: str) -> None:
    """Return once the session called `name` waits for a lock (PostgreSQL). SQLite shows
    no waiter from outside: a short pause lets the second commit reach the write lock,
    and the outcome asserted below is the same if it arrives later."""
    if engine.dialect.name != "postgresql":
        time.sleep(0.5)
        return
    query = sa.text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE application_name = :name AND wait_event_type = 'Lock'"
    )
    for _attempt in range(300):
        with engine.connect() as connection:
            if connection.execute(query, {"name": name}).scalar():
                return
        time.sleep(0.05)
    pytest.fail(f"the second commit ({name}) never waited for the first")


@pytest.fixture
def editors(store: Engine) -> tuple[Identity, Identity]:
    return make_user(store, "editor.one", "editor"), make_user(store, "editor.two", "editor")


@pytest.fixture
def two_engines(store: Engine) -> Iterator[tuple[Engine, Engine, str]]:
    database_url = url_of(store)
    tag = uuid.uuid4().hex[:8]
    second_name = f"import_two_{tag}"
    first, second = (
        own_engine(database_url, f"import_one_{tag}"),
        own_engine(database_url, second_name),
    )
    yield first, second, second_name
    first.dispose()
    second.dispose()


def test_two_commits_of_one_file_at_once_leave_one_live_entry_per_cell(
    store: Engine,
    editors: tuple[Identity, Identity],
    two_engines: tuple[Engine, Engine, str],
) -> None:
    one, two = editors
    first_engine, second_engine, second_name = two_engines
    first_preview = preview_of(first_engine, one, csv_bytes(SHARED_ROWS))
    second_preview = preview_of(second_engine, two, csv_bytes([*SHARED_ROWS, SECOND_ONLY]))
    assert (len(first_preview.new), len(second_preview.new)) == (3, 4)

    first_writing, let_first_finish = threading.Event(), threading.Event()
    outcomes: dict[str, Any] = {}

    def hold_open(done: float) -> None:  # inside the first commit's transaction
        if not first_writing.is_set():
            first_writing.set()
            let_first_finish.wait(timeout=60)

    def run(name: str, engine: Engine, found: importing.ImportPreview, who: Identity, **kw: Any):
        try:
            outcomes[name] = importing.commit_to_store(engine, found, by=who, **kw)
        except Exception as error:  # noqa: BLE001 - the test asserts what it was
            outcomes[name] = error

    first = threading.Thread(
        target=run, args=("first", first_engine, first_preview, one), kwargs={"progress": hold_open}
    )
    second = threading.Thread(target=run, args=("second", second_engine, second_preview, two))
    first.start()
    assert first_writing.wait(timeout=60), outcomes.get("first")
    second.start()
    wait_until_blocked(store, second_name)
    let_first_finish.set()
    first.join(timeout=60)
    second.join(timeout=60)

    assert isinstance(outcomes["first"], importing.ImportResult), outcomes["first"]
    assert outcomes["first"].added == 3
    refusal = outcomes["second"]
    assert isinstance(refusal, importing.StoreChanged), repr(refusal)
    assert str(refusal).startswith("The store changed since your preview: ")
    assert str(refusal).endswith("Nothing was imported. Preview the file again.")

    with store.connect() as connection:
        assert connection.execute(sa.text(LIVE_DUPLICATES)).all() == []
        cells = connection.execute(
            sa.text("SELECT geo_code, period, value, author_id FROM progressentry ORDER BY 1, 2")
        ).all()
        loser_traces = connection.execute(
            sa.text(
                "SELECT (SELECT count(*) FROM auditrecord WHERE user_id = :loser), "
                "(SELECT count(*) FROM importbatch WHERE created_by = :loser)"
            ),
            {"loser": two.user_id},
        ).one()
    assert [tuple(c) for c in cells] == [
        ("SLV", "2020", 54.6, one.user_id),
        ("SLV", "2021", 58.6, one.user_id),
        ("WLD", "2021", 62.2, one.user_id),
    ]  # GTM, which only the refused file had, was not written either
    assert tuple(loser_traces) == (0, 0)
