"""The Indicators page's views: built without Streamlit, then drawn by the page.

Expected values come from the public World Bank file the starter data was imported from
(data/starter), from the reference data files (data/reference) and, for demo values,
straight from the stored entries; never from the code under test.
"""

import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
import yaml
from sqlalchemy.engine import Engine
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from gdc_tracker import bootstrap, db
from gdc_tracker.models import Indicator, ProgressEntry, ReviewState
from gdc_tracker.status import Thresholds
from gdc_tracker.views import DEMO, REAL
from gdc_tracker.views import indicator as builders
from tests.apptest import clear_streamlit_caches, open_page

PROJECT = Path(__file__).resolve().parents[1]
INTERNET_USE, COVERAGE_4G = "UMC_INTERNET_USE", "UMC_4G_COVERAGE"
DEMO_WORDS = "demo data, not official statistics"
THRESHOLDS = Thresholds()


# --- stores and what the public files say -----------------------------------------------------


def _store(tmp_path_factory: pytest.TempPathFactory, name: str, *, starter: bool) -> Engine:
    engine = db.make_engine(f"sqlite:///{tmp_path_factory.mktemp(name) / 'store.db'}")
    db.upgrade(engine)
    bootstrap.seed(engine, with_demo=True, with_starter=starter)
    return engine


@pytest.fixture(scope="module")
def first_start_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """As the first start makes it: reference data, the World Bank's Internet use, demo."""
    engine = _store(tmp_path_factory, "first_start", starter=True)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """Reference and demo data only: Internet use by sex is demo here."""
    engine = _store(tmp_path_factory, "demo_only", starter=False)
    yield engine
    engine.dispose()


@pytest.fixture
def starter(first_start_store: Engine) -> Iterator[Session]:
    with db.session_scope(first_start_store) as session:
        yield session


@pytest.fixture
def demo(demo_store: Engine) -> Iterator[Session]:
    with db.session_scope(demo_store) as session:
        yield session


def wdi() -> pd.DataFrame:
    """Internet use (% of population) by ISO3 code and year, from the shipped WDI file."""
    table = pd.read_csv(next((PROJECT / "data" / "starter").glob("API_IT.NET.USER.ZS*.csv")))
    return table.set_index("Country Code")


def countries() -> pd.DataFrame:
    return pd.read_csv(PROJECT / "data" / "reference" / "countries.csv").set_index("iso3")


def reference_indicator(code: str) -> dict:
    entries = yaml.safe_load((PROJECT / "data" / "reference" / "indicators.yaml").read_text())
    return next(entry for entry in entries if entry["code"] == code)


def stored(session: Session, code: str, geo: str, disaggregation: str) -> pd.Series:
    """The published values of one series by year, straight from the table."""
    rows = session.execute(
        sa.select(ProgressEntry.year, ProgressEntry.value)
        .join(Indicator, Indicator.id == ProgressEntry.indicator_id)
        .where(
            Indicator.code == code,
            ProgressEntry.geo_code == geo,
            ProgressEntry.disaggregation == disaggregation,
            ProgressEntry.review_state == ReviewState.PUBLISHED,
        )
    ).all()
    return pd.Series(dict(rows)).sort_index()  # type: ignore[arg-type]


# --- the builders ---------------------------------------------------------------------------


def test_compare_holds_each_american_countrys_latest_world_bank_value_with_its_source(
    starter: Session,
) -> None:
    view = builders.compare_view(starter, code=INTERNET_USE, year=2021, region="AMS")
    public = wdi()
    americas = countries().query("itu_region == 'AMS'").index
    years = [str(year) for year in range(1990, 2022)]
    expected = public.loc[public.index.isin(americas), years].dropna(how="all", axis=0)
    assert set(view.data["geo_code"]) == set(expected.index)
    for row in view.data.itertuples():
        assert row.year == int(expected.loc[row.geo_code].last_valid_index())
        assert row.value == pytest.approx(expected.loc[row.geo_code, str(row.year)])
    assert set(view.data["real_or_demo"]) == {REAL}
    assert view.data["source"].str.contains("World Bank").all()
    assert "World Bank" in view.about.sources_text() and view.about.notice() is None
    assert view.title == "Individuals using the Internet · Compare regions or countries"
    assert view.about.filters == {"Compare": "Countries of Americas", "Year": "2021"}
    assert view.data["value"].is_monotonic_decreasing  # best first, as the bars


