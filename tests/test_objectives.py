"""The Objectives page: its queries (on SQLite and PostgreSQL), its charts, and the page."""

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from gdc_tracker import bootstrap, db
from gdc_tracker.audit import record_change
from gdc_tracker.charts import objectives as charts
from gdc_tracker.charts.base import status_scale
from gdc_tracker.models import (
    Geography,
    Indicator,
    IndicatorObjective,
    Initiative,
    InitiativeCountry,
    InitiativeObjective,
    InitiativeRegionalInitiative,
    ProgressEntry,
    RegionalInitiative,
    ReviewState,
)
from gdc_tracker.palette import INITIATIVE_ORDER, PROGRESS_ORDER
from gdc_tracker.queries import objective_detail as detail
from gdc_tracker.status import Thresholds
from tests.apptest import open_page

REGIONS = ["AFR", "AMS", "ARB", "ASP", "CIS", "EUR"]
KIT = "Digital Transformation Kit"


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """One seeded store per database kind for this module's read-only query tests (seeding
    takes seconds; the tests that write use conftest's per-test `seeded_engine`)."""
    if request.param == "sqlite":
        url, schema = f"sqlite:///{tmp_path_factory.mktemp('objectives') / 'store.db'}", None
    else:
        server = request.getfixturevalue("postgres_server")
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with sa.create_engine(server).begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        separator = "&" if "?" in server else "?"
        url = f"{server}{separator}options=-csearch_path%3D{schema}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    bootstrap.seed(engine, with_demo=True)
    yield engine
    engine.dispose()
    if schema:
        with sa.create_engine(request.getfixturevalue("postgres_server")).begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture
def session(store: Engine) -> Iterator[Session]:
    """A session on the module's seeded store (overrides conftest's per-test one)."""
    with db.session_scope(store) as session:
        yield session


def _regions_of(session: Session) -> dict[int, set[str]]:
    """initiative id -> ITU regions where it acts, worked out the long way round."""
    acting: dict[int, set[str]] = {}
    for initiative_id, region in session.execute(
        sa.select(InitiativeCountry.initiative_id, Geography.region_code).join(
            Geography, Geography.code == InitiativeCountry.geo_code
        )
    ):
        acting.setdefault(initiative_id, set()).add(region)
    for initiative_id, region in session.execute(
        sa.select(InitiativeRegionalInitiative.initiative_id, RegionalInitiative.region_code).join(
            RegionalInitiative,
            RegionalInitiative.id == InitiativeRegionalInitiative.regional_initiative_id,
        )
    ):
        acting.setdefault(initiative_id, set()).add(region)
    return acting


def _initiative_ids(session: Session, objective: int) -> set[int]:
    return set(
        session.exec(
            select(InitiativeObjective.initiative_id).where(
                InitiativeObjective.objective_number == objective
            )
        )
    )


def _expected_ids(session: Session, objective: int, region: str | None) -> set[int]:
    acting = _regions_of(session)
    return {
        i
        for i in _initiative_ids(session, objective)
        if region is None or not acting.get(i) or region in acting[i]
    }


# --- queries ----------------------------------------------------------------------------------


def test_objective_initiatives_are_exactly_the_objectives_links(session: Session) -> None:
    for objective in range(1, 6):
        frame = detail.objective_initiatives(session, objective=objective)
        assert list(frame.columns) == list(detail.INITIATIVE_COLUMNS)
        assert set(frame["id"]) == _initiative_ids(session, objective)
        primary = set(
            session.exec(
                select(InitiativeObjective.initiative_id).where(
                    InitiativeObjective.objective_number == objective,
                    InitiativeObjective.is_primary,
                )
            )
        )
        assert set(frame.loc[frame["is_primary"], "id"]) == primary


def test_region_filter_keeps_initiatives_acting_there_and_global_ones(session: Session) -> None:
    for region in REGIONS:
        frame = detail.objective_initiatives(session, objective=1, region=region)
        assert set(frame["id"]) == _expected_ids(session, 1, region)
        kit_kept = frame["name"].str.contains(KIT).any()
        assert kit_kept == (region == "AMS")  # the Kit acts in El Salvador, under AMS2/AMS3


