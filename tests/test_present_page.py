"""Building a deck and presenting it, driven through AppTest."""

import pytest
from sqlalchemy.engine import Engine

from gdc_tracker import db, decks
from gdc_tracker.decks import DeckContent, Slide
from tests.apptest import open_page
from tests.conftest import url_of
from tests.factories import make_user

PAGE = "pages/present.py"
SLIDES = (
    Slide("objective", {"objective": "2"}),
    Slide("indicator", {"indicator": "UMC_INTERNET_USE", "geo": ["WLD", "AMS"]}),
    Slide("changes", {"since": "2025-01-01"}),
)


@pytest.fixture
def store(writable_demo_app: Engine) -> str:
    """The URL of a fresh store of this test's own, which the app opens."""
    return url_of(writable_demo_app)


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
    at.selectbox(key="present__kind").set_value("objective_matrix").run()
    press(at, "present__add")
    press(at, "present__up_1")  # the implementation map first
    press(at, "present__save")
    assert not at.exception
    assert "Deck saved" in at.success[0].value
    with db.session_scope(db.make_engine(store)) as session:
        deck = decks.load_deck(session, "council-wg-june")
    assert [s.kind for s in deck.slides] == ["objective_matrix", "objective"]
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
    title = at.title[0].value
    assert title.startswith("Individuals using the Internet, ") and "None" not in title
    link = next(c.value for c in at.caption if "/map?" in c.value)
    assert "indicator=UMC_INTERNET_USE" in link and "year=" not in link


def test_the_url_holds_deck_mode_and_slide_whichever_way_the_deck_was_opened(
    saved_deck: str,
) -> None:
    at = open_page(PAGE, deck=saved_deck, mode="show")  # a link without a slide
    assert at.query_params["deck"] == saved_deck
    assert at.query_params["mode"] == "show"
    assert at.query_params["slide"] == "1"
    press(at, "present__page_down")
    assert any(m.value == "**2 / 3**" for m in at.markdown)
    assert (at.query_params["mode"], at.query_params["slide"]) == ("show", "2")


def test_the_clicker_keys_go_to_the_first_and_last_slide(saved_deck: str) -> None:
    at = open_page(PAGE, deck=saved_deck, mode="show", slide="2")
    shortcuts = {b.key: b.proto.shortcut for b in at.button}
    assert shortcuts["present__next"] == "right" and shortcuts["present__page_down"] == "pagedown"
    assert shortcuts["present__space"] == "space" and shortcuts["present__page_up"] == "pageup"
    assert shortcuts["present__first"] == "home" and shortcuts["present__last"] == "end"
    assert shortcuts["present__blank"] == "b"
    press(at, "present__last")
    assert at.query_params["slide"] == "3"
    press(at, "present__first")
    assert at.query_params["slide"] == "1"
    assert any(m.value == "**1 / 3**" for m in at.markdown)
    press(at, "present__page_up")  # at the first slide, previous stays there
    assert at.query_params["slide"] == "1"


def test_the_visible_buttons_say_what_they_do(saved_deck: str) -> None:
    at = open_page(PAGE, deck=saved_deck, mode="show", slide="2")
    assert at.button(key="present__previous").label == "Previous slide"
    assert at.button(key="present__next").label == "Next slide"
    image = at.get("image")[0].proto.imgs[0]
    assert image.alt == "QR code: link to the live view for the audience"


def test_b_blanks_the_screen_and_b_again_brings_the_slide_back(saved_deck: str) -> None:
    at = open_page(PAGE, deck=saved_deck, mode="show", slide="2")
    press(at, "present__blank")
    assert not at.exception
    assert any(m.value == "Screen blanked — press B to return" for m in at.markdown)
    assert not at.title and not at.get("vega_lite_chart")
    assert at.query_params["slide"] == "2"
    press(at, "present__blank")
    assert at.title[0].value == "Individuals using the Internet"
    assert not any(m.value.startswith("Screen blanked") for m in at.markdown)


def test_auto_advance_pauses_and_resumes_through_the_url(store: str) -> None:
    engine = db.make_engine(store)
    editor = make_user(engine, "presenter", "editor")
    deck = DeckContent(slug="loop", title="Loop", slides=SLIDES, auto_advance_seconds=20)
    with db.session_scope(engine) as session:
        decks.save_deck(session, deck, by=editor)
    at = open_page(PAGE, deck="loop", mode="show")
    assert at.button(key="present__pause").label == "Pause"
    press(at, "present__pause")
    assert at.query_params["paused"] == "1"
    assert at.button(key="present__pause").label == "Resume"
    press(at, "present__next")  # moving on stays paused
    assert at.query_params["paused"] == "1" and at.query_params["slide"] == "2"
    press(at, "present__pause")
    assert "paused" not in at.query_params
    assert at.button(key="present__pause").label == "Pause"


def test_a_deck_without_auto_advance_has_no_pause_button(saved_deck: str) -> None:
    at = open_page(PAGE, deck=saved_deck, mode="show")
    assert not any(b.key == "present__pause" for b in at.button)


def test_editing_a_deck_keeps_its_name_when_auto_advance_or_slides_change(
    saved_deck: str, store: str
) -> None:
    editor = make_user(db.make_engine(store), "ed", "editor")
    at = open_page(PAGE, identity=editor)  # the builder for a new deck first
    at.query_params["deck"] = saved_deck  # then the deck's Edit link
    at.run()
    assert at.text_input(key="present__title").value == "Council WG"
    at.number_input(key="present__seconds").set_value(30).run()
    assert at.text_input(key="present__title").value == "Council WG"
    at.text_input(key="present__title").input("Council WG, June")
    press(at, "present__up_2")  # typed, then a slide moved at once
    assert at.text_input(key="present__title").value == "Council WG, June"
    press(at, "present__remove_0")
    at.selectbox(key="present__kind").set_value("objective_matrix").run()
    press(at, "present__add")
    assert at.text_input(key="present__title").value == "Council WG, June"
    assert at.number_input(key="present__seconds").value == 30
    press(at, "present__save")
    assert not at.exception
    assert "Deck saved (3 slides)" in at.success[0].value
    with db.session_scope(db.make_engine(store)) as session:
        deck = decks.load_deck(session, saved_deck)
    assert deck.title == "Council WG, June" and deck.auto_advance_seconds == 30
    assert [s.kind for s in deck.slides] == ["changes", "indicator", "objective_matrix"]
    link = next(p for p in at.get("page_link") if p.proto.label == "Present this deck")
    assert link.proto.query_string == f"deck={saved_deck}&mode=show&slide=1&lang=en"


def test_a_what_changed_slide_starts_at_the_previous_council_session(store: str) -> None:
    from gdc_tracker.queries import changes

    editor = make_user(db.make_engine(store), "presenter", "editor")
    at = open_page(PAGE, identity=editor)
    at.selectbox(key="present__kind").set_value("changes").run()
    with db.session_scope(db.make_engine(store)) as session:
        expected = changes.default_since(session)
    assert at.date_input(key="present__since").value == expected
