"""The Map: shapes and deck builders (through the deck's JSON), the geo queries, the page."""

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from gdc_tracker import maps
from gdc_tracker.models import (
    Geography,
    Indicator,
    Initiative,
    InitiativeCountry,
    ProgressEntry,
    ReviewState,
)
from gdc_tracker.palette import PROGRESS_ORDER
from gdc_tracker.periods import parse_period
from gdc_tracker.queries import geo
from tests.apptest import open_page

PROJECT_ROOT = Path(__file__).resolve().parents[1]
COUNTRIES_CSV = PROJECT_ROOT / "data" / "reference" / "countries.csv"
TABLE_COLUMNS = [
    "rank",
    "country",
    "code",
    "region",
    "value",
    "year",
    "status",
    "source",
    "real_or_demo",
]


def store_countries() -> pd.DataFrame:
    """The store's countries as country_values() returns them, without any value."""
    rows = pd.read_csv(COUNTRIES_CSV, keep_default_na=False)
    return pd.DataFrame(
        {
            "geo_code": rows["iso3"],
            "name": rows["name"],
            "region_code": rows["itu_region"],
            "latitude": rows["latitude"].astype(float),
            "longitude": rows["longitude"].astype(float),
            "value": float("nan"),
            "year": float("nan"),
            "is_demo": None,
            "source": None,
            "updated_at": None,
            "status": "insufficient data",
        }
    )


def with_values(frame: pd.DataFrame, values: dict[str, float], year: int = 2023) -> pd.DataFrame:
    result = frame.copy()
    chosen = result["geo_code"].isin(list(values))
    result.loc[chosen, "value"] = result.loc[chosen, "geo_code"].map(values)
    result.loc[chosen, "year"] = year
    result.loc[chosen, "status"] = "on track"
    return result


def spec(deck: Any) -> dict[str, Any]:
    return json.loads(deck.to_json())


def layer(document: dict[str, Any], layer_id: str) -> dict[str, Any]:
    return next(item for item in document["layers"] if item["id"] == layer_id)


def drawn(document: dict[str, Any], shapes_id: str, markers_id: str) -> dict[str, dict]:
    """Code -> drawn object (feature properties or marker row) over shapes and markers."""
    objects = {f["id"]: f["properties"] for f in layer(document, shapes_id)["data"]["features"]}
    for row in layer(document, markers_id)["data"]:
        assert row["code"] not in objects, f"{row['code']} drawn twice"
        objects[row["code"]] = row
    return objects


# --- Shapes -------------------------------------------------------------------------------


def test_shapes_come_from_countryinfo_keyed_by_iso3_and_are_read_once() -> None:
    shapes = maps.country_shapes()
    assert len(shapes) > 160
    assert shapes["FRA"]["type"] == "MultiPolygon"
    assert shapes["BRA"]["coordinates"][0][0][0] == [
        round(c, 2) for c in shapes["BRA"]["coordinates"][0][0][0]
    ]
    assert maps.country_shapes() is shapes  # lru_cache: one read per process


def test_land_layer_holds_every_outline_but_antarctica() -> None:
    codes = {feature["id"] for feature in maps.land()["features"]}
    assert "ATA" not in codes
    assert {"USA", "CHN", "GRL", "ESH"} <= codes


def test_every_store_country_is_visible_as_a_shape_or_a_marker() -> None:
    frame = store_countries()
    assert len(frame) == 198
    document = spec(maps.choropleth_deck(frame, unit="percent", higher_is_better=True, year=2023))
    objects = drawn(document, "values", "value-markers")
    assert set(objects) == set(frame["geo_code"])
    markers = {row["code"] for row in layer(document, "value-markers")["data"]}
    assert {"SGP", "TUV", "LIE", "MDV"} <= markers  # small states have no outline
    assert {"BRA", "IND", "NGA"}.isdisjoint(markers)
    for row in layer(document, "value-markers")["data"]:
        longitude, latitude = row["position"]
        assert -180 <= longitude <= 180 and -90 <= latitude <= 90


def test_every_country_of_a_region_is_visible_on_the_regional_map() -> None:
    frame = store_countries()
    members = frame[frame["region_code"] == "AMS"].rename(columns={"geo_code": "code"})
    members = members.assign(initiatives=0, initiative_names="")
    objects = drawn(spec(maps.region_deck(members)), "members", "member-markers")
    assert set(objects) == set(members["code"])
    assert len(objects) == 35


