"""Presenter mode and the deck builder. Keys are prefixed `present__`.

Presenter mode hides Streamlit's chrome and the sidebar with a style sheet of our own (no
user text goes into it), enlarges the type for the back of the room, and moves between
slides with buttons that also answer the arrow keys and a clicker's Page Up / Page Down.
The slide number lives in the URL, so a reload or a live refresh keeps the current slide.
"""

from datetime import UTC, datetime
from io import BytesIO

import segno
import sqlalchemy as sa
import streamlit as st

from gdc_tracker import db, decks
from gdc_tracker.decks import DeckContent, Slide
from gdc_tracker.errors import GdcTrackerError
from gdc_tracker.i18n import _
from gdc_tracker.ui import cache, components, live, slides
from gdc_tracker.ui.frame import PageContext

PRESENTER_STYLE = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header,
[data-testid="stToolbar"], [data-testid="stDecoration"], footer { display: none !important; }
.block-container { padding-top: 1.2rem !important; max-width: 100% !important; }
[data-testid="stMain"] p, [data-testid="stMain"] li { font-size: 1.5rem !important; }
[data-testid="stMain"] h1 { font-size: 3rem !important; }
[data-testid="stMetricValue"] { font-size: 3.2rem !important; }
</style>
"""


def slide_number(total: int) -> int:
    """The 1-based slide of `?slide=`, kept within the deck."""
    try:
        number = int(st.query_params.get("slide", "1"))
    except ValueError:
        number = 1
    return min(max(number, 1), max(total, 1))


def _go(number: int) -> None:
    st.query_params["slide"] = str(number)


def _qr_png(url: str) -> bytes:
    buffer = BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=4, border=2)
    return buffer.getvalue()


def _auto_advance(seconds: int, number: int, total: int) -> None:
    @st.fragment(run_every=seconds)
    def _tick() -> None:
        started = st.session_state.setdefault("present__shown_at", {})
        key = f"{number}"
        now = datetime.now(UTC).timestamp()
        if key not in started:
            started.clear()
            started[key] = now
        elif now - started[key] >= seconds:
            started.clear()
            _go(number % total + 1)
            st.rerun(scope="app")

    _tick()


def present(ctx: PageContext, deck: DeckContent) -> None:
    st.markdown(PRESENTER_STYLE, unsafe_allow_html=True)
    total = len(deck.slides)
    number = slide_number(total)
    slide = deck.slides[number - 1]
    top = st.columns([8, 1, 1, 1], vertical_alignment="center")
    top[0].title(components.plain(slides.default_title(ctx, slide)))
    top[1].button(
        "◀",
        key="present__previous",
        on_click=_go,
        args=(max(number - 1, 1),),
        shortcut="Left",
        disabled=number == 1,
        help=_("Previous (←)"),
    )
    top[2].button(
        "▶",
        key="present__next",
        on_click=_go,
        args=(min(number + 1, total),),
        shortcut="Right",
        disabled=number == total,
        help=_("Next (→)"),
    )
    top[3].markdown(f"**{number} / {total}**")
    footer = slides.draw(ctx, slide)
    live_url = (st.context.url or "").split("?", 1)[0].rsplit("/", 1)[0] + slides.audience_link(
        slide
    )
    left, right = st.columns([6, 1], vertical_alignment="bottom")
    with left:
        stamp = datetime.now(UTC).strftime("%d %b %Y %H:%M UTC")
        data_as_of = components.format_when(footer.as_of)
        source = (
            _("Demo data (illustrative, not official statistics)")
            if footer.is_demo
            else footer.source
        )
        st.caption(
            f"{_('As of')} {stamp} · {_('data updated')} {data_as_of} · "
            f"{_('Source')}: {components.plain(source)} · {components.plain(deck.title)}"
        )
        st.caption(f"{_('Live view for the audience')}: {live_url}")
    with right:
        st.image(_qr_png(live_url), width=110)
    if deck.auto_advance_seconds:
        _auto_advance(deck.auto_advance_seconds, number, total)
    live.watch(ctx.data_version, ctx.settings.refresh_seconds)


# The deck builder


WORKING = "present__working"  # the deck being edited: DeckContent


def _working(ctx: PageContext, slug: str | None) -> DeckContent:
    working: DeckContent | None = st.session_state.get(WORKING)
    if working is not None and (slug is None or working.slug == slug):
        return working
    if slug:
        working = ctx.read(decks.load_deck, slug)
    else:
        working = DeckContent(slug="", title="", slides=())
    st.session_state[WORKING] = working
    return working


def _replace_slides(working: DeckContent, new: tuple[Slide, ...]) -> None:
    st.session_state[WORKING] = DeckContent(
        slug=working.slug,
        title=working.title,
        slides=new,
        auto_advance_seconds=working.auto_advance_seconds,
        version=working.version,
    )


def _move(working: DeckContent, index: int, step: int) -> None:
    items = list(working.slides)
    target = index + step
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
    _replace_slides(working, tuple(items))


def _remove(working: DeckContent, index: int) -> None:
    _replace_slides(working, tuple(s for i, s in enumerate(working.slides) if i != index))


def slide_params_form(ctx: PageContext, kind: str) -> dict:
    from gdc_tracker.queries import geo, overview

    if kind == "objective":
        return {
            "objective": st.selectbox(
                _("Objective"), ["1", "2", "3", "4", "5"], key="present__objective"
            )
        }
    if kind in ("indicator", "map"):
        indicators = (
            ctx.load(geo.map_indicators) if kind == "map" else ctx.load(overview.indicators)
        )
        names = dict(zip(indicators["code"], indicators["name"], strict=True))
        code = st.selectbox(
            _("Indicator"), list(names), format_func=names.get, key=f"present__{kind}_indicator"
        )
        if kind == "indicator":
            geographies = ctx.load(overview.geographies)
            labels = dict(zip(geographies["code"], geographies["name"], strict=True))
            chosen = st.multiselect(
                _("Geographies"),
                list(labels),
                default=["WLD"],
                format_func=labels.get,
                key="present__geo",
            )
            return {"indicator": code, "geo": chosen or ["WLD"]}
        years = ctx.load(geo.indicator_years, indicator_code=code)["year"].tolist()
        year = st.selectbox(_("Year"), sorted(years, reverse=True), key="present__year")
        return {"indicator": code, "year": str(year)}
    if kind == "regional":
        regional = ctx.load(overview.regional_initiatives)
        keys = [f"{r.code}/{r.cycle}" for r in regional.itertuples()]
        return {"ri": st.selectbox(_("Regional initiative"), keys, key="present__ri")}
    if kind == "changes":
        since = st.date_input(_("Since"), key="present__since")
        return {"since": since.isoformat()}
    return {}


def _save(ctx: PageContext, working: DeckContent, title: str, seconds: int) -> None:
    content = DeckContent(
        slug=working.slug or decks.slugify(title),
        title=title,
        slides=working.slides,
        auto_advance_seconds=seconds or None,
        version=working.version,
    )
    try:
        with db.write_scope(cache.get_engine()) as session:
            saved = decks.save_deck(session, content, by=ctx.identity)  # type: ignore[arg-type]
    except GdcTrackerError as error:  # a refusal, or the store busy: both say what to do
        st.error(str(error), icon="⚠️")
        return
    except sa.exc.SQLAlchemyError as error:  # refused or lost: a sentence, not a traceback
        st.error(components.write_failed(error, nothing_done=_("Nothing was saved.")), icon="⚠️")
        return
    st.session_state[WORKING] = saved
    st.query_params["deck"] = saved.slug
    st.success(_("Deck saved ({count} slides).").format(count=len(saved.slides)))


def builder(ctx: PageContext, slug: str | None) -> None:
    working = _working(ctx, slug)
    title = st.text_input(_("Deck name"), value=working.title, key="present__title")
    seconds = st.number_input(
        _("Auto-advance every (seconds, 0 for off)"),
        min_value=0,
        max_value=600,
        value=working.auto_advance_seconds or 0,
        key="present__seconds",
    )
    st.markdown(f"**{_('Slides')}** ({len(working.slides)})")
    for index, slide in enumerate(working.slides):
        row = st.columns([6, 1, 1, 1], vertical_alignment="center")
        shown = components.plain(slides.default_title(ctx, slide))
        row[0].markdown(f"{index + 1}. {shown} ({_(slides.SLIDE_KINDS[slide.kind])})")
        row[1].button("↑", key=f"present__up_{index}", on_click=_move, args=(working, index, -1))
        row[2].button("↓", key=f"present__down_{index}", on_click=_move, args=(working, index, 1))
        row[3].button("✕", key=f"present__remove_{index}", on_click=_remove, args=(working, index))
    with st.container(border=True):
        kind = st.selectbox(
            _("Add a slide"),
            list(slides.SLIDE_KINDS),
            format_func=lambda k: _(slides.SLIDE_KINDS[k]),
            key="present__kind",
        )
        params = slide_params_form(ctx, kind)
        if st.button(_("Add slide"), key="present__add"):
            _replace_slides(working, (*working.slides, Slide(kind=kind, params=params)))
            st.rerun()
    if st.button(
        _("Save deck"), type="primary", key="present__save", disabled=ctx.identity is None
    ):
        _save(ctx, st.session_state[WORKING], title, int(seconds))
