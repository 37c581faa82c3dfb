"""Live refresh for presenter mode and any page that opts in (`?live=1`)."""

from datetime import UTC, datetime

import streamlit as st

from gdc_tracker import live
from gdc_tracker.i18n import _
from gdc_tracker.ui import cache


def watch(seen_version: int, every_seconds: int) -> None:
    """Every `every_seconds`, check the data version; rerun the whole page if it moved."""

    @st.fragment(run_every=every_seconds)
    def _tick() -> None:
        if live.has_moved(cache.get_engine(), seen_version):
            st.rerun(scope="app")
        checked = datetime.now(UTC).strftime("%H:%M:%S")
        st.caption(
            f"🔴 {_('Live')} · {_('checked')} {checked} UTC · {_('every')} {every_seconds} s"
        )

    _tick()
