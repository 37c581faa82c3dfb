"""The Update page driven as an editor would, by widget keys, on a fresh store."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from gdc_tracker import auth, db, entries
from gdc_tracker.models import Initiative, ProgressEntry, ReviewState
from tests.apptest import open_page
from tests.conftest import url_of
from tests.factories import make_user, refuse_inserts

PAGE = "pages/update.py"


@pytest.fixture
def store(writable_app: Engine) -> str:
    """The URL of a fresh store of this test's own, which the app opens."""
    return url_of(writable_app)


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
    at.text_input(key="update__value").input(str(defaults["value"]))
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
    assert "saved (submitted for review)" in at.success[0].value
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
    assert at.text_input(key="update__value").value == "62.5"  # the typed value is kept
    assert stored_entries(store) == []


def test_a_percentage_over_100_is_refused_at_the_value_field(store: str, editor) -> None:
    at = open_page(PAGE, identity=editor)
    fill_value_form(at, value=120.0)
    press(at, "update__save_draft")
    messages = [e.value for e in at.error]
    assert any("between 0 and 100" in m for m in messages)
    assert any("Nothing was saved" in m for m in messages)
    assert stored_entries(store) == []
    assert at.text_input(key="update__value").value == "120.0"  # what was typed is kept


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
    at.text_input(key="update__value").input("63")
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
    at.text_input(key="update__value").input("61")
    colleague = make_user(engine, "editor.two", "editor")
    with db.session_scope(engine) as session:  # a colleague saves first, elsewhere
        newer = entries.EntryDraft(
            indicator_code="UMC_INTERNET_USE", geo_code="SLV", period="2024", value=65.0
        )
        entries.correct_entry(session, entry_id, newer, expected_version=1, by=colleague)
    press(at, "update__save_draft")
    assert any("Someone saved this record" in e.value for e in at.error)
    assert at.text_input(key="update__value").value == "61"
    [saved] = stored_entries(store)
    assert saved.value == 65.0  # the colleague's value was not overwritten
    press(at, "update__keep_mine")
    press(at, "update__save_draft")
    [saved] = stored_entries(store)
    assert saved.value == 61.0 and saved.version == 3


def test_an_initiative_update_changes_the_status_only_once_published(store: str, editor) -> None:
    at = open_page(PAGE, identity=editor)
    at.selectbox(key="update__initiative").set_value("giga").run()
    at.selectbox(key="update__status").set_value("paused")
    at.text_input(key="update__update_period").input("2025-Q3")
    at.text_area(key="update__story").input("Connectivity procurement paused for review.")
    press(at, "update__initiative_submit")
    assert not at.exception
    assert "Initiative update saved" in at.success[0].value
    engine = db.make_engine(store)
    with db.session_scope(engine) as session:
        giga = session.exec(select(Initiative).where(Initiative.slug == "giga")).one()
        [entry] = session.exec(select(ProgressEntry)).all()
    # Submitted, not published: the initiative is as the public knows it.
    assert (giga.status, giga.version) == ("ongoing", 1)
    assert entry.initiative_id == giga.id and entry.review_state == ReviewState.SUBMITTED
    assert (entry.status, entry.narrative) == (
        "paused",
        "Connectivity procurement paused for review.",
    )
    reviewer = make_user(engine, "reviewer.one", "reviewer")
    with db.session_scope(engine) as session:
        entries.review(session, entry.id, "publish", expected_version=1, by=reviewer)
    with db.session_scope(engine) as session:
        giga = session.exec(select(Initiative).where(Initiative.slug == "giga")).one()
    assert (giga.status, giga.version) == ("paused", 2)


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


def test_a_decimal_comma_is_refused_at_the_value_field_in_english(store: str, editor) -> None:
    at = open_page(PAGE, identity=editor)
    fill_value_form(at, value="8,5")
    press(at, "update__save_draft")
    assert any("“8,5” is not a number as written in English" in e.value for e in at.error)
    assert stored_entries(store) == []
    assert at.text_input(key="update__value").value == "8,5"  # kept as typed


