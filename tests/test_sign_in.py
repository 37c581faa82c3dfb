"""Failed sign-ins slow down a guesser: counted per user name and per address, in the
store (SQLite and PostgreSQL), with pauses that grow; the right password does not get in
while paused, and the form tells a real user name and a made-up one apart in nothing."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select

from gdc_tracker import db, sign_in
from gdc_tracker.config import SignInRules
from gdc_tracker.models import AuditRecord, SignInAttempt
from tests.factories import PASSWORD, make_user

RULES = SignInRules()  # 5 per account, 20 per address, 15 quiet minutes, 1 to 15 minutes
START = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
OFFICE = "203.0.113.7"


def attempt(
    engine: Engine,
    username: str,
    password: str,
    at: datetime,
    *,
    address: str = OFFICE,
    rules: SignInRules = RULES,
) -> sign_in.Outcome:
    with db.session_scope(engine) as session:
        return sign_in.attempt(session, username, password, address=address, rules=rules, now=at)


def fail(engine: Engine, username: str, times: int, start: datetime, **kwargs) -> datetime:
    """`times` wrong passwords, one a second from `start`; the moment after the last."""
    moment = start
    for _ in range(times):
        attempt(engine, username, "wrong password, again", moment, **kwargs)
        moment += timedelta(seconds=1)
    return moment


@pytest.fixture
def admin(engine: Engine):
    return make_user(engine, "ada.admin", "admin")


def test_thirty_wrong_passwords_pause_sign_in_and_the_right_one_is_refused(
    engine: Engine, admin
) -> None:
    after = fail(engine, "ada.admin", 30, START)
    outcome = attempt(engine, "ada.admin", PASSWORD, after)
    assert outcome.identity is None
    assert outcome.pause is not None and outcome.pause.scope == "account"
    with db.session_scope(engine) as session:
        failures = session.exec(select(AuditRecord).where(AuditRecord.entity == "sign-in")).all()
        attempts = session.exec(select(SignInAttempt)).all()
    assert len(failures) == 31  # 30 wrong passwords and the right one, refused
    assert {record.after["username"] for record in failures} == {"ada.admin"}
    assert len(attempts) == 31 and not any(a.succeeded for a in attempts)
    assert sum(not a.refused for a in attempts) == 5  # the password was checked 5 times only


def test_no_password_is_stored_with_an_attempt_or_its_audit_record(engine: Engine, admin) -> None:
    attempt(engine, "ada.admin", "my secret guess 123", START)
    attempt(engine, "ada.admin", PASSWORD, START + timedelta(seconds=1))
    with engine.connect() as connection:
        rows = [
            *connection.execute(sa.text("SELECT * FROM signinattempt")).all(),
            *connection.execute(sa.text("SELECT * FROM auditrecord")).all(),
        ]
    stored = " ".join(str(value) for row in rows for value in row)
    assert "my secret guess 123" not in stored and PASSWORD not in stored


def test_the_pause_ends_and_a_right_password_then_clears_the_count(engine: Engine, admin) -> None:
    after = fail(engine, "ada.admin", 5, START)
    assert attempt(engine, "ada.admin", PASSWORD, after).identity is None  # paused
    later = after + timedelta(minutes=1, seconds=1)
    assert attempt(engine, "ada.admin", PASSWORD, later).identity is not None
    again = fail(engine, "ada.admin", 4, later + timedelta(seconds=1))
    assert attempt(engine, "ada.admin", PASSWORD, again).identity is not None  # 4 < 5


def test_each_round_of_failures_doubles_the_pause_up_to_fifteen_minutes(
    engine: Engine, admin
) -> None:
    moment, pauses = START, []
    for _round in range(6):
        moment = fail(engine, "ada.admin", 5, moment)
        outcome = attempt(engine, "ada.admin", PASSWORD, moment)
        assert outcome.identity is None and outcome.pause is not None
        pauses.append(round((outcome.pause.until - moment).total_seconds() / 60))
        moment = outcome.pause.until + timedelta(seconds=1)
    assert pauses == [1, 2, 4, 8, 15, 15]


def test_failures_stop_counting_after_a_quiet_quarter_of_an_hour(engine: Engine, admin) -> None:
    after = fail(engine, "ada.admin", 4, START)
    quiet = after + timedelta(minutes=16)
    after = fail(engine, "ada.admin", 4, quiet)
    assert attempt(engine, "ada.admin", PASSWORD, after).identity is not None


def test_a_made_up_user_name_is_paused_exactly_like_a_real_one(engine: Engine, admin) -> None:
    real = [attempt(engine, "ada.admin", "guess", START + timedelta(seconds=i)) for i in range(6)]
    made_up = [
        attempt(engine, "ada.nobody", "guess", START + timedelta(seconds=i)) for i in range(6)
    ]
    assert [o.pause is not None for o in real] == [False] * 4 + [True] * 2
    assert [o.pause is not None for o in made_up] == [o.pause is not None for o in real]
    assert sign_in.pause_message(real[-1].pause, START) == sign_in.pause_message(
        made_up[-1].pause, START
    )


def test_the_count_is_per_user_name_as_typed_in_any_case(engine: Engine, admin) -> None:
    after = fail(engine, " ADA.Admin ", 5, START)
    assert attempt(engine, "ada.admin", PASSWORD, after).pause is not None
    other = make_user(engine, "ben.editor", "editor")
    assert attempt(engine, "ben.editor", PASSWORD, after).identity == other


def test_one_address_trying_many_names_is_paused_and_another_address_is_not(
    engine: Engine, admin
) -> None:
    for number in range(20):
        attempt(engine, f"name.{number}", "guess", START + timedelta(seconds=number))
    later = START + timedelta(seconds=30)
    refused = attempt(engine, "ada.admin", PASSWORD, later)
    assert refused.identity is None and refused.pause.scope == "address"
    elsewhere = attempt(engine, "ada.admin", PASSWORD, later, address="198.51.100.2")
    assert elsewhere.identity is not None


def test_the_message_says_the_account_is_paused_and_when_to_try_again() -> None:
    pause = sign_in.Pause(sign_in.Scope.ACCOUNT, START + timedelta(minutes=4))
    message = sign_in.pause_message(pause, START + timedelta(seconds=10))
    assert "paused for this account" in message and "in 4 minutes" in message
    assert "in 1 minute." in sign_in.pause_message(pause, pause.until - timedelta(seconds=5))


@pytest.mark.parametrize(
    ("peer", "forwarded", "behind_proxy", "expected"),
    [
        ("203.0.113.7", "10.0.0.1", False, "203.0.113.7"),  # a forged header is ignored
        ("10.0.0.2", "198.51.100.9, 203.0.113.7", True, "203.0.113.7"),  # the proxy's entry
        (None, None, False, ""),  # from this machine
    ],
)
def test_the_client_address_trusts_x_forwarded_for_only_behind_a_proxy(
    peer: str | None, forwarded: str | None, behind_proxy: bool, expected: str
) -> None:
    assert sign_in.client_address(peer, forwarded, behind_proxy=behind_proxy) == expected