# --- The deck -----------------------------------------------------------------------------


def test_the_deck_needs_no_internet_no_basemap_and_no_tile_url() -> None:
    deck = maps.choropleth_deck(
        with_values(store_countries(), {"BRA": 80.0}),
        unit="percent",
        higher_is_better=True,
        year=2023,
    )
    text = deck.to_json()
    document = json.loads(text)
    assert deck.map_provider is None
    assert "mapProvider" not in document
    # pydeck's placeholder, which Streamlit removes; a missing mapStyle would make Streamlit
    # add a Carto basemap fetched from the internet.
    assert document["mapStyle"] == "__MAP_STYLE__"
    for fragment in ("http", "cartocdn", "mapbox", "tile"):
        assert fragment not in text.lower()


def test_the_deck_layers_are_ocean_land_values_markers_and_initiatives() -> None:
    locations = pd.DataFrame(
        {
            "geo_code": ["SLV"],
            "name": ["El Salvador"],
            "latitude": [13.69],
            "longitude": [-89.19],
            "initiatives": [1],
            "initiative_names": ["Digital Transformation Kit"],
        }
    )
    document = spec(
        maps.choropleth_deck(
            store_countries(),
            unit="percent",
            higher_is_better=True,
            year=2023,
            locations=locations,
        )
    )
    assert [(item["@@type"], item["id"]) for item in document["layers"]] == [
        ("SolidPolygonLayer", "ocean"),
        ("GeoJsonLayer", "land"),
        ("GeoJsonLayer", "values"),
        ("ScatterplotLayer", "value-markers"),
        ("ScatterplotLayer", "initiatives"),
    ]
    assert layer(document, "land")["pickable"] is False
    assert layer(document, "values")["getFillColor"] == "@@=properties.fill"
    assert layer(document, "values")["pickable"] is True
    markers = layer(document, "value-markers")
    assert markers["radiusUnits"] == "pixels" and markers["lineWidthUnits"] == "pixels"
    assert layer(document, "initiatives")["radiusUnits"] == "pixels"


def test_the_initiative_layer_is_left_out_when_not_asked_for() -> None:
    document = spec(
        maps.choropleth_deck(store_countries(), unit="percent", higher_is_better=True, year=2023)
    )
    assert "initiatives" not in [item["id"] for item in document["layers"]]


def test_initiative_rings_grow_with_the_number_of_initiatives_and_list_them() -> None:
    locations = pd.DataFrame(
        {
            "geo_code": ["SLV", "KEN"],
            "name": ["El Salvador", "Kenya"],
            "latitude": [13.69, -1.29],
            "longitude": [-89.19, 36.82],
            "initiatives": [1, 4],
            "initiative_names": ["Digital Transformation Kit", "A; B; C; Giga"],
        }
    )
    values = with_values(store_countries(), {"SLV": 61.26})
    points = {
        p["code"]: p for p in maps.initiative_points(locations, values, unit="percent", year=2023)
    }
    assert points["KEN"]["radius"] > points["SLV"]["radius"]
    assert points["SLV"]["position"] == [-89.19, 13.69]
    assert "1 initiative acts here:\n• Digital Transformation Kit" in points["SLV"]["tooltip"]
    assert "Value: 61.3 % (2023)" in points["SLV"]["tooltip"]
    assert "4 initiatives act here:\n• A\n• B\n• C\n• Giga" in points["KEN"]["tooltip"]


def test_tooltips_name_the_country_value_with_unit_year_and_status() -> None:
    deck = maps.choropleth_deck(
        with_values(store_countries(), {"BRA": 81.04, "TUV": 20.0}),
        unit="percent",
        higher_is_better=True,
        year=2023,
    )
    assert deck._tooltip["text"] == "{tooltip}"  # what Streamlit sends beside the JSON
    objects = drawn(spec(deck), "values", "value-markers")
    assert objects["BRA"]["tooltip"] == ("Brazil (AMS)\nValue: 81.0 % (2023)\nProgress: ▲ on track")
    assert objects["TUV"]["tooltip"].startswith("Tuvalu (ASP)\nValue: 20.0 % (2023)")
    assert objects["FRA"]["tooltip"] == "France (EUR)\nNo data for 2023"


