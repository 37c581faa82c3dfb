"""Decks saved in the store: whole, in order, with no silent overwrite."""

import pytest
from sqlalchemy.engine import Engine

from gdc_tracker import db, decks
from gdc_tracker.decks import DeckContent, Slide
from gdc_tracker.errors import NotAllowed, StaleEdit, ValidationFailed
from tests.factories import make_user

SLIDES = (
    Slide(kind="objective", params={"objective": "1"}, title="Digital divides"),
    Slide(kind="indicator", params={"indicator": "UMC_INTERNET_USE", "geo": ["WLD", "AMS"]}),
    Slide(kind="map", params={"indicator": "UMC_4G_COVERAGE", "year": "2023"}),
)


@pytest.fixture
def store(reference_engine: Engine) -> Engine:
    return reference_engine


def test_a_deck_is_saved_and_reopened_in_order(store: Engine) -> None:
    editor = make_user(store, "presenter", "editor")
    content = DeckContent(
        slug="council-2026", title="Council WG, Feb 2026", slides=SLIDES, auto_advance_seconds=30
    )
    with db.session_scope(store) as session:
        decks.save_deck(session, content, by=editor)
    with db.session_scope(store) as session:
        reopened = decks.load_deck(session, "council-2026")
        listed = decks.list_decks(session)
    assert reopened.slides == SLIDES and reopened.version == 1
    assert reopened.auto_advance_seconds == 30
    assert listed == [("council-2026", "Council WG, Feb 2026", 3)]


def test_reordering_replaces_the_slides_and_a_stale_save_is_refused(store: Engine) -> None:
    editor = make_user(store, "presenter", "editor")
    content = DeckContent(slug="d", title="D", slides=SLIDES)
    with db.session_scope(store) as session:
        saved = decks.save_deck(session, content, by=editor)
    reordered = DeckContent(slug="d", title="D", slides=SLIDES[::-1], version=saved.version)
    with db.session_scope(store) as session:
        decks.save_deck(session, reordered, by=editor)
    with pytest.raises(StaleEdit), db.session_scope(store) as session:
        decks.save_deck(
            session, DeckContent(slug="d", title="D", slides=SLIDES[:1], version=1), by=editor
        )
    with db.session_scope(store) as session:
        assert decks.load_deck(session, "d").slides == SLIDES[::-1]


def test_bad_decks_and_viewers_are_refused(store: Engine) -> None:
    editor = make_user(store, "presenter", "editor")
    viewer = make_user(store, "watcher", "viewer")
    with pytest.raises(ValidationFailed) as raised, db.session_scope(store) as session:
        decks.save_deck(session, DeckContent(slug="x", title=" ", slides=()), by=editor)
    assert {p.field for p in raised.value.problems} == {"title", "slides"}
    with pytest.raises(NotAllowed), db.session_scope(store) as session:
        decks.save_deck(session, DeckContent(slug="x", title="X", slides=SLIDES), by=viewer)
