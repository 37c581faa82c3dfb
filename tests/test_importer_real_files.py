"""The importer against real downloads of ../shared/data (skipped where that folder is absent,
never in CI): the World Bank's wide CSV (BOM, aggregates, empty cells), the same with the
World Bank's preamble, the same rows as an Excel workbook, and Our World in Data's long CSV
(OWID_WRL, OWID_KOS, rows without a code). Values are pinned from the files themselves."""

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from gdc_tracker import bootstrap, db, importing
from gdc_tracker.auth import Identity
from gdc_tracker.models import Indicator, ProgressEntry
from tests.conftest import shared_data
from tests.factories import TODAY, make_user

WORLD_BANK = "API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv"
OWID = "share-of-individuals-using-the-internet.csv"
INDICATOR = "UMC_INTERNET_USE"
WORLD_BANK_PREAMBLE = (
    b'"Data Source","World Development Indicators",\r\n\r\n'
    b'"Last Updated Date","2024-06-28",\r\n\r\n'
)

# (geography, year) -> value, as the World Bank file has them.
WORLD_BANK_VALUES = {
    ("WLD", "2020"): 59.3,
    ("WLD", "2021"): 62.2,
    ("WLD", "2022"): 64.4,
    ("WLD", "2023"): 67.4,
    ("NGA", "2020"): 31.8888,
    ("SLV", "2020"): 54.6014,
    ("SLV", "2021"): 58.5986,
    ("SLV", "2022"): 62.8885,
    ("CIV", "2019"): 36.289,  # "Cote d'Ivoire"
    ("NAM", "2021"): 61.1132,  # Namibia, whose ISO alpha-2 is NA
    ("XKX", "2017"): 83.8936,  # Kosovo
}


@pytest.fixture
def editor(reference_engine: Engine) -> Identity:
    return make_user(reference_engine, "editor.one", "editor")


@pytest.fixture
def sqlite_store(sqlite_url: str) -> Iterator[Engine]:
    """SQLite only, for the tests that repeat what the two-database tests prove."""
    engine = db.make_engine(sqlite_url)
    db.upgrade(engine)
    bootstrap.seed(engine, with_demo=False)
    yield engine
    engine.dispose()


def import_file(
    engine: Engine, who: Identity, data: bytes, filename: str
) -> tuple[importing.ImportPreview, importing.ImportResult]:
    frame = importing.read_table(data, filename)
    mapping = importing.guess_mapping(frame, indicator_code=INDICATOR)
    with db.session_scope(engine) as session:
        found = importing.preview(session, frame, mapping, by=who, today=TODAY)
        return found, importing.commit(session, found, by=who)


def stored_values(engine: Engine) -> dict[tuple[str, str], float]:
    with db.session_scope(engine) as session:
        indicator = session.exec(select(Indicator).where(Indicator.code == INDICATOR)).one()
        rows = session.exec(
            select(ProgressEntry).where(ProgressEntry.indicator_id == indicator.id)
        ).all()
    return {(row.geo_code, row.period): float(row.value or 0) for row in rows}


def problems_by_row(found: importing.ImportPreview) -> dict[int, list[importing.RowProblem]]:
    grouped: dict[int, list[importing.RowProblem]] = {}
    for problem in found.problems:
        grouped.setdefault(problem.row_number, []).append(problem)
    return grouped


def assert_world_bank_values(engine: Engine) -> None:
    values = stored_values(engine)
    for key, expected in WORLD_BANK_VALUES.items():
        assert values[key] == expected, key  # exact: the file's text, parsed once
    assert ("SLV", "2023") not in values  # an empty cell is an absent observation


def test_the_world_bank_wide_csv_imports_its_exact_values(
    reference_engine: Engine, editor: Identity
) -> None:
    data = shared_data(WORLD_BANK).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # the file's BOM
    found, result = import_file(reference_engine, editor, data, WORLD_BANK)
    assert found.mapping.layout == "wide"
    assert (found.mapping.country, found.mapping.country_name) == ("Country Code", "Country Name")
    assert result.added == found.counts["new"] > 6_000 and result.updated == 0
    assert_world_bank_values(reference_engine)
    # Aggregates are set aside in one line, not rejected row by row; each row stays listed.
    grouped = problems_by_row(found)
    assert 3 not in grouped and 9 not in grouped
    aside = found.set_aside_frame().set_index("row")
    assert "'AFE' (Africa Eastern and Southern) is a World Bank aggregate" in aside.loc[3, "reason"]
    assert aside.loc[3, "column"] == "Country Code"
    assert "ITU region Arab States" in aside.loc[9, "reason"]  # "Arab World" is not ITU's ARB
    slv_row = next(
        row
        for row, cells in enumerate(csv.reader(io.StringIO(data.decode("utf-8-sig"))), 1)
        if cells[1] == "SLV"
    )
    assert slv_row not in grouped  # SLV 2023 is empty: not an error
    assert {p.reason for p in found.problems if "before" in p.reason} <= {
        f"{year} is before 1990" for year in range(1960, 1990)
    }
    version = db.read_data_version(reference_engine)
    again_found, again = import_file(reference_engine, editor, data, WORLD_BANK)
    assert again.nothing_changed and "Nothing changed" in again.message
    assert again_found.counts["unchanged"] == found.counts["new"]
    assert db.read_data_version(reference_engine) == version