def test_colours_run_from_worse_to_better_and_countries_without_data_are_grey() -> None:
    frame = with_values(store_countries(), {"BRA": 10.0, "IND": 50.0, "NGA": 90.0})
    objects = drawn(
        spec(maps.choropleth_deck(frame, unit="percent", higher_is_better=True, year=2023)),
        "values",
        "value-markers",
    )
    better, worse = maps.ramp_colour(1.0), maps.ramp_colour(0.0)
    assert better[:3] == list(maps._rgb(maps.RAMP[-1]))
    assert objects["NGA"]["fill"] == better
    assert objects["BRA"]["fill"] == worse
    assert objects["IND"]["fill"] == maps.ramp_colour(0.5)
    assert objects["FRA"]["fill"] == maps.NO_DATA_COLOUR
    assert objects["FRA"]["has_data"] is False


def test_the_ramp_is_reversed_for_a_lower_is_better_indicator() -> None:
    frame = with_values(store_countries(), {"BRA": 1.5, "NGA": 12.0})
    objects = drawn(
        spec(maps.choropleth_deck(frame, unit="percent_gni", higher_is_better=False, year=2023)),
        "values",
        "value-markers",
    )
    assert objects["BRA"]["fill"] == maps.ramp_colour(1.0)  # cheapest: the better colour
    assert objects["NGA"]["fill"] == maps.ramp_colour(0.0)
    assert "1.50 % of GNI per capita" in objects["BRA"]["tooltip"]


def test_the_ramp_is_viridis_like_sequential_and_the_same_value_gets_one_colour() -> None:
    lightness = [sum(maps._rgb(colour)) for colour in maps.RAMP]
    assert lightness == sorted(lightness, reverse=True)  # light (worse) to dark (better)
    same = maps.fill_colours(pd.Series([5.0, 5.0, None]), higher_is_better=True)
    assert same[0] == same[1] and same[2] == maps.NO_DATA_COLOUR


def test_region_view_frames_the_region_and_crosses_the_date_line_when_shorter() -> None:
    frame = store_countries()
    americas = maps.region_view(frame[frame["region_code"] == "AMS"])
    assert -110 < americas.longitude < -50
    assert americas.zoom > maps.WORLD_VIEW.zoom
    asia_pacific = maps.region_view(frame[frame["region_code"] == "ASP"])
    assert 60 < asia_pacific.longitude <= 180
    assert maps.region_view(frame.iloc[0:0]) is maps.WORLD_VIEW


def test_summary_names_coverage_highest_and_lowest() -> None:
    frame = with_values(store_countries(), {"BRA": 81.0, "IND": 43.5, "NGA": 55.0})
    assert maps.values_summary(frame, year=2023, unit="percent") == (
        "Values for 3 of 198 countries in 2023; highest Brazil (81.0 %), lowest India (43.5 %)."
    )
    assert maps.values_summary(store_countries(), year=2023, unit="percent") == (
        "No values for the 198 countries in 2023."
    )


def test_table_and_missing_list_say_what_the_colours_say() -> None:
    frame = with_values(store_countries(), {"BRA": 81.0, "IND": 43.5})
    table = maps.values_table(frame)
    assert list(table.columns) == ["country", "code", "region", "value", "year", "status"]
    assert list(table["country"][:2]) == ["Brazil", "India"]
    assert table.iloc[0]["status"] == "▲ on track"
    missing = maps.missing_names(frame)
    assert len(missing) == 196 and "Brazil" not in missing and missing == sorted(missing)


def test_legend_is_a_gradient_from_lowest_to_highest_with_the_better_end_named() -> None:
    chart = maps.legend_chart(10.0, 90.0, unit="percent", higher_is_better=False).to_dict()
    assert chart["mark"]["type"] == "rect"
    assert chart["encoding"]["x"]["type"] == "quantitative"
    assert chart["encoding"]["x"]["scale"]["domain"] == [10.0, 90.0]
    assert chart["encoding"]["color"]["type"] == "nominal"
    assert chart["encoding"]["color"]["scale"] is None
    assert "lower is better" in chart["encoding"]["x"]["title"]
    colours = [row["colour"] for row in chart["datasets"][next(iter(chart["datasets"]))]]
    assert colours[0] == "#{:02x}{:02x}{:02x}".format(*maps.ramp_colour(1 - 0.5 / 48)[:3])


