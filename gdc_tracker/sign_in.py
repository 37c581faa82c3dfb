"""Signing in with a user name and password, with repeated failures slowed down (OWASP
ASVS 2.2.1).

Every try is recorded (SignInAttempt: the user name as typed, the client's address, the
outcome; never the password) and every failure also goes to the audit log. Failures count
twice: per user name, whether or not such a user exists, so a pause says nothing about
which names are real, and per client address, against one machine trying many names.
After `max_failures_per_account` failures of a user name (or `max_failures_per_address`
from one address), sign-in pauses for `lock_minutes`; each further round of as many
failures doubles the pause, up to `max_lock_minutes`. While paused, a try is refused
without checking the password, so even the right one does not get in, and guessing costs
the guesser time instead of the server. Failures stop counting after
`failure_window_minutes` of quiet (counted from the end of any pause); a successful
sign-in clears the user name's count, but not the address's.

Everything here takes the store's session and the moment `now`, so the rules are tested
without Streamlit and without waiting. Attempts live in the store, so every process
counts the same failures.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from gdc_tracker import auth
from gdc_tracker.auth import Identity
from gdc_tracker.config import SignInRules
from gdc_tracker.i18n import ngettext
from gdc_tracker.models import AuditRecord, SignInAttempt

HORIZON = timedelta(days=1)  # failures older than this are never read again
USERNAME_LENGTH = 120  # what is kept of a typed user name
ANONYMOUS_ACTOR = "anonymous"  # who an audit record of a failed sign-in names


class Scope(StrEnum):
    ACCOUNT = "account"
    ADDRESS = "address"


@dataclass(frozen=True)
class Pause:
    """Sign-in is paused for a user name (or an address) until `until`."""

    scope: Scope
    until: datetime

    def minutes_left(self, now: datetime) -> int:
        return max(1, math.ceil((self.until - now).total_seconds() / 60))


@dataclass(frozen=True)
class Outcome:
    """What a try at the sign-in form came to: the identity it signed in, or the pause in
    force after it (when it was refused, or when its failure started one)."""

    identity: Identity | None = None
    pause: Pause | None = None


def _aware(moment: datetime) -> datetime:
    """SQLite returns naive datetimes for timezone-aware columns: they are UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def normalised(username: str) -> str:
    """The user name as the store spells user names: trimmed, in lower case."""
    return username.strip().lower()[:USERNAME_LENGTH]


def client_address(peer: str | None, forwarded_for: str | None, *, behind_proxy: bool) -> str:
    """Who is signing in, as an address: the connection's own, or behind a proxy that
    sets X-Forwarded-For, the last entry (the one the proxy added; earlier ones are what
    the client claimed). Empty when unknown (a connection from this machine)."""
    if behind_proxy and forwarded_for:
        return forwarded_for.split(",")[-1].strip()[:64]
    return (peer or "")[:64]


def _lock_for(rounds: int, rules: SignInRules) -> timedelta:
    minutes = min(rules.lock_minutes * 2 ** (rounds - 1), rules.max_lock_minutes)
    return timedelta(minutes=minutes)


