"""Users, roles and passwords.

Roles are ordered: viewer < editor < reviewer < admin; each can do what the ones before
it can. Passwords are hashed with argon2 (argon2-cffi's defaults). Sign-in failures take
the same time whether or not the user exists, so the form does not reveal user names.

`authorize` and `require` take what the user is doing as an English phrase marked with
`N_()` ("add users"): a refusal says it in the reader's language.
"""

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from gdc_tracker.audit import record_change, snapshot
from gdc_tracker.errors import (
    FieldProblem,
    NotAllowed,
    NotFound,
    SessionExpired,
    ValidationFailed,
)
from gdc_tracker.i18n import N_, _, ngettext
from gdc_tracker.models import Role, User, UserSession, role_label

ROLE_ORDER: tuple[Role, ...] = (Role.VIEWER, Role.EDITOR, Role.REVIEWER, Role.ADMIN)
MIN_PASSWORD_LENGTH = 12
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")

_hasher = PasswordHasher()
# Verified against when the user does not exist, so both paths cost one argon2 check.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")


@dataclass(frozen=True)
class Identity:
    """Who is acting: what the write side needs, detached from any session."""

    user_id: int | None
    username: str
    display_name: str
    role: Role
    # When the sign-in this identity comes from ends without further activity (UTC); None
    # for a terminal user. A write after it is refused, even from a form still on screen.
    valid_until: datetime | None = None

    @property
    def label(self) -> str:
        return self.display_name or self.username

    def valid_for(self, minutes: float, *, now: datetime | None = None) -> "Identity":
        """The same identity, valid for `minutes` from now."""
        start = now or datetime.now(UTC)
        return replace(self, valid_until=start + timedelta(minutes=minutes))


ANONYMOUS = Identity(user_id=None, username="anonymous", display_name="Anonymous", role=Role.VIEWER)


def has_role(identity: Identity | None, needed: Role) -> bool:
    if identity is None or identity.user_id is None:
        return False
    return ROLE_ORDER.index(identity.role) >= ROLE_ORDER.index(needed)


def require(identity: Identity | None, needed: Role, action: str) -> Identity:
    """`identity`, if it holds the `needed` role; `action` is what it is doing ("add users")."""
    if identity is None or not has_role(identity, needed):
        raise NotAllowed(
            # Translators: {action} is what the user tried to do, as in "add users".
            _("Only signed-in users with the {role} role (or above) may {action}.").format(
                role=role_label(needed), action=_(action)
            )
        )
    return identity


def authorize(
    session: Session,
    identity: Identity | None,
    needed: Role,
    action: str,
    *,
    now: datetime | None = None,
) -> Identity:
    """Check, inside the writing transaction, that `identity` may still do `action`.

    The role is read from the store at this moment, not taken from the page that sent the
    form: a reviewer demoted while her Review page was open cannot publish, an account
    deactivated since it signed in cannot write, and a sign-in that has ended
    (`valid_until`) cannot save what its form still shows. Returns the identity as the
    store has it.
    """
    require(identity, needed, action)
    assert identity is not None and identity.user_id is not None
    moment = now or datetime.now(UTC)
    if identity.valid_until is not None and moment > identity.valid_until:
        raise SessionExpired(
            _(
                "Your session ended after a period without activity, so nothing was saved. "
                "Sign in again: what you typed is still in the form."
            )
        )
    user = session.get(User, identity.user_id, populate_existing=True)
    if user is None or not user.is_active:
        raise NotAllowed(_("Your account is no longer active, so nothing was saved."))
    fresh = replace(identity_of(user), valid_until=identity.valid_until)
    if not has_role(fresh, needed):
        raise NotAllowed(
            # Translators: {action} is what the user tried to do, as in "add users".
            _(
                "Your role is now {role}: only users with the {needed} role (or above) may "
                "{action}. Nothing was saved."
            ).format(role=role_label(fresh.role), needed=role_label(needed), action=_(action))
        )
    return fresh