def test_the_page_series_is_titled_for_the_page_and_names_the_places_as_its_choice_does(
    starter: Session,
) -> None:
    view = builders.series_view(
        starter, code=INTERNET_USE, geo_codes=("WLD", "AMS"), thresholds=THRESHOLDS
    )
    assert view.title == "Individuals using the Internet · Time series and target"
    assert view.about.filters == {"Geographies": "World, Americas (ITU region)"}
    world = view.data[view.data["geo_code"] == "WLD"].set_index("year")["value"]
    public = wdi().loc["WLD"]
    assert world.round(1).to_dict() == {y: round(public[str(y)], 1) for y in world.index}
    assert set(view.data.query("geo_code == 'WLD'")["real_or_demo"]) == {REAL}
    assert view.chart is not None and view.summary.startswith("Individuals using the Internet")
    slide = builders.indicator_series_view(
        starter, code=INTERNET_USE, geo_codes=("WLD", "AMS"), thresholds=THRESHOLDS
    )
    assert slide.title == "Individuals using the Internet"  # the slide keeps its own title
    assert slide.data.equals(view.data) and slide.summary == view.summary


def test_no_geography_chosen_shows_nothing_rather_than_the_world(starter: Session) -> None:
    view = builders.series_view(starter, code=INTERNET_USE, geo_codes=(), thresholds=THRESHOLDS)
    assert view.chart is None and view.data.empty
    assert view.problem == "No published values of this indicator for the chosen geographies."


def test_the_status_table_has_a_row_per_place_in_the_order_chosen_and_the_series_sources(
    starter: Session,
) -> None:
    status = builders.status_view(
        starter, code=INTERNET_USE, geo_codes=("SLV", "WLD"), thresholds=THRESHOLDS
    )
    assert status.data["Geography"].tolist() == ["El Salvador", "World"]
    assert status.title == "Individuals using the Internet · progress status"
    assert "World Bank" in status.about.sources_text()
    assert status.about.filters == {"Geographies": "El Salvador, World"}


def test_a_demo_only_indicator_says_demo_and_borrows_no_source(starter: Session) -> None:
    view = builders.compare_view(starter, code=COVERAGE_4G, year=2022, region=None)
    assert set(view.data["geo_code"]) == {"WLD", "AFR", "AMS", "ARB", "ASP", "CIS", "EUR"}
    assert set(view.data["real_or_demo"]) == {DEMO}
    assert set(view.data["source"]) == {DEMO_WORDS}
    assert view.about.sources == () and view.about.sources_text() == DEMO_WORDS
    assert view.about.notice() == "Demo data, not official statistics: 7 of 7 values shown"


def test_the_gender_gap_is_male_minus_female_of_the_stored_values_and_says_demo(
    demo: Session,
) -> None:
    view = builders.gender_view(demo, code=INTERNET_USE, geo_code="SLV")
    female = stored(demo, INTERNET_USE, "SLV", "sex:female")
    male = stored(demo, INTERNET_USE, "SLV", "sex:male")
    by_year = view.data.set_index("year")
    assert by_year["female"].tolist() == pytest.approx(female[by_year.index].tolist())
    assert by_year["gap"].tolist() == pytest.approx((male - female)[by_year.index].tolist())
    assert set(view.data["source"]) == {DEMO_WORDS}
    assert view.about.sources == () and view.about.has_demo
    assert view.about.filters == {"Geography": "El Salvador"}
    assert view.summary.startswith("El Salvador: the gap (male minus female)")


def test_the_largest_gaps_are_ten_countries_widest_first_each_value_saying_demo(
    demo: Session,
) -> None:
    gaps = builders.gender_gaps_view(demo, code=INTERNET_USE)
    table = gaps.short_table()
    assert len(table) == 10 and table["Gap (male - female)"].is_monotonic_decreasing
    assert set(table["Country"]) <= set(countries()["name"])
    assert set(gaps.data["real_or_demo"]) == {DEMO}
    assert gaps.about.notice() == "Demo data, not official statistics: 10 of 10 values shown"
    labels, first = builders.gender_choices(demo, code=INTERNET_USE)
    iso3 = countries().reset_index().set_index("name")["iso3"]
    assert first == iso3[table["Country"].iloc[0]]  # the widest gap is shown first
    assert "SLV" in labels and "WLD" not in labels


def test_an_indicator_without_values_by_sex_says_which_breakdowns_it_allows(
    starter: Session,
) -> None:
    view = builders.gender_view(starter, code=COVERAGE_4G, geo_code=None)
    words = {"sex": "sex", "area": "urban or rural area", "age": "age"}  # as a reader reads them
    allowed = ", ".join(words[d] for d in reference_indicator(COVERAGE_4G)["disaggregations"])
    assert view.chart is None
    assert f"(allowed disaggregations: {allowed})" in view.problem
    assert builders.gender_choices(starter, code=COVERAGE_4G) == ({}, None)


