"""Indicators: one indicator's series against its target, comparisons, the gender gap, and
universal versus meaningful connectivity."""

import pandas as pd
import streamlit as st

import gdc_tracker.queries.indicators as queries
from gdc_tracker import provenance
from gdc_tracker.auth import has_role
from gdc_tracker.charts import indicators as charts
from gdc_tracker.i18n import _
from gdc_tracker.models import WORLD_CODE, Role
from gdc_tracker.queries import overview, workflow
from gdc_tracker.status import rule_in_words
from gdc_tracker.ui import components, filters
from gdc_tracker.ui.cache import ChartSpec
from gdc_tracker.ui.frame import PageContext, page_frame

plain = components.plain

INTERNET_USE, ALL_REGIONS, LATEST = "UMC_INTERNET_USE", "ALL", "latest"
VIEWS = {
    "series": _("Time series and target"),
    "compare": _("Compare regions or countries"),
    "gender": _("Gender gap"),
    "connectivity": _("Universal vs meaningful connectivity"),
}


def show_internet_use() -> None:
    """Switch the URL (hence the filters) to the gender gap in Internet use."""
    st.query_params.update({"indicator": INTERNET_USE, "view": "gender"})


def draw(chart: ChartSpec, summary: str, data: pd.DataFrame, name: str, source: str) -> None:
    """The chart with its summary and data (each value with its source), then the sources
    of the values drawn and the "as of" line; `source` where the data do not say theirs."""
    key = "indicators__" + name.rsplit("_", 1)[-1]
    table = data.drop(columns="updated_at")
    as_of, is_demo = queries.as_of(data)
    if "source" in data.columns:
        source = provenance.sources_in_words(data["source"])
    elif is_demo:  # no per-value sources: never lend the demo values the indicator's source
        source = provenance.demo_label()
    # The chart image carries the same sources, date and demo notice as the page.
    components.chart_with_summary(
        chart, summary, table, key=key, name=name, source=source, as_of=as_of
    )
    components.source_caption(source, as_of, is_demo=is_demo)


def series_view(ctx: PageContext, ref: pd.Series) -> None:
    geos = ctx.load(overview.geographies)
    suffix = {"region": " " + _("(ITU region)")}
    labels = {g.code: g.name + suffix.get(g.kind, "") for g in geos.itertuples()}
    chosen = filters.multiselect(
        _("Geographies"), list(labels), param="geo", labels=labels, default=(WORLD_CODE,)
    )
    args = {"code": ref["code"], "geo_codes": tuple(chosen)}
    series = ctx.load(queries.indicator_series, **args)
    statuses = ctx.load(queries.series_status, **args, thresholds=ctx.settings.thresholds)
    if series.empty:
        components.empty_state(
            _("No published values of this indicator for the chosen geographies."),
            _("Choose other geographies above, or another indicator."),
        )
    else:
        chart = ctx.chart(
            charts.indicator_series_chart, ref, series, statuses, geo_order=tuple(chosen)
        )
        target = charts.reference_marks(ref)[0]
        summary = charts.series_summary(series, statuses, name=ref["name"], target=target)
        draw(chart, summary, series, f"{ref['code']}_series", ref["source"])
    st.subheader(_("Progress status"))
    components.table(
        charts.status_table(statuses),
        name=f"{ref['code']}_status",
        key="indicators__status",
        column_config={_("Why"): st.column_config.TextColumn(width="large")},
    )
    with st.expander(_("How the status is computed")):
        st.markdown(rule_in_words(ctx.settings.thresholds))


def compare_view(ctx: PageContext, ref: pd.Series) -> None:
    regions = ctx.load(overview.geographies).query("kind == 'region'")
    options = {ALL_REGIONS: _("The world and the ITU regions")} | {
        r.code: _("Countries of") + f" {r.name}" for r in regions.itertuples()
    }
    left, right = st.columns(2)
    with left:
        region = filters.select(_("Compare"), list(options), param="region", labels=options)
    with right:
        years = ctx.load(queries.years_with_data, code=ref["code"])["year"]
        year = filters.year(_("Year"), list(years), param="year")
    region = None if region == ALL_REGIONS else region
    data = ctx.load(queries.compare_values, code=ref["code"], year=year, region=region)
    if data.empty:
        why = _("No published values to compare for this choice.")
        components.empty_state(why, _("Choose another year, region or indicator."))
        return
    target = (charts.reference_marks(ref)[0] or (None, None))[1]
    higher = ref["direction"] == "higher_is_better"
    chart = ctx.chart(
        charts.compare_chart,
        data,
        unit=ref["unit"],
        year=year,
        higher_is_better=higher,
        target=target,
    )
    summary = charts.compare_summary(data, name=ref["name"], higher_is_better=higher, target=target)
    st.caption(
        _("Latest value at or before {year}; an older year is shown beside its bar.").format(
            year=year
        )
    )
    draw(chart, summary, data, f"{ref['code']}_compare", ref["source"])