def test_the_world_bank_preamble_is_skipped_and_row_numbers_follow_the_file(
    sqlite_store: Engine,
) -> None:
    data = shared_data(WORLD_BANK).read_bytes()
    with_preamble = b"\xef\xbb\xbf" + WORLD_BANK_PREAMBLE + data.removeprefix(b"\xef\xbb\xbf")
    frame = importing.read_table(with_preamble, WORLD_BANK)
    assert frame.attrs["skipped_lines"] == 4
    who = make_user(sqlite_store, "editor.one", "editor")
    with db.session_scope(sqlite_store) as session:
        found = importing.preview(
            session, frame, importing.guess_mapping(frame, indicator_code=INDICATOR), by=who
        )
    observed = {(o.geo_code, o.period): o.value for o in found.new}
    assert {key: observed.get(key) for key in WORLD_BANK_VALUES} == WORLD_BANK_VALUES
    aside = found.set_aside_frame().set_index("row")
    assert (
        "'AFE' (Africa Eastern and Southern) is a World Bank aggregate"
        in aside.loc[3 + 4, "reason"]
    )


def test_an_excel_workbook_of_the_world_bank_rows_imports_the_same_values(
    sqlite_store: Engine,
) -> None:
    text = shared_data(WORLD_BANK).read_text(encoding="utf-8-sig")
    workbook = openpyxl.Workbook()
    for cells in csv.reader(io.StringIO(text)):
        workbook.active.append(
            [
                float(cell) if index >= 4 and cell else (cell or None)
                for index, cell in enumerate(cells)
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    who = make_user(sqlite_store, "editor.one", "editor")
    found, result = import_file(sqlite_store, who, buffer.getvalue(), "wdi.xlsx")
    assert found.mapping.layout == "wide" and result.added > 6_000
    assert_world_bank_values(sqlite_store)
    assert "is a World Bank aggregate" in found.set_aside_frame().set_index("row").loc[3, "reason"]


def owid_row(path: Path, entity: str, year: str) -> int:
    """The row number of (entity, year) in the OWID file, header being row 1."""
    with path.open(encoding="utf-8") as handle:
        for number, cells in enumerate(csv.reader(handle), start=1):
            if cells[0] == entity and cells[2] == year:
                return number
    raise AssertionError(f"{entity} {year} not in {path.name}")


def test_the_owid_long_csv_imports_its_exact_values(
    reference_engine: Engine, editor: Identity
) -> None:
    path = shared_data(OWID)
    found, result = import_file(reference_engine, editor, path.read_bytes(), OWID)
    assert found.mapping.layout == "long"
    assert (found.mapping.country, found.mapping.country_name) == ("Code", "Entity")
    assert result.added > 5_000
    values = stored_values(reference_engine)
    expected = {
        ("WLD", "2020"): 59.3,  # OWID_WRL
        ("WLD", "2023"): 67.4,
        ("NGA", "2020"): 31.8888,
        ("SLV", "2020"): 54.6014,
        ("SLV", "2022"): 62.8885,
        ("CIV", "2019"): 36.289,  # "Ivory Coast"
        ("NAM", "2021"): 61.1132,
        ("BRA", "2023"): 84.1506,
        ("XKX", "2017"): 83.8936,  # OWID_KOS
        ("XKX", "2018"): 89.443,
    }
    for key, value in expected.items():
        assert values[key] == value, key
    assert ("SLV", "2023") not in values and ("NGA", "2023") not in values
    grouped = problems_by_row(found)
    faroe = grouped[owid_row(path, "Faeroe Islands", "1996")][0]
    assert faroe.column == "Entity" and "'Faeroe Islands' (no code given)" in faroe.reason
    low_income = grouped[owid_row(path, "Low-income countries", "2005")][0]
    assert "unknown country 'Low-income countries'" in low_income.reason
    early = grouped[owid_row(path, "Botswana", "1960")][0]
    assert (early.column, early.reason) == ("Year", "1960 is before 1990")


def test_the_two_vintages_of_one_series_update_where_they_differ(sqlite_store: Engine) -> None:
    editor = make_user(sqlite_store, "editor.one", "editor")
    import_file(sqlite_store, editor, shared_data(WORLD_BANK).read_bytes(), WORLD_BANK)
    found, result = import_file(sqlite_store, editor, shared_data(OWID).read_bytes(), OWID)
    assert result.unchanged > 5_000  # the same series, mostly the same values
    assert all(o.existing is not None and o.existing.value != o.value for o in found.changed)
    assert stored_values(sqlite_store)[("WLD", "2020")] == 59.3
