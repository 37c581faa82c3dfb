"""The sign-in form and the password forms as a person uses them (AppTest): one message for
a wrong password and an unknown user, a pause after repeated failures, a deactivated
user's open sign-in refused at its next run, a reset password replaced before anything
else, and one's own password changed from the sidebar."""

import pytest
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from gdc_tracker import auth, db
from tests.apptest import open_page
from tests.factories import PASSWORD, make_user

NEW_PASSWORD = "a wholly different phrase"
SIGNED_IN = "Signed in as"


@pytest.fixture
def store(writable_app: Engine) -> Engine:
    make_user(writable_app, "ben.editor", "editor")
    return writable_app


def open_app(page: str | None = None) -> AppTest:
    return open_page(page or "app.py")


def submit_sign_in(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input(key="auth__username").input(username)
    at.text_input(key="auth__password").input(password)
    at.button(key="auth__sign_in").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def signed_in(at: AppTest) -> bool:
    return any(SIGNED_IN in caption.value for caption in at.caption)


def warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning]


def test_a_wrong_password_and_an_unknown_user_get_the_same_message(store: Engine) -> None:
    wrong = submit_sign_in(open_app(), "ben.editor", "not the password at all")
    unknown = submit_sign_in(open_app(), "nobody.here", "not the password at all")
    assert warnings(wrong) == warnings(unknown) == ["User name or password is not right."]
    assert not signed_in(wrong) and not signed_in(unknown)
    assert wrong.text_input(key="auth__password").value == ""


def test_the_right_password_signs_in(store: Engine) -> None:
    at = submit_sign_in(open_app(), "Ben.Editor", PASSWORD)
    assert signed_in(at) and not warnings(at)


def test_after_five_failures_even_the_right_password_is_paused(store: Engine) -> None:
    at = open_app()
    for _ in range(5):
        submit_sign_in(at, "ben.editor", "not the password at all")
    submit_sign_in(at, "ben.editor", PASSWORD)
    assert not signed_in(at)
    (message,) = warnings(at)
    assert "Sign-in is paused for this account" in message and "Try again in" in message
    unknown = open_app()
    for _ in range(6):
        submit_sign_in(unknown, "nobody.here", "not the password at all")
    assert warnings(unknown) == [message]  # no telling which user names exist


def test_a_deactivated_users_open_sign_in_is_refused_at_its_next_run(store: Engine) -> None:
    admin = make_user(store, "ada.admin", "admin")
    at = submit_sign_in(open_app(), "ben.editor", PASSWORD)
    assert signed_in(at)
    with db.session_scope(store) as session:
        auth.set_active(session, username="ben.editor", active=False, by=admin)
    at.switch_page("pages/update.py").run()
    assert not signed_in(at)
    assert any("sign in" in e.value.lower() for e in at.error)  # the page refuses a visitor


def change_password(at: AppTest, current: str, new: str, again: str | None = None) -> AppTest:
    at.text_input(key="auth__new_current_password").input(current)
    at.text_input(key="auth__new_password").input(new)
    at.text_input(key="auth__new_password_again").input(new if again is None else again)
    at.button(key="auth__change_password").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_reset_password_must_be_replaced_before_anything_else(store: Engine) -> None:
    admin = make_user(store, "ada.admin", "admin")
    with db.session_scope(store) as session:
        temporary = auth.reset_password(session, username="ben.editor", by=admin)
    at = submit_sign_in(open_app(), "ben.editor", temporary)
    assert at.title[0].value == "Choose a new password"
    at.switch_page("pages/update.py").run()
    assert [t.value for t in at.title] == ["Choose a new password"]  # not the Update page
    change_password(at, temporary, "password1234")
    assert any("most common passwords" in e.value for e in at.error)
    assert at.title[0].value == "Choose a new password"
    change_password(at, temporary, NEW_PASSWORD)
    assert at.title[0].value == "Update" and signed_in(at)
    with db.session_scope(store) as session:
        assert auth.authenticate(session, "ben.editor", NEW_PASSWORD) is not None


def test_a_signed_in_user_changes_her_password_from_the_sidebar(store: Engine) -> None:
    at = submit_sign_in(open_app(), "ben.editor", PASSWORD)
    change_password(at, PASSWORD, NEW_PASSWORD, again=NEW_PASSWORD + "!")
    assert any("the two passwords are not the same" in e.value for e in at.error)
    change_password(at, "a wrong current one", NEW_PASSWORD)
    assert any("this is not your password" in e.value for e in at.error)
    change_password(at, PASSWORD, NEW_PASSWORD)
    assert any("Your password was changed." in s.value for s in at.success)
    assert signed_in(at)
    assert at.text_input(key="auth__new_password").value == ""
    with db.session_scope(store) as session:
        assert auth.authenticate(session, "ben.editor", PASSWORD) is None
        assert auth.authenticate(session, "ben.editor", NEW_PASSWORD) is not None
