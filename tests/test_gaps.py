"""The data-gap matrix, on a store of the test's own (SQLite and PostgreSQL).

The store: the Americas (AMS) with four countries, Europe (EUR) with two. The indicator
NET is reported for countries; REG for regions only; WORLDONLY for the world only.

NET, as published: in 2023 El Salvador (real, from the ITU dataset), Mexico (real, typed
source, and a demo quarter beside it) and Brazil (demo only); Argentina has a draft only,
Germany a breakdown by sex only; the Americas' own aggregate is published but a region's
cell counts its countries. In 2021 France (real, typed source). Nothing in 2022.
REG: the Americas' own 2023 value (real); Europe nothing.
"""

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from gdc_tracker import db
from gdc_tracker.models import DataSource, Geography, Indicator, ProgressEntry
from gdc_tracker.periods import parse_period
from gdc_tracker.queries import gaps as queries
from gdc_tracker.views.gaps import data_gaps_view

AMS = {"ARG": "Argentina", "BRA": "Brazil", "MEX": "Mexico", "SLV": "El Salvador"}
EUR = {"DEU": "Germany", "FRA": "France"}
TYPED = "National statistics office"
ITU_DATASET = "ITU, ICT Indicators Database (2024)"  # organisation, dataset (release)
NEWEST_COUNTED = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def _geographies(session: Session) -> None:
    session.add(Geography(code="WLD", kind="world", name="World"))
    session.add(Geography(code="AMS", kind="region", name="Americas"))
    session.add(Geography(code="EUR", kind="region", name="Europe"))
    session.flush()
    for region, countries in (("AMS", AMS), ("EUR", EUR)):
        for code, name in countries.items():
            session.add(Geography(code=code, kind="country", name=name, region_code=region))
    session.flush()


def _indicator(session: Session, code: str, levels: list[str]) -> int:
    indicator = Indicator(code=code, name=f"{code} name", unit="percent", geographies=levels)
    session.add(indicator)
    session.flush()
    return int(indicator.id or 0)


def _value(session: Session, indicator: int, geo: str, period: str, **fields: object) -> None:
    parsed = parse_period(period)
    values: dict[str, object] = {
        "value": 50.0,
        "review_state": "published",
        "source": TYPED,
        "updated_at": datetime(2024, 6, 1, tzinfo=UTC),
    }
    values.update(fields)
    session.add(
        ProgressEntry(
            indicator_id=indicator,
            geo_code=geo,
            period=parsed.label,
            year=parsed.year,
            period_end=parsed.end,
            **values,  # type: ignore[arg-type]
        )
    )


@pytest.fixture
def store(engine: Engine) -> Engine:
    with db.session_scope(engine) as session:
        _geographies(session)
        net = _indicator(session, "NET", ["world", "region", "country"])
        reg = _indicator(session, "REG", ["world", "region"])
        _indicator(session, "WORLDONLY", ["world"])
        itu = DataSource(
            key="itu-ict", organisation="ITU", dataset="ICT Indicators Database", release="2024"
        )
        session.add(itu)
        session.flush()
        _value(session, net, "SLV", "2023", source="", data_source_id=itu.id)
        _value(session, net, "MEX", "2023")
        _value(session, net, "MEX", "2023-Q4", is_demo=True, source="demo")
        _value(session, net, "BRA", "2023", is_demo=True, source="demo")
        _value(session, net, "ARG", "2023", review_state="draft", updated_at=datetime.now(UTC))
        _value(session, net, "DEU", "2023", disaggregation="sex:female")
        _value(session, net, "AMS", "2023", source="Regional aggregate")
        _value(session, net, "FRA", "2021", updated_at=NEWEST_COUNTED)
        _value(session, reg, "AMS", "2023")
    return engine


@pytest.fixture
def session(store: Engine) -> Iterator[Session]:
    with db.session_scope(store) as session:
        yield session


def cell(view_data, **where: object) -> dict:
    rows = view_data
    for column, value in where.items():
        rows = rows[rows[column] == value]
    assert len(rows) == 1, rows
    return rows.iloc[0].to_dict()


def counts(row: dict) -> tuple[int, int, int, int, str]:
    return (row["geographies"], row["real"], row["demo_only"], row["none"], row["state"])


