"""ITU's statistics in their own format: SDMX-CSV as the World Bank's Data360 exports the ITU
DataHub, and the World Bank's WDI wide download, imported end to end through the CLI into a
store seeded with the shipped reference data, on SQLite and PostgreSQL.

Expected figures are read from the files by pandas, and the tracked geographies from
data/reference/countries.csv, never from the importer. The Data360 sample holds totals
only; a synthetic SDMX-CSV file written here holds totals and breakdowns by sex, area and
age for the same countries and years, with statuses, UNIT_MULT and rows the tracker has no
cell for."""

import csv
import dataclasses
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from gdc_tracker import bootstrap, cli, db, importing, sdmx
from gdc_tracker.models import Indicator
from tests.conftest import shared_data
from tests.factories import TODAY, make_user

DATA360 = "ITU_DH_ACT_MOB_PER_100.csv"
WORLD_BANK = "API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv"
WORLD_BANK_METADATA = "Metadata_Country_API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv"
MOBILE = "TEST_MOBILE_BB_PER_100"  # no shipped indicator counts subscriptions per 100
SUBSCRIBERS = "TEST_SUBSCRIBERS"  # a count, broken down by sex only
REFERENCE = Path(__file__).resolve().parents[1] / "data" / "reference"


def tracked_codes() -> set[str]:
    """The geographies the store holds: the shipped countries and the world."""
    countries = pd.read_csv(REFERENCE / "countries.csv", dtype=str, keep_default_na=False)
    return set(countries["iso3"]) | {"WLD"}


def world_bank_aggregates() -> set[str]:
    """Codes the World Bank's own metadata lists without a region: its aggregates."""
    metadata = pd.read_csv(
        shared_data(WORLD_BANK_METADATA), dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )
    return set(metadata.loc[metadata["Region"] == "", "Country Code"])