def test_initiative_regions_and_partners_are_sorted_text(session: Session) -> None:
    frame = detail.objective_initiatives(session, objective=1).set_index("name")
    kit = frame.loc[frame.index.str.contains(KIT)].iloc[0]
    assert kit["regions"] == "AMS" and not kit["is_global"]
    equals = frame.loc["EQUALS Global Partnership"]
    assert equals["partners"] == "GSMA, ITC, UN Women, UNU"
    assert equals["regions"] == "" and equals["is_global"]


def test_status_and_sector_counts_add_up_to_the_initiatives_listed(session: Session) -> None:
    for region in (None, "AMS", "EUR"):
        listed = detail.objective_initiatives(session, objective=1, region=region)
        statuses = detail.initiative_status_counts(session, objective=1, region=region)
        assert statuses["status"].tolist()[: len(INITIATIVE_ORDER)] == INITIATIVE_ORDER
        assert statuses["initiatives"].sum() == len(listed)
        by_sector = detail.initiative_status_by_sector(session, objective=1, region=region)
        assert list(by_sector.columns) == ["lead_sector", "status", "initiatives"]
        expected = listed.groupby("lead_sector").size().to_dict()
        assert by_sector.groupby("lead_sector")["initiatives"].sum().to_dict() == expected


def test_initiatives_by_region_lists_every_region_then_the_global_ones(session: Session) -> None:
    frame = detail.initiatives_by_region(session, objective=1)
    assert frame["region_code"].tolist() == [*REGIONS, detail.GLOBAL]
    acting = _regions_of(session)
    ids = _initiative_ids(session, 1)
    counts = dict(zip(frame["region_code"], frame["initiatives"], strict=True))
    for region in REGIONS:
        assert counts[region] == sum(1 for i in ids if region in acting.get(i, set()))
    assert counts[detail.GLOBAL] == sum(1 for i in ids if not acting.get(i))


def test_region_gaps_flag_regions_with_none_or_few_initiatives(session: Session) -> None:
    gaps = detail.region_gaps(session, objective=1).set_index("region_code")
    assert gaps.loc["AMS", "initiatives"] >= 1
    for code, row in gaps.iterrows():
        n = int(row["initiatives"])
        expected = "not recorded" if n == 0 else "few" if n < detail.FEW_INITIATIVES else ""
        assert row["gap"] == expected, code
    assert (gaps["global_initiatives"] == gaps["global_initiatives"].iloc[0]).all()


def test_regional_initiative_coverage_counts_this_objectives_links(session: Session) -> None:
    frame = detail.regional_initiative_coverage(session, objective=1, region="AMS")
    assert list(frame.columns) == [
        "id",
        "code",
        "cycle",
        "region_code",
        "title",
        "initiatives",
        "indicators",
    ]
    counts = dict(zip(frame["code"], frame["initiatives"], strict=True))
    assert counts["AMS2"] >= 1 and counts["AMS3"] >= 1  # the Digital Transformation Kit
    assert counts["AMS1"] == 0
    assert frame["initiatives"].is_monotonic_increasing  # fewest actions first
    assert detail.regional_initiative_coverage(session, objective=1, region="EUR").empty


def published_series(session: Session, indicator_id: int, geo: str) -> list[tuple[int, float]]:
    """(year, value) of an indicator's published totals at `geo`, one a year (the latest
    period of the year), read with SQL of the test's own rather than the product's query."""
    rows = session.execute(
        sa.text(
            "SELECT e.year, e.value FROM progressentry AS e "
            "WHERE e.indicator_id = :indicator AND e.geo_code = :geo "
            "AND e.review_state = 'published' AND e.disaggregation = 'total' "
            "AND e.value IS NOT NULL AND NOT EXISTS ("
            "  SELECT 1 FROM progressentry AS later WHERE later.indicator_id = e.indicator_id"
            "  AND later.geo_code = e.geo_code AND later.year = e.year"
            "  AND later.review_state = 'published' AND later.disaggregation = 'total'"
            "  AND later.value IS NOT NULL AND (later.period_end > e.period_end"
            "  OR (later.period_end = e.period_end AND later.id > e.id))) "
            "ORDER BY e.year"
        ),
        {"indicator": indicator_id, "geo": geo},
    ).all()
    return [(int(year), float(value)) for year, value in rows]


