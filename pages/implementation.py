"""The GDC Implementation Map (paragraph 71 of the Global Digital Compact), as GDC Tracker
proposes it: the GDC's commitments and actions, or another framework, against the ITU
actions that serve them (`?framework=gdc|wsis|sdg|kap|umc&columns=sector|region|initiative`),
one item opened (`?item=17 (a)`); and the honest gaps: which values exist
(`?view=gaps`) and which initiatives reported in a cycle (`?view=cycle`)."""

from datetime import date

import streamlit as st

from gdc_tracker import cycles
from gdc_tracker.i18n import _
from gdc_tracker.queries import gaps as gap_queries
from gdc_tracker.queries import implementation as queries
from gdc_tracker.ui import components, filters
from gdc_tracker.ui.frame import PageContext, page_frame
from gdc_tracker.views import View
from gdc_tracker.views import cycles as cycle_views
from gdc_tracker.views import gaps as gap_views
from gdc_tracker.views import implementation as views

SCREENS = {
    "map": _("Implementation Map"),
    "gaps": _("Data gaps"),
    "cycle": _("Update cycle"),
}
BY = {"region": _("By ITU region"), "country": _("By country")}
CHART_KEY = "implementation__map__chart"
ACTION_COLUMNS = {
    "itu_action": st.column_config.TextColumn(_("ITU action"), width="medium"),
    "lead_sector": _("Lead sector"),
    "status": _("Status"),
    "linked_to": _("Linked to"),
    "basis": st.column_config.TextColumn(_("Basis of the link"), width="medium"),
    "link_note": st.column_config.TextColumn(_("Why"), width="large"),
    "latest_update": _("Latest update"),
    "update_narrative": st.column_config.TextColumn(_("Update"), width="large"),
    "real_or_demo": _("Data"),
}
MAP_COLUMNS = {
    "code": _("Reference"),
    "objective_number": st.column_config.NumberColumn(_("Objective")),
    "title": st.column_config.TextColumn(_("Item"), width="large"),
    "total": st.column_config.NumberColumn(_("ITU actions")),
    "no_itu_action": st.column_config.CheckboxColumn(_("No ITU action")),
    "itu_actions": st.column_config.TextColumn(_("Linked ITU actions"), width="large"),
    "bases": _("Bases"),
    "checked_against": st.column_config.TextColumn(_("Checked against"), width="medium"),
}


def map_choices(ctx: PageContext) -> dict[str, object]:
    """The map's choices, each kept in the URL."""
    counts = ctx.load(queries.framework_counts)
    frameworks = [f for f in views.FRAMEWORK_NAMES if counts.get(str(f)) or f == queries.REGIONAL]
    first, second, third, fourth = st.columns(4)
    with first:
        framework = filters.select(
            _("Rows"),
            [str(f) for f in frameworks],
            param="framework",
            labels=views.framework_names(),
        )
    with second:
        columns = filters.select(
            _("Columns"), list(views.COLUMNS), param="columns", labels=views.column_names()
        )
    objective, level = None, "actions"
    if framework == "gdc":
        titles = ctx.load(queries.objective_titles)
        with third:
            chosen = filters.select(
                _("GDC objective"),
                ["", *(str(n) for n in sorted(titles))],
                param="objective",
                labels={"": _("All five"), **{str(n): f"{n}. {t}" for n, t in titles.items()}},
            )
            objective = int(chosen) if chosen else None
        with fourth:
            level = filters.select(
                _("Show"), list(views.LEVELS), param="level", labels=views.level_names()
            )
    return {"framework": framework, "columns": columns, "objective": objective, "level": level}


def _open_clicked() -> None:
    """A click on a row of the heat-map opens that item (`?item=<code>`)."""
    picked = st.session_state[CHART_KEY].selection.get("pick") or []
    if picked and picked[0].get("code"):
        st.query_params["item"] = str(picked[0]["code"])


