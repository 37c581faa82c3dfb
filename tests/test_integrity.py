"""No wrong number, no duplicate, no unreviewed draft in public, no act on a right that is gone.

Each rule is held where it lives (the write commands and the database itself), on SQLite
and PostgreSQL, and checked with independent SQL or the public read side.
"""

import io
import threading
from datetime import UTC, date, datetime, timedelta

import docx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select

from gdc_tracker import db, entries, initiative_updates, queries
from gdc_tracker.auth import Identity
from gdc_tracker.errors import (
    CellTaken,
    DuplicateEntry,
    NotAllowed,
    SessionExpired,
    StaleEdit,
    ValidationFailed,
)
from gdc_tracker.initiative_updates import InitiativeUpdate
from gdc_tracker.models import AuditRecord, Initiative, Milestone, User
from gdc_tracker.queries import changes
from gdc_tracker.queries.initiatives import initiative_detail
from gdc_tracker.reports.data import gather_report
from gdc_tracker.reports.word import report_docx
from gdc_tracker.status import Thresholds
from tests.factories import TODAY, internet_use, make_user

SECRET = "Procurement frozen pending an audit (draft, not for the public)."


@pytest.fixture
def store(reference_engine: Engine) -> Engine:
    return reference_engine


def live_entries_per_cell(engine: Engine) -> list[tuple]:
    """Cells holding more than one live entry that is not an open correction (should be none)."""
    with engine.connect() as connection:
        return connection.execute(
            sa.text(
                "SELECT indicator_id, geo_code, period, disaggregation, count(*) FROM progressentry"
                " WHERE indicator_id IS NOT NULL AND (review_state = 'published' OR"
                " (review_state IN ('draft', 'submitted') AND supersedes_id IS NULL))"
                " GROUP BY indicator_id, geo_code, period, disaggregation HAVING count(*) > 1"
            )
        ).all()


def stored_status(engine: Engine, slug: str) -> str:
    with engine.connect() as connection:
        return connection.execute(
            sa.text("SELECT status FROM initiative WHERE slug = :slug"), {"slug": slug}
        ).scalar_one()


# 1. Drafts stay private


def giga_paused(**changes: object) -> InitiativeUpdate:
    values: dict[str, object] = {
        "slug": "giga",
        "status": "paused",
        "narrative": SECRET,
        "period": "2025-Q3",
    }
    values.update(changes)
    return InitiativeUpdate(**values)  # type: ignore[arg-type]


def test_a_draft_initiative_update_reaches_no_public_view(store: Engine) -> None:
    editor = make_user(store, "editor.one", "editor")
    with db.session_scope(store) as session:
        before = queries.initiative_status_by_objective(session)
        report_before = gather_report(session, thresholds=Thresholds())
    with db.write_scope(store) as session:
        initiative_updates.save_update(
            session, giga_paused(), expected_version=1, by=editor, today=TODAY
        )
    assert stored_status(store, "giga") == "ongoing"
    with db.session_scope(store) as session:
        assert queries.initiative_status_by_objective(session).equals(before)
        detail = initiative_detail(session, slug="giga", today=TODAY, thresholds=Thresholds())
        since = date(2025, 1, 1)
        listed = changes.changes_since(session, since=since, today=TODAY)
        recent = queries.recent_updates(session)
        report = gather_report(session, thresholds=Thresholds())
    assert detail["profile"]["status"].tolist() == ["ongoing"]
    assert SECRET not in detail["updates"]["narrative"].tolist()
    assert "status changed" not in listed["kind"].tolist()
    assert SECRET not in recent.to_string()
    assert [s.initiative_status.to_dict() for s in report.objectives] == [
        s.initiative_status.to_dict() for s in report_before.objectives
    ]
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(report_docx(report))).paragraphs)
    assert SECRET not in text


def test_a_published_update_changes_the_status_and_marks_its_milestones(store: Engine) -> None:
    editor = make_user(store, "editor.one", "editor")
    reviewer = make_user(store, "reviewer.one", "reviewer")
    with db.write_scope(store) as session:
        giga = session.exec(select(Initiative).where(Initiative.slug == "giga")).one()
        milestone = Milestone(initiative_id=giga.id, title="Schools mapped", due_date=TODAY)
        session.add(milestone)
        session.flush()
        milestone_id = milestone.id
    with db.write_scope(store) as session:
        update = giga_paused(milestones_done=frozenset({milestone_id}))
        entry = initiative_updates.save_update(
            session, update, expected_version=1, by=editor, submit=True, today=TODAY
        )
    with db.session_scope(store) as session:
        assert session.get(Milestone, milestone_id).done is False  # submitted, not published
    with db.write_scope(store) as session:
        entries.review(session, entry.id, "publish", expected_version=1, by=reviewer)
    assert stored_status(store, "giga") == "paused"
    with db.session_scope(store) as session:
        assert session.get(Milestone, milestone_id).done is True
        actions = session.exec(
            select(AuditRecord.action).where(AuditRecord.actor == "reviewer.one")
        ).all()
        listed = changes.changes_since(session, since=TODAY - timedelta(days=1), today=TODAY)
    assert {"publish entry", "change status", "milestone done"} <= set(actions)
    assert "status changed" in listed["kind"].tolist()


