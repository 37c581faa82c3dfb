"""The password rules for new and changed passwords, and the list of common passwords the
product ships with its source named."""

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from gdc_tracker import auth, db, passwords
from gdc_tracker.errors import ValidationFailed

PROJECT_ROOT = Path(__file__).resolve().parents[1]
LIST = PROJECT_ROOT / "data" / "passwords" / "common-passwords.txt"


def reasons(password: str, username: str = "ana.lopez") -> list[str]:
    problems = passwords.problems(password, username=username)
    assert {p.field for p in problems} <= {"password"}
    return [p.message for p in problems]


@pytest.mark.parametrize(
    "password",
    ["correct horse battery staple", "Tinned peaches at 4 o'clock", "kx7-plover-umbra-93"],
)
def test_a_long_uncommon_password_is_accepted(password: str) -> None:
    assert reasons(password) == []


def test_a_short_password_is_refused_with_the_length_to_reach() -> None:
    assert "use at least 12 characters" in reasons("Xq7!mz")


@pytest.mark.parametrize(
    "password", ["password1234", "PASSWORD1234", "LeaveMeAlone", "finalfantasy", "qazwsxedcrfv"]
)
def test_a_common_password_is_refused_in_any_case(password: str) -> None:
    assert any("most common passwords" in reason for reason in reasons(password))


@pytest.mark.parametrize(
    "password",
    [
        "aaaaaaaaaaaa",
        "abcabcabcabc",
        "123456789012",
        "abcdefghijklm",
        "qwertyuiopas",
        "zyxwvutsrqpo",
        "ababababababab",
        "0987654321098",
    ],
)
def test_a_repetition_or_a_run_is_refused(password: str) -> None:
    assert any("repeats itself or runs" in reason for reason in reasons(password))


def test_a_password_containing_the_user_name_is_refused() -> None:
    assert any("user name" in reason for reason in reasons("My name is Ana.Lopez!", "ana.lopez"))
    assert reasons("My name is Ana.Lopez!", "ben.ortiz") == []


def test_the_shipped_list_is_the_30000_most_common_passwords_with_its_source_named() -> None:
    lines = LIST.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 30_000 and lines[:4] == ["123456", "password", "12345678", "qwerty"]
    readme = (LIST.parent / "README.md").read_text(encoding="utf-8")
    assert "zxcvbn" in readme and "MIT" in readme and "2015" in readme


def test_a_temporary_password_meets_the_rules_and_differs_each_time() -> None:
    made = {passwords.temporary_password() for _ in range(20)}
    assert len(made) == 20
    assert all(len(p) >= passwords.MIN_LENGTH and not passwords.problems(p) for p in made)


def test_a_new_account_with_a_common_password_is_refused_by_field(engine: Engine) -> None:
    with pytest.raises(ValidationFailed) as raised, db.session_scope(engine) as session:
        auth.create_user(session, username="ana.lopez", password="Password1234", role="viewer")
    assert [p.field for p in raised.value.problems] == ["password"]
    assert "most common passwords" in str(raised.value)
