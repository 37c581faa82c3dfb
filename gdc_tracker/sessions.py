"""Sign-ins that survive a reload and a new tab: server-side sessions behind an HttpOnly
cookie.

A Streamlit script cannot set an HttpOnly cookie, and a cookie page JavaScript can read is
no place for a sign-in. So signing in takes two steps:

1. The sign-in form checks the password and `start`s a session: a row holding the hash of
   a one-time handoff code, valid for two minutes. The tab that signed in is signed in now.
2. The page hands the code to the server (a same-origin POST to /auth/session, from the
   page itself: never in a URL), which `adopt`s it: the code is spent and a fresh random
   token is set in an HttpOnly, SameSite=Strict cookie. The store keeps the token's hash.

Every run then `resolve`s the cookie's token to the user, re-reading the user's role, so a
reload or a second tab is still signed in. Sessions live in the database: a sign-out, an
idle expiry (`app.session_minutes`) or an admin's change to the user
(`auth.end_sessions_of`) ends them at once in every process.
"""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import cast

from sqlmodel import Session, select

from gdc_tracker.auth import Identity, identity_of
from gdc_tracker.models import User, UserSession

COOKIE_NAME = "gdc_tracker_session"
HANDOFF_LIFETIME = timedelta(minutes=2)
TOUCH_EVERY = timedelta(minutes=1)  # last_seen_at is written at most this often
TOKEN_BYTES = 32  # 256 bits from the operating system's generator


def _hash(secret: str) -> str:
    """SHA-256 of a random secret: enough for 256 random bits, and a lookup by equality."""
    return hashlib.sha256(secret.encode("ascii", errors="replace")).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    """SQLite returns naive datetimes for timezone-aware columns: they are UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def start(session: Session, identity: Identity, *, user_agent: str = "") -> tuple[int, str]:
    """A new session for `identity` (a local account): its id and the one-time handoff
    code the browser exchanges for its cookie."""
    if identity.user_id is None:
        raise ValueError("only a local account has a session")
    code = secrets.token_urlsafe(TOKEN_BYTES)
    row = UserSession(
        user_id=identity.user_id,
        handoff_hash=_hash(code),
        handoff_expires_at=_now() + HANDOFF_LIFETIME,
        user_agent=user_agent[:300],
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    return row.id, code


def adopt(session: Session, code: str) -> str | None:
    """The cookie token for the handoff `code`, or None when the code is unknown, spent,
    expired or its session has ended. The code works once."""
    row = session.exec(select(UserSession).where(UserSession.handoff_hash == _hash(code))).first()
    if row is None or row.ended_at is not None or row.handoff_expires_at is None:
        return None
    if _aware(row.handoff_expires_at) < _now():
        return None
    token = secrets.token_urlsafe(TOKEN_BYTES)
    row.token_hash = _hash(token)
    row.handoff_hash = None
    row.handoff_expires_at = None
    row.last_seen_at = _now()
    return token


def _idle(row: UserSession, idle_minutes: float, now: datetime) -> bool:
    return now - _aware(row.last_seen_at) > timedelta(minutes=idle_minutes)


def _live_user(session: Session, row: UserSession) -> User | None:
    user = session.get(User, row.user_id)
    return user if user is not None and user.is_active else None


def resolve(session: Session, token: str, *, idle_minutes: float) -> tuple[int, Identity] | None:
    """The session id and the user (role read now) behind the cookie `token`, or None.
    A session idle for longer than `idle_minutes`, or whose user is no longer active, ends
    here."""
    if not token:
        return None
    row = session.exec(select(UserSession).where(UserSession.token_hash == _hash(token))).first()
    return _checked(session, row, idle_minutes)


def check(session: Session, session_id: int, *, idle_minutes: float) -> Identity | None:
    """The user of the session `session_id` if it is still live (the tab that signed in
    asks on every run: a sign-out elsewhere ends it here too)."""
    found = _checked(session, session.get(UserSession, session_id), idle_minutes)
    return found[1] if found else None


def _checked(
    session: Session, row: UserSession | None, idle_minutes: float
) -> tuple[int, Identity] | None:
    if row is None or row.ended_at is not None:
        return None
    row_id = cast(int, row.id)  # a stored sign-in has its id
    now = _now()
    if _idle(row, idle_minutes, now):
        end(session, row_id, "idle")
        return None
    user = _live_user(session, row)
    if user is None:
        end(session, row_id, "user inactive")
        return None
    if now - _aware(row.last_seen_at) > TOUCH_EVERY:
        row.last_seen_at = now
    return row_id, identity_of(user)


def end(session: Session, session_id: int, reason: str) -> None:
    """End one session (a sign-out, an expiry)."""
    row = session.get(UserSession, session_id)
    if row is not None and row.ended_at is None:
        row.ended_at = _now()
        row.ended_reason = reason
        row.token_hash = None
        row.handoff_hash = None


def end_by_token(session: Session, token: str, reason: str) -> None:
    row = session.exec(select(UserSession).where(UserSession.token_hash == _hash(token))).first()
    if row is not None:
        end(session, cast(int, row.id), reason)  # a stored sign-in has its id
