"""The bulk importer: reading files, guessing the mapping, each rejection reason with its row
and column, the commit (audit, versions, nothing-changed, rollback) and who may import."""

import csv
import dataclasses
import io
import uuid
from collections.abc import Iterator
from datetime import date, datetime

import openpyxl
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select

from gdc_tracker import bootstrap, db, entries, importing
from gdc_tracker.auth import ANONYMOUS, Identity
from gdc_tracker.errors import NotAllowed
from gdc_tracker.importing import ColumnMapping, CountryResolver
from gdc_tracker.models import AuditRecord, ProgressEntry, ReviewState
from gdc_tracker.reference import read_reference
from tests.factories import TODAY, internet_use, make_user

HEADER = ["Country", "Indicator", "Year", "Value"]


def csv_bytes(rows: list[list[str]], *, header: list[str] = HEADER, sep: str = ",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=sep, lineterminator="\n").writerows([header, *rows])
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def entry_count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(sa.text("SELECT count(*) FROM progressentry")).scalar())


def audit_count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(sa.text("SELECT count(*) FROM auditrecord")).scalar())


@pytest.fixture
def editor(reference_engine: Engine) -> Identity:
    return make_user(reference_engine, "editor.one", "editor")


@pytest.fixture
def reviewer(reference_engine: Engine) -> Identity:
    return make_user(reference_engine, "reviewer.one", "reviewer")


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def preview_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Engine, Identity]]:
    """One reference store per database for the tests that only preview (they write nothing),
    so each rejection reason does not pay for a migration, a seed and a password hash."""
    schema = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('preview') / 'store.db'}"
    else:
        server = request.getfixturevalue("postgres_server")
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with sa.create_engine(server).begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        separator = "&" if "?" in server else "?"
        url = f"{server}{separator}options=-csearch_path%3D{schema}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    bootstrap.seed(engine, with_demo=False)
    yield engine, make_user(engine, "previewer", "editor")
    engine.dispose()
    if schema:
        with sa.create_engine(server).begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))


def run_preview(
    engine: Engine, who: Identity, data: bytes, *, filename: str = "upload.csv", **changes: object
) -> importing.ImportPreview:
    frame = importing.read_table(data, filename)
    mapping = importing.guess_mapping(frame)
    if changes:
        mapping = dataclasses.replace(mapping, **changes)  # type: ignore[arg-type]
    with db.session_scope(engine) as session:
        return importing.preview(session, frame, mapping, by=who, today=TODAY)


def run_import(
    engine: Engine,
    who: Identity,
    data: bytes,
    *,
    state: str = "draft",
    filename: str = "upload.csv",
    **changes: object,
) -> importing.ImportResult:
    frame = importing.read_table(data, filename)
    mapping = importing.guess_mapping(frame)
    if changes:
        mapping = dataclasses.replace(mapping, **changes)  # type: ignore[arg-type]
    with db.session_scope(engine) as session:
        found = importing.preview(session, frame, mapping, by=who, today=TODAY)
        return importing.commit(session, found, by=who, state=state)


def stored(engine: Engine) -> dict[tuple[str, str, str], ProgressEntry]:
    with db.session_scope(engine) as session:
        rows = session.exec(select(ProgressEntry)).all()
    return {(row.geo_code, row.period, row.disaggregation): row for row in rows}


# Reading files (no database)


def test_a_bom_and_namibias_na_survive_reading() -> None:
    data = "\ufeffCountry,Year,Value\nNA,2020,1\nNamibia,2021,NA\n".encode()
    frame = importing.read_table(data, "x.csv")
    assert list(frame.columns) == ["Country", "Year", "Value"]
    assert frame["Country"].tolist() == ["NA", "Namibia"]
    assert frame["Value"].tolist() == ["1", "NA"]
    assert frame.index.tolist() == [2, 3]


@pytest.mark.parametrize("sep", [";", "\t", "|"])
def test_the_delimiter_is_sniffed(sep: str) -> None:
    frame = importing.read_table(csv_bytes([["SLV", "X", "2020", "1.5"]], sep=sep), "x.csv")
    assert list(frame.columns) == HEADER
    assert frame.iloc[0].tolist() == ["SLV", "X", "2020", "1.5"]


