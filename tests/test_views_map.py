"""The Map and Regional initiatives pages draw one view each: what the page shows, the
files it offers and the slides agree on every figure, source and demo notice.

Expected values come from the public file the starter data was imported from
(data/starter, the World Bank's Internet use) and from the reference data files.
"""

import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest
import yaml
from sqlalchemy.engine import Engine
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from gdc_tracker import bootstrap, db, maps
from gdc_tracker.reports.images import png_size
from gdc_tracker.views import DEMO, REAL
from gdc_tracker.views.map import map_view
from gdc_tracker.views.regional import regional_choices, regional_view
from tests.apptest import clear_streamlit_caches, open_page

PROJECT = Path(__file__).resolve().parents[1]
REFERENCE = PROJECT / "data" / "reference"
DEMO_WORDS = "demo data, not official statistics"
INTERNET = "UMC_INTERNET_USE"
DEMO_ONLY = "UMC_4G_COVERAGE"  # no public series: every value is demo
YEAR = 2021


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Engine]]:
    """A store as the first start makes it: reference, starter and demo data."""
    url = f"sqlite:///{tmp_path_factory.mktemp('views_map') / 'store.db'}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    bootstrap.seed(engine, with_demo=True, with_starter=True)
    yield url, engine
    engine.dispose()


@pytest.fixture
def session(store: tuple[str, Engine]) -> Iterator[Session]:
    with db.session_scope(store[1]) as session:
        yield session


@pytest.fixture
def app(store: tuple[str, Engine], monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("GDC_TRACKER_DATABASE_URL", store[0])
    clear_streamlit_caches()
    yield
    clear_streamlit_caches()


def countries() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "countries.csv", keep_default_na=False).set_index("iso3")


def wdi_values(year: int, region: str = "") -> pd.Series:
    """Internet use by ISO3 code in `year` from the shipped WDI file, tracked countries only
    (those of one ITU region when given)."""
    wdi = pd.read_csv(next((PROJECT / "data" / "starter").glob("API_IT.NET.USER.ZS*.csv")))
    values = wdi.set_index("Country Code")[str(year)].dropna()
    tracked = countries()
    if region:
        tracked = tracked[tracked["itu_region"] == region]
    return values[values.index.isin(tracked.index)]


def read_csv(data: bytes) -> tuple[dict[str, str], pd.DataFrame]:
    """The About lines and the table of a downloaded CSV."""
    lines = dict(pd.read_csv(io.BytesIO(data), nrows=5, header=None).values.tolist())
    return lines, pd.read_csv(io.BytesIO(data), skiprows=6, keep_default_na=False)


def opened(path: str, **query: str) -> AppTest:
    at = open_page(path, **query)
    assert not at.exception, [e.value for e in at.exception]
    return at


def source_line(at: AppTest) -> str:
    return next(c.value for c in at.caption if c.value.startswith("Source: "))


# --- The map view --------------------------------------------------------------------------


def test_a_region_narrows_the_values_figures_words_and_picture_to_its_countries(
    session: Session,
) -> None:
    expected = wdi_values(YEAR, "AMS")
    members = countries().query("itu_region == 'AMS'")
    view = map_view(session, code=INTERNET, year=YEAR, region="AMS")
    assert view.data.set_index("code")["value"].round(3).to_dict() == expected.round(3).to_dict()
    assert set(view.data["region"]) == {"AMS"}
    assert view.about.filters["Region"] == "Americas"
    assert view.summary.startswith(f"Values for {len(expected)} of {len(members)} countries in ")
    assert view.figures[0].value == f"{len(expected)} / {len(members)}"
    assert view.map_options["missing"] == tuple(
        sorted(members.loc[~members.index.isin(expected.index), "name"])
    )
    assert "region=AMS" in view.link
    chart = view.chart
    outlines = chart["datasets"][chart["layer"][0]["data"]["name"]]  # type: ignore[index]
    drawn = {feature["properties"]["code"] for feature in outlines}
    assert drawn <= set(members.index) and "BRA" in drawn  # only the region is drawn
    world = wdi_values(YEAR)
    assert len(view.places) == len(countries())  # the page's map stays the world
    scale = view.chart["layer"][1]["encoding"]["color"]["scale"]  # type: ignore[index]
    assert scale["domain"] == pytest.approx([world.min(), world.max()])  # the world's colours


