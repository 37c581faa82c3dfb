"""Presenter mode and the deck builder. Keys are prefixed `present__`.

Presenter mode hides Streamlit's chrome and the sidebar with a style sheet of our own (no
user text goes into it) and enlarges the type for a 1920x1080 screen seen from the back
of a room. The URL always holds `deck`, `mode=show` and `slide` (and `paused=1` while
auto-advance is paused): the page writes them back on every run, so whichever way the
presenter came in (the Present button, a shared link, the builder), a reload, a key press
or a copied link lands on the same slide.

The keys a presentation clicker sends: PageDown, Right or Space for the next slide;
PageUp or Left for the previous one; Home and End for the first and last; B or "." to
blank the screen and back. A button takes one shortcut, so the extra keys are buttons
kept out of sight (`present__keys`); Streamlit's shortcuts take no punctuation, so a
few lines of script turn "." into a press of the blank button.
"""

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from typing import cast

import segno
import sqlalchemy as sa
import streamlit as st

from gdc_tracker import db, decks
from gdc_tracker.decks import DeckContent, Slide
from gdc_tracker.errors import GdcTrackerError
from gdc_tracker.i18n import N_, _
from gdc_tracker.ui import cache, components, language, slides
from gdc_tracker.ui.frame import PageContext
from gdc_tracker.views import View, format_as_of

PRESENTER_STYLE = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header,
[data-testid="stToolbar"], [data-testid="stDecoration"], footer { display: none !important; }
.block-container { padding-top: 1.2rem !important; max-width: 100% !important; }
.st-key-present__keys { display: none !important; }
[data-testid="stMain"] p, [data-testid="stMain"] li,
[data-testid="stMain"] [data-testid="stText"] { font-size: 1.75rem !important; line-height: 1.4; }
[data-testid="stMain"] h1 { font-size: 3.2rem !important; line-height: 1.15; }
[data-testid="stMain"] h2 { font-size: 2.6rem !important; }
[data-testid="stMain"] h3 { font-size: 2.2rem !important; }
[data-testid="stMain"] h4 { font-size: 1.9rem !important; }
[data-testid="stMain"] [data-testid="stMetricValue"] p {
  font-size: 4.5rem !important; line-height: 1.1; font-weight: 600; }
[data-testid="stMain"] [data-testid="stMetricLabel"] p { font-size: 1.6rem !important; }
[data-testid="stMain"] [data-testid="stMetricDelta"] p { font-size: 1.4rem !important; }
[data-testid="stMain"] [data-testid="stCaptionContainer"] p { font-size: 1.2rem !important; }
[data-testid="stMain"] button p { font-size: 1.3rem !important; }
[data-testid="stMain"] [data-testid="stTable"] :is(th, td) { font-size: 1.5rem !important; }
.deck-tooltip { font-size: 1.4rem !important; }
.st-key-present__counter p { font-size: 1.6rem !important; font-weight: 600; }
</style>
"""

BLANK_STYLE = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header,
[data-testid="stToolbar"], [data-testid="stDecoration"], footer { display: none !important; }
.st-key-present__keys { display: none !important; }
[data-testid="stApp"], [data-testid="stMain"], [data-testid="stAppViewContainer"] {
  background: #000 !important; }
.st-key-present__blanked p { color: #444 !important; font-size: 0.8rem !important; }
</style>
"""

# "." cannot be a Streamlit shortcut (no punctuation): it presses the blank button.
FULL_STOP_BLANKS = """
<script>
if (!window.gdcFullStopBlanks) {
  window.gdcFullStopBlanks = true;
  document.addEventListener("keydown", (event) => {
    if (event.key !== "." || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target && (target.isContentEditable ||
        ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))) return;
    const button = document.querySelector(".st-key-present__blank button");
    if (button) { event.preventDefault(); button.click(); }
  });
}
</script>
"""

BLANKED = "present__blanked_screen"  # session state: True while the screen is black
SHOWN_AT = "present__shown_at"  # session state: when the current slide came up
QR_ALT = N_("QR code: link to the live view for the audience")


def slide_number(total: int) -> int:
    """The 1-based slide of `?slide=`, kept within the deck."""
    try:
        number = int(st.query_params.get("slide", "1"))
    except ValueError:
        number = 1
    return min(max(number, 1), max(total, 1))


def pin_url(slug: str, number: int) -> None:
    """Write deck, mode and slide into the URL on every run.

    A page link to the page already open runs it with the link's parameters but leaves
    the browser's address as it was; the next key press would then rerun with the old
    address and drop `mode`. Writing them back each run puts them in the address bar."""
    st.query_params.update(deck=slug, mode="show", slide=str(number))