def test_a_draft_update_can_be_corrected_submitted_and_withdrawn(store: Engine) -> None:
    editor = make_user(store, "editor.one", "editor")
    with db.write_scope(store) as session:
        entry = initiative_updates.save_update(
            session, giga_paused(), expected_version=1, by=editor, today=TODAY
        )
    with db.write_scope(store) as session:
        corrected = entries.correct_entry(
            session,
            entry.id,
            initiative_updates.draft_of(giga_paused(status="completed", narrative="Done.")),
            expected_version=1,
            by=editor,
            today=TODAY,
        )
        assert (corrected.status, corrected.narrative) == ("completed", "Done.")
    with db.write_scope(store) as session:
        entries.review(session, entry.id, "submit", expected_version=2, by=editor)
    with db.write_scope(store) as session:
        entries.review(session, entry.id, "withdraw", expected_version=3, by=editor)
    with store.connect() as connection:
        state = connection.execute(
            sa.text("SELECT review_state FROM progressentry WHERE id = :id"), {"id": entry.id}
        ).scalar_one()
    assert state == "withdrawn"
    assert stored_status(store, "giga") == "ongoing"


def test_a_status_proposed_from_an_outdated_view_is_refused(store: Engine) -> None:
    editor = make_user(store, "editor.one", "editor")
    with db.write_scope(store) as session:
        giga = session.exec(select(Initiative).where(Initiative.slug == "giga")).one()
        giga.version += 1  # an admin's edit since the editor opened the form
        session.add(giga)
    with pytest.raises(StaleEdit), db.write_scope(store) as session:
        initiative_updates.save_update(
            session, giga_paused(), expected_version=1, by=editor, today=TODAY
        )


# 2. No silent wrong number


@pytest.mark.parametrize("typed", ["8,5", "12,5", "1.234,5"])
def test_a_decimal_comma_is_refused_in_english_at_the_value_field(
    store: Engine, typed: str
) -> None:
    editor = make_user(store, "editor.one", "editor")
    with pytest.raises(ValidationFailed) as refused, db.write_scope(store) as session:
        entries.add_entry(session, internet_use(value=typed, locale="en"), by=editor, today=TODAY)
    [message] = refused.value.for_field("value")
    assert typed in message and "“.”" in message
    with store.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM progressentry")).scalar() == 0


@pytest.mark.parametrize(
    ("typed", "locale", "stored"),
    [("8,5", "fr", 8.5), ("8,5", "es", 8.5), ("1 234,5", "fr", None), ("62.5", "en", 62.5)],
)
def test_a_decimal_comma_is_read_in_the_authors_language(
    store: Engine, typed: str, locale: str, stored: float | None
) -> None:
    editor = make_user(store, "editor.one", "editor")
    draft = internet_use(value=typed, locale=locale)
    if stored is None:  # 1,234.5 is no percentage: refused for its size, not misread
        with pytest.raises(ValidationFailed) as refused, db.write_scope(store) as session:
            entries.add_entry(session, draft, by=editor, today=TODAY)
        assert "between 0 and 100" in refused.value.for_field("value")[0]
        return
    with db.write_scope(store) as session:
        entry_id = entries.add_entry(session, draft, by=editor, today=TODAY).id
    with store.connect() as connection:
        value = connection.execute(
            sa.text("SELECT value FROM progressentry WHERE id = :id"), {"id": entry_id}
        ).scalar_one()
    assert value == stored


# 3. One live entry per cell, whatever runs at once


