"""Decks: ordered, named views a presenter shows, saved in the store and opened by URL.

A deck is saved whole: its title, its auto-advance and the ordered slides replace what was
there, in one transaction, if nobody saved it since the presenter opened it.
"""

import re
from dataclasses import dataclass, field
from typing import Any, cast

import sqlalchemy as sa
from sqlmodel import Session, col, select

from gdc_tracker.audit import record_change
from gdc_tracker.auth import Identity, authorize
from gdc_tracker.errors import FieldProblem, NotFound, StaleEdit, ValidationFailed
from gdc_tracker.i18n import N_, _, ngettext
from gdc_tracker.models import Deck, DeckSlide, Role, SlideKind, utc_now

MAX_SLIDES = 40


@dataclass(frozen=True)
class Slide:
    kind: str
    params: dict[str, Any] = field(default_factory=dict)
    title: str = ""


@dataclass(frozen=True)
class DeckContent:
    slug: str
    title: str
    slides: tuple[Slide, ...]
    auto_advance_seconds: int | None = None
    version: int = 0


def slugify(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:80] or "deck"


def _check(content: DeckContent) -> None:
    problems = []
    if not content.title.strip():
        problems.append(FieldProblem("title", _("give the deck a name")))
    if not content.slides:
        problems.append(FieldProblem("slides", _("add at least one slide")))
    if len(content.slides) > MAX_SLIDES:
        most = ngettext(
            "a deck holds at most {count} slide", "a deck holds at most {count} slides", MAX_SLIDES
        )
        problems.append(FieldProblem("slides", most.format(count=MAX_SLIDES)))
    kinds = [str(k) for k in SlideKind]
    for number, slide in enumerate(content.slides, start=1):
        if slide.kind not in kinds:
            unknown = _("slide {number}: unknown kind '{kind}'").format(
                number=number, kind=slide.kind
            )
            problems.append(FieldProblem("slides", unknown))
    seconds = content.auto_advance_seconds
    if seconds is not None and not 5 <= seconds <= 600:
        problems.append(FieldProblem("auto_advance", _("auto-advance between 5 and 600 seconds")))
    if problems:
        raise ValidationFailed(problems)


def _as_record(content: DeckContent) -> dict[str, Any]:
    return {
        "title": content.title,
        "auto_advance_seconds": content.auto_advance_seconds,
        "slides": [{"kind": s.kind, "title": s.title, "params": s.params} for s in content.slides],
    }


def load_deck(session: Session, slug: str) -> DeckContent:
    deck = session.exec(select(Deck).where(Deck.slug == slug)).first()
    if deck is None:
        raise NotFound(_("deck '{slug}' does not exist").format(slug=slug))
    slides = session.exec(
        select(DeckSlide).where(col(DeckSlide.deck_id) == deck.id).order_by(col(DeckSlide.position))
    ).all()
    return DeckContent(
        slug=deck.slug,
        title=deck.title,
        version=deck.version,
        auto_advance_seconds=deck.auto_advance_seconds,
        slides=tuple(
            Slide(kind=s.kind, params=dict(s.params or {}), title=s.title) for s in slides
        ),
    )


def save_deck(session: Session, content: DeckContent, *, by: Identity | None) -> DeckContent:
    """Create the deck, or replace it if `content.version` is still the stored version."""
    by = authorize(session, by, Role.EDITOR, N_("save decks"))
    _check(content)
    deck = session.exec(select(Deck).where(Deck.slug == content.slug)).first()
    before = _as_record(load_deck(session, content.slug)) if deck else None
    if deck is None:
        deck = Deck(
            slug=content.slug,
            title=content.title,
            created_by=by.user_id,
            auto_advance_seconds=content.auto_advance_seconds,
        )
        session.add(deck)
        session.flush()
    else:
        claimed = session.execute(
            sa.update(Deck)
            .where(col(Deck.id) == deck.id, col(Deck.version) == content.version)
            .values(
                title=content.title,
                auto_advance_seconds=content.auto_advance_seconds,
                version=col(Deck.version) + 1,
                updated_at=utc_now(),
            )
        )
        if cast(sa.CursorResult[Any], claimed).rowcount == 0:  # an UPDATE's result
            raise StaleEdit(current=before or {})
        session.execute(sa.delete(DeckSlide).where(col(DeckSlide.deck_id) == deck.id))
        session.flush()
    for position, slide in enumerate(content.slides):
        session.add(
            DeckSlide(
                deck_id=cast(int, deck.id),  # flushed or read from the store: it has its id
                position=position,
                kind=slide.kind,
                title=slide.title,
                params=slide.params,
            )
        )
    session.flush()
    record_change(
        session,
        actor=by.username,
        action="save deck",
        entity="deck",
        entity_id=deck.id,
        before=before,
        after=_as_record(content),
        user_id=by.user_id,
    )
    return load_deck(session, content.slug)


def list_decks(session: Session) -> list[tuple[str, str, int]]:
    """(slug, title, number of slides) of every deck, by title."""
    rows = session.execute(
        sa.select(col(Deck.slug), col(Deck.title), sa.func.count(col(DeckSlide.id)))
        .join(DeckSlide, col(DeckSlide.deck_id) == Deck.id, isouter=True)
        .group_by(col(Deck.slug), col(Deck.title))
        .order_by(col(Deck.title))
    ).all()
    return [(slug, title, int(count)) for slug, title, count in rows]
