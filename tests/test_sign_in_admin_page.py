"""The Admin page's account forms (AppTest): deactivate and reactivate a user, never the
last active admin; reset a password to a temporary one shown once; refuse a weak password
for a new user."""

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from gdc_tracker import auth, db
from gdc_tracker.auth import Identity
from gdc_tracker.models import AuditRecord, User
from tests.apptest import open_page
from tests.factories import PASSWORD, make_user

PAGE = "pages/admin.py"


@pytest.fixture
def store(writable_app: Engine) -> Engine:
    return writable_app


@pytest.fixture
def admin(store: Engine) -> Identity:
    make_user(store, "ben.editor", "editor")
    return make_user(store, "ada.admin", "admin")


def open_admin(identity: Identity) -> AppTest:
    return open_page(PAGE, identity=identity)


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def is_active(engine: Engine, username: str) -> bool:
    with db.session_scope(engine) as session:
        return session.exec(select(User.is_active).where(User.username == username)).one()


def test_an_admin_deactivates_and_reactivates_a_user(store: Engine, admin: Identity) -> None:
    at = open_admin(admin)
    at.selectbox(key="admin__access_user").set_value("ben.editor")
    click(at, "admin__deactivate")
    assert not is_active(store, "ben.editor")
    assert any("ben.editor is deactivated" in s.value for s in at.success)
    table = at.dataframe[0].value
    assert not table.loc[table["username"] == "ben.editor", "is_active"].item()
    with db.session_scope(store) as session:
        assert auth.authenticate(session, "ben.editor", PASSWORD) is None
    at.selectbox(key="admin__access_user").set_value("ben.editor")
    click(at, "admin__reactivate")
    assert is_active(store, "ben.editor")
    assert any("ben.editor can sign in again" in s.value for s in at.success)


def test_the_last_active_admin_cannot_be_deactivated(store: Engine, admin: Identity) -> None:
    at = open_admin(admin)
    at.selectbox(key="admin__access_user").set_value("ada.admin")
    click(at, "admin__deactivate")
    assert is_active(store, "ada.admin")
    assert any("last active admin" in e.value for e in at.error)
    with db.session_scope(store) as session:
        actions = session.exec(select(AuditRecord.action)).all()
    assert "deactivate user" not in actions


def test_a_reset_shows_the_temporary_password_once(store: Engine, admin: Identity) -> None:
    at = open_admin(admin)
    before = {code.value for code in at.code}
    at.selectbox(key="admin__reset_user").set_value("ben.editor")
    click(at, "admin__reset")
    assert any("password of ben.editor is reset" in s.value for s in at.success)
    (shown,) = [code.value for code in at.code if code.value not in before]
    with db.session_scope(store) as session:
        identity = auth.authenticate(session, "ben.editor", shown)
        assert identity is not None and identity.must_change_password
        assert auth.authenticate(session, "ben.editor", PASSWORD) is None
    at.run()  # the next run, e.g. a click elsewhere
    assert shown not in [code.value for code in at.code]


def test_a_new_user_with_a_common_password_is_refused_and_told_why(
    store: Engine, admin: Identity
) -> None:
    at = open_admin(admin)
    values = {"username": "cy.viewer", "password": "Password1234", "password_again": "Password1234"}
    for name, value in values.items():
        at.text_input(key=f"admin__{name}").input(value)
    click(at, "admin__add")
    assert any("most common passwords" in e.value for e in at.error)
    with db.session_scope(store) as session:
        assert session.exec(select(User).where(User.username == "cy.viewer")).first() is None