def _go(number: int) -> None:
    st.query_params["slide"] = str(number)


def is_paused() -> bool:
    return st.query_params.get("paused") == "1"


def _toggle_pause() -> None:
    if is_paused():
        st.query_params.pop("paused", None)
    else:
        st.query_params["paused"] = "1"
    st.session_state.pop(SHOWN_AT, None)  # a resumed slide gets its full time


def _toggle_blank() -> None:
    st.session_state[BLANKED] = not st.session_state.get(BLANKED, False)


def _qr_png(url: str) -> bytes:
    buffer = BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=4, border=2)
    return buffer.getvalue()


def _auto_advance(seconds: int, number: int, total: int) -> None:
    @st.fragment(run_every=seconds)
    def _tick() -> None:
        started = st.session_state.setdefault(SHOWN_AT, {})
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


def clicker_keys(number: int, total: int) -> None:
    """The keys beyond the visible buttons' own, as buttons nobody sees."""
    following, preceding = min(number + 1, total), max(number - 1, 1)
    keys: list[tuple[str, str, str, Callable[..., None], tuple[int, ...]]] = [
        # (label, key, shortcut, callback, arguments)
        (_("Next slide"), "present__page_down", "PageDown", _go, (following,)),
        (_("Next slide"), "present__space", "Space", _go, (following,)),
        (_("Previous slide"), "present__page_up", "PageUp", _go, (preceding,)),
        (_("First slide"), "present__first", "Home", _go, (1,)),
        (_("Last slide"), "present__last", "End", _go, (total,)),
        (_("Blank the screen"), "present__blank", "B", _toggle_blank, ()),
    ]
    with st.container(key="present__keys"):
        for label, key, shortcut, callback, arguments in keys:
            st.button(label, key=key, shortcut=shortcut, on_click=callback, args=arguments)
        st.html(FULL_STOP_BLANKS, unsafe_allow_javascript=True)


def blank_screen() -> None:
    st.markdown(BLANK_STYLE, unsafe_allow_html=True)
    with st.container(key="present__blanked"):
        st.markdown(_("Screen blanked — press B to return"))
    with st.container(key="present__keys"):
        st.button(
            _("Return from the blank screen"),
            key="present__blank",
            shortcut="B",
            on_click=_toggle_blank,
        )
        st.html(FULL_STOP_BLANKS, unsafe_allow_javascript=True)


def controls(ctx: PageContext, deck: DeckContent, number: int, total: int) -> None:
    """The title row: the slide's title, previous, next, the counter and pause."""
    slide = deck.slides[number - 1]
    top = st.columns([7, 1.5, 1.5, 1, 1.3], vertical_alignment="center")
    top[0].title(components.plain(slides.default_title(ctx, slide)), anchor=False)
    top[1].button(
        _("Previous slide"),
        icon=":material/chevron_left:",
        key="present__previous",
        on_click=_go,
        args=(max(number - 1, 1),),
        shortcut="Left",
        disabled=number == 1,
        width="stretch",
    )
    top[2].button(
        _("Next slide"),
        icon=":material/chevron_right:",
        icon_position="right",
        key="present__next",
        on_click=_go,
        args=(min(number + 1, total),),
        shortcut="Right",
        disabled=number == total,
        width="stretch",
    )
    with top[3].container(key="present__counter"):
        st.markdown(f"**{number} / {total}**")
    if deck.auto_advance_seconds:
        top[4].button(
            _("Resume") if is_paused() else _("Pause"),
            icon=":material/play_arrow:" if is_paused() else ":material/pause:",
            key="present__pause",
            on_click=_toggle_pause,
            shortcut="P",
            width="stretch",
        )


def footer(deck: DeckContent, drawn: View) -> None:
    """When, from where, what deck; and the QR code to the live view for the audience."""
    about = drawn.about
    sources, as_of, notice = about.sources_text(), about.as_of, about.notice()
    base = (st.context.url or "").split("?", 1)[0].rsplit("/", 1)[0]
    live_url = base + drawn.link  # the explore page showing the same view
    left, right = st.columns([6, 1], vertical_alignment="bottom")
    with left:
        stamp = format_as_of(datetime.now(UTC))
        st.caption(
            _("As of {stamp} · data updated {date} · Source: {sources} · {deck}").format(
                stamp=stamp,
                date=components.format_when(as_of),
                sources=components.plain(sources),
                deck=components.plain(deck.title),
            )
        )
        if notice:  # in the room's own words, red and bold: never missed on a screen
            st.markdown(f"**:red[{components.plain(notice)}]**")
        st.caption(_("Live view for the audience: {address}").format(address=live_url))
    with right:
        st.image(_qr_png(live_url), width=110, alt=_(QR_ALT))


