"""What changed since a date: new and corrected entries, statuses, milestones, initiatives."""

from datetime import date, timedelta

import streamlit as st

from gdc_tracker.i18n import _
from gdc_tracker.queries import changes
from gdc_tracker.ui import components, filters
from gdc_tracker.ui.frame import page_frame

DEFAULT_LOOKBACK = timedelta(days=180)  # about one Council working-group cycle


def render() -> None:
    ctx = page_frame(__file__)
    st.title(_("What changed"))
    components.share_link()
    since = filters.day(
        _("Changes since"),
        param="since",
        default=date.today() - DEFAULT_LOOKBACK,
        max_value=date.today(),
    )
    st.caption(
        _(
            "Pick the date of the last Council session to see what is new or different "
            "since then. Only published entries count."
        )
    )
    summary = ctx.load(changes.change_summary, since=since)
    columns = st.columns(len(summary))
    for column, row in zip(columns, summary.itertuples(), strict=True):
        column.metric(_(changes.CHANGE_LABELS.get(row.kind, row.kind)), f"{row.count:,}")
    st.subheader(_("New published entries, by indicator or initiative"))
    added = ctx.load(changes.entries_added, since=since)
    if added.empty:
        components.empty_state(
            _("No entries were published since this date."),
            _("Pick an earlier date to look further back."),
        )
    else:
        components.table(added, name=f"entries-added-since-{since}", key="changes__added")
    st.subheader(_("Corrections, statuses, milestones and new initiatives"))
    listed = ctx.load(changes.changes_since, since=since)
    if listed.empty:
        components.empty_state(
            _("Nothing else changed since this date."),
            _("Pick an earlier date to look further back."),
        )
    else:
        components.table(
            listed,
            name=f"changes-since-{since}",
            key="changes__list",
            column_config={"at": st.column_config.DatetimeColumn(_("When"), format="D MMM YYYY")},
        )


render()
