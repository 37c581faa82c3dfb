"""Users, roles and passwords.

Roles are ordered: viewer < editor < reviewer < admin; each can do what the ones before
it can. Passwords are hashed with argon2 (argon2-cffi's defaults). Sign-in failures take
the same time whether or not the user exists, so the form does not reveal user names.

`authorize` and `require` take what the user is doing as an English phrase marked with
`N_()` ("add users"): a refusal says it in the reader's language.

Admins deactivate and reactivate accounts and reset passwords; a reset gives a temporary
password that must be replaced at the next sign-in before anything else
(`must_change_password`). Deactivating, resetting and changing a password end the user's
other sign-ins at once. New passwords meet gdc_tracker.passwords' rules.
"""

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, col, select

from gdc_tracker import passwords
from gdc_tracker.audit import record_change, snapshot
from gdc_tracker.errors import (
    FieldProblem,
    GdcTrackerError,
    NotAllowed,
    NotFound,
    SessionExpired,
    ValidationFailed,
)
from gdc_tracker.i18n import N_, _
from gdc_tracker.models import Role, User, UserSession, role_label

ROLE_ORDER: tuple[Role, ...] = (Role.VIEWER, Role.EDITOR, Role.REVIEWER, Role.ADMIN)
MIN_PASSWORD_LENGTH = passwords.MIN_LENGTH
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
    # A temporary password from an admin's reset: replace it before anything else.
    must_change_password: bool = False

    @property
    def label(self) -> str:
        return self.display_name or self.username

    def valid_for(self, minutes: float, *, now: datetime | None = None) -> "Identity":
        """The same identity, valid for `minutes` from now."""
        start = now or datetime.now(UTC)
        return replace(self, valid_until=start + timedelta(minutes=minutes))


ANONYMOUS = Identity(user_id=None, username="anonymous", display_name="Anonymous", role=Role.VIEWER)
CHANGE_OWN_PASSWORD = N_("change your password")


class LastAdmin(GdcTrackerError):
    """The change would leave the store without an active admin."""

    def __init__(self, username: str) -> None:
        super().__init__(username)
        self.username = username

    def __str__(self) -> str:
        # Translators: {user} is a user name, as in "ana.lopez".
        return _(
            "{user} is the last active admin: give another user the admin role first, "
            "so someone can still manage users."
        ).format(user=self.username)


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
    if user.must_change_password and action != CHANGE_OWN_PASSWORD:
        raise NotAllowed(_("Choose a new password first: nothing was saved."))
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
        must_change_password=bool(user.must_change_password),
    )


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _check_new_user(username: str, password: str, role: str) -> list[FieldProblem]:
    problems = []
    if not USERNAME_PATTERN.match(username):
        problems.append(
            FieldProblem("username", _("use 2-80 lower-case letters, digits, . _ or -"))
        )
    problems.extend(passwords.problems(password, username=username))
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
        end_sessions_of(session, cast(int, user.id), "role changed")  # a stored user has its id
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


def end_sessions_of(session: Session, user_id: int, reason: str, *, keep: int | None = None) -> int:
    """End every live sign-in of a user (its role changed, it was deactivated, its password
    changed), in every browser and process, except the session `keep` (the one that
    changed its own password); return how many were ended."""
    live = sa.and_(col(UserSession.user_id) == user_id, col(UserSession.ended_at).is_(None))
    if keep is not None:
        live = sa.and_(live, col(UserSession.id) != keep)
    result = session.execute(
        sa.update(UserSession)
        .where(live)
        .values(ended_at=datetime.now(UTC), ended_reason=reason, token_hash=None, handoff_hash=None)
    )
    return int(cast(sa.CursorResult[Any], result).rowcount or 0)  # an UPDATE's result


def _user_named(session: Session, username: str) -> User:
    name = username.strip().lower()
    user = session.exec(select(User).where(User.username == name)).first()
    if user is None:
        raise NotFound(_("user '{username}' does not exist").format(username=name))
    return user


def _actor(by: Identity | None) -> tuple[str, int | None]:
    """Who the audit record names: the admin, or `cli` for a terminal user."""
    return (by.username, by.user_id) if by is not None else ("cli", None)


def set_active(session: Session, *, username: str, active: bool, by: Identity | None) -> User:
    """Deactivate (or reactivate) an account; a deactivated one is signed out everywhere
    at once and cannot sign in. The last active admin cannot be deactivated. `by` None is
    a terminal user."""
    if by is not None:
        by = authorize(session, by, Role.ADMIN, N_("deactivate or reactivate users"))
    user = _user_named(session, username)
    if user.is_active == active:
        return user
    if not active and user.role == Role.ADMIN and count_admins(session) <= 1:
        raise LastAdmin(user.username)
    user.is_active = active
    if not active:
        end_sessions_of(session, cast(int, user.id), "deactivated")  # a stored user has its id
    actor, actor_id = _actor(by)
    record_change(
        session,
        actor=actor,
        action="reactivate user" if active else "deactivate user",
        entity="user",
        entity_id=user.id,
        before={"is_active": not active},
        after={"is_active": active},
        user_id=actor_id,
    )
    return user


def reset_password(session: Session, *, username: str, by: Identity | None) -> str:
    """Give the account a new temporary password and return it, to be handed over once;
    the user must replace it at the next sign-in. Every sign-in of the account ends."""
    if by is not None:
        by = authorize(session, by, Role.ADMIN, N_("reset passwords"))
    user = _user_named(session, username)
    temporary = passwords.temporary_password()
    user.password_hash = hash_password(temporary)
    user.must_change_password = True
    end_sessions_of(session, cast(int, user.id), "password reset")  # a stored user has its id
    actor, actor_id = _actor(by)
    record_change(
        session,
        actor=actor,
        action="reset password",
        entity="user",
        entity_id=user.id,
        after={"must_change_password": True},
        user_id=actor_id,
    )
    return temporary


def _password_matches(user: User, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash or _DUMMY_HASH, password) and bool(
            user.password_hash
        )
    except (VerificationError, InvalidHashError):
        return False


def change_password(
    session: Session,
    identity: Identity,
    *,
    current_password: str,
    new_password: str,
    keep_session: int | None = None,
) -> None:
    """The signed-in user replaces her password (a temporary one included). The current
    password is asked for again; the new one meets the rules and differs from it. Her
    other sign-ins end; `keep_session` (the one she is using) goes on."""
    identity = authorize(session, identity, Role.VIEWER, CHANGE_OWN_PASSWORD)
    user = session.get(User, identity.user_id)
    assert user is not None  # authorize read it
    if not _password_matches(user, current_password):
        raise ValidationFailed([FieldProblem("current_password", _("this is not your password"))])
    problems = passwords.problems(new_password, username=user.username)
    if new_password == current_password:
        problems.append(FieldProblem("password", _("choose a password other than the current one")))
    if problems:
        raise ValidationFailed(problems)
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    # A stored user has its id.
    end_sessions_of(session, cast(int, user.id), "password changed", keep=keep_session)
    record_change(
        session,
        actor=identity.username,
        action="change password",
        entity="user",
        entity_id=user.id,
        after={"must_change_password": False},
        user_id=identity.user_id,
    )


def count_admins(session: Session) -> int:
    return int(
        session.exec(
            select(sa.func.count()).select_from(User).where(User.role == Role.ADMIN, User.is_active)
        ).one()
    )
