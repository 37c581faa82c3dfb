"""The Review page, run as Streamlit runs it (AppTest), each test on a fresh store."""

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from gdc_tracker import db, entries
from gdc_tracker.auth import Identity
from gdc_tracker.models import ProgressEntry, ReviewState
from tests.apptest import open_page
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
    return open_page(PAGE, identity=identity)


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
    assert not any("Waiting for review" in h.value for h in at.header)


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
    assert any(h.value == "Waiting for review (2)" for h in at.header)
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
    assert any(h.value == "Waiting for review (0)" for h in at.header)


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
    assert any(h.value == "Waiting for review (0)" for h in at.header)
    assert not _has(at, "review__publish")


def test_an_admin_may_review_too(store: Engine, submitted: int) -> None:
    admin = make_user(store, "admin.one", "admin")
    at = open_review(admin)
    assert at.selectbox(key="review__entry").value == submitted
    assert not at.error


# The queue that scales: filters in the URL, pages, row selection, bulk and batch decisions.


def add_submitted(engine: Engine, by: Identity, **changes: object) -> int:
    with db.session_scope(engine) as session:
        draft = internet_use(**changes)
        return int(entries.add_entry(session, draft, by=by, submit=True, today=TODAY).id or 0)


def states(engine: Engine, ids: list[int]) -> list[str]:
    """The review state of each entry, read with plain SQL."""
    with engine.connect() as connection:
        found = dict(
            connection.execute(sa.text("SELECT id, review_state FROM progressentry")).all()
        )
    return [found[i] for i in ids]


def queue_table(at: AppTest):  # noqa: ANN201 - an AppTest element
    return next(d for d in at.dataframe if str(d.key or "").startswith("review__queue"))


def select_rows(at: AppTest, rows: list[int]) -> AppTest:
    """Tick rows of the queue table as a reviewer would, then rerun."""
    key = queue_table(at).key
    at.session_state[key] = {"selection": {"rows": rows, "columns": [], "cells": []}}
    return at.run()


@pytest.fixture
def three(store: Engine, editor: Identity) -> list[int]:
    """Three submitted entries, shown oldest first."""
    return [add_submitted(store, editor, geo_code=geo) for geo in ("SLV", "BRA", "MEX")]


def test_a_filter_in_the_url_narrows_the_queue(
    store: Engine, three: list[int], reviewer: Identity
) -> None:
    at = open_page(PAGE, identity=reviewer, geo="BRA")  # a link to the filtered queue
    assert not at.exception
    assert at.selectbox(key="geo").value == "BRA"
    assert queue_table(at).value["geography"].tolist() == ["Brazil"]
    assert any(h.value == "Waiting for review (1)" for h in at.header)
    described = [c.value.replace("\\", "") for c in at.caption]
    assert "Brazil (BRA): 1 waiting" in described  # what the chosen code stands for
    at.selectbox(key="geo").set_value(None).run()
    assert not any("waiting" in c.value for c in at.caption)
    assert queue_table(at).value["geography"].tolist() == ["El Salvador", "Brazil", "Mexico"]


def test_a_reviewer_publishes_the_rows_she_selected_and_only_those(
    store: Engine, three: list[int], reviewer: Identity
) -> None:
    at = select_rows(open_review(reviewer), [0, 2])
    assert at.button(key="review__bulk_publish").label == "Publish 2 selected"
    at.button(key="review__bulk_publish").click().run()
    assert not at.exception
    assert states(store, three) == ["published", "submitted", "published"]
    assert any(s.value == "Published 2 entries." for s in at.success)
    assert queue_table(at).value["geography"].tolist() == ["Brazil"]


def test_select_all_on_the_page_then_reject_all_with_one_reason(
    store: Engine, three: list[int], reviewer: Identity
) -> None:
    at = open_review(reviewer)
    at.button(key="review__select_page").click().run()
    assert at.button(key="review__bulk_reject").label == "Reject 3 selected"
    at.text_area(key="review__bulk_reason").input("These figures are provisional.")
    at.button(key="review__bulk_reject").click().run()
    assert not at.exception
    assert states(store, three) == ["rejected"] * 3
    with store.connect() as connection:
        notes = connection.execute(sa.text("SELECT DISTINCT review_note FROM progressentry"))
        assert notes.scalars().all() == ["These figures are provisional."]
    assert any("Rejected 3 entries" in s.value for s in at.success)


def test_a_bulk_reject_without_a_reason_says_so_under_the_reason_and_rejects_nothing(
    store: Engine, three: list[int], reviewer: Identity
) -> None:
    at = open_review(reviewer)
    at.button(key="review__select_page").click().run()
    at.button(key="review__bulk_reject").click().run()
    assert not at.exception
    assert states(store, three) == ["submitted"] * 3
    assert any("say why the entries are rejected" in e.value for e in at.error)
    assert not at.success