@pytest.mark.parametrize("region", [None, "AMS"])
def test_objective_indicators_assess_each_linked_indicator_at_the_chosen_level(
    session: Session, region: str | None
) -> None:  # the store is seeded once per module, so parametrizing is cheap here
    frame = detail.objective_indicators(
        session, objective=1, region=region, thresholds=Thresholds()
    )
    linked = set(
        session.exec(
            select(IndicatorObjective.indicator_id).where(IndicatorObjective.objective_number == 1)
        )
    )
    assert set(frame["indicator_id"]) == linked
    geo = region or "WLD"
    assert (frame["geo_code"] == geo).all()
    assert set(frame["status"]) <= set(PROGRESS_ORDER)
    for row in frame.itertuples():
        series = published_series(session, row.indicator_id, geo)
        assert row.trend == pytest.approx([value for _, value in series])
        if series:
            assert row.latest_year == series[-1][0]
            assert row.latest_value == pytest.approx(series[-1][1])
    assert frame["explanation"].str.len().gt(0).all()


def test_an_indicator_without_regional_values_has_no_data_there(session: Session) -> None:
    frame = detail.objective_indicators(session, objective=5, region="AMS", thresholds=Thresholds())
    ai_standards = frame.set_index("code").loc["ITUT_AI_STANDARDS_APPROVED"]
    assert ai_standards["data_state"] == "no data"
    assert ai_standards["status"] == "insufficient data"
    assert ai_standards["trend"] == []


def test_stale_means_more_than_three_years_before_the_newest_year() -> None:
    assert detail.STALE_AFTER_YEARS == 3
    assert detail._data_state(2021, 2024) == "current"
    assert detail._data_state(2020, 2024) == "stale"
    assert detail._data_state(None, 2024) == "no data"
    assert detail._data_state(pd.NA, None) == "no data"


def test_a_series_that_stopped_long_ago_is_stale(seeded_engine: Engine) -> None:
    with db.session_scope(seeded_engine) as session:
        indicator = session.exec(
            select(Indicator).where(Indicator.code == "ITUT_AI_STANDARDS_APPROVED")
        ).one()
        session.add(
            ProgressEntry(
                indicator_id=indicator.id,
                geo_code="EUR",
                period="2016",
                year=2016,
                period_end=date(2016, 12, 31),
                value=3.0,
                review_state=ReviewState.PUBLISHED,
                source="test",
            )
        )
        session.add(  # a draft of a later year does not move "now"
            ProgressEntry(
                indicator_id=indicator.id,
                geo_code="EUR",
                period="2031",
                year=2031,
                period_end=date(2031, 12, 31),
                value=9.0,
                review_state=ReviewState.DRAFT,
                source="test",
            )
        )
        record_change(session, actor="test", action="add", entity="progressentry", entity_id="1")
    with db.session_scope(seeded_engine) as session:
        frame = detail.objective_indicators(
            session, objective=5, region="EUR", thresholds=Thresholds()
        )
        newest = detail.newest_data_year(session, geo_code="EUR")
    row = frame.set_index("code").loc["ITUT_AI_STANDARDS_APPROVED"]
    assert newest is not None and newest < 2031 and 2016 < newest - detail.STALE_AFTER_YEARS
    assert row["latest_year"] == 2016 and row["data_state"] == "stale"
    assert row["source"] == "test" and not row["is_demo"]


