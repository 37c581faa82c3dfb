"""The Review page, run as Streamlit runs it (AppTest), each test on a fresh store."""

import pytest
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from gdc_tracker import db, entries
from gdc_tracker.auth import Identity
from gdc_tracker.models import ProgressEntry, ReviewState
from gdc_tracker.ui.session import IDENTITY_KEY
from tests.factories import TODAY, internet_use, make_user

PAGE = "pages/review.py"


@pytest.fixture
def store(writable_app: Engine) -> Engine:
    return writable_app


@pytest.fixture
def editor(store: Engine) -> Identity:
    return make_user(store, "editor.one", "editor")


@pytest.fixture
def reviewer(store: Engine) -> Identity:
    return make_user(store, "reviewer.one", "reviewer")


@pytest.fixture
def submitted(store: Engine, editor: Identity) -> int:
    """One submitted entry, and a published value for the same cell to compare with."""
    with db.session_scope(store) as session:
        entry = entries.add_entry(session, internet_use(), by=editor, submit=True, today=TODAY)
        return int(entry.id or 0)


def open_review(identity: Identity | None) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=60)
    if identity is not None:
        at.session_state[IDENTITY_KEY] = identity
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def stored(engine: Engine, entry_id: int) -> ProgressEntry:
    with db.session_scope(engine) as session:
        return entries.get_entry(session, entry_id)


@pytest.mark.parametrize("role", [None, "viewer", "editor"])
def test_people_below_reviewer_are_refused_and_see_no_queue(
    store: Engine, submitted: int, role: str | None
) -> None:
    identity = make_user(store, f"someone.{role}", role) if role else None
    at = open_review(identity)
    assert "reviewer" in at.error[0].value
    assert not at.dataframe
    assert not _has(at, "review__publish")
    assert not any("Waiting for review" in h.value for h in at.subheader)


def _has(at: AppTest, key: str) -> bool:
    return any(getattr(b, "key", None) == key for b in at.button)


def test_the_queue_shows_what_would_change_against_the_published_value(
    store: Engine, editor: Identity, reviewer: Identity
) -> None:
    with db.session_scope(store) as session:
        first = entries.add_entry(
            session, internet_use(value=60.0), by=editor, submit=True, today=TODAY
        )
        entries.review(session, int(first.id or 0), "publish", expected_version=1, by=reviewer)
    with db.session_scope(store) as session:  # a correction of the published value
        entries.correct_entry(
            session,
            int(first.id or 0),
            internet_use(value=66.5),
            expected_version=2,
            by=editor,
            submit=True,
            today=TODAY,
        )
    with db.session_scope(store) as session:
        other = internet_use(geo_code="BRA", value=81.0, narrative="<b>Survey</b> *2025*")
        entries.add_entry(session, other, by=editor, submit=True, today=TODAY)
    at = open_review(reviewer)
    assert any(h.value == "Waiting for review (2)" for h in at.subheader)
    table = at.dataframe[0].value.set_index("geography")
    assert table.loc["El Salvador", "published_value"] == 60.0
    assert table.loc["El Salvador", "change"] == "+6.5"
    assert table.loc["Brazil", "change"] == "new"
    # The correction is a new entry; the published one stays on show until it is published.
    assert "El Salvador · 2025 · 66.5 percent" in list(at.selectbox(key="review__entry").options)[0]
    assert at.metric[0].value == "66.5 percent"
    assert at.metric[1].value == "60 percent"


def test_the_details_show_the_narrative_as_text(
    store: Engine, editor: Identity, reviewer: Identity
) -> None:
    narrative = "<b>Survey</b> *2025* [link](javascript:alert(1))"
    with db.session_scope(store) as session:
        draft = internet_use(narrative=narrative, evidence_url="https://example.org/survey")
        entries.add_entry(session, draft, by=editor, submit=True, today=TODAY)
    at = open_review(reviewer)
    assert narrative in [t.value for t in at.text]
    assert not any("<b>" in m.value for m in at.markdown)


def test_a_reviewer_publishes_a_submitted_entry(
    store: Engine, submitted: int, reviewer: Identity
) -> None:
    at = open_review(reviewer)
    assert at.selectbox(key="review__entry").value == submitted
    at.button(key="review__publish").click().run()
    assert not at.exception
    entry = stored(store, submitted)
    assert entry.review_state == ReviewState.PUBLISHED
    assert entry.reviewer_id == reviewer.user_id
    assert any(f"#{submitted}" in s.value and "Published" in s.value for s in at.success)
    assert any("No entry is waiting for review" in i.value for i in at.info)
    assert any(h.value == "Waiting for review (0)" for h in at.subheader)


def test_a_rejection_stores_the_reason(store: Engine, submitted: int, reviewer: Identity) -> None:
    at = open_review(reviewer)
    at.text_area(key="review__reason").input("The source does not give this figure.")
    at.button(key="review__reject").click().run()
    assert not at.exception
    entry = stored(store, submitted)
    assert entry.review_state == ReviewState.REJECTED
    assert entry.review_note == "The source does not give this figure."
    assert entry.reviewer_id == reviewer.user_id
    assert any("Rejected" in s.value for s in at.success)


def test_a_rejection_without_a_reason_keeps_the_entry_submitted_and_says_why(
    store: Engine, submitted: int, reviewer: Identity
) -> None:
    at = open_review(reviewer)
    at.text_area(key="review__reason").input("   ")
    at.button(key="review__reject").click().run()
    assert not at.exception
    assert stored(store, submitted).review_state == ReviewState.SUBMITTED
    assert any("say why the entry is rejected" in e.value for e in at.error)
    assert not at.success
    assert at.selectbox(key="review__entry").value == submitted  # still there to decide on


def test_an_entry_changed_since_it_was_opened_is_not_published_and_shows_the_newer_values(
    store: Engine, submitted: int, editor: Identity, reviewer: Identity
) -> None:
    at = open_review(reviewer)
    with db.session_scope(store) as session:  # the editor corrects it meanwhile
        entries.correct_entry(
            session,
            submitted,
            internet_use(value=70.25),
            expected_version=1,
            by=editor,
            submit=True,
            today=TODAY,
        )
    at.button(key="review__publish").click().run()
    assert not at.exception
    entry = stored(store, submitted)
    assert entry.review_state == ReviewState.SUBMITTED and entry.reviewer_id is None
    assert any("Someone saved this record" in e.value for e in at.error)
    shown = [d.value for d in at.dataframe if list(d.value.columns) == ["field", "value"]]
    newer = shown[0].set_index("field")["value"]
    assert newer["value"] == "70.25"
    assert newer["version"] == "2"


def test_an_empty_queue_says_so(store: Engine, reviewer: Identity) -> None:
    at = open_review(reviewer)
    assert any("No entry is waiting for review" in i.value for i in at.info)
    assert any(h.value == "Waiting for review (0)" for h in at.subheader)
    assert not _has(at, "review__publish")


def test_an_admin_may_review_too(store: Engine, submitted: int) -> None:
    admin = make_user(store, "admin.one", "admin")
    at = open_review(admin)
    assert at.selectbox(key="review__entry").value == submitted
    assert not at.error
