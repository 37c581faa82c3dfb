"""Objectives: one GDC objective in depth, optionally seen from one ITU region."""

import pandas as pd
import streamlit as st

from gdc_tracker import queries
from gdc_tracker.charts import objectives as charts
from gdc_tracker.i18n import _
from gdc_tracker.palette import progress_label
from gdc_tracker.queries import objective_detail as detail
from gdc_tracker.status import rule_in_words
from gdc_tracker.ui import components, filters
from gdc_tracker.ui.frame import PageContext, page_frame

ALL = "all"
GAP = {
    detail.NOT_RECORDED: "⚠ " + _("not recorded in the reference data"),
    "few": "△ " + _("few"),
    "": "",
}
Column = st.column_config
COLUMNS = {  # headers of every table on the page, by column name
    "name": _("Name"),
    "lead_sector": _("Lead sector"),
    "status": _("Status"),
    "primary": _("Primary objective"),
    "partners": _("Partners"),
    "regions": _("Regions of action"),
    "source": _("Source"),
    "latest_value": Column.NumberColumn(_("Latest"), format="%.2f"),
    "latest_year": Column.NumberColumn(_("Year"), format="%d"),
    "unit": _("Unit"),
    "target": _("Target"),
    "trend": Column.LineChartColumn(_("Trend (yearly)"), width="small"),
    "explanation": Column.TextColumn(_("Why this status"), width="large"),
    "updated_at": Column.DatetimeColumn(_("Updated"), format="D MMM YYYY"),
    "subject": _("Indicator or initiative"),
    "geography": _("Geography"),
    "period": _("Period"),
    "value": Column.NumberColumn(_("Value"), format="%.2f"),
    "demo": _("Data"),
    "narrative": Column.TextColumn(_("Narrative"), width="large"),
    "region": Column.TextColumn(_("ITU region"), width="medium"),
    "initiatives": _("Initiatives"),
    "global_initiatives": _("Plus global"),
    "indicators": _("Indicators"),
    "data_state": _("Data"),
    "gap": _("Gap"),
    "code": _("Code"),
    "cycle": _("Cycle"),
    "title": Column.TextColumn(_("Title"), width="large"),
}


def show(frame: pd.DataFrame, columns: list[str], name: str, **options: object) -> None:
    """A table of `columns` with the page's headers and its downloads."""
    components.table(
        frame[columns],
        name=f"objective_{name}",
        key=f"objectives__{name}",
        column_config=COLUMNS,
        **options,
    )


def choose(ctx: PageContext) -> tuple[int, str | None, str, str]:
    """From the URL: (objective number, region code or None, full title, where)."""
    objectives = ctx.load(queries.objectives)
    labels = {str(o.number): f"{o.number}. {o.short_title}" for o in objectives.itertuples()}
    regions = {ALL: _("All regions (world)")} | {
        r.code: f"{r.name} ({r.code})" for r in ctx.load(detail.itu_regions).itertuples()
    }
    left, right, share = st.columns([2, 2, 1], vertical_alignment="bottom")
    with left:
        chosen = filters.select(_("Objective"), list(labels), param="objective", labels=labels)
    with right:
        region = filters.select(
            _("ITU region"), list(regions), param="region", labels=regions, default=ALL
        )
    with share:
        components.share_link()
    number, code = int(chosen or 1), None if region in (None, ALL) else region
    title = objectives.set_index("number")["title"].get(number, "")
    return number, code, title, _("World") if code is None else regions[str(code)]


def initiatives(ctx: PageContext, objective: int, region: str | None) -> None:
    st.subheader(_("Initiatives"))
    args = {"objective": objective, "region": region}
    counts = ctx.load(detail.initiative_status_counts, **args)
    columns = st.columns(len(counts) + 1)
    columns[0].metric(_("Initiatives"), int(counts["initiatives"].sum()))
    for column, row in zip(columns[1:], counts.itertuples(), strict=True):
        column.metric(_(row.status).capitalize(), int(row.initiatives))
    table = ctx.load(detail.objective_initiatives, **args)
    if table.empty:
        components.empty_state(
            _("No initiative is recorded under this objective for this region."),
            _("Choose another region, or add initiatives on the Update page."),
        )
        return
    charts_drawn = (
        (detail.initiative_status_by_sector, charts.initiatives_by_sector,
         charts.initiatives_by_sector_summary, _("By lead sector and status")),
        (detail.initiatives_by_region, charts.initiatives_by_region,
         charts.initiatives_by_region_summary, _("By ITU region of action")),
    )  # fmt: skip
    for column, (query, builder, summary, title) in zip(st.columns(2), charts_drawn, strict=True):
        data = ctx.load(query, **args)
        with column:
            components.chart_with_summary(
                ctx.chart(builder, data, title=title),
                summary(data),
                data,
                key=f"objectives__{query.__name__}",
            )
    shown = table.assign(
        primary=table["is_primary"].map({True: _("yes"), False: _("no")}),
        regions=table["regions"].mask(table["is_global"], _("global")),
    )
    show(
        shown,
        ["name", "lead_sector", "status", "primary", "partners", "regions", "source"],
        f"{objective}_initiatives",
    )
    st.caption(_("Regions of action: from an initiative's countries and regional initiatives."))
    components.source_caption(
        ctx.settings.organisation_name, table["updated_at"].max(), is_demo=False
    )


