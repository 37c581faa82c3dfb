"""What admins do about accounts: deactivate and reactivate them, reset a password to a
temporary one that must be replaced; and a user's own change of password. Each ends the
user's sign-ins at once and leaves an audit record (SQLite and PostgreSQL), from the
store's functions and from the command line."""

import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select

from gdc_tracker import auth, db, sessions
from gdc_tracker.errors import NotAllowed, ValidationFailed
from gdc_tracker.models import AuditRecord, User
from tests.factories import PASSWORD, make_user

PROJECT_ROOT = Path(__file__).resolve().parents[1]
NEW_PASSWORD = "a wholly different phrase"


def signed_in(engine: Engine, identity: auth.Identity) -> tuple[int, str]:
    with db.session_scope(engine) as session:
        session_id, code = sessions.start(session, identity)
    with db.session_scope(engine) as session:
        return session_id, sessions.adopt(session, code) or ""


def still_signed_in(engine: Engine, token: str) -> bool:
    with db.session_scope(engine) as session:
        return sessions.resolve(session, token, idle_minutes=60) is not None


def authenticate(engine: Engine, username: str, password: str) -> auth.Identity | None:
    with db.session_scope(engine) as session:
        return auth.authenticate(session, username, password)


def actions(engine: Engine) -> list[str]:
    with db.session_scope(engine) as session:
        return list(session.exec(select(AuditRecord.action).order_by(AuditRecord.id)).all())


@pytest.fixture
def admin(engine: Engine) -> auth.Identity:
    return make_user(engine, "ada.admin", "admin")


@pytest.fixture
def editor(engine: Engine) -> auth.Identity:
    return make_user(engine, "ben.editor", "editor")


def test_a_deactivated_user_is_signed_out_at_once_and_cannot_sign_in(
    engine: Engine, admin, editor
) -> None:
    _id, token = signed_in(engine, editor)
    with db.session_scope(engine) as session:
        auth.set_active(session, username="ben.editor", active=False, by=admin)
    assert not still_signed_in(engine, token)
    assert authenticate(engine, "ben.editor", PASSWORD) is None
    with db.session_scope(engine) as session:
        auth.set_active(session, username="ben.editor", active=True, by=admin)
    assert authenticate(engine, "ben.editor", PASSWORD) is not None
    assert actions(engine)[-2:] == ["deactivate user", "reactivate user"]


def test_the_last_active_admin_cannot_be_deactivated(engine: Engine, admin) -> None:
    with pytest.raises(auth.LastAdmin, match="last active admin"), db.session_scope(engine) as s:
        auth.set_active(s, username="ada.admin", active=False, by=admin)
    assert authenticate(engine, "ada.admin", PASSWORD) is not None
    make_user(engine, "cy.admin", "admin")
    with db.session_scope(engine) as session:
        auth.set_active(session, username="ada.admin", active=False, by=admin)
    assert authenticate(engine, "ada.admin", PASSWORD) is None


def test_only_an_admin_deactivates_or_resets(engine: Engine, admin, editor) -> None:
    with pytest.raises(NotAllowed), db.session_scope(engine) as session:
        auth.set_active(session, username="ada.admin", active=False, by=editor)
    with pytest.raises(NotAllowed), db.session_scope(engine) as session:
        auth.reset_password(session, username="ada.admin", by=editor)
    assert authenticate(engine, "ada.admin", PASSWORD) is not None