def test_values_are_written_with_their_unit() -> None:
    assert maps.format_value(67.26, "percent") == "67.3 %"
    assert maps.format_value(1234, "count") == "1,234"
    assert maps.format_value(0.9512, "ratio") == "0.951"
    assert maps.format_value(None, "percent") == "no data"
    assert maps.format_value(3, "hours") == "3.00 hours"


# --- Queries ------------------------------------------------------------------------------


def test_map_indicators_are_those_with_country_values_and_their_years(
    session: Session,
) -> None:
    result = geo.map_indicators(session)
    assert "UMC_INTERNET_USE" in set(result["code"])
    assert "ITUT_AI_STANDARDS_APPROVED" not in set(result["code"])  # world only
    assert result["code"].is_unique
    years = geo.indicator_years(session, indicator_code="UMC_INTERNET_USE")
    assert list(years.columns) == ["year", "countries"]
    assert list(years["year"]) == list(range(2015, 2025))
    assert years["countries"].between(1, 198).all()
    assert geo.indicator_years(session, indicator_code="NOPE").empty


def test_country_values_give_one_row_per_country_for_the_year(session: Session) -> None:
    values = geo.country_values(session, indicator_code="UMC_4G_COVERAGE", year=2020)
    assert list(values.columns) == geo.COUNTRY_VALUE_COLUMNS
    assert len(values) == 198 and values["geo_code"].is_unique
    with_data = values.dropna(subset=["value"])
    assert 0 < len(with_data) < 198
    assert set(with_data["year"]) == {2020}
    assert set(values["status"]) <= set(PROGRESS_ORDER)
    count = geo.indicator_years(session, indicator_code="UMC_4G_COVERAGE")
    assert len(with_data) == int(count.set_index("year").loc[2020, "countries"])
    unknown = geo.country_values(session, indicator_code="NOPE", year=2020)
    assert unknown.empty and list(unknown.columns) == geo.COUNTRY_VALUE_COLUMNS


def add_entry(
    session: Session, code: str, geo_code: str, period: str, value: float, state: str
) -> None:
    indicator_id = session.exec(select(Indicator.id).where(Indicator.code == code)).one()
    parsed = parse_period(period)
    session.add(
        ProgressEntry(
            indicator_id=indicator_id,
            geo_code=geo_code,
            period=parsed.label,
            year=parsed.year,
            period_end=parsed.end,
            value=value,
            source="test",
            review_state=state,
        )
    )
    session.flush()


def test_country_values_show_published_entries_only_and_the_latest_period(
    session: Session,
) -> None:
    add_entry(session, "UMC_INTERNET_USE", "SLV", "2031-Q1", 40.0, ReviewState.PUBLISHED)
    add_entry(session, "UMC_INTERNET_USE", "SLV", "2031-Q4", 45.0, ReviewState.PUBLISHED)
    add_entry(session, "UMC_INTERNET_USE", "CRI", "2031", 99.0, ReviewState.DRAFT)
    values = geo.country_values(session, indicator_code="UMC_INTERNET_USE", year=2031)
    by_code = values.set_index("geo_code")
    assert by_code.loc["SLV", "value"] == 45.0
    assert pd.isna(by_code.loc["CRI", "value"])
    assert values["value"].notna().sum() == 1
    assert by_code.loc["SLV", "source"] == "test" and not by_code.loc["SLV", "is_demo"]


def test_initiative_locations_count_and_name_initiatives_per_country(session: Session) -> None:
    locations = geo.initiative_locations(session)
    assert list(locations.columns) == [
        "geo_code",
        "name",
        "latitude",
        "longitude",
        "initiatives",
        "initiative_names",
    ]
    slv = locations.set_index("geo_code").loc["SLV"]
    assert int(slv["initiatives"]) >= 1
    assert "Digital Transformation Kit" in slv["initiative_names"]
    countries = set(session.exec(select(Geography.code).where(Geography.kind == "country")))
    assert set(locations["geo_code"]) <= countries
    initiatives = session.exec(select(sa.func.count()).select_from(Initiative)).one()
    assert geo.initiatives_without_location(session) == initiatives - len(
        session.exec(select(InitiativeCountry.initiative_id).distinct()).all()
    )


# --- The page -----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def app_store(seeded_app: str) -> str:
    return seeded_app