def indicators(ctx: PageContext, objective: int, region: str | None, where: str) -> pd.DataFrame:
    st.subheader(_("Indicators ({where})").format(where=components.plain(where)))
    thresholds = ctx.settings.thresholds
    data = ctx.load(
        detail.objective_indicators, objective=objective, region=region, thresholds=thresholds
    )
    if data.empty:
        components.empty_state(
            _("No indicator evidences this objective yet."),
            _("Administrators link indicators to objectives in the reference data."),
        )
        return data
    targets = zip(data["target_value"], data["target_year"], strict=True)
    shown = data.assign(
        status=data["status"].map(progress_label),
        unit=data["unit"].str.replace("_", " "),
        target=[
            f"{v:g} {_('by')} {y:.0f}" if pd.notna(v) and pd.notna(y) else _("none set")
            for v, y in targets
        ],
    )
    show(
        shown,
        ["name", "status", "latest_value", "latest_year", "unit", "target", "trend", "explanation"],
        f"{objective}_indicators",
        height="content",
    )
    left, right = st.columns([2, 3])
    with left:
        components.chart_with_summary(
            ctx.chart(  # the one column it counts: a smaller key to hash
                charts.indicator_statuses,
                data[["status"]],
                title=_("Indicators by progress status"),
            ),
            charts.indicator_statuses_summary(data),
            data[["code", "name", "status"]],
            key="objectives__statuses",
        )
    with right, st.expander(_("How the progress status is computed")):
        st.markdown(rule_in_words(thresholds))
    return data


def updates(ctx: PageContext, objective: int, region: str | None) -> pd.DataFrame:
    st.subheader(_("Recent updates on this objective"))
    data = ctx.load(detail.objective_updates, objective=objective, region=region, limit=10)
    if data.empty:
        components.empty_state(
            _("No published update touches this objective's indicators or initiatives yet."),
            _("Editors add updates on the Update page; reviewers publish them."),
        )
        return data
    shown = data.assign(
        demo=data["is_demo"].map({True: _("demo"), False: ""}), unit=data["unit"].fillna("")
    )
    show(
        shown,
        ["updated_at", "subject", "geography", "period", "value", "unit", "demo", "narrative"],
        f"{objective}_updates",
    )
    return data


def gaps(ctx: PageContext, objective: int, region: str | None, data: pd.DataFrame) -> None:
    st.subheader(_("Gaps"))
    st.caption(
        _(
            "**Stale**: the latest value is more than {n} years older than {year}, the newest "
            "year with published indicator data in the store at this level ({where}). "
            "**No data**: nothing published yet. "
            "Regions: initiatives acting in the region itself; global ones reach every region. "
            "**Not recorded in the reference data** says what this store holds, not that ITU "
            "does no work there."
        ).format(
            n=detail.STALE_AFTER_YEARS,
            year=data["newest_year"].max() if len(data) else "-",
            where=components.plain(region or _("world")),
        )
    )
    left, right = st.columns(2)
    with left:
        st.markdown("**" + _("ITU regions with few or no initiatives of their own recorded") + "**")
        regions = ctx.load(detail.region_gaps, objective=objective)
        show(
            regions.assign(gap=regions["gap"].map(GAP)),
            ["region", "initiatives", "global_initiatives", "gap"],
            f"{objective}_region_gaps",
        )
    with right:
        st.markdown(
            _("**Indicators with no data or stale data ({where})**").format(
                where=components.plain(region or "WLD")
            )
        )
        missing = data[data["data_state"] != "current"] if len(data) else data
        if missing.empty:
            st.caption(_("None: every indicator has recent data."))
        else:
            show(missing, ["name", "latest_year", "data_state"], f"{objective}_data_gaps")
    st.markdown("**" + _("Regional initiatives (ITU-D commitments) with few actions") + "**")
    regional = ctx.load(detail.regional_initiative_coverage, objective=objective, region=region)
    if regional.empty:
        st.caption(_("No regional initiative is recorded for this region yet."))
        return
    regional = regional.assign(
        gap=(regional["initiatives"] == 0).map({True: GAP[detail.NOT_RECORDED], False: ""})
    )
    show(
        regional,
        ["code", "cycle", "title", "initiatives", "indicators", "gap"],
        f"{objective}_regional_gaps",
    )


def render() -> None:
    ctx = page_frame(__file__)
    st.title(_("Objectives"))
    objective, region, title, where = choose(ctx)
    st.subheader(
        _("Objective {number}: {title}").format(number=objective, title=components.plain(title)),
        anchor=False,
    )
    notice = st.container()  # filled once the page knows how much demo data it shows
    initiatives(ctx, objective, region)
    data = indicators(ctx, objective, region, where)
    as_of = ctx.load(detail.objective_updates, objective=objective, region=region, limit=10)[
        "updated_at"
    ].max()
    sources = "; ".join(sorted(set(data["source"].dropna()))) if len(data) else ""
    demo_values = int(data["demo_values"].sum()) if len(data) else 0
    components.source_caption(
        sources or ctx.settings.organisation_name, as_of, is_demo=demo_values > 0
    )
    recent = updates(ctx, objective, region)
    gaps(ctx, objective, region, data)
    demo_entries = demo_values + int(recent["is_demo"].sum())
    components.source_caption(ctx.settings.organisation_name, as_of, is_demo=demo_entries > 0)
    with notice:
        components.demo_notice(demo_entries)


render()
