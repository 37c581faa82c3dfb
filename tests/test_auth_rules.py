"""Who may do what, as the store decides it at the moment of a write, with each refusal
in full: the role order, a sign-in that has ended, an account deactivated or demoted
since it signed in, new accounts, and the last administrator.

The role order is the one the product states (viewer < editor < reviewer < admin); the
expected rights below are written from it by hand, not from `ROLE_ORDER`.
"""

import shutil
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from gdc_tracker import auth, db, sessions
from gdc_tracker.auth import ANONYMOUS, CHANGE_OWN_PASSWORD, Identity
from gdc_tracker.errors import NotAllowed, NotFound, SessionExpired, ValidationFailed
from gdc_tracker.models import AuditRecord, Role, User, UserSession
from tests.factories import PASSWORD, make_user

MAY = {
    "viewer": {"viewer"},
    "editor": {"viewer", "editor"},
    "reviewer": {"viewer", "editor", "reviewer"},
    "admin": {"viewer", "editor", "reviewer", "admin"},
}
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def someone(role: str, user_id: int | None = 7) -> Identity:
    return Identity(user_id=user_id, username=f"a.{role}", display_name="", role=Role(role))


@pytest.mark.parametrize("holder", MAY)
@pytest.mark.parametrize("needed", MAY)
def test_each_role_may_do_what_the_roles_before_it_may(holder: str, needed: str) -> None:
    assert auth.has_role(someone(holder), Role(needed)) is (needed in MAY[holder])


@pytest.mark.parametrize("needed", MAY)
def test_nobody_signed_in_holds_any_role(needed: str) -> None:
    assert auth.has_role(None, Role(needed)) is False
    assert auth.has_role(ANONYMOUS, Role(needed)) is False  # a viewer's role, no account
    assert auth.has_role(someone("admin", user_id=None), Role(needed)) is False


def test_a_refusal_names_the_role_needed_and_the_action() -> None:
    editor = someone("editor")

    assert auth.require(editor, Role.EDITOR, "save values") is editor
    with pytest.raises(NotAllowed) as refused:
        auth.require(editor, Role.ADMIN, "add users")
    assert (
        str(refused.value) == "Only signed-in users with the admin role (or above) may add users."
    )
    with pytest.raises(NotAllowed) as refused:
        auth.require(None, Role.VIEWER, "ask a question")
    assert str(refused.value) == (
        "Only signed-in users with the viewer role (or above) may ask a question."
    )


# --- the store decides, at the moment of the write --------------------------------------


@pytest.fixture
def store(reference_template: Path, tmp_path: Path) -> Iterator[Engine]:
    path = tmp_path / "store.db"
    shutil.copy(reference_template, path)
    engine = db.make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


def authorized(store: Engine, identity: Identity, needed: Role, action: str) -> Identity:
    with db.session_scope(store) as session:
        return auth.authorize(session, identity, needed, action, now=NOW)


def refusal(store: Engine, identity: Identity, needed: Role, action: str) -> str:
    with pytest.raises((NotAllowed, SessionExpired)) as refused:
        authorized(store, identity, needed, action)
    return str(refused.value)


def change_user(store: Engine, username: str, **values: object) -> None:
    with store.begin() as connection:
        connection.execute(sa.update(User).where(User.username == username).values(**values))


def test_a_write_after_the_sign_in_ended_is_refused_and_keeps_the_form(store: Engine) -> None:
    editor = make_user(store, "ada.editor", "editor")

    on_the_minute = replace(editor, valid_until=NOW)
    assert authorized(store, on_the_minute, Role.EDITOR, "save values").username == "ada.editor"
    ended = replace(editor, valid_until=NOW - timedelta(seconds=1))
    assert refusal(store, ended, Role.EDITOR, "save values") == (
        "Your session ended after a period without activity, so nothing was saved. "
        "Sign in again: what you typed is still in the form."
    )


def test_an_account_deactivated_or_deleted_since_sign_in_cannot_write(store: Engine) -> None:
    editor = make_user(store, "ada.editor", "editor")
    change_user(store, "ada.editor", is_active=False)

    inactive = "Your account is no longer active, so nothing was saved."
    assert refusal(store, editor, Role.EDITOR, "save values") == inactive
    assert refusal(store, replace(editor, user_id=999_999), Role.VIEWER, "save values") == inactive


