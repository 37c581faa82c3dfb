"""The Indicators page: its queries (on SQLite and PostgreSQL), its chart builders, and the
page itself run by AppTest with filters taken from the URL."""

import json
import math
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import sqlalchemy as sa
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

import gdc_tracker.queries.indicators as queries
from gdc_tracker.charts import indicators as charts
from gdc_tracker.models import Geography, Indicator, ProgressEntry, ReviewState
from gdc_tracker.palette import PROGRESS_COLOURS
from gdc_tracker.status import Thresholds, assess
from tests import apptest

INTERNET_USE = "UMC_INTERNET_USE"


def _indicator_id(session: Session, code: str) -> int:
    return session.exec(select(Indicator.id).where(Indicator.code == code)).one()  # type: ignore[return-value]


def _add(
    session: Session,
    code: str,
    geo: str,
    period: str,
    value: float,
    *,
    year: int,
    end: date,
    state: str = ReviewState.PUBLISHED,
    disaggregation: str = "total",
) -> None:
    session.add(
        ProgressEntry(
            indicator_id=_indicator_id(session, code),
            geo_code=geo,
            period=period,
            year=year,
            period_end=end,
            value=value,
            review_state=state,
            disaggregation=disaggregation,
            source="test",
        )
    )
    session.flush()


def _raw(session: Session, code: str, geo: str, disaggregation: str = "total") -> pd.DataFrame:
    """year, value of every published entry, straight from the table (one per year in the
    demo data)."""
    rows = session.execute(
        sa.select(ProgressEntry.year, ProgressEntry.value)
        .where(
            ProgressEntry.indicator_id == _indicator_id(session, code),
            ProgressEntry.geo_code == geo,
            ProgressEntry.disaggregation == disaggregation,
            ProgressEntry.review_state == ReviewState.PUBLISHED,
        )
        .order_by(ProgressEntry.year)
    ).all()
    return pd.DataFrame(rows, columns=["year", "value"])


# --- queries ----------------------------------------------------------------------------------


def test_reference_gives_one_row_with_the_metadata_and_none_for_an_unknown_code(
    session: Session,
) -> None:
    reference = queries.indicator_reference(session, code=INTERNET_USE)
    assert len(reference) == 1
    row = reference.iloc[0]
    assert (row["unit"], row["direction"], row["target_value"], row["target_year"]) == (
        "percent",
        "higher_is_better",
        100.0,
        2030,
    )
    assert row["disaggregations"] == "sex, area, age"
    unknown = queries.indicator_reference(session, code="NOPE")
    assert unknown.empty
    assert list(unknown.columns) == queries.REFERENCE_COLUMNS


def test_series_is_one_published_value_a_year_the_latest_period_standing_for_the_year(
    session: Session,
) -> None:
    _add(session, INTERNET_USE, "WLD", "2031-Q1", 10.0, year=2031, end=date(2031, 3, 31))
    _add(session, INTERNET_USE, "WLD", "2031-Q4", 20.0, year=2031, end=date(2031, 12, 31))
    _add(
        session, INTERNET_USE, "WLD", "2032", 30.0, year=2032, end=date(2032, 12, 31), state="draft"
    )
    series = queries.indicator_series(session, code=INTERNET_USE, geo_codes=("WLD", "SLV"))
    assert list(series.columns) == [
        "geo_code",
        "geo_name",
        "geo_kind",
        "year",
        "value",
        "is_demo",
        "updated_at",
        "source",
        "obs_status",
    ]
    world = series[series["geo_code"] == "WLD"]
    assert world["year"].is_unique
    assert world.set_index("year")["value"][2031] == 20.0
    assert 2032 not in set(world["year"])
    salvador = series[series["geo_code"] == "SLV"].reset_index(drop=True)
    expected = _raw(session, INTERNET_USE, "SLV")
    assert salvador["year"].tolist() == expected["year"].tolist()
    assert salvador["value"].tolist() == pytest.approx(expected["value"].tolist())
    assert set(salvador["geo_name"]) == {"El Salvador"}
    when, is_demo = queries.as_of(salvador)
    assert is_demo is True and when == salvador["updated_at"].max()
    assert queries.as_of(salvador.iloc[:0]) == (None, False)