def draw_item(ctx: PageContext, framework: str, code: str) -> None:
    item = ctx.load(
        views.item_view, framework=framework, code=code, thresholds=ctx.settings.thresholds
    )
    if item.problem:
        st.warning(components.plain(item.problem), icon="⚠️")
        return
    with st.container(border=True):
        st.header(components.plain(item.title), anchor=False)
        for fact in item.bullets:
            st.markdown("- " + components.plain(fact))
        st.markdown(components.plain(item.summary))
        if len(item.data):
            components.table(
                item.data,
                name="implementation_item_actions",
                key="implementation__item",
                about=item.about,
                column_order=[c for c in ACTION_COLUMNS if c in item.data.columns],
                column_config=ACTION_COLUMNS,
            )
        components.source_caption(item.about)
        components.show_sections(item, key="implementation__item_sections", level=3)


def draw_map(ctx: PageContext) -> None:
    chosen = map_choices(ctx)
    view = ctx.load(views.implementation_map_view, **chosen)
    if view.problem:
        components.empty_state(view.problem, _("Choose again above."))
        return
    components.figure_rows(view.figures, per_row=4)
    items = dict(zip(view.data["code"], view.data["title"], strict=True))
    code = filters.select(
        _("Open an item"),
        ["", *items],
        param="item",
        labels={"": _("— click a row of the map, or choose here —")}
        | {c: f"{c} · {t}" for c, t in items.items()},
    )
    if code:
        draw_item(ctx, str(chosen["framework"]), code)
    for note in view.bullets[1:]:
        st.caption(components.plain(note))
    components.show_view(
        view,
        key="implementation__map",
        name="implementation_map",
        data_columns=MAP_COLUMNS,
        on_pick=_open_clicked,
    )
    components.show_sections(view, key="implementation__map_sections")


def draw_gaps(ctx: PageContext) -> None:
    indicators = ctx.load(gap_queries.indicator_levels)
    names = dict(zip(indicators["code"], indicators["name"], strict=True))
    left, middle, start, end = st.columns([3, 2, 1, 1])
    with left:
        indicator = filters.select(
            _("Indicator"),
            ["", *names],
            param="indicator",
            labels={"": _("All indicators")} | names,
        )
    with middle:
        by = filters.select(_("Geographies"), list(gap_queries.LEVELS), param="by", labels=BY)
    years = list(range(gap_views.FIRST_YEAR, date.today().year + 1))
    with start:
        year_from = filters.year(
            _("From"), years, param="year_from", default=date.today().year - gap_views.YEARS_SHOWN
        )
    with end:
        year_to = filters.year(_("To"), years, param="year_to")
    view = ctx.load(
        gap_views.data_gaps_view,
        indicator=indicator or None,
        by=by,
        year_from=year_from,
        year_to=year_to,
    )
    draw_screen(view, key="implementation__gaps", name="data_gaps")


def draw_cycle(ctx: PageContext) -> None:
    stored = ctx.load(cycles.cycles)
    current = ctx.load(cycle_views.current_cycle_name, today=date.today())
    cycle = filters.select(
        _("Reporting cycle"), list(stored["name"]), param="cycle", default=current
    )
    view = ctx.load(cycle_views.update_cycle_view, cycle=cycle, today=date.today())
    draw_screen(view, key="implementation__cycle", name="update_cycle")


def draw_screen(view: View, *, key: str, name: str) -> None:
    if view.problem:
        components.empty_state(view.problem, _("Choose again above."))
        return
    components.figure_rows(view.figures, per_row=3)  # long labels: "… have demo values only"
    components.show_view(view, key=key, name=name)
    components.show_sections(view, key=f"{key}_sections")


def render() -> None:
    ctx = page_frame(__file__)
    title, share = st.columns([4, 1], vertical_alignment="bottom")
    title.title(_("GDC Implementation Map"), anchor=False)
    with share:
        components.share_link()
    st.caption(
        _(
            "Paragraph 71 of the Global Digital Compact asks for an Implementation Map; "
            "its form is still being decided. This is GDC Tracker's proposal: the GDC's "
            "commitments and actions against the ITU actions that serve them, and where none does."
        )
    )
    screen = filters.select(_("View"), list(SCREENS), param="view", labels=SCREENS)
    if screen == "gaps":
        draw_gaps(ctx)
    elif screen == "cycle":
        draw_cycle(ctx)
    else:
        draw_map(ctx)


render()