def test_updates_touch_the_objective_only_and_are_published_only(seeded_engine: Engine) -> None:
    with db.session_scope(seeded_engine) as session:
        giga = session.exec(select(Initiative).where(Initiative.slug == "giga")).one()
        session.add(
            ProgressEntry(
                initiative_id=giga.id,
                geo_code="WLD",
                period="2030-Q4",
                year=2030,
                period_end=date(2030, 12, 31),
                narrative="A draft nobody has reviewed",
                review_state=ReviewState.DRAFT,
                source="test",
            )
        )
        record_change(session, actor="test", action="add", entity="progressentry", entity_id="2")
    with db.session_scope(seeded_engine) as session:
        updates = detail.objective_updates(session, objective=5, limit=50)
        names = set(
            session.exec(
                select(Initiative.name)
                .join(InitiativeObjective, InitiativeObjective.initiative_id == Initiative.id)
                .where(InitiativeObjective.objective_number == 5)
            )
        ) | set(
            session.exec(
                select(Indicator.name)
                .join(IndicatorObjective, IndicatorObjective.indicator_id == Indicator.id)
                .where(IndicatorObjective.objective_number == 5)
            )
        )
        first = detail.objective_updates(session, objective=1, limit=200)
    assert len(updates) > 0
    assert set(updates["subject"]) <= names
    assert updates["updated_at"].is_monotonic_decreasing
    assert "A draft nobody has reviewed" not in set(first["narrative"])


def test_updates_in_a_region_stay_in_its_geographies(session: Session) -> None:
    updates = detail.objective_updates(session, objective=1, region="AMS", limit=200)
    americas = set(session.exec(select(Geography.name).where(Geography.region_code == "AMS"))) | {
        "Americas"
    }
    on_indicators = updates[updates["kind"] == "indicator"]
    assert len(on_indicators) > 0
    assert set(on_indicators["geography"]) <= americas


def test_indicators_count_the_demo_values_behind_them(session: Session) -> None:
    frame = detail.objective_indicators(session, objective=1, thresholds=Thresholds())
    assert (frame["demo_values"] == frame["trend"].map(len)).all()  # every seeded value is demo
    assert frame["is_demo"].all()


def test_newest_year_is_that_of_the_level_shown(session: Session) -> None:
    newest = detail.newest_data_year(session)
    assert (
        newest
        == session.exec(
            select(sa.func.max(ProgressEntry.year)).where(
                ProgressEntry.geo_code == "WLD",
                ProgressEntry.indicator_id.is_not(None),  # type: ignore[union-attr]
                ProgressEntry.value.is_not(None),  # type: ignore[union-attr]
            )
        ).one()
    )
    assert detail.newest_data_year(session, geo_code="AMS") == newest
    assert detail.newest_data_year(session, geo_code="SLV") is not None
    assert detail.newest_data_year(session, geo_code="XYZ") is None


def test_queries_return_their_columns_for_an_objective_with_nothing(session: Session) -> None:
    assert detail.objective_initiatives(session, objective=99).empty
    assert list(detail.objective_initiatives(session, objective=99).columns) == list(
        detail.INITIATIVE_COLUMNS
    )
    assert detail.initiative_status_counts(session, objective=99)["initiatives"].sum() == 0
    assert detail.objective_indicators(session, objective=99, thresholds=Thresholds()).empty
    assert detail.objective_updates(session, objective=99).empty


# --- charts -----------------------------------------------------------------------------------


def _scale_of(spec: dict) -> dict:
    return spec["encoding"]["color"]["scale"]


def test_sector_chart_stacks_statuses_with_the_shared_initiative_palette() -> None:
    frame = pd.DataFrame(
        {
            "lead_sector": ["ITU-D", "ITU-D", "ITU-T"],
            "status": ["ongoing", "planned", "ongoing"],
            "initiatives": [4, 1, 2],
        }
    )
    spec = charts.initiatives_by_sector(frame, title="t").to_dict()
    assert spec["mark"]["type"] == "bar"
    encoding = spec["encoding"]
    assert encoding["y"]["field"] == "lead_sector" and encoding["y"]["type"] == "nominal"
    assert encoding["x"]["aggregate"] == "sum" and encoding["x"]["type"] == "quantitative"
    assert encoding["color"]["type"] == "nominal"
    assert _scale_of(spec) == status_scale("initiative").to_dict()
    summary = charts.initiatives_by_sector_summary(frame)
    assert summary == "7 initiatives (1 planned, 6 ongoing); by lead sector: ITU-D 5, ITU-T 2."


