"""Initiatives: every ITU action, searchable and filterable, one in detail
(`?initiative=<slug>`), against the five objectives and on a timeline (`?view=matrix|timeline`;
the older `?view=map` opens the matrix). The GDC's Implementation Map is its own page.

The page reads the filters and draws the views of gdc_tracker.views.initiatives, which
carry the filters in words, the documents the initiatives cite and the date of the data
into every table, file and image."""

from datetime import date
from functools import partial

import streamlit as st

from gdc_tracker.auth import Role, has_role
from gdc_tracker.charts import initiatives as charts
from gdc_tracker.i18n import _, ngettext
from gdc_tracker.queries import initiatives as queries
from gdc_tracker.queries import workflow
from gdc_tracker.status import rule_in_words
from gdc_tracker.ui import components, filters
from gdc_tracker.ui.frame import PageContext, page_frame
from gdc_tracker.views import View
from gdc_tracker.views import initiatives as views
from gdc_tracker.views.objective_matrix import objective_matrix_view

VIEWS = {"table": _("Table"), "matrix": _("Objectives matrix"), "timeline": _("Timeline")}
OLD_VIEW_NAMES = {"map": "matrix"}  # links made before the GDC Implementation Map had its page
TABLE_KEY = "initiatives__table"
FACTS_PER_ROW = 4  # "not recorded" fits a quarter of the page, not a fifth
DATE = partial(st.column_config.DateColumn, format="D MMM YYYY")
TABLE_COLUMNS = {
    "name": st.column_config.TextColumn(_("Initiative"), width="large"),
    "lead_sector": _("Lead sector"),
    "status": _("Status"),
    "primary_objective": st.column_config.NumberColumn(_("Primary objective")),
    "objectives": _("Objectives"),
    "regional_initiatives": _("Regional initiatives"),
    "partners": _("Partners"),
    "countries": st.column_config.NumberColumn(_("Countries")),
    "start_date": DATE(_("Start")),
    "end_date": DATE(_("End")),
    "last_update": st.column_config.DatetimeColumn(_("Last update"), format="D MMM YYYY"),
    "source": st.column_config.TextColumn(_("Source"), width="medium"),
}
MILESTONE_COLUMNS = {
    "name": _("Initiative"),
    "title": st.column_config.TextColumn(_("Milestone"), width="large"),
    "due_date": DATE(_("Due")),
    "done": st.column_config.CheckboxColumn(_("Done")),
    "state": st.column_config.TextColumn(
        _("State"), help=_("Slipped: past its due date and not done.")
    ),
}
UPDATE_COLUMNS = {
    "period": _("Period"),
    "status": _("Status"),
    "narrative": st.column_config.TextColumn(_("Narrative"), width="large"),
    "data": _("Data"),
    "source": _("Source"),
}
INDICATOR_COLUMNS = {
    "name": st.column_config.TextColumn(_("Indicator"), width="medium"),
    "status": st.column_config.TextColumn(_("Status"), width="medium"),
    "latest_year": st.column_config.NumberColumn(_("Year"), format="%d"),
    "latest_value": st.column_config.NumberColumn(_("World value"), format="%.2f"),
    "unit": _("Unit"),
    "objectives": _("Shared objectives"),
    "code": _("Code"),
}


def read_filters(
    options: dict[str, dict[str, str]], *, expanded: bool
) -> queries.InitiativeFilters:
    with st.expander(_("Search and filters"), expanded=expanded, icon="🔎"):
        q = filters.text(_("Search name, summary or partner"), param="q")
        titles = views.filter_labels()
        chosen = {}
        for column, param in zip(st.columns(4) * 2, queries.FILTER_PARAMS, strict=False):
            with column:
                labels = options[param]
                chosen[param] = filters.multiselect(
                    titles[param], list(labels), param=param, labels=labels
                )
    return queries.InitiativeFilters.build(q=q, **chosen)


def _open_selected(slugs: tuple[str, ...]) -> None:
    """Row selection in the table opens that initiative (`?initiative=<slug>`)."""
    rows = st.session_state[TABLE_KEY].selection.rows
    if rows:
        st.query_params["initiative"] = slugs[rows[0]]


