"""Live refresh for presenter mode and any page that opts in (`?live=1`)."""

from datetime import UTC, datetime

import sqlalchemy as sa
import streamlit as st
from babel.dates import format_skeleton

from gdc_tracker import live
from gdc_tracker.i18n import _, current_language
from gdc_tracker.ui import cache, components


def watch(seen_version: int, public: bool, *, every_seconds: int) -> None:
    """Every `every_seconds`, check the data version (the public one, with `public`);
    rerun the whole page if it moved.

    A check the store fails says so in place of the stamp and is simply tried again at
    the next tick: the page as drawn stays, and nothing is lost."""

    @st.fragment(run_every=every_seconds)
    def _tick() -> None:
        checked = format_skeleton("Hms", datetime.now(UTC), tzinfo=UTC, locale=current_language())
        try:
            moved = live.has_moved(cache.get_engine(), seen_version, public=public)
        except (sa.exc.DBAPIError, sa.exc.TimeoutError) as error:
            message = _(
                "Live · the store did not answer at {time} UTC; checking again every "
                "{seconds} s. (The database said: {reason})"
            )
            reason = components.plain(components.driver_reason(error))
            st.caption(message.format(time=checked, seconds=every_seconds, reason=reason))
            return
        if moved:
            st.rerun(scope="app")
        stamp = _("Live · checked {time} UTC · every {seconds} s")
        st.caption("🔴 " + stamp.format(time=checked, seconds=every_seconds))

    _tick()
