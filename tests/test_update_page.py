"""The Update page driven as an editor would, by widget keys, on a fresh store."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from gdc_tracker import db, entries
from gdc_tracker.models import Initiative, ProgressEntry, ReviewState
from tests.apptest import clear_streamlit_caches, fresh_store, open_page
from tests.factories import make_user, refuse_inserts

PAGE = "pages/update.py"


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = fresh_store(tmp_path)
    monkeypatch.setenv("GDC_TRACKER_DATABASE_URL", url)
    clear_streamlit_caches()
    yield url
    clear_streamlit_caches()


@pytest.fixture
def editor(store: str):  # noqa: ANN201
    return make_user(db.make_engine(store), "editor.one", "editor")


def stored_entries(url: str) -> list[ProgressEntry]:
    with db.session_scope(db.make_engine(url)) as session:
        return list(session.exec(select(ProgressEntry)).all())


def fill_value_form(at, **values: object) -> None:  # noqa: ANN001
    defaults = {"geo": "SLV", "period": "2024", "value": 62.5, "source": "DIGESTYC"}
    defaults.update(values)
    at.selectbox(key="update__indicator").set_value("UMC_INTERNET_USE").run()
    at.selectbox(key="update__geo").set_value(defaults["geo"])
    at.text_input(key="update__period").input(str(defaults["period"]))
    at.number_input(key="update__value").set_value(defaults["value"])
    at.text_input(key="update__source").input(str(defaults["source"]))


def press(at, key: str) -> None:  # noqa: ANN001
    next(b for b in at.button if b.key == key).click().run()


@pytest.mark.parametrize("visitor", [None, "viewer"])
def test_visitors_below_editor_are_refused_even_by_url(store: str, visitor: str | None) -> None:
    identity = make_user(db.make_engine(store), "someone", visitor) if visitor else None
    at = open_page(PAGE, identity=identity)
    assert not at.exception
    assert "editor" in at.error[0].value
    assert not any(w.key == "update__indicator" for w in at.selectbox)


def test_an_editor_submits_a_value_and_it_waits_for_review(store: str, editor) -> None:
    at = open_page(PAGE, identity=editor)
    fill_value_form(at)
    press(at, "update__submit")
    assert not at.exception
    assert "saved (submitted)" in at.success[0].value
    [entry] = stored_entries(store)
    assert (entry.geo_code, entry.period, entry.value) == ("SLV", "2024", 62.5)
    assert entry.review_state == ReviewState.SUBMITTED and entry.author_id == editor.user_id


def test_a_save_the_database_refuses_keeps_the_form_and_says_nothing_was_saved(
    store: str, editor
) -> None:
    refuse_inserts(db.make_engine(store))
    at = open_page(PAGE, identity=editor)
    fill_value_form(at)
    press(at, "update__submit")
    assert not at.exception
    assert "Nothing was saved." in at.error[0].value
    assert at.number_input(key="update__value").value == 62.5  # the typed value is kept
    assert stored_entries(store) == []


def test_a_percentage_over_100_is_refused_at_the_value_field(store: str, editor) -> None:
    at = open_page(PAGE, identity=editor)
    fill_value_form(at, value=120.0)
    press(at, "update__save_draft")
    messages = [e.value for e in at.error]
    assert any("between 0 and 100" in m for m in messages)
    assert any("Nothing was saved" in m for m in messages)
    assert stored_entries(store) == []
    assert at.number_input(key="update__value").value == 120.0  # what was typed is kept


def test_a_future_period_is_refused_at_the_period_field(store: str, editor) -> None:
    at = open_page(PAGE, identity=editor)
    fill_value_form(at, period="2031")
    press(at, "update__save_draft")
    assert any("2031 has not ended yet" in e.value for e in at.error)
    assert stored_entries(store) == []


def test_a_second_entry_for_the_same_cell_offers_to_correct_the_first(store: str, editor) -> None:
    at = open_page(PAGE, identity=editor)
    fill_value_form(at)
    press(at, "update__save_draft")
    fill_value_form(at, value=63.0)
    press(at, "update__save_draft")
    assert any("already exists" in e.value for e in at.error)
    assert len(stored_entries(store)) == 1
    press(at, "update__correct_existing")
    assert "Correcting entry" in at.info[0].value
    at.number_input(key="update__value").set_value(63.0)
    press(at, "update__save_draft")
    [entry] = stored_entries(store)
    assert entry.value == 63.0 and entry.version == 2


def test_a_correction_that_lost_a_race_is_refused_and_keeps_the_typed_values(
    store: str, editor
) -> None:
    engine = db.make_engine(store)
    with db.session_scope(engine) as session:
        draft = entries.EntryDraft(
            indicator_code="UMC_INTERNET_USE", geo_code="SLV", period="2024", value=60.0
        )
        entry_id = entries.add_entry(session, draft, by=editor).id
    at = open_page(PAGE, identity=editor)
    at.selectbox(key="update__pick").set_value(entry_id)
    press(at, "update__load")
    at.number_input(key="update__value").set_value(61.0)
    colleague = make_user(engine, "editor.two", "editor")
    with db.session_scope(engine) as session:  # a colleague saves first, elsewhere
        newer = entries.EntryDraft(
            indicator_code="UMC_INTERNET_USE", geo_code="SLV", period="2024", value=65.0
        )
        entries.correct_entry(session, entry_id, newer, expected_version=1, by=colleague)
    press(at, "update__save_draft")
    assert any("Someone saved this record" in e.value for e in at.error)
    assert at.number_input(key="update__value").value == 61.0
    [saved] = stored_entries(store)
    assert saved.value == 65.0  # the colleague's value was not overwritten
    press(at, "update__keep_mine")
    press(at, "update__save_draft")
    [saved] = stored_entries(store)
    assert saved.value == 61.0 and saved.version == 3


def test_an_initiative_update_changes_status_and_records_the_narrative(store: str, editor) -> None:
    at = open_page(PAGE, identity=editor)
    at.selectbox(key="update__initiative").set_value("giga").run()
    at.selectbox(key="update__status").set_value("paused")
    at.text_input(key="update__update_period").input("2025-Q3")
    at.text_area(key="update__story").input("Connectivity procurement paused for review.")
    press(at, "update__initiative_submit")
    assert not at.exception
    assert "Initiative update saved" in at.success[0].value
    with db.session_scope(db.make_engine(store)) as session:
        giga = session.exec(select(Initiative).where(Initiative.slug == "giga")).one()
        [entry] = session.exec(select(ProgressEntry)).all()
    assert giga.status == "paused" and giga.version == 2
    assert entry.initiative_id == giga.id and entry.review_state == ReviewState.SUBMITTED
    assert entry.narrative == "Connectivity procurement paused for review."


def test_the_author_sees_a_rejection_and_its_reason(store: str, editor) -> None:
    engine = db.make_engine(store)
    reviewer = make_user(engine, "reviewer.one", "reviewer")
    with db.session_scope(engine) as session:
        draft = entries.EntryDraft(
            indicator_code="UMC_INTERNET_USE", geo_code="SLV", period="2024", value=60.0
        )
        entry = entries.add_entry(session, draft, by=editor, submit=True)
        entries.review(
            session,
            entry.id,
            "reject",
            expected_version=1,
            by=reviewer,
            reason="Please cite the household survey",
        )
    at = open_page(PAGE, identity=editor)
    assert any("Please cite the household survey" in w.value for w in at.warning)
