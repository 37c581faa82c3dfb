"""The bulk importer keeps the store whole: it never revives what an author withdrew, it
writes only for a user the store still allows to, and every value it writes names the
import it came in.

Expected values come from the store read with plain SQL and from the file's own bytes,
never from the importer's answers.
"""

import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from gdc_tracker import db, entries, importing
from gdc_tracker.auth import Identity
from gdc_tracker.errors import NotAllowed, SessionExpired
from gdc_tracker.models import ProgressEntry, ReviewState
from tests.factories import TODAY, internet_use, make_user
from tests.test_importer import GOOD, csv_bytes

SLV_2020 = "geo_code = 'SLV' AND period = '2020'"


@pytest.fixture
def store(reference_engine: Engine) -> Engine:
    """Reference data only: the entries a test writes are the only entries."""
    return reference_engine


@pytest.fixture
def editor(store: Engine) -> Identity:
    return make_user(store, "editor.one", "editor")


@pytest.fixture
def reviewer(store: Engine) -> Identity:
    return make_user(store, "reviewer.one", "reviewer")


def preview_of(engine: Engine, who: Identity, data: bytes) -> importing.ImportPreview:
    """The page's first step: read the file and check it, in a transaction of its own."""
    frame = importing.read_table(data, "upload.csv")
    with db.session_scope(engine) as session:
        return importing.preview(
            session, frame, importing.guess_mapping(frame), by=who, today=TODAY
        )


def commit_of(
    engine: Engine, who: Identity, found: importing.ImportPreview, state: str = "draft"
) -> importing.ImportResult:
    """The page's second step: commit the preview, in another transaction."""
    with db.session_scope(engine) as session:
        return importing.commit(session, found, by=who, state=state)


def rows(engine: Engine, sql: str, **params: object) -> list[sa.Row]:
    with engine.connect() as connection:
        return list(connection.execute(sa.text(sql), params))


def cell_entries(engine: Engine) -> list[sa.Row]:
    """Every entry of the GOOD row's cell (SLV, 2020), oldest first."""
    return rows(
        engine,
        f"SELECT id, value, review_state, version, author_id, import_batch_id "
        f"FROM progressentry WHERE {SLV_2020} ORDER BY id",
    )


def counts(engine: Engine) -> tuple[int, int, int, int]:
    """Entries, audit records, import batches and the data version: what a refused write
    must leave alone."""
    [(entry_count, audit_count, batch_count)] = rows(
        engine,
        "SELECT (SELECT count(*) FROM progressentry), (SELECT count(*) FROM auditrecord), "
        "(SELECT count(*) FROM importbatch)",
    )
    return int(entry_count), int(audit_count), int(batch_count), db.read_data_version(engine)


def batches(engine: Engine) -> list[dict[str, object]]:
    """Every import batch, oldest first, with its JSON columns decoded."""
    found = []
    for row in rows(engine, "SELECT * FROM importbatch ORDER BY id"):
        batch = dict(row._mapping)
        for name in ("indicator_codes", "summary"):
            if isinstance(batch[name], str):  # SQLite returns JSON as text to plain SQL
                batch[name] = json.loads(batch[name])
        found.append(batch)
    return found


def withdrawn_draft(engine: Engine, who: Identity, value: float) -> int:
    """A draft its author took back: kept in the store, no longer standing for its cell."""
    with db.session_scope(engine) as session:
        entry = entries.add_entry(
            session, internet_use(period="2020", value=value), by=who, today=TODAY
        )
        entry_id = int(entry.id or 0)
    with engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE progressentry SET review_state = 'withdrawn' WHERE id = :id"),
            {"id": entry_id},
        )
    return entry_id


# What an author withdrew stays withdrawn


@pytest.mark.parametrize("withdrawn_value", [50.0, 54.6], ids=["other value", "same value"])
def test_an_import_adds_a_new_entry_beside_a_withdrawn_one_and_leaves_that_alone(
    store: Engine, editor: Identity, withdrawn_value: float
) -> None:
    withdrawn = withdrawn_draft(store, editor, withdrawn_value)
    found = preview_of(store, editor, csv_bytes([GOOD]))
    assert (found.counts["new"], found.counts["changed"], found.counts["unchanged"]) == (1, 0, 0)
    result = commit_of(store, editor, found)
    assert (result.added, result.updated) == (1, 0)
    kept, added = cell_entries(store)
    assert (kept.id, kept.value, kept.review_state, kept.version) == (
        withdrawn,
        withdrawn_value,
        "withdrawn",
        1,
    )
    assert (added.value, added.review_state) == (54.6, "draft")


def test_beside_a_withdrawn_entry_the_import_changes_the_live_draft_of_the_cell(
    store: Engine, editor: Identity
) -> None:
    withdrawn = withdrawn_draft(store, editor, 50.0)
    with db.session_scope(store) as session:  # the author's new draft for the same cell
        resolved = entries.validate(session, internet_use(period="2020", value=52.0), today=TODAY)
        live = ProgressEntry(
            **resolved.values, review_state=ReviewState.DRAFT, author_id=editor.user_id
        )
        session.add(live)
        session.flush()
        live_id = int(live.id or 0)
    result = commit_of(store, editor, preview_of(store, editor, csv_bytes([GOOD])))
    assert (result.added, result.updated) == (0, 1)
    states = [(e.id, e.value, e.review_state, e.version) for e in cell_entries(store)]
    assert states == [(withdrawn, 50.0, "withdrawn", 1), (live_id, 54.6, "draft", 2)]