def test_a_world_bank_preamble_is_skipped_and_row_numbers_stay_those_of_the_file() -> None:
    data = (
        b'"Data Source","World Development Indicators",\n\n'
        b'"Last Updated Date","2024-06-28",\n\n'
        b'"Country Name","Country Code","2020","2021",\n'
        b'"El Salvador","SLV","54.6014","58.5986",\n'
        b"\n"
        b'"World","WLD","59.3","62.2",\n'
    )
    frame = importing.read_table(data, "API_x.csv")
    assert list(frame.columns) == ["Country Name", "Country Code", "2020", "2021"]
    assert frame.index.tolist() == [6, 8]
    assert frame.attrs["header_row"] == 5 and frame.attrs["skipped_lines"] == 4


def test_legacy_encodings_and_utf16_are_decoded() -> None:
    text = "Country,Year,Value\nCôte d'Ivoire,2020,36\n"
    for encoding in ("cp1252", "utf-16"):
        frame = importing.read_table(text.encode(encoding), "x.csv")
        assert frame["Country"].tolist() == ["Côte d'Ivoire"]


def test_duplicate_and_missing_headers_get_unique_names() -> None:
    frame = importing.read_table(b"Value,Value,,x\n1,2,3,4\n", "x.csv")
    assert list(frame.columns) == ["Value", "Value (2)", "Column 3", "x"]


def test_an_excel_sheet_reads_as_text_with_spreadsheet_row_numbers() -> None:
    data = xlsx_bytes(
        [
            ["Data Source", "World Development Indicators"],
            [],
            ["Country Name", "Country Code", 2020, 2021, "Updated"],
            ["Namibia", "NA", 57.8608, None, datetime(2024, 6, 28)],
            [],
            ["World", "WLD", 59.3, 62, None],
        ]
    )
    frame = importing.read_table(data, "book.xlsx")
    assert list(frame.columns) == ["Country Name", "Country Code", "2020", "2021", "Updated"]
    assert frame.index.tolist() == [4, 6]
    assert frame.loc[4].tolist() == ["Namibia", "NA", "57.8608", "", "2024-06-28"]
    assert frame.loc[6, "2021"] == "62"


def test_the_calamine_reader_agrees_with_openpyxl() -> None:
    rows = [["a", "b", "c"], [1.5, "x", True], [None, 2020, date(2024, 1, 31)], ["=", "", 1e-7]]
    data = xlsx_bytes(rows)
    fast, _ = importing.spreadsheets._calamine_records(data, None)
    slow, _ = importing.spreadsheets._openpyxl_records(data)

    def trimmed(records: list) -> list:
        return [(n, [c for c in cells if c != ""]) for n, cells in records if any(cells)]

    assert trimmed(fast) == trimmed(slow)


