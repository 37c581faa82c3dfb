"""Every download names its sources and says demo when it is: chart images framed with
their short title, filters in words, sources and demo notice at a readable width, and the
files the Indicators page offers."""

import io
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from gdc_tracker import bootstrap, db
from gdc_tracker.charts import indicators as charts
from gdc_tracker.reports.images import chart_png, chart_svg, png_size, with_footer
from gdc_tracker.views import About
from gdc_tracker.views.files import chart_framing
from tests.apptest import clear_streamlit_caches, open_page

NOTICE = "Demo data, not official statistics"
COUNTRIES = [
    "World",
    "El Salvador",
    "Americas (ITU region)",
    "Europe (ITU region)",
    "Bolivia (Plurinational State of)",
    "Venezuela (Bolivarian Republic of)",
    "Saint Vincent and the Grenadines",
    "Democratic Republic of the Congo",
    "Lao People's Democratic Republic",
    "United Republic of Tanzania",
    "Micronesia (Federated States of)",
    "Bosnia and Herzegovina",
]
REFERENCE = {
    "unit": "percent",
    "direction": "higher_is_better",
    "target_year": 2030,
    "target_value": 100.0,
    "baseline_year": 2015,
    "baseline_value": 40.0,
}


def _many_series() -> tuple[pd.DataFrame, pd.DataFrame]:
    """A yearly series for each of `COUNTRIES` (long names) and their statuses."""
    codes = [f"G{i:02}" for i in range(len(COUNTRIES))]
    series = pd.DataFrame(
        [
            {"geo_code": code, "geo_name": name, "year": year, "value": 40.0 + i + year - 2015}
            for i, (code, name) in enumerate(zip(codes, COUNTRIES, strict=True))
            for year in range(2015, 2025)
        ]
    )
    statuses = pd.DataFrame(
        {
            "geo_code": codes,
            "geo_name": COUNTRIES,
            "status": "on track",
            "baseline_year": 2015,
            "baseline_value": 40.0,
        }
    )
    return series, statuses


def _demo_about() -> About:
    return About(
        title="Internet use · Time series",
        filters={"Geographies": "World, El Salvador"},
        sources=("ITU, via the World Bank",),
        as_of=datetime(2025, 5, 12, 14, 5, tzinfo=UTC),
        demo_values=3,
        values=20,
    )


def test_a_chart_svg_carries_its_short_title_filters_in_words_source_and_demo_notice() -> None:
    series, statuses = _many_series()
    chart = charts.indicator_series_chart(
        REFERENCE, series.head(20), statuses.head(2), geo_order=("G00", "G01")
    )
    svg = chart_svg(chart, **chart_framing(_demo_about()))
    for text in (
        "Internet use · Time series",
        "Filters: Geographies: World, El Salvador",
        "Source: ITU, via the World Bank",
        "As of 12 May 2025 14:05 UTC",
        "Demo data, not official statistics: 3 of 20 values shown",
    ):
        assert text in svg, text
    assert "geo = " not in svg  # no URL codes


def test_the_demo_notice_is_a_bold_dark_red_footer_line_and_absent_when_all_is_real() -> None:
    chart = charts.series_chart(_many_series()[0].head(10), geo_order=("G00",), unit="percent")
    framed = with_footer(chart, **chart_framing(_demo_about()))
    footer = framed["vconcat"][0]["title"]
    assert footer["subtitle"] == ["Demo data, not official statistics: 3 of 20 values shown"]
    assert footer["subtitleFontWeight"] == "bold" and footer["subtitleColor"] == "#8b0000"
    real = About(title="Internet use", sources=("ITU",), values=20)
    assert "subtitle" not in with_footer(chart, **chart_framing(real))["vconcat"][0]["title"]
    assert NOTICE not in chart_svg(chart, **chart_framing(real))


def test_a_chart_of_many_geographies_titled_by_its_summary_stays_a_readable_width() -> None:
    series, statuses = _many_series()
    chart = charts.indicator_series_chart(
        REFERENCE, series, statuses, geo_order=tuple(statuses["geo_code"])
    )
    summary = charts.series_summary(series, statuses, name="Internet use", target=(2030, 100))
    assert len(summary) > 600  # one line of it would be thousands of pixels
    png = chart_png(chart, **chart_framing(_demo_about()) | {"title": summary}, scale=2)
    width, height = png_size(png)
    assert 800 <= width <= 2400 and height < 3000


def test_a_wide_chart_is_narrowed_to_the_file_width() -> None:
    chart = charts.series_chart(
        _many_series()[0].head(10), geo_order=("G00",), unit="percent"
    ).properties(width=4000)
    width, _ = png_size(chart_png(chart, **chart_framing(_demo_about()), scale=1))
    assert width <= 1200


# --- the Indicators page offers these files ---------------------------------------------------


@pytest.fixture(scope="module")
def starter_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store with the starter data (the World Bank's Internet use) and the demo data."""
    url = f"sqlite:///{tmp_path_factory.mktemp('starter') / 'store.db'}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    bootstrap.seed(engine, with_demo=True, with_starter=True)
    engine.dispose()
    return url


@pytest.fixture
def starter_app(starter_store: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("GDC_TRACKER_DATABASE_URL", starter_store)
    clear_streamlit_caches()
    yield starter_store
    clear_streamlit_caches()


def _buttons(at: AppTest) -> list[str]:
    return [button.proto.label for button in at.get("download_button")]


def test_the_indicators_page_offers_csv_excel_json_naming_the_world_bank(
    starter_app: str, offered: dict[str, Callable[[], bytes]]
) -> None:
    at = open_page("pages/indicators.py", indicator="UMC_INTERNET_USE", view="series")
    assert not at.exception, [e.value for e in at.exception]
    labels = _buttons(at)
    for label in ("Download CSV", "Download Excel", "Download JSON", "PNG", "SVG"):
        assert label in labels
    data = offered["UMC_INTERNET_USE_series.csv"]()
    lines = dict(pd.read_csv(io.BytesIO(data), nrows=5, header=None).values.tolist())
    assert lines["Title"] == "Individuals using the Internet · Time series and target"
    assert lines["Filters"] == "Geographies: World"
    assert "World Bank" in lines["Sources"]
    table = pd.read_csv(io.BytesIO(data), skiprows=6)
    assert set(table["geo_name"]) == {"World"}
    assert table["source"].str.contains("World Bank").all()
    assert set(table["real_or_demo"]) == {"real"}
    svg = offered["UMC_INTERNET_USE_series.svg"]().decode("utf-8")
    assert "Individuals using the Internet · Time series and target" in svg
    assert "Filters: Geographies: World" in svg and "World Bank" in svg
