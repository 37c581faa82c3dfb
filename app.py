"""GDC Tracker: the home page (Overview) and the entry point of `streamlit run app.py`."""

import streamlit as st

from gdc_tracker.i18n import _
from gdc_tracker.ui import components, language
from gdc_tracker.ui.frame import PageContext, page_frame
from gdc_tracker.views import View
from gdc_tracker.views import overview as screen

HEADLINE_WIDTHS = [1, 1, 1, 1.3, 1.6]  # room for "924,188" and "2025-Q3"
RECENT_COLUMNS = {
    "updated_at": st.column_config.DatetimeColumn(_("Stored"), format="D MMM YYYY"),
    "subject": _("Indicator or initiative"),
    "geography": _("Geography"),
    "period": _("Period"),
    "value": st.column_config.NumberColumn(_("Value"), format="%.2f"),
    "unit": _("Unit"),
    "status": _("Status"),
    "narrative": st.column_config.TextColumn(_("Narrative"), width="large"),
    "source": st.column_config.TextColumn(_("Source"), width="medium"),
    "publisher": _("Publisher"),
    "added_by": _("Added by"),
    "real_or_demo": _("Data"),
}
PANEL_COLUMNS = {
    "name": _("Indicator (Americas region)"),
    "latest_year": st.column_config.NumberColumn(_("Year"), format="%d"),
    "latest_value": st.column_config.NumberColumn(_("Latest"), format="%.1f"),
    "unit": _("Unit"),
    "status": _("Status"),
}


HEADLINE_HELP = {
    _("Initiatives"): _("ITU actions and programmes tracked"),
    _("Data as of"): _(
        "The newest period a published value covers; not the time values were stored."
    ),
}


def headline_figures(view: View) -> None:
    for column, figure in zip(st.columns(HEADLINE_WIDTHS), view.figures, strict=True):
        label = components.plain(figure.label)
        column.metric(label, figure.value, help=HEADLINE_HELP.get(figure.label))


def objective_cards(ctx: PageContext) -> None:
    cards = ctx.load(screen.objective_cards_view, thresholds=ctx.settings.thresholds).data
    for column, card in zip(st.columns(len(cards)), cards.itertuples(), strict=True):
        with column:
            components.objective_card(
                card.number,
                card.title,
                card.short_title,
                card.initiatives,
                card.indicators,
                card.last_update,
            )


def status_charts(ctx: PageContext) -> None:
    views = (
        ctx.load(screen.initiative_status_view),
        ctx.load(screen.indicator_status_view, thresholds=ctx.settings.thresholds),
    )
    for column, view, count in zip(
        st.columns(2), views, ("initiatives", "indicators"), strict=True
    ):
        with column:
            components.show_view(view, key=f"overview__{count}", name=f"overview__{count}")


def recent_updates(ctx: PageContext) -> None:
    view = ctx.load(screen.recent_updates_view, limit=10)
    if view.problem:
        st.info(view.problem)
        return
    st.caption(_("Stored: when the value entered this store. Period: what the value covers."))
    components.table(
        view.short_table(),
        name="overview_recent_updates",
        key="overview__recent",
        about=view.about,
        download=view.data,
        column_config=RECENT_COLUMNS,
    )
    components.source_caption(view.about)


def americas_panel(ctx: PageContext) -> None:
    panels = ctx.load(screen.americas_panel_view, thresholds=ctx.settings.thresholds)
    for column, panel in zip(st.columns(len(panels) or 1), panels, strict=False):
        with column, st.container(border=True):
            st.markdown(f"**{components.plain(panel.view.title)}**")
            st.caption(components.plain(panel.caption))
            st.markdown(_("Initiatives: **{count}**").format(count=panel.initiatives))
            st.markdown(panel.lines)
            if panel.more:
                st.page_link(
                    "pages/regional.py",
                    label=panel.more,
                    icon="➡️",
                    query_params=language.link_query({"ri": panel.key}),
                )
            st.dataframe(
                panel.view.data,
                hide_index=True,
                width="stretch",
                column_config=PANEL_COLUMNS,
                key=f"overview__{panel.key.partition('/')[0]}",
            )
            components.source_caption(panel.view.about)


def render() -> None:
    ctx = page_frame(__file__)
    st.title(_("Overview"), anchor=False)
    st.caption(
        _(
            "How the ITU implements the UN Global Digital Compact: its actions under "
            "the five GDC objectives and the Americas regional initiatives."
        )
    )
    headline = ctx.load(screen.headline_view)
    components.demo_notice(headline.about.demo_values, headline.about.values)
    headline_figures(headline)
    st.header(_("The five objectives"), anchor=False)
    objective_cards(ctx)
    status_charts(ctx)
    left, right = st.columns([3, 2])
    with left:
        st.header(_("Recent updates"), anchor=False)
        recent_updates(ctx)
    with right:
        st.header(_("Americas: AMS2 and AMS3"), anchor=False)
        americas_panel(ctx)
    components.source_caption(headline.about)


render()