@pytest.mark.parametrize(
    ("data", "filename", "words"),
    [
        (b"", "x.csv", "empty"),
        (b"a,b\n", "x.pdf", "only CSV"),
        (b"a,b\n", "x.xls", "not an .xlsx file"),
        (b"not a zip at all", "x.xlsx", "not an Excel"),
        (b"\x00\x01\x02\xff\xfe\x00garbage", "x.csv", "binary"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(data: bytes, filename: str, words: str) -> None:
    with pytest.raises(importing.UnreadableFile, match=words):
        importing.read_table(data, filename)


def test_files_over_the_limits_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importing.limits, "MAX_FILE_BYTES", 100)
    with pytest.raises(importing.FileTooLarge, match="limit"):
        importing.read_table(b"x" * 101, "x.csv")
    monkeypatch.setattr(importing.limits, "MAX_FILE_BYTES", 20 * 1024 * 1024)
    monkeypatch.setattr(importing.limits, "MAX_ROWS", 3)
    rows = [["SLV", "X", str(2000 + i), "1"] for i in range(4)]
    with pytest.raises(importing.FileTooLarge, match="more than 3"):
        importing.read_table(csv_bytes(rows), "x.csv")
    with pytest.raises(importing.FileTooLarge, match="more than 3"):
        importing.read_table(xlsx_bytes([HEADER, *rows]), "x.xlsx")


# Guessing the mapping


def test_the_mapping_of_a_long_owid_file_is_guessed() -> None:
    data = (
        b"Entity,Code,Year,Individuals using the Internet (% of population)\n"
        b"World,OWID_WRL,2020,59.3\n"
    )
    mapping = importing.guess_mapping(importing.read_table(data, "owid.csv"))
    assert mapping.layout == "long"
    assert (mapping.country, mapping.country_name) == ("Code", "Entity")
    assert (mapping.period, mapping.value) == (
        "Year",
        "Individuals using the Internet (% of population)",
    )


def test_the_mapping_of_a_wide_world_bank_file_is_guessed() -> None:
    data = (
        b"Country Name,Country Code,Indicator Name,Indicator Code,1990,2020 [YR2020],2021\n"
        b"World,WLD,Internet,IT.NET.USER.ZS,0,59.3,62.2\n"
    )
    frame = importing.read_table(data, "wb.csv")
    mapping = importing.guess_mapping(frame, indicator_codes=["UMC_INTERNET_USE"])
    assert mapping.layout == "wide"
    assert (mapping.country, mapping.country_name) == ("Country Code", "Country Name")
    assert mapping.year_columns == ("1990", "2020 [YR2020]", "2021")
    # The column is kept although IT.NET.USER.ZS is no tracked code: its values are
    # matched to tracked indicators (or skipped), never relabelled without being seen.
    assert mapping.indicator == "Indicator Code"
    fixed = importing.guess_mapping(frame, indicator_code="UMC_INTERNET_USE")
    assert fixed.indicator_code == "UMC_INTERNET_USE"


def test_an_indicator_column_with_known_codes_is_kept() -> None:
    frame = importing.read_table(csv_bytes([["SLV", "UMC_INTERNET_USE", "2020", "1"]]), "x.csv")
    mapping = importing.guess_mapping(frame, indicator_codes=["UMC_INTERNET_USE"])
    assert (mapping.country, mapping.indicator, mapping.period, mapping.value) == tuple(HEADER)


def test_a_mapping_naming_missing_columns_is_refused() -> None:
    frame = importing.read_table(csv_bytes([["SLV", "X", "2020", "1"]]), "x.csv")
    mapping = ColumnMapping(layout="long", country="Nation", indicator="Indicator", period="Year")
    with pytest.raises(importing.MappingError, match="'Nation'") as raised:
        mapping.check(frame)
    assert "values" in str(raised.value)


# Countries (from the shipped reference data, no database)


@pytest.fixture(scope="module")
def resolver() -> CountryResolver:
    data = read_reference()
    geographies = [("WLD", "world", "World", None)]
    geographies += [(r["code"], "region", r["name"], None) for r in data.regions]
    geographies += [(c["iso3"], "country", c["name"], c["iso2"]) for c in data.countries]
    return CountryResolver(geographies)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("SLV", "SLV"),
        ("slv", "SLV"),
        ("SV", "SLV"),
        ("NA", "NAM"),
        ("Côte d'Ivoire", "CIV"),
        ("Cote d'Ivoire", "CIV"),
        ("COTE D’IVOIRE", "CIV"),
        ("Ivory Coast", "CIV"),
        ("Bolivia", "BOL"),
        ("Bolivia (Plurinational State of)", "BOL"),
        ("Viet Nam", "VNM"),
        ("Vietnam", "VNM"),
        ("Korea, Rep.", "KOR"),
        ("South Korea", "KOR"),
        ("Republic of Korea", "KOR"),
        ("Korea, Dem. People's Rep.", "PRK"),
        ("Russian Federation", "RUS"),
        ("Russia", "RUS"),
        ("Türkiye", "TUR"),
        ("Turkiye", "TUR"),
        ("Turkey", "TUR"),
        ("Congo, Dem. Rep.", "COD"),
        ("Congo, Rep.", "COG"),
        ("Congo", "COG"),
        ("Egypt, Arab Rep.", "EGY"),
        ("Iran, Islamic Rep.", "IRN"),
        ("Lao PDR", "LAO"),
        ("Micronesia, Fed. Sts.", "FSM"),
        ("Micronesia (country)", "FSM"),
        ("St. Lucia", "LCA"),
        ("St Kitts and Nevis", "KNA"),
        ("Gambia, The", "GMB"),
        ("The Gambia", "GMB"),
        ("Bahamas, The", "BHS"),
        ("Yemen, Rep.", "YEM"),
        ("Venezuela, RB", "VEN"),
        ("Kyrgyz Republic", "KGZ"),
        ("Slovak Republic", "SVK"),
        ("Czechia", "CZE"),
        ("Czech Republic", "CZE"),
        ("Hong Kong SAR, China", "HKG"),
        ("Macao SAR, China", "MAC"),
        ("West Bank and Gaza", "PSE"),
        ("Kosovo", "XKX"),
        ("XKX", "XKX"),
        ("OWID_KOS", "XKX"),
        ("World", "WLD"),
        ("WLD", "WLD"),
        ("OWID_WRL", "WLD"),
        ("United States of America", "USA"),
        ("Guinea Bissau", "GNB"),
        ("AMS", "AMS"),
    ],
)
def test_countries_are_recognised_by_code_and_usual_names(
    resolver: CountryResolver, text: str, code: str
) -> None:
    assert resolver.resolve(text).code == code