def test_the_world_map_view_keeps_the_slide_arguments_and_draws_no_rings(
    session: Session,
) -> None:
    view = map_view(session, code=INTERNET, year=YEAR)
    assert "Region" not in view.about.filters
    assert view.map_options["locations"] is None and view.map_options["unplaced"] == ""
    assert "Orange rings" not in view.map_options["legend_notes"]
    ringed = map_view(session, code=INTERNET, year=YEAR, initiatives=True)
    assert "El Salvador" in set(ringed.map_options["locations"]["name"])
    assert "Orange rings" in ringed.map_options["legend_notes"]
    assert ringed.map_options["unplaced"].endswith("(they act globally): not drawn.")


def test_a_demo_only_indicator_says_demo_on_every_row_and_names_no_real_source(
    session: Session,
) -> None:
    view = map_view(session, code=DEMO_ONLY)
    assert set(view.data["real_or_demo"]) == {DEMO} and view.data["is_demo"].all()
    assert set(view.data["source"]) == {DEMO_WORDS}
    assert view.about.sources == () and view.about.sources_text() == DEMO_WORDS


# --- The regional view ----------------------------------------------------------------------


def linked_indicators(key: str) -> list[str]:
    rows = yaml.safe_load((REFERENCE / "indicators.yaml").read_text(encoding="utf-8"))
    return [row["name"] for row in rows if key in (row.get("regional_initiatives") or [])]


def test_the_regional_view_holds_its_indicators_countries_and_their_sources(
    session: Session,
) -> None:
    view = regional_view(session, key="AMS3/2023-2025")
    assert sorted(view.data["name"]) == sorted(linked_indicators("AMS3/2023-2025"))
    assert view.data["status"].str.contains(r"^[✔▲◆▬▼?] ", regex=True).all()
    with_value = view.data[view.data["latest_value"].notna()]
    assert set(with_value["real_or_demo"]) <= {REAL, DEMO}
    assert (with_value[with_value["is_demo"]]["source"] == DEMO_WORDS).all()
    members = countries().query("itu_region == 'AMS'")
    assert len(view.places) == len(members)
    assert len(view.map_options["country_table"]) == len(members)
    assert view.map_options["heading"] == "AMS3 (2023-2025) · Americas"
    internet = view.map_options["countries"].query("indicator_code == @INTERNET")
    year = int(internet["year"].iloc[0])
    expected = wdi_values(year, "AMS")
    assert dict(zip(internet["geo_code"], internet["value"].round(3), strict=True)) == (
        expected.round(3).to_dict()
    )
    assert internet["source"].str.contains("World Bank").all()
    assert set(internet["real_or_demo"]) == {REAL}
    assert any("World Bank" in source for source in view.about.sources)
    assert "C25/52" in view.about.sources[0]  # where its initiatives come from


def test_a_regional_initiative_without_a_title_shows_the_note_saying_why(
    session: Session,
) -> None:
    reference = pd.read_csv(REFERENCE / "regional_initiatives.csv", keep_default_na=False)
    ams1 = reference.set_index("code").loc["AMS1"]
    assert regional_view(session, key="AMS1/2023-2025").summary == ams1["note"]
    choices = regional_choices(session).set_index("key")
    assert choices.loc["AMS1/2023-2025", "label"] == "AMS1 (2023-2025)"
    assert choices.loc["AMS2/2023-2025", "label"].endswith("…")


# --- The pages ------------------------------------------------------------------------------