@pytest.fixture
def store(engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """The shipped reference data, two test indicators, one editor; the CLI points at it."""
    bootstrap.seed(engine, with_demo=False)
    with db.session_scope(engine) as session:
        session.add(
            Indicator(
                code=MOBILE,
                name="Active mobile-broadband subscriptions per 100 inhabitants",
                unit="per 100 inhabitants",
                min_value=0,
                geographies=["world", "region", "country"],
            )
        )
        session.add(
            Indicator(
                code=SUBSCRIBERS,
                name="Mobile subscribers",
                unit="count",
                min_value=0,
                disaggregations=["sex"],
                geographies=["world", "country"],
            )
        )
    make_user(engine, "editor.one", "editor")
    monkeypatch.setenv("GDC_TRACKER_DATABASE_URL", database_url)
    return engine


def run_import(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["import", *args, "--as-user", "editor.one"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def stored(engine: Engine, indicator: str) -> pd.DataFrame:
    """The entries of one indicator, read by SQL."""
    query = sa.text(
        "SELECT e.geo_code, e.period, e.disaggregation, e.value, e.obs_status, "
        "e.data_source_id, e.source, e.import_batch_id FROM progressentry e "
        "JOIN indicator i ON i.id = e.indicator_id WHERE i.code = :code"
    )
    with engine.connect() as connection:
        return pd.DataFrame(connection.execute(query, {"code": indicator}).mappings().all())


def count(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        return int(connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar() or 0)


def data_sources(engine: Engine) -> list[dict]:
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT * FROM datasource ORDER BY id")).mappings()
        return [dict(row) for row in rows]


# The Data360 sample (totals only, 211 areas)


def test_the_data360_sample_imports_every_tracked_value_with_status_and_source(
    store: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    path = shared_data(DATA360)
    file = pd.read_csv(path, dtype=str, keep_default_na=False)
    tracked = file[file["REF_AREA"].isin(tracked_codes())]
    expected = {
        (row.REF_AREA, row.TIME_PERIOD): float(row.OBS_VALUE) * 10 ** int(row.UNIT_MULT)
        for row in tracked.itertuples()
    }
    aggregates = file[file["REF_AREA"].isin(world_bank_aggregates() - {"WLD"})]
    territories = file[~file["REF_AREA"].isin(tracked_codes() | world_bank_aggregates())]

    code, out, err = run_import(capsys, str(path), "--indicator-map", f"{DATA360[:-4]}={MOBILE}")

    assert code == 0, err
    entries = stored(store, MOBILE)
    assert len(entries) == len(expected) == len(tracked)
    got = {(r.geo_code, r.period): r.value for r in entries.itertuples()}
    assert got == pytest.approx(expected)
    assert got[("WLD", "2024")] == pytest.approx(
        float(tracked.set_index(["REF_AREA", "TIME_PERIOD"]).loc[("WLD", "2024"), "OBS_VALUE"])
    )
    assert set(entries["disaggregation"]) == {"total"}  # the sample holds totals only
    assert set(entries["obs_status"]) == set(tracked["OBS_STATUS"]) == {"A"}
    # Aggregates and territories: one line each, with the count and the codes.
    assert (
        f"{len(aggregates)} rows of {aggregates['REF_AREA'].nunique()} aggregates not tracked"
        in out
    )
    assert f"{len(territories)} rows of {territories['REF_AREA'].nunique()} territories" in out
    assert "0 rejected" in out and "observation status: A (Normal value)" in out
    # Provenance: one data source, named from the file, on every value.
    [source] = data_sources(store)
    assert source["organisation"] == "ITU"
    assert "ICT Indicators Database" in source["dataset"]
    assert "World Bank Data360" in source["dataset"]
    assert source["release"] and source["url"] is None and source["licence"] is None
    assert set(entries["data_source_id"]) == {source["id"]}
    assert entries["import_batch_id"].nunique() == 1
    # The same file again changes nothing: no batch, no source, no entry.
    batches, audits = count(store, "importbatch"), count(store, "auditrecord")
    code, out, _err = run_import(capsys, str(path), "--indicator-map", f"{DATA360[:-4]}={MOBILE}")
    assert code == 0 and "Nothing changed" in out
    assert count(store, "importbatch") == batches == 1
    assert count(store, "auditrecord") == audits
    assert len(data_sources(store)) == 1 and len(stored(store, MOBILE)) == len(expected)


def test_a_per_100_file_mapped_to_a_percent_indicator_is_refused_naming_the_units(
    store: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    path = shared_data(DATA360)
    code, _out, err = run_import(
        capsys, str(path), "--indicator-map", f"{DATA360[:-4]}=UMC_INTERNET_USE"
    )
    assert code == 2
    assert (
        "the file's unit is Subscriptions per 100 inhabitants (SB_10P2_HB) but the "
        "indicator is measured in percent" in err
    )
    assert count(store, "progressentry") == 0 and count(store, "datasource") == 0


# The World Bank's WDI wide download


def test_the_world_bank_wide_file_imports_through_the_cli_with_its_source(
    store: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    path = shared_data(WORLD_BANK)
    file = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    years = [c for c in file.columns if c.isdigit() and int(c) >= 1990]
    long = file.melt(id_vars=["Country Code"], value_vars=years, var_name="year")
    long = long[(long["value"] != "") & long["Country Code"].isin(tracked_codes())]
    expected = {(r._1, r.year): float(r.value) for r in long.itertuples()}
    filled = file[(file[[c for c in file.columns if c.isdigit()]] != "").any(axis=1)]
    # The World Bank's aggregates: no region in its metadata, or not in it at all (INX).
    listed = set(
        pd.read_csv(shared_data(WORLD_BANK_METADATA), dtype=str, encoding="utf-8-sig")[
            "Country Code"
        ]
    )
    codes = set(file["Country Code"])
    aggregate_codes = (world_bank_aggregates() | (codes - listed)) - {"WLD"}
    aggregates = filled[filled["Country Code"].isin(aggregate_codes)]
    code, out, err = run_import(capsys, str(path), "--indicator", "UMC_INTERNET_USE")
    assert code == 0, err
    entries = stored(store, "UMC_INTERNET_USE")
    got = {(r.geo_code, r.period): r.value for r in entries.itertuples()}
    assert got == expected
    assert got[("WLD", "2022")] == 64.4 and got[("SLV", "2021")] == 58.5986  # README's values
    assert f"{len(aggregates)} rows of {len(aggregates)} aggregates not tracked" in out
    [source] = data_sources(store)
    assert (source["organisation"], source["licence"]) == ("World Bank", "CC BY 4.0")
    assert source["url"] == "https://data.worldbank.org/indicator/IT.NET.USER.ZS"
    assert "IT.NET.USER.ZS" in source["dataset"]
    assert set(entries["data_source_id"]) == {source["id"]}
    assert set(entries["obs_status"].fillna("none")) == {"none"}  # WDI states no status
    assert run_import(capsys, str(path), "--indicator", "UMC_INTERNET_USE")[0] == 0
    assert count(store, "importbatch") == 1 and len(data_sources(store)) == 1


def test_the_source_options_of_the_cli_are_recorded(
    store: Engine, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "quarterly.csv"
    path.write_text("Country,Year,Value\nSLV,2023,61.2\n", encoding="utf-8")
    code, out, err = run_import(
        capsys,
        str(path),
        "--indicator",
        "UMC_INTERNET_USE",
        "--source-org",
        "Superintendencia General de Electricidad y Telecomunicaciones",
        "--source-dataset",
        "Encuesta de hogares",
        "--source-release",
        "2024 edition",
        "--source-url",
        "https://www.siget.gob.sv/",
        "--source-licence",
        "CC BY 4.0",
    )
    assert code == 0, err
    [source] = data_sources(store)
    assert source["organisation"].startswith("Superintendencia")
    assert (source["dataset"], source["release"]) == ("Encuesta de hogares", "2024 edition")
    assert (source["url"], source["licence"]) == ("https://www.siget.gob.sv/", "CC BY 4.0")
    [entry] = stored(store, "UMC_INTERNET_USE").itertuples()
    assert entry.data_source_id == source["id"] and "Encuesta de hogares" in entry.source
    # Named by its key alone, the stored source is the one a second file is given.
    other = tmp_path / "later.csv"
    other.write_text("Country,Year,Value\nGTM,2023,55.0\n", encoding="utf-8")
    code, _out, err = run_import(
        capsys, str(other), "--indicator", "UMC_INTERNET_USE", "--source-key", source["key"]
    )
    assert code == 0, err
    assert set(stored(store, "UMC_INTERNET_USE")["data_source_id"]) == {source["id"]}
    assert len(data_sources(store)) == 1


def test_a_file_that_names_no_source_keeps_none(
    store: Engine, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "quarterly.csv"
    path.write_text("Country,Year,Value\nSLV,2023,61.2\n", encoding="utf-8")
    code, out, err = run_import(capsys, str(path), "--indicator", "UMC_INTERNET_USE")
    assert code == 0, err
    assert "source: source not stated" in out
    [entry] = stored(store, "UMC_INTERNET_USE").itertuples()
    assert entry.source == "source not stated" and pd.isna(entry.data_source_id)
    assert data_sources(store) == []


# A synthetic Data360 file: totals and breakdowns for the same countries and years

INDICATOR_PT = "ITU_DH_INT_USER_PT"  # percent, mapped to UMC_INTERNET_USE (sex, area, age)
INDICATOR_NB = "ITU_DH_MOB_SUBS_NB"  # thousands of subscribers, mapped to SUBSCRIBERS (sex)
# (SEX, AGE, URBANISATION) -> the product's cell, written out by hand.
CELLS = {
    ("_T", "_T", "_T"): "total",
    ("F", "_T", "_T"): "sex:female",
    ("M", "_T", "_T"): "sex:male",
    ("_T", "_T", "URB"): "area:urban",
    ("_T", "_T", "RUR"): "area:rural",
    ("_T", "Y15T24", "_T"): "age:15-24",
    ("_T", "Y25T74", "_T"): "age:25-74",
    ("_T", "Y_GE75", "_T"): "age:75+",
}
NO_CELL = [("_T", "Y_LT15", "_T"), ("F", "_T", "URB")]  # no category; two at once
STATUSES = ["A", "E", "P", "B"]
# Columns in another order than Data360's, without the *_LABEL columns.
HEADER = [
    "DATAFLOW",
    "TIME_PERIOD",
    "URBANISATION",
    "REF_AREA",
    "OBS_VALUE",
    "AGE",
    "INDICATOR",
    "SEX",
    "COMP_BREAKDOWN_1",
    "UNIT_MEASURE",
    "UNIT_MULT",
    "OBS_STATUS",
]


def synthetic_rows() -> list[dict[str, str]]:
    rows = []
    n = 0
    for area in ("SLV", "WLD", "BRA", "HIC", "ABW"):
        for year in ("2021", "2022"):
            for sex, age, urban in [*CELLS, *NO_CELL]:
                n += 1
                common = {
                    "DATAFLOW": "WB.DATA360:DS_DATA360(1.2)",
                    "TIME_PERIOD": year,
                    "REF_AREA": area,
                    "SEX": sex,
                    "AGE": age,
                    "URBANISATION": urban,
                    "COMP_BREAKDOWN_1": "_Z",
                    "OBS_STATUS": STATUSES[n % 4],
                }
                rows.append(
                    common
                    | {
                        "INDICATOR": INDICATOR_PT,
                        "OBS_VALUE": f"{40 + n % 50}.{n % 7}5",
                        "UNIT_MEASURE": "PT",
                        "UNIT_MULT": "0",
                    }
                )
                rows.append(
                    common
                    | {
                        "INDICATOR": INDICATOR_NB,
                        "OBS_VALUE": f"{100 + n}.5",  # thousands
                        "UNIT_MEASURE": "NUMBER",
                        "UNIT_MULT": "3",
                    }
                )
    return rows


def synthetic_file(path: Path) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HEADER, lineterminator="\n")
    writer.writeheader()
    writer.writerows(synthetic_rows())
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def expected_cells(file: pd.DataFrame, indicator: str, allowed: set[str]) -> dict:
    """(geo, year, cell) -> (value times 10**UNIT_MULT, status), by pandas and CELLS."""
    rows = file[(file["INDICATOR"] == indicator) & file["REF_AREA"].isin(tracked_codes())]
    found = {}
    for row in rows.itertuples():
        cell = CELLS.get((row.SEX, row.AGE, row.URBANISATION))
        if cell is None or cell.partition(":")[0] not in allowed | {"total"}:
            continue
        value = float(row.OBS_VALUE) * 10 ** int(row.UNIT_MULT)
        found[(row.REF_AREA, row.TIME_PERIOD, cell)] = (value, row.OBS_STATUS)
    return found


def test_a_data360_file_with_sex_age_and_area_breakdowns_puts_each_value_in_its_cell(
    store: Engine, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = synthetic_file(tmp_path / "data360_breakdowns.csv")
    file = pd.read_csv(path, dtype=str, keep_default_na=False)
    maps = ["--indicator-map", f"{INDICATOR_PT}=UMC_INTERNET_USE"]
    maps += ["--indicator-map", f"{INDICATOR_NB}={SUBSCRIBERS}"]
    code, out, err = run_import(capsys, str(path), *maps)
    assert code == 0, err

    percent = expected_cells(file, INDICATOR_PT, {"sex", "area", "age"})
    thousands = expected_cells(file, INDICATOR_NB, {"sex"})
    assert len(percent) == 3 * 2 * 8 and len(thousands) == 3 * 2 * 3
    for indicator, expected in (("UMC_INTERNET_USE", percent), (SUBSCRIBERS, thousands)):
        entries = stored(store, indicator)
        got = {
            (r.geo_code, r.period, r.disaggregation): (r.value, r.obs_status)
            for r in entries.itertuples()
        }
        assert got.keys() == expected.keys()
        for key, (value, status) in expected.items():
            assert got[key][0] == pytest.approx(value) and got[key][1] == status, key
    # UNIT_MULT 3: 101.5 thousand is 101,500.
    first = file[(file["INDICATOR"] == INDICATOR_NB) & (file["REF_AREA"] == "SLV")].iloc[0]
    assert (
        stored(store, SUBSCRIBERS)
        .set_index(["geo_code", "period", "disaggregation"])
        .loc[("SLV", first["TIME_PERIOD"], "total"), "value"]
        == float(first["OBS_VALUE"]) * 1000
    )
    # What has no cell is set aside with a count per reason, none rejected.
    tracked = file[file["REF_AREA"].isin(tracked_codes())]
    no_category = tracked[tracked["AGE"] == "Y_LT15"]
    two_at_once = tracked[(tracked["SEX"] == "F") & (tracked["URBANISATION"] == "URB")]
    subscribers = tracked[tracked["INDICATOR"] == INDICATOR_NB]
    by_area = subscribers[(subscribers["URBANISATION"] != "_T") & (subscribers["SEX"] == "_T")]
    by_age = subscribers[(subscribers["AGE"].isin(["Y15T24", "Y25T74", "Y_GE75"]))]
    assert "0 rejected" in out
    assert (
        f"{len(no_category)} rows of a breakdown the tracker has no category for: AGE Y_LT15" in out
    )
    assert f"{len(two_at_once)} rows broken down by two dimensions at once" in out
    assert f"{len(by_area)} rows: breakdown by area not tracked for this indicator" in out
    assert f"{len(by_age)} rows: breakdown by age not tracked for this indicator" in out
    hic = file[file["REF_AREA"] == "HIC"]
    assert f"{len(hic)} rows of 1 aggregate not tracked" in out
    # Again: nothing changes.
    entries, batches = count(store, "progressentry"), count(store, "importbatch")
    code, out, _err = run_import(capsys, str(path), *maps)
    assert code == 0 and "Nothing changed" in out
    assert (count(store, "progressentry"), count(store, "importbatch")) == (entries, batches)
    assert len(data_sources(store)) == 1


def test_the_same_file_with_label_columns_and_data360_order_reads_the_same(
    store: Engine, tmp_path: Path
) -> None:
    """Labels present or absent, columns in any order: the same observations."""
    plain = pd.read_csv(synthetic_file(tmp_path / "a.csv"), dtype=str, keep_default_na=False)
    labelled = plain.copy()
    for name in ("REF_AREA", "INDICATOR", "SEX", "AGE", "URBANISATION", "OBS_STATUS"):
        labelled.insert(labelled.columns.get_loc(name) + 1, f"{name}_LABEL", "label")
    labelled = labelled.drop(columns="DATAFLOW")
    labelled.insert(0, "STRUCTURE", "datastructure")
    labelled.insert(1, "STRUCTURE_ID", "WB.DATA360:DS_DATA360(1.2)")
    who = make_user(store, "editor.two", "editor")
    results = []
    for frame_data in (plain, labelled):
        data = frame_data.to_csv(index=False).encode("utf-8")
        frame = importing.read_table(data, "x.csv")
        mapping = importing.guess_mapping(frame)
        assert mapping.sdmx and mapping.layout == "long"
        mapping = dataclasses.replace(
            mapping,
            indicator_map=((INDICATOR_PT, "UMC_INTERNET_USE"), (INDICATOR_NB, SUBSCRIBERS)),
        )
        with db.session_scope(store) as session:
            found = importing.preview(session, frame, mapping, by=who, today=TODAY)
        results.append(
            {(o.indicator_code, o.geo_code, o.period, o.disaggregation, o.value) for o in found.new}
        )
    assert results[0] == results[1] and len(results[0]) == 48 + 18


def test_a_changed_status_updates_the_value_it_goes_with(
    store: Engine, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = synthetic_file(tmp_path / "first.csv")
    maps = ["--indicator-map", f"{INDICATOR_PT}=UMC_INTERNET_USE"]
    maps += ["--indicator-map", f"{INDICATOR_NB}=skip"]
    assert run_import(capsys, str(path), *maps)[0] == 0
    text = path.read_text(encoding="utf-8").replace(",E\n", ",A\n")  # estimates become normal
    file = pd.read_csv(path, dtype=str, keep_default_na=False)
    estimates = expected_cells(file, INDICATOR_PT, {"sex", "area", "age"})
    estimated = sum(1 for _value, status in estimates.values() if status == "E")
    later = tmp_path / "second.csv"
    later.write_text(text, encoding="utf-8")
    code, out, _err = run_import(capsys, str(later), *maps)
    assert code == 0
    assert f"0 new, {estimated} changed" in out
    statuses = set(stored(store, "UMC_INTERNET_USE")["obs_status"])
    assert "E" not in statuses and "A" in statuses


# The format itself, without a store


@pytest.mark.parametrize(
    ("codes", "cell", "aside"),
    [
        ((("SEX", "_T"), ("AGE", "_T"), ("URBANISATION", "_T")), "total", None),
        ((("SEX", "_Z"), ("COMP_BREAKDOWN_1", "_Z")), "total", None),
        ((("SEX", "F"), ("AGE", "_T")), "sex:female", None),
        ((("SEX", "M"),), "sex:male", None),
        ((("URBANISATION", "URB"),), "area:urban", None),
        ((("URBANISATION", "RUR"),), "area:rural", None),
        ((("AGE", "Y15T24"),), "age:15-24", None),
        ((("AGE", "Y25T74"),), "age:25-74", None),
        ((("AGE", "Y_GE75"),), "age:75+", None),
        ((("AGE", "Y_LT15"),), "total", sdmx.NO_CATEGORY),
        ((("COMP_BREAKDOWN_1", "ITU_DH_MOBILE"),), "total", sdmx.NO_CATEGORY),
        ((("SEX", "F"), ("URBANISATION", "RUR")), "total", sdmx.TWO_DIMENSIONS),
    ],
)
def test_sdmx_codes_become_the_products_cells(
    codes: tuple[tuple[str, str], ...], cell: str, aside: str | None
) -> None:
    found = sdmx.read_breakdown(codes)
    assert (found.disaggregation, found.set_aside) == (cell, aside)


@pytest.mark.parametrize(
    ("code", "label", "unit", "fits"),
    [
        ("PT", "Percent", "percent", True),
        ("SB_10P2_HB", "Subscriptions per 100 inhabitants", "per 100 inhabitants", True),
        ("SB_10P2_HB", "Subscriptions per 100 inhabitants", "percent", False),
        ("PT", "", "per 100 inhabitants", False),
        ("NUMBER", "Number", "count", True),
        ("IX", "Index", "index", True),
        ("", "", "percent", True),  # not stated: nothing to check
        ("XYZ", "Furlongs", "percent", False),
    ],
)
def test_units_are_matched_by_code_or_label(code: str, label: str, unit: str, fits: bool) -> None:
    assert (sdmx.unit_problem(code, label, unit) is None) is fits


def test_unit_mult_shifts_the_decimal_point_exactly() -> None:
    assert sdmx.scaled("1.1", "3") == ("1100", None)
    assert sdmx.scaled("1234", "-2") == ("12.34", None)
    assert sdmx.scaled("58.5986", "0") == ("58.5986", None)
    assert sdmx.scaled("5", "x")[1] == "UNIT_MULT 'x' is not a whole number (a power of ten)"


def test_a_long_workbook_of_the_world_bank_rows_sets_its_aggregates_aside_in_one_line(
    store: Engine,
) -> None:
    """One row per country, indicator and year, as an Excel workbook: the same grouping."""
    file = pd.read_csv(
        shared_data(WORLD_BANK), dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )
    long = file.melt(
        id_vars=["Country Code", "Indicator Code"],
        value_vars=["2020", "2021", "2022"],
        var_name="Year",
        value_name="Value",
    )
    long = long[long["Value"] != ""]
    workbook = openpyxl.Workbook()
    workbook.active.append(["Country Code", "Indicator", "Year", "Value"])
    for row in long.itertuples(index=False):
        workbook.active.append([row[0], "UMC_INTERNET_USE", int(row[2]), float(row[3])])
    buffer = io.BytesIO()
    workbook.save(buffer)
    frame = importing.read_table(buffer.getvalue(), "long.xlsx")
    mapping = dataclasses.replace(
        importing.guess_mapping(frame), indicator_map=(("IT.NET.USER.ZS", "UMC_INTERNET_USE"),)
    )
    who = make_user(store, "editor.two", "editor")
    with db.session_scope(store) as session:
        found = importing.preview(session, frame, mapping, by=who, today=TODAY)
    aggregates = long[long["Country Code"].isin(world_bank_aggregates() - {"WLD"})]
    kept = long[long["Country Code"].isin(tracked_codes())]
    assert found.counts == {"new": len(kept), "changed": 0, "unchanged": 0, "rejected": 0}
    assert found.set_aside_lines()[0].startswith(
        f"{len(aggregates)} rows of {aggregates['Country Code'].nunique()} aggregates not tracked"
    )
    assert found.set_aside_rows == len(long) - len(kept)
    assert {(o.geo_code, o.period): o.value for o in found.new}[("SLV", "2021")] == 58.5986
