"""What the importer says about files that cannot be imported as they are: header-only and
all-rejected files, workbooks of several sheets, rows with more cells than the header,
rejections grouped by reason, texts longer than an entry keeps, decimal commas.

Expected values are written out by hand or read from the file with openpyxl and SQL.
"""

import io

import openpyxl
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from gdc_tracker import db, importing
from gdc_tracker.auth import Identity
from tests.factories import TODAY, make_user


@pytest.fixture
def store(reference_engine: Engine) -> Engine:
    return reference_engine


@pytest.fixture
def editor(store: Engine) -> Identity:
    return make_user(store, "editor.one", "editor")


def preview(
    engine: Engine, who: Identity, data: bytes, filename: str = "upload.csv", **read: str
) -> importing.ImportPreview:
    frame = importing.read_table(data, filename, **read)  # type: ignore[arg-type]
    mapping = importing.guess_mapping(frame, indicator_code="UMC_INTERNET_USE")
    with db.session_scope(engine) as session:
        return importing.preview(session, frame, mapping, by=who, today=TODAY)


def stored(engine: Engine) -> dict[tuple[str, str], float]:
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT geo_code, period, value FROM progressentry"))
        return {(geo, period): float(value) for geo, period, value in rows}


# Nothing to import, and why


def test_a_header_only_file_says_it_has_no_rows(store: Engine, editor: Identity) -> None:
    found = preview(store, editor, b"Country,Year,Value\n")
    assert found.rows_read == 0
    assert found.nothing_to_import() == (
        "The file has a header but no rows: there is nothing to import."
    )


def test_a_file_whose_every_row_is_rejected_says_so(store: Engine, editor: Identity) -> None:
    data = b"Country,Year,Value\nAtlantis,2020,50\nSLV,2020,abc\nSLV,2031,50\n"
    found = preview(store, editor, data)
    assert found.counts == {"new": 0, "changed": 0, "unchanged": 0, "rejected": 3}
    message = found.nothing_to_import()
    assert message == (
        "Nothing to import: all 3 values of the file were rejected. Correct the rows listed "
        "and check the file again."
    )
    assert "already in the store" not in message


def test_a_file_already_in_the_store_still_says_so(store: Engine, editor: Identity) -> None:
    data = b"Country,Year,Value\nSLV,2020,54.6\n"
    with db.session_scope(store) as session:
        importing.commit(session, preview(store, editor, data), by=editor)
    again = preview(store, editor, data)
    assert again.nothing_to_import() == (
        "Nothing to import: every accepted value is already in the store."
    )


# Workbooks of several sheets


def workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


SHEETS = {
    "Notes": [["Source: ITU"], ["Downloaded 2026-11-01"]],
    "Data": [["Country", "Year", "Value"], ["SLV", 2020, 54.6], ["GTM", 2020, 50.1]],
    "Regions": [["Country", "Year", "Value"], ["AMS", 2020, 70.0]],
}


def test_a_workbook_of_several_sheets_asks_which_and_reads_the_one_chosen(
    store: Engine, editor: Identity
) -> None:
    data = workbook(SHEETS)
    assert importing.workbook_sheets(data, "itu.xlsx") == ["Notes", "Data", "Regions"]
    with pytest.raises(importing.SheetNeeded) as asked:
        importing.read_table(data, "itu.xlsx")
    assert asked.value.sheets == ["Notes", "Data", "Regions"]
    assert str(asked.value) == (
        "The workbook has 3 sheets ('Notes', 'Data', 'Regions'): choose the one to import."
    )
    found = preview(store, editor, data, "itu.xlsx", sheet="Data")
    assert sorted((o.geo_code, o.period, o.value) for o in found.new) == [
        ("GTM", "2020", 50.1),
        ("SLV", "2020", 54.6),
    ]
    with pytest.raises(importing.UnreadableFile, match="no sheet named 'Daten'"):
        importing.read_table(data, "itu.xlsx", sheet="Daten")


def test_the_openpyxl_reader_chooses_the_same_sheet() -> None:
    data = workbook(SHEETS)
    records, attrs = importing.spreadsheets._openpyxl_records(data, "Regions")
    assert attrs["sheet"] == "Regions"
    assert records[1][1] == ["AMS", "2020", "70"]
    with pytest.raises(importing.SheetNeeded):
        importing.spreadsheets._openpyxl_records(data)


def test_a_one_sheet_workbook_and_a_csv_need_no_choice() -> None:
    assert importing.workbook_sheets(workbook({"Data": SHEETS["Data"]}), "x.xlsx") == ["Data"]
    assert importing.workbook_sheets(b"Country,Year,Value\n", "x.csv") == []


# Rows that do not fit the header; decimal commas


