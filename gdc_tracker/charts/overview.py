"""Overview charts: objectives by initiative status and by indicator progress status."""

import altair as alt
import pandas as pd

from gdc_tracker.charts.base import status_scale
from gdc_tracker.charts.initiatives import escape_markdown


def status_bars(frame: pd.DataFrame, *, count: str, status_kind: str, title: str) -> alt.Chart:
    """Horizontal stacked bars, one per objective, split by status.

    `frame` has objective_label, status and the `count` column; `status_kind` is
    "initiative" or "progress" and picks the shared palette.
    """
    return (
        alt.Chart(frame, title=title)
        .mark_bar()
        .encode(
            y=alt.Y("objective_label:N", title=None, sort=None, axis=alt.Axis(labelLimit=260)),
            x=alt.X(f"sum({count}):Q", title=count.replace("_", " ").capitalize()),
            color=alt.Color("status:N", scale=status_scale(status_kind), title="Status"),
            order=alt.Order("status_rank:Q"),
            tooltip=[
                alt.Tooltip("objective_label:N", title="Objective"),
                alt.Tooltip("status:N", title="Status"),
                alt.Tooltip(f"{count}:Q", title=count.replace("_", " ").capitalize()),
            ],
        )
    )


def status_bars_summary(frame: pd.DataFrame, *, count: str, noun: str) -> str:
    """One sentence saying what the status chart shows, for readers who cannot see it."""
    if frame.empty:
        return f"No {noun} to show."
    by_objective = frame.groupby("objective_label")[count].sum().sort_values(ascending=False)
    by_status = frame.groupby("status")[count].sum().sort_values(ascending=False)
    top_status, top_n = by_status.index[0], int(by_status.iloc[0])
    return (
        f"{int(by_objective.sum())} {noun} links across {len(by_objective)} objectives; "
        f"the most under '{by_objective.index[0]}' ({int(by_objective.iloc[0])}), "
        f"the fewest under '{by_objective.index[-1]}' ({int(by_objective.iloc[-1])}); "
        f"most common status: {top_status} ({top_n})."
    )


def initiative_lines(initiatives: pd.DataFrame, *, limit: int) -> tuple[str, int]:
    """The first `limit` initiatives (name, status, lead_sector) as one Markdown list, names
    shown as written, and how many were left out: a long list is one element, not one per
    initiative, and the rest is a link away."""
    shown = initiatives.head(limit)
    lines = [
        f"- {escape_markdown(row.name)} ({row.status}, {row.lead_sector})"
        for row in shown.itertuples()
    ]
    return "\n".join(lines), len(initiatives) - len(shown)