def gender_view(ctx: PageContext, ref: pd.Series) -> None:
    places = ctx.load(queries.sex_geographies, code=ref["code"])
    if places.empty:
        components.empty_state(
            _(
                "No female and male values are published for {name}, so there is no gender gap "
                "to show (allowed disaggregations: {allowed})."
            ).format(name=plain(ref["name"]), allowed=plain(ref["disaggregations"] or _("none"))),
            _("Internet use is published by sex: open it to see the gender gap."),
        )
        st.button(
            _("Show the gender gap in Internet use"),
            icon="➡️",
            key="indicators__to_use",
            on_click=show_internet_use,
        )
        return
    gaps = ctx.load(queries.largest_gender_gaps, code=ref["code"], limit=10)
    labels = dict(zip(places["geo_code"], places["geo_name"], strict=True))
    default = gaps["geo_code"].iloc[0] if len(gaps) else None
    geo = filters.select(_("Geography"), list(labels), param="geo", labels=labels, default=default)
    if filters.url_value("geo") not in (None, geo):
        st.caption(
            _(
                "No female and male values for the geography in the link (they are "
                "published for countries); showing {name}."
            ).format(name=plain(labels[geo]))
        )
    data = ctx.load(queries.sex_series, code=ref["code"], geo_code=geo)
    chart = ctx.chart(charts.gender_chart, data, unit=ref["unit"])
    summary = charts.gender_summary(data, geo_name=labels[geo], unit=ref["unit"])
    draw(chart, summary, data, f"{ref['code']}_{geo}_gender", ref["source"])
    st.subheader(_("Countries with the largest gaps (latest year each has)"))
    table = charts.gap_table(gaps)
    components.table(table, name=f"{ref['code']}_largest_gaps", key="indicators__gaps")


def connectivity_view(ctx: PageContext, ref: pd.Series) -> None:
    years = ctx.load(queries.years_with_data, code=INTERNET_USE)["year"]
    options = {LATEST: _("Latest each country has")} | {
        str(y): _("At or before") + f" {y}" for y in reversed(list(years))
    }
    with st.columns(3)[0]:
        choice = filters.select(_("Year"), list(options), param="year", labels=options)
    data = ctx.load(queries.connectivity, year=None if choice in (None, LATEST) else int(choice))
    sources = ctx.load(overview.indicators).set_index("code")["source"]
    used = sources.reindex(list(queries.CONNECTIVITY_INDICATORS.values())).dropna().unique()
    chart = ctx.chart(charts.connectivity_chart, data)
    summary = charts.connectivity_summary(data)
    draw(chart, summary, data, "universal_meaningful_connectivity", "; ".join(used))
    st.markdown(queries.connectivity_method())


def render() -> None:
    ctx = page_frame(__file__)
    st.title(_("Indicators"))
    catalogue = ctx.load(overview.indicators)
    names = dict(zip(catalogue["code"], catalogue["name"], strict=True))
    left, right, share = st.columns([3, 2, 1], vertical_alignment="bottom")
    with left:
        code = filters.select(
            _("Indicator"), list(names), param="indicator", labels=names, default=INTERNET_USE
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
    ref = ctx.load(queries.indicator_reference, code=code).iloc[0]
    st.caption(plain(ref["definition"]))
    views = {"compare": compare_view, "gender": gender_view, "connectivity": connectivity_view}
    views.get(view or "series", series_view)(ctx, ref)
    with st.expander(_("About this indicator"), expanded=view == "series"):
        rows = charts.metadata_rows(ref)
        st.markdown("  \n".join(f"**{label}**: {plain(text)}" for label, text in rows.items()))
    if has_role(ctx.identity, Role.EDITOR):  # the audit trail holds unpublished values
        with st.expander(_("Changelog")):
            records = ctx.load(workflow.indicator_changelog, indicator_code=code)
            components.changelog(records, name=f"changelog-{code}", key="indicators__changelog")


render()