@pytest.mark.parametrize(
    ("code", "name", "words"),
    [
        ("AFE", "Africa Eastern and Southern", "unknown country 'AFE'"),
        ("HIC", "High income", "groupings such as World Bank"),
        ("ABW", "Aruba", "Aruba (ABW) is not among the geographies tracked"),
        ("ARB", "Arab World", "ITU region Arab States"),
        ("", "Low-income countries", "(no code given)"),
        ("", "Europe", "recognised by their code (EUR)"),
        ("FRA", "Germany", "name different countries"),
        ("", "", "empty country"),
    ],
)
def test_aggregates_and_contradictions_are_unknown_countries_with_the_reason(
    resolver: CountryResolver, code: str, name: str, words: str
) -> None:
    resolution = resolver.resolve(code, name)
    assert resolution.code is None
    assert words in (resolution.reason or "")


def test_a_code_with_a_matching_name_or_a_variant_name_resolves(resolver: CountryResolver) -> None:
    assert resolver.resolve("ARB", "Arab States").code == "ARB"
    assert resolver.resolve("COD", "Democratic Republic of The Congo").code == "COD"
    assert resolver.resolve("", "Ivory Coast").code == "CIV"
    assert resolver.resolve("FRO", "Faeroe Islands").code is None


# Each rejection reason, with row number and column (SQLite and PostgreSQL)

GOOD = ["SLV", "UMC_INTERNET_USE", "2020", "54.6"]


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        (["XYZ", "UMC_INTERNET_USE", "2020", "1"], "Country", "unknown country 'XYZ'"),
        (["SLV", "UMC_INTERNET_USE", "2020", "abc"], "Value", "'abc' is not a number"),
        (["SLV", "UMC_INTERNET_USE", "2020", "1,5"], "Value", "decimal point"),
        (["SLV", "UMC_INTERNET_USE", "2020", "inf"], "Value", "not a number"),
        (["SLV", "UMC_INTERNET_USE", "2020", ""], "Value", "empty value"),
        (["SLV", "UMC_INTERNET_USE", "2020", "NULL"], "Value", "missing value (NULL)"),
        (["SLV", "UMC_INTERNET_USE", "2020", "null"], "Value", "missing value (NULL)"),
        (["SLV", "UMC_INTERNET_USE", "2020", "N/A"], "Value", "missing value (NULL)"),
        (["SLV", "UMC_INTERNET_USE", "2020", ".."], "Value", "missing value (NULL)"),
        (["SLV", "UMC_INTERNET_USE", "2020", "-"], "Value", "missing value (NULL)"),
        (["SLV", "UMC_INTERNET_USE", "2020", "104"], "Value", "out of range: a percentage"),
        (["SLV", "UMC_INTERNET_USE", "2020", "-0.5"], "Value", "between 0 and 100"),
        (["SLV", "UMC_INTERNET_USE", "2020", "54.6"], "Value", "duplicate within the file: row 2"),
        (["SLV", "UMC_INTERNET_USE", "2027", "50"], "Year", "2027 has not ended yet"),
        (["SLV", "UMC_INTERNET_USE", "2026-Q4", "50"], "Year", "2026-Q4 has not ended yet"),
        (["SLV", "UMC_INTERNET_USE", "1985", "5"], "Year", "1985 is before 1990"),
        (["SLV", "UMC_INTERNET_USE", "last year", "5"], "Year", "is not a period"),
        (["SLV", "ITUT_AI_STANDARDS_APPROVED", "2020", "5"], "Country", "reported for: world"),
        (["SLV", "GIGA_SCHOOLS_CONNECTED", "2020", "5"], "evidence_url", "evidence link"),
    ],
)
def test_each_rejection_names_the_row_the_column_and_the_reason(
    preview_store: tuple[Engine, Identity], row: list[str], column: str, words: str
) -> None:
    found = run_preview(*preview_store, csv_bytes([GOOD, row]))
    assert found.counts == {"new": 1, "changed": 0, "unchanged": 0, "rejected": 1}
    assert {p.row_number for p in found.problems} == {3}
    reasons = [p.reason for p in found.problems if p.column == column]
    assert reasons and words in reasons[0], found.problems


