"""Indicators: one indicator's series against its target, comparisons, the gender gap, and
universal versus meaningful connectivity. Each view is computed by its builder in
gdc_tracker.views.indicator; this page reads the filters and draws."""

import streamlit as st

from gdc_tracker.auth import Role, has_role
from gdc_tracker.i18n import _
from gdc_tracker.queries import workflow
from gdc_tracker.status import rule_in_words
from gdc_tracker.ui import components, filters
from gdc_tracker.ui.frame import PageContext, page_frame
from gdc_tracker.views import View
from gdc_tracker.views import indicator as builders
from gdc_tracker.views.indicator import WORLD_CODE

plain = components.plain
VIEWS = builders.view_names()


def show_internet_use() -> None:
    """Switch the URL (hence the filters) to the gender gap in Internet use."""
    st.query_params.update({"indicator": builders.INTERNET_USE, "view": "gender"})


def draw(view: View, *, name: str, hint: str) -> None:
    """The view with its files, or why there is nothing to show and what to do (`hint`)."""
    if view.chart is None:
        components.empty_state(plain(view.problem), hint)
    else:
        key = "indicators__" + name.rsplit("_", 1)[-1]
        components.show_view(view, key=key, name=name)


def series(ctx: PageContext, code: str) -> None:
    labels = ctx.load(builders.geography_labels)
    chosen = filters.multiselect(
        _("Geographies"), list(labels), param="geo", labels=labels, default=(WORLD_CODE,)
    )
    args = {"code": code, "geo_codes": tuple(chosen), "thresholds": ctx.settings.thresholds}
    view = ctx.load(builders.series_view, **args)
    draw(
        view, name=f"{code}_series", hint=_("Choose other geographies above, or another indicator.")
    )
    st.header(_("Progress status"), anchor=False)
    status = ctx.load(builders.status_view, **args)
    components.table(
        status.data,
        name=f"{code}_status",
        key="indicators__status",
        about=status.about,
        column_config={_("Why"): st.column_config.TextColumn(width="large")},
    )
    with st.expander(_("How the status is computed")):
        st.markdown(rule_in_words(ctx.settings.thresholds))


def compare(ctx: PageContext, code: str) -> None:
    options = ctx.load(builders.compare_choices)
    left, right = st.columns(2)
    with left:
        region = filters.select(_("Compare"), list(options), param="region", labels=options)
    with right:
        years = ctx.load(builders.indicator_years, code=code)
        year = filters.year(_("Year"), list(years), param="year")
    view = ctx.load(builders.compare_view, code=code, year=year, region=region)
    if view.chart is not None:
        st.caption(
            _("Latest value at or before {year}; an older year is shown beside its bar.").format(
                year=year
            )
        )
    draw(view, name=f"{code}_compare", hint=_("Choose another year, region or indicator."))


def gender(ctx: PageContext, code: str) -> None:
    labels, default = ctx.load(builders.gender_choices, code=code)
    if not labels:
        view = ctx.load(builders.gender_view, code=code, geo_code=None)
        components.empty_state(
            plain(view.problem),
            _("Internet use is published by sex: open it to see the gender gap."),
        )
        st.button(
            _("Show the gender gap in Internet use"),
            icon="➡️",
            key="indicators__to_use",
            on_click=show_internet_use,
        )
        return
    geo = filters.select(_("Geography"), list(labels), param="geo", labels=labels, default=default)
    if filters.url_value("geo") not in (None, geo):
        st.caption(
            _(
                "No female and male values for the geography in the link (they are "
                "published for countries); showing {name}."
            ).format(name=plain(labels[geo]))
        )
    view = ctx.load(builders.gender_view, code=code, geo_code=geo)
    draw(view, name=f"{code}_{geo}_gender", hint=_("Choose another geography above."))
    st.header(_("Countries with the largest gaps (latest year each has)"), anchor=False)
    gaps = ctx.load(builders.gender_gaps_view, code=code)
    components.table(
        gaps.short_table(),
        name=f"{code}_largest_gaps",
        key="indicators__gaps",
        about=gaps.about,
        download=gaps.data,
    )


def connectivity(ctx: PageContext, _code: str) -> None:
    options = ctx.load(builders.connectivity_years)
    with st.columns(3)[0]:
        choice = filters.select(_("Year"), list(options), param="year", labels=options)
    year = None if choice in (None, builders.LATEST) else int(choice)
    view = ctx.load(builders.connectivity_view, year=year)
    draw(view, name="universal_meaningful_connectivity", hint=_("Choose another year above."))
    st.markdown(builders.connectivity_method())


def about_indicator(ctx: PageContext, code: str, *, expanded: bool) -> None:
    facts = ctx.load(builders.indicator_about_view, code=code).short_table()
    with st.expander(_("About this indicator"), expanded=expanded):
        lines = (
            _("**{label}**: {text}").format(label=row.label, text=plain(row.text))
            for row in facts.itertuples()
        )
        st.markdown("  \n".join(lines))


def render() -> None:
    ctx = page_frame(__file__)
    st.title(_("Indicators"), anchor=False)
    names = ctx.load(builders.indicator_names)
    left, right, share = st.columns([3, 2, 1], vertical_alignment="bottom")
    with left:
        code = filters.select(
            _("Indicator"),
            list(names),
            param="indicator",
            labels=names,
            default=builders.INTERNET_USE,
        )
    with right:
        view = filters.select(_("View"), list(VIEWS), param="view", labels=VIEWS)
    with share:
        components.share_link()
    if filters.url_value("indicator") not in (None, code):
        wanted = plain(str(filters.url_value("indicator"))[:40])
        st.warning(
            _("Unknown indicator code {code}; showing {name}.").format(
                code=wanted, name=plain(names.get(code, "–"))
            ),
            icon="⚠️",
        )
    if code is None:
        components.empty_state(_("No indicator is defined yet."), _("Admins add indicators."))
        return
    st.caption(plain(ctx.load(builders.indicator_about_view, code=code).summary))
    draws = {"compare": compare, "gender": gender, "connectivity": connectivity}
    draws.get(view or "series", series)(ctx, code)
    about_indicator(ctx, code, expanded=view == "series")
    if has_role(ctx.identity, Role.EDITOR):  # the audit trail holds unpublished values
        with st.expander(_("Changelog")):
            records = ctx.load(workflow.indicator_changelog, indicator_code=code)
            components.changelog(records, name=f"changelog-{code}", key="indicators__changelog")


render()
