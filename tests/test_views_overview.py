"""The Overview and Objectives screens as views: the figure a user sees on the page is the
one in the downloaded file and in the view, and names its real source or says demo.

Expected values come from the shipped public file the starter data was loaded from
(data/starter) and from the reference data files, not from the code under test.
"""

import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest
import yaml
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from gdc_tracker import bootstrap, db
from gdc_tracker.status import Thresholds
from gdc_tracker.views import DEMO, REAL
from gdc_tracker.views import objective as objective_views
from gdc_tracker.views import overview as overview_views
from tests.apptest import clear_streamlit_caches, open_page

PROJECT = Path(__file__).resolve().parents[1]
STARTER = PROJECT / "data" / "starter"
REFERENCE = PROJECT / "data" / "reference"
DEMO_WORDS = "demo data, not official statistics"
CSV_PREAMBLE = 6  # the About lines and a blank line above every downloaded table


def starter_source() -> dict:
    """The source of the shipped snapshot, as data/starter/sources.yaml describes it."""
    return yaml.safe_load((STARTER / "sources.yaml").read_text("utf-8"))[0]["source"]


def wdi() -> pd.DataFrame:
    """The shipped World Bank file, indexed by ISO3 code."""
    return pd.read_csv(next(STARTER.glob("API_IT.NET.USER.ZS*.csv"))).set_index("Country Code")


def country_codes() -> dict[str, str]:
    """Country name -> ISO3 code, from the reference list (and the world)."""
    countries = pd.read_csv(REFERENCE / "countries.csv")
    return dict(zip(countries["name"], countries["iso3"], strict=True)) | {"World": "WLD"}


def reference_yaml(name: str) -> list[dict]:
    return yaml.safe_load((REFERENCE / name).read_text("utf-8"))


def make_store(path: Path, *, with_demo: bool) -> Engine:
    engine = db.make_engine(f"sqlite:///{path / 'store.db'}")
    db.upgrade(engine)
    bootstrap.seed(engine, with_demo=with_demo, with_starter=True)
    return engine