def open_map(**query: str) -> AppTest:
    return open_page("pages/map.py", **query)


def deck_of(at: AppTest) -> dict[str, Any]:
    charts = at.get("deck_gl_json_chart")
    assert len(charts) == 1
    return json.loads(charts[0].proto.json)


def test_map_page_defaults_to_internet_use_in_its_latest_year() -> None:
    at = open_map()
    assert at.title[0].value == "Map"
    assert at.selectbox(key="url__indicator").value == "UMC_INTERNET_USE"
    assert at.selectbox(key="url__year").value == "2024"
    summary = next(c.value for c in at.caption if c.value.startswith("Values for"))
    assert summary.endswith(".") and "of 198 countries in 2024" in summary
    assert any("Demo data" in c.value and "as of" in c.value for c in at.caption)
    document = deck_of(at)
    assert "initiatives" in [item["id"] for item in document["layers"]]
    table = at.dataframe[0].value  # the countries with a value, ranked, each with its source
    assert list(table.columns) == [*TABLE_COLUMNS, "is_demo"]  # is_demo: hidden, in files
    assert len(table) == int(summary.split("Values for ")[1].split(" of ")[0])
    assert list(table["rank"]) == list(range(1, len(table) + 1))
    missing = next(e for e in at.expander if e.label.startswith("No value for 2024"))
    assert missing.label == f"No value for 2024: {198 - len(table)} countries"


def test_map_page_takes_indicator_and_year_from_the_url() -> None:
    at = open_map(indicator="UMC_4G_COVERAGE", year="2020")
    assert at.selectbox(key="url__indicator").value == "UMC_4G_COVERAGE"
    assert at.selectbox(key="url__year").value == "2020"
    document = deck_of(at)
    tooltips = [
        f["properties"]["tooltip"]
        for f in next(item for item in document["layers"] if item["id"] == "values")["data"][
            "features"
        ]
    ]
    with_value = [t for t in tooltips if "Value:" in t]
    assert with_value and all("(2020)" in t for t in with_value)
    assert any("No data for 2020" in t for t in tooltips)
    assert set(at.dataframe[0].value["year"].dropna()) == {2020}
    assert any("of 198 countries in 2020" in c.value for c in at.caption)


def test_map_page_hides_initiatives_and_zooms_to_a_region_from_the_url() -> None:
    at = open_map(initiatives="0", region="AMS")
    assert at.toggle(key="url__initiatives").value is False
    document = deck_of(at)
    assert "initiatives" not in [item["id"] for item in document["layers"]]
    assert document["initialViewState"]["longitude"] < -50
    table = at.dataframe[0].value
    summary = next(c.value for c in at.caption if "of 35 countries in Americas" in c.value)
    assert set(table["region"]) == {"AMS"}
    assert len(table) == int(summary.split("Values for ")[1].split(" of ")[0])


def test_map_page_shows_a_lower_is_better_indicator_with_the_reversed_legend() -> None:
    at = open_map(indicator="UMC_FIXED_BB_PRICE")
    legend = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert "lower is better" in legend["encoding"]["x"]["title"]


def test_map_page_with_unknown_values_in_the_url_falls_back_to_defaults() -> None:
    at = open_map(indicator="NOPE", year="1899", region="MARS", initiatives="maybe")
    assert at.selectbox(key="url__indicator").value == "UMC_INTERNET_USE"
    assert at.selectbox(key="url__year").value == "2024"
    assert at.selectbox(key="url__region").value == ""
    assert at.toggle(key="url__initiatives").value is True
    assert len(at.get("deck_gl_json_chart")) == 1


def test_rings_stay_readable_whatever_the_number_of_initiatives() -> None:
    """The busiest country gets the largest ring, the same size for thirty initiatives or
    three thousand; ring areas keep the proportions between countries."""
    assert maps.ring_radius(4, 4) == maps.ring_radius(400, 400) == maps.RING_MAX_PIXELS
    assert maps.ring_radius(1, 400) < maps.ring_radius(100, 400) < maps.RING_MAX_PIXELS
    assert maps.ring_radius(1, 10_000) >= maps.RING_MIN_PIXELS
    grown = [maps.ring_radius(n, 400) - maps.RING_MIN_PIXELS for n in (100, 400)]
    assert grown[1] == pytest.approx(2 * grown[0], rel=0.02)  # 4x the count, 2x the radius
