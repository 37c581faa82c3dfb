"""The write side: each validation rule, duplicates, review, and no silent overwrite."""

import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select

from gdc_tracker import db, entries
from gdc_tracker.errors import DuplicateEntry, NotAllowed, StaleEdit, ValidationFailed
from gdc_tracker.models import AuditRecord, Indicator, ProgressEntry, ReviewState
from tests.factories import TODAY, internet_use, make_user


@pytest.fixture
def editor(reference_engine: Engine):  # noqa: ANN201
    return make_user(reference_engine, "editor.one", "editor")


@pytest.fixture
def reviewer(reference_engine: Engine):  # noqa: ANN201
    return make_user(reference_engine, "reviewer.one", "reviewer")


def problems_of(engine: Engine, draft: entries.EntryDraft) -> dict[str, list[str]]:
    with db.session_scope(engine) as session, pytest.raises(ValidationFailed) as raised:
        entries.validate(session, draft, today=TODAY)
    return {
        p.field: [q.message for q in raised.value.problems if q.field == p.field]
        for p in raised.value.problems
    }


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"indicator_code": "NO_SUCH"}, "indicator", "unknown indicator 'NO_SUCH'"),
        ({"value": 104.0}, "value", "a percentage must be between 0 and 100"),
        ({"value": -1.0}, "value", "a percentage must be between 0 and 100"),
        ({"value": None}, "value", "enter a value"),
        ({"value": float("nan")}, "value", "enter a number"),
        ({"period": "2027"}, "period", "2027 has not ended yet"),
        ({"period": "2026-Q4"}, "period", "2026-Q4 has not ended yet"),
        ({"period": "1985"}, "period", "before 1990"),
        ({"period": "last year"}, "period", "is not a period"),
        ({"geo_code": "XXX"}, "geography", "unknown geography 'XXX'"),
        ({"disaggregation": "income:high"}, "disaggregation", "'income' is not allowed"),
        ({"disaggregation": "sex:other"}, "disaggregation", "'other' is not a category of sex"),
        ({"evidence_url": "not a link"}, "evidence_url", "full web address"),
    ],
)
def test_each_bad_field_is_named_with_its_reason(
    reference_engine: Engine, changes: dict, field: str, words: str
) -> None:
    found = problems_of(reference_engine, internet_use(**changes))
    assert field in found
    assert any(words in message for message in found[field]), found


def test_an_inactive_indicator_is_refused(reference_engine: Engine) -> None:
    with db.session_scope(reference_engine) as session:
        session.execute(
            sa.update(Indicator).where(Indicator.code == "UMC_INTERNET_USE").values(is_active=False)
        )
    assert "no longer in use" in problems_of(reference_engine, internet_use())["indicator"][0]


def test_a_text_too_long_is_refused_with_its_limit_and_its_length() -> None:
    assert entries.too_long(5_000, 5_012) == "use at most 5,000 characters (this has 5,012)"
    assert entries.too_long(1) == "use at most 1 character"


def test_an_output_indicator_needs_an_evidence_link(reference_engine: Engine) -> None:
    draft = internet_use(indicator_code="GIGA_SCHOOLS_CONNECTED", geo_code="WLD", value=5000.0)
    assert "evidence link is required" in problems_of(reference_engine, draft)["evidence_url"][0]


def test_a_regional_only_indicator_refuses_a_country(reference_engine: Engine) -> None:
    draft = internet_use(
        indicator_code="ITUT_AI_STANDARDS_APPROVED", value=5.0, evidence_url="https://www.itu.int"
    )
    assert "reported for" in problems_of(reference_engine, draft)["geography"][0]


def test_an_initiative_update_needs_a_status_and_a_narrative(reference_engine: Engine) -> None:
    draft = entries.EntryDraft(period="2025-Q3", initiative_slug="giga", status="finished")
    found = problems_of(reference_engine, draft)
    assert set(found) == {"status", "narrative"}


def test_a_valid_entry_is_saved_as_draft_with_its_audit_record(
    reference_engine: Engine, editor
) -> None:
    version_before = db.read_data_version(reference_engine)
    with db.session_scope(reference_engine) as session:
        entry = entries.add_entry(session, internet_use(), by=editor, today=TODAY)
        entry_id = entry.id
    with db.session_scope(reference_engine) as session:
        saved = session.get(ProgressEntry, entry_id)
        audit = session.exec(
            select(AuditRecord).where(
                AuditRecord.entity == "progressentry", AuditRecord.entity_id == str(entry_id)
            )
        ).one()
    assert saved.review_state == ReviewState.DRAFT and saved.value == 66.5 and saved.year == 2025
    assert audit.actor == "editor.one" and audit.after["value"] == 66.5 and audit.before is None
    assert db.read_data_version(reference_engine) == version_before + 1