def present(ctx: PageContext, deck: DeckContent) -> None:
    total = len(deck.slides)
    number = slide_number(total)
    pin_url(deck.slug, number)
    if st.session_state.get(BLANKED):
        blank_screen()
        return
    st.markdown(PRESENTER_STYLE, unsafe_allow_html=True)
    clicker_keys(number, total)
    controls(ctx, deck, number, total)
    slide = deck.slides[number - 1]
    footer(deck, slides.draw(ctx, slide))
    if deck.auto_advance_seconds and not is_paused():
        _auto_advance(deck.auto_advance_seconds, number, total)
    ctx.watch_live()


# The deck builder
#
# The deck being edited lives in session state (WORKING); the name and auto-advance
# widgets keep their own keyed state, seeded from the deck when editing starts and never
# given `value=`, so a rerun (a slide added, moved or removed, auto-advance changed)
# leaves what was typed alone. Callbacks read the deck from session state when they run,
# not as it was when the buttons were drawn: a name typed just before a click is kept.

WORKING = "present__working"  # the deck being edited: DeckContent
TITLE = "present__title"
SECONDS = "present__seconds"
SAVED = "present__saved_message"  # what the last save said: ("success" | "error", text)
LOOKBACK = timedelta(days=180)  # "Since" when no Council session is recorded


def _start_editing(deck: DeckContent) -> None:
    st.session_state[WORKING] = deck
    st.session_state[TITLE] = deck.title
    st.session_state[SECONDS] = deck.auto_advance_seconds or 0


def _working(ctx: PageContext, slug: str | None) -> DeckContent:
    """The deck being edited: the one in the URL, or the unsaved new deck."""
    working: DeckContent | None = st.session_state.get(WORKING)
    if working is None or working.slug != (slug or ""):
        loaded = ctx.read(decks.load_deck, slug) if slug else DeckContent("", "", ())
        _start_editing(loaded)
        return loaded
    # A widget not drawn in some run (presenter mode in between) loses its state:
    # the deck remembers what was typed.
    st.session_state.setdefault(TITLE, working.title)
    st.session_state.setdefault(SECONDS, working.auto_advance_seconds or 0)
    return working


def _current() -> DeckContent:
    return st.session_state[WORKING]


def _remember_fields() -> None:
    st.session_state[WORKING] = replace(
        _current(),
        title=st.session_state.get(TITLE, ""),
        auto_advance_seconds=int(st.session_state.get(SECONDS) or 0) or None,
    )


def _replace_slides(new: tuple[Slide, ...]) -> None:
    _remember_fields()
    st.session_state[WORKING] = replace(_current(), slides=new)


def _move(index: int, step: int) -> None:
    items = list(_current().slides)
    target = index + step
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
    _replace_slides(tuple(items))


def _remove(index: int) -> None:
    _replace_slides(tuple(s for i, s in enumerate(_current().slides) if i != index))


def _add(kind: str, params: dict) -> None:
    _replace_slides((*_current().slides, Slide(kind=kind, params=params)))


