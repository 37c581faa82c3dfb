"""The Admin page, run as Streamlit runs it (AppTest), each test on a fresh store."""

import re

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from gdc_tracker import auth, db, entries
from gdc_tracker.auth import Identity
from gdc_tracker.models import User
from gdc_tracker.ui.session import IDENTITY_KEY
from tests.apptest import open_page
from tests.factories import PASSWORD, TODAY, internet_use, make_user

PAGE = "pages/admin.py"
NEW_PASSWORD = "a long enough pass phrase"


@pytest.fixture
def store(writable_app: Engine) -> Engine:
    return writable_app


@pytest.fixture
def admin(store: Engine) -> Identity:
    return make_user(store, "admin.one", "admin")


def open_admin(identity: Identity | None, **query: str) -> AppTest:
    return open_page(PAGE, identity=identity, **query)


def fill_new_user(at: AppTest, **changes: str) -> AppTest:
    values = {
        "username": "ana.lopez",
        "display_name": "Ana López",
        "email": "ana.lopez@itu.int",
        "password": NEW_PASSWORD,
        "password_again": NEW_PASSWORD,
    }
    values.update(changes)
    for name, value in values.items():
        at.text_input(key=f"admin__{name}").input(value)
    at.selectbox(key="admin__role").set_value("editor")
    return at.button(key="admin__add").click().run()


def usernames(engine: Engine) -> list[str]:
    with db.session_scope(engine) as session:
        return sorted(session.exec(select(User.username)).all())


def role_of(engine: Engine, username: str) -> str:
    with db.session_scope(engine) as session:
        return session.exec(select(User.role).where(User.username == username)).one()


def all_text(at: AppTest) -> str:
    parts = [
        e.value
        for kind in ("markdown", "error", "success", "caption", "code")
        for e in at.get(kind)
    ]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("role", [None, "viewer", "editor", "reviewer"])
def test_everyone_but_admins_is_refused(store: Engine, role: str | None) -> None:
    identity = make_user(store, f"someone.{role}", role) if role else None
    at = open_admin(identity, tab="audit")
    assert "admin" in at.error[0].value
    assert not at.dataframe
    assert not at.tabs


def test_the_users_table_lists_accounts_without_their_password_hashes(
    store: Engine, admin: Identity
) -> None:
    make_user(store, "viewer.one", "viewer")
    at = open_admin(admin)
    table = at.dataframe[0].value
    assert list(table["username"]) == ["admin.one", "viewer.one"]
    assert list(table.columns) == [
        "username",
        "display_name",
        "email",
        "role",
        "is_active",
        "created_at",
    ]


def test_an_admin_adds_a_user_who_can_then_sign_in(store: Engine, admin: Identity) -> None:
    at = fill_new_user(open_admin(admin))
    assert not at.exception
    assert any("Added ana.lopez as editor" in s.value for s in at.success)
    with db.session_scope(store) as session:
        identity = auth.authenticate(session, "ana.lopez", NEW_PASSWORD)
    assert identity is not None and identity.role == "editor"
    assert "ana.lopez" in list(at.dataframe[0].value["username"])  # the table refreshed
    assert at.session_state["admin__password"] == ""
    assert at.session_state["admin__password_again"] == ""
    assert NEW_PASSWORD not in all_text(at)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"password_again": NEW_PASSWORD + "!"}, "the two passwords are not the same"),
        ({"password": "short", "password_again": "short"}, "at least 12 characters"),
        ({"username": "admin.one"}, "'admin.one' is already taken"),
        ({"username": "Not A Name!"}, "lower-case letters"),
        ({"email": "not an address"}, "e-mail address"),
    ],
    ids=["mismatch", "short", "duplicate", "bad-username", "bad-email"],
)
def test_a_refused_user_is_not_stored_and_the_form_says_why(
    store: Engine, admin: Identity, changes: dict[str, str], message: str
) -> None:
    before = usernames(store)
    at = fill_new_user(open_admin(admin), **changes)
    assert not at.exception
    assert usernames(store) == before
    assert any(message in e.value for e in at.error), [e.value for e in at.error]
    assert not at.success
    assert at.session_state["admin__password"] == ""


def test_an_admin_changes_a_role(store: Engine, admin: Identity) -> None:
    make_user(store, "viewer.one", "viewer")
    at = open_admin(admin)
    at.selectbox(key="admin__role_user").set_value("viewer.one")
    at.selectbox(key="admin__new_role").set_value("reviewer")
    at.button(key="admin__change_role").click().run()
    assert not at.exception
    assert role_of(store, "viewer.one") == "reviewer"
    assert any("viewer.one now has the reviewer role" in s.value for s in at.success)