def test_the_store_keeps_what_the_editor_typed(reference_engine: Engine, editor) -> None:
    """Every field of a valid entry, read back from the database: the evidence link, the
    breakdown by sex, the narrative and the source as typed (trimmed), nothing dropped."""
    typed = internet_use(
        disaggregation="sex:female",
        evidence_url="https://www.itu.int/en/ITU-D/Statistics/Pages/stat/default.aspx",
        narrative="  Household survey 2025, women aged 15 and over.  ",
        source=" National statistics office ",
    )
    with db.session_scope(reference_engine) as session:
        entry_id = entries.add_entry(session, typed, by=editor, today=TODAY).id
    with reference_engine.connect() as connection:
        row = connection.execute(
            sa.text(
                "SELECT geo_code, period, value, disaggregation, evidence_url, narrative, "
                "source FROM progressentry WHERE id = :id"
            ),
            {"id": entry_id},
        ).one()
    assert tuple(row) == (
        "SLV",
        "2025",
        66.5,
        "sex:female",
        "https://www.itu.int/en/ITU-D/Statistics/Pages/stat/default.aspx",
        "Household survey 2025, women aged 15 and over.",
        "National statistics office",
    )


def test_a_second_entry_for_the_same_cell_is_refused_and_names_the_first(
    reference_engine: Engine, editor
) -> None:
    with db.session_scope(reference_engine) as session:
        first = entries.add_entry(session, internet_use(), by=editor, today=TODAY)
    with pytest.raises(DuplicateEntry) as raised, db.session_scope(reference_engine) as session:
        entries.add_entry(session, internet_use(value=70.0), by=editor, today=TODAY)
    assert raised.value.existing_id == first.id
    assert raised.value.existing["value"] == 66.5


def test_viewers_and_anonymous_users_cannot_write(reference_engine: Engine) -> None:
    from gdc_tracker.auth import ANONYMOUS

    viewer = make_user(reference_engine, "viewer.one", "viewer")
    for who in (viewer, ANONYMOUS):
        with pytest.raises(NotAllowed), db.session_scope(reference_engine) as session:
            entries.add_entry(session, internet_use(), by=who, today=TODAY)
    with reference_engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM progressentry")).scalar() == 0


def test_submit_publish_and_reject_follow_the_review_rules(
    reference_engine: Engine, editor, reviewer
) -> None:
    with db.session_scope(reference_engine) as session:
        entry = entries.add_entry(session, internet_use(), by=editor, submit=True, today=TODAY)
        other = entries.add_entry(
            session, internet_use(geo_code="GTM"), by=editor, submit=True, today=TODAY
        )
    with pytest.raises(NotAllowed), db.session_scope(reference_engine) as session:
        entries.review(session, entry.id, "publish", expected_version=1, by=editor)
    with pytest.raises(ValidationFailed), db.session_scope(reference_engine) as session:
        entries.review(session, other.id, "reject", expected_version=1, by=reviewer, reason=" ")
    with db.session_scope(reference_engine) as session:
        published = entries.review(session, entry.id, "publish", expected_version=1, by=reviewer)
        rejected = entries.review(
            session,
            other.id,
            "reject",
            expected_version=1,
            by=reviewer,
            reason="Source is a press release, not the NSO",
        )
    assert (
        published.review_state == ReviewState.PUBLISHED
        and published.reviewer_id == reviewer.user_id
    )
    assert rejected.review_state == ReviewState.REJECTED
    assert rejected.review_note == "Source is a press release, not the NSO"
    with pytest.raises(NotAllowed), db.session_scope(reference_engine) as session:
        entries.review(session, entry.id, "reject", expected_version=2, by=reviewer, reason="late")


def test_a_rejected_entry_can_be_corrected_and_submitted_again(
    reference_engine: Engine, editor, reviewer
) -> None:
    with db.session_scope(reference_engine) as session:
        entry = entries.add_entry(session, internet_use(), by=editor, submit=True, today=TODAY)
        entries.review(session, entry.id, "reject", expected_version=1, by=reviewer, reason="typo")
    with db.session_scope(reference_engine) as session:
        fixed = entries.correct_entry(
            session,
            entry.id,
            internet_use(value=65.5),
            expected_version=2,
            by=editor,
            submit=True,
            today=TODAY,
        )
    assert fixed.value == 65.5 and fixed.review_state == ReviewState.SUBMITTED
    assert fixed.version == 3 and fixed.review_note is None