def test_a_reset_gives_a_temporary_password_that_must_be_changed_first(
    engine: Engine, admin, editor
) -> None:
    other_admin = make_user(engine, "cy.admin", "admin")
    _id, token = signed_in(engine, other_admin)
    with db.session_scope(engine) as session:
        temporary = auth.reset_password(session, username="cy.admin", by=admin)
    assert not still_signed_in(engine, token)
    assert authenticate(engine, "cy.admin", PASSWORD) is None
    identity = authenticate(engine, "cy.admin", temporary)
    assert identity is not None and identity.must_change_password
    with pytest.raises(NotAllowed, match="new password first"), db.session_scope(engine) as s:
        auth.set_role(s, username="ben.editor", role="viewer", by=identity)
    with db.session_scope(engine) as session:
        auth.change_password(
            session, identity, current_password=temporary, new_password=NEW_PASSWORD
        )
    changed = authenticate(engine, "cy.admin", NEW_PASSWORD)
    assert changed is not None and not changed.must_change_password
    assert authenticate(engine, "cy.admin", temporary) is None
    with db.session_scope(engine) as session:
        auth.set_role(session, username="ben.editor", role="viewer", by=changed)
    assert actions(engine)[-3:] == ["reset password", "change password", "change role"]
    with engine.connect() as connection:
        audited = connection.execute(sa.text("SELECT after FROM auditrecord")).all()
    assert temporary not in str(audited) and NEW_PASSWORD not in str(audited)


def test_changing_ones_password_ends_the_other_sign_ins_and_keeps_this_one(
    engine: Engine, editor
) -> None:
    here, this_token = signed_in(engine, editor)
    _there, other_token = signed_in(engine, editor)
    with db.session_scope(engine) as session:
        auth.change_password(
            session,
            editor,
            current_password=PASSWORD,
            new_password=NEW_PASSWORD,
            keep_session=here,
        )
    assert still_signed_in(engine, this_token) and not still_signed_in(engine, other_token)


@pytest.mark.parametrize(
    ("current", "new", "field", "reason"),
    [
        ("not my password at all", NEW_PASSWORD, "current_password", "not your password"),
        (PASSWORD, "password1234", "password", "most common passwords"),
        (PASSWORD, "ben.editor is me", "password", "user name"),
        (PASSWORD, PASSWORD, "password", "other than the current one"),
    ],
)
def test_a_refused_change_says_which_field_and_why_and_changes_nothing(
    engine: Engine, editor, current: str, new: str, field: str, reason: str
) -> None:
    with pytest.raises(ValidationFailed) as raised, db.session_scope(engine) as session:
        auth.change_password(session, editor, current_password=current, new_password=new)
    assert any(reason in message for message in raised.value.for_field(field))
    assert authenticate(engine, "ben.editor", PASSWORD) is not None


# The command line


def run_cli(*args: str, url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gdc_tracker", *args],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=300,
        env={"GDC_TRACKER_DATABASE_URL": url, "PATH": "/usr/bin:/bin"},
        input="",
    )


@pytest.fixture
def store(sqlite_url: str) -> str:
    engine = db.make_engine(sqlite_url)
    db.upgrade(engine)
    make_user(engine, "ada.admin", "admin")
    make_user(engine, "ben.editor", "editor")
    engine.dispose()
    return sqlite_url


def test_the_command_line_deactivates_reactivates_and_refuses_the_last_admin(store: str) -> None:
    assert run_cli("users", "deactivate", "ben.editor", url=store).returncode == 0
    assert (
        "ben.editor  editor    Ben.Editor  (inactive)" in run_cli("users", "list", url=store).stdout
    )
    assert run_cli("users", "reactivate", "ben.editor", url=store).returncode == 0
    assert "(inactive)" not in run_cli("users", "list", url=store).stdout
    last = run_cli("users", "deactivate", "ada.admin", url=store)
    assert last.returncode == 2 and "last active admin" in last.stderr
    unknown = run_cli("users", "deactivate", "nobody", url=store)
    assert unknown.returncode == 2 and "does not exist" in unknown.stderr


def test_the_command_line_resets_a_password_to_one_printed_once(store: str) -> None:
    result = run_cli("users", "reset-password", "ben.editor", url=store)
    assert result.returncode == 0, result.stderr
    temporary = result.stdout.splitlines()[0].rsplit(": ", 1)[1]
    engine = db.make_engine(store)
    identity = authenticate(engine, "ben.editor", temporary)
    assert identity is not None and identity.must_change_password
    with db.session_scope(engine) as session:
        user = session.exec(select(User).where(User.username == "ben.editor")).one()
        assert temporary not in (user.password_hash or "")
    engine.dispose()