def test_series_status_rates_each_geography_in_the_order_asked_and_skips_unknown_codes(
    session: Session,
) -> None:
    thresholds = Thresholds()
    statuses = queries.series_status(
        session, code=INTERNET_USE, geo_codes=("SLV", "XXX", "WLD"), thresholds=thresholds
    )
    assert statuses["geo_code"].tolist() == ["SLV", "WLD"]
    raw = _raw(session, INTERNET_USE, "SLV")
    expected = assess(
        list(zip(raw["year"], raw["value"], strict=True)),
        target=100.0,
        target_year=2030,
        baseline_year=2023,
        thresholds=thresholds,
    )
    first = statuses.iloc[0]
    assert first["status"] == str(expected.status)
    assert first["explanation"] == expected.explanation
    baseline = first["baseline_year"]
    assert (None if pd.isna(baseline) else int(baseline)) == expected.baseline_year
    assert queries.series_status(
        session, code="NOPE", geo_codes=("WLD",), thresholds=thresholds
    ).empty


def test_compare_gives_the_world_and_regions_by_default_and_a_regions_countries_on_request(
    session: Session,
) -> None:
    regional = queries.compare_values(session, code=INTERNET_USE, year=2020)
    assert set(regional["geo_code"]) == {"WLD", "AFR", "AMS", "ARB", "ASP", "CIS", "EUR"}
    assert (regional["year"] <= 2020).all()
    assert regional["value"].is_monotonic_decreasing
    americas = queries.compare_values(session, code=INTERNET_USE, region="AMS")
    members = set(session.exec(select(Geography.code).where(Geography.region_code == "AMS")).all())
    assert set(americas["geo_code"]) <= members
    assert americas["geo_code"].is_unique
    salvador = americas.set_index("geo_code").loc["SLV"]
    raw = _raw(session, INTERNET_USE, "SLV")
    assert salvador["year"] == raw["year"].max()
    assert salvador["value"] == pytest.approx(raw["value"].iloc[-1])
    years = queries.years_with_data(session, code=INTERNET_USE)["year"].tolist()
    assert years == sorted(set(raw["year"]) | set(years)) and years[-1] == 2024


def test_sex_series_pivots_both_sexes_gap_male_minus_female_for_countries_with_both(
    session: Session,
) -> None:
    frame = queries.sex_series(session, code=INTERNET_USE, geo_code="SLV")
    female = _raw(session, INTERNET_USE, "SLV", queries.FEMALE).set_index("year")["value"]
    male = _raw(session, INTERNET_USE, "SLV", queries.MALE).set_index("year")["value"]
    assert frame["year"].tolist() == sorted(set(female.index) & set(male.index))
    by_year = frame.set_index("year")
    assert by_year["female"].tolist() == pytest.approx(female[by_year.index].tolist())
    assert by_year["gap"].tolist() == pytest.approx(
        (male[by_year.index] - female[by_year.index]).tolist()
    )
    assert frame["is_demo"].dtype == bool
    places = set(queries.sex_geographies(session, code=INTERNET_USE)["geo_code"])
    assert "SLV" in places and "WLD" not in places
    assert queries.sex_geographies(session, code="UMC_4G_COVERAGE").empty


def test_largest_gender_gaps_are_countries_sorted_by_their_latest_gap(session: Session) -> None:
    gaps = queries.largest_gender_gaps(session, code=INTERNET_USE, limit=5)
    assert len(gaps) == 5
    assert gaps["gap"].is_monotonic_decreasing
    assert gaps["gap"].tolist() == pytest.approx((gaps["male"] - gaps["female"]).tolist())
    top = gaps.iloc[0]
    latest = queries.sex_series(session, code=INTERNET_USE, geo_code=top["geo_code"]).iloc[-1]
    assert top["year"] == latest["year"]
    before = queries.largest_gender_gaps(session, code=INTERNET_USE, year=2018)
    assert (before["year"] <= 2018).all()


def test_connectivity_pivots_each_countrys_latest_components(session: Session) -> None:
    data = queries.connectivity(session)
    assert data["geo_code"].is_unique
    salvador = data.set_index("geo_code").loc["SLV"]
    for column, code in queries.CONNECTIVITY_INDICATORS.items():
        raw = _raw(session, code, "SLV")
        assert salvador[column] == pytest.approx(raw["value"].iloc[-1])
        assert salvador[f"{column}_year"] == raw["year"].max()
    assert salvador["region_name"] == "Americas"
    assert 0 <= salvador["meaningfulness"] <= 100
    earlier = queries.connectivity(session, year=2017)
    assert (earlier["internet_use_year"].dropna() <= 2017).all()


