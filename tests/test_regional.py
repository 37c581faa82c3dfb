"""Regional initiatives: the geo queries behind the page, and the page itself."""

import json

import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from gdc_tracker.models import Geography
from gdc_tracker.queries import geo, overview
from tests.apptest import open_page


def regional_id(session: Session, code: str, cycle: str = "2023-2025") -> int:
    table = overview.regional_initiatives(session)
    return int(table[(table["code"] == code) & (table["cycle"] == cycle)]["id"].iloc[0])


def americas(session: Session) -> set[str]:
    return set(
        session.exec(
            select(Geography.code).where(
                Geography.kind == "country", Geography.region_code == "AMS"
            )
        )
    )


# --- Queries ------------------------------------------------------------------------------


def test_a_regional_initiative_has_its_initiatives_and_the_countries_of_its_region(
    session: Session,
) -> None:
    ams2 = regional_id(session, "AMS2")
    initiatives = geo.regional_initiative_initiatives(session, regional_initiative_id=ams2)
    assert list(initiatives.columns) == [
        "id",
        "name",
        "status",
        "lead_sector",
        "start_date",
        "end_date",
        "countries",
    ]
    dtk = initiatives[initiatives["name"].str.startswith("Digital Transformation Kit")]
    assert dtk["countries"].tolist() == ["El Salvador"]

    members = geo.regional_countries(session, regional_initiative_id=ams2)
    assert list(members.columns) == [
        "code",
        "name",
        "latitude",
        "longitude",
        "initiatives",
        "initiative_names",
    ]
    assert set(members["code"]) == americas(session) and len(members) == 35
    acting = members[members["initiatives"] > 0]
    assert acting["code"].tolist() == ["SLV"]
    assert "Digital Transformation Kit" in acting["initiative_names"].iloc[0]

    ams1 = regional_id(session, "AMS1")
    assert geo.regional_initiative_initiatives(session, regional_initiative_id=ams1).empty
    assert (geo.regional_countries(session, regional_initiative_id=ams1)["initiatives"] == 0).all()


def test_region_country_values_are_the_latest_year_of_each_linked_indicator(
    session: Session,
) -> None:
    ams3 = regional_id(session, "AMS3")
    values = geo.regional_country_values(session, regional_initiative_id=ams3)
    assert set(values["geo_code"]) <= americas(session)
    linked = set(overview.indicators_of_regional(session, ams3)["code"])
    assert set(values["indicator_code"]) <= linked and "UMC_INTERNET_USE" in set(
        values["indicator_code"]
    )
    internet = values[values["indicator_code"] == "UMC_INTERNET_USE"]
    years = geo.indicator_years(session, indicator_code="UMC_INTERNET_USE")
    assert set(internet["year"]) == {2024} and int(years["year"].max()) == 2024
    assert internet["geo_code"].is_unique
    same = geo.country_values(session, indicator_code="UMC_INTERNET_USE", year=2024)
    expected = same[same["region_code"] == "AMS"].dropna(subset=["value"])
    assert dict(zip(internet["geo_code"], internet["value"], strict=True)) == dict(
        zip(expected["geo_code"], expected["value"], strict=True)
    )

    table = geo.regional_country_table(session, regional_initiative_id=ams3)
    assert list(table.columns[:2]) == ["country", "code"] and len(table) == 35
    assert "Individuals using the Internet (percent, 2024)" in table.columns

    ams4 = regional_id(session, "AMS4")
    assert geo.regional_country_values(session, regional_initiative_id=ams4).empty
    assert list(geo.regional_country_table(session, regional_initiative_id=ams4).columns) == [
        "country",
        "code",
    ]


# --- The page -----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def app_store(seeded_app: str) -> str:
    return seeded_app


def open_regional(**query: str) -> AppTest:
    return open_page("pages/regional.py", **query)


def texts(at: AppTest) -> list[str]:
    return [t.value for t in at.text]


def test_regional_page_lists_every_regional_initiative_and_defaults_to_ams2() -> None:
    at = open_regional()
    assert at.title[0].value == "Regional initiatives"
    card_heads = [m.value for m in at.markdown if m.value.startswith("**AMS")]
    assert card_heads == [f"**AMS{n}** · 2023-2025 · AMS" for n in range(1, 5)]
    assert sum("Title not given" in c.value for c in at.caption) >= 2  # AMS1 and AMS4
    assert at.selectbox(key="url__ri").value == "AMS2/2023-2025"
    assert at.header[0].value == "AMS2 (2023-2025) · Americas"
    assert any(t.startswith("Enhancement and expansion of digital-literacy") for t in texts(at))
    assert len(at.get("deck_gl_json_chart")) == 1


