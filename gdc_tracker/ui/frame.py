"""The frame every page runs inside: page config, the sectioned menu, the store's health.

Each page script starts with `ctx = page_frame(__file__)`. Because Streamlit may run a
page script directly (a deep link as the first request after a start), the frame is not
left to app.py: every page draws it, and every page checks its own access.

Nothing raw reaches the reader. Every read of a page run goes through the frame (its own
data-version and sign-in reads, `ctx.load` for cached queries, `ctx.read` for the few
uncached ones), and each runs inside `store_guard`: a database error, a dropped
connection or a statement cancelled behind a lock, ends the run with a clear message at
the top of the page instead of a traceback. The run ends with `st.stop()`, which
Streamlit treats as a premature stop, so it keeps the state of every widget the run did
not reach: the values someone typed come back when the page draws again, which it tries
by itself after `cache.get_settings().refresh_seconds`.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from gdc_tracker import db
from gdc_tracker.auth import Identity, has_role
from gdc_tracker.config import PROJECT_ROOT, Settings
from gdc_tracker.db import DatabaseError
from gdc_tracker.i18n import _, current_language, is_right_to_left
from gdc_tracker.live import reads_published_only
from gdc_tracker.models import Role, role_label
from gdc_tracker.ui import cache, components, filters, language, live, session
from gdc_tracker.ui.cache import ChartSpec
from gdc_tracker.ui.navigation import PAGES, SECTIONS, PageSpec, page

APP_NAME = "GDC Tracker"
Result = TypeVar("Result")
RETRY_ARMED = "frame__retry_armed"  # the automatic retry's first tick has been drawn
# Right-to-left pages (Arabic): Streamlit lays pages out left to right, so the frame turns
# the page's text direction; charts keep their own left-to-right time axes.
RIGHT_TO_LEFT_STYLE = """<style>
[data-testid="stAppViewContainer"], [data-testid="stSidebar"] { direction: rtl; }
[data-testid="stMarkdownContainer"], [data-testid="stCaptionContainer"] { text-align: right; }
[data-testid="stVegaLiteChart"], [data-testid="stDeckGlJsonChart"] { direction: ltr; }
</style>"""

language.install()


@dataclass(frozen=True)
class PageContext:
    spec: PageSpec
    settings: Settings
    data_version: int
    identity: Identity | None = None
    notice: DeltaGenerator | None = None  # the top of the page, where trouble is reported
    public_version: int = 0  # the counter of changes a reader of published data can see

    def watch_live(self) -> None:
        """Rerun the page when something this reader can see changes (gdc_tracker.ui.live)."""
        watched = watched_version(self.identity, self.data_version, self.public_version)
        live.watch(*watched, every_seconds=self.settings.refresh_seconds)

    def load(self, query: Callable[..., Result], **arguments: Any) -> Result:
        """`query(session, **arguments)`, cached at this rerun's data version (the public
        one for a view marked `live.published_only`)."""
        version = self.public_version if reads_published_only(query) else self.data_version
        with store_guard(self.notice):
            return cache.load(query, version, **arguments)

    def read(self, query: Callable[..., Result], *arguments: Any, **keywords: Any) -> Result:
        """`query(session, *arguments, **keywords)` read now, uncached (a saved deck is
        small and is read as it is at this moment); a database error ends the run with
        the same clear message as `load`."""
        with store_guard(self.notice), db.session_scope(cache.get_engine()) as session:
            return query(session, *arguments, **keywords)

    def chart(self, builder: Callable[..., Any], *arguments: Any, **keywords: Any) -> ChartSpec:
        """The specification of the Altair chart `builder(*arguments, **keywords)`, built
        once for the same arguments (building and validating a chart costs more than the
        rest of a cached rerun)."""
        return cache.chart_spec(builder, *arguments, **keywords)


# The store in trouble: a clear message, the typed values kept, a retry


def store_trouble(error: BaseException) -> BaseException | None:
    """The database error behind `error`, or None when `error` is not the store's doing.

    The driver's errors (SQLAlchemy wraps them all in DBAPIError), a pool with no free
    connection, and a store that could not be opened because the driver failed. A
    DatabaseError of its own (a schema behind the code) is not trouble to wait out: the
    frame says which command to run instead.
    """
    if isinstance(error, sa.exc.DBAPIError | sa.exc.TimeoutError):
        return error
    if isinstance(error, DatabaseError) and isinstance(error.__cause__, Exception):
        return error.__cause__
    return None


@contextmanager
def store_guard(notice: DeltaGenerator | None = None, *, opening: bool = False) -> Iterator[None]:
    """Run a read; if the store fails it, say so in `notice` (else here) and end the run.

    Ending the run with `st.stop()` rather than returning matters: Streamlit drops the
    state of widgets a finished run did not draw, but keeps it after a stop.
    """
    try:
        yield
    except (sa.exc.SQLAlchemyError, DatabaseError) as error:
        cause = store_trouble(error)
        if cause is None:
            raise
        with (st.container() if notice is None else notice).container():
            message = components.store_unavailable(
                cause, retry_seconds=_retry_seconds(), opening=opening
            )
            st.error(message, icon="⚠️")
            st.button(_("Try again"), key="frame__retry", icon="🔄")
            _retry_later(_retry_seconds())
        st.stop()


def _retry_seconds() -> int:
    return cache.get_settings().refresh_seconds


def _retry_later(seconds: int) -> None:
    """Rerun the whole page once, `seconds` from now (the fragment's first tick)."""

    @st.fragment(run_every=seconds)
    def _tick() -> None:
        if st.session_state.get(RETRY_ARMED):
            st.session_state[RETRY_ARMED] = False
            st.rerun(scope="app")
        st.session_state[RETRY_ARMED] = True

    _tick()


def _spec_for(script: str) -> PageSpec:
    return page(Path(script).resolve().relative_to(PROJECT_ROOT).as_posix())


def _visible(spec: PageSpec, identity: Identity | None) -> bool:
    return spec.role is None or has_role(identity, spec.role)


def _sidebar(identity: Identity | None, reader_language: str) -> bool:
    with st.sidebar:
        st.container(key="frame__name").markdown(f"**{APP_NAME}**")  # not a heading: h1 is first
        st.caption(_("ITU's implementation of the Global Digital Compact"))
        language.language_switch(reader_language)
        for section in SECTIONS:
            specs = [p for p in PAGES if p.section == section and _visible(p, identity)]
            if not specs:
                continue
            st.caption(_(section).upper())
            for spec in specs:
                st.page_link(
                    spec.path,
                    label=_(spec.title),
                    icon=spec.icon,
                    query_params=language.page_query(reader_language),
                )
        st.divider()
        live_on = filters.toggle(
            _("Live refresh"),
            param="live",
            help=_("Redraw this page when anyone changes the data."),
        )
        session.account_box(identity)
    return live_on


def _refuse(spec: PageSpec, identity: Identity | None) -> None:
    """A page reached by URL that the visitor may not use: say so, show nothing else.

    A write this visitor just sent and was refused for the same reason (a role lowered
    while the page was open) is explained first: nothing was saved.
    """
    st.title(_(spec.title), anchor=False)
    refusal = components.pop_refusal()
    if refusal:
        st.warning(components.plain(refusal), icon="✋")
    if identity is None:
        message = _("This page is for users with the {role} role or above. Sign in to use it.")
    else:
        message = _(
            "This page is for users with the {role} role or above. Your role ({yours}) "
            "does not give access to it."
        )
    yours = role_label(identity.role) if identity else ""
    st.error(message.format(role=role_label(spec.role), yours=yours), icon="🔒")
    st.stop()


def page_frame(script: str) -> PageContext:
    """Set up the page for `script` (pass `__file__`): config, menu, sign-in, access.

    Stops with a clear message when the store cannot be opened, or when the visitor's
    role does not give access to the page (also when it is reached by URL).
    """
    spec = _spec_for(script)
    st.set_page_config(
        page_title=f"{_(spec.title)} · {APP_NAME}",
        page_icon=spec.icon,
        layout="wide",
        initial_sidebar_state="auto",  # collapsed on a phone, open on a wider screen
    )
    st.session_state[RETRY_ARMED] = False  # a full run: any pending retry starts afresh
    components.page_style()
    reader_language = current_language()
    language.keep_in_address(reader_language)
    if is_right_to_left(reader_language):
        st.markdown(RIGHT_TO_LEFT_STYLE, unsafe_allow_html=True)
    notice = st.empty()
    try:
        with store_guard(notice, opening=True):
            cache.get_engine()
        with store_guard(notice):
            version, public_version = cache.current_data_versions()
            identity = session.current_identity()
    except DatabaseError as error:  # the store is not at this code's schema
        st.error(_("The store cannot be opened.\n\n{reason}").format(reason=error), icon="⚠️")
        st.stop()
    live_on = _sidebar(identity, reader_language)
    if not _visible(spec, identity):
        _refuse(spec, identity)
    context = PageContext(
        spec=spec,
        settings=cache.get_settings(),
        data_version=version,
        identity=identity,
        notice=notice,
        public_version=public_version,
    )
    if live_on:
        with st.sidebar:
            context.watch_live()
    return context


def watched_version(
    identity: Identity | None, version: int, public_version: int
) -> tuple[int, bool]:
    """(the version a live page watches, whether it is the public one). Editors and above
    see drafts on some pages, so their pages watch every write; everyone else's watch only
    the writes they can see, so that the room's screens do not rerun at each draft saved."""
    if has_role(identity, Role.EDITOR):
        return version, False
    return public_version, True
