"""Downloads people open in a spreadsheet: the same rows, the provenance above them, and
no cell that runs as a formula. Files are read back with csv, pandas, openpyxl and json."""

import csv
import io
import json
from datetime import UTC, datetime

import openpyxl
import pandas as pd
import pytest

from gdc_tracker import exports
from gdc_tracker.views import About


@pytest.fixture
def table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "country": ["Côte d'Ivoire", '=HYPERLINK("http://x")', "+1 trick", "@SUM(A1)"],
            "narrative": ["-2 drop reported", "plain", "\tTabbed", "ok"],
            "value": [-3.5, 10.0, 0.0, 99.9],
            "updated": pd.to_datetime(["2024-01-02"] * 4, utc=True),
        }
    )


def test_formula_looking_text_is_neutralised_and_numbers_are_not(table: pd.DataFrame) -> None:
    safe = exports.neutralise(table)
    assert safe["country"].tolist() == [
        "Côte d'Ivoire",
        '\'=HYPERLINK("http://x")',
        "'+1 trick",
        "'@SUM(A1)",
    ]
    assert safe["narrative"].tolist()[:3] == ["'-2 drop reported", "plain", "'\tTabbed"]
    assert safe["value"].tolist() == [-3.5, 10.0, 0.0, 99.9]
    assert table["country"][1].startswith("=")  # the original is untouched


def test_csv_download_opens_with_accents_and_safe_cells(table: pd.DataFrame) -> None:
    data = exports.to_csv_bytes(table)
    assert data.startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads UTF-8
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", skiprows=6)
    assert back["country"][0] == "Côte d'Ivoire"
    assert back["country"][1] == '\'=HYPERLINK("http://x")'
    assert back["value"].tolist() == [-3.5, 10.0, 0.0, 99.9]