def table(
    view: View, *, name: str, key: str, columns: dict[str, object], **options: object
) -> None:
    """A view's data as a table (the `columns` shown), its files carrying `view.about`."""
    shown = [column for column in columns if column in view.data.columns]
    components.table(
        view.data,
        name=name,
        key=key,
        about=view.about,
        column_order=shown,
        column_config=columns,
        **options,
    )


def draw_table(view: View) -> None:
    shown, total = (figure.value for figure in view.figures[:2])
    st.markdown(
        ngettext(
            "**{shown}** of {total} initiative", "**{shown}** of {total} initiatives", int(total)
        ).format(shown=shown, total=total)
    )
    if view.problem:
        components.empty_state(view.problem, _("Choose again above."))
        return
    st.caption(_("Select a row to open the initiative."))
    table(
        view,
        name="initiatives",
        key=TABLE_KEY,
        columns=TABLE_COLUMNS,
        on_select=partial(_open_selected, tuple(view.data["slug"])),
        selection_mode="single-row",
    )
    components.source_caption(view.about)


def draw_matrix(ctx: PageContext, chosen: queries.InitiativeFilters) -> None:
    limit = charts.MATRIX_ROW_LIMIT
    objectives = ctx.load(objective_matrix_view, filters=chosen, row_limit=limit)
    if objectives.chart is not None:
        st.header(_("Initiatives and the five GDC objectives"), anchor=False)
    components.show_view(objectives, key="initiatives__objectives", name="initiatives_by_objective")
    if objectives.chart is None:
        return
    st.header(_("Initiatives and the regional initiatives"), anchor=False)
    regional = ctx.load(views.regional_matrix_view, filters=chosen, row_limit=limit)
    components.show_view(
        regional, key="initiatives__regional", name="initiatives_by_regional_initiative"
    )


def draw_timeline(ctx: PageContext, chosen: queries.InitiativeFilters) -> None:
    view = ctx.load(
        views.timeline_view,
        filters=chosen,
        today=date.today(),
        row_limit=charts.MATRIX_ROW_LIMIT,
    )
    components.show_view(view, key="initiatives__timeline", name="initiative_timeline")
    if view.bullets:
        names = ", ".join(components.plain(name) for name in view.bullets)
        st.markdown(
            _("**No start date recorded ({count}):** {names}").format(
                count=len(view.bullets), names=names
            )
        )
    milestones = view.short_table()
    if view.table is not None and len(milestones):
        st.header(_("Milestones"), anchor=False)
        components.table(
            milestones,
            name="milestones",
            key="initiatives__milestones",
            about=view.about,
            column_config=MILESTONE_COLUMNS,
        )


def draw_detail(ctx: PageContext, detail: views.InitiativeDetail) -> None:
    st.header(components.plain(detail.name), anchor=False)
    st.markdown(components.plain(detail.summary))
    if detail.note:
        st.markdown(detail.note)  # escaped by the view
    for start in range(0, len(detail.facts), FACTS_PER_ROW):
        row = detail.facts[start : start + FACTS_PER_ROW]
        for column, fact in zip(st.columns(FACTS_PER_ROW), row, strict=False):
            column.metric(fact.label, components.plain(fact.value))
            column.caption(fact.basis)
    text = detail.text
    left, right = st.columns(2)
    left.markdown("\n\n".join([components.strong(_("GDC objectives")), text["objectives"]]))
    left.caption(detail.caption("objectives"))
    left.markdown("\n\n".join([components.strong(_("Regional initiatives")), text["regional"]]))
    left.caption(detail.caption("regional_initiatives"))
    left.markdown(_("**Countries:** {countries}").format(countries=text["countries"]))
    left.caption(detail.caption("countries"))
    right.markdown("\n\n".join([components.strong(_("Partners")), text["partners"]]))
    right.caption(detail.caption("partners"))
    right.markdown("\n\n".join([components.strong(_("Links")), text["links"]]))
    components.source_caption(detail.about)
    st.subheader(_("Milestones"), anchor=False)
    milestones = detail.milestones
    if milestones is None or milestones.problem:
        components.empty_state(_("No milestone is recorded."), _("Editors add them on Update."))
    else:
        table(
            milestones,
            name="milestones",
            key="initiatives__detail_milestones",
            columns=MILESTONE_COLUMNS,
        )
        if "milestones" in detail.captions:
            st.caption(detail.captions["milestones"])
    draw_updates(detail.updates)
    draw_frameworks(detail.frameworks)
    draw_indicators(ctx, detail.indicators)
    if has_role(ctx.identity, Role.EDITOR):  # the audit trail holds unpublished values
        with st.expander(_("Changelog")):
            records = ctx.load(workflow.initiative_changelog, slug=detail.slug)
            components.changelog(
                records, name=f"changelog-{detail.slug}", key="initiatives__changelog"
            )


