"""The rules a new or changed password must meet (OWASP ASVS 2.1).

Length counts most: at least `MIN_LENGTH` characters, with no upper limit below the
form's 256 and no demand for character classes. Refused besides: a password on the list
of common passwords the product ships (data/passwords, compared without regard to case),
one that only repeats or runs along the alphabet, the digits or the keyboard
(`aaaaaaaaaaaa`, `abcabcabcabc`, `123456789012`, `qwertyuiopas`), and one that contains
the user name. Each refusal is a FieldProblem for the `password` field that says why.
"""

import secrets
from functools import lru_cache

from gdc_tracker.config import PROJECT_ROOT
from gdc_tracker.errors import FieldProblem
from gdc_tracker.i18n import _, ngettext

MIN_LENGTH = 12
COMMON_PASSWORDS = PROJECT_ROOT / "data" / "passwords" / "common-passwords.txt"
# Sequences a run may follow, forwards or backwards, wrapping round at the end: the
# alphabet, the digits as on the keyboard (…8, 9, 0, 1…) and the letter rows of a keyboard.
RUNS = ("abcdefghijklmnopqrstuvwxyz", "1234567890", "qwertyuiopasdfghjklzxcvbnm")
FEWEST_DISTINCT = 4  # fewer different characters than this is a repetition
# Temporary passwords: letters and digits nobody misreads (no 0/o, 1/l/i), in groups.
TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
TEMPORARY_GROUPS = 4
TEMPORARY_GROUP_LENGTH = 5  # 20 characters of 31 possible: about 99 bits


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, in lower case."""
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip())


def _repeats_a_block(text: str) -> bool:
    """Whether `text` is a shorter block said again and again (`abcabcabcabc`)."""
    return any(
        text == (text[:size] * (len(text) // size + 1))[: len(text)]
        for size in range(1, len(text) // 2 + 1)
    )


def _runs_along(text: str, sequence: str) -> bool:
    """Whether each character of `text` follows the one before it in `sequence`, all
    forwards or all backwards (wrapping round)."""
    if any(char not in sequence for char in text):
        return False
    steps = {
        (sequence.index(after) - sequence.index(before)) % len(sequence)
        for before, after in zip(text, text[1:], strict=False)
    }
    return steps in ({1}, {len(sequence) - 1})


def is_repetitive(password: str) -> bool:
    text = password.lower()
    return (
        len(set(text)) < FEWEST_DISTINCT
        or _repeats_a_block(text)
        or any(_runs_along(text, sequence) for sequence in RUNS)
    )


def policy_in_words() -> str:
    """What a new password must be, as the forms' help says it."""
    # Translators: {count} is the least number of characters a password may have.
    return ngettext(
        "At least {count} character, not a common password, not the user name.",
        "At least {count} characters, not a common password, not the user name.",
        MIN_LENGTH,
    ).format(count=MIN_LENGTH)


def problems(password: str, *, username: str = "") -> list[FieldProblem]:
    """Why `password` may not be used by `username`; empty when it may."""
    found: list[str] = []
    if len(password) < MIN_LENGTH:
        shortest = ngettext(
            "use at least {count} character", "use at least {count} characters", MIN_LENGTH
        )
        found.append(shortest.format(count=MIN_LENGTH))
    if password.lower() in common_passwords():
        found.append(_("this is one of the most common passwords: choose another"))
    elif password and is_repetitive(password):
        found.append(
            _(
                "repeats itself or runs along the alphabet, the digits or the keyboard: "
                "choose something less regular"
            )
        )
    name = username.strip().lower()
    if len(name) >= 3 and name in password.lower():
        found.append(_("must not contain the user name"))
    return [FieldProblem("password", message) for message in found]


def temporary_password() -> str:
    """A random password an admin hands over once (`abcde-fghjk-…`); it meets the rules."""
    while True:
        groups = [
            "".join(secrets.choice(TEMPORARY_ALPHABET) for _place in range(TEMPORARY_GROUP_LENGTH))
            for _group in range(TEMPORARY_GROUPS)
        ]
        candidate = "-".join(groups)
        if not problems(candidate):
            return candidate
