"""The changelog on the initiative and indicator views: who changed what, for staff only."""

from sqlalchemy.engine import Engine

from gdc_tracker import db, entries, initiative_updates
from tests.apptest import open_page
from tests.factories import TODAY, internet_use, make_user


def test_staff_see_who_changed_an_initiative_and_an_indicator(writable_app: Engine) -> None:
    editor = make_user(writable_app, "editor.one", "editor")
    with db.session_scope(writable_app) as session:
        initiative_updates.save_update(
            session,
            initiative_updates.InitiativeUpdate(
                slug="giga", status="paused", period="2025-Q3", narrative="Procurement paused."
            ),
            expected_version=1,
            by=editor,
            today=TODAY,
        )
        entries.add_entry(session, internet_use(), by=editor, today=TODAY)

    at = open_page("pages/initiatives.py", identity=editor, initiative="giga")
    assert not at.exception
    log = next(d.value for d in at.dataframe if "actor" in d.value.columns)
    assert set(log["action"]) == {"add entry", "change status"}
    assert set(log["actor"]) == {"editor.one"}

    at = open_page("pages/indicators.py", identity=editor, indicator="UMC_INTERNET_USE")
    assert not at.exception
    log = next(d.value for d in at.dataframe if "actor" in d.value.columns)
    assert log["action"].tolist() == ["add entry"]


def test_anonymous_visitors_do_not_see_the_changelog(writable_app: Engine) -> None:
    at = open_page("pages/initiatives.py", initiative="giga")
    assert not at.exception
    assert not any(e.label == "Changelog" for e in at.expander)