def test_a_temporary_password_must_be_replaced_before_anything_else(store: Engine) -> None:
    editor = make_user(store, "ada.editor", "editor")
    change_user(store, "ada.editor", must_change_password=True)

    assert refusal(store, editor, Role.EDITOR, "save values") == (
        "Choose a new password first: nothing was saved."
    )
    assert authorized(store, editor, Role.VIEWER, CHANGE_OWN_PASSWORD).must_change_password


def test_a_role_changed_since_sign_in_applies_at_once(store: Engine) -> None:
    reviewer = make_user(store, "rui.reviewer", "reviewer")
    signed_in = replace(reviewer, valid_until=NOW + timedelta(minutes=30))

    change_user(store, "rui.reviewer", role="editor")
    assert refusal(store, signed_in, Role.REVIEWER, "publish values") == (
        "Your role is now editor: only users with the reviewer role (or above) may publish "
        "values. Nothing was saved."
    )

    change_user(store, "rui.reviewer", role="admin")
    fresh = authorized(store, signed_in, Role.REVIEWER, "publish values")
    assert fresh.role is Role.ADMIN
    assert fresh.valid_until == signed_in.valid_until  # the same sign-in goes on


def test_current_reads_the_account_as_it_is_now(store: Engine) -> None:
    editor = make_user(store, "ada.editor", "editor")

    with db.session_scope(store) as session:
        assert auth.current(session, ANONYMOUS) is ANONYMOUS
        assert auth.current(session, editor) == editor
    change_user(store, "ada.editor", role="viewer", display_name="Ada L.")
    with db.session_scope(store) as session:
        now = auth.current(session, editor)
    assert now is not None
    assert (now.role, now.display_name) == (Role.VIEWER, "Ada L.")
    change_user(store, "ada.editor", is_active=False)
    with db.session_scope(store) as session:
        assert auth.current(session, editor) is None
        assert auth.current(session, replace(editor, user_id=999_999)) is None


# --- accounts -----------------------------------------------------------------------


def audit_of(store: Engine, action: str) -> list[tuple]:
    """(actor, actor's id, before, after) of each audit record of `action`, each checked
    to name the account it changed."""
    with store.connect() as connection:
        rows = connection.execute(
            sa.select(
                AuditRecord.actor,
                AuditRecord.user_id,
                AuditRecord.before,
                AuditRecord.after,
                AuditRecord.entity,
                AuditRecord.entity_id,
                User.id,
            )
            .join(User, sa.cast(User.id, sa.String) == AuditRecord.entity_id, isouter=True)
            .where(AuditRecord.action == action)
            .order_by(AuditRecord.id)
        ).all()
    assert all(row.entity == "user" and row.id is not None for row in rows), rows
    return [tuple(row)[:4] for row in rows]


def sign_in(store: Engine, identity: Identity) -> int:
    with db.session_scope(store) as session:
        session_id, _token = sessions.start(session, identity)
    return session_id


def ended_reason(store: Engine, session_id: int) -> str | None:
    with store.connect() as connection:
        return connection.execute(
            sa.select(UserSession.ended_reason).where(UserSession.id == session_id)
        ).scalar_one()


def test_a_new_account_is_stored_trimmed_and_audited_without_its_password(store: Engine) -> None:
    with db.session_scope(store) as session:
        auth.create_user(
            session, username="  Ana.Lopez ", password=PASSWORD, role="editor",
            display_name=" Ana López ", email="ana@example.org",
        )  # fmt: skip

    with store.connect() as connection:
        stored = connection.execute(
            sa.select(User.username, User.display_name, User.role, User.password_hash)
        ).one()
    assert stored[:3] == ("ana.lopez", "Ana López", "editor")
    assert stored.password_hash.startswith("$argon2")
    ((actor, user_id, before, after),) = audit_of(store, "create user")
    assert (actor, user_id, before) == ("cli", None, None)
    assert after["username"] == "ana.lopez"
    assert after["email"] == "ana@example.org"
    assert "password_hash" not in after
    with db.session_scope(store) as session:
        signed_in = auth.authenticate(session, " ANA.LOPEZ ", PASSWORD)
    assert signed_in is not None and signed_in.role is Role.EDITOR


def test_an_account_added_by_an_admin_names_the_admin(store: Engine) -> None:
    admin = make_user(store, "ama.admin", "admin")

    with db.session_scope(store) as session:
        auth.create_user(
            session, username="ana.lopez", password=PASSWORD, role="viewer", created_by=admin
        )

    assert audit_of(store, "create user")[-1][:2] == ("ama.admin", admin.user_id)