def test_region_chart_shows_regions_and_global_initiatives() -> None:
    frame = pd.DataFrame(
        {
            "region_code": ["AFR", "AMS", "global"],
            "region": ["Africa", "Americas", "Global"],
            "initiatives": [0, 2, 9],
        }
    )
    spec = charts.initiatives_by_region(frame, title="t").to_dict()
    assert spec["mark"]["type"] == "bar"
    assert spec["encoding"]["x"]["type"] == "quantitative"
    assert spec["encoding"]["y"]["type"] == "nominal"
    assert charts.initiatives_by_region_summary(frame) == (
        "9 global initiatives; acting in a region: Americas 2; none act specifically in Africa."
    )


def test_indicator_status_chart_uses_the_shared_progress_palette() -> None:
    frame = pd.DataFrame({"status": ["on track", "on track", "deterioration"]})
    chart = charts.indicator_statuses(frame, title="t")
    spec = chart.to_dict()
    assert spec["mark"]["type"] == "bar"
    assert spec["encoding"]["x"]["type"] == "quantitative"
    assert _scale_of(spec) == status_scale("progress").to_dict()
    values = {row["status"]: row["indicators"] for row in chart.data.to_dict("records")}
    assert values == {"on track": 2, "deterioration": 1}
    assert charts.indicator_statuses_summary(frame) == "3 indicators: 2 on track, 1 deterioration."
    one = pd.DataFrame({"status": ["insufficient data"]})
    assert charts.indicator_statuses_summary(one) == "1 indicator: 1 insufficient data."


def test_summaries_say_when_there_is_nothing() -> None:
    empty = pd.DataFrame(columns=["lead_sector", "status", "initiatives", "region_code", "region"])
    assert charts.initiatives_by_sector_summary(empty) == "No initiatives to show."
    assert charts.initiatives_by_region_summary(empty) == "No initiatives to show."
    assert charts.indicator_statuses_summary(empty) == "No indicators to show."


# --- the page ---------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def app_store(seeded_app: str) -> str:
    return seeded_app


def open_objectives(**query: str) -> AppTest:
    return open_page("pages/objectives.py", **query)


def _table(at: AppTest, first_column: str, columns: set[str]) -> pd.DataFrame:
    return next(
        df.value
        for df in at.dataframe
        if df.value.columns[0] == first_column and columns <= set(df.value.columns)
    )


def _initiatives_table(at: AppTest) -> pd.DataFrame:
    return _table(at, "name", {"lead_sector", "primary", "partners", "regions"})


@contextmanager
def _store(app_store: str) -> Iterator[Session]:
    engine = db.make_engine(app_store)
    with db.session_scope(engine) as session:
        yield session
    engine.dispose()


def test_objective_5_shows_the_ai_governance_objective_and_only_its_initiatives(
    app_store: str,
) -> None:
    at = open_objectives(objective="5")
    assert at.title[0].value == "Objectives"
    headings = [s.value for s in [*at.header, *at.subheader]]
    assert any("artificial intelligence" in h and h.startswith("Objective 5") for h in headings)
    with _store(app_store) as session:
        expected = detail.objective_initiatives(session, objective=5)
    table = _initiatives_table(at)
    assert sorted(table["name"]) == sorted(expected["name"])
    assert {m.label: m.value for m in at.metric}["Initiatives"] == str(len(expected))
    assert "ITU-T AI standards" in set(table["name"])
    assert "Giga" not in set(table["name"])


def test_objective_and_region_from_the_url_restrict_indicators_to_the_americas(
    app_store: str,
) -> None:
    at = open_objectives(objective="3", region="AMS")
    assert at.selectbox(key="url__objective").value == "3"
    assert at.selectbox(key="url__region").value == "AMS"
    headings = [s.value for s in [*at.header, *at.subheader]]
    assert "Indicators (Americas (AMS))" in headings
    with _store(app_store) as session:
        expected = detail.objective_indicators(
            session, objective=3, region="AMS", thresholds=Thresholds()
        )
        world = detail.objective_indicators(session, objective=3, thresholds=Thresholds())
        initiatives = detail.objective_initiatives(session, objective=3, region="AMS")
        americas = set(session.exec(select(Geography.name).where(Geography.region_code == "AMS")))
    shown = _table(at, "name", {"latest_value", "trend", "status"})
    assert shown["latest_value"].tolist() == pytest.approx(expected["latest_value"].tolist())
    assert shown["latest_value"].tolist() != pytest.approx(world["latest_value"].tolist())
    assert sorted(_initiatives_table(at)["name"]) == sorted(initiatives["name"])
    updates = _table(at, "updated_at", {"geography", "narrative", "real_or_demo"})
    assert set(updates["geography"]) <= {"World", "Americas"} | americas