def test_a_region_cell_counts_its_countries_real_demo_only_and_none(session: Session) -> None:
    data = data_gaps_view(session, indicator="NET", by="region").data
    # SLV and MEX real (MEX's demo quarter does not make it demo), BRA demo only, ARG's
    # draft does not count, and the region's own aggregate is not one of its countries.
    assert counts(cell(data, geo_code="AMS", year=2023)) == (4, 2, 1, 1, "partly published")
    # Germany's breakdown alone does not fill the cell.
    assert counts(cell(data, geo_code="EUR", year=2023)) == (2, 0, 0, 2, "none")
    assert counts(cell(data, geo_code="EUR", year=2021)) == (2, 1, 0, 1, "partly published")


def test_a_year_with_no_value_at_all_shows_none_everywhere(session: Session) -> None:
    data = data_gaps_view(session, indicator="NET", by="region").data
    assert sorted(data["year"].unique()) == [2021, 2022, 2023]
    assert counts(cell(data, geo_code="AMS", year=2022)) == (4, 0, 0, 4, "none")
    assert counts(cell(data, geo_code="EUR", year=2022)) == (2, 0, 0, 2, "none")


def test_by_country_every_country_has_a_row_with_its_state(session: Session) -> None:
    data = data_gaps_view(session, indicator="NET", by="country").data
    assert set(data["geo_code"]) == set(AMS) | set(EUR)  # no region, no world
    states = {code: cell(data, geo_code=code, year=2023)["state"] for code in (*AMS, *EUR)}
    assert states == {
        "SLV": "published",
        "MEX": "published",
        "BRA": "demo only",
        "ARG": "none",
        "DEU": "none",
        "FRA": "none",
    }
    assert cell(data, geo_code="FRA", year=2021)["state"] == "published"


def test_chosen_years_show_a_year_before_every_value_as_none(session: Session) -> None:
    data = data_gaps_view(session, indicator="NET", by="region", year_from=2020, year_to=2023).data
    assert sorted(data["year"].unique()) == [2020, 2021, 2022, 2023]
    assert set(data.loc[data["year"] == 2020, "state"]) == {"none"}
    assert counts(cell(data, geo_code="AMS", year=2023)) == (4, 2, 1, 1, "partly published")


def test_years_with_nothing_published_show_every_geography_as_none(session: Session) -> None:
    data = data_gaps_view(session, indicator="NET", by="region", year_from=2010, year_to=2011).data
    assert sorted(data["year"].unique()) == [2010, 2011]
    assert set(data["state"]) == {"none"}
    assert data.groupby("year")["none"].sum().to_dict() == {2010: 6, 2011: 6}


def test_all_indicators_count_each_indicator_at_its_own_level(session: Session) -> None:
    view = data_gaps_view(session)
    # NET over the six countries; REG over the two regions' own values.
    assert counts(cell(view.data, indicator_code="NET", year=2023)) == (
        6,
        2,
        1,
        3,
        "partly published",
    )
    assert counts(cell(view.data, indicator_code="REG", year=2023)) == (
        2,
        1,
        0,
        1,
        "partly published",
    )
    assert "WORLDONLY" not in set(view.data["indicator_code"])
    assert any("WORLDONLY name" in line and "world only" in line for line in view.bullets)


def test_figures_and_summary_count_the_cells(session: Session) -> None:
    view = data_gaps_view(session, indicator="NET", by="region")
    # 6 countries x 3 years = 18 country-years: 3 real (SLV, MEX 2023; FRA 2021), 1 demo
    # only (BRA 2023), 14 none.
    assert [f.value for f in view.figures] == ["17%", "1", "14"]
    assert "country-years" in view.figures[0].label
    assert view.summary == (
        "NET name, 2021–2023: 3 of 18 country-years have a published real value, "
        "1 demo values only and 14 none."
    )


def test_the_about_names_the_real_sources_the_demo_cells_and_the_date(session: Session) -> None:
    about = data_gaps_view(session, indicator="NET", by="region").about
    # Typed source: MEX 2023 and FRA 2021; the ITU dataset: SLV. Not the region's aggregate.
    assert about.sources == (TYPED, ITU_DATASET)
    assert about.demo_values == 1 and about.values == 4
    assert about.notice() == "Demo data, not official statistics: 1 of 4 values shown"
    assert about.as_of == NEWEST_COUNTED  # the draft, changed later, is not counted
    assert about.title == "Data gaps · NET name"
    assert about.filters["Indicator"] == "NET name"
    assert about.filters["Years"] == "2021–2023"
    assert about.filters["Geographies"].startswith("ITU regions")


