"""GDC Tracker: the home page (Overview) and the entry point of `streamlit run app.py`."""

import pandas as pd
import streamlit as st

from gdc_tracker import charts, queries
from gdc_tracker.i18n import _
from gdc_tracker.palette import INITIATIVE_ORDER, PROGRESS_ORDER, progress_label
from gdc_tracker.ui import components
from gdc_tracker.ui.frame import PageContext, page_frame

AMERICAS_PANEL = ("AMS2", "AMS3")
AMERICAS_CYCLE = "2023-2025"
PANEL_INITIATIVES = 8  # listed per regional initiative; the others are a link away


def headline_figures(headline: dict[str, object]) -> None:
    columns = st.columns([1, 1, 1, 1.3, 1.6])  # room for "924,188" and "27 Aug 2025"
    columns[0].metric(
        _("Initiatives"), headline["initiatives"], help=_("ITU actions and programmes tracked")
    )
    columns[1].metric(_("Ongoing"), headline["ongoing_initiatives"])
    columns[2].metric(_("Indicators"), headline["indicators"])
    columns[3].metric(_("Published entries"), f"{headline['published_entries']:,}")
    columns[4].metric(_("Last update"), components.format_when(headline["last_update"]))


def _counts(frame: pd.DataFrame, number: int, column: str) -> dict[str, int]:
    rows = frame[frame["objective_number"] == number]
    return dict(zip(rows["status"], rows[column].astype(int), strict=True))


def objective_cards(ctx: PageContext) -> None:
    objectives = ctx.load(queries.objectives)
    initiatives = ctx.load(queries.initiative_status_by_objective)
    indicators = ctx.load(queries.indicator_status_by_objective, thresholds=ctx.settings.thresholds)
    latest = ctx.load(queries.latest_update_by_objective).set_index("objective_number")
    for column, objective in zip(st.columns(len(objectives)), objectives.itertuples(), strict=True):
        with column:
            components.objective_card(
                objective.number,
                objective.title,
                objective.short_title,
                _counts(initiatives, objective.number, "initiatives"),
                _counts(indicators, objective.number, "indicators"),
                latest["last_update"].get(objective.number),
            )


def status_charts(ctx: PageContext) -> None:
    labels = ctx.load(queries.objectives).assign(
        objective_label=lambda f: f["number"].astype(str) + ". " + f["short_title"]
    )[["number", "objective_label"]]
    for column, (frame, count, kind, order, title) in zip(
        st.columns(2),
        [
            (
                ctx.load(queries.initiative_status_by_objective),
                "initiatives",
                "initiative",
                INITIATIVE_ORDER,
                _("Initiatives by objective and status"),
            ),
            (
                ctx.load(queries.indicator_status_by_objective, thresholds=ctx.settings.thresholds),
                "indicators",
                "progress",
                PROGRESS_ORDER,
                _("Indicators by objective and progress status (world)"),
            ),
        ],
        strict=True,
    ):
        data = frame.merge(labels, left_on="objective_number", right_on="number")
        data = data.assign(status_rank=data["status"].map({s: i for i, s in enumerate(order)}))
        with column:
            components.chart_with_summary(
                ctx.chart(charts.status_bars, data, count=count, status_kind=kind, title=title),
                charts.status_bars_summary(data, count=count, noun=count),
                data[["objective_label", "status", count]],
                key=f"overview__{count}",
            )


def recent_updates(ctx: PageContext) -> None:
    updates = ctx.load(queries.recent_updates, limit=10)
    if updates.empty:
        st.info(_("No published updates yet. Editors add them on the Update page."))
        return
    st.dataframe(
        updates.assign(demo=updates["is_demo"].map({True: "demo", False: ""}))[
            [
                "updated_at",
                "subject",
                "geography",
                "period",
                "value",
                "unit",
                "status",
                "narrative",
                "demo",
            ]
        ],
        hide_index=True,
        width="stretch",
        column_config={
            "updated_at": st.column_config.DatetimeColumn(_("Updated"), format="D MMM YYYY"),
            "subject": _("Indicator or initiative"),
            "geography": _("Geography"),
            "period": _("Period"),
            "unit": _("Unit"),
            "status": _("Status"),
            "value": st.column_config.NumberColumn(_("Value"), format="%.2f"),
            "narrative": st.column_config.TextColumn(_("Narrative"), width="large"),
            "demo": _("Data"),
        },
        key="overview__recent",
    )


def americas_panel(ctx: PageContext) -> None:
    panels = ctx.load(
        queries.regional_panel,
        codes=AMERICAS_PANEL,
        cycle=AMERICAS_CYCLE,
        thresholds=ctx.settings.thresholds,
    )
    for column, panel in zip(st.columns(len(panels) or 1), panels, strict=False):
        with column, st.container(border=True):
            heading = "{code} ({cycle})".format(code=panel["code"], cycle=panel["cycle"])
            st.markdown(f"**{components.plain(heading)}**")
            st.caption(components.plain(panel["title"] or panel["note"] or _("Title not recorded")))
            initiatives = panel["initiatives"]
            st.markdown(f"{_('Initiatives')}: **{len(initiatives)}**")
            lines, more = charts.initiative_lines(initiatives, limit=PANEL_INITIATIVES)
            st.markdown(lines)
            if more:
                st.page_link(
                    "pages/regional.py",
                    label=_("{n} more: all of {code} on Regional initiatives").format(
                        n=more, code=panel["code"]
                    ),
                    icon="➡️",
                    query_params={"ri": f"{panel['code']}/{panel['cycle']}"},
                )
            table = panel["indicators"].assign(
                status=lambda f: f["status"].fillna("insufficient data").map(progress_label)
            )
            st.dataframe(
                table[["name", "latest_year", "latest_value", "unit", "status"]],
                hide_index=True,
                width="stretch",
                column_config={
                    "name": _("Indicator (Americas region)"),
                    "latest_year": st.column_config.NumberColumn(_("Year"), format="%d"),
                    "latest_value": st.column_config.NumberColumn(_("Latest"), format="%.1f"),
                },
                key=f"overview__{panel['code']}",
            )


def render() -> None:
    ctx = page_frame(__file__)
    st.title(_("Overview"))
    st.caption(
        _(
            "How the ITU implements the UN Global Digital Compact: its actions under "
            "the five GDC objectives and the Americas regional initiatives."
        )
    )
    headline = ctx.load(queries.headline)
    components.demo_notice(int(headline["demo_entries"]), int(headline["published_entries"]))
    headline_figures(headline)
    st.subheader(_("The five objectives"))
    objective_cards(ctx)
    status_charts(ctx)
    left, right = st.columns([3, 2])
    with left:
        st.subheader(_("Recent updates"))
        recent_updates(ctx)
    with right:
        st.subheader(_("Americas: AMS2 and AMS3"))
        americas_panel(ctx)
    components.source_caption(
        ctx.settings.organisation_name,
        headline["last_update"],
        is_demo=bool(headline["demo_entries"]),
    )


render()