def test_excel_download_holds_the_rows_as_values_not_formulas(table: pd.DataFrame) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(exports.to_excel_bytes(table, sheet_name="t")))
    sheet = workbook["t"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("country", "narrative", "value", "updated")
    assert rows[2][0] == '\'=HYPERLINK("http://x")'
    assert rows[1][2] == -3.5
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


WORLD_BANK = "ITU, via the World Bank (2025 release, CC BY 4.0)"
DEMO = "demo data, not official statistics"


@pytest.fixture
def values() -> pd.DataFrame:
    """Two real values and one demo value, as the value queries return them."""
    return pd.DataFrame(
        {
            "geo_name": ["World", "El Salvador", "Brazil"],
            "year": [2023, 2023, 2022],
            "value": [67.4, 55.0, float("nan")],
            "is_demo": [False, True, False],
            "source": [WORLD_BANK, DEMO, "Typed by an editor"],
            "updated_at": pd.to_datetime(
                ["2025-05-12 14:05", "2025-01-01 00:00", "2024-06-30 09:00"], utc=True
            ),
        }
    )


@pytest.fixture
def about() -> About:
    return About(
        title="Internet use · Time series",
        filters={"Geographies": "World, El Salvador, Brazil"},
        sources=(WORLD_BANK, "Typed by an editor"),
        as_of=datetime(2025, 5, 12, 14, 5, tzinfo=UTC),
        demo_values=1,
        values=3,
    )


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_opens_with_its_provenance_then_the_table_each_row_with_source_and_kind(
    values: pd.DataFrame, about: About
) -> None:
    rows = _csv_rows(exports.to_csv_bytes(values, about))
    assert rows[:6] == [
        ["Title", "Internet use · Time series"],
        ["Filters", "Geographies: World, El Salvador, Brazil"],
        ["Sources", f"{WORLD_BANK}; Typed by an editor; {DEMO}"],
        ["Data as of", "12 May 2025 14:05 UTC"],
        ["Notice", "Demo data, not official statistics: 1 of 3 values shown"],
        [],
    ]
    header, *table = rows[6:]
    assert "is_demo" not in header
    kind, source = header.index("real_or_demo"), header.index("source")
    assert [(row[0], row[kind], row[source]) for row in table] == [
        ("World", "real", WORLD_BANK),
        ("El Salvador", "demo", DEMO),
        ("Brazil", "real", "Typed by an editor"),
    ]


def test_pandas_reads_the_table_of_a_csv_by_skipping_its_six_provenance_rows(
    values: pd.DataFrame, about: About
) -> None:
    back = pd.read_csv(io.BytesIO(exports.to_csv_bytes(values, about)), skiprows=6)
    assert back["geo_name"].tolist() == ["World", "El Salvador", "Brazil"]
    assert back["value"].tolist()[:2] == [67.4, 55.0] and pd.isna(back["value"][2])
    assert back["real_or_demo"].tolist() == ["real", "demo", "real"]


def test_a_demo_row_is_never_lent_the_source_typed_beside_it(values: pd.DataFrame) -> None:
    values.loc[1, "source"] = WORLD_BANK
    back = pd.read_csv(io.BytesIO(exports.to_csv_bytes(values)), skiprows=6)
    assert back.loc[1, "source"] == DEMO


def test_provenance_lines_are_on_one_line_and_cannot_run_as_formulas(
    values: pd.DataFrame,
) -> None:
    about = About(title='=HYPERLINK("http://x")\nsecond line', sources=("+ITU",), values=1)
    rows = _csv_rows(exports.to_csv_bytes(values, about))
    assert rows[0] == ["Title", '\'=HYPERLINK("http://x") second line']
    assert rows[2] == ["Sources", "'+ITU"]
    assert rows[5] == []


def test_without_an_about_the_file_names_its_rows_sources_and_says_demo(
    values: pd.DataFrame,
) -> None:
    lines = dict(_csv_rows(exports.to_csv_bytes(values, name="internet_use"))[:5])
    assert lines["Title"] == "internet_use"
    assert lines["Sources"] == f"{WORLD_BANK}; Typed by an editor; {DEMO}"
    assert lines["Data as of"] == "12 May 2025 14:05 UTC"
    assert lines["Notice"].startswith("Demo data, not official statistics")
    assert "GDC Tracker" not in lines["Sources"]


def test_a_table_without_values_keeps_its_columns_and_says_no_source_is_stated() -> None:
    initiatives = pd.DataFrame({"name": ["Giga"], "status": ["ongoing"]})
    rows = _csv_rows(exports.to_csv_bytes(initiatives, name="initiatives"))
    assert rows[2] == ["Sources", "source not stated"]
    assert rows[6:] == [["name", "status"], ["Giga", "ongoing"]]


def test_excel_holds_the_table_on_data_and_the_provenance_on_about(
    values: pd.DataFrame, about: About
) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(exports.to_excel_bytes(values, about)))
    assert workbook.sheetnames == ["data", "about"]
    data = list(workbook["data"].iter_rows(values_only=True))
    header = data[0]
    assert header[-2:] == ("real_or_demo", "source") and "is_demo" not in header
    assert [row[-2:] for row in data[1:]] == [
        ("real", WORLD_BANK),
        ("demo", DEMO),
        ("real", "Typed by an editor"),
    ]
    facts = dict(workbook["about"].iter_rows(values_only=True))
    assert facts["Title"] == "Internet use · Time series"
    assert facts["Notice"] == "Demo data, not official statistics: 1 of 3 values shown"


def test_json_carries_the_about_and_the_rows_with_iso_dates_and_nulls(
    values: pd.DataFrame, about: About
) -> None:
    document = json.loads(exports.to_json_bytes(values, about).decode("utf-8"))
    assert document["about"]["notice"] == (
        "Demo data, not official statistics: 1 of 3 values shown"
    )
    assert document["about"]["filters"] == {"Geographies": "World, El Salvador, Brazil"}
    assert document["about"]["data_as_of"] == "2025-05-12T14:05:00+00:00"
    first, demo, missing = document["data"]
    assert first["source"] == WORLD_BANK and first["real_or_demo"] == "real"
    assert demo["real_or_demo"] == "demo"
    assert missing["value"] is None
    assert datetime.fromisoformat(first["updated_at"]) == datetime(2025, 5, 12, 14, 5, tzinfo=UTC)


def test_a_views_labelled_rows_keep_their_demo_label_in_every_file() -> None:
    """A view's data carries `real_or_demo` without the raw `is_demo`: a file made from it
    must still say demo, never relabel the row as real."""
    from gdc_tracker import views

    labelled = pd.DataFrame(
        {
            "geo_name": ["World", "Americas"],
            "value": [79.1, 83.3],
            "source": ["demo data, not official statistics"] * 2,
            "real_or_demo": ["demo", "demo"],
        }
    )
    assert views.about_values(labelled, title="4G").demo_values == 2
    text = exports.to_csv_bytes(labelled, name="4G").decode("utf-8-sig")
    assert "Demo data, not official statistics: 2 of 2 values shown" in text
    table = pd.read_csv(io.StringIO(text), skiprows=6)
    assert table["real_or_demo"].tolist() == ["demo", "demo"]