def test_affordability_scores_two_percent_or_less_100_twenty_or_more_0_linear_between() -> None:
    prices = pd.Series([0.5, 2.0, 11.0, 20.0, 35.0, np.nan])
    scores = queries.affordability_score(prices)
    assert scores.iloc[:5].tolist() == pytest.approx([100.0, 100.0, 50.0, 0.0, 0.0])
    assert math.isnan(scores.iloc[5])


def test_meaningfulness_is_the_mean_of_at_least_two_known_components() -> None:
    values = pd.DataFrame(
        {
            "internet_use": [80.0, 40.0, 60.0],
            "coverage_4g": [90.0, 60.0, np.nan],
            "mobile_bb_price": [11.0, np.nan, np.nan],
            "basic_skills": [30.0, 40.0, 70.0],
        }
    )
    scored = queries.connectivity_scores(values)
    assert scored["universality"].tolist() == [80.0, 40.0, 60.0]
    assert scored["components"].tolist() == [3, 2, 1]
    assert scored["meaningfulness"].iloc[0] == pytest.approx((90 + 50 + 30) / 3)
    assert scored["meaningfulness"].iloc[1] == pytest.approx(50.0)
    assert math.isnan(scored["meaningfulness"].iloc[2])
    assert "2 %" in queries.connectivity_method() and "20 %" in queries.connectivity_method()


def test_trajectory_grows_at_the_constant_rate_status_requires() -> None:
    path = charts.trajectory(2023, 50.0, 2030, 100.0)
    assert path["year"].tolist() == list(range(2023, 2031))
    assert path["value"].iloc[0] == pytest.approx(50.0)
    assert path["value"].iloc[-1] == pytest.approx(100.0)
    required = assess(
        [(2023, 50.0), (2024, 52.0)], target=100.0, target_year=2030, baseline_year=2023
    ).required_rate
    growth = (path["value"] / path["value"].shift()).dropna()
    assert growth.tolist() == pytest.approx([1 + required] * 7)


def test_trajectory_is_linear_from_zero_and_empty_when_the_target_year_has_passed() -> None:
    path = charts.trajectory(2020, 0.0, 2025, 10.0)
    assert path["value"].tolist() == pytest.approx([0, 2, 4, 6, 8, 10])
    assert charts.trajectory(2030, 5.0, 2030, 10.0).empty


def test_reference_marks_start_the_path_where_status_is_measured_from() -> None:
    reference = {
        "target_year": 2030,
        "target_value": 2.0,
        "baseline_year": None,
        "baseline_value": None,
        "direction": "lower_is_better",
    }
    target, baseline, path = charts.reference_marks(reference, (2015, 8.0))
    assert target == (2030, 2.0) and baseline is None
    assert path is not None and (path["year"].iloc[0], path["value"].iloc[0]) == (2015, 8.0)
    assert path["value"].is_monotonic_decreasing
    assert charts.reference_marks(reference, (2015, 1.5))[2] is None  # already met
    no_target = {**reference, "target_year": None, "target_value": None}
    assert charts.reference_marks(no_target, (2015, 8.0)) == (None, None, None)


# --- chart builders ---------------------------------------------------------------------------


def _series_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "geo_code": ["WLD", "WLD", "SLV", "SLV"],
            "geo_name": ["World", "World", "El Salvador", "El Salvador"],
            "year": [2022, 2023, 2022, 2023],
            "value": [60.0, 65.0, 70.0, 80.0],
        }
    )


def _statuses() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "geo_code": ["SLV", "WLD"],
            "geo_name": ["El Salvador", "World"],
            "status": ["on track", "moderate progress"],
            "explanation": ["…", "…"],
            "latest_year": [2023, 2023],
            "latest_value": [80.0, 65.0],
        }
    )


def test_series_chart_layers_lines_target_rule_trajectory_and_baseline() -> None:
    path = charts.trajectory(2022, 70.0, 2030, 100.0)
    spec = charts.series_chart(
        _series_frame(),
        geo_order=["SLV", "WLD"],
        unit="percent",
        target=(2030, 100.0),
        baseline=(2023, 67.0),
        path=path,
    ).to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["line", "text", "line", "rule", "text", "point", "text"]
    lines = spec["layer"][0]["encoding"]
    assert (lines["x"]["field"], lines["x"]["type"]) == ("year", "quantitative")
    assert (lines["y"]["type"], lines["color"]["type"]) == ("quantitative", "nominal")
    assert lines["color"]["scale"]["domain"] == ["El Salvador", "World"]
    assert not set(lines["color"]["scale"]["range"]) & set(PROGRESS_COLOURS.values())
    assert lines["x"]["scale"]["domain"] == [2022, 2030]
    assert spec["layer"][2]["mark"]["strokeDash"] == [6, 4]
    assert spec["layer"][3]["encoding"]["x2"]["field"] == "year_end"
    text = json.dumps(spec)
    assert "Target 2030: 100" in text and "Baseline 2023: 67.0" in text