def test_only_an_admin_adds_accounts(store: Engine) -> None:
    reviewer = make_user(store, "rui.reviewer", "reviewer")

    with db.session_scope(store) as session, pytest.raises(NotAllowed) as refused:
        auth.create_user(
            session, username="ana.lopez", password=PASSWORD, role="viewer", created_by=reviewer
        )
    assert (
        str(refused.value) == "Only signed-in users with the admin role (or above) may add users."
    )


@pytest.mark.parametrize(
    ("username", "accepted"),
    [
        ("ab", True),  # 2 characters
        ("a" * 80, True),  # 80
        ("a" * 81, False),
        ("a", False),
        ("ana.lopez-2_b", True),
        (".ana", False),  # must start with a letter or a digit
        ("ana lopez", False),
        ("anà", False),
    ],
)
def test_user_names_are_2_to_80_plain_characters(
    store: Engine, username: str, accepted: bool
) -> None:
    with db.session_scope(store) as session:
        if accepted:
            assert auth.create_user(session, username=username, password=PASSWORD, role="viewer")
            return
        with pytest.raises(ValidationFailed) as refused:
            auth.create_user(session, username=username, password=PASSWORD, role="viewer")
    assert refused.value.for_field("username") == ["use 2-80 lower-case letters, digits, . _ or -"]


def test_every_problem_of_a_new_account_is_named_at_once(store: Engine) -> None:
    make_user(store, "ana.lopez", "viewer")

    with db.session_scope(store) as session, pytest.raises(ValidationFailed) as refused:
        auth.create_user(session, username="Ana.Lopez", password="short", role="boss")

    assert [(p.field, p.message) for p in refused.value.problems] == [
        ("password", "use at least 12 characters"),
        ("role", "must be one of viewer, editor, reviewer, admin"),
        ("username", "'ana.lopez' is already taken"),
    ]


def test_a_wrong_password_or_an_inactive_account_does_not_sign_in(store: Engine) -> None:
    make_user(store, "ana.lopez", "viewer")

    with db.session_scope(store) as session:
        assert auth.authenticate(session, "ana.lopez", PASSWORD + "!") is None
        assert auth.authenticate(session, "nobody", PASSWORD) is None
    change_user(store, "ana.lopez", is_active=False)
    with db.session_scope(store) as session:
        assert auth.authenticate(session, "ana.lopez", PASSWORD) is None


def test_a_role_change_is_audited_with_before_and_after(store: Engine) -> None:
    admin = make_user(store, "ama.admin", "admin")
    make_user(store, "ana.lopez", "viewer")

    with db.session_scope(store) as session:
        auth.set_role(session, username="ana.lopez", role="reviewer", by=admin)
    with db.session_scope(store) as session, pytest.raises(NotFound) as missing:
        auth.set_role(session, username="nobody", role="viewer", by=admin)

    assert str(missing.value) == "user 'nobody' does not exist"
    assert audit_of(store, "change role") == [
        ("ama.admin", admin.user_id, {"role": "viewer"}, {"role": "reviewer"})
    ]
    with store.connect() as connection:
        role = connection.execute(
            sa.select(User.role).where(User.username == "ana.lopez")
        ).scalar_one()
    assert role == "reviewer"


def test_the_last_active_admin_cannot_be_deactivated(store: Engine) -> None:
    first = make_user(store, "ama.admin", "admin")
    make_user(store, "ben.admin", "admin")

    with db.session_scope(store) as session:
        assert auth.count_admins(session) == 2
        auth.set_active(session, username="ben.admin", active=False, by=first)
        assert auth.count_admins(session) == 1  # an inactive admin does not count
    with db.session_scope(store) as session, pytest.raises(auth.LastAdmin) as refused:
        auth.set_active(session, username="ama.admin", active=False, by=None)
    assert str(refused.value) == (
        "ama.admin is the last active admin: give another user the admin role first, so "
        "someone can still manage users."
    )
    with db.session_scope(store) as session:
        auth.set_active(session, username=" BEN.ADMIN ", active=True, by=None)
        auth.set_active(session, username="ben.admin", active=True, by=None)  # no change

    assert audit_of(store, "deactivate user") == [
        ("ama.admin", first.user_id, {"is_active": True}, {"is_active": False})
    ]
    assert audit_of(store, "reactivate user") == [
        ("cli", None, {"is_active": False}, {"is_active": True})
    ]


