"""Tables' numbers and dates written in the reader's language.

Streamlit formats a table's numbers and dates in the browser, by the browser's locale (or
by a printf pattern that knows no locale): a French reader on an English browser would
read "1,234.50" and "3 Mar 2025". So tables are handed over as a pandas Styler whose
display text Babel writes in the language of the page ("1 234,50", "3 mars 2025"), while
the values underneath stay numbers and dates, so that sorting a column still sorts by
value. The column's own printf format gives the number of decimals; "%d" (years, counts)
is written without grouping, as a year is.
"""

import math
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pandas as pd
from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_decimal, parse_pattern
from pandas.io.formats.style import Styler

from gdc_tracker.numbers import reader_locale

Formatter = Callable[[Any], str]
# Cells. Streamlit sends a Styler's text cell by cell through pandas (about 25 µs a cell
# here, formatted or not): the Initiatives table of the large benchmark store (2,000 rows,
# 28,000 cells) took 0.7 s of a 0.78 s warm run. Beyond this size a table keeps Streamlit's
# own formats (the browser's language).
LARGEST_STYLED = 3_000
_DECIMALS = re.compile(r"%[,]?\.(\d+)f")


def _type_config(config: Any) -> dict[str, Any]:
    """A column configuration's type part ({} for a plain header or none)."""
    if isinstance(config, Mapping):
        return dict(config.get("type_config") or {})
    return {}


def _number_pattern(printf: str | None, series: pd.Series) -> str | None:
    """The CLDR pattern for a number column, or None to leave the column as it is."""
    if printf in (None, "", "localized", "plain"):
        return "#,##0.###" if pd.api.types.is_float_dtype(series) else None
    if printf == "%d":
        return "0"
    found = _DECIMALS.fullmatch(printf)
    if found is None:
        return None  # a percent, a currency... Streamlit keeps writing those
    decimals = int(found.group(1))
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def _missing(value: Any) -> bool:
    return (
        value is None
        or value is pd.NA
        or value is pd.NaT
        or (isinstance(value, float) and math.isnan(value))
    )


def _number_formatter(pattern: str, locale: Locale) -> Formatter:
    """Numbers by `pattern`, parsed once for the column (Babel parses a pattern given as
    text on every call), each distinct value written once (years and counts repeat)."""
    parsed = parse_pattern(pattern)
    written: dict[tuple[float, float], str] = {}

    def write(value: Any) -> str:
        if _missing(value):
            return ""
        number = float(value)
        key = (number, math.copysign(1.0, number))  # -0.0 equals 0.0, yet is written "-0"
        text = written.get(key)
        if text is None:
            text = written[key] = format_decimal(Decimal(number), format=parsed, locale=locale)
        return text

    return write


def _day(value: Any) -> date | None:
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    return value if isinstance(value, date) else None


def _date_formatter(locale: Locale) -> Formatter:
    def write(value: Any) -> str:
        day = _day(value)
        if _missing(value) or day is None:
            return "" if _missing(value) else str(value)
        if isinstance(day, datetime):
            day = day.date()
        return format_date(day, format="medium", locale=locale)

    return write


def _time_formatter(seconds: bool, locale: Locale) -> Formatter:
    """A date and its time of day, as the column's format asked ("HH:mm" or "HH:mm:ss");
    times stay in the time zone they are stored in, as Streamlit showed them."""

    def write(value: Any) -> str:
        moment = _day(value)
        if _missing(value) or not isinstance(moment, datetime):
            return _date_formatter(locale)(value)
        day = format_date(moment.date(), format="medium", locale=locale)
        clock = format_time(moment, format="medium" if seconds else "short", locale=locale)
        return f"{day} {clock}"

    return write


def _dates_formatter(printf: str | None, locale: Locale) -> Formatter:
    if printf and "mm:ss" in printf:
        return _time_formatter(seconds=True, locale=locale)
    if printf and "HH:mm" in printf:
        return _time_formatter(seconds=False, locale=locale)
    return _date_formatter(locale)


def _holds_dates(series: pd.Series) -> bool:
    """A column of dates: datetime64, or Python dates and datetimes (how a query returns
    SQLite's dates)."""
    if pd.api.types.is_datetime64_any_dtype(series):
        return True
    if series.dtype != object:
        return False
    first = series.dropna().head(1)
    return not first.empty and isinstance(first.iloc[0], date)


def formatters(frame: pd.DataFrame, column_config: Mapping[str, Any]) -> dict[str, Formatter]:
    """Column -> how its cells are written for the reader: numbers by the column's
    decimals, dates in the language's medium form ("3 mars 2025")."""
    found: dict[str, Formatter] = {}
    locale = reader_locale()  # now: the Styler writes its cells later, when drawn
    for column in frame.columns:
        type_config = _type_config(column_config.get(column))
        kind = type_config.get("type")
        series = frame[column]
        if kind is None and _holds_numbers_as_objects(series):
            series = pd.to_numeric(series)  # None among numbers: an object column
        if kind in ("date", "datetime") or (kind is None and _holds_dates(series)):
            found[column] = _dates_formatter(type_config.get("format"), locale)
        elif kind == "number" or (kind is None and pd.api.types.is_numeric_dtype(series)):
            if pd.api.types.is_bool_dtype(series):
                continue
            pattern = _number_pattern(type_config.get("format"), series)
            if pattern is not None:
                found[column] = _number_formatter(pattern, locale)
    return found


def _holds_numbers_as_objects(series: pd.Series) -> bool:
    """An object column of numbers and missing values (no text, no flags)."""
    if series.dtype != object:
        return False
    present = series.dropna()
    return not present.empty and all(
        isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)
        for value in present
    )


def _holds_text(series: pd.Series) -> bool:
    return pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series)


def _without_format(config: Any) -> Any:
    """`config` with its format dropped: the Styler's text is then what the table shows."""
    if not isinstance(config, Mapping) or "type_config" not in config:
        return config
    type_config = dict(config["type_config"])
    type_config.pop("format", None)
    return {**config, "type_config": type_config}


def _blank_missing_text(frame: pd.DataFrame, column_config: Mapping[str, Any]) -> pd.DataFrame:
    """`frame` with the missing cells of its text columns as "" (else Streamlit writes
    "None"); columns that hold anything but text, or are configured as numbers, dates and
    the like, are left as they are."""
    blanked = {}
    for column in frame.columns:
        series = frame[column]
        if _type_config(column_config.get(column)).get("type") is not None:
            continue
        if not _holds_text(series) or not series.isna().any():
            continue
        present = series.dropna()
        if all(isinstance(value, str) for value in present):
            blanked[column] = series.astype(object).where(series.notna(), "")
    return frame.assign(**blanked) if blanked else frame


def for_reader(
    frame: pd.DataFrame, column_config: Mapping[str, Any] | None = None
) -> tuple[pd.DataFrame | Styler, dict[str, Any]]:
    """`frame` ready for st.dataframe in the reader's language, and the column
    configuration to draw it with. English is formatted too: one rule for every reader."""
    config = dict(column_config or {})
    frame = _blank_missing_text(frame, config)
    if frame.size > LARGEST_STYLED:
        return frame, config
    found = formatters(frame, config)
    if not found or frame.empty:
        return frame, config
    if not frame.index.is_unique:
        frame = frame.reset_index(drop=True)
    styled = frame.style.format(found, na_rep="")
    for column in found:
        if column in config:
            config[column] = _without_format(config[column])
    return styled, config
