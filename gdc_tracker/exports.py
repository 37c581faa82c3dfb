"""Tables as files people take away: CSV, Excel and JSON that say where their values come
from, and are safe to open in a spreadsheet.

Every file carries its `About` (title, filters in words, sources, the date of the data and
the demo notice) and, where the table holds values, each row's `source` in words and
whether it is `real` or `demo`:

- CSV: the `About.lines()` pairs as `label,text` lines, an empty line, then the table
  (the World Bank WDI convention of metadata above the table). `pandas.read_csv(path,
  skiprows=CSV_PREAMBLE_ROWS)` reads the table alone.
- Excel: sheet "data" with the table, sheet "about" with the same lines.
- JSON: `{"about": About.as_dict(), "data": [...]}`, dates as ISO text, missing as null:
  the data API's shape, written by the same `json_document_bytes`.

A cell that starts with = + - @ (or a tab or carriage return) would run as a formula when
the file is opened; such text is prefixed with an apostrophe, the provenance lines
included. Numbers are left alone, so a negative value stays a number.
"""

import csv
import io
import json
from collections.abc import Mapping
from typing import Any

import pandas as pd

from gdc_tracker import provenance, views
from gdc_tracker.views import About

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXCEL_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON_MEDIA_TYPE = "application/json"
CSV_PREAMBLE_ROWS = 6  # the five About lines and the empty line under them: keep it fixed
VALUE_COLUMNS = ("is_demo", "source", "source_organisation", "source_dataset")


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


def holds_values(frame: pd.DataFrame) -> bool:
    """Whether `frame` holds values with a provenance (not, say, a list of initiatives)."""
    return any(column in frame.columns for column in VALUE_COLUMNS)


def with_provenance(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with each value's `source` in words and `real_or_demo`, the raw `is_demo`
    (and raw source columns) dropped; a frame without values as it is."""
    if not holds_values(frame):
        return frame
    labelled = views.with_row_provenance(frame)
    if "obs_status" not in frame.columns:  # added in words; only kept where it was asked
        labelled = labelled.drop(columns="obs_status", errors="ignore")
    kind, source = labelled.pop(views.ROW_KIND_COLUMN), labelled.pop(views.ROW_SOURCE_COLUMN)
    # A demo value is never lent a source, whatever was typed beside it.
    source = source.mask(kind == views.DEMO, provenance.demo_label())
    labelled = labelled.drop(columns="is_demo", errors="ignore")
    return labelled.assign(**{views.ROW_KIND_COLUMN: kind, views.ROW_SOURCE_COLUMN: source})


def about_rows(frame: pd.DataFrame, *, title: str) -> About:
    """The `About` of a table whose caller gave none: the sources of its rows, their
    newest date, and the demo notice when any row is demo."""
    if not holds_values(frame):
        return views.about_values(frame, title=title)
    labelled = views.with_row_provenance(frame)
    return views.about_values(labelled, title=title)


def _one_line(text: object) -> str:
    """A provenance text on one line, so the preamble is always `CSV_PREAMBLE_ROWS` rows."""
    return " ".join(str(text).split())


def about_lines(about: About) -> list[tuple[str, str]]:
    """The (label, text) pairs every file writes, on one line each, formula-safe."""
    return [
        (str(neutralise_cell(_one_line(label))), str(neutralise_cell(_one_line(text))))
        for label, text in about.lines()
    ]


def _known(frame: pd.DataFrame, about: About | None, name: str) -> About:
    return about if about is not None else about_rows(frame, title=name)


def to_csv_bytes(frame: pd.DataFrame, about: About | None = None, *, name: str = "data") -> bytes:
    """UTF-8 with a byte-order mark (so Excel opens accents and non-Latin names correctly),
    the `About` lines above the table; `name` titles a file whose caller gave no `about`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(about_lines(_known(frame, about, name)))
    writer.writerow([])
    neutralise(with_provenance(frame)).to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8-sig")


def _without_timezones(frame: pd.DataFrame) -> pd.DataFrame:
    """Excel has no time zones: write UTC times as plain date-times."""
    plain = frame.copy()
    for column in plain.columns:
        if isinstance(plain[column].dtype, pd.DatetimeTZDtype):
            plain[column] = plain[column].dt.tz_convert("UTC").dt.tz_localize(None)
    return plain


def to_excel_bytes(
    frame: pd.DataFrame, about: About | None = None, *, sheet_name: str = "data", name: str = ""
) -> bytes:
    """The table on `sheet_name` ("data"), the `About` lines on a sheet "about"."""
    lines = pd.DataFrame(about_lines(_known(frame, about, name or sheet_name)))
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        _without_timezones(neutralise(with_provenance(frame))).to_excel(
            writer, index=False, sheet_name=sheet_name[:31]
        )
        lines.to_excel(writer, index=False, header=False, sheet_name="about")
    return buffer.getvalue()


def json_records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of `table` as JSON-ready dicts: dates as ISO text, missing as None."""
    return json.loads(
        table.to_json(orient="records", date_format="iso", date_unit="s", default_handler=str)
    )


def json_document_bytes(document: Mapping[str, Any]) -> bytes:
    """A JSON document as UTF-8, non-Latin names as they are (not as \\u escapes)."""
    return json.dumps(document, ensure_ascii=False, indent=1, default=str).encode("utf-8")


def json_table_bytes(
    rows: pd.DataFrame, about: About, *, links: Mapping[str, str | None] | None = None
) -> bytes:
    """`{"about": ..., "data": [...], "links": {...}}`: the one JSON shape of a table, for
    a page's download and a data API answer alike (`links` only where the API pages)."""
    document: dict[str, Any] = {"about": about.as_dict(), "data": json_records(rows)}
    if links is not None:
        document["links"] = dict(links)
    return json_document_bytes(document)


def to_json_bytes(frame: pd.DataFrame, about: About | None = None, *, name: str = "data") -> bytes:
    """The table as the data API writes JSON, each row with its source and `real_or_demo`."""
    return json_table_bytes(with_provenance(frame), _known(frame, about, name))
