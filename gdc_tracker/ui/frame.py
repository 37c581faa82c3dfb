"""The frame every page runs inside: page config, the sectioned menu, the store's health.

Each page script starts with `ctx = page_frame(__file__)`. Because Streamlit may run a
page script directly (a deep link as the first request after a start), the frame is not
left to app.py: every page draws it, and every page checks its own access.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import streamlit as st

from gdc_tracker.auth import Identity, has_role
from gdc_tracker.config import PROJECT_ROOT, Settings
from gdc_tracker.db import DatabaseError
from gdc_tracker.i18n import _
from gdc_tracker.ui import cache, filters, live, session
from gdc_tracker.ui.cache import ChartSpec
from gdc_tracker.ui.navigation import PAGES, SECTIONS, PageSpec, page

APP_NAME = "GDC Tracker"
Result = TypeVar("Result")


@dataclass(frozen=True)
class PageContext:
    spec: PageSpec
    settings: Settings
    data_version: int
    identity: Identity | None = None

    def load(self, query: Callable[..., Result], **arguments: Any) -> Result:
        """`query(session, **arguments)`, cached at this rerun's data version."""
        return cache.load(query, self.data_version, **arguments)

    def chart(self, builder: Callable[..., Any], *arguments: Any, **keywords: Any) -> ChartSpec:
        """The specification of the Altair chart `builder(*arguments, **keywords)`, built
        once for the same arguments (building and validating a chart costs more than the
        rest of a cached rerun)."""
        return cache.chart_spec(builder, *arguments, **keywords)


def _spec_for(script: str) -> PageSpec:
    return page(Path(script).resolve().relative_to(PROJECT_ROOT).as_posix())


def _visible(spec: PageSpec, identity: Identity | None) -> bool:
    return spec.role is None or has_role(identity, spec.role)


def _sidebar(identity: Identity | None) -> bool:
    with st.sidebar:
        st.markdown(f"### {APP_NAME}")
        st.caption(_("ITU's implementation of the Global Digital Compact"))
        for section in SECTIONS:
            specs = [p for p in PAGES if p.section == section and _visible(p, identity)]
            if not specs:
                continue
            st.caption(_(section).upper())
            for spec in specs:
                st.page_link(spec.path, label=_(spec.title), icon=spec.icon)
        st.divider()
        live_on = filters.toggle(
            _("Live refresh"),
            param="live",
            help=_("Redraw this page when anyone changes the data."),
        )
        session.account_box(identity)
    return live_on


def _refuse(spec: PageSpec, identity: Identity | None) -> None:
    """A page reached by URL that the visitor may not use: say so, show nothing else."""
    who = _("Sign in") if identity is None else _("Your role") + f" ({identity.role})"
    st.title(_(spec.title))
    st.error(
        f"{_('This page is for users with the')} **{spec.role}** {_('role or above.')} "
        f"{who} {_('does not give access to it.')}",
        icon="🔒",
    )
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
        initial_sidebar_state="expanded",
    )
    try:
        cache.get_engine()
        version = cache.current_data_version()
    except DatabaseError as error:
        st.error(_("The store cannot be opened.") + f"\n\n{error}", icon="⚠️")
        st.stop()
    except Exception as error:  # a dropped connection: say so, not a traceback
        st.error(
            _("The database did not answer. Try again in a moment.")
            + f"\n\n{error.__class__.__name__}: {str(error).splitlines()[0]}",
            icon="⚠️",
        )
        st.stop()
    identity = session.current_identity()
    live_on = _sidebar(identity)
    if not _visible(spec, identity):
        _refuse(spec, identity)
    if live_on:
        with st.sidebar:
            live.watch(version, cache.get_settings().refresh_seconds)
    return PageContext(
        spec=spec, settings=cache.get_settings(), data_version=version, identity=identity
    )