def test_a_stale_correction_is_refused_and_shows_the_newer_values(
    reference_engine: Engine, editor
) -> None:
    with db.session_scope(reference_engine) as session:
        entry = entries.add_entry(session, internet_use(), by=editor, today=TODAY)
    colleague = make_user(reference_engine, "editor.two", "editor")
    with db.session_scope(reference_engine) as session:
        entries.correct_entry(
            session,
            entry.id,
            internet_use(value=67.0),
            expected_version=1,
            by=colleague,
            today=TODAY,
        )
    with pytest.raises(StaleEdit) as raised, db.session_scope(reference_engine) as session:
        entries.correct_entry(
            session, entry.id, internet_use(value=68.0), expected_version=1, by=editor, today=TODAY
        )
    assert raised.value.current["value"] == 67.0 and raised.value.current["version"] == 2
    with db.session_scope(reference_engine) as session:
        assert session.get(ProgressEntry, entry.id).value == 67.0


def test_two_concurrent_editors_one_saves_the_other_is_refused(
    reference_engine: Engine, editor
) -> None:
    """Two editors, each with their own connection (as two app processes would), both start
    from version 1 and press save at the same moment: exactly one change lands."""
    with db.session_scope(reference_engine) as session:
        entry_id = entries.add_entry(session, internet_use(), by=editor, today=TODAY).id
    colleague = make_user(reference_engine, "editor.two", "editor")
    second_engine = db.make_engine(str(reference_engine.url.render_as_string(hide_password=False)))
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def save(name: str, engine: Engine, who, value: float) -> None:  # noqa: ANN001
        start.wait()
        try:
            with db.session_scope(engine) as session:
                entries.correct_entry(
                    session,
                    entry_id,
                    internet_use(value=value),
                    expected_version=1,
                    by=who,
                    today=TODAY,
                )
            outcomes[name] = "saved"
        except StaleEdit as error:
            outcomes[name] = error
        except sa.exc.OperationalError as error:  # SQLite: the loser may time out on the lock
            outcomes[name] = error

    threads = [
        threading.Thread(target=save, args=("a", reference_engine, editor, 61.0)),
        threading.Thread(target=save, args=("b", second_engine, colleague, 62.0)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    second_engine.dispose()
    assert sorted(str(type(v).__name__) for v in outcomes.values()) == ["StaleEdit", "str"]
    winner_value = 61.0 if outcomes["a"] == "saved" else 62.0
    with db.session_scope(reference_engine) as session:
        saved = session.get(ProgressEntry, entry_id)
        corrections = session.exec(
            select(AuditRecord).where(
                AuditRecord.entity_id == str(entry_id), AuditRecord.action == "correct entry"
            )
        ).all()
    assert saved.value == winner_value and saved.version == 2
    assert len(corrections) == 1


def test_correcting_a_published_value_keeps_it_public_until_the_correction_is_published(
    reference_engine: Engine, editor, reviewer
) -> None:
    from gdc_tracker.queries import overview, workflow

    with db.session_scope(reference_engine) as session:
        entry = entries.add_entry(session, internet_use(), by=editor, submit=True, today=TODAY)
        entries.review(session, entry.id, "publish", expected_version=1, by=reviewer)
        indicator_id = entry.indicator_id
    with db.session_scope(reference_engine) as session:
        correction = entries.correct_entry(
            session,
            entry.id,
            internet_use(value=67.5),
            expected_version=2,
            by=editor,
            submit=True,
            today=TODAY,
        )
        public = overview.yearly_values(session, geo_codes=("SLV",), indicator_ids=(indicator_id,))
        queue = workflow.review_queue(session)
    assert correction.id != entry.id and correction.supersedes_id == entry.id
    assert public["value"].tolist() == [66.5]  # the published figure stays on show
    assert queue.set_index("id").loc[correction.id, "published_value"] == 66.5
    with db.session_scope(reference_engine) as session:
        entries.review(session, correction.id, "publish", expected_version=1, by=reviewer)
    with db.session_scope(reference_engine) as session:
        public = overview.yearly_values(session, geo_codes=("SLV",), indicator_ids=(indicator_id,))
        original = session.get(ProgressEntry, entry.id)
    assert public["value"].tolist() == [67.5]
    assert original.review_state == ReviewState.SUPERSEDED


def test_a_second_correction_of_the_same_published_value_is_refused(
    reference_engine: Engine, editor, reviewer
) -> None:
    with db.session_scope(reference_engine) as session:
        entry = entries.add_entry(session, internet_use(), by=editor, submit=True, today=TODAY)
        entries.review(session, entry.id, "publish", expected_version=1, by=reviewer)
    with db.session_scope(reference_engine) as session:
        first = entries.correct_entry(
            session, entry.id, internet_use(value=67.5), expected_version=2, by=editor, today=TODAY
        )
    with pytest.raises(StaleEdit), db.session_scope(reference_engine) as session:
        entries.correct_entry(
            session, entry.id, internet_use(value=68.0), expected_version=2, by=editor, today=TODAY
        )
    with db.session_scope(reference_engine) as session:  # the pending correction can be edited
        again = entries.correct_entry(
            session, first.id, internet_use(value=67.0), expected_version=1, by=editor, today=TODAY
        )
    assert again.id == first.id and again.value == 67.0
