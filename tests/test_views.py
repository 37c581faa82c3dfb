"""The view layer: one value per screen, the same wherever it is drawn.

Expected values come from the public file the starter data was imported from and from
the reference data files, not from the code under test.
"""

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from gdc_tracker import bootstrap, db
from gdc_tracker.reports.deck import spec_of
from gdc_tracker.reports.images import chart_png, png_size
from gdc_tracker.status import Thresholds
from gdc_tracker.views import DEMO, REAL
from gdc_tracker.views.map import map_view
from gdc_tracker.views.slides import SLIDE_KINDS, params_json, slide_view

PROJECT = Path(__file__).resolve().parents[1]
DEMO_WORDS = "demo data, not official statistics"


@pytest.fixture(scope="module")
def first_start_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A store as the first start makes it: reference, starter and demo data."""
    engine = db.make_engine(f"sqlite:///{tmp_path_factory.mktemp('views') / 'store.db'}")
    db.upgrade(engine)
    bootstrap.seed(engine, with_demo=True, with_starter=True)
    yield engine
    engine.dispose()


@pytest.fixture
def session(first_start_store: Engine) -> Iterator[Session]:
    with db.session_scope(first_start_store) as session:
        yield session


def wdi_values(year: int) -> pd.Series:
    """Internet use by ISO3 code in `year`, from the shipped WDI file, for tracked countries."""
    wdi = pd.read_csv(next((PROJECT / "data" / "starter").glob("API_IT.NET.USER.ZS*.csv")))
    countries = pd.read_csv(PROJECT / "data" / "reference" / "countries.csv")["iso3"]
    values = wdi.set_index("Country Code")[str(year)].dropna()
    return values[values.index.isin(countries)]


def test_the_map_view_holds_every_real_value_of_the_year_with_its_source(
    session: Session,
) -> None:
    expected = wdi_values(2021)
    view = map_view(session, code="UMC_INTERNET_USE", year=2021, thresholds=Thresholds())
    shown = view.data.set_index("code")["value"]
    assert set(shown.index) == set(expected.index)
    assert shown.round(3).to_dict() == expected.round(3).to_dict()
    assert set(view.data["real_or_demo"]) == {REAL}
    assert view.about.demo_values == 0 and view.about.notice() is None
    assert "World Bank" in view.about.sources_text() and "CC BY 4.0" in view.about.sources_text()
    assert list(view.data["rank"]) == list(range(1, len(expected) + 1))  # best first
    assert view.data["value"].is_monotonic_decreasing
    assert view.about.filters == {"Indicator": "Individuals using the Internet", "Year": "2021"}


def test_a_demo_series_says_so_and_borrows_no_source(session: Session) -> None:
    view = slide_view(
        session,
        kind="indicator",
        params=params_json({"indicator": "UMC_4G_COVERAGE", "geo": ["WLD", "AMS"]}),
    )
    assert set(view.data["real_or_demo"]) == {DEMO}
    assert view.about.demo_values == len(view.data) > 0
    assert view.about.sources == ()  # no real value, so no real source
    assert view.about.sources_text() == DEMO_WORDS
    assert view.about.notice() == (
        f"Demo data, not official statistics: {len(view.data)} of {len(view.data)} values shown"
    )
    assert view.about.filters["Geographies"] == "World, Americas"


@pytest.mark.parametrize("kind", list(SLIDE_KINDS))
def test_every_slide_kind_gives_the_file_the_facts_the_room_sees(
    session: Session, kind: str
) -> None:
    params = {
        "objective": {"objective": "2"},
        "indicator": {"indicator": "UMC_INTERNET_USE", "geo": ["WLD", "SLV"]},
        "map": {"indicator": "UMC_INTERNET_USE"},
        "regional": {"ri": "AMS2/2023-2025"},
        "objective_matrix": {},
        "implementation_map": {"framework": "gdc", "columns": "sector"},
        "data_gaps": {"indicator": "UMC_INTERNET_USE", "by": "region"},
        "update_cycle": {},
        "changes": {},
    }[kind]
    view = slide_view(session, kind=kind, params=params_json(params), title="")
    assert view.title and not view.problem
    assert view.about.as_of is not None
    spec = spec_of(view)
    assert spec.title == view.title
    assert spec.source == view.about.sources_text()
    assert spec.notice == view.about.notice()
    assert (spec.notice is not None) == view.about.has_demo
    named = slide_view(session, kind=kind, params=params_json(params), title="Room title")
    assert named.title == "Room title" and named.about.sources == view.about.sources


def test_a_map_slide_without_a_year_shows_the_latest_year_with_values(session: Session) -> None:
    latest = max(
        int(c)
        for c in pd.read_csv(
            next((PROJECT / "data" / "starter").glob("API_IT.NET.USER.ZS*.csv")), nrows=0
        ).columns
        if c.isdigit()
    )
    view = slide_view(session, kind="map", params=params_json({"indicator": "UMC_INTERNET_USE"}))
    assert view.title == f"Individuals using the Internet, {latest}"
    assert len(view.data) == len(wdi_values(latest))


def test_the_map_picture_is_a_sensible_size(session: Session) -> None:
    view = map_view(session, code="UMC_INTERNET_USE", year=2022)
    png = chart_png(
        view.chart,  # type: ignore[arg-type]
        title=view.title,
        filters=view.about.filters,
        source=view.about.sources_text(),
        timestamp=view.about.as_of,
    )
    width, height = png_size(png)
    assert 1000 < width <= 2400 and 600 < height <= 2400


def test_an_unknown_slide_kind_is_refused(session: Session) -> None:
    with pytest.raises(ValueError, match="unknown slide kind"):
        slide_view(session, kind="pie")
