"""Charts that write numbers and dates as their reader does, from CLDR through Babel.

Vega-Lite formats axis labels, tooltips and legends with d3, whose default is American
English ("1,234.5", "January"). A chart's `config.locale` replaces it: the decimal and
grouping symbols, the month and day names of the reader's language. Every chart the app
draws or exports gets it (`localise_chart`), so a French reader sees "1 234,5" and
"janvier" on the axes, as in the tables around them.
"""

from typing import Any

from babel import Locale
from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol

from gdc_tracker.i18n import current_language

# CLDR numbers days from Monday (0) to Sunday (6); d3 lists them from Sunday.
_SUNDAY_FIRST = (6, 0, 1, 2, 3, 4, 5)


def _names(table: Any, order: tuple[int, ...]) -> list[str]:
    return [str(table[index]) for index in order]


def number_locale(language: str) -> dict[str, Any]:
    """d3's number locale for `language` (decimal, thousands, grouping, currency)."""
    where = Locale.parse(language)
    return {
        "decimal": get_decimal_symbol(where),
        "thousands": get_group_symbol(where),
        "grouping": [3],
        "currency": ["", ""],
        "minus": get_minus_sign_symbol(where),
    }


def time_locale(language: str) -> dict[str, Any]:
    """d3's time locale for `language`: month and day names as they stand alone on an axis
    (Russian "январь", not the "января" of a date)."""
    where = Locale.parse(language)
    months = range(1, 13)
    periods = where.day_periods.get("stand-alone", {}).get("abbreviated", {})
    return {
        "dateTime": "%x %X",
        "date": "%d/%m/%Y",
        "time": "%H:%M:%S",
        "periods": [str(periods.get("am", "AM")), str(periods.get("pm", "PM"))],
        "days": _names(where.days["stand-alone"]["wide"], _SUNDAY_FIRST),
        "shortDays": _names(where.days["stand-alone"]["abbreviated"], _SUNDAY_FIRST),
        "months": _names(where.months["stand-alone"]["wide"], tuple(months)),
        "shortMonths": _names(where.months["stand-alone"]["abbreviated"], tuple(months)),
    }


def chart_locale(language: str | None = None) -> dict[str, Any]:
    """The `config.locale` of a Vega-Lite chart for `language` (default: the reader's)."""
    language = language or current_language()
    return {"number": number_locale(language), "time": time_locale(language)}


def localise_chart(spec: dict[str, Any], language: str | None = None) -> dict[str, Any]:
    """`spec` (a Vega-Lite dict) formatting its numbers and dates in `language`.

    English keeps d3's own default, so English charts are exactly what they were.
    """
    language = language or current_language()
    if language == "en":
        return spec
    config = dict(spec.get("config", {}))
    config["locale"] = chart_locale(language)
    return {**spec, "config": config}
