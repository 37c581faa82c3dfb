"""The Admin page's reporting cycles, run as Streamlit runs it (AppTest), on a fresh store.

The store may hold the cycles of the reference data; these tests add and edit cycles of
their own, by name.
"""

from datetime import date

import pandas as pd
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from gdc_tracker import cycles, db
from gdc_tracker.auth import Identity
from gdc_tracker.models import AuditRecord, ReportingCycle
from tests.apptest import open_page
from tests.factories import make_user

PAGE = "pages/admin.py"
NAME = "Council 2027 cycle"
SOURCE = "https://council.itu.int/2027/en/key-dates/"


@pytest.fixture
def store(writable_app: Engine) -> Engine:
    return writable_app


@pytest.fixture
def admin(store: Engine) -> Identity:
    return make_user(store, "admin.one", "admin")


def open_cycles(identity: Identity) -> AppTest:
    return open_page(PAGE, identity=identity, tab="cycles")


def cycles_shown(at: AppTest) -> pd.DataFrame:
    return next(df.value for df in at.dataframe if "due_on" in df.value.columns)


def fill(at: AppTest, prefix: str, **values: object) -> None:
    for name, value in values.items():
        key = prefix + name
        if isinstance(value, date):
            at.date_input(key=key).set_value(value)
        elif name == "basis":
            at.selectbox(key=key).set_value(value)
        else:
            at.text_input(key=key).input(str(value))


def stored(store: Engine, name: str) -> ReportingCycle | None:
    with db.session_scope(store) as session:
        return session.exec(select(ReportingCycle).where(ReportingCycle.name == name)).first()


def test_an_admin_adds_a_cycle_and_sees_it_listed(store: Engine, admin: Identity) -> None:
    at = open_cycles(admin)
    assert NAME not in set(cycles_shown(at)["name"])
    fill(
        at,
        "admin__cycle_",
        name=NAME,
        starts_on=date(2027, 1, 1),
        ends_on=date(2027, 6, 30),
        due_on=date(2027, 5, 31),
        basis="public",
        source=SOURCE,
    )
    at.button(key="admin__cycle_add").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(f"Added the reporting cycle {NAME}" in s.value for s in at.success)
    listed = cycles_shown(at).set_index("name")
    assert listed.loc[NAME, "due_on"] == date(2027, 5, 31)
    assert listed.loc[NAME, "source"] == SOURCE
    cycle = stored(store, NAME)
    assert cycle is not None and cycle.basis == "public" and cycle.version == 1
    with db.session_scope(store) as session:
        actions = session.exec(
            select(AuditRecord.actor).where(AuditRecord.action == "add reporting cycle")
        ).all()
    assert actions == ["admin.one"]
    assert at.session_state["admin__cycle_name"] in (None, "")  # the form is cleared


def test_a_refused_cycle_is_not_stored_and_the_form_says_which_field(
    store: Engine, admin: Identity
) -> None:
    at = open_cycles(admin)
    fill(
        at,
        "admin__cycle_",
        name=NAME,
        starts_on=date(2027, 6, 1),
        ends_on=date(2027, 12, 31),
        due_on=date(2027, 5, 31),
    )
    at.button(key="admin__cycle_add").click().run()
    assert not at.exception
    assert stored(store, NAME) is None
    assert any("due before the cycle starts" in e.value for e in at.error)
    assert not at.success
    assert at.text_input(key="admin__cycle_name").value == NAME  # kept for the correction


def _add(store: Engine, admin: Identity) -> None:
    with db.write_scope(store) as session:
        cycles.add_cycle(
            session,
            {
                "name": NAME,
                "starts_on": "2027-01-01",
                "ends_on": "2027-06-30",
                "due_on": "2027-05-31",
                "basis": "editorial",
            },
            admin,
        )


def test_an_admin_edits_a_cycle_from_its_stored_values(store: Engine, admin: Identity) -> None:
    _add(store, admin)
    at = open_cycles(admin)
    at.selectbox(key="admin__cycle_pick").set_value(NAME).run()
    assert at.date_input(key="admin__cycle_edit_due_on").value == date(2027, 5, 31)
    at.date_input(key="admin__cycle_edit_due_on").set_value(date(2027, 6, 15))
    at.button(key="admin__cycle_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Saved the reporting cycle" in s.value for s in at.success)
    cycle = stored(store, NAME)
    assert cycle is not None and cycle.due_on == date(2027, 6, 15) and cycle.version == 2
    assert cycles_shown(at).set_index("name").loc[NAME, "due_on"] == date(2027, 6, 15)


def test_an_edit_over_someone_elses_save_is_refused(store: Engine, admin: Identity) -> None:
    _add(store, admin)
    at = open_cycles(admin)
    at.selectbox(key="admin__cycle_pick").set_value(NAME).run()
    other = make_user(store, "admin.two", "admin")
    with db.write_scope(store) as session:  # saved while the form is open
        cycles.edit_cycle(session, NAME, {"source": "their source"}, 1, other)
    at.date_input(key="admin__cycle_edit_due_on").set_value(date(2027, 6, 15))
    at.button(key="admin__cycle_save").click().run()
    assert not at.exception
    assert any("Someone saved this record" in e.value for e in at.error)
    cycle = stored(store, NAME)
    assert cycle is not None and cycle.due_on == date(2027, 5, 31)  # theirs kept
    assert cycle.source == "their source" and cycle.version == 2
    assert any("their source" in w.value for w in at.warning)  # what they saved is shown