def test_world_bank_aggregates_and_untracked_territories_are_set_aside_not_rejected(
    preview_store: tuple[Engine, Identity],
) -> None:
    rows = [
        GOOD,
        ["AFE", "UMC_INTERNET_USE", "2020", "1"],
        ["AFE", "UMC_INTERNET_USE", "2021", "2"],
        ["HIC", "UMC_INTERNET_USE", "2020", "3"],
        ["ABW", "UMC_INTERNET_USE", "2020", "4"],  # Aruba: ISO, not a tracked geography
        ["XYZ", "UMC_INTERNET_USE", "2020", "5"],  # no place at all: an error of the file
    ]
    found = run_preview(*preview_store, csv_bytes(rows))
    assert found.counts == {"new": 1, "changed": 0, "unchanged": 0, "rejected": 1}
    assert [p.row_number for p in found.problems] == [7]
    assert found.set_aside_lines() == [
        "3 rows of 2 aggregates not tracked (World Bank regions and income groups): AFE, HIC.",
        "1 row of a territory that is not a tracked geography: ABW.",
    ]
    listed = found.set_aside_frame()
    assert listed["row"].tolist() == [3, 4, 5, 6]
    assert (
        listed["reason"].iloc[0]
        == "'AFE' is a World Bank aggregate, not a geography the tracker holds"
    )


def test_a_breakdown_the_indicator_does_not_have_is_rejected(
    preview_store: tuple[Engine, Identity],
) -> None:
    header = [*HEADER, "Breakdown"]
    rows = [[*GOOD, "sex:female"], [*GOOD, "income:high"]]
    found = run_preview(*preview_store, csv_bytes(rows, header=header))
    assert [(p.row_number, p.column) for p in found.problems] == [(3, "Breakdown")]
    assert "'income' is not allowed" in found.problems[0].reason
    assert found.new[0].disaggregation == "sex:female"


def test_a_row_with_several_problems_lists_each_and_counts_once(
    preview_store: tuple[Engine, Identity],
) -> None:
    found = run_preview(*preview_store, csv_bytes([["XYZ", "GIGA_SCHOOLS_CONNECTED", "2020", "1"]]))
    assert found.rejected == 1 and found.rejected_rows == 1
    assert [p.column for p in found.problems] == ["Country", "evidence_url"]


def test_in_the_wide_layout_empty_cells_are_absent_not_errors(
    preview_store: tuple[Engine, Identity],
) -> None:
    data = csv_bytes(
        [["SLV", "54.6014", "", "NULL"], ["", "", "", ""], ["WLD", "", "62.2", ""]],
        header=["ISO3", "2020", "2021", "2022"],
    )
    found = run_preview(*preview_store, data, indicator_code="UMC_INTERNET_USE")
    assert found.mapping.layout == "wide"
    assert sorted((o.geo_code, o.period, o.value) for o in found.new) == [
        ("SLV", "2020", 54.6014),
        ("WLD", "2021", 62.2),
    ]
    assert [(p.row_number, p.column) for p in found.problems] == [(2, "2022")]


def test_text_longer_than_the_store_keeps_is_rejected(
    preview_store: tuple[Engine, Identity],
) -> None:
    header = [*HEADER, "Source", "Evidence URL"]
    link = "https://www.itu.int/" + "x" * 500
    rows = [[*GOOD, "ITU" * 101, ""], [*GOOD[:2], "2021", "60", "ITU", link]]
    found = run_preview(*preview_store, csv_bytes(rows, header=header))
    assert [(p.row_number, p.column) for p in found.problems] == [
        (2, "Source"),
        (3, "Evidence URL"),
    ]
    assert all("longer than the" in p.reason for p in found.problems)


def test_the_preview_tables_for_the_page(preview_store: tuple[Engine, Identity]) -> None:
    found = run_preview(*preview_store, csv_bytes([GOOD, ["XYZ", "UMC_INTERNET_USE", "2020", "1"]]))
    problems = found.problems_frame()
    assert list(problems.columns) == ["row", "column", "value", "reason"]
    assert problems.iloc[0][["row", "column", "value"]].tolist() == [3, "Country", "XYZ"]
    observations = found.observations_frame()
    assert observations.iloc[0][["row", "geography", "period", "value", "change"]].tolist() == [
        2,
        "SLV",
        "2020",
        54.6,
        "new",
    ]
    assert found.summary() == "1 new, 0 changed, 0 unchanged, 1 rejected (in 1 row)"


def test_an_unknown_fixed_indicator_is_a_mapping_error(
    preview_store: tuple[Engine, Identity],
) -> None:
    with pytest.raises(importing.MappingError, match="NO_SUCH"):
        run_preview(*preview_store, csv_bytes([GOOD]), indicator_code="NO_SUCH")


