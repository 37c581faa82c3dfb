"""A saved presenter deck as PowerPoint: each slide's `View`, the one presenter mode draws.

A slide shows its chart or map as a picture, its big figures and words as bullets, its
short table, and a footer with the sources of the values shown, their date and, when any
is demo, the demo notice. A map slide lists the top and the bottom countries beside the
map, then every country with a value on the slides after it.
"""

from sqlmodel import Session

from gdc_tracker.decks import DeckContent, load_deck
from gdc_tracker.i18n import ngettext
from gdc_tracker.reports.slides import SlideSpec
from gdc_tracker.status import Thresholds
from gdc_tracker.views import View
from gdc_tracker.views.map import country_rows
from gdc_tracker.views.slides import params_json, slide_chart, slide_view

COUNTRIES_PER_SLIDE = 44  # four columns of eleven rows at 10 pt


def spec_of(view: View) -> SlideSpec:
    """The PowerPoint slide of a view: the same figures, words, sources and notice."""
    about = view.about
    bullets = [f"{figure.value}: {figure.label}" for figure in view.figures]
    if view.problem:
        bullets.append(view.problem)
    if view.kind == "map" and view.summary:
        bullets.append(view.summary)
    elif view.kind != "objective":
        bullets += list(view.bullets[:6])
    else:
        bullets += list(view.bullets)
    table = view.short_table() if view.kind in ("map", "changes", "regional", "objective") else None
    return SlideSpec(
        title=about.title,
        chart=slide_chart(view),
        table=table if table is not None and len(table) else None,
        bullets=bullets,
        source=about.sources_text(),
        as_of=about.as_of_text(),
        filters=about.filters,
        notice=about.notice(),
        description=view.summary or about.title,
    )


def country_list_slides(view: View) -> list[SlideSpec]:
    """Every country with a value, ranked, on as many slides as it takes."""
    if view.kind != "map" or view.data.empty:
        return []
    rows = country_rows(view.data, unit=str(view.map_options.get("unit", "")))
    pages = range(0, len(rows), COUNTRIES_PER_SLIDE)
    return [
        SlideSpec(
            title=ngettext(
                "{title}: all {count} country ({page} of {pages})",
                "{title}: all {count} countries ({page} of {pages})",
                len(rows),
            ).format(title=view.title, count=len(rows), page=number, pages=len(pages)),
            table=rows.iloc[start : start + COUNTRIES_PER_SLIDE].reset_index(drop=True),
            source=view.about.sources_text(),
            as_of=view.about.as_of_text(),
            filters=view.about.filters,
            notice=view.about.notice(),
            columns=4,
        )
        for number, start in enumerate(pages, start=1)
    ]


def deck_views(session: Session, deck: DeckContent, *, thresholds: Thresholds) -> list[View]:
    return [
        slide_view(
            session,
            kind=slide.kind,
            params=params_json(slide.params),
            title=slide.title,
            thresholds=thresholds,
        )
        for slide in deck.slides
    ]


def deck_slides(session: Session, deck: DeckContent, *, thresholds: Thresholds) -> list[SlideSpec]:
    """The PowerPoint slides of the saved deck, in order (a map adds its country list)."""
    specs: list[SlideSpec] = []
    for view in deck_views(session, deck, thresholds=thresholds):
        specs.append(spec_of(view))
        specs.extend(country_list_slides(view))
    return specs


def saved_deck_slides(
    session: Session, slug: str, *, thresholds: Thresholds
) -> tuple[DeckContent, list[SlideSpec]]:
    """A saved deck and its slides drawn for PowerPoint, read in one transaction."""
    deck = load_deck(session, slug)
    return deck, deck_slides(session, deck, thresholds=thresholds)