def test_the_database_refuses_a_second_live_entry_for_a_cell(store: Engine) -> None:
    """Even a writer that skips the command's check (a hand-typed statement) is refused."""
    editor = make_user(store, "editor.one", "editor")
    with db.write_scope(store) as session:
        entry = entries.add_entry(session, internet_use(), by=editor, today=TODAY)
    columns = (
        "indicator_id, geo_code, period, year, period_end, value, disaggregation, narrative,"
        " source, is_demo, review_state, version, created_at, updated_at"
    )
    chosen = columns.replace("review_state", "'published'")
    copy = (
        f"INSERT INTO progressentry ({columns}) SELECT {chosen} FROM progressentry WHERE id = :id"
    )
    with pytest.raises(CellTaken), db.write_scope(store) as session:
        session.execute(sa.text(copy), {"id": entry.id})
    assert live_entries_per_cell(store) == []


def test_two_saves_of_the_same_cell_at_once_leave_one_live_entry(store: Engine) -> None:
    first_editor = make_user(store, "editor.one", "editor")
    second_editor = make_user(store, "editor.two", "editor")
    first_written, second_started = threading.Event(), threading.Event()
    outcomes: dict[str, object] = {}

    def first() -> None:
        with db.write_scope(store) as session:
            entries.add_entry(session, internet_use(value=60.0), by=first_editor, today=TODAY)
            first_written.set()
            second_started.wait(10)
            threading.Event().wait(0.5)  # the second save is under way meanwhile
        outcomes["first"] = "saved"

    def second() -> None:
        first_written.wait(10)
        second_started.set()
        try:
            with db.write_scope(store) as session:
                entries.add_entry(session, internet_use(value=61.0), by=second_editor, today=TODAY)
            outcomes["second"] = "saved"
        except (CellTaken, DuplicateEntry) as refusal:
            outcomes["second"] = refusal

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert outcomes["first"] == "saved"
    assert isinstance(outcomes["second"], CellTaken | DuplicateEntry)
    assert live_entries_per_cell(store) == []
    with store.connect() as connection:
        values = connection.execute(sa.text("SELECT value FROM progressentry")).scalars().all()
    assert values == [60.0]


def test_publishing_a_correction_keeps_one_published_value(store: Engine) -> None:
    editor = make_user(store, "editor.one", "editor")
    reviewer = make_user(store, "reviewer.one", "reviewer")
    with db.write_scope(store) as session:
        entry = entries.add_entry(session, internet_use(), by=editor, submit=True, today=TODAY)
    with db.write_scope(store) as session:
        entries.review(session, entry.id, "publish", expected_version=1, by=reviewer)
    with db.write_scope(store) as session:
        correction = entries.correct_entry(
            session,
            entry.id,
            internet_use(value=67.0),
            expected_version=2,
            by=editor,
            submit=True,
            today=TODAY,
        )
    with db.write_scope(store) as session:
        entries.review(session, correction.id, "publish", expected_version=1, by=reviewer)
    with store.connect() as connection:
        published = (
            connection.execute(
                sa.text("SELECT value FROM progressentry WHERE review_state = 'published'")
            )
            .scalars()
            .all()
        )
    assert published == [67.0]
    with db.session_scope(store) as session:
        listed = changes.changes_since(session, since=TODAY - timedelta(days=1), today=TODAY)
    corrected = listed[listed["kind"] == "entry corrected"]
    assert corrected["detail"].str.contains("66.5 → 67.0").tolist() == [True]


def test_a_draft_corrected_in_place_is_no_public_correction(store: Engine) -> None:
    editor = make_user(store, "editor.one", "editor")
    with db.write_scope(store) as session:
        entry = entries.add_entry(session, internet_use(), by=editor, today=TODAY)
    with db.write_scope(store) as session:
        entries.correct_entry(
            session,
            entry.id,
            internet_use(value=12.0),
            expected_version=1,
            by=editor,
            today=TODAY,
        )
    with db.session_scope(store) as session:
        listed = changes.changes_since(session, since=TODAY - timedelta(days=1), today=TODAY)
    assert "entry corrected" not in listed["kind"].tolist()


# 5. Rights checked when the act happens


def test_a_reviewer_demoted_while_her_page_was_open_cannot_publish(store: Engine) -> None:
    editor = make_user(store, "editor.one", "editor")
    reviewer = make_user(store, "reviewer.one", "reviewer")
    with db.write_scope(store) as session:
        entry = entries.add_entry(session, internet_use(), by=editor, submit=True, today=TODAY)
    with db.write_scope(store) as session:  # an admin demotes her; her page still says reviewer
        session.get(User, reviewer.user_id).role = "viewer"
    with pytest.raises(NotAllowed, match="viewer"), db.write_scope(store) as session:
        entries.review(session, entry.id, "publish", expected_version=1, by=reviewer)
    with store.connect() as connection:
        state = connection.execute(sa.text("SELECT review_state FROM progressentry")).scalar()
    assert state == "submitted"