def test_a_preview_writes_nothing(reference_engine: Engine, editor: Identity) -> None:
    version = db.read_data_version(reference_engine)
    found = run_preview(reference_engine, editor, csv_bytes([GOOD]))
    assert found.counts["new"] == 1
    assert entry_count(reference_engine) == 0
    assert db.read_data_version(reference_engine) == version


# Commit


def test_accepted_rows_are_written_with_one_audit_record_each_and_one_version_bump(
    reference_engine: Engine, editor: Identity
) -> None:
    version, audits = db.read_data_version(reference_engine), audit_count(reference_engine)
    rows = [
        GOOD,
        ["WLD", "UMC_INTERNET_USE", "2021", "62.2"],
        ["XYZ", "UMC_INTERNET_USE", "2020", "1"],
    ]
    result = run_import(reference_engine, editor, csv_bytes(rows), state="submitted")
    assert (result.added, result.updated, result.rejected) == (2, 0, 1)
    saved = stored(reference_engine)
    assert set(saved) == {("SLV", "2020", "total"), ("WLD", "2021", "total")}
    entry = saved[("SLV", "2020", "total")]
    assert entry.value == 54.6 and entry.year == 2020 and entry.period_end == date(2020, 12, 31)
    assert entry.review_state == ReviewState.SUBMITTED and entry.version == 1
    # A plain file says nothing of its source: none is made up (not even its file name).
    assert entry.author_id == editor.user_id and entry.source == "source not stated"
    assert entry.data_source_id is None and entry.obs_status is None
    assert db.read_data_version(reference_engine) == version + 1
    assert audit_count(reference_engine) == audits + 3
    with db.session_scope(reference_engine) as session:
        records = session.exec(select(AuditRecord).order_by(AuditRecord.id)).all()[-3:]
    by_entity = {(r.entity, r.entity_id): r for r in records}
    row_audit = by_entity[("progressentry", str(entry.id))]
    assert row_audit.action == "import entry" and row_audit.before is None
    assert row_audit.after["value"] == 54.6 and row_audit.after["period_end"] == "2020-12-31"
    summary = next(r for r in records if r.entity == "import")
    assert summary.action == "import file" and summary.actor == "editor.one"
    assert summary.after["filename"] == "upload.csv"
    assert (summary.after["new"], summary.after["rejected"]) == (2, 1)


def test_source_evidence_and_narrative_columns_are_stored(
    reference_engine: Engine, editor: Identity
) -> None:
    header = ["Region", "Indicator", "Period", "Value", "Source", "Evidence", "Notes"]
    rows = [
        ["AMS", "GIGA_SCHOOLS_CONNECTED", "2025-Q2", "1200", "Giga", "https://giga.global", "x"]
    ]
    result = run_import(reference_engine, editor, csv_bytes(rows, header=header))
    assert result.added == 1
    entry = stored(reference_engine)[("AMS", "2025-Q2", "total")]
    assert (entry.source, entry.evidence_url, entry.narrative) == (
        "Giga",
        "https://giga.global",
        "x",
    )
    assert entry.year == 2025 and entry.period_end == date(2025, 6, 30)


def test_importing_the_same_file_again_changes_nothing_and_says_so(
    reference_engine: Engine, editor: Identity
) -> None:
    data = csv_bytes([GOOD, ["WLD", "UMC_INTERNET_USE", "2021", "62.2"]])
    run_import(reference_engine, editor, data)
    version, audits = db.read_data_version(reference_engine), audit_count(reference_engine)
    again = run_import(reference_engine, editor, data)
    assert again.nothing_changed and again.unchanged == 2
    assert "Nothing changed" in again.message
    assert db.read_data_version(reference_engine) == version
    assert audit_count(reference_engine) == audits


def audit_of(engine: Engine, entry_id: int, action: str) -> AuditRecord:
    with db.session_scope(engine) as session:
        return session.exec(
            select(AuditRecord).where(
                AuditRecord.entity_id == str(entry_id), AuditRecord.action == action
            )
        ).one()


def slv_2020(engine: Engine) -> list[ProgressEntry]:
    """Every entry of the GOOD row's cell, oldest first."""
    with db.session_scope(engine) as session:
        return list(
            session.exec(
                select(ProgressEntry)
                .where(ProgressEntry.geo_code == "SLV", ProgressEntry.period == "2020")
                .order_by(ProgressEntry.id)
            ).all()
        )