def test_the_wide_table_has_a_total_column_and_a_total_row(session: Session) -> None:
    table = data_gaps_view(session, indicator="NET", by="region").table
    assert table is not None
    rows = table.set_index("ITU region")
    assert list(rows.index) == ["Americas", "Europe", "Total"]
    assert rows.loc["Americas", ["2021", "2022", "2023"]].tolist() == [0, 0, 2]
    assert rows.loc["Americas", "Geographies counted"] == 4
    assert rows.loc["Americas", "Demo only (cells)"] == 1
    assert rows.loc["Americas", "None (cells)"] == 9  # 12 country-years, 2 real, 1 demo
    assert rows.loc["Total", ["2021", "2022", "2023"]].tolist() == [1, 0, 2]
    assert rows.loc["Total", "Published real (cells)"] == 3


def test_by_country_the_wide_table_says_each_year_in_words(session: Session) -> None:
    table = data_gaps_view(session, indicator="NET", by="country").table
    assert table is not None
    rows = table.set_index("Country")
    assert rows.loc["Brazil", "2023"] == "demo only"
    assert rows.loc["El Salvador", "2023"] == "published"
    assert rows.loc["Total", "2023"] == "2 of 6 published"
    assert rows.loc["France", "Published real (years)"] == 1


def test_the_heat_map_colours_by_state_with_a_legend_and_tooltip(session: Session) -> None:
    chart = data_gaps_view(session, indicator="NET", by="region").chart
    assert chart is not None
    rect = next(layer for layer in chart["layer"] if layer["mark"]["type"] == "rect")
    colour = rect["encoding"]["color"]
    assert colour["field"] == "state"
    assert colour["scale"]["domain"] == ["published", "partly published", "demo only", "none"]
    assert "legend" in colour
    assert {t["field"] for t in rect["encoding"]["tooltip"]} >= {"real", "demo_only", "none"}
    rows = next(iter(chart["datasets"].values()))
    americas_2023 = next(r for r in rows if r["geography"] == "Americas" and r["year"] == 2023)
    assert americas_2023["state"] == "partly published"


def test_the_link_opens_the_same_matrix(session: Session) -> None:
    assert (
        data_gaps_view(session, indicator="NET", by="country").link
        == "/implementation?view=gaps&indicator=NET&by=country&lang=en"
    )
    assert data_gaps_view(session).link == "/implementation?view=gaps&by=region&lang=en"


@pytest.mark.parametrize(
    ("choice", "problem"),
    [
        ({"indicator": "NOPE"}, "There is no indicator “NOPE”"),
        ({"indicator": "WORLDONLY"}, "reported for the world only"),
        ({"indicator": "REG", "by": "country"}, "show it by region"),
        ({"indicator": "NET", "year_from": 2024, "year_to": 2020}, "first year comes after"),
        ({"indicator": "NET", "by": "district"}, "by region or by country"),
    ],
)
def test_a_matrix_that_cannot_be_drawn_says_why(
    session: Session, choice: dict[str, object], problem: str
) -> None:
    view = data_gaps_view(session, **choice)  # type: ignore[arg-type]
    assert problem in view.problem
    assert view.chart is None and view.data.empty


def test_a_region_only_indicator_by_region_counts_each_region_once(session: Session) -> None:
    data = data_gaps_view(session, indicator="REG", by="region").data
    assert counts(cell(data, geo_code="AMS", year=2023)) == (1, 1, 0, 0, "published")
    assert counts(cell(data, geo_code="EUR", year=2023)) == (1, 0, 0, 1, "none")


def test_the_counts_are_one_query_however_many_entries(session: Session, store: Engine) -> None:
    indicators = queries.indicator_levels(session)
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    sa.event.listen(store, "before_cursor_execute", count)
    try:
        result = queries.gap_counts(session, indicators, by="region")
    finally:
        sa.event.remove(store, "before_cursor_execute", count)
    assert len(statements) == 1
    ams = result[(result["indicator_code"] == "NET") & (result["geo_code"] == "AMS")]
    assert ams[["year", "real", "demo_only"]].values.tolist() == [[2023, 2, 1]]


def test_a_newly_published_value_fills_its_cell(session: Session, store: Engine) -> None:
    with db.session_scope(store) as writer:
        net = writer.execute(sa.select(Indicator.id).where(Indicator.code == "NET")).scalar_one()
        _value(writer, net, "ARG", "2022")
    data = data_gaps_view(session, indicator="NET", by="country").data
    assert cell(data, geo_code="ARG", year=2022)["state"] == "published"
    assert cell(data, geo_code="ARG", year=2023)["state"] == "none"  # still a draft