def test_a_region_drops_initiatives_acting_only_elsewhere(app_store: str) -> None:
    everywhere = _initiatives_table(open_objectives(objective="1"))
    europe = _initiatives_table(open_objectives(objective="1", region="EUR"))
    assert everywhere["name"].str.contains(KIT).any()
    assert not europe["name"].str.contains(KIT).any()
    assert len(europe) == len(everywhere) - 1


def test_indicators_show_status_word_and_symbol_and_the_rule(app_store: str) -> None:
    at = open_objectives(objective="1")
    shown = _table(at, "name", {"latest_value", "trend", "status", "explanation"})
    assert shown["status"].str.match(r"^[✔▲◆▬▼?] [a-z ]+$").all()
    assert any(e.label == "How the progress status is computed" for e in at.expander)
    rule = [m.value for m in at.markdown if "Ratio = actual rate" in m.value]
    assert rule


def test_the_page_labels_demo_data_and_defines_stale(app_store: str) -> None:
    at = open_objectives(objective="1")
    assert any("Demo data" in info.value for info in at.info)
    captions = [c.value for c in at.caption]
    assert any("**Stale**" in c and "3 years" in c for c in captions)
    assert any(c.startswith("Source: Demo data") and "as of" in c for c in captions)
    updates = _table(at, "updated_at", {"real_or_demo"})
    assert set(updates["real_or_demo"]) == {"demo"}


def test_gaps_list_regions_with_no_initiatives_of_their_own(app_store: str) -> None:
    at = open_objectives(objective="5")
    regions = _table(at, "region", {"initiatives", "global_initiatives", "gap"})
    assert len(regions) == 6
    assert regions["gap"].str.startswith("⚠").all()  # objective 5's initiatives are all global
    # absence of a record is not absence of ITU work: never "none"
    assert set(regions["gap"]) == {"⚠ not recorded in the reference data"}
    regional = _table(at, "code", {"cycle", "indicators", "gap"})
    assert set(regional["gap"]) <= {"⚠ not recorded in the reference data", ""}
    assert not any(c.value.endswith("none") for c in at.caption)


def test_unknown_codes_in_the_url_fall_back_to_objective_1_and_the_world(app_store: str) -> None:
    at = open_objectives(objective="9", region="XYZ")
    assert at.selectbox(key="url__objective").value == "1"
    assert at.selectbox(key="url__region").value == "all"
    assert any(s.value.startswith("Objective 1: Close all digital divides") for s in at.header)
    assert "Indicators (World)" in [s.value for s in at.subheader]


def test_the_charts_use_the_shared_status_palettes(app_store: str) -> None:
    at = open_objectives(objective="1")
    specs = [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]
    assert len(specs) == 3
    scales = [json.dumps(spec.get("encoding", {}).get("color", {})) for spec in specs]
    assert any('"#0072B2"' in s and '"#CC79A7"' in s for s in scales)  # initiative statuses
    assert any('"#2084F3"' in s and '"#951F18"' in s for s in scales)  # progress statuses


def test_choosing_another_objective_and_region_writes_them_to_the_url(app_store: str) -> None:
    at = open_objectives(objective="1")
    at.selectbox(key="url__objective").select("4").run()
    at.selectbox(key="url__region").select("EUR").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["objective"] == "4"
    assert at.query_params["region"] == "EUR"
    headings = [s.value for s in [*at.header, *at.subheader]]
    assert any(h.startswith("Objective 4: Advance responsible") for h in headings)
    assert "Indicators (Europe (EUR))" in headings


def test_the_page_links_to_the_objectives_commitments_on_the_implementation_map(
    app_store: str,
) -> None:
    at = open_objectives(objective="4")
    links = {link.proto.label: link.proto for link in at.get("page_link")}
    link = links["Its commitments and actions on the GDC Implementation Map"]
    assert link.page == "implementation"
    assert link.query_string == "framework=gdc&objective=4&lang=en"