def default_since(ctx: PageContext) -> date:
    """The first day of the previous Council session, else 180 days ago."""
    from gdc_tracker.queries import changes

    previous = getattr(changes, "previous_council_session", None)
    found = ctx.load(previous) if previous is not None else None
    return found or date.today() - LOOKBACK


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
            _("Indicator"),
            list(names),
            format_func=cast(Callable[[str], str], names.get),  # the options are its keys
            key=f"present__{kind}_indicator",
        )
        if kind == "indicator":
            geographies = ctx.load(overview.geographies)
            labels = dict(zip(geographies["code"], geographies["name"], strict=True))
            chosen = st.multiselect(
                _("Geographies"),
                list(labels),
                default=["WLD"],
                format_func=cast(Callable[[str], str], labels.get),  # the options are its keys
                key="present__geo",
                placeholder=_("Choose options"),
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
        since = st.date_input(_("Since"), value=default_since(ctx), key="present__since")
        return {"since": since.isoformat()}
    if kind == "implementation_map":
        return implementation_map_params()
    if kind == "data_gaps":
        indicators = ctx.load(overview.indicators)
        names = {"": _("All indicators")} | dict(
            zip(indicators["code"], indicators["name"], strict=True)
        )
        code = st.selectbox(
            _("Indicator"),
            list(names),
            format_func=cast(Callable[[str], str], names.get),  # the options are its keys
            key="present__gaps_indicator",
        )
        return {"indicator": code, "by": "region"}
    if kind == "update_cycle":
        from gdc_tracker import cycles

        stored = ctx.load(cycles.cycles)
        cycle_names = ["", *stored["name"]]
        chosen = st.selectbox(
            _("Reporting cycle"),
            cycle_names,
            format_func=lambda n: n or _("The current cycle"),
            key="present__cycle",
        )
        return {"cycle": chosen} if chosen else {}
    return {}


def implementation_map_params() -> dict:
    from gdc_tracker.views import implementation as views

    names = {str(k): v for k, v in views.FRAMEWORK_NAMES.items()}
    framework = st.selectbox(
        _("Rows"),
        list(names),
        format_func=cast(Callable[[str], str], names.get),  # the options are its keys
        key="present__map_framework",
    )
    columns = st.selectbox(
        _("Columns"),
        list(views.COLUMNS),
        format_func=cast(Callable[[str], str], views.COLUMNS.get),  # the options are its keys
        key="present__map_columns",
    )
    params = {"framework": framework, "columns": columns, "level": "paragraphs"}
    if framework == "gdc":
        objective = st.selectbox(
            _("GDC objective"),
            ["", "1", "2", "3", "4", "5"],
            key="present__map_objective",
            format_func=lambda n: n or _("All five"),
        )
        params["objective"] = objective
    return params


def _save(ctx: PageContext) -> None:
    """The save button's callback: runs before the page, so it may reset the fields."""
    _remember_fields()
    working = _current()
    title = working.title.strip()
    content = replace(working, slug=working.slug or decks.slugify(title), title=title)
    try:
        with db.write_scope(cache.get_engine()) as session:
            saved = decks.save_deck(session, content, by=ctx.identity)
    except GdcTrackerError as error:  # a refusal, or the store busy: both say what to do
        st.session_state[SAVED] = ("error", str(error))
        return
    except sa.exc.SQLAlchemyError as error:  # refused or lost: a sentence, not a traceback
        message = components.nothing_saved(error)
        st.session_state[SAVED] = ("error", message)
        return
    _start_editing(saved)
    st.query_params["deck"] = saved.slug
    message = _("Deck saved ({count} slides).").format(count=len(saved.slides))
    st.session_state[SAVED] = ("success", message)


def _save_outcome(slug: str) -> None:
    outcome = st.session_state.pop(SAVED, None)
    if outcome is not None:
        kind, message = outcome
        if kind == "success":
            st.success(message, icon="✅")
        else:
            st.error(message, icon="⚠️")
    if slug:
        st.page_link(
            "pages/present.py",
            label=_("Present this deck"),
            icon="▶️",
            query_params=language.link_query({"deck": slug, "mode": "show", "slide": "1"}),
        )


def slide_list(ctx: PageContext, working: DeckContent) -> None:
    st.markdown(_("**Slides** ({count})").format(count=len(working.slides)))
    for index, slide in enumerate(working.slides):
        row = st.columns([6, 1, 1, 1], vertical_alignment="center")
        shown = components.plain(slides.default_title(ctx, slide))
        row[0].markdown(f"{index + 1}. {shown} ({slides.kind_label(slide.kind)})")
        row[1].button(
            "↑", key=f"present__up_{index}", on_click=_move, args=(index, -1), help=_("Move up")
        )
        row[2].button(
            "↓", key=f"present__down_{index}", on_click=_move, args=(index, 1), help=_("Move down")
        )
        row[3].button(
            "✕", key=f"present__remove_{index}", on_click=_remove, args=(index,), help=_("Remove")
        )


def builder(ctx: PageContext, slug: str | None) -> None:
    working = _working(ctx, slug)
    if working.slug:
        st.query_params["deck"] = working.slug  # an Edit link to this page: into the URL
    st.text_input(_("Deck name"), key=TITLE, on_change=_remember_fields)
    st.number_input(
        _("Auto-advance every (seconds, 0 for off)"),
        min_value=0,
        max_value=600,
        key=SECONDS,
        on_change=_remember_fields,
    )
    slide_list(ctx, working)
    with st.container(border=True):
        kind = st.selectbox(
            _("Add a slide"),
            list(slides.SLIDE_KINDS),
            format_func=slides.kind_label,
            key="present__kind",
        )
        params = slide_params_form(ctx, kind)
        if st.button(_("Add slide"), key="present__add"):  # the choices of this very run
            _add(kind, params)
            st.rerun()
    st.button(
        _("Save deck"),
        type="primary",
        key="present__save",
        disabled=ctx.identity is None,
        on_click=_save,
        args=(ctx,),
    )
    _save_outcome(working.slug)