def test_an_entry_withdrawn_between_preview_and_commit_stops_the_import(
    store: Engine, editor: Identity
) -> None:
    with db.session_scope(store) as session:
        entry = entries.add_entry(
            session, internet_use(period="2020", value=50.0), by=editor, today=TODAY
        )
        entry_id = int(entry.id or 0)
    found = preview_of(store, editor, csv_bytes([GOOD]))
    assert found.counts["changed"] == 1
    with store.begin() as connection:
        connection.execute(
            sa.text("UPDATE progressentry SET review_state = 'withdrawn' WHERE id = :id"),
            {"id": entry_id},
        )
    before = counts(store)
    with pytest.raises(importing.StoreChanged, match="row 2"):
        commit_of(store, editor, found)
    assert counts(store) == before
    [(value, state)] = [(e.value, e.review_state) for e in cell_entries(store)]
    assert (value, state) == (50.0, "withdrawn")


# Only a user the store still allows writes


def test_a_reviewer_demoted_after_the_preview_cannot_publish_the_import(
    store: Engine, reviewer: Identity
) -> None:
    found = preview_of(store, reviewer, csv_bytes([GOOD]))
    with store.begin() as connection:
        connection.execute(
            sa.text("UPDATE \"user\" SET role = 'editor' WHERE id = :id"),
            {"id": reviewer.user_id},
        )
    before = counts(store)
    with pytest.raises(NotAllowed, match="reviewer"):
        commit_of(store, reviewer, found, state="published")
    assert counts(store) == before
    assert cell_entries(store) == []


def test_an_account_deactivated_after_the_preview_cannot_commit_the_import(
    store: Engine, editor: Identity
) -> None:
    found = preview_of(store, editor, csv_bytes([GOOD]))
    with store.begin() as connection:
        connection.execute(
            sa.text('UPDATE "user" SET is_active = :no WHERE id = :id'),
            {"no": False, "id": editor.user_id},
        )
    before = counts(store)
    with pytest.raises(NotAllowed, match="no longer active"):
        commit_of(store, editor, found)
    assert counts(store) == before


def test_a_sign_in_that_has_ended_cannot_commit_the_import(store: Engine, editor: Identity) -> None:
    found = preview_of(store, editor, csv_bytes([GOOD]))
    ended = editor.valid_for(30, now=datetime.now(UTC) - timedelta(hours=1))
    before = counts(store)
    with pytest.raises(SessionExpired):
        commit_of(store, ended, found)
    assert counts(store) == before


# Every value names the import it came in


def test_a_commit_is_one_batch_naming_the_file_and_its_entries_point_to_it(
    store: Engine, editor: Identity
) -> None:
    data = csv_bytes(
        [
            GOOD,
            ["WLD", "UMC_INTERNET_USE", "2021", "62.2"],
            ["XYZ", "UMC_INTERNET_USE", "2021", "2"],  # rejected: no such country
            ["SLV", "x", "2021", "2"],  # skipped: "x" is no indicator tracked here
        ]
    )
    result = commit_of(store, editor, preview_of(store, editor, data), state="submitted")
    [batch] = batches(store)
    assert batch["file_name"] == "upload.csv"
    assert batch["checksum"] == hashlib.sha256(data).hexdigest()
    assert batch["indicator_codes"] == ["UMC_INTERNET_USE"]
    assert (batch["review_state"], batch["created_by"]) == ("submitted", editor.user_id)
    keys = ("new", "changed", "unchanged", "rejected", "skipped", "skipped_indicators")
    assert {k: batch["summary"][k] for k in keys} == {
        "new": 2,
        "changed": 0,
        "unchanged": 0,
        "rejected": 1,
        "skipped": 1,
        "skipped_indicators": ["x"],
    }
    written = rows(store, "SELECT geo_code, import_batch_id FROM progressentry ORDER BY geo_code")
    assert [(r.geo_code, r.import_batch_id) for r in written] == [
        ("SLV", batch["id"]),
        ("WLD", batch["id"]),
    ]
    [summary] = rows(store, "SELECT entity_id FROM auditrecord WHERE action = 'import file'")
    assert summary.entity_id == str(batch["id"]) == result.import_id


def test_a_correction_and_a_change_in_place_name_the_import_that_wrote_them(
    store: Engine, editor: Identity, reviewer: Identity
) -> None:
    with db.session_scope(store) as session:
        typed = entries.add_entry(
            session, internet_use(period="2020", value=50.0), by=editor, submit=True, today=TODAY
        )
        entries.review(session, typed.id, "publish", expected_version=1, by=reviewer)
        draft = entries.add_entry(
            session, internet_use(period="2021", value=51.0), by=editor, today=TODAY
        )
        published_id, draft_id = int(typed.id or 0), int(draft.id or 0)
    data = csv_bytes([GOOD, ["SLV", "UMC_INTERNET_USE", "2021", "57.0"]])
    result = commit_of(store, editor, preview_of(store, editor, data))
    assert (result.updated, result.corrections) == (2, 1)
    [batch] = batches(store)
    written = {
        r.id: (r.period, r.value, r.review_state, r.import_batch_id)
        for r in rows(store, "SELECT * FROM progressentry WHERE geo_code = 'SLV'")
    }
    correction_id = max(written)
    assert written == {
        published_id: ("2020", 50.0, "published", None),  # typed in the form, untouched
        draft_id: ("2021", 57.0, "draft", batch["id"]),
        correction_id: ("2020", 54.6, "draft", batch["id"]),
    }


def test_an_import_that_changes_nothing_records_no_batch(store: Engine, editor: Identity) -> None:
    data = csv_bytes([GOOD])
    commit_of(store, editor, preview_of(store, editor, data))
    before = counts(store)
    again = commit_of(store, editor, preview_of(store, editor, data))
    assert again.nothing_changed
    assert counts(store) == before
    assert len(batches(store)) == 1
