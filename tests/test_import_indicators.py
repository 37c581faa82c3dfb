"""Files of several indicators (ITU's own workbook has 36 in one sheet, with an indicator
column): each row lands under the tracked indicator its own indicator matches, by code, by
name or by a match the user confirmed (kept for the next import); rows of indicators not
tracked here are skipped and counted, never relabelled.

Expected values come from the file read with pandas and from the store read with SQL.
"""

import csv
import io
import json

import openpyxl
import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from gdc_tracker import db, importing
from gdc_tracker.auth import Identity
from tests.conftest import shared_data
from tests.factories import TODAY, make_user

HEADER = ["Indicator", "ISO3", "Economy", "Year", "Value"]
MOBILE_BB = "Active mobile-broadband subscriptions per 100 inhabitants"
FIXED_BB = "Fixed-broadband subscriptions per 100 inhabitants"
INTERNET_NAME = "INDIVIDUALS using  the Internet"  # the tracked name, case and spaces aside
INTERNET = "UMC_INTERNET_USE"
OWNERSHIP = "UMC_MOBILE_OWNERSHIP"  # written as its tracked code in the file
COUNTRIES = [("SLV", "El Salvador"), ("GTM", "Guatemala"), ("BRA", "Brazil")]


def workbook_rows() -> list[list[str]]:
    """ITU-shaped: the first indicator is one the tracker does not follow, and every
    indicator has the same countries and years (what made the old import refuse the real
    Internet-use rows as duplicates)."""
    rows = []
    for indicator, base in ((MOBILE_BB, 95.0), (INTERNET_NAME, 50.0), (FIXED_BB, 8.0)):
        for n, (code, name) in enumerate(COUNTRIES):
            for year in ("2021", "2022"):
                value = base + 7.5 * n + (1.25 if year == "2022" else 0)
                rows.append([indicator, code, name, year, f"{value:g}"])
    rows += [[OWNERSHIP, "SLV", "El Salvador", "2022", "88.1"]]
    return rows


def csv_file(rows: list[list[str]], header: list[str] = HEADER) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header, *rows])
    return buffer.getvalue().encode("utf-8")


def xlsx_file(rows: list[list[str]], header: list[str] = HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append([*row[:3], int(row[3]), float(row[4])])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def expected_values(frame: pd.DataFrame, indicator_text: str) -> dict[tuple[str, str], float]:
    rows = frame[frame["Indicator"] == indicator_text]
    return {(str(r.ISO3), str(r.Year)): float(r.Value) for r in rows.itertuples(index=False)}


def stored_values(engine: Engine, code: str) -> dict[tuple[str, str], float]:
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT e.geo_code, e.period, e.value FROM progressentry e "
                "JOIN indicator i ON i.id = e.indicator_id WHERE i.code = :code"
            ),
            {"code": code},
        ).all()
    return {(geo, period): float(value) for geo, period, value in rows}


def entry_count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(sa.text("SELECT count(*) FROM progressentry")).scalar())


@pytest.fixture
def store(reference_engine: Engine) -> Engine:
    return reference_engine


@pytest.fixture
def editor(store: Engine) -> Identity:
    return make_user(store, "editor.one", "editor")


def preview(
    engine: Engine, who: Identity, data: bytes, filename: str, **changes: object
) -> importing.ImportPreview:
    frame = importing.read_table(data, filename)
    mapping = importing.guess_mapping(frame)
    if changes:
        from dataclasses import replace

        mapping = replace(mapping, **changes)  # type: ignore[arg-type]
    with db.session_scope(engine) as session:
        return importing.preview(session, frame, mapping, by=who, today=TODAY)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_each_row_lands_under_its_own_indicator_and_the_others_are_skipped_with_counts(
    store: Engine, editor: Identity, kind: str
) -> None:
    rows = workbook_rows()
    data, name = (csv_file(rows), "itu.csv") if kind == "csv" else (xlsx_file(rows), "itu.xlsx")
    if kind == "csv":
        frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    else:
        frame = pd.read_excel(io.BytesIO(data), dtype=str)
    found = preview(store, editor, data, name)
    assert found.mapping.indicator == "Indicator"
    matches = {c.file_indicator: (c.code, c.matched_by) for c in found.indicator_choices}
    assert matches == {
        MOBILE_BB: (None, "none"),
        INTERNET_NAME: (INTERNET, "name"),
        FIXED_BB: (None, "none"),
        OWNERSHIP: (OWNERSHIP, "code"),
    }
    counted = frame["Indicator"].value_counts().to_dict()
    assert found.skipped == {MOBILE_BB: counted[MOBILE_BB], FIXED_BB: counted[FIXED_BB]}
    assert found.skipped_message() == (
        f"{counted[MOBILE_BB] + counted[FIXED_BB]} rows of 2 indicators not tracked here "
        f"were skipped: '{MOBILE_BB}', '{FIXED_BB}'."
    )
    assert found.counts == {"new": 7, "changed": 0, "unchanged": 0, "rejected": 0}

    with db.session_scope(store) as session:
        importing.commit(session, found, by=editor)
    assert stored_values(store, INTERNET) == expected_values(frame, INTERNET_NAME)
    assert stored_values(store, OWNERSHIP) == {("SLV", "2022"): 88.1}
    assert entry_count(store) == 7  # nothing of the two other indicators, under any name