def test_a_row_with_more_cells_than_the_header_is_rejected_not_cut(
    store: Engine, editor: Identity
) -> None:
    """An unquoted decimal comma splits 81,5 into 81 and 5: the row must not import as 81."""
    data = b"Country,Year,Value\nSLV,2020,81,5\nGTM,2020,50.1\n"
    found = preview(store, editor, data)
    [problem] = found.problems
    assert (problem.row_number, problem.value) == (2, "5")
    assert "more cells than the header has columns" in problem.reason
    assert "must be in quotes" in problem.reason
    assert [(o.geo_code, o.value) for o in found.new] == [("GTM", 50.1)]


def test_empty_trailing_cells_are_not_extra_cells(store: Engine, editor: Identity) -> None:
    found = preview(store, editor, b"Country,Year,Value,\nSLV,2020,54.6,\nGTM,2020,50.1,,\n")
    assert found.problems == []
    assert len(found.new) == 2


def test_a_quoted_decimal_comma_is_refused_naming_the_row_and_the_column(
    store: Engine, editor: Identity
) -> None:
    found = preview(store, editor, b'Country,Year,Value\nSLV,2020,54.6\nGTM,2020,"81,5"\n')
    [problem] = found.problems
    assert str(problem) == (
        "row 3, column 'Value': '81,5' is not a number: write it with a decimal point and "
        "no thousands separators"
    )


# Rejections grouped by reason


def test_rejected_rows_are_grouped_by_reason_with_counts(store: Engine, editor: Identity) -> None:
    data = (
        b"Country,Year,Value\n"
        b"SLV,2019,abc\n"  # row 2
        b"Atlantis,2020,50\n"  # row 3
        b"SLV,2020,x\n"  # row 4
        b"SLV,2021,54.6\n"  # row 5, accepted
        b"Narnia,2021,40\n"  # row 6
        b"GTM,2021,n.a\n"  # row 7
    )
    found = preview(store, editor, data)
    groups = [(g.column, g.reason, g.rows) for g in found.problem_groups()]
    assert groups[0] == ("Value", "'…' is not a number", [2, 4, 7])
    assert groups[1][0] == "Country" and groups[1][2] == [3, 6]
    assert groups[1][1].startswith("unknown country '…'")
    table = found.problem_groups_frame()
    assert table["rows"].tolist() == [3, 2]
    assert table["row numbers"].tolist() == ["2, 4, 7", "3, 6"]
    assert len(found.problems_frame()) == 5  # the full list stays


def test_many_rows_of_one_reason_show_a_few_numbers_and_the_rest_as_a_count(
    store: Engine, editor: Identity
) -> None:
    lines = [b"Country,Year,Value"] + [f"SLV,{year},x".encode() for year in range(1995, 2015)]
    found = preview(store, editor, b"\n".join(lines) + b"\n")
    [group] = found.problem_groups()
    assert len(group.rows) == 20
    assert group.rows_in_words(8) == "2, 3, 4, 5, 6, 7, 8, 9 and 12 more"


# Texts longer than an entry keeps (the Update form's limits), on both databases


LIMITS = {"Source": 300, "Evidence URL": 500, "Narrative": 5000}


def texts_of_length(length: dict[str, int]) -> list[str]:
    link = "https://www.itu.int/" + "x" * (length["Evidence URL"] - len("https://www.itu.int/"))
    return ["s" * length["Source"], link, "n" * length["Narrative"]]


def test_texts_at_the_limits_import_and_one_character_more_is_refused_by_row(
    store: Engine, editor: Identity
) -> None:
    header = "Country,Year,Value,Source,Evidence URL,Narrative\n"
    at_limit = texts_of_length(LIMITS)
    rows = [["SLV", "2020", "54.6", *at_limit]]
    for n, column in enumerate(LIMITS):
        over = dict(LIMITS, **{column: LIMITS[column] + 1})
        rows.append(["SLV", str(2010 + n), "40", *texts_of_length(over)])
    data = (header + "".join(",".join(row) + "\n" for row in rows)).encode()
    found = preview(store, editor, data)
    problems = {(p.row_number, p.column): p for p in found.problems}
    assert sorted(problems) == [(3, "Source"), (4, "Evidence URL"), (5, "Narrative")]
    for (_row, column), problem in problems.items():
        assert f"longer than the {LIMITS[column]:,} characters" in problem.reason
        assert problem.value.endswith(f"({LIMITS[column] + 1:,} characters)")
    with db.session_scope(store) as session:
        importing.commit(session, found, by=editor)
    with store.connect() as connection:
        lengths = connection.execute(
            sa.text(
                "SELECT length(source), length(evidence_url), length(narrative) FROM progressentry"
            )
        ).one()
    assert tuple(lengths) == (300, 500, 5000)
