"""The starter data: real public statistics a new store loads, with their source.

Expected values are read from the shipped file by pandas, not by the product's importer.
"""

import shutil
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from gdc_tracker import bootstrap, config, db, starter
from tests.apptest import clear_streamlit_caches, open_page

SNAPSHOT = starter.STARTER_DIR / "API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv"
INTERNET_USE = "UMC_INTERNET_USE"


def file_values() -> pd.Series:
    """(country code, year) -> value, as the World Bank file holds them."""
    wide = pd.read_csv(SNAPSHOT, encoding="utf-8-sig", keep_default_na=False)
    years = [c for c in wide.columns if c.isdigit()]
    long = wide.melt(id_vars=["Country Code"], value_vars=years, var_name="year")
    long = long[long["value"] != ""]
    return long.set_index(["Country Code", "year"])["value"].astype(float)


def stored(engine: Engine, *, demo: bool | None = None) -> pd.DataFrame:
    query = (
        "SELECT e.geo_code, e.period, e.value, e.is_demo, e.review_state, s.organisation,"
        " s.licence, s.release, s.accessed FROM progressentry e"
        " JOIN indicator i ON i.id = e.indicator_id"
        " LEFT JOIN datasource s ON s.id = e.data_source_id WHERE i.code = :code"
    )
    with engine.connect() as connection:
        frame = pd.read_sql(sa.text(query), connection, params={"code": INTERNET_USE})
    if demo is not None:
        frame = frame[frame["is_demo"].astype(bool) == demo]
    return frame


@pytest.fixture
def first_start(database_url: str) -> Engine:
    """A store as the app's first start makes it: reference, starter and demo data."""
    settings = config.Settings(database_url=database_url)
    engine = bootstrap.prepare_store(settings)
    yield engine
    engine.dispose()


def test_a_first_start_shows_real_internet_use_with_its_source(first_start: Engine) -> None:
    real = stored(first_start, demo=False)
    expected = file_values()
    assert len(real) > 6_000
    assert set(real["review_state"]) == {"published"}
    for geo, year in [("WLD", "2020"), ("WLD", "2023"), ("SLV", "2021"), ("NGA", "2020")]:
        value = real[(real["geo_code"] == geo) & (real["period"] == year)]["value"].item()
        assert value == pytest.approx(expected[(geo, year)])
    assert real["value"].tolist() == pytest.approx(
        [expected[(g, p)] for g, p in zip(real["geo_code"], real["period"], strict=True)]
    )
    assert set(real["organisation"]) == {"ITU, via the World Bank"}
    assert set(real["licence"]) == {"CC BY 4.0"}
    assert real["release"].notna().all() and real["accessed"].notna().all()


def test_demo_values_stand_in_only_where_no_public_series_exists(first_start: Engine) -> None:
    assert stored(first_start, demo=True).empty
    with first_start.connect() as connection:
        demo_indicators = (
            connection.execute(
                sa.text(
                    "SELECT DISTINCT i.code FROM progressentry e JOIN indicator i"
                    " ON i.id = e.indicator_id WHERE e.is_demo"
                )
            )
            .scalars()
            .all()
        )
    assert INTERNET_USE not in demo_indicators
    assert "ITU_ACADEMY_TRAINED" in demo_indicators  # a programme count: no public series


def test_seeding_again_changes_nothing(first_start: Engine) -> None:
    before = db.read_data_version(first_start), len(stored(first_start))
    report = bootstrap.seed(first_start, with_demo=True, with_starter=True)
    assert report.starter_rows == {SNAPSHOT.name: 0}
    assert (db.read_data_version(first_start), len(stored(first_start))) == before


def test_a_snapshot_that_is_not_the_recorded_file_is_refused(
    tmp_path: Path, sqlite_url: str
) -> None:
    copy = tmp_path / "starter"
    shutil.copytree(starter.STARTER_DIR, copy)
    altered = copy / SNAPSHOT.name
    altered.write_text(altered.read_text(encoding="utf-8-sig").replace("59.3", "95.3"))
    engine = db.make_engine(sqlite_url)
    db.upgrade(engine)
    bootstrap.seed(engine, with_demo=False)
    with pytest.raises(starter.StarterDataError, match="SHA-256"):
        starter.load_starter(engine, copy)
    assert stored(engine).empty


@pytest.fixture
def first_start_file(sqlite_url: str) -> Engine:
    """The same first start on a SQLite file, for the pages (they read both alike)."""
    engine = bootstrap.prepare_store(config.Settings(database_url=sqlite_url))
    yield engine
    engine.dispose()


def test_overview_and_indicators_name_real_and_demo_values_apart(
    first_start_file: Engine, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first_start = first_start_file
    monkeypatch.setenv("GDC_TRACKER_DATABASE_URL", sqlite_url)
    clear_streamlit_caches()
    real = len(stored(first_start, demo=False))
    with first_start.connect() as connection:
        demo = connection.execute(
            sa.text(
                "SELECT count(*) FROM progressentry WHERE is_demo AND review_state = 'published'"
            )
        ).scalar_one()
    overview = open_page("app.py")
    [notice] = [i.value for i in overview.info if "demo" in i.value.lower()]
    assert f"{demo:,} published values are demo data; {real:,} are real values" in notice
    indicators = open_page("pages/indicators.py", indicator=INTERNET_USE, geo="WLD")
    assert not indicators.exception
    captions = " ".join(c.value for c in indicators.caption)
    assert "ITU, via the World Bank" in captions and "demo" not in captions.lower()
    spec = indicators.get("vega_lite_chart")[0].proto.spec
    assert '"title": "Source"' in spec
    clear_streamlit_caches()
