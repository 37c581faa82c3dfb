"""The changelog on the initiative and indicator views: who changed which field, from what
to what, for staff only."""

import pandas as pd
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from gdc_tracker import db, entries, initiative_updates
from tests.apptest import open_page
from tests.factories import TODAY, internet_use, make_user


def changelog_of(at: AppTest) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "actor" in d.value.columns)


def test_staff_see_each_changed_field_with_its_value_before_and_after(
    writable_app: Engine,
) -> None:
    editor = make_user(writable_app, "editor.one", "editor")
    with db.session_scope(writable_app) as session:
        entry = entries.add_entry(session, internet_use(value=66.5), by=editor, today=TODAY)
        entry_id = int(entry.id or 0)
    with db.session_scope(writable_app) as session:
        entries.correct_entry(
            session,
            entry_id,
            internet_use(value=70.25),
            expected_version=1,
            by=editor,
            today=TODAY,
        )

    at = open_page("pages/indicators.py", identity=editor, indicator="UMC_INTERNET_USE")
    assert not at.exception
    log = changelog_of(at)
    assert list(log.columns) == ["at", "actor", "action", "field", "before", "after"]
    assert set(log["actor"]) == {"editor.one"}
    corrected = log[log["action"] == "correct entry"].set_index("field")
    assert corrected.loc["value", ["before", "after"]].tolist() == ["66.5", "70.25"]
    assert corrected.loc["version", ["before", "after"]].tolist() == ["1", "2"]
    assert "geo_code" not in corrected.index, "an unchanged field is not listed"
    assert "updated_at" not in corrected.index, "the write's own time is not a change"
    added = log[log["action"] == "add entry"].set_index("field")
    assert added.loc["geo_code", ["before", "after"]].tolist() == ["", "SLV"]
    assert added.loc["value", "after"] == "66.5"
    cells = log[["field", "before", "after"]].to_numpy().ravel()
    assert not any("{" in str(cell) for cell in cells), "no Python dictionary is shown"


def test_the_initiative_changelog_lists_an_update_by_field(writable_app: Engine) -> None:
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
    at = open_page("pages/initiatives.py", identity=editor, initiative="giga")
    assert not at.exception
    log = changelog_of(at).set_index("field")
    assert log.loc["status", ["action", "before", "after"]].tolist() == ["add entry", "", "paused"]
    assert log.loc["narrative", "after"] == "Procurement paused."


def test_anonymous_visitors_do_not_see_the_changelog(writable_app: Engine) -> None:
    at = open_page("pages/initiatives.py", initiative="giga")
    assert not at.exception
    assert not any(e.label == "Changelog" for e in at.expander)