@pytest.mark.usefixtures("app")
def test_the_map_page_shows_the_figures_of_its_csv_and_names_the_world_bank(
    session: Session, offered: dict[str, Callable[[], bytes]]
) -> None:
    at = opened("pages/map.py", indicator=INTERNET, year=str(YEAR))
    expected = wdi_values(YEAR)
    lines, table = read_csv(offered[f"map_{INTERNET}_{YEAR}.csv"]())
    assert table.set_index("code")["value"].round(3).to_dict() == expected.round(3).to_dict()
    assert table["source"].str.contains("World Bank").all()
    assert set(table["real_or_demo"]) == {REAL}
    assert "World Bank" in lines["Sources"] and lines["Title"].endswith(f", {YEAR}")
    view = map_view(session, code=INTERNET, year=YEAR)
    assert table["value"].round(6).tolist() == view.data["value"].round(6).tolist()
    first = table.iloc[0]  # rank 1 (ties: alphabetically)
    assert first["rank"] == 1 and first["value"] == pytest.approx(expected.max())
    highest = next(m for m in at.metric if m.label.startswith("highest: "))
    assert highest.label == f"highest: {first['country']}"
    assert highest.value == maps.format_value(expected.max(), "percent")
    shown = at.dataframe[0].value
    assert shown["value"].round(6).tolist() == table["value"].round(6).tolist()
    assert "World Bank" in source_line(at) and DEMO_WORDS not in source_line(at).lower()


@pytest.mark.usefixtures("app")
def test_the_map_page_offers_the_map_itself_as_an_image_with_its_source(
    offered: dict[str, Callable[[], bytes]],
) -> None:
    opened("pages/map.py", indicator=INTERNET, year=str(YEAR), region="AMS")
    name = f"map_{INTERNET}_{YEAR}_AMS"
    svg = offered[f"{name}.svg"]().decode("utf-8")
    assert f"Individuals using the Internet, {YEAR}" in svg
    assert "Region: Americas" in svg and "World Bank" in svg
    png = offered[f"{name}.png"]()
    assert png.startswith(b"\x89PNG")
    width, height = png_size(png)
    assert width > 600 and height > 300


@pytest.mark.usefixtures("app")
def test_the_map_page_says_demo_for_a_demo_only_indicator(
    offered: dict[str, Callable[[], bytes]],
) -> None:
    at = opened("pages/map.py", indicator=DEMO_ONLY)
    assert source_line(at).startswith("Source: Demo data, not official statistics")
    name = next(n for n in offered if n.startswith(f"map_{DEMO_ONLY}_") and n.endswith(".csv"))
    lines, table = read_csv(offered[name]())
    assert set(table["real_or_demo"]) == {DEMO} and set(table["source"]) == {DEMO_WORDS}
    assert lines["Notice"].startswith("Demo data, not official statistics")
    assert lines["Sources"] == DEMO_WORDS


@pytest.mark.usefixtures("app")
def test_the_regional_page_files_carry_each_value_with_its_source(
    offered: dict[str, Callable[[], bytes]],
) -> None:
    at = opened("pages/regional.py", ri="AMS3/2023-2025")
    _lines, indicators = read_csv(offered["AMS3_indicators.csv"]())
    assert sorted(indicators["name"]) == sorted(linked_indicators("AMS3/2023-2025"))
    valued = indicators[indicators["latest_value"] != ""]
    assert set(valued["real_or_demo"]) <= {REAL, DEMO} and len(valued)
    lines, values = read_csv(offered["AMS3_country_values.csv"]())
    internet = values[values["indicator_code"] == INTERNET]
    expected = wdi_values(int(internet["year"].iloc[0]), "AMS")
    assert set(internet["geo_code"]) == set(expected.index)
    assert internet["source"].str.contains("World Bank").all()
    assert set(internet["real_or_demo"]) == {REAL}
    assert set(values[values["indicator_code"] == DEMO_ONLY]["real_or_demo"]) == {DEMO}
    assert "World Bank" in lines["Sources"] and "C25/52" in lines["Sources"]
    line = source_line(at)
    assert "World Bank" in line and "C25/52" in line and DEMO_WORDS in line.lower()