def test_series_summary_names_each_geography_its_status_and_the_target() -> None:
    summary = charts.series_summary(
        _series_frame(), _statuses(), name="Internet use", target=(2030, 100.0)
    )
    assert summary.startswith("Internet use: El Salvador from 70.0 (2022) to 80.0 (2023)")
    assert "on track" in summary and "World from 60.0" in summary
    assert summary.endswith("Target: 100 by 2030.")


def test_status_table_shows_symbol_and_word() -> None:
    table = charts.status_table(_statuses())
    assert table["Status"].tolist() == ["▲ on track", "◆ moderate progress"]


def _compare_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "geo_code": ["AFR", "EUR", "WLD"],
            "geo_name": ["Africa", "Europe", "World"],
            "geo_kind": ["region", "region", "world"],
            "year": [2019, 2020, 2020],
            "value": [8.0, 1.0, 3.0],
        }
    )


def test_compare_chart_sorts_best_first_and_draws_the_target() -> None:
    spec = charts.compare_chart(
        _compare_frame(), unit="percent_gni", year=2020, higher_is_better=False, target=2.0
    ).to_dict()
    bars = spec["layer"][0]
    assert bars["mark"]["type"] == "bar"
    assert bars["encoding"]["y"]["sort"] == ["Europe", "World", "Africa"]
    assert bars["encoding"]["x"]["type"] == "quantitative"
    rule = spec["layer"][2]
    assert rule["mark"]["type"] == "rule"
    labels = next(iter(spec["datasets"].values()))
    assert [row["label"] for row in labels] == ["1.0", "3.0", "8.0 (2019)"]
    summary = charts.compare_summary(
        _compare_frame(), name="Price", higher_is_better=False, target=2.0
    )
    assert "best Europe (1.0, 2020)" in summary and "furthest behind Africa" in summary
    assert "1 of 3 meet the target of 2.0" in summary


def test_gender_chart_is_a_dumbbell_and_its_summary_gives_the_gap() -> None:
    frame = pd.DataFrame(
        {
            "year": [2020, 2024],
            "female": [40.0, 60.0],
            "male": [50.0, 62.0],
            "gap": [10.0, 2.0],
        }
    )
    spec = charts.gender_chart(frame, unit="percent").to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["rule", "point", "text"]
    assert spec["layer"][0]["encoding"]["y2"]["field"] == "male"
    assert spec["layer"][1]["encoding"]["color"]["scale"]["domain"] == ["female", "male"]
    summary = charts.gender_summary(frame, geo_name="Kenya", unit="percent")
    assert "from 10.0 percentage points in 2020 to 2.0 in 2024" in summary
    assert "widest: 10.0 in 2020" in summary


def test_connectivity_chart_colours_regions_outside_the_status_palette() -> None:
    frame = pd.DataFrame(
        {
            "geo_code": ["KEN", "FRA", "XXX"],
            "geo_name": ["Kenya", "France", "Nowhere"],
            "region_code": ["AFR", "EUR", "AFR"],
            "region_name": ["Africa", "Europe", "Africa"],
            "universality": [40.0, 90.0, 50.0],
            "meaningfulness": [60.0, 85.0, np.nan],
        }
    )
    spec = charts.connectivity_chart(frame).to_dict()
    points = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "point")
    encoding = points["encoding"]
    assert (encoding["x"]["field"], encoding["y"]["field"]) == ("universality", "meaningfulness")
    assert encoding["color"]["scale"]["domain"] == ["Africa", "Europe"]
    assert not set(encoding["color"]["scale"]["range"]) & set(PROGRESS_COLOURS.values())
    assert encoding["shape"]["field"] == "region_name"
    rules = [layer for layer in spec["layer"] if layer["mark"]["type"] == "rule"]
    assert len(rules) == 2
    text = json.dumps(spec, ensure_ascii=False)
    # 50 % online is half of people, not universal connectivity, and the score is ours.
    assert "Universal and meaningful" not in text
    assert "Half or more online · score 50+" in text and "own composite" in text
    summary = charts.connectivity_summary(frame)
    assert summary.startswith(
        "2 countries plotted (1 left out for lack of data); 1 have half or more of people online"
    )
    assert "0 have reached universal use (100 %)" in summary


