"""Property-based: whatever the file, the importer either explains the problem with its own
error (BulkImportError) or imports; it never writes part of a file.

Malformed CSV and Excel bytes come from random cells, headers, encodings, delimiters,
truncation and junk; commits are sometimes made to fail halfway. Runs on SQLite (one store
for the module: examples add up, so later ones meet changed and unchanged entries too).
"""

import csv
import io
import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from unittest import mock

import openpyxl
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from gdc_tracker import bootstrap, db, importing
from gdc_tracker.auth import Identity
from gdc_tracker.importing import BulkImportError
from tests.factories import TODAY, make_user

CELLS = [
    "SLV",
    "WLD",
    "NA",
    "AFE",
    "XYZ",
    "OWID_WRL",
    "Côte d'Ivoire",
    "Korea, Rep.",
    "UMC_INTERNET_USE",
    "GIGA_SCHOOLS_CONNECTED",
    "NOPE",
    "2020",
    "2021",
    "2020.0",
    "1985",
    "2031",
    "2024-Q3",
    "2024-13",
    "",
    " ",
    "NULL",
    "..",
    "-",
    "N/A",
    "54.6",
    "62.2",
    "1e308",
    "-5",
    "104",
    "nan",
    "inf",
    "1,5",
    '"',
    "\n",
    "=1+1",
    "sex:female",
    "income:high",
    "https://www.itu.int",
    "not a link",
]
HEADERS = [
    "Country",
    "Country Code",
    "Country Name",
    "ISO3",
    "Code",
    "Entity",
    "Indicator",
    "Year",
    "Period",
    "Value",
    "2019",
    "2020",
    "2021 [YR2021]",
    "Disaggregation",
    "Source",
    "Evidence URL",
    "Narrative",
    "",
]
FILENAMES = ["data.csv", "data.xlsx", "data.txt", "data.tsv", "data", "DATA.CSV", "data.json"]

cell = st.one_of(
    st.sampled_from(CELLS),
    st.text(max_size=12),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-10, 3000).map(str),
)
repeat = st.sampled_from([1, 1, 1, 1, 40, 400])  # sometimes a larger file of repeated rows
random_table = st.tuples(
    st.lists(st.one_of(st.sampled_from(HEADERS), st.text(max_size=8)), min_size=1, max_size=7),
    st.lists(st.lists(cell, max_size=8), max_size=25),
    repeat,
)
country = st.one_of(
    st.sampled_from(["SLV", "WLD", "NA", "sv", "AFE", "XYZ", "OWID_WRL", "Viet Nam", "AMS", ""]),
    st.text(max_size=6),
)
indicator = st.sampled_from(
    ["UMC_INTERNET_USE", "umc_internet_use", "UMC_MOBILE_OWNERSHIP", "GIGA_SCHOOLS_CONNECTED"]
    + ["ITUT_AI_STANDARDS_APPROVED", "NOPE", ""]
)
year = st.sampled_from(["2019", "2020", "2021", "2020.0", "2024-Q3", "1985", "2031", "", "x"])
value = st.one_of(
    st.sampled_from(["54.6", "", "NULL", "..", "104", "-1", "1,5", "nan", "abc", " 7 "]),
    st.floats(0, 100).map(lambda number: f"{number:.4f}"),
)
extra = st.sampled_from(
    [
        ("Disaggregation", st.sampled_from(["", "total", "sex:female", "Sex: Male", "income:x"])),
        ("Source", st.text(max_size=10)),
        ("Evidence URL", st.sampled_from(["", "https://www.itu.int/giga", "not a link"])),
    ]
)