def test_connectivity_names_the_year_in_words_and_uses_no_later_value(demo: Session) -> None:
    view = builders.connectivity_view(demo, year=2020)
    assert view.about.filters == {"Year": "At or before 2020"}
    assert (view.data["internet_use_year"].dropna() <= 2020).all()
    assert view.about.has_demo and DEMO_WORDS in view.about.sources_text()
    latest = builders.connectivity_view(demo)
    assert latest.about.filters == {"Year": "Latest each country has"}
    salvador = latest.data.set_index("geo_code").loc["SLV"]
    assert salvador["internet_use"] == pytest.approx(
        stored(demo, INTERNET_USE, "SLV", "total").iloc[-1]
    )


def test_the_choices_are_named_as_the_reference_data_names_them(starter: Session) -> None:
    names = builders.indicator_names(starter)
    reference = yaml.safe_load((PROJECT / "data" / "reference" / "indicators.yaml").read_text())
    expected = {e["code"]: e["name"] for e in sorted(reference, key=lambda e: e["code"])}
    assert list(names.items()) == list(expected.items())
    labels = builders.geography_labels(starter)
    assert labels["AMS"] == "Americas (ITU region)" and labels["SLV"] == "El Salvador"
    assert builders.compare_choices(starter)["AMS"] == "Countries of Americas"
    about = builders.indicator_about_view(starter, code=COVERAGE_4G)
    facts = dict(zip(about.table["label"], about.table["text"], strict=True))
    assert facts["Source"] == reference_indicator(COVERAGE_4G)["source"]
    assert facts["Target"] == "100 (2030)"


# --- the page draws them ----------------------------------------------------------------------


