"""Numbers as people type and read them, by the rules of their language (Babel, CLDR).

"8,5" is eight and a half to a French or Spanish reader and nothing at all to an English
one: it is read by the locale's own decimal and grouping symbols, or refused with a
message that says how to write it. A comma is never silently dropped (which once turned
8,5 into 85).

Numbers shown to people (`decimal_for_people`, `percent_for_people`) are written in the
language the reader speaks now: "1,234.5" in English, "1 234,5" in French.
"""

from decimal import Decimal

from babel import Locale, UnknownLocaleError
from babel.numbers import (
    NumberFormatError,
    format_decimal,
    format_scientific,
    get_decimal_symbol,
    get_group_symbol,
    parse_decimal,
)

from gdc_tracker.i18n import _, current_language

DEFAULT_LOCALE = "en"
# Spaces people type between thousands; CLDR's French grouping is a narrow no-break space.
_SPACES = (" ", "\u00a0", "\u202f", "\u2009")


class NumberProblem(ValueError):
    """The text is not a number as written in the locale; str() says how to write it."""


def _locale(code: str | None) -> Locale:
    try:
        return Locale.parse(code or DEFAULT_LOCALE, sep="-" if "-" in (code or "") else "_")
    except (ValueError, UnknownLocaleError):
        return Locale.parse(DEFAULT_LOCALE)


def _without_space_grouping(text: str, locale: Locale) -> str:
    """Drop spaces between digits where the locale groups thousands with a space."""
    if get_group_symbol(locale) not in _SPACES:
        return text
    for space in _SPACES:
        text = text.replace(space, "")
    return text


def parse_number(text: str, locale: str | None = DEFAULT_LOCALE) -> float:
    """The number `text` means in `locale` ("8,5" is 8.5 in fr and es, refused in en)."""
    where = _locale(locale)
    cleaned = _without_space_grouping(text.strip(), where)
    if not any(character.isdigit() for character in cleaned):
        raise NumberProblem(_("Enter a number."))
    try:
        value: Decimal = parse_decimal(cleaned, locale=where, strict=True)
    except NumberFormatError:
        raise NumberProblem(
            _(
                "“{text}” is not a number as written in {language}: write the decimals "
                "after “{decimal}”, as in {example}."
            ).format(
                text=text.strip(),
                language=where.get_display_name(where) or str(where),
                decimal=get_decimal_symbol(where),
                example=format_decimal(1234.5, locale=where),
            )
        ) from None
    if not value.is_finite():
        raise NumberProblem(_("Enter a finite number."))
    return float(value)


def format_number(value: float, locale: str | None = DEFAULT_LOCALE) -> str:
    """`value` as `locale` writes it, without grouping, so it reads back as typed."""
    return format_decimal(value, format="0.##########", locale=_locale(locale))


def reader_locale() -> Locale:
    """The locale of the language the reader speaks now, for numbers and dates."""
    return _locale(current_language())


def decimal_for_people(value: float, pattern: str = "#,##0.###") -> str:
    """`value` written by a CLDR pattern in the reader's language ("#,##0.0": "1,234.5" in
    English, "1 234,5" in French). It is rounded as Python rounds the float itself, so
    English reads as f"{value:,.1f}" does (67.35 is 67.3: the float is 67.34999...)."""
    return format_decimal(Decimal(float(value)), format=pattern, locale=reader_locale())


def scientific_for_people(value: float, pattern: str = "0.00E00") -> str:
    """A very small or very large `value` in scientific notation, in the reader's language."""
    return format_scientific(Decimal(float(value)), format=pattern, locale=reader_locale())


def percent_for_people(percent: float, pattern: str = "#,##0.0") -> str:
    """A percentage given in percent (67.3, not 0.673), with its sign where the reader's
    language puts it: "67.3 %" in English."""
    # Translators: a percentage; place the sign (and any space before it) as your language does.
    return _("{number} %").format(number=decimal_for_people(percent, pattern))