def test_one_indicator_for_a_file_of_several_is_refused_and_nothing_is_relabelled(
    store: Engine, editor: Identity
) -> None:
    """The reported import: ITU's workbook imported under 'Internet use'."""
    with pytest.raises(importing.MappingError) as refused:
        preview(store, editor, csv_file(workbook_rows()), "itu.csv", indicator_code=INTERNET)
    message = str(refused.value)
    assert "Column 'Indicator' holds 4 indicators" in message
    assert f"instead of importing every row as {INTERNET}" in message
    assert entry_count(store) == 0


def test_a_whole_file_indicator_contradicting_the_files_own_code_is_refused(
    store: Engine, editor: Identity
) -> None:
    data = csv_file([[OWNERSHIP, "SLV", "El Salvador", "2022", "88.1"]])
    with pytest.raises(importing.MappingError, match=f"which is {OWNERSHIP} here, not {INTERNET}"):
        preview(store, editor, data, "one.csv", indicator_code=INTERNET)


def test_a_confirmed_match_is_kept_for_the_next_edition_of_the_same_source(
    store: Engine, editor: Identity
) -> None:
    # The file's own name for the indicator matches nothing by itself.
    users = "Percentage of individuals using the Internet"
    first = [
        [users, "SLV", "El Salvador", "2021", "58.6"],
        [MOBILE_BB, "SLV", "El Salvador", "2021", "120.5"],
    ]
    chosen = ((users, INTERNET), (MOBILE_BB, importing.SKIP))
    found = preview(store, editor, csv_file(first), "ITU_2025.csv", indicator_map=chosen)
    assert found.skipped == {MOBILE_BB: 1}
    with db.session_scope(store) as session:
        importing.commit(session, found, by=editor)

    with store.connect() as connection:
        kept = connection.execute(
            sa.text(
                "SELECT m.source_key, m.file_indicator, i.code, m.confirmed_by "
                "FROM indicatormapping m LEFT JOIN indicator i ON i.id = m.indicator_id "
                "ORDER BY m.file_indicator"
            )
        ).all()
        audit = connection.execute(
            sa.text(
                "SELECT entity_id, after FROM auditrecord "
                "WHERE action = 'confirm indicator match' ORDER BY id"
            )
        ).all()
    assert [(r.file_indicator, r.code, r.confirmed_by) for r in kept] == [
        (MOBILE_BB, None, editor.user_id),  # a confirmed skip
        (users, INTERNET, editor.user_id),
    ]
    assert {r.source_key for r in kept} == {found.source_key}
    afters = [json.loads(a) if isinstance(a, str) else a for _id, a in audit]
    assert sorted((a["file_indicator"], a["indicator_code"]) for a in afters) == [
        (MOBILE_BB, None),
        (users, INTERNET),
    ]

    # Next quarter's edition: another file name, other values, the same columns.
    second = [
        [users, "SLV", "El Salvador", "2022", "62.9"],
        [MOBILE_BB, "GTM", "Guatemala", "2022", "99.0"],
    ]
    again = preview(store, editor, csv_file(second), "ITU_2026_Q1.csv")
    assert {c.file_indicator: (c.code, c.matched_by) for c in again.indicator_choices} == {
        users: (INTERNET, "stored"),
        MOBILE_BB: (None, "stored"),
    }
    with db.session_scope(store) as session:
        importing.commit(session, again, by=editor)
    assert stored_values(store, INTERNET) == {("SLV", "2021"): 58.6, ("SLV", "2022"): 62.9}

    # A file of another shape does not inherit the match: the same words may mean other things.
    other = csv_file(
        [[users, "SLV", "2023", "66.0"]], header=["Indicator", "ISO3", "Year", "Value"]
    )
    elsewhere = preview(store, editor, other, "other.csv")
    assert [(c.code, c.matched_by) for c in elsewhere.indicator_choices] == [(None, "none")]


def test_a_match_to_an_unknown_code_is_refused(store: Engine, editor: Identity) -> None:
    data = csv_file([[MOBILE_BB, "SLV", "El Salvador", "2021", "95"]])
    with pytest.raises(importing.MappingError, match="Unknown indicator 'NOPE'"):
        preview(store, editor, data, "x.csv", indicator_map=((MOBILE_BB, "NOPE"),))


def test_itus_sdmx_download_of_mobile_broadband_never_lands_under_internet_use(
    store: Engine, editor: Identity
) -> None:
    path = shared_data("ITU_DH_ACT_MOB_PER_100.csv")
    data = path.read_bytes()
    frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    found = preview(store, editor, data, path.name)
    assert found.mapping.indicator == "INDICATOR"
    assert found.skipped == {"ITU_DH_ACT_MOB_PER_100": len(frame)}
    assert found.accepted == 0
    assert found.nothing_to_import() == (
        "Nothing to import: every row is of an indicator not tracked here. Match the file's "
        "indicators to tracked ones to import them."
    )
    with db.session_scope(store) as session:
        result = importing.commit(session, found, by=editor)
    assert result.nothing_changed
    assert stored_values(store, INTERNET) == {}