def test_a_deactivated_editor_cannot_save(store: Engine) -> None:
    editor = make_user(store, "editor.one", "editor")
    with db.write_scope(store) as session:
        session.get(User, editor.user_id).is_active = False
    with pytest.raises(NotAllowed, match="no longer active"), db.write_scope(store) as session:
        entries.add_entry(session, internet_use(), by=editor, today=TODAY)


def test_a_save_after_the_sign_in_ended_is_refused(store: Engine) -> None:
    editor = make_user(store, "editor.one", "editor")
    ended: Identity = editor.valid_for(60, now=datetime.now(UTC) - timedelta(minutes=61))
    with pytest.raises(SessionExpired), db.write_scope(store) as session:
        entries.add_entry(session, internet_use(), by=ended, today=TODAY)
    with store.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM progressentry")).scalar() == 0


def test_a_reviewer_does_not_publish_her_own_entry_unless_allowed(store: Engine) -> None:
    reviewer = make_user(store, "reviewer.one", "reviewer")
    with db.write_scope(store) as session:
        entry = entries.add_entry(session, internet_use(), by=reviewer, submit=True, today=TODAY)
    with pytest.raises(NotAllowed, match="four eyes"), db.write_scope(store) as session:
        entries.review(session, entry.id, "publish", expected_version=1, by=reviewer)
    with db.write_scope(store) as session:
        entries.review(
            session, entry.id, "publish", expected_version=1, by=reviewer, allow_own=True
        )


# 8. Length limits, the same on both databases


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("source", "S" * 600),
        ("narrative", "N" * 200_000),
        ("evidence_url", "https://x.org/" + "p" * 600),
    ],
)
def test_over_long_text_is_refused_at_its_field(store: Engine, field: str, text: str) -> None:
    editor = make_user(store, "editor.one", "editor")
    with pytest.raises(ValidationFailed) as refused, db.write_scope(store) as session:
        entries.add_entry(session, internet_use(**{field: text}), by=editor, today=TODAY)
    assert "at most" in refused.value.for_field(field)[0]


def test_an_upgrade_rejects_the_duplicates_a_store_already_holds(database_url: str) -> None:
    """A store that two racing imports left with two live entries in a cell upgrades: the
    published one stays, the other is rejected with the reason and an audit record."""
    engine = db.make_engine(database_url)
    db.upgrade(engine, "0006")
    now = datetime(2026, 11, 30, tzinfo=UTC)
    entry = (
        "INSERT INTO progressentry (id, indicator_id, geo_code, period, year, period_end, value,"
        " disaggregation, narrative, source, is_demo, review_state, version, created_at,"
        " updated_at) VALUES (:id, 1, 'SLV', '2024', 2024, :end, :value, 'total', '', 'NSO',"
        " :demo, :state, 1, :now, :now)"
    )
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO geography (code, kind, name) VALUES ('SLV', 'country', 'El Salvador')"
            )
        )
        connection.execute(
            sa.text(
                "INSERT INTO indicator (id, code, name, unit, direction, kind, source, definition,"
                " disaggregations, geographies, is_active, version) VALUES (1, 'UMC_INTERNET_USE',"
                " 'Internet use', 'percent', 'higher_is_better', 'outcome', '', '', '[]', '[]',"
                " :yes, 1)"
            ),
            {"yes": True},
        )
        for entry_id, value, state in (
            (1, 60.0, "draft"),
            (2, 61.0, "published"),
            (3, 62.0, "submitted"),
        ):
            connection.execute(
                sa.text(entry),
                {
                    "id": entry_id,
                    "end": date(2024, 12, 31),
                    "value": value,
                    "state": state,
                    "demo": False,
                    "now": now,
                },
            )
    db.upgrade(engine)
    with engine.connect() as connection:
        states = dict(
            connection.execute(sa.text("SELECT id, review_state FROM progressentry")).all()
        )
        notes = (
            connection.execute(
                sa.text("SELECT review_note FROM progressentry WHERE id IN (1, 3) ORDER BY id")
            )
            .scalars()
            .all()
        )
        audited = (
            connection.execute(
                sa.text(
                    "SELECT entity_id FROM auditrecord WHERE action = 'reject duplicate'"
                    " ORDER BY entity_id"
                )
            )
            .scalars()
            .all()
        )
    assert states == {1: "rejected", 2: "published", 3: "rejected"}
    assert all("entry 2 holds the same indicator" in note for note in notes)
    assert audited == ["1", "3"]
    assert live_entries_per_cell(engine) == []
    engine.dispose()
