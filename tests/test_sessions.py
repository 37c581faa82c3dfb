"""Server-side sessions: a sign-in handed to the browser once, a cookie token that resolves
to the user with the role read now, and every way a session ends (on SQLite and
PostgreSQL)."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import select

from gdc_tracker import auth, db, sessions
from gdc_tracker.models import Role, User, UserSession
from tests.factories import make_user


def signed_in(engine, identity) -> tuple[int, str]:
    """A session started and adopted, as the sign-in form and /auth/session do."""
    with db.session_scope(engine) as session:
        session_id, code = sessions.start(session, identity, user_agent="Firefox")
    with db.session_scope(engine) as session:
        token = sessions.adopt(session, code)
    assert token
    return session_id, token


def resolve(engine, token: str, minutes: float = 60):
    with db.session_scope(engine) as session:
        return sessions.resolve(session, token, idle_minutes=minutes)


def test_the_cookie_token_resolves_to_the_user_and_only_hashes_are_stored(engine):
    editor = make_user(engine, "ana.editor", "editor")
    session_id, token = signed_in(engine, editor)
    found = resolve(engine, token)
    assert found is not None
    assert found[0] == session_id and found[1].username == "ana.editor"
    assert found[1].role == Role.EDITOR
    with db.session_scope(engine) as session:
        row = session.get(UserSession, session_id)
        stored = [str(value) for value in row.model_dump().values()]
    assert all(token not in value for value in stored)
    assert row.user_agent == "Firefox"


def test_a_handoff_code_works_once(engine):
    editor = make_user(engine, "ben.editor", "editor")
    with db.session_scope(engine) as session:
        _id, code = sessions.start(session, editor)
    with db.session_scope(engine) as session:
        assert sessions.adopt(session, code)
    with db.session_scope(engine) as session:
        assert sessions.adopt(session, code) is None
        assert sessions.adopt(session, "made-up") is None


def test_an_old_handoff_code_is_refused(engine):
    editor = make_user(engine, "cy.editor", "editor")
    with db.session_scope(engine) as session:
        session_id, code = sessions.start(session, editor)
        session.get(UserSession, session_id).handoff_expires_at = datetime.now(UTC) - timedelta(
            seconds=1
        )
    with db.session_scope(engine) as session:
        assert sessions.adopt(session, code) is None


def test_an_idle_session_ends(engine):
    editor = make_user(engine, "di.editor", "editor")
    session_id, token = signed_in(engine, editor)
    with db.session_scope(engine) as session:
        row = session.get(UserSession, session_id)
        row.last_seen_at = datetime.now(UTC) - timedelta(minutes=61)
    assert resolve(engine, token, minutes=60) is None
    with db.session_scope(engine) as session:
        assert session.get(UserSession, session_id).ended_reason == "idle"
    assert resolve(engine, token, minutes=600) is None  # ended stays ended


def test_signing_out_ends_the_session_for_every_tab(engine):
    editor = make_user(engine, "ed.editor", "editor")
    session_id, token = signed_in(engine, editor)
    with db.session_scope(engine) as session:
        sessions.end(session, session_id, "signed out")
    assert resolve(engine, token) is None
    with db.session_scope(engine) as session:
        assert sessions.check(session, session_id, idle_minutes=60) is None


def test_a_role_change_ends_the_users_sessions_and_only_theirs(engine):
    admin = make_user(engine, "fay.admin", "admin")
    editor = make_user(engine, "gus.editor", "editor")
    _one, first = signed_in(engine, editor)
    _two, second = signed_in(engine, editor)
    _three, admins = signed_in(engine, admin)
    with db.session_scope(engine) as session:
        auth.set_role(session, username="gus.editor", role="viewer", by=admin)
    assert resolve(engine, first) is None and resolve(engine, second) is None
    assert resolve(engine, admins) is not None
    with db.session_scope(engine) as session:
        reasons = session.exec(
            select(UserSession.ended_reason).where(UserSession.user_id == editor.user_id)
        ).all()
    assert reasons == ["role changed", "role changed"]


def test_a_deactivated_user_is_signed_out(engine):
    editor = make_user(engine, "hal.editor", "editor")
    _id, token = signed_in(engine, editor)
    with db.session_scope(engine) as session:
        session.execute(sa.update(User).where(User.id == editor.user_id).values(is_active=False))
    assert resolve(engine, token) is None


def test_a_role_given_meanwhile_is_read_at_the_next_run(engine):
    """The role is read from the user on every run, not kept in the session."""
    editor = make_user(engine, "ivy.editor", "editor")
    _id, token = signed_in(engine, editor)
    with db.session_scope(engine) as session:
        session.execute(sa.update(User).where(User.id == editor.user_id).values(role="reviewer"))
    found = resolve(engine, token)
    assert found is not None and found[1].role == Role.REVIEWER
