"""Objectives page charts: one objective's initiatives by lead sector and status, by ITU
region of action, and its indicators by progress status. Each builder has a `*_summary`
that says in one sentence what the chart shows."""

import altair as alt
import pandas as pd

from gdc_tracker.charts.base import status_legend, status_scale
from gdc_tracker.i18n import N_, _, ngettext
from gdc_tracker.models import initiative_status_label, lead_sector_label
from gdc_tracker.palette import INITIATIVE_ORDER, PROGRESS_ORDER

REGION_COLOUR = "#0072B2"
GLOBAL_COLOUR = "#666666"  # grey bars stand out from the page by 5.7:1 (WCAG: 3:1)
SCOPES = ["regional", "global"]
SCOPE_WORDS = {"regional": N_("regional"), "global": N_("global")}  # shown translated


def _scope_word(scope: str) -> str:
    return _(SCOPE_WORDS[scope])


def _rank(statuses: pd.Series, order: list[str]) -> pd.Series:
    ranks = {status: i for i, status in enumerate(order)}
    return statuses.map(ranks).fillna(len(order)).astype(int)


def initiatives_by_sector(frame: pd.DataFrame, *, title: str) -> alt.Chart:
    """Horizontal bars, one per lead sector, stacked by initiative status.

    `frame` has lead_sector, status, initiatives (queries `initiative_status_by_sector`).
    """
    data = frame.assign(
        status_rank=_rank(frame["status"], INITIATIVE_ORDER),
        lead_sector=frame["lead_sector"].map(lead_sector_label),
    )
    return (
        alt.Chart(data, title=title, height=alt.Step(28))
        .mark_bar()
        .encode(
            y=alt.Y(
                "lead_sector:N",
                title=None,
                sort=alt.EncodingSortField("initiatives", op="sum", order="descending"),
                axis=alt.Axis(labelLimit=220),
            ),
            x=alt.X("sum(initiatives):Q", title=_("Initiatives"), axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                "status:N",
                scale=status_scale("initiative"),
                legend=status_legend("initiative", _("Status")),
            ),
            order=alt.Order("status_rank:Q"),
            tooltip=[
                alt.Tooltip("lead_sector:N", title=_("Lead sector")),
                alt.Tooltip("status:N", title=_("Status")),
                alt.Tooltip("initiatives:Q", title=_("Initiatives")),
            ],
        )
    )


def initiatives_by_sector_summary(frame: pd.DataFrame) -> str:
    if frame.empty or int(frame["initiatives"].sum()) == 0:
        return _("No initiatives to show.")
    by_sector = frame.groupby("lead_sector")["initiatives"].sum().sort_values(ascending=False)
    by_status = frame.groupby("status")["initiatives"].sum()
    statuses = ", ".join(
        f"{int(by_status[s])} {initiative_status_label(s)}"
        for s in INITIATIVE_ORDER + sorted(set(by_status.index) - set(INITIATIVE_ORDER))
        if s in by_status
    )
    sectors = ", ".join(f"{lead_sector_label(sector)} {int(n)}" for sector, n in by_sector.items())
    initiatives = int(by_sector.sum())
    total = ngettext("{n} initiative", "{n} initiatives", initiatives).format(n=initiatives)
    return _("{total} ({statuses}); by lead sector: {sectors}.").format(
        total=total, statuses=statuses, sectors=sectors
    )


def initiatives_by_region(frame: pd.DataFrame, *, title: str) -> alt.Chart:
    """Horizontal bars: initiatives acting in each ITU region, then the global ones (grey).

    `frame` has region_code, region, initiatives (queries `initiatives_by_region`); rows
    keep their order (regions first, global last).
    """
    data = frame.assign(
        scope=(frame["region_code"] == "global").map(
            {True: _scope_word("global"), False: _scope_word("regional")}
        )
    )
    return (
        alt.Chart(data, title=title, height=alt.Step(22))
        .mark_bar()
        .encode(
            y=alt.Y("region:N", title=None, sort=None, axis=alt.Axis(labelLimit=240)),
            x=alt.X("initiatives:Q", title=_("Initiatives"), axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                "scope:N",
                scale=alt.Scale(
                    domain=[_scope_word(scope) for scope in SCOPES],
                    range=[REGION_COLOUR, GLOBAL_COLOUR],
                ),
                title=_("Acts"),
            ),
            tooltip=[
                alt.Tooltip("region:N", title=_("Region")),
                alt.Tooltip("initiatives:Q", title=_("Initiatives")),
            ],
        )
    )


def initiatives_by_region_summary(frame: pd.DataFrame) -> str:
    if frame.empty:
        return _("No initiatives to show.")
    is_global = frame["region_code"] == "global"
    regional = frame[~is_global]
    global_count = int(frame.loc[is_global, "initiatives"].sum())
    with_some = regional[regional["initiatives"] > 0]
    without = regional[regional["initiatives"] == 0]["region"].tolist()
    acting = (
        ", ".join(f"{r.region} {int(r.initiatives)}" for r in with_some.itertuples())
        if len(with_some)
        else _("none")
    )
    total = ngettext("{n} global initiative", "{n} global initiatives", global_count).format(
        n=global_count
    )
    if without:
        return _(
            "{total}; acting in a region: {acting}; none act specifically in {regions}."
        ).format(total=total, acting=acting, regions=", ".join(without))
    return _("{total}; acting in a region: {acting}.").format(total=total, acting=acting)


def indicator_statuses(frame: pd.DataFrame, *, title: str) -> alt.Chart:
    """One bar per progress status: how many of the objective's indicators have it.

    `frame` has one row per indicator with a `status` column (queries `objective_indicators`).
    """
    counts = frame["status"].value_counts().rename_axis("status").reset_index(name="indicators")
    counts = counts.assign(status_rank=_rank(counts["status"], PROGRESS_ORDER))
    return (
        alt.Chart(counts, title=title, height=alt.Step(24))
        .mark_bar()
        .encode(
            y=alt.Y(
                "status:N",
                title=None,
                sort=alt.EncodingSortField("status_rank", order="ascending"),
                axis=alt.Axis(labelLimit=200),
            ),
            x=alt.X("indicators:Q", title=_("Indicators"), axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("status:N", scale=status_scale("progress"), legend=None),
            tooltip=[
                alt.Tooltip("status:N", title=_("Status")),
                alt.Tooltip("indicators:Q", title=_("Indicators")),
            ],
        )
    )


def indicator_statuses_summary(frame: pd.DataFrame) -> str:
    if frame.empty:
        return _("No indicators to show.")
    counts = frame["status"].value_counts()
    parts = ", ".join(f"{int(counts[s])} {s}" for s in PROGRESS_ORDER if s in counts)
    total = ngettext("{n} indicator", "{n} indicators", len(frame)).format(n=len(frame))
    return _("{total}: {statuses}.").format(total=total, statuses=parts)