def pause_end(failures: Sequence[datetime], threshold: int, rules: SignInRules) -> datetime | None:
    """When the pause that `failures` (their times, oldest first) impose ends, or None.

    Every `threshold`-th failure of a run starts a pause twice as long as the one before;
    a quiet `failure_window_minutes` after the last failure (or after the end of the pause
    it started) ends the run.
    """
    quiet = timedelta(minutes=rules.failure_window_minutes)
    count, until, last = 0, None, None
    for moment in failures:
        if last is not None and moment - max(last, until or last) > quiet:
            count, until = 0, None
        count += 1
        last = moment
        if count % threshold == 0:
            until = moment + _lock_for(count // threshold, rules)
    return until


def _failures(session: Session, *conditions: ColumnElement[bool]) -> list[datetime]:
    rows = session.exec(
        select(col(SignInAttempt.at))
        .where(~col(SignInAttempt.succeeded), ~col(SignInAttempt.refused), *conditions)
        .order_by(col(SignInAttempt.at), col(SignInAttempt.id))
    ).all()
    return [_aware(moment) for moment in rows]


def _last_success(session: Session, username: str, since: datetime) -> datetime | None:
    found = session.exec(
        select(SignInAttempt.at)
        .where(SignInAttempt.username == username, col(SignInAttempt.succeeded))
        .where(SignInAttempt.at >= since)
        .order_by(col(SignInAttempt.at).desc())
    ).first()
    return _aware(found) if found is not None else None


def pause_in_force(
    session: Session, username: str, address: str, rules: SignInRules, now: datetime
) -> Pause | None:
    """The pause on signing in as `username` from `address` at `now`, if any."""
    since = now - HORIZON
    cleared = _last_success(session, username, since) or since
    by_account = pause_end(
        _failures(
            session, col(SignInAttempt.username) == username, col(SignInAttempt.at) > cleared
        ),
        rules.max_failures_per_account,
        rules,
    )
    if by_account is not None and by_account > now:
        return Pause(Scope.ACCOUNT, by_account)
    if not address:
        return None
    by_address = pause_end(
        _failures(session, col(SignInAttempt.address) == address, col(SignInAttempt.at) > since),
        rules.max_failures_per_address,
        rules,
    )
    if by_address is not None and by_address > now:
        return Pause(Scope.ADDRESS, by_address)
    return None


def _record(
    session: Session,
    username: str,
    address: str,
    now: datetime,
    *,
    succeeded: bool = False,
    refused: bool = False,
) -> None:
    """The attempt, and for a failure its audit record. No data-version bump: a failed
    sign-in changes no data, and bumping would let anyone at the form make every open
    page redraw."""
    session.add(
        SignInAttempt(
            username=username, address=address or None, at=now, succeeded=succeeded, refused=refused
        )
    )
    if not succeeded:
        session.add(
            AuditRecord(
                at=now,
                actor=ANONYMOUS_ACTOR,
                action="sign-in refused" if refused else "sign-in failed",
                entity="sign-in",
                entity_id=username[:40],
                after={"username": username, "address": address or None, "paused": refused},
            )
        )


def attempt(
    session: Session,
    username: str,
    password: str,
    *,
    address: str,
    rules: SignInRules,
    now: datetime,
) -> Outcome:
    """Try to sign in as `username` from `address` at `now`, inside the caller's
    transaction (which records the attempt)."""
    name = normalised(username)
    pause = pause_in_force(session, name, address, rules, now)
    if pause is not None:
        _record(session, name, address, now, refused=True)
        return Outcome(pause=pause)
    identity = auth.authenticate(session, name, password)
    _record(session, name, address, now, succeeded=identity is not None)
    if identity is not None:
        return Outcome(identity=identity)
    session.flush()
    return Outcome(pause=pause_in_force(session, name, address, rules, now))


def pause_message(pause: Pause, now: datetime) -> str:
    """What the sign-in form says while sign-in is paused: the same for every user name,
    existing or not."""
    minutes = pause.minutes_left(now)
    if pause.scope is Scope.ACCOUNT:
        # Translators: {count} is a number of minutes.
        text = ngettext(
            "Sign-in is paused for this account after several failed attempts. "
            "Try again in {count} minute.",
            "Sign-in is paused for this account after several failed attempts. "
            "Try again in {count} minutes.",
            minutes,
        )
    else:
        # Translators: {count} is a number of minutes.
        text = ngettext(
            "Sign-in from your network address is paused after many failed attempts. "
            "Try again in {count} minute.",
            "Sign-in from your network address is paused after many failed attempts. "
            "Try again in {count} minutes.",
            minutes,
        )
    return text.format(count=minutes)
