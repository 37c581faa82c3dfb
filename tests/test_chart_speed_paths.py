"""Building the charts never takes Altair's slow path for encodings.

Altair 6.3 turns an encoding channel given as a bare shorthand string (`x="year:Q"`,
`text="label:N"`, `tooltip=["a:N"]`), a plain dict or `alt.value(...)` into a channel
object through `SchemaBase.from_dict`, which builds a fresh
`altair.utils.schemapi._FromDict`: that rebuilds Altair's schema lookup table, hashing
some 570 JSON schemas, every time, about 12 ms per channel (vega/altair#3547). The
indicator series chart spent about 100 ms of each page run on it. Channel classes
(`alt.X("year:Q")`, `alt.Text(...)`, `alt.Tooltip(...)`, `alt.YValue(0)`) are taken as
they are, so the chart builders use them everywhere.

These tests drive every page that draws a chart as a visitor would (AppTest on the seeded
store), and call the report and deck builders, and fail if `_FromDict` is built at all,
naming the line of ours that asked for it.
"""

import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest
from altair.utils import schemapi
from streamlit.testing.v1 import AppTest

from gdc_tracker import db
from gdc_tracker.decks import DeckContent, Slide
from gdc_tracker.reports import gather_report, report_deck
from gdc_tracker.reports.deck import deck_slides
from gdc_tracker.status import DEFAULT_THRESHOLDS
from tests.apptest import open_page

PROJECT_ROOT = Path(__file__).resolve().parents[1]
OUR_CODE = (PROJECT_ROOT / "gdc_tracker", PROJECT_ROOT / "pages", PROJECT_ROOT / "app.py")


def _our_caller() -> str:
    """The innermost frame in the app's own code: where the fix belongs."""
    for frame in reversed(traceback.extract_stack()):
        path = Path(frame.filename).resolve()
        if any(path.is_relative_to(place) for place in OUR_CODE):
            return f"{path.relative_to(PROJECT_ROOT)}:{frame.lineno}: {frame.line}"
    return "(outside the app's code)"


@pytest.fixture
def slow_paths(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Where `_FromDict` was built while the test ran (empty: never)."""
    sites: list[str] = []
    original = schemapi._FromDict.__init__

    def counting(self: schemapi._FromDict, *args: object, **kwargs: object) -> None:
        sites.append(_our_caller())
        original(self, *args, **kwargs)

    monkeypatch.setattr(schemapi._FromDict, "__init__", counting)
    yield sites


def _open(path: str, query: dict[str, str | list[str]]) -> AppTest:
    return open_page(path, **query)


# (page, query, how many Altair charts it draws): the counts keep the test honest, a page
# that stopped drawing its chart would pass vacuously.
PAGES: list[tuple[str, dict[str, str | list[str]], int]] = [
    ("app.py", {}, 2),
    ("pages/objectives.py", {}, 3),
    ("pages/objectives.py", {"objective": "3", "region": "AMS"}, 3),
    ("pages/initiatives.py", {"view": "map"}, 2),
    ("pages/initiatives.py", {"view": "timeline"}, 1),
    # Target, baseline and the path to the target: every layer of the series chart.
    ("pages/indicators.py", {"view": "series", "geo": ["WLD", "AFR"]}, 1),
    ("pages/indicators.py", {"view": "series", "indicator": "UMC_FIXED_BB_PRICE"}, 1),
    ("pages/indicators.py", {"view": "compare"}, 1),
    ("pages/indicators.py", {"view": "compare", "region": "AMS", "year": "2020"}, 1),
    ("pages/indicators.py", {"view": "gender"}, 1),
    ("pages/indicators.py", {"view": "connectivity"}, 1),
    ("pages/map.py", {}, 1),
    ("pages/regional.py", {}, 0),  # pydeck only; any Altair chart added later is covered
]


def _page_id(path: str, query: dict[str, str | list[str]]) -> str:
    """ "indicators.py?view=series&geo=WLD,AFR" """
    params = "&".join(f"{k}={','.join(v) if isinstance(v, list) else v}" for k, v in query.items())
    return f"{Path(path).name}?{params}" if params else Path(path).name


@pytest.mark.parametrize(
    ("path", "query", "charts"),
    PAGES,
    ids=[_page_id(path, query) for path, query, _charts in PAGES],
)
def test_pages_build_their_charts_without_altair_from_dict(
    seeded_app: str,
    slow_paths: list[str],
    path: str,
    query: dict[str, str | list[str]],
    charts: int,
) -> None:
    at = _open(path, query)
    assert len(at.get("vega_lite_chart")) >= charts
    assert slow_paths == [], "encodings given as shorthand, dict or alt.value(): use channels"


def test_report_and_deck_charts_build_without_altair_from_dict(
    seeded_sqlite_file: str, slow_paths: list[str]
) -> None:
    engine = db.make_engine(seeded_sqlite_file)
    deck = DeckContent(
        slug="speed",
        title="Speed",
        slides=(
            Slide("objective", {"objective": "1"}),
            Slide("indicator", {"indicator": "UMC_INTERNET_USE", "geo": ["WLD", "AFR"]}),
            Slide("indicator", {"indicator": "UMC_FIXED_BB_PRICE", "geo": ["AMS", "EUR"]}),
            Slide("objective_matrix"),
        ),
    )
    with db.session_scope(engine) as session:
        data = gather_report(session, thresholds=DEFAULT_THRESHOLDS)
        slides = report_deck(data) + deck_slides(session, deck, thresholds=DEFAULT_THRESHOLDS)
    engine.dispose()
    charts = [s.chart for s in slides if s.chart is not None]
    assert len(charts) == len(data.objectives) + 4
    for chart in charts:  # a view's chart is already a specification, built above
        if not isinstance(chart, dict):
            chart.to_dict()
    assert slow_paths == [], "encodings given as shorthand, dict or alt.value(): use channels"
