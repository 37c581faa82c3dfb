"""One view, drawn everywhere: the presenter slide, the PowerPoint slide, the chart image
and the CSV made from the same slide agree on the figures, the sources and the notice.

The expected sources come from data/starter/sources.yaml, the record of the public file
the real values were imported from.
"""

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pptx
import pytest
import yaml

from gdc_tracker import bootstrap, db, decks, exports
from gdc_tracker.decks import DeckContent, Slide
from gdc_tracker.reports import chart_svg, deck_pptx
from gdc_tracker.reports.deck import deck_slides
from gdc_tracker.status import Thresholds
from gdc_tracker.views import View
from gdc_tracker.views.files import chart_framing
from gdc_tracker.views.slides import params_json, slide_view
from tests.apptest import clear_streamlit_caches, open_page
from tests.factories import make_user

PROJECT = Path(__file__).resolve().parents[1]
REAL = Slide("indicator", {"indicator": "UMC_INTERNET_USE", "geo": ["WLD", "SLV"]})
DEMO = Slide("indicator", {"indicator": "UMC_4G_COVERAGE", "geo": ["WLD", "AMS"]})
DECK = DeckContent(slug="agree", title="Agreement", slides=(REAL, DEMO))
DEMO_NOTICE = "Demo data, not official statistics"


def starter_source() -> dict[str, str]:
    entries = yaml.safe_load((PROJECT / "data" / "starter" / "sources.yaml").read_text())
    return next(e for e in entries if e["indicator"] == "UMC_INTERNET_USE")["source"]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('agree') / 'store.db'}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    bootstrap.seed(engine, with_demo=True, with_starter=True)
    with db.session_scope(engine) as session:
        decks.save_deck(session, DECK, by=make_user(engine, "presenter", "editor"))
    engine.dispose()
    return url


@pytest.fixture
def views_of(store: str) -> Iterator[list[View]]:
    engine = db.make_engine(store)
    with db.session_scope(engine) as session:
        yield [slide_view(session, kind=s.kind, params=params_json(s.params)) for s in DECK.slides]
    engine.dispose()


def unescaped(markdown: str) -> str:
    return markdown.replace("\\", "")


def test_the_real_series_names_its_published_source_everywhere(
    store: str, views_of: list[View], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = starter_source()
    view = views_of[0]
    assert source["organisation"] in view.about.sources_text()
    assert source["licence"] in view.about.sources_text()
    assert view.about.notice() is None

    monkeypatch.setenv("GDC_TRACKER_DATABASE_URL", store)
    clear_streamlit_caches()
    at = open_page("pages/present.py", deck=DECK.slug, mode="show", slide="1")
    room = " ".join(unescaped(c.value) for c in at.caption)
    assert view.about.sources_text() in room
    assert DEMO_NOTICE not in " ".join(m.value for m in at.markdown)
    clear_streamlit_caches()

    with db.session_scope(db.make_engine(store)) as session:
        specs = deck_slides(session, decks.load_deck(session, DECK.slug), thresholds=Thresholds())
    deck = pptx.Presentation(io.BytesIO(deck_pptx(specs, title=DECK.title)))
    slide_text = " ".join(s.text_frame.text for s in deck.slides[1].shapes if s.has_text_frame)
    assert view.about.sources_text() in slide_text
    assert DEMO_NOTICE not in slide_text

    lines = list(
        csv.reader(io.StringIO(exports.to_csv_bytes(view.data, view.about).decode("utf-8-sig")))
    )
    about = dict(row for row in lines[:5])
    assert about["Sources"] == view.about.sources_text()
    table = pd.read_csv(io.BytesIO(exports.to_csv_bytes(view.data, view.about)), skiprows=6)
    assert set(table["real_or_demo"]) == {"real"}
    assert table["value"].round(4).tolist() == view.data["value"].round(4).tolist()

    svg = chart_svg(view.chart, **chart_framing(view.about))  # type: ignore[arg-type]
    assert source["organisation"] in svg and view.title in svg


def test_the_demo_series_says_demo_everywhere_and_borrows_no_source(
    store: str, views_of: list[View], monkeypatch: pytest.MonkeyPatch
) -> None:
    view = views_of[1]
    notice = view.about.notice()
    assert notice and notice.startswith(DEMO_NOTICE)

    monkeypatch.setenv("GDC_TRACKER_DATABASE_URL", store)
    clear_streamlit_caches()
    at = open_page("pages/present.py", deck=DECK.slug, mode="show", slide="2")
    assert any(notice in unescaped(m.value) for m in at.markdown)
    clear_streamlit_caches()

    with db.session_scope(db.make_engine(store)) as session:
        specs = deck_slides(session, decks.load_deck(session, DECK.slug), thresholds=Thresholds())
    deck = pptx.Presentation(io.BytesIO(deck_pptx(specs, title=DECK.title)))
    slide_text = " ".join(s.text_frame.text for s in deck.slides[2].shapes if s.has_text_frame)
    assert notice in slide_text
    assert "ICT Indicators Database" not in slide_text  # the indicator's usual source

    table = pd.read_csv(io.BytesIO(exports.to_csv_bytes(view.data, view.about)), skiprows=6)
    assert set(table["real_or_demo"]) == {"demo"}
    assert set(table["source"]) == {"demo data, not official statistics"}
    svg = chart_svg(view.chart, **chart_framing(view.about))  # type: ignore[arg-type]
    assert DEMO_NOTICE in svg