@pytest.fixture(scope="module")
def first_start_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A store as the first start makes it: reference, starter and demo data."""
    engine = make_store(tmp_path_factory.mktemp("first_start"), with_demo=True)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def starter_only_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """Reference and starter data, no demo values."""
    engine = make_store(tmp_path_factory.mktemp("starter_only"), with_demo=False)
    yield engine
    engine.dispose()


# --- the builders, without Streamlit ----------------------------------------------------------


def test_data_as_of_is_the_newest_year_of_the_data_not_the_time_it_was_loaded(
    starter_only_store: Engine,
) -> None:
    years = [c for c in wdi().columns if c.isdigit()]
    newest_year = max(int(y) for y in years if wdi()[y].notna().any())
    with db.session_scope(starter_only_store) as session:
        view = overview_views.headline_view(session)
    figures = {figure.label: figure.value for figure in view.figures}
    assert figures["Data as of"] == str(newest_year)
    assert "Last update" not in figures
    assert figures["Initiatives"] == str(len(reference_yaml("initiatives.yaml")))
    assert figures["Indicators"] == str(len(reference_yaml("indicators.yaml")))
    assert view.about.demo_values == 0 and view.about.notice() is None
    assert starter_source()["organisation"] in view.about.sources_text()


def test_recent_updates_of_a_data_load_say_so_with_each_values_source_and_publisher(
    first_start_store: Engine,
) -> None:
    with db.session_scope(first_start_store) as session:
        view = overview_views.recent_updates_view(session, limit=10)
    source = starter_source()
    assert len(view.data) == 10
    assert set(view.data["added_by"]) == {"starter data load"}  # loaded last, so newest
    assert set(view.data["publisher"]) == {source["organisation"]}
    assert view.data["source"].str.contains(source["dataset"], regex=False).all()
    assert set(view.data["real_or_demo"]) == {REAL}
    file, codes = wdi(), country_codes()
    for row in view.data.itertuples():
        expected = file.loc[codes[row.geography], str(row.period)]
        assert row.value == pytest.approx(expected), (row.geography, row.period)
    assert "World Bank" in view.about.sources_text() and view.about.notice() is None


def test_demo_updates_say_demo_and_are_lent_no_publisher(first_start_store: Engine) -> None:
    with db.session_scope(first_start_store) as session:
        view = overview_views.recent_updates_view(session, limit=20_000)
    demo = view.data[view.data["real_or_demo"] == DEMO]
    assert len(demo) > 0
    assert set(demo["source"]) == {DEMO_WORDS}
    assert set(demo["publisher"]) == {""}
    assert set(demo["added_by"]) == {"demo data load"}
    assert view.about.notice() is not None


def test_the_status_charts_count_the_reference_links_and_name_their_sources(
    first_start_store: Engine,
) -> None:
    initiative_links = sum(
        1 + len(i["objectives"].get("also") or []) for i in reference_yaml("initiatives.yaml")
    )
    indicator_links = sum(len(i["objectives"]) for i in reference_yaml("indicators.yaml"))
    with db.session_scope(first_start_store) as session:
        initiatives = overview_views.initiative_status_view(session)
        indicators = overview_views.indicator_status_view(session, thresholds=Thresholds())
    assert int(initiatives.data["initiatives"].sum()) == initiative_links
    assert int(indicators.data["indicators"].sum()) == indicator_links
    assert "C25/52" in initiatives.about.sources_text() and not initiatives.about.has_demo
    assert "World Bank" in indicators.about.sources_text()  # the world's Internet use
    assert indicators.about.has_demo  # the other world series are demo
    assert indicators.chart is not None and initiatives.chart is not None


def test_the_objective_page_shows_the_world_banks_internet_use_as_the_file_has_it(
    first_start_store: Engine,
) -> None:
    with db.session_scope(first_start_store) as session:
        page = objective_views.objective_page_view(session, number=1, thresholds=Thresholds())
    row = page.indicators.data.set_index("code").loc["UMC_INTERNET_USE"]
    assert row["latest_year"] == 2023
    assert row["latest_value"] == pytest.approx(wdi().loc["WLD", "2023"])
    assert "World Bank" in row["source"] and row["real_or_demo"] == REAL
    assert "World Bank" in page.indicators.about.sources_text()
    assert page.about.has_demo  # its other indicators are demo
    assert page.heading.startswith("Objective 1: Close all digital divides")


def test_an_objective_with_demo_indicators_only_lends_them_no_source(
    first_start_store: Engine,
) -> None:
    with db.session_scope(first_start_store) as session:
        page = objective_views.objective_page_view(session, number=5, thresholds=Thresholds())
    assert set(page.indicators.data["real_or_demo"]) == {DEMO}
    assert page.indicators.about.sources == ()
    assert page.indicators.about.sources_text() == DEMO_WORDS


def test_the_slide_view_of_an_objective_still_titles_it_by_number_and_short_title(
    first_start_store: Engine,
) -> None:
    objectives = pd.read_csv(REFERENCE / "objectives.csv").set_index("number")
    with db.session_scope(first_start_store) as session:
        view = objective_views.objective_view(session, number=2)
    assert view.title == f"Objective 2: {objectives.loc[2, 'short_title']}"
    assert view.figures and view.chart is not None and view.about.as_of is not None


# --- the pages, as a visitor opens them -------------------------------------------------------


@pytest.fixture
def starter_app(first_start_store: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("GDC_TRACKER_DATABASE_URL", first_start_store.url.render_as_string())
    clear_streamlit_caches()
    yield
    clear_streamlit_caches()


def downloaded(data: bytes) -> tuple[dict[str, str], pd.DataFrame]:
    """The About lines and the table of a downloaded CSV."""
    lines = dict(pd.read_csv(io.BytesIO(data), nrows=CSV_PREAMBLE - 1, header=None).values)
    return lines, pd.read_csv(io.BytesIO(data), skiprows=CSV_PREAMBLE)


def shown_table(at: AppTest, columns: set[str]) -> pd.DataFrame:
    return next(df.value for df in at.dataframe if columns <= set(df.value.columns))


def test_the_overview_says_data_as_of_and_lists_loaded_values_with_their_source(
    starter_app: None, first_start_store: Engine, offered: dict[str, Callable[[], bytes]]
) -> None:
    at = open_page("app.py")
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    with db.session_scope(first_start_store) as session:
        headline = overview_views.headline_view(session)
        view = overview_views.recent_updates_view(session, limit=10)
    assert metrics["Data as of"] == {f.label: f.value for f in headline.figures}["Data as of"]
    assert "Last update" not in metrics
    shown = shown_table(at, {"added_by", "publisher", "source"})
    lines, file = downloaded(offered["overview_recent_updates.csv"]())
    assert "World Bank" in lines["Sources"]
    assert shown["value"].tolist() == pytest.approx(file["value"].tolist())
    assert shown["value"].tolist() == pytest.approx(view.data["value"].tolist())
    assert set(shown["added_by"]) == set(file["added_by"]) == {"starter data load"}
    assert file["source"].str.contains("World Bank").all()
    assert set(file["real_or_demo"]) == {REAL}
    captions = [c.value for c in at.caption]
    assert any(c.startswith("Source: ITU, via the World Bank") for c in captions)


def test_the_overview_status_chart_file_holds_the_counts_drawn(
    starter_app: None, offered: dict[str, Callable[[], bytes]]
) -> None:
    at = open_page("app.py")
    specs = [chart.proto.spec for chart in at.get("vega_lite_chart")]
    assert len(specs) == 2
    lines, file = downloaded(offered["overview__indicators.csv"]())
    indicator_links = sum(len(i["objectives"]) for i in reference_yaml("indicators.yaml"))
    assert int(file["indicators"].sum()) == indicator_links
    assert "World Bank" in lines["Sources"]
    assert lines["Notice"].startswith("Demo data, not official statistics")


def test_the_objectives_page_shows_internet_use_as_the_file_and_the_download_do(
    starter_app: None, first_start_store: Engine, offered: dict[str, Callable[[], bytes]]
) -> None:
    at = open_page("pages/objectives.py", objective="1")
    assert not at.exception, [e.value for e in at.exception]
    expected = wdi().loc["WLD", "2023"]
    shown = shown_table(at, {"latest_value", "trend", "explanation"}).set_index("name")
    assert shown.loc["Individuals using the Internet", "latest_value"] == pytest.approx(expected)
    lines, file = downloaded(offered["objective_1_indicators.csv"]())
    row = file.set_index("code").loc["UMC_INTERNET_USE"]
    assert row["latest_value"] == pytest.approx(expected)
    assert "World Bank" in row["source"] and row["real_or_demo"] == REAL
    assert "World Bank" in lines["Sources"]
    with db.session_scope(first_start_store) as session:
        page = objective_views.objective_page_view(session, number=1, thresholds=Thresholds())
    in_view = page.indicators.data.set_index("code").loc["UMC_INTERNET_USE", "latest_value"]
    assert in_view == pytest.approx(expected)
    captions = [c.value for c in at.caption]
    assert any(c.startswith("Source: ITU, via the World Bank") for c in captions)
    assert any("Demo data" in info.value for info in at.info)


def test_the_objectives_page_says_demo_for_an_objective_with_demo_indicators_only(
    starter_app: None, offered: dict[str, Callable[[], bytes]]
) -> None:
    at = open_page("pages/objectives.py", objective="5")
    assert not at.exception, [e.value for e in at.exception]
    captions = [c.value for c in at.caption]
    assert any(c.startswith("Source: Demo data, not official statistics") for c in captions)
    lines, file = downloaded(offered["objective_5_indicators.csv"]())
    assert lines["Sources"] == DEMO_WORDS
    assert set(file["real_or_demo"]) == {DEMO} and set(file["source"]) == {DEMO_WORDS}