def test_the_last_admin_cannot_give_up_the_role(store: Engine, admin: Identity) -> None:
    at = open_admin(admin)
    at.selectbox(key="admin__role_user").set_value("admin.one")
    at.selectbox(key="admin__new_role").set_value("editor")
    at.button(key="admin__change_role").click().run()
    assert not at.exception
    assert role_of(store, "admin.one") == "admin"
    assert any("last admin" in e.value for e in at.error)
    with db.session_scope(store) as session:  # the refused change left no audit record
        assert auth.count_admins(session) == 1
    assert at.title[0].value == "Admin" and at.tabs


def test_an_admin_who_steps_down_loses_the_page_at_once(store: Engine, admin: Identity) -> None:
    make_user(store, "admin.two", "admin")
    at = open_admin(admin)
    at.selectbox(key="admin__role_user").set_value("admin.one")
    at.selectbox(key="admin__new_role").set_value("reviewer")
    at.button(key="admin__change_role").click().run()
    assert not at.exception
    assert role_of(store, "admin.one") == "reviewer"
    assert "admin" in at.error[0].value and not at.tabs


@pytest.fixture
def published(store: Engine, admin: Identity) -> int:
    editor = make_user(store, "editor.one", "editor")
    reviewer = make_user(store, "reviewer.one", "reviewer")
    with db.session_scope(store) as session:
        entry = entries.add_entry(session, internet_use(), by=editor, submit=True, today=TODAY)
    with db.session_scope(store) as session:
        entries.review(session, int(entry.id or 0), "publish", expected_version=1, by=reviewer)
    return int(entry.id or 0)


def test_the_audit_log_filtered_by_action_shows_the_publish_record(
    store: Engine, admin: Identity, published: int
) -> None:
    at = open_admin(admin, tab="audit", action="publish entry")
    log = at.dataframe[1].value
    assert list(log["action"]) == ["publish entry"]
    assert list(log["actor"]) == ["reviewer.one"]
    assert list(log["entity_id"]) == [str(published)]
    assert "review_state: submitted → published" in log["changes"].iloc[0]
    assert '"review_state": "published"' in log["after"].iloc[0]
    assert at.selectbox(key="url__action").value == "publish entry"


def test_the_audit_log_lists_newest_first_and_filters_by_actor(
    store: Engine, admin: Identity, published: int
) -> None:
    at = open_admin(admin, tab="audit", actor="editor.one")
    assert list(at.dataframe[1].value["action"]) == ["add entry"]
    everything = open_admin(admin, tab="audit").dataframe[1].value
    assert list(everything["id"]) == sorted(everything["id"], reverse=True)
    assert everything["action"].iloc[0] == "publish entry"


def test_unknown_filter_values_in_the_url_are_ignored(
    store: Engine, admin: Identity, published: int
) -> None:
    at = open_admin(admin, tab="nonsense", action="drop tables", since="yesterday")
    assert at.selectbox(key="url__action").value == ""
    assert at.date_input(key="url__since").value is None
    assert any(r["action"] == "publish entry" for _, r in at.dataframe[1].value.iterrows())


def test_a_since_date_after_every_record_gives_an_empty_state(
    store: Engine, admin: Identity, published: int
) -> None:
    at = open_admin(admin, tab="audit", since="2999-01-01")
    assert any("No change matches these filters" in i.value for i in at.info)
    assert len(at.dataframe) == 1  # only the users table
    assert PASSWORD not in all_text(at)


def test_a_selected_audit_record_shows_before_and_after_in_full(
    store: Engine, admin: Identity, published: int
) -> None:
    at = AppTest.from_file("../app.py", default_timeout=60)
    at.session_state[IDENTITY_KEY] = admin
    at.query_params["tab"] = "audit"
    at.query_params["action"] = "publish entry"
    at.session_state["admin__audit_table"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    before, after = [c.value for c in at.code if c.language == "json"]
    assert '"review_state": "submitted"' in before
    assert '"review_state": "published"' in after


def test_the_role_help_says_what_the_readme_says(store: Engine, admin: Identity) -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    table = re.findall(r"^\| (viewer|editor|reviewer|admin) \| (.+?) \|$", readme, re.M)
    assert [role for role, _may in table] == ["viewer", "editor", "reviewer", "admin"]
    at = open_admin(admin)
    for key in ("admin__role", "admin__new_role"):
        shown = at.selectbox(key=key).help.replace("**", "").replace("  \n", "\n")
        assert shown.splitlines() == [f"{role}: {may}" for role, may in table]
