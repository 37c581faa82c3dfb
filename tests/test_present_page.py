"""Building a deck and presenting it, driven through AppTest."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from gdc_tracker import db, decks
from gdc_tracker.decks import DeckContent, Slide
from tests.apptest import clear_streamlit_caches, fresh_store, open_page
from tests.factories import make_user

PAGE = "pages/present.py"
SLIDES = (
    Slide("objective", {"objective": "2"}),
    Slide("indicator", {"indicator": "UMC_INTERNET_USE", "geo": ["WLD", "AMS"]}),
    Slide("changes", {"since": "2025-01-01"}),
)


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = fresh_store(tmp_path, with_demo=True)
    monkeypatch.setenv("GDC_TRACKER_DATABASE_URL", url)
    clear_streamlit_caches()
    yield url
    clear_streamlit_caches()


@pytest.fixture
def saved_deck(store: str) -> str:
    engine = db.make_engine(store)
    editor = make_user(engine, "presenter", "editor")
    with db.session_scope(engine) as session:
        decks.save_deck(
            session, DeckContent(slug="council", title="Council WG", slides=SLIDES), by=editor
        )
    return "council"


def press(at, key: str) -> None:  # noqa: ANN001
    next(b for b in at.button if b.key == key).click().run()


def test_an_editor_builds_orders_and_saves_a_deck(store: str) -> None:
    editor = make_user(db.make_engine(store), "presenter", "editor")
    at = open_page(PAGE, identity=editor)
    at.text_input(key="present__title").input("Council WG, June")
    at.selectbox(key="present__kind").set_value("objective").run()
    at.selectbox(key="present__objective").set_value("5")
    press(at, "present__add")
    at.selectbox(key="present__kind").set_value("implementation_map").run()
    press(at, "present__add")
    press(at, "present__up_1")  # the implementation map first
    press(at, "present__save")
    assert not at.exception
    assert "Deck saved" in at.success[0].value
    with db.session_scope(db.make_engine(store)) as session:
        deck = decks.load_deck(session, "council-wg-june")
    assert [s.kind for s in deck.slides] == ["implementation_map", "objective"]
    assert deck.slides[1].params == {"objective": "5"}


def test_presenter_mode_opens_at_the_slide_in_the_url_and_moves_on(saved_deck: str) -> None:
    at = open_page(PAGE, deck=saved_deck, mode="show", slide="2")
    assert not at.exception
    assert at.title[0].value == "Individuals using the Internet"
    assert any(m.value == "**2 / 3**" for m in at.markdown)
    assert any("As of" in c.value and "Source" in c.value for c in at.caption)
    assert at.get("vega_lite_chart"), "the indicator chart is drawn"
    press(at, "present__next")
    assert at.query_params["slide"] == "3"
    assert any(m.value == "**3 / 3**" for m in at.markdown)
    assert at.button(key="present__next").disabled
    press(at, "present__previous")
    assert any(m.value == "**2 / 3**" for m in at.markdown)


def test_a_slide_number_out_of_range_shows_the_nearest_slide(saved_deck: str) -> None:
    at = open_page(PAGE, deck=saved_deck, mode="show", slide="99")
    assert any(m.value == "**3 / 3**" for m in at.markdown)
    at = open_page(PAGE, deck=saved_deck, mode="show", slide="x")
    assert any(m.value == "**1 / 3**" for m in at.markdown)


def test_an_unknown_deck_says_so(store: str) -> None:
    at = open_page(PAGE, deck="nope", mode="show")
    assert not at.exception
    assert "No deck is saved under this link" in at.error[0].value


def test_anonymous_visitors_see_decks_but_cannot_build(saved_deck: str) -> None:
    at = open_page(PAGE)
    assert not at.exception
    assert any("Council WG" in m.value for m in at.markdown)
    assert not any(w.key == "present__save" for w in at.button)


def test_a_map_slide_without_a_year_shows_the_latest_and_links_to_it(store: str) -> None:
    """A deck saved without a year (the builder always sets one; a deck written by other
    means may not): the slide says so instead of "None", and the audience link opens the
    map at its latest year."""
    engine = db.make_engine(store)
    editor = make_user(engine, "presenter", "editor")
    deck = DeckContent(
        slug="maps", title="Maps", slides=(Slide("map", {"indicator": "UMC_INTERNET_USE"}),)
    )
    with db.session_scope(engine) as session:
        decks.save_deck(session, deck, by=editor)
    at = open_page(PAGE, deck="maps", mode="show")
    assert not at.exception
    assert at.title[0].value == "Individuals using the Internet, latest year"
    link = next(c.value for c in at.caption if "/map?" in c.value)
    assert "indicator=UMC_INTERNET_USE" in link and "year=" not in link
