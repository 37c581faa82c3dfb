"""The Reports page and a saved deck exported as PowerPoint."""

import io
import re
from collections.abc import Iterator

import pptx
import pytest
from docx import Document

from gdc_tracker import db, decks
from gdc_tracker.decks import DeckContent, Slide
from gdc_tracker.reports import deck_pptx
from gdc_tracker.reports.deck import deck_slides
from gdc_tracker.status import Thresholds
from tests.apptest import clear_streamlit_caches, fresh_store, open_page
from tests.factories import make_user

DECK = DeckContent(
    slug="council",
    title="Council WG",
    slides=(
        Slide("objective", {"objective": "1"}),
        Slide("indicator", {"indicator": "UMC_INTERNET_USE", "geo": ["WLD", "AMS"]}),
        Slide("map", {"indicator": "UMC_4G_COVERAGE", "year": "2022"}),
        Slide("regional", {"ri": "AMS3/2023-2025"}),
        Slide("objective_matrix", {}),
        Slide("changes", {"since": "2025-01-01"}),
    ),
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = fresh_store(tmp_path_factory.mktemp("reports"), with_demo=True)
    engine = db.make_engine(url)
    with db.session_scope(engine) as session:
        decks.save_deck(session, DECK, by=make_user(engine, "presenter", "editor"))
    return url


@pytest.fixture
def app(store: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("GDC_TRACKER_DATABASE_URL", store)
    clear_streamlit_caches()
    yield store
    clear_streamlit_caches()


def test_a_saved_deck_exports_one_slide_per_view_in_order(store: str) -> None:
    with db.session_scope(db.make_engine(store)) as session:
        deck = decks.load_deck(session, "council")
        specs = deck_slides(session, deck, thresholds=Thresholds())
    presentation = pptx.Presentation(io.BytesIO(deck_pptx(specs, title=deck.title)))
    titles = [
        slide.shapes.title.text if slide.shapes.title else "" for slide in presentation.slides
    ]
    texts = [
        " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
        for slide in presentation.slides
    ]
    # The map slide is followed by the list of every country with a value.
    listing = [i for i, text in enumerate(texts) if re.search(r"all \d+ countries \(\d+ of", text)]
    assert listing and listing == list(range(4, 4 + len(listing)))
    assert len(presentation.slides) == 1 + len(DECK.slides) + len(listing)
    assert "Council WG" in texts[0]
    assert "Objective 1" in texts[1]
    assert "Individuals using the Internet" in texts[2]
    assert "Population covered by at least a 4G mobile network, 2022" in texts[3]
    assert "AMS3 (2023-2025)" in texts[4 + len(listing)]
    pictures = [sum(1 for s in slide.shapes if s.shape_type == 13) for slide in presentation.slides]
    # Charts and the map as images; the implementation map too.
    assert pictures[1] == pictures[2] == pictures[3] == pictures[5 + len(listing)] == 1
    assert titles  # every slide is readable by python-pptx


def test_the_reports_page_prepares_a_word_report(app: str) -> None:
    at = open_page("pages/reports.py", objective=["1", "5"])
    next(b for b in at.button if b.key == "reports__make_docx").click().run()
    assert not at.exception
    document = Document(io.BytesIO(at.session_state["reports__file_docx"]))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert any(h.startswith("Objective 1") for h in headings)
    assert any(h.startswith("Objective 5") for h in headings)
    assert not any(h.startswith("Objective 3") for h in headings)
    assert any(b.key == "reports__download_docx" for b in at.get("download_button"))
