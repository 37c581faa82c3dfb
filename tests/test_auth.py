"""Accounts, passwords and roles."""

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from gdc_tracker import auth, db
from gdc_tracker.auth import ANONYMOUS
from gdc_tracker.errors import NotAllowed, ValidationFailed
from gdc_tracker.models import Role
from tests.factories import PASSWORD, make_user


@pytest.fixture
def store(reference_engine: Engine) -> Engine:
    return reference_engine


def test_a_user_signs_in_with_the_right_password_only(store: Engine) -> None:
    make_user(store, "ana.lopez", "editor")
    with db.session_scope(store) as session:
        identity = auth.authenticate(session, "Ana.Lopez ", PASSWORD)
        assert identity is not None and identity.role == Role.EDITOR
        assert auth.authenticate(session, "ana.lopez", PASSWORD + "x") is None
        assert auth.authenticate(session, "nobody", PASSWORD) is None


def test_passwords_are_stored_as_argon2_hashes(store: Engine) -> None:
    make_user(store, "ana.lopez", "editor")
    with store.connect() as connection:
        stored = connection.execute(sa.text('SELECT password_hash FROM "user"')).scalar()
    assert stored.startswith("$argon2") and PASSWORD not in stored


def test_the_audit_record_of_a_new_user_holds_no_password_hash(store: Engine) -> None:
    make_user(store, "ana.lopez", "editor")
    with store.connect() as connection:
        after = connection.execute(
            sa.text("SELECT after FROM auditrecord WHERE action = 'create user'")
        ).scalar()
        stored = connection.execute(sa.text('SELECT password_hash FROM "user"')).scalar()
    assert "password_hash" not in str(after) and stored not in str(after)
    assert PASSWORD not in str(after) and "ana.lopez" in str(after)


@pytest.mark.parametrize(
    ("username", "password", "role", "field"),
    [
        ("Ana Lopez", PASSWORD, "editor", "username"),
        ("ana", "short", "editor", "password"),
        ("ana", PASSWORD, "superuser", "role"),
    ],
)
def test_bad_account_details_are_refused_by_field(
    store: Engine, username: str, password: str, role: str, field: str
) -> None:
    with pytest.raises(ValidationFailed) as raised, db.session_scope(store) as session:
        auth.create_user(session, username=username, password=password, role=role)
    assert [p.field for p in raised.value.problems] == [field]


def test_a_taken_user_name_is_refused(store: Engine) -> None:
    make_user(store, "ana.lopez", "editor")
    with pytest.raises(ValidationFailed, match="already taken"), db.session_scope(store) as session:
        auth.create_user(session, username="ana.lopez", password=PASSWORD, role="viewer")


def test_roles_are_ordered_and_anonymous_has_none(store: Engine) -> None:
    reviewer = make_user(store, "rev", "reviewer")
    assert auth.has_role(reviewer, Role.EDITOR) and auth.has_role(reviewer, Role.REVIEWER)
    assert not auth.has_role(reviewer, Role.ADMIN)
    assert not auth.has_role(ANONYMOUS, Role.VIEWER)
    with pytest.raises(NotAllowed, match="admin"):
        auth.require(reviewer, Role.ADMIN, "manage users")


def test_only_admins_change_roles(store: Engine) -> None:
    admin = make_user(store, "boss", "admin")
    editor = make_user(store, "ed", "editor")
    with pytest.raises(NotAllowed), db.session_scope(store) as session:
        auth.set_role(session, username="ed", role="admin", by=editor)
    with db.session_scope(store) as session:
        auth.set_role(session, username="ed", role="reviewer", by=admin)
    with db.session_scope(store) as session:
        assert auth.authenticate(session, "ed", PASSWORD).role == Role.REVIEWER


def test_a_changed_role_or_deactivated_account_applies_to_a_signed_in_user(store: Engine) -> None:
    from gdc_tracker.models import User

    admin = make_user(store, "boss", "admin")
    editor = make_user(store, "ed", "editor")
    with db.session_scope(store) as session:
        auth.set_role(session, username="ed", role="viewer", by=admin)
    with db.session_scope(store) as session:
        assert auth.current(session, editor).role == Role.VIEWER
        session.get(User, editor.user_id).is_active = False
    with db.session_scope(store) as session:
        assert auth.current(session, editor) is None