def identity_of(user: User) -> Identity:
    return Identity(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=Role(user.role),
    )


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _check_new_user(username: str, password: str, role: str) -> list[FieldProblem]:
    problems = []
    if not USERNAME_PATTERN.match(username):
        problems.append(
            FieldProblem("username", _("use 2-80 lower-case letters, digits, . _ or -"))
        )
    if len(password) < MIN_PASSWORD_LENGTH:
        shortest = ngettext(
            "use at least {count} character", "use at least {count} characters", MIN_PASSWORD_LENGTH
        )
        problems.append(FieldProblem("password", shortest.format(count=MIN_PASSWORD_LENGTH)))
    if role not in [str(r) for r in Role]:
        # Translators: {roles} are the codes a role is given by (viewer, editor...), as typed.
        one_of = _("must be one of {roles}").format(roles=", ".join(str(r) for r in Role))
        problems.append(FieldProblem("role", one_of))
    return problems


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: str,
    display_name: str = "",
    email: str | None = None,
    created_by: Identity | None = None,
) -> User:
    """Add a local account (one transaction with its audit record).

    `created_by` None is a terminal user (`python -m gdc_tracker users add`); anyone else
    must be an admin when the account is saved.
    """
    if created_by is not None:
        created_by = authorize(session, created_by, Role.ADMIN, N_("add users"))
    username = username.strip().lower()
    problems = _check_new_user(username, password, role)
    if session.exec(select(User.id).where(User.username == username)).first() is not None:
        problems.append(
            FieldProblem("username", _("'{username}' is already taken").format(username=username))
        )
    if problems:
        raise ValidationFailed(problems)
    user = User(
        username=username,
        display_name=display_name.strip(),
        email=email,
        role=role,
        password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    after = snapshot(user) or {}
    after.pop("password_hash", None)
    record_change(
        session,
        actor=created_by.username if created_by else "cli",
        action="create user",
        entity="user",
        entity_id=user.id,
        after=after,
        user_id=created_by.user_id if created_by else None,
    )
    return user


def authenticate(session: Session, username: str, password: str) -> Identity | None:
    """The identity for these credentials, or None (same cost either way)."""
    user = session.exec(
        select(User).where(User.username == username.strip().lower(), User.is_active)
    ).first()
    stored = user.password_hash if user and user.password_hash else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    return identity_of(user) if user is not None else None


def current(session: Session, identity: Identity) -> Identity | None:
    """The identity as the store has it now: a changed role applies at once, and a
    deactivated or deleted account is signed out (one primary-key read)."""
    if identity.user_id is None:
        return identity
    user = session.get(User, identity.user_id)
    if user is None or not user.is_active:
        return None
    return identity_of(user)


def set_role(session: Session, *, username: str, role: str, by: Identity) -> User:
    by = authorize(session, by, Role.ADMIN, N_("change roles"))
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        raise NotFound(_("user '{username}' does not exist").format(username=username))
    before = {"role": user.role}
    user.role = Role(role)
    if before["role"] != user.role:
        end_sessions_of(session, user.id, "role changed")  # type: ignore[arg-type]
    record_change(
        session,
        actor=by.username,
        action="change role",
        entity="user",
        entity_id=user.id,
        before=before,
        after={"role": user.role},
        user_id=by.user_id,
    )
    return user


def end_sessions_of(session: Session, user_id: int, reason: str) -> int:
    """End every live sign-in of a user (its role changed, it was deactivated, its password
    changed), in every browser and process; return how many were ended."""
    result = session.execute(
        sa.update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))  # type: ignore[union-attr]
        .values(ended_at=datetime.now(UTC), ended_reason=reason, token_hash=None, handoff_hash=None)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def count_admins(session: Session) -> int:
    return int(
        session.exec(
            select(sa.func.count()).select_from(User).where(User.role == Role.ADMIN, User.is_active)
        ).one()
    )