def published_entry(engine: Engine, editor: Identity, reviewer: Identity) -> ProgressEntry:
    with db.session_scope(engine) as session:
        entry = entries.add_entry(
            session, internet_use(period="2020", value=50.0), by=editor, submit=True, today=TODAY
        )
        return entries.review(session, entry.id, "publish", expected_version=1, by=reviewer)


def test_a_changed_draft_is_updated_in_place_with_version_plus_one_and_its_before_and_after(
    reference_engine: Engine, editor: Identity
) -> None:
    with db.session_scope(reference_engine) as session:
        entry = entries.add_entry(
            session, internet_use(period="2020", value=50.0), by=editor, submit=True, today=TODAY
        )
    result = run_import(reference_engine, editor, csv_bytes([GOOD]))
    assert (result.added, result.updated, result.corrections) == (0, 1, 0)
    [saved] = slv_2020(reference_engine)
    assert saved.id == entry.id and saved.value == 54.6 and saved.version == 2
    assert saved.review_state == ReviewState.DRAFT
    audit = audit_of(reference_engine, entry.id, "import correction")
    assert audit.before["value"] == 50.0 and audit.before["version"] == 1
    assert audit.after["value"] == 54.6 and audit.after["version"] == 2


def test_a_changed_published_value_stays_published_until_its_correction_is(
    reference_engine: Engine, editor: Identity, reviewer: Identity
) -> None:
    original = published_entry(reference_engine, editor, reviewer)
    result = run_import(reference_engine, editor, csv_bytes([GOOD]))
    assert (result.added, result.updated, result.corrections) == (0, 1, 1)
    assert "stay published" in result.message
    kept, correction = slv_2020(reference_engine)
    assert (kept.id, kept.value, kept.review_state) == (original.id, 50.0, "published")
    assert kept.version == original.version  # the figure is untouched
    assert correction.supersedes_id == original.id and correction.value == 54.6
    assert correction.review_state == ReviewState.DRAFT
    audit = audit_of(reference_engine, correction.id, "propose correction")
    assert audit.before["value"] == 50.0 and audit.after["value"] == 54.6
    assert audit.after["supersedes_id"] == original.id
    again = run_import(reference_engine, editor, csv_bytes([GOOD]))  # the correction is pending
    assert again.nothing_changed
    with db.session_scope(reference_engine) as session:
        entries.review(session, correction.id, "submit", expected_version=1, by=editor)
        entries.review(session, correction.id, "publish", expected_version=2, by=reviewer)
    states = [(e.value, e.review_state) for e in slv_2020(reference_engine)]
    assert states == [(50.0, "superseded"), (54.6, "published")]


def test_a_reviewer_importing_as_published_supersedes_the_published_value(
    reference_engine: Engine, editor: Identity, reviewer: Identity
) -> None:
    original = published_entry(reference_engine, editor, reviewer)
    result = run_import(reference_engine, reviewer, csv_bytes([GOOD]), state="published")
    assert result.corrections == 1 and "superseded" in result.message
    retired, replacement = slv_2020(reference_engine)
    assert (retired.review_state, retired.version) == ("superseded", original.version + 1)
    assert (replacement.review_state, replacement.value) == ("published", 54.6)
    assert replacement.supersedes_id == original.id
    assert replacement.reviewer_id == reviewer.user_id
    audit = audit_of(reference_engine, original.id, "supersede entry")
    assert audit.before["review_state"] == "published"
    assert audit.after["review_state"] == "superseded"


def test_publishing_a_pending_correction_by_import_supersedes_its_original(
    reference_engine: Engine, editor: Identity, reviewer: Identity
) -> None:
    original = published_entry(reference_engine, editor, reviewer)
    run_import(reference_engine, editor, csv_bytes([GOOD]))  # a draft correction: 54.6
    newer = [["SLV", "UMC_INTERNET_USE", "2020", "55.1"]]
    result = run_import(reference_engine, reviewer, csv_bytes(newer), state="published")
    assert (result.updated, result.corrections) == (1, 0)  # the pending correction, in place
    retired, correction = slv_2020(reference_engine)
    assert (retired.id, retired.review_state) == (original.id, "superseded")
    assert (correction.value, correction.review_state, correction.version) == (
        55.1,
        "published",
        2,
    )


def test_a_value_within_the_tolerance_is_unchanged(
    reference_engine: Engine, editor: Identity
) -> None:
    run_import(reference_engine, editor, csv_bytes([GOOD]))
    nearly = ["SLV", "UMC_INTERNET_USE", "2020", "54.6000000000001"]
    found = run_preview(reference_engine, editor, csv_bytes([nearly]))
    assert found.counts["unchanged"] == 1