@pytest.mark.usefixtures("app")
def test_the_map_pages_sdmx_csv_holds_each_countrys_world_bank_value_of_the_year(
    offered: dict[str, Callable[[], bytes]],
) -> None:
    """The map's "Download SDMX-CSV" gives, per country, the value the map shows (the
    latest at or before the year), as the data API writes it, with its source."""
    at = opened("pages/map.py", indicator=INTERNET, year=str(YEAR))
    assert not at.exception, [e.value for e in at.exception]
    _lines, shown = read_csv(offered[f"map_{INTERNET}_{YEAR}.csv"]())
    sdmx = pd.read_csv(
        io.BytesIO(offered[f"map_{INTERNET}_{YEAR}.sdmx.csv"]()),
        keep_default_na=False,
        dtype={"TIME_PERIOD": str},
    )
    assert sdmx["REF_AREA"].is_unique and set(sdmx["REF_AREA"]) == set(shown["code"])
    by_country = sdmx.set_index("REF_AREA")
    expected = wdi_values(YEAR)
    assert by_country["OBS_VALUE"].astype(float).round(3).to_dict() == expected.round(3).to_dict()
    years = shown.set_index("code")["year"].astype(int)
    assert by_country["TIME_PERIOD"].astype(int).to_dict() == years.to_dict()
    assert by_country["SOURCE_DETAIL"].str.contains("World Bank").all()


@pytest.mark.usefixtures("app")
def test_the_regional_pages_sdmx_csv_holds_the_country_values_the_table_shows(
    offered: dict[str, Callable[[], bytes]],
) -> None:
    """The country values' "Download SDMX-CSV" holds the same country, indicator and year
    as the table (each indicator in its own latest year), the World Bank's values for
    Internet use, and the demo notice on every value of a demo-only indicator."""
    opened("pages/regional.py", ri="AMS3/2023-2025")
    _lines, table = read_csv(offered["AMS3_country_values.csv"]())
    sdmx = pd.read_csv(
        io.BytesIO(offered["AMS3_country_values.sdmx.csv"]()),
        keep_default_na=False,
        dtype={"TIME_PERIOD": str},
    )
    shown = set(zip(table["geo_code"], table["indicator_code"], table["year"], strict=True))
    given = zip(sdmx["REF_AREA"], sdmx["INDICATOR"], sdmx["TIME_PERIOD"].astype(int), strict=True)
    assert set(given) == shown and len(sdmx) == len(table)
    internet = sdmx[sdmx["INDICATOR"] == INTERNET].set_index("REF_AREA")
    expected = wdi_values(int(internet["TIME_PERIOD"].iloc[0]), "AMS")
    assert internet["OBS_VALUE"].astype(float).round(3).to_dict() == expected.round(3).to_dict()
    assert internet["SOURCE_DETAIL"].str.contains("World Bank").all()
    demo = sdmx[sdmx["INDICATOR"] == DEMO_ONLY]
    assert len(demo) and (demo["COMMENT_OBS"].str.lower() == DEMO_WORDS).all()


@pytest.mark.usefixtures("app")
def test_the_regional_pages_json_is_the_data_apis_document_of_the_same_rows(
    offered: dict[str, Callable[[], bytes]],
) -> None:
    """The page's JSON has the data API's shape ({"about", "data"}) and the CSV's rows."""
    import json

    opened("pages/regional.py", ri="AMS3/2023-2025")
    lines, table = read_csv(offered["AMS3_country_values.csv"]())
    document = json.loads(offered["AMS3_country_values.json"]())
    assert set(document) == {"about", "data"}
    assert document["about"]["notice"] == lines["Notice"]
    rows = pd.DataFrame(document["data"])
    assert list(rows.columns) == list(table.columns)
    assert rows["geo_code"].tolist() == table["geo_code"].tolist()
    assert rows["source"].tolist() == table["source"].tolist()