def test_select_all_matching_takes_the_entries_of_every_page(
    store: Engine, editor: Identity, reviewer: Identity
) -> None:
    countries = ["SLV", "BRA", "MEX", "ARG", "CHL", "COL", "PER", "URY", "PRY"]
    ids = [
        add_submitted(store, editor, geo_code=geo, period=str(year))
        for geo in countries
        for year in range(2018, 2024)
    ]  # 54 entries: more than one page of 50
    at = open_review(reviewer)
    assert len(queue_table(at).value) == 50
    assert at.get("pagination")[0].proto.num_pages == 2
    at.button(key="review__select_all").click().run()
    assert any("All **54** matching entries are selected" in m.value for m in at.markdown)
    at.button(key="review__bulk_publish").click().run()
    assert not at.exception
    assert states(store, ids) == ["published"] * 54
    assert any(s.value == "Published 54 entries." for s in at.success)


def test_an_import_is_reviewed_as_one_batch(
    store: Engine, three: list[int], editor: Identity, reviewer: Identity
) -> None:
    from tests.test_review_queue import PREVIEW, make_batch

    batch_id = make_batch(store, editor, three[:2], "**wb**_internet_.csv")
    at = open_review(reviewer)
    assert any(h.value == "Imports waiting for review (1)" for h in at.header)
    card = [m.value for m in at.markdown if "imported by" in m.value]
    assert card and card[0].startswith(r"**\*\*wb\*\*\_internet\_\.csv**")  # shown as typed
    assert any(f"new\\: {PREVIEW['new']}" in c.value for c in at.caption)
    at.button(key=f"review__batch_publish_{batch_id}").click().run()
    assert not at.exception
    assert states(store, three) == ["published", "published", "submitted"]
    assert any("Published 2 entries of the import" in s.value for s in at.success)


def test_a_reviewer_cannot_publish_her_own_entry_by_default(
    store: Engine, reviewer: Identity
) -> None:
    own = add_submitted(store, reviewer)
    at = open_review(reviewer)
    at.button(key="review__publish").click().run()
    assert not at.exception
    assert states(store, [own]) == ["submitted"]
    assert any("another reviewer must" in e.value for e in at.error)
    at.button(key="review__select_page").click().run()
    at.button(key="review__bulk_publish").click().run()
    assert states(store, [own]) == ["submitted"]
    assert any(f"Entry #{own} could not be published" in e.value for e in at.error)


def test_with_self_publishing_allowed_the_page_lets_her_publish_her_own_entry(
    store: Engine, reviewer: Identity, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dataclasses

    from gdc_tracker import config

    load = config.load
    monkeypatch.setattr(
        config, "load", lambda *a, **k: dataclasses.replace(load(*a, **k), allow_self_publish=True)
    )
    own = add_submitted(store, reviewer)
    at = open_review(reviewer)
    at.button(key="review__publish").click().run()
    assert not at.exception
    assert states(store, [own]) == ["published"]


def test_a_reviewer_demoted_while_the_page_is_open_cannot_publish(
    store: Engine, three: list[int], reviewer: Identity
) -> None:
    at = select_rows(open_review(reviewer), [0, 1, 2])
    with store.begin() as connection:  # an admin makes her a viewer meanwhile
        connection.execute(
            sa.text("UPDATE \"user\" SET role = 'viewer' WHERE username = 'reviewer.one'")
        )
    at.button(key="review__bulk_publish").click().run()
    assert not at.exception
    assert states(store, three) == ["submitted"] * 3
    assert any("reviewer" in e.value and "viewer" in e.value for e in at.error)
    assert not at.success


def test_an_initiative_update_shows_the_status_it_proposes_and_its_milestones(
    store: Engine, editor: Identity, reviewer: Identity
) -> None:
    from sqlmodel import select

    from gdc_tracker import initiative_updates
    from gdc_tracker.models import Initiative, Milestone

    with db.session_scope(store) as session:
        giga = session.exec(select(Initiative).where(Initiative.slug == "giga")).one()
        milestone = Milestone(initiative_id=giga.id, title="1,000 schools connected in Rwanda")
        session.add(milestone)
        session.flush()
        update = initiative_updates.InitiativeUpdate(
            slug="giga",
            status="paused",
            narrative="Procurement paused.",
            period="2025-Q3",
            milestones_done=frozenset({milestone.id}),
        )
        entry = initiative_updates.save_update(
            session, update, expected_version=giga.version, by=editor, submit=True, today=TODAY
        )
        entry_id = int(entry.id or 0)
    at = open_review(reviewer)
    at.selectbox(key="review__entry").set_value(entry_id).run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Proposed status"] == "paused"
    assert metrics["Published status"] == "ongoing"
    assert any("1,000 schools connected in Rwanda" in t.value for t in at.text)