def test_a_rejected_entry_does_not_block_a_new_one(
    reference_engine: Engine, editor: Identity, reviewer: Identity
) -> None:
    with db.session_scope(reference_engine) as session:
        entry = entries.add_entry(
            session, internet_use(period="2020", value=50.0), by=editor, submit=True, today=TODAY
        )
        entries.review(session, entry.id, "reject", expected_version=1, by=reviewer, reason="x")
    found = run_preview(reference_engine, editor, csv_bytes([GOOD]))
    assert found.counts["new"] == 1


def test_a_failure_mid_commit_leaves_the_store_as_it_was(
    reference_engine: Engine, editor: Identity, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing.limits, "CHUNK_SIZE", 2)
    run_import(reference_engine, editor, csv_bytes([GOOD]))
    before = (entry_count(reference_engine), audit_count(reference_engine))
    version = db.read_data_version(reference_engine)
    rows = [["SLV", "UMC_INTERNET_USE", "2020", "60"]]  # a change ...
    rows += [["SLV", "UMC_INTERNET_USE", str(year), "50"] for year in range(2010, 2016)]  # new

    def fail_halfway(fraction: float) -> None:
        if fraction > 0.4:
            raise RuntimeError("the disk is full")

    frame = importing.read_table(csv_bytes(rows), "x.csv")
    with pytest.raises(RuntimeError), db.session_scope(reference_engine) as session:
        found = importing.preview(
            session, frame, importing.guess_mapping(frame), by=editor, today=TODAY
        )
        importing.commit(session, found, by=editor, progress=fail_halfway)
    assert (entry_count(reference_engine), audit_count(reference_engine)) == before
    assert db.read_data_version(reference_engine) == version
    assert stored(reference_engine)[("SLV", "2020", "total")].value == 54.6


def test_an_entry_saved_between_preview_and_commit_stops_the_import(
    reference_engine: Engine, editor: Identity
) -> None:
    frame = importing.read_table(csv_bytes([GOOD]), "x.csv")
    with db.session_scope(reference_engine) as session:
        found = importing.preview(
            session, frame, importing.guess_mapping(frame), by=editor, today=TODAY
        )
    with db.session_scope(reference_engine) as session:
        entries.add_entry(session, internet_use(period="2020", value=40.0), by=editor, today=TODAY)
    with (
        pytest.raises(importing.StoreChanged, match="row 2"),
        db.session_scope(reference_engine) as session,
    ):
        importing.commit(session, found, by=editor)
    assert stored(reference_engine)[("SLV", "2020", "total")].value == 40.0


def test_progress_is_reported_up_to_the_end(reference_engine: Engine, editor: Identity) -> None:
    seen: list[float] = []
    frame = importing.read_table(csv_bytes([GOOD]), "x.csv")
    with db.session_scope(reference_engine) as session:
        found = importing.preview(
            session,
            frame,
            importing.guess_mapping(frame),
            by=editor,
            today=TODAY,
            progress=seen.append,
        )
        importing.commit(session, found, by=editor, progress=seen.append)
    assert all(0.0 <= fraction <= 1.0 for fraction in seen)
    assert seen.count(1.0) == 2 and seen[-1] == 1.0  # the preview's end, then the commit's


# Who may import


def test_viewers_and_anonymous_users_cannot_import(reference_engine: Engine) -> None:
    viewer = make_user(reference_engine, "viewer.one", "viewer")
    for who in (viewer, ANONYMOUS):
        with pytest.raises(NotAllowed):
            run_preview(reference_engine, who, csv_bytes([GOOD]))
    assert entry_count(reference_engine) == 0


def test_editors_import_drafts_or_submissions_but_only_reviewers_publish(
    reference_engine: Engine, editor: Identity, reviewer: Identity
) -> None:
    with pytest.raises(NotAllowed, match="reviewer"):
        run_import(reference_engine, editor, csv_bytes([GOOD]), state="published")
    with pytest.raises(NotAllowed):
        run_import(reference_engine, reviewer, csv_bytes([GOOD]), state="rejected")
    assert entry_count(reference_engine) == 0
    run_import(reference_engine, reviewer, csv_bytes([GOOD]), state="published")
    saved = stored(reference_engine)[("SLV", "2020", "total")]
    assert saved.review_state == ReviewState.PUBLISHED and saved.reviewer_id == reviewer.user_id