@st.composite
def plausible_table(draw: st.DrawFn) -> tuple[list[str], list[list[str]], int]:
    """Mostly right: a long or wide layout with plausible and wrong cells, a column missing
    now and then, and optional extra columns."""
    if draw(st.booleans()):
        header, columns = (
            ["Country", "Indicator", "Year", "Value"],
            [country, indicator, year, value],
        )
    else:
        header = ["Country Name", "Country Code", "Indicator", "2019", "2020", "2021 [YR2021]"]
        columns = [st.sampled_from(["El Salvador", "World", "Arab World", ""]), country, indicator]
        columns += [value, value, value]
    for name, strategy in draw(st.lists(extra, max_size=2, unique_by=lambda item: item[0])):
        header, columns = [*header, name], [*columns, strategy]
    if draw(st.integers(0, 4)) == 0:
        dropped = draw(st.integers(0, len(header) - 1))
        header, columns = (
            header[:dropped] + header[dropped + 1 :],
            columns[:dropped] + columns[dropped + 1 :],
        )
    rows = draw(st.lists(st.tuples(*columns).map(list), max_size=25))
    return header, rows, draw(repeat)


table = st.one_of(random_table, plausible_table(), plausible_table())


def csv_file(header: list[str], rows: list[list[str]], encoding: str, delimiter: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows([header, *rows])
    return buffer.getvalue().encode(encoding, errors="replace")


_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xlsx_file(header: list[str], rows: list[list[str]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in [header, *rows]:
        values: list[object] = []
        for text in row:
            try:
                values.append(float(text) if text.strip() and text.strip()[0].isdigit() else text)
            except ValueError:
                values.append(_ILLEGAL.sub("", text))
        sheet.append([_ILLEGAL.sub("", v) if isinstance(v, str) else v for v in values])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@st.composite
def uploads(draw: st.DrawFn) -> tuple[bytes, str]:
    header, rows, repeat = draw(table)
    rows = rows * repeat
    kind = draw(st.sampled_from(["csv", "csv", "csv", "xlsx", "xlsx", "junk", "empty"]))
    if kind == "csv":
        encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]))
        data = csv_file(header, rows, encoding, draw(st.sampled_from([",", ";", "\t", "|"])))
    elif kind == "xlsx":
        data = xlsx_file(header, rows)
    elif kind == "junk":
        data = draw(st.binary(max_size=2_000))
    else:
        data = draw(st.sampled_from([b"", b"\n\n", b" ", b"\xef\xbb\xbf"]))
    damage = draw(st.sampled_from(["none"] * 6 + ["truncate", "flip"]))
    if damage == "truncate" and data:
        data = data[: draw(st.integers(0, len(data) - 1))]
    elif damage == "flip" and data:
        position = draw(st.integers(0, len(data) - 1))
        data = data[:position] + bytes([data[position] ^ 0xFF]) + data[position + 1 :]
    name = draw(st.sampled_from(FILENAMES))
    if kind == "xlsx" and draw(st.booleans()):
        name = "data.xlsx"
    return data, name


class Boom(Exception):
    """A failure injected into a commit (the disk filled up, the connection dropped)."""


def failing_at(threshold: float | None) -> Callable[[float], None] | None:
    if threshold is None:
        return None

    def progress(fraction: float) -> None:
        if fraction >= threshold:
            raise Boom(f"failed at {fraction:.0%}")

    return progress


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, Identity]]:
    engine = db.make_engine(f"sqlite:///{tmp_path_factory.mktemp('props') / 'store.db'}")
    db.upgrade(engine)
    bootstrap.seed(engine, with_demo=False)
    yield engine, make_user(engine, "property.tester", "editor")
    engine.dispose()


def counts(engine: Engine) -> tuple[int, int, int]:
    with engine.connect() as connection:
        entries = connection.execute(sa.text("SELECT count(*) FROM progressentry")).scalar()
        audits = connection.execute(sa.text("SELECT count(*) FROM auditrecord")).scalar()
    return int(entries or 0), int(audits or 0), db.read_data_version(engine)


def stored_values(engine: Engine) -> dict[tuple[int, str, str, str], float]:
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT indicator_id, geo_code, period, disaggregation, value FROM progressentry "
                "WHERE review_state NOT IN ('rejected', 'superseded')"
            )
        ).all()
    return {(r[0], r[1], r[2], r[3]): r[4] for r in rows}


