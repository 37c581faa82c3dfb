"""Names and titles from the store show as typed, never as Markdown.

A name such as "**Bold** [link](https://evil.example) <b>x</b>" must reach the screen as
those characters: not bold, not a link, not HTML. AppTest gives the Markdown source of
each element; what a reader sees is that source after CommonMark's backslash escapes
(spec 2.4: a backslash before ASCII punctuation shows the punctuation itself), so the
tests read the source that way, independently of the code that escapes it.
"""

import re

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from gdc_tracker import db, decks
from gdc_tracker.decks import DeckContent, Slide
from gdc_tracker.models import Initiative, Objective
from gdc_tracker.ui.components import plain
from tests.apptest import open_page
from tests.factories import make_user

EVIL = "**Bold** [link](https://evil.example) <b>x</b>"
ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # CommonMark: backslash + ASCII punctuation


def shown(source: str) -> str:
    """What CommonMark displays for `source` when nothing in it is syntax."""
    return ESCAPE.sub(r"\1", source)


def is_inert(source: str) -> bool:
    """No emphasis, link, HTML or bare web address is left unescaped in `source`."""
    unescaped = re.sub(r"\\.", "", source)
    return not re.search(r"[*_\[\]<>`]|://", unescaped)


def texts(at: AppTest) -> list[str]:
    kinds = ("markdown", "caption", "header", "subheader", "title", "success", "error")
    return [str(element.value) for kind in kinds for element in at.get(kind)]


def showing(at: AppTest, text: str) -> list[str]:
    """The element sources on the page that display `text`."""
    return [source for source in texts(at) if text in shown(source)]


def test_an_initiative_named_in_markdown_shows_its_name_as_typed(writable_app: Engine) -> None:
    with db.session_scope(writable_app) as session:
        session.execute(sa.update(Initiative).where(Initiative.slug == "giga").values(name=EVIL))
    at = open_page("pages/initiatives.py", initiative="giga")
    assert not at.exception
    headers = [h.value for h in at.header]
    assert [shown(h) for h in headers] == [EVIL]
    assert all(is_inert(h) for h in headers)


def test_an_objective_title_in_markdown_shows_as_typed(writable_app: Engine) -> None:
    with db.session_scope(writable_app) as session:
        session.execute(sa.update(Objective).where(Objective.number == 1).values(title=EVIL))
        session.execute(sa.update(Objective).where(Objective.number == 2).values(short_title=EVIL))
    at = open_page("pages/objectives.py", objective="1")
    assert not at.exception
    places = showing(at, EVIL)
    assert f"Objective 1: {EVIL}" in [shown(s) for s in places]
    assert places and all(is_inert(s.removeprefix("Objective 1: ")) for s in places)

    at = open_page("app.py")  # the objective cards: short title in bold, full title below
    assert not at.exception
    places = showing(at, EVIL)
    assert len(places) >= 2
    assert f"**Objective 2 · {EVIL}**" in [f"**{shown(s.strip('*'))}**" for s in places]
    assert all(is_inert(s.strip("*")) for s in places)


def test_a_deck_title_in_markdown_shows_as_typed_on_present(writable_app: Engine) -> None:
    editor = make_user(writable_app, "presenter", "editor")
    with db.session_scope(writable_app) as session:
        decks.save_deck(
            session,
            DeckContent(slug="evil", title=EVIL, slides=(Slide("objective", {"objective": "1"}),)),
            by=editor,
        )
    at = open_page("pages/present.py")
    assert not at.exception
    listed = showing(at, EVIL)
    assert len(listed) == 1
    title = listed[0].removeprefix("**").split("** · ")[0]
    assert shown(title) == EVIL and is_inert(title)
    assert listed[0].endswith(" · 1 slide")


def test_plain_escapes_only_what_markdown_would_read() -> None:
    cases = {
        "Individuals aged 15+ using the Internet": "Individuals aged 15+ using the Internet",
        "Giga: connecting schools": "Giga: connecting schools",
        "# not a heading": "\\# not a heading",
        "- not a list": "\\- not a list",
        "1. not a list": "1\\. not a list",
        "www.evil.example": "www\\.evil.example",
        "&amp; stays": "\\&amp; stays",
        ":red[not red] $x$": "\\:red\\[not red\\] \\$x\\$",
        "ana@itu.int": "ana\\@itu.int",
    }
    for text, expected in cases.items():
        assert plain(text) == expected
        assert shown(plain(text)) == text
    assert plain(None) == ""