def test_only_an_admin_changes_roles_or_deactivates(store: Engine) -> None:
    reviewer = make_user(store, "rui.reviewer", "reviewer")
    make_user(store, "ana.lopez", "viewer")

    with db.session_scope(store) as session, pytest.raises(NotAllowed) as refused:
        auth.set_role(session, username="ana.lopez", role="admin", by=reviewer)
    assert str(refused.value) == (
        "Only signed-in users with the admin role (or above) may change roles."
    )
    with db.session_scope(store) as session, pytest.raises(NotAllowed) as refused:
        auth.set_active(session, username="ana.lopez", active=False, by=reviewer)
    assert str(refused.value) == (
        "Only signed-in users with the admin role (or above) may deactivate or reactivate users."
    )


def test_a_changed_role_or_a_deactivation_signs_the_account_out_everywhere(
    store: Engine,
) -> None:
    admin = make_user(store, "ama.admin", "admin")
    ana = make_user(store, "ana.lopez", "viewer")
    first, second = sign_in(store, ana), sign_in(store, ana)
    admins_own = sign_in(store, admin)

    with db.session_scope(store) as session:
        auth.set_role(session, username="ana.lopez", role="viewer", by=admin)  # no change
    assert ended_reason(store, first) is None
    with db.session_scope(store) as session:
        auth.set_role(session, username="ana.lopez", role="editor", by=admin)
    assert [ended_reason(store, first), ended_reason(store, second)] == ["role changed"] * 2
    assert ended_reason(store, admins_own) is None

    third = sign_in(store, ana)
    with db.session_scope(store) as session:
        auth.set_active(session, username="ana.lopez", active=False, by=admin)
    assert ended_reason(store, third) == "deactivated"
    fourth = sign_in(store, ana)
    with db.session_scope(store) as session:
        auth.set_active(session, username="ana.lopez", active=True, by=admin)
    assert ended_reason(store, fourth) is None  # reactivating ends nothing


def test_only_active_admins_are_counted(store: Engine) -> None:
    make_user(store, "ama.admin", "admin")
    make_user(store, "rui.reviewer", "reviewer")
    make_user(store, "ana.lopez", "viewer")

    with db.session_scope(store) as session:
        assert auth.count_admins(session) == 1


def test_an_account_without_a_display_name_has_an_empty_one(store: Engine) -> None:
    with db.session_scope(store) as session:
        user = auth.create_user(session, username="ana.lopez", password=PASSWORD, role="viewer")
        assert user.display_name == ""
        assert auth.identity_of(user).label == "ana.lopez"


def test_a_password_holding_the_user_name_is_refused(store: Engine) -> None:
    with db.session_scope(store) as session, pytest.raises(ValidationFailed) as refused:
        auth.create_user(
            session, username="ana.lopez", password="ana.lopez likes tea", role="viewer"
        )
    assert refused.value.for_field("password") == ["must not contain the user name"]


def test_the_password_behind_the_timing_hash_signs_nobody_in(store: Engine) -> None:
    # An unknown name is checked against a hash of this phrase, so that both paths take
    # one argon2 check; knowing the phrase must not open anything.
    with db.session_scope(store) as session:
        assert auth.authenticate(session, "nobody", "not a real password, only for timing") is None


def test_a_role_is_read_afresh_even_where_the_account_was_read_before(store: Engine) -> None:
    reviewer = make_user(store, "rui.reviewer", "reviewer")

    with db.session_scope(store) as session:
        kept = session.get(User, reviewer.user_id)  # read earlier in this unit of work
        assert kept is not None and kept.role == "reviewer"
        change_user(store, "rui.reviewer", role="viewer")  # another process demotes her
        with pytest.raises(NotAllowed):
            auth.authorize(session, reviewer, Role.REVIEWER, "publish values", now=NOW)
        assert kept.role == "viewer"  # the kept copy was refreshed, not trusted


def test_a_sign_in_valid_for_half_an_hour_may_write_now(store: Engine) -> None:
    editor = make_user(store, "ada.editor", "editor").valid_for(30)

    with db.session_scope(store) as session:  # no moment given: the clock's, in UTC
        assert auth.authorize(session, editor, Role.EDITOR, "save values").username == (
            "ada.editor"
        )