def import_whole_or_refuse(
    store: tuple[Engine, Identity],
    upload: tuple[bytes, str],
    *,
    indicator: str | None = None,
    layout: str | None = None,
    fail_at: float | None = None,
    tiny_limits: bool = False,
) -> None:
    """Read, preview and commit `upload`; check that it is refused with the importer's own
    error, or written whole (a failed commit writes nothing)."""
    engine, editor = store
    data, filename = upload
    with ExitStack() as limits:
        if tiny_limits:
            limits.enter_context(mock.patch.object(importing.limits, "MAX_FILE_BYTES", 3_000))
            limits.enter_context(mock.patch.object(importing.limits, "MAX_ROWS", 30))
        try:
            frame = importing.read_table(data, filename)
            mapping = importing.guess_mapping(frame, layout=layout, indicator_code=indicator)  # type: ignore[arg-type]
            with db.session_scope(engine) as session:
                found = importing.preview(session, frame, mapping, by=editor, today=TODAY)
        except BulkImportError as error:
            event(f"refused: {error.__class__.__name__}")
            return
    rows = set(frame.index)
    assert all(problem.row_number in rows for problem in found.problems)
    assert all(o.row_number in rows for o in found.new + found.changed + found.unchanged)
    before = counts(engine)
    try:
        with db.session_scope(engine) as session:
            outcome = importing.commit(session, found, by=editor, progress=failing_at(fail_at))
    except (BulkImportError, Boom) as error:
        event(f"commit failed: {error.__class__.__name__}")
        assert counts(engine) == before  # nothing of the file was written
        return
    event("nothing changed" if outcome.nothing_changed else "committed")
    entries_after, audits_after, version_after = counts(engine)
    assert entries_after == before[0] + outcome.added
    if outcome.nothing_changed:
        assert (audits_after, version_after) == before[1:]
    else:
        assert audits_after == before[1] + outcome.added + outcome.updated + 1
        assert version_after == before[2] + 1
        values = stored_values(engine)
        for observation in found.new + found.changed:
            assert values[observation.key] == pytest.approx(observation.value)


SLOW_OK = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@SLOW_OK
@given(
    upload=uploads(),
    indicator=st.sampled_from([None, None, "UMC_INTERNET_USE", "UMC_INTERNET_USE", "NOPE"]),
    layout=st.sampled_from([None, None, "long", "wide"]),
    fail_at=st.one_of(st.none(), st.floats(0.0, 1.0)),
    tiny_limits=st.sampled_from([False, False, False, True]),
)
def test_any_file_is_imported_whole_or_refused_with_the_importers_own_error(
    store: tuple[Engine, Identity],
    upload: tuple[bytes, str],
    indicator: str | None,
    layout: str | None,
    fail_at: float | None,
    tiny_limits: bool,
) -> None:
    import_whole_or_refuse(
        store,
        upload,
        indicator=indicator,
        layout=layout,
        fail_at=fail_at,
        tiny_limits=tiny_limits,
    )


@st.composite
def well_formed_uploads(draw: st.DrawFn) -> tuple[bytes, str]:
    """Readable files of plausible tables, with good and bad cells mixed."""
    header, rows, repeat = draw(plausible_table())
    if draw(st.booleans()):
        return xlsx_file(header, rows * repeat), "data.xlsx"
    return csv_file(header, rows * repeat, "utf-8", ","), "data.csv"


@SLOW_OK
@given(
    upload=well_formed_uploads(),
    indicator=st.sampled_from([None, "UMC_INTERNET_USE"]),
    fail_at=st.one_of(st.none(), st.none(), st.floats(0.0, 1.0)),
)
def test_mostly_valid_files_commit_all_their_accepted_rows_or_none(
    store: tuple[Engine, Identity],
    upload: tuple[bytes, str],
    indicator: str | None,
    fail_at: float | None,
) -> None:
    import_whole_or_refuse(store, upload, indicator=indicator, fail_at=fail_at)


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=4_000), filename=st.sampled_from(FILENAMES))
def test_reading_arbitrary_bytes_raises_nothing_but_the_importers_own_error(
    data: bytes, filename: str
) -> None:
    try:
        frame = importing.read_table(data, filename)
    except BulkImportError:
        return
    importing.guess_mapping(frame)
    assert all(isinstance(name, str) for name in frame.columns)
