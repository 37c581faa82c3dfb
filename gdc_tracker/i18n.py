"""One translation function for every user-visible string, in the reader's own language.

The language belongs to the person, not to the server: each page run asks the resolver
that the interface registers (`set_language_resolver`: the `?lang=` of the address, else
the browser's language, else the configured default), and code outside a page run (the
command line, a report built for a chosen language, a test) says which language it
speaks with `speaking("fr")`.

The catalogues are managed with Babel: `python -m gdc_tracker catalogues extract` reads
every `_()`, `ngettext()` and `N_()` of the code into locale/gdc_tracker.pot and updates
one locale/<lang>/LC_MESSAGES/gdc_tracker.po per language; `catalogues compile` writes
the .mo files gettext reads. A .po newer than its .mo (a fresh checkout, an edited
translation) is compiled when the process first needs it, so a catalogue never lags its
source; each catalogue is read once per process.

Rules for messages, checked by tests/test_catalogues.py: whole sentences with named
placeholders (`_("{count} values stored").format(count=n)`), never sentences glued from
fragments; plural forms through `ngettext`, never `n == 1`; nothing translated when a
module is imported (the language is not known then): a constant holds the English text
marked with `N_()`, and the code translates it with `_()` where it is shown.
"""

from __future__ import annotations

import functools
import gettext
import io
import re
import string
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from pathlib import Path
from typing import Any

from babel import Locale
from babel.messages import mofile, pofile
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
DOMAIN = "gdc_tracker"
DEFAULT_LANGUAGE = "en"
# ITU's six official languages, in the order the language switch lists them.
OFFICIAL_LANGUAGES: tuple[str, ...] = ("en", "fr", "es", "ar", "zh", "ru")
RIGHT_TO_LEFT: frozenset[str] = frozenset({"ar"})

_spoken: ContextVar[str | None] = ContextVar("gdc_tracker_language", default=None)
_resolver: Callable[[], str | None] | None = None


# Which languages exist, and which one speaks now


def catalogue_path(language: str, suffix: str = ".po") -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


@functools.cache
def available_languages() -> tuple[str, ...]:
    """English and every official language that has a catalogue, in the official order
    (read once per process)."""
    return tuple(
        code
        for code in OFFICIAL_LANGUAGES
        if code == DEFAULT_LANGUAGE or catalogue_path(code).exists()
    )


def language_name(code: str) -> str:
    """The language's name in itself ("Français", "Español", "العربية"), from CLDR."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


def negotiate(requested: str | None, available: tuple[str, ...] | None = None) -> str | None:
    """The available language that `requested` asks for ("fr-CA" → "fr"), or None.

    Accepts a BCP 47 tag as browsers send it or a bare code as people type it in a link;
    anything else (an unknown or malformed tag) is None, never an error.
    """
    if not requested:
        return None
    offered = available if available is not None else available_languages()
    primary = requested.strip().replace("_", "-").split("-")[0].lower()
    return primary if primary in offered else None


def set_language_resolver(resolver: Callable[[], str | None] | None) -> None:
    """Register how a page run finds its reader's language (the interface does, once)."""
    global _resolver
    _resolver = resolver


def current_language() -> str:
    """The language the interface speaks now: a code of `available_languages()`."""
    spoken = _spoken.get()
    if spoken is None and _resolver is not None:
        spoken = _resolver()
    return spoken or DEFAULT_LANGUAGE


def is_right_to_left(language: str | None = None) -> bool:
    return (language or current_language()) in RIGHT_TO_LEFT


@contextmanager
def speaking(language: str) -> Iterator[str]:
    """Speak `language` inside the block (a report for a chosen language, a test, the CLI)."""
    chosen = negotiate(language) or DEFAULT_LANGUAGE
    token = _spoken.set(chosen)
    try:
        yield chosen
    finally:
        _spoken.reset(token)


# The catalogues


@functools.cache
def translations(language: str) -> gettext.NullTranslations:
    """The catalogue of `language`, read once per process (a server restart reads an
    edited one); a .po newer than its .mo is compiled in memory instead of read stale."""
    po, mo = catalogue_path(language), catalogue_path(language, ".mo")
    if not po.exists():
        return NullTranslations()
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as compiled:
            return Translations(compiled, domain=DOMAIN)
    return Translations(io.BytesIO(compile_catalogue(language, write=False)), domain=DOMAIN)


def compile_catalogue(language: str, *, write: bool = True) -> bytes:
    """Compile locale/<language>/…/gdc_tracker.po; write the .mo beside it when allowed.

    Fuzzy and empty translations are left out, so such a message shows in English rather
    than in a guessed wording.
    """
    with catalogue_path(language).open("rb") as source:
        catalogue = pofile.read_po(source, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    mofile.write_mo(buffer, catalogue, use_fuzzy=False)
    compiled = buffer.getvalue()
    if write:
        catalogue_path(language, ".mo").write_bytes(compiled)
    return compiled


# What the code calls


class _ReaderFormatter(string.Formatter):
    """str.format, except that a number formatted with a thousands separator ("{n:,}",
    "{share:,.1f}") is grouped as the reader's language groups it: "23 963" in French,
    "23.963" in Spanish, not "23,963" everywhere."""

    def format_field(self, value: Any, format_spec: str) -> str:
        grouped = _GROUPED.fullmatch(format_spec)
        if grouped and isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            decimals = int(grouped.group(1) or 0)
            pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
            return format_decimal(value, format=pattern, locale=current_language())
        return super().format_field(value, format_spec)


_GROUPED = re.compile(r",(?:\.(\d+)f|d)?")
_FORMATTER = _ReaderFormatter()


class Message(str):
    """A translated message; its `format` groups numbers as the reader's language does."""

    __slots__ = ()

    def format(self, *args: Any, **kwargs: Any) -> str:  # noqa: A003
        return _FORMATTER.vformat(self, args, kwargs)


def _(message: str) -> str:
    """`message` in the reader's language (English when no translation exists)."""
    language = current_language()
    if language == DEFAULT_LANGUAGE:
        return Message(message)
    return Message(translations(language).gettext(message))


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form of a message for `count`, by the language's own rules
    (Arabic has six forms, Chinese one, Russian three)."""
    language = current_language()
    if language == DEFAULT_LANGUAGE:
        return Message(singular if count == 1 else plural)
    return Message(translations(language).ngettext(singular, plural, count))


def word_for(value: object, words: Mapping[str, str]) -> str:
    """The reader's word for a stored code, from `words` (code -> English marked N_); a
    code with no word is shown as stored."""
    text = str(value)
    return _(words[text]) if text in words else text


def N_(message: str) -> str:  # noqa: N802 (gettext's own name for the marker)
    """Mark `message` for the catalogues without translating it now (module constants)."""
    return message
