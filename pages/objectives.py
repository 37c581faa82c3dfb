"""Objectives: one GDC objective in depth, optionally seen from one ITU region."""

import streamlit as st

from gdc_tracker.i18n import _
from gdc_tracker.ui import components, filters, language
from gdc_tracker.ui.frame import PageContext, page_frame
from gdc_tracker.views import View
from gdc_tracker.views import objective as screen
from gdc_tracker.views.objective import ObjectivePage

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
    "real_or_demo": _("Data"),
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


def show(view: View, name: str, **options: object) -> None:
    """The view's table with the page's headers, its files holding `view.data`."""
    components.table(
        view.short_table(),
        name=f"objective_{name}",
        key=f"objectives__{name}",
        about=view.about,
        download=view.data,
        column_config=COLUMNS,
        **options,
    )


def choose(ctx: PageContext) -> tuple[int, str | None]:
    """From the URL: the objective number and the region code (None: the world)."""
    objectives = ctx.load(screen.objective_options)
    regions = ctx.load(screen.region_options)
    left, right, share = st.columns([2, 2, 1], vertical_alignment="bottom")
    with left:
        number = filters.select(
            _("Objective"), list(objectives), param="objective", labels=objectives
        )
    with right:
        region = filters.select(
            _("ITU region"), list(regions), param="region", labels=regions, default=screen.ALL
        )
    with share:
        components.share_link()
    return int(number or 1), None if region in (None, screen.ALL) else region


def initiatives(page: ObjectivePage, number: int) -> None:
    st.subheader(_("Initiatives"), anchor=False)
    figures = page.initiative_figures
    for column, figure in zip(st.columns(len(figures)), figures, strict=True):
        column.metric(figure.label, figure.value)
    if page.initiatives.problem:
        components.empty_state(
            page.initiatives.problem,
            _("Choose another region, or add initiatives on the Update page."),
        )
        return
    for column, view in zip(st.columns(2), (page.by_sector, page.by_region), strict=True):
        with column:
            key = f"objectives__{view.kind}"
            components.show_view(view, key=key, name=key)
    show(page.initiatives, f"{number}_initiatives")
    st.caption(_("Regions of action: from an initiative's countries and regional initiatives."))
    components.source_caption(page.initiatives.about)


def indicators(page: ObjectivePage, number: int) -> None:
    st.subheader(_("Indicators ({where})").format(where=components.plain(page.where)), anchor=False)
    if page.indicators.problem:
        components.empty_state(
            page.indicators.problem,
            _("Administrators link indicators to objectives in the reference data."),
        )
        return
    show(page.indicators, f"{number}_indicators", height="content")
    components.source_caption(page.indicators.about)
    left, right = st.columns([2, 3])
    with left:
        components.show_view(page.statuses, key="objectives__statuses", name="objectives__statuses")
    with right, st.expander(_("How the progress status is computed")):
        st.markdown(page.rule)


def updates(page: ObjectivePage, number: int) -> None:
    st.subheader(_("Recent updates on this objective"), anchor=False)
    if page.updates.problem:
        components.empty_state(
            page.updates.problem,
            _("Editors add updates on the Update page; reviewers publish them."),
        )
        return
    show(page.updates, f"{number}_updates")


def gaps(page: ObjectivePage, number: int) -> None:
    st.subheader(_("Gaps"), anchor=False)
    st.caption(page.gaps_caption)
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{components.plain(page.region_gaps.title)}**")
        show(page.region_gaps, f"{number}_region_gaps")
    with right:
        st.markdown(f"**{components.plain(page.data_gaps.title)}**")
        if page.data_gaps.problem:
            st.caption(page.data_gaps.problem)
        else:
            show(page.data_gaps, f"{number}_data_gaps")
    st.markdown(f"**{components.plain(page.regional_gaps.title)}**")
    if page.regional_gaps.problem:
        st.caption(page.regional_gaps.problem)
    else:
        show(page.regional_gaps, f"{number}_regional_gaps")


def render() -> None:
    ctx = page_frame(__file__)
    st.title(_("Objectives"), anchor=False)
    number, region = choose(ctx)
    page = ctx.load(
        screen.objective_page_view, number=number, region=region, thresholds=ctx.settings.thresholds
    )
    st.header(components.plain(page.heading), anchor=False)
    st.page_link(
        "pages/implementation.py",
        label=_("Its commitments and actions on the GDC Implementation Map"),
        query_params=language.link_query({"framework": "gdc", "objective": str(number)}),
    )
    components.demo_notice(page.about.demo_values)
    initiatives(page, number)
    indicators(page, number)
    updates(page, number)
    gaps(page, number)
    components.source_caption(page.about)


render()