def test_regional_page_shows_the_chosen_initiative_from_the_url() -> None:
    at = open_regional(ri="AMS3/2023-2025")
    assert at.header[0].value == "AMS3 (2023-2025) · Americas"
    assert any(t.startswith("Effective support for digital transformation") for t in texts(at))
    initiatives = at.dataframe[0].value
    assert any(initiatives["name"].str.startswith("Digital Transformation Kit"))
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    members = next(item for item in deck["layers"] if item["id"] == "members")
    markers = next(item for item in deck["layers"] if item["id"] == "member-markers")
    drawn = {f["id"] for f in members["data"]["features"]} | {r["code"] for r in markers["data"]}
    assert len(drawn) == 35 and "SLV" in drawn
    slv = next(f for f in members["data"]["features"] if f["id"] == "SLV")
    assert "initiative acts here" in slv["properties"]["tooltip"]
    status = next(m.value for m in at.markdown if m.value.startswith("Progress of Americas"))
    assert "on its 11 indicators" in status
    indicators = next(df.value for df in at.dataframe if "latest_value" in df.value.columns)
    assert len(indicators) == 11
    assert indicators["status"].str.contains(r"^[✔▲◆▬▼?] ", regex=True).all()
    values = next(df.value for df in at.dataframe if "country" in df.value.columns)
    assert len(values) == 35
    source = next(c.value for c in at.caption if c.value.startswith("Source: "))
    assert "C25/52" in source and " · as of " in source  # the initiatives' source, a date
    assert "demo data, not official statistics" in source.lower()  # its values are demo


def test_regional_page_without_a_title_says_so_and_without_links_says_what_to_do() -> None:
    at = open_regional(ri="AMS1/2023-2025")
    assert at.header[0].value == "AMS1 (2023-2025) · Americas"
    assert any("Title not given" in c.value for c in at.caption)
    assert any("Kigali Action Plan" in t for t in texts(at))
    infos = [i.value for i in at.info]
    assert any("No initiative is linked to AMS1" in i for i in infos)
    assert any("No indicator is linked to AMS1" in i for i in infos)


def test_regional_page_with_unknown_values_in_the_url_falls_back_to_ams2() -> None:
    at = open_regional(ri="XYZ9/1999-2000", cycle="1999-2000")
    assert at.selectbox(key="url__cycle").value == ""
    assert at.selectbox(key="url__ri").value == "AMS2/2023-2025"
    assert at.header[0].value == "AMS2 (2023-2025) · Americas"


def test_regional_page_filters_the_list_by_cycle() -> None:
    at = open_regional(cycle="2023-2025", ri="AMS4/2023-2025")
    assert at.selectbox(key="url__cycle").value == "2023-2025"
    options = at.selectbox(key="url__ri").options
    assert [o.split(" · ")[0] for o in options] == [f"AMS{n} (2023-2025)" for n in range(1, 5)]
    assert options[1].startswith("AMS2 (2023-2025) · Enhancement") and options[1].endswith("…")
    assert at.header[0].value == "AMS4 (2023-2025) · Americas"


def test_regional_page_keeps_the_view_shown_in_the_url() -> None:
    """A card's "Show AMS3" link opens this same page, which leaves the address bar
    as it was unless the page writes the view back: the URL must name what is shown."""
    at = open_regional(ri="AMS3/2023-2025", cycle="2023-2025")
    assert at.query_params["ri"] == "AMS3/2023-2025"
    assert at.query_params["cycle"] == "2023-2025"
    show_ams4 = next(p for p in at.get("page_link") if p.proto.label == "Show AMS4")
    assert show_ams4.proto.query_string == "ri=AMS4%2F2023-2025&cycle=2023-2025&lang=en"
    at.selectbox(key="url__ri").set_value("AMS1/2023-2025").run()
    assert at.query_params["ri"] == "AMS1/2023-2025"
    assert at.header[0].value == "AMS1 (2023-2025) · Americas"


def test_regional_page_drops_an_unknown_initiative_from_the_url() -> None:
    at = open_regional(ri="XYZ9/1999-2000")
    assert "ri" not in at.query_params  # the link now says what is shown: the default
    assert at.header[0].value == "AMS2 (2023-2025) · Americas"