def draw_updates(updates: View | None) -> None:
    st.subheader(_("Latest updates"), anchor=False)
    if updates is None or updates.problem:
        components.empty_state(_("No published update yet."), _("Editors add them on Update."))
        return
    table(updates, name="updates", key="initiatives__updates", columns=UPDATE_COLUMNS)
    components.source_caption(updates.about)


def draw_frameworks(linked: View | None) -> None:
    st.subheader(_("GDC commitments and frameworks"), anchor=False)
    st.caption(
        _("What it serves: GDC actions, WSIS action lines, SDGs, Kigali Action Plan priorities.")
    )
    if linked is None or linked.problem:
        components.empty_state(
            _("No GDC commitment or framework is linked yet."),
            _("Links are kept in data/reference/initiative_links.csv."),
        )
        return
    components.table(
        linked.data, name="frameworks", key="initiatives__frameworks", about=linked.about
    )
    components.source_caption(linked.about)


def draw_indicators(ctx: PageContext, linked: View | None) -> None:
    st.subheader(_("Linked indicators"), anchor=False)
    st.caption(_("Indicators sharing a GDC objective with it: latest world value and status."))
    if linked is None or linked.problem:
        components.empty_state(_("No indicator shares its objectives."), _("Admins link them."))
        return
    table(
        linked, name="linked_indicators", key="initiatives__indicators", columns=INDICATOR_COLUMNS
    )
    components.source_caption(linked.about)
    with st.expander(_("How the progress status is computed")):
        st.markdown(rule_in_words(ctx.settings.thresholds))


def header() -> None:
    title, share = st.columns([4, 1], vertical_alignment="bottom")
    title.title(_("Initiatives"), anchor=False)
    with share:
        components.share_link()
    st.caption(_("ITU actions implementing the Global Digital Compact, and where they act."))


def render() -> None:
    ctx = page_frame(__file__)
    header()
    options = ctx.load(queries.filter_choices)
    requested = filters.url_value("initiative")
    detail = requested and ctx.load(
        views.initiative_detail_view,
        slug=requested,
        today=date.today(),
        thresholds=ctx.settings.thresholds,
    )
    known = bool(detail) and not detail.problem
    chosen = read_filters(options, expanded=not known)
    listed = ctx.load(views.initiatives_view, filters=chosen)
    names = dict(zip(listed.data["slug"], listed.data["name"], strict=True))
    if known:
        names[requested] = detail.name
    left, right = st.columns(2)
    with left:
        opened = filters.select(
            _("Open an initiative"),
            ["", *names],
            param="initiative",
            labels={"": _("— all initiatives —"), **names},
        )
    if requested and not known:
        # the older, stricter escape: the slug is shown exactly as written, never as Markdown
        st.warning(charts.escape_markdown(detail.problem), icon="⚠️")
    if opened and known:
        return draw_detail(ctx, detail)
    old_name = OLD_VIEW_NAMES.get(filters.url_value("view") or "")
    if old_name:
        st.query_params["view"] = old_name
    with right:
        view = filters.select(_("View"), list(VIEWS), param="view", labels=VIEWS)
    if view == "matrix":
        draw_matrix(ctx, chosen)
    elif view == "timeline":
        draw_timeline(ctx, chosen)
    else:
        draw_table(listed)


render()
