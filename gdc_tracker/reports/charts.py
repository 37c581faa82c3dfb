"""The report's chart for one objective: its initiatives by status, its indicators by progress.

Two small bar panels side by side. Every bar is labelled with its status word and symbol and
its count, so the chart reads in black and white and without colour vision.
"""

from typing import cast

import altair as alt
import pandas as pd

from gdc_tracker.charts.base import status_scale
from gdc_tracker.i18n import _, ngettext
from gdc_tracker.models import InitiativeStatus, initiative_status_label
from gdc_tracker.palette import INITIATIVE_ORDER, PROGRESS_ORDER, PROGRESS_SYMBOLS, progress_label
from gdc_tracker.status import ProgressStatus

PANEL_WIDTH = 210
ROW_HEIGHT = 22
FONT = "DejaVu Sans, Liberation Sans, sans-serif"  # DejaVu draws the status symbols


def status_in_words(status: str) -> str:
    """ "▲ on track" (a progress status with its symbol) or "ongoing" (an initiative's
    status), in the reader's language."""
    if status in PROGRESS_SYMBOLS:
        return progress_label(status)
    return initiative_status_label(status)


def status_counts(frame: pd.DataFrame, *, count: str, order: list[str]) -> pd.DataFrame:
    """status, label, <count> for every status in `order` (0 where `frame` has none)."""
    given = dict(zip(frame["status"].astype(str), frame[count].astype(int), strict=True))
    return pd.DataFrame(
        {
            "status": order,
            "label": [status_in_words(s) for s in order],
            count: [given.get(s, 0) for s in order],
        }
    )


def _counted(count: str) -> str:
    """The heading of a count column: "Initiatives" or "Indicators"."""
    return _("Initiatives") if count == "initiatives" else _("Indicators")


def _panel(frame: pd.DataFrame, *, count: str, status_kind: str, title: str) -> alt.LayerChart:
    order = list(frame["label"])
    base = alt.Chart(frame, title=alt.TitleParams(title, anchor="start", fontSize=12)).encode(
        y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=160)),
        x=alt.X(f"{count}:Q", title=None, axis=alt.Axis(tickMinStep=1, format="d", grid=False)),
        tooltip=[
            alt.Tooltip("label:N", title=_("Status")),
            alt.Tooltip(f"{count}:Q", title=_counted(count)),
        ],
    )
    bars = base.mark_bar().encode(
        color=alt.Color("status:N", scale=status_scale(status_kind), legend=None)
    )
    labels = base.mark_text(align="left", dx=3, fontSize=11).encode(text=alt.Text(f"{count}:Q"))
    layered = alt.layer(bars, labels).properties(
        width=PANEL_WIDTH, height=ROW_HEIGHT * max(len(frame), 1)
    )
    return cast(alt.LayerChart, layered)  # no layer is faceted


def objective_status_chart(
    initiative_status: pd.DataFrame, indicator_status: pd.DataFrame, *, geo_name: str
) -> alt.HConcatChart:
    """`initiative_status` has status, initiatives; `indicator_status` has status, indicators."""
    initiatives = status_counts(initiative_status, count="initiatives", order=INITIATIVE_ORDER)
    indicators = status_counts(indicator_status, count="indicators", order=PROGRESS_ORDER)
    return (
        alt.hconcat(
            _panel(
                initiatives,
                count="initiatives",
                status_kind="initiative",
                title=_("Initiatives by status"),
            ),
            _panel(
                indicators,
                count="indicators",
                status_kind="progress",
                title=_("Indicators by progress status ({geo})").format(geo=geo_name),
            ),
            spacing=40,
        )
        .resolve_scale(color="independent", x="independent")
        .configure(font=FONT)
        .configure_view(stroke=None)
    )


def objective_status_summary(
    initiative_status: pd.DataFrame, indicator_status: pd.DataFrame, *, geo_name: str
) -> str:
    """One sentence saying what the chart shows, for readers who cannot see it."""
    initiatives = status_counts(initiative_status, count="initiatives", order=INITIATIVE_ORDER)
    indicators = status_counts(indicator_status, count="indicators", order=PROGRESS_ORDER)
    return _("Initiatives: {initiatives}. Indicators at {geo} level: {indicators}.").format(
        initiatives=count_words(initiatives, "initiatives"),
        geo=geo_name,
        indicators=count_words(indicators, "indicators"),
    )


def count_words(counts: pd.DataFrame, count: str) -> str:
    """ "5 ongoing, 1 planned" from status_counts(); "none" when all are zero."""
    parts = [
        status_count(str(s), int(n))
        for s, n in zip(counts["status"], counts[count], strict=True)
        if n
    ]
    return ", ".join(parts) if parts else _("none")


def status_count(status: str, count: int) -> str:
    """ "5 ongoing", "2 on track": how many initiatives or indicators have a status."""
    phrases: dict[str, str] = {
        # Translators: a number of initiatives with this status.
        InitiativeStatus.PLANNED: ngettext("{count} planned", "{count} planned", count),
        InitiativeStatus.ONGOING: ngettext("{count} ongoing", "{count} ongoing", count),
        InitiativeStatus.COMPLETED: ngettext("{count} completed", "{count} completed", count),
        InitiativeStatus.PAUSED: ngettext("{count} paused", "{count} paused", count),
        InitiativeStatus.NOT_STATED: ngettext("{count} not stated", "{count} not stated", count),
        # Translators: a number of indicators with this progress status.
        ProgressStatus.TARGET_MET: ngettext("{count} target met", "{count} target met", count),
        ProgressStatus.ON_TRACK: ngettext("{count} on track", "{count} on track", count),
        ProgressStatus.MODERATE: ngettext(
            "{count} moderate progress", "{count} moderate progress", count
        ),
        ProgressStatus.LIMITED: ngettext(
            "{count} limited progress", "{count} limited progress", count
        ),
        ProgressStatus.DETERIORATION: ngettext(
            "{count} deterioration", "{count} deterioration", count
        ),
        ProgressStatus.INSUFFICIENT_DATA: ngettext(
            "{count} insufficient data", "{count} insufficient data", count
        ),
    }
    phrase = phrases.get(status)
    return phrase.format(count=count) if phrase else f"{count} {status}"
