"""Charts are built once per distinct data: a cached rerun reuses the specification."""

import functools

import pandas as pd
import pytest

from gdc_tracker.charts import overview as overview_charts
from gdc_tracker.ui import cache


@pytest.fixture
def counted_builder(monkeypatch: pytest.MonkeyPatch) -> list[pd.DataFrame]:
    """Replace `status_bars` with a wrapper that records each build's data."""
    calls: list[pd.DataFrame] = []
    original = overview_charts.status_bars

    @functools.wraps(original)
    def status_bars(data: pd.DataFrame, **keywords: object) -> object:
        calls.append(data)
        return original(data, **keywords)  # type: ignore[arg-type]

    monkeypatch.setattr(overview_charts, "status_bars", status_bars)
    cache.clear()
    yield calls
    cache.clear()


def status_counts(ongoing: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "objective_label": ["1. Connectivity", "1. Connectivity"],
            "status": ["ongoing", "completed"],
            "initiatives": [ongoing, 2],
            "status_rank": [0, 1],
        }
    )


def spec_of(data: pd.DataFrame) -> dict:
    return cache.chart_spec(
        overview_charts.status_bars,
        data,
        count="initiatives",
        status_kind="initiative",
        title="Initiatives by objective and status",
    )


def test_the_same_data_is_built_once_and_new_data_is_built_again(
    counted_builder: list[pd.DataFrame],
) -> None:
    first = spec_of(status_counts(5))
    again = spec_of(status_counts(5))  # an equal frame, as a cached query returns it
    assert len(counted_builder) == 1
    assert again == first
    changed = spec_of(status_counts(6))
    assert len(counted_builder) == 2
    values = [row["initiatives"] for rows in changed["datasets"].values() for row in rows]
    assert 6 in values and 6 not in [
        row["initiatives"] for rows in first["datasets"].values() for row in rows
    ]


def test_the_cached_specification_is_the_charts_own(counted_builder: list[pd.DataFrame]) -> None:
    data = status_counts(5)
    expected = overview_charts.status_bars(
        data,
        count="initiatives",
        status_kind="initiative",
        title="Initiatives by objective and status",
    ).to_dict()
    assert spec_of(data) == expected


def test_a_chart_of_many_points_is_drawn_not_refused() -> None:
    """Every country over 25 years (Altair alone refuses more than 5,000 rows)."""
    from gdc_tracker.charts import indicators as indicator_charts

    series = pd.DataFrame(
        [
            {"geo_code": f"C{c:03d}", "geo_name": f"Country {c}", "year": y, "value": float(y - c)}
            for c in range(240)
            for y in range(2000, 2025)
        ]
    )
    spec = cache.chart_spec(
        indicator_charts.series_chart,
        series,
        geo_order=tuple(series["geo_code"].unique()),
        unit="percent",
    )
    assert max(len(rows) for rows in spec["datasets"].values()) == 6_000