# --- the page ---------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def app_store(seeded_app: str) -> str:
    return seeded_app


def open_page(**query: str | list[str]) -> AppTest:
    return apptest.open_page("pages/indicators.py", check=False, **query)


def _specs(at: AppTest) -> list[str]:
    return [chart.proto.spec for chart in at.get("vega_lite_chart")]


def _chart_data(at: AppTest) -> list[pd.DataFrame]:
    """The frames the page's charts carry (Streamlit sends them as Arrow datasets)."""
    return [
        pa.ipc.open_stream(dataset.data.data).read_all().to_pandas()
        for chart in at.get("vega_lite_chart")
        for dataset in chart.proto.datasets
    ]


def _select(at: AppTest, label: str) -> str:
    return next(s.value for s in at.selectbox if s.label == label)


def test_page_shows_the_indicator_and_geographies_from_the_url() -> None:
    at = open_page(indicator="UMC_FIXED_BB_PRICE", geo=["AMS", "EUR"])
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Indicators"
    assert _select(at, "Indicator") == "UMC_FIXED_BB_PRICE"
    assert at.multiselect[0].value == ["AMS", "EUR"]
    (spec,) = _specs(at)
    assert '"domain": ["Americas", "Europe"]' in spec
    labels = {label for frame in _chart_data(at) for label in frame.get("label", [])}
    assert "Target 2030: 2.0" in labels
    statuses = next(d.value for d in at.dataframe if "Status" in d.value.columns)
    assert statuses["Geography"].tolist() == ["Americas", "Europe"]
    assert any("Demo data" in c.value for c in at.caption)
    assert any(
        "Price of entry-level fixed broadband basket: Americas" in c.value for c in at.caption
    )
    assert any("ratio" in e.label.lower() or "status" in e.label.lower() for e in at.expander)


def test_gender_view_shows_the_chosen_country_and_the_largest_gaps() -> None:
    at = open_page(view="gender", geo="SLV")
    assert not at.exception, [e.value for e in at.exception]
    assert _select(at, "Geography") == "SLV"
    assert any(c.value.startswith("El Salvador: the gap (male minus female)") for c in at.caption)
    gaps = next(d.value for d in at.dataframe if "Gap (male - female)" in d.value.columns)
    assert len(gaps) == 10
    assert gaps["Gap (male - female)"].is_monotonic_decreasing


def test_gender_view_of_an_indicator_without_sex_data_explains_and_offers_internet_use() -> None:
    at = open_page(view="gender", indicator="UMC_4G_COVERAGE")
    assert not at.exception
    assert any("No female and male values" in i.value for i in at.info)
    at.button(key="indicators__to_use").click().run()
    assert _select(at, "Indicator") == INTERNET_USE
    assert at.query_params["indicator"] in (INTERNET_USE, [INTERNET_USE])
    assert len(_specs(at)) == 1


def test_connectivity_view_draws_the_scatter_and_explains_the_method() -> None:
    at = open_page(view="connectivity")
    assert not at.exception, [e.value for e in at.exception]
    (spec,) = _specs(at)
    assert '"field": "meaningfulness"' in spec and '"field": "universality"' in spec
    assert any("**Meaningfulness**" in m.value for m in at.markdown)
    assert any("countries plotted" in c.value for c in at.caption)


def test_compare_view_uses_the_year_from_the_url() -> None:
    at = open_page(view="compare", year="2020")
    assert not at.exception, [e.value for e in at.exception]
    assert _select(at, "Year") == "2020"
    assert any("at or before 2020" in c.value for c in at.caption)
    data = next(d.value for d in at.dataframe if "geo_code" in d.value.columns)
    assert set(data["geo_code"]) == {"WLD", "AFR", "AMS", "ARB", "ASP", "CIS", "EUR"}
    assert (data["year"] <= 2020).all()


def test_unknown_codes_in_the_url_fall_back_with_a_warning() -> None:
    at = open_page(indicator="NOT_AN_INDICATOR", geo="ZZZ", view="nonsense")
    assert not at.exception, [e.value for e in at.exception]
    assert "Unknown indicator code NOT\\_AN\\_INDICATOR" in at.warning[0].value
    assert _select(at, "Indicator") == INTERNET_USE
    assert _select(at, "View") == "series"
    assert at.multiselect[0].value == ["WLD"]
    assert len(_specs(at)) == 1
