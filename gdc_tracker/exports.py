"""Tables as files people take away: CSV and Excel, safe to open in a spreadsheet.

A cell that starts with = + - @ (or a tab or carriage return) would run as a formula when
the file is opened; such text is prefixed with an apostrophe. Numbers are left alone, so a
negative value stays a number.
"""

import io

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXCEL_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells cannot run as spreadsheet formulas."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise_cell)
    safe.columns = [str(neutralise_cell(str(c))) for c in safe.columns]
    return safe


def _without_timezones(frame: pd.DataFrame) -> pd.DataFrame:
    """Excel has no time zones: write UTC times as plain date-times."""
    plain = frame.copy()
    for column in plain.columns:
        if isinstance(plain[column].dtype, pd.DatetimeTZDtype):
            plain[column] = plain[column].dt.tz_convert("UTC").dt.tz_localize(None)
    return plain


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens accents and non-Latin names correctly."""
    return neutralise(frame).to_csv(index=False).encode("utf-8-sig")


def to_excel_bytes(frame: pd.DataFrame, *, sheet_name: str = "data") -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        _without_timezones(neutralise(frame)).to_excel(
            writer, index=False, sheet_name=sheet_name[:31]
        )
    return buffer.getvalue()
