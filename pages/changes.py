"""What changed since a date (the last Council session by default): new values, corrections,
statuses, milestones, initiatives; data loads apart."""

from datetime import date

import streamlit as st

from gdc_tracker.i18n import _
from gdc_tracker.queries import changes
from gdc_tracker.ui import components, filters
from gdc_tracker.ui.frame import page_frame
from gdc_tracker.views import day_text
from gdc_tracker.views.changes import changes_view


def since_caption(council: changes.SessionStart | None, since: date) -> str:
    """Names the Council session the date stands for, or the one to pick."""
    if council is None:
        return _("No Council session is recorded: showing the last 180 days by default.")
    day = day_text(council.starts_on)
    if since == council.starts_on:
        return _("Since {name} ({day}).").format(name=council.name, day=day)
    return _("The last Council session, {name}, started on {day}.").format(
        name=council.name, day=day
    )


def render() -> None:
    ctx = page_frame(__file__)
    st.title(_("What changed"), anchor=False)
    components.share_link()
    council = ctx.load(changes.last_council_session)
    today = date.today()
    since = filters.day(
        _("Changes since"),
        param="since",
        default=council.starts_on if council else today - changes.DEFAULT_LOOKBACK,
        max_value=today,
    )
    st.caption(since_caption(council, since))
    st.caption(
        _(
            "Only published entries count. Loading reference data, starter data or demo data "
            "is a data load, listed apart: it is not ITU's work."
        )
    )
    view = ctx.load(changes_view, since=since, thresholds=ctx.settings.thresholds)
    components.figure_rows(view.figures)
    st.markdown(components.plain(view.summary))
    components.show_sections(view, key="changes")


render()
