"""Downloads people open in a spreadsheet: the same rows, and no cell that runs as a formula."""

import io

import openpyxl
import pandas as pd
import pytest

from gdc_tracker import exports


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
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
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
