"""Overview charts: objectives by initiative status and by indicator progress status."""

import altair as alt
import pandas as pd

from gdc_tracker.charts.base import status_legend, status_scale
from gdc_tracker.charts.initiatives import escape_markdown
from gdc_tracker.i18n import N_, _, ngettext
from gdc_tracker.models import initiative_status_label, lead_sector_label
from gdc_tracker.status import STATUS_LABELS, status_label

# What the bars count, by their column: the axis title and the sentences, in whole words
# so that each translates as one (English, marked for the catalogues).
COUNT_TITLES = {"initiatives": N_("Initiatives"), "indicators": N_("Indicators")}
NOTHING_TO_SHOW = {
    "initiatives": N_("No initiatives to show."),
    "indicators": N_("No indicators to show."),
}


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
            x=alt.X(f"sum({count}):Q", title=_count_title(count)),
            color=alt.Color(
                "status:N",
                scale=status_scale(status_kind),
                legend=status_legend(status_kind, _("Status")),
            ),
            order=alt.Order("status_rank:Q"),
            tooltip=[
                alt.Tooltip("objective_label:N", title=_("Objective")),
                alt.Tooltip("status:N", title=_("Status")),
                alt.Tooltip(f"{count}:Q", title=_count_title(count)),
            ],
        )
    )


def _count_title(count: str) -> str:
    return _(COUNT_TITLES[count]) if count in COUNT_TITLES else count.replace("_", " ").capitalize()


def _links_across(count: str, links: int, objectives: int) -> str:
    """ "42 initiative links across 5 objectives" (an indicator's links when `count` says so)."""
    if count == "indicators":
        words = ngettext(
            "{links} indicator link across {objectives} objectives",
            "{links} indicator links across {objectives} objectives",
            links,
        )
    else:
        words = ngettext(
            "{links} initiative link across {objectives} objectives",
            "{links} initiative links across {objectives} objectives",
            links,
        )
    return words.format(links=links, objectives=objectives)


def status_bars_summary(frame: pd.DataFrame, *, count: str) -> str:
    """One sentence saying what the status chart shows, for readers who cannot see it;
    `count` ("initiatives" or "indicators") is what the bars count."""
    if frame.empty:
        return _(NOTHING_TO_SHOW.get(count, NOTHING_TO_SHOW["initiatives"]))
    by_objective = frame.groupby("objective_label")[count].sum().sort_values(ascending=False)
    by_status = frame.groupby("status")[count].sum().sort_values(ascending=False)
    return _(
        "{links}; the most under '{most}' ({most_count}), the fewest under '{fewest}' "
        "({fewest_count}); most common status: {status} ({status_count})."
    ).format(
        links=_links_across(count, int(by_objective.sum()), len(by_objective)),
        most=by_objective.index[0],
        most_count=int(by_objective.iloc[0]),
        fewest=by_objective.index[-1],
        fewest_count=int(by_objective.iloc[-1]),
        status=_status_words(by_status.index[0]),
        status_count=int(by_status.iloc[0]),
    )


def _status_words(status: object) -> str:
    """A progress or initiative status in the reader's words (the two sets share no code)."""
    if str(status) in STATUS_LABELS:
        return status_label(status)
    return initiative_status_label(status)


def initiative_lines(initiatives: pd.DataFrame, *, limit: int) -> tuple[str, int]:
    """The first `limit` initiatives (name, status, lead_sector) as one Markdown list, names
    shown as written, and how many were left out: a long list is one element, not one per
    initiative, and the rest is a link away."""
    shown = initiatives.head(limit)
    lines = [
        f"- {escape_markdown(row.name)} "
        f"({initiative_status_label(row.status)}, {lead_sector_label(row.lead_sector)})"
        for row in shown.itertuples()
    ]
    return "\n".join(lines), len(initiatives) - len(shown)