def test_a_save_after_the_sign_in_ended_is_refused_and_the_form_comes_back(
    store: str, editor, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page(PAGE, identity=editor)
    fill_value_form(at, value="61.5", period="2023")

    class TwoHoursLater(datetime):
        @classmethod
        def now(cls, tz=None):  # noqa: ANN001, ANN206
            return datetime.now(tz) + timedelta(hours=2)

    monkeypatch.setattr(auth, "datetime", TwoHoursLater)
    press(at, "update__submit")
    assert not at.exception
    assert stored_entries(store) == []  # what the user is told is what is stored
    assert any("nothing was saved" in w.value for w in at.warning)
    monkeypatch.undo()
    at.session_state["auth__identity"] = editor  # signs in again
    at.run()
    assert at.text_input(key="update__value").value == "61.5"
    assert at.text_input(key="update__period").value == "2023"
    assert any("is back in the form" in s.value for s in at.success)


def test_choosing_another_initiative_clears_what_was_typed_for_the_first(
    store: str, editor
) -> None:
    at = open_page(PAGE, identity=editor)
    at.selectbox(key="update__initiative").set_value("giga").run()
    at.selectbox(key="update__status").set_value("paused")
    at.text_area(key="update__story").input("Giga's own news.").run()
    at.selectbox(key="update__initiative").set_value("equals").run()
    assert at.selectbox(key="update__status").value == "ongoing"  # EQUALS' published status
    assert at.text_area(key="update__story").value == ""


def test_correcting_the_existing_entry_keeps_what_was_typed(store: str, editor) -> None:
    at = open_page(PAGE, identity=editor)
    fill_value_form(at)
    press(at, "update__save_draft")
    fill_value_form(at, value="63.25", source="ITU estimate")
    at.text_input(key="update__evidence").input("https://www.itu.int/itu-d/ict-statistics/")
    press(at, "update__save_draft")
    notes = " ".join(w.value for w in at.warning)
    assert "62.5" in notes and "DIGESTYC" in notes  # the stored entry, named with its source
    press(at, "update__correct_existing")
    assert at.text_input(key="update__value").value == "63.25"
    assert at.text_input(key="update__source").value == "ITU estimate"
    press(at, "update__save_draft")
    [entry] = stored_entries(store)
    assert (entry.value, entry.source, entry.version) == (63.25, "ITU estimate", 2)
    assert entry.evidence_url == "https://www.itu.int/itu-d/ict-statistics/"


def test_the_race_comparison_names_geography_source_and_evidence(store: str, editor) -> None:
    engine = db.make_engine(store)
    with db.session_scope(engine) as session:
        draft = entries.EntryDraft(
            indicator_code="UMC_INTERNET_USE", geo_code="SLV", period="2024", value=60.0
        )
        entry_id = entries.add_entry(session, draft, by=editor).id
    at = open_page(PAGE, identity=editor)
    at.selectbox(key="update__pick").set_value(entry_id)
    press(at, "update__load")
    colleague = make_user(engine, "editor.two", "editor")
    with db.session_scope(engine) as session:
        newer = entries.EntryDraft(
            indicator_code="UMC_INTERNET_USE",
            geo_code="SLV",
            period="2024",
            value=65.0,
            source="Colleague's survey",
            evidence_url="https://example.org/survey",
        )
        entries.correct_entry(session, entry_id, newer, expected_version=1, by=colleague)
    press(at, "update__save_draft")
    [table] = [d for d in at.dataframe if "saved now" in d.value.columns]
    fields = dict(zip(table.value["field"], table.value["saved now"], strict=True))
    assert fields["geography"] == "SLV"
    assert fields["source"] == "Colleague's survey"
    assert fields["evidence link"] == "https://example.org/survey"


def test_an_author_submits_and_withdraws_a_draft_from_my_entries(store: str, editor) -> None:
    engine = db.make_engine(store)
    with db.session_scope(engine) as session:
        draft = entries.EntryDraft(
            indicator_code="UMC_INTERNET_USE", geo_code="SLV", period="2024", value=60.0
        )
        entry_id = entries.add_entry(session, draft, by=editor).id
    at = open_page(PAGE, identity=editor)
    at.selectbox(key="update__pick").set_value(entry_id).run()
    press(at, "update__submit_entry")
    assert [e.review_state for e in stored_entries(store)] == ["submitted"]
    press(at, "update__withdraw_entry")
    assert [e.review_state for e in stored_entries(store)] == ["withdrawn"]
    assert any("withdrawn" in s.value for s in at.success)