def _use(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    monkeypatch.setenv("GDC_TRACKER_DATABASE_URL", str(engine.url))
    clear_streamlit_caches()
    yield engine
    clear_streamlit_caches()


@pytest.fixture
def starter_app(first_start_store: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    yield from _use(first_start_store, monkeypatch)


@pytest.fixture
def demo_app(demo_store: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    yield from _use(demo_store, monkeypatch)


def csv_file(data: bytes) -> tuple[dict[str, str], pd.DataFrame]:
    """The About lines and the table of a downloaded CSV."""
    lines = dict(pd.read_csv(io.BytesIO(data), nrows=5, header=None).values.tolist())
    return lines, pd.read_csv(io.BytesIO(data), skiprows=6)


def shown_table(at: AppTest, column: str) -> pd.DataFrame:
    return next(frame.value for frame in at.dataframe if column in frame.value.columns)


def source_line(at: AppTest) -> str:
    return next(c.value for c in at.caption if c.value.startswith("Source: "))


def open_american_comparison_of_2021() -> AppTest:
    at = open_page(
        "pages/indicators.py", indicator=INTERNET_USE, view="compare", region="AMS", year="2021"
    )
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_compare_page_shows_downloads_and_builds_the_same_world_bank_figures(
    starter_app: Engine, offered: dict[str, Callable[[], bytes]]
) -> None:
    at = open_american_comparison_of_2021()
    on_page = shown_table(at, "geo_code").set_index("geo_code")["value"]
    lines, table = csv_file(offered[f"{INTERNET_USE}_compare.csv"]())
    in_file = table.set_index("geo_code")["value"]
    with db.session_scope(starter_app) as session:
        view = builders.compare_view(session, code=INTERNET_USE, year=2021, region="AMS")
    built = view.data.set_index("geo_code")["value"]
    assert on_page.to_dict() == pytest.approx(in_file.to_dict())
    assert on_page.to_dict() == pytest.approx(built.to_dict())
    public = wdi()["2021"]
    assert on_page["USA"] == pytest.approx(public["USA"])  # the World Bank's own figure
    assert lines["Title"] == "Individuals using the Internet · Compare regions or countries"
    assert lines["Filters"] == "Compare: Countries of Americas; Year: 2021"
    assert "World Bank" in lines["Sources"] and "Demo" not in lines["Notice"]
    assert "World Bank" in source_line(at) and "demo" not in source_line(at).lower()


def test_the_series_page_figure_is_the_downloaded_one_and_names_the_world_bank(
    starter_app: Engine, offered: dict[str, Callable[[], bytes]]
) -> None:
    at = open_page("pages/indicators.py", indicator=INTERNET_USE, geo="WLD")
    assert not at.exception, [e.value for e in at.exception]
    on_page = shown_table(at, "real_or_demo").set_index("year")["value"]
    _lines, table = csv_file(offered[f"{INTERNET_USE}_series.csv"]())
    assert on_page.to_dict() == pytest.approx(table.set_index("year")["value"].to_dict())
    assert on_page[2021] == pytest.approx(wdi().loc["WLD", "2021"], abs=0.05)
    assert "World Bank" in source_line(at)
    status_lines, statuses = csv_file(offered[f"{INTERNET_USE}_status.csv"]())
    assert statuses["Geography"].tolist() == ["World"]
    assert status_lines["Title"] == "Individuals using the Internet · progress status"
    assert "World Bank" in status_lines["Sources"]


def test_a_demo_only_indicator_page_says_demo_on_the_page_and_in_the_file(
    starter_app: Engine, offered: dict[str, Callable[[], bytes]]
) -> None:
    at = open_page("pages/indicators.py", indicator=COVERAGE_4G, geo="WLD")
    assert not at.exception, [e.value for e in at.exception]
    assert "Demo data, not official statistics" in source_line(at)
    assert "World Bank" not in source_line(at)
    lines, table = csv_file(offered[f"{COVERAGE_4G}_series.csv"]())
    assert lines["Sources"] == DEMO_WORDS
    assert lines["Notice"].startswith("Demo data, not official statistics")
    assert set(table["real_or_demo"]) == {DEMO}


def test_the_largest_gaps_file_says_its_values_are_demo(
    demo_app: Engine, offered: dict[str, Callable[[], bytes]]
) -> None:
    at = open_page("pages/indicators.py", indicator=INTERNET_USE, view="gender")
    assert not at.exception, [e.value for e in at.exception]
    on_page = shown_table(at, "Gap (male - female)")
    lines, table = csv_file(offered[f"{INTERNET_USE}_largest_gaps.csv"]())
    assert table["Country"].tolist() == on_page["Country"].tolist()
    assert table["Gap (male - female)"].tolist() == pytest.approx(
        on_page["Gap (male - female)"].tolist()
    )
    assert lines["Notice"] == "Demo data, not official statistics: 10 of 10 values shown"
    assert set(table["real_or_demo"]) == {DEMO}
    first = on_page["Country"].iloc[0]
    assert (
        next(s.value for s in at.selectbox if s.label == "Geography")
        == (countries().reset_index().set_index("name").loc[first, "iso3"])
    )


def sdmx_file(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), keep_default_na=False, dtype={"TIME_PERIOD": str})


def test_the_series_page_offers_its_published_values_as_the_apis_sdmx_csv(
    starter_app: Engine, offered: dict[str, Callable[[], bytes]]
) -> None:
    """The Download SDMX-CSV button gives the World Bank's values the page shows, in the
    SDMX 2.1 CSV shape, each with its source and no demo notice."""
    at = open_page("pages/indicators.py", indicator=INTERNET_USE, geo="WLD")
    assert not at.exception, [e.value for e in at.exception]
    on_page = shown_table(at, "real_or_demo").set_index("year")["value"]
    table = sdmx_file(offered[f"{INTERNET_USE}_series.sdmx.csv"]())
    assert table.columns[0] == "DATAFLOW"
    assert set(table["REF_AREA"]) == {"WLD"} and set(table["SEX"]) == {"_T"}
    in_file = table.set_index(table["TIME_PERIOD"].astype(int))["OBS_VALUE"].astype(float)
    assert in_file.to_dict() == pytest.approx(on_page.to_dict())
    assert in_file[2021] == pytest.approx(wdi().loc["WLD", "2021"], abs=0.05)
    assert table["SOURCE_DETAIL"].str.contains("World Bank").all()
    assert (table["COMMENT_OBS"] == "").all()


def test_a_demo_indicators_sdmx_csv_carries_the_demo_notice_on_every_value(
    starter_app: Engine, offered: dict[str, Callable[[], bytes]]
) -> None:
    at = open_page("pages/indicators.py", indicator=COVERAGE_4G, geo="WLD")
    assert not at.exception, [e.value for e in at.exception]
    table = sdmx_file(offered[f"{COVERAGE_4G}_series.sdmx.csv"]())
    assert len(table) == len(shown_table(at, "real_or_demo"))
    assert (table["COMMENT_OBS"].str.lower() == "demo data, not official statistics").all()


def test_the_compare_pages_sdmx_csv_holds_the_values_and_years_it_compares(
    starter_app: Engine, offered: dict[str, Callable[[], bytes]]
) -> None:
    at = open_american_comparison_of_2021()
    on_page = shown_table(at, "geo_code").set_index("geo_code")
    table = sdmx_file(offered[f"{INTERNET_USE}_compare.sdmx.csv"]()).set_index("REF_AREA")
    assert set(table.index) == set(on_page.index)
    assert table["OBS_VALUE"].astype(float).to_dict() == pytest.approx(on_page["value"].to_dict())
    assert table["TIME_PERIOD"].astype(int).to_dict() == on_page["year"].astype(int).to_dict()
    assert table.loc["USA", "OBS_VALUE"] == pytest.approx(wdi()["2021"]["USA"])
