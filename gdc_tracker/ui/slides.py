"""Presenter slides: each kind of view drawn large, with its source and "as of" stamp.

A slide is (kind, params) as saved in a deck (gdc_tracker.decks.Slide). Each drawer reads
through the page context's cached loaders, reuses the explore pages' builders, and
returns what the footer needs: the source and the time of the newest value shown.
`audience_link` gives the explore page that shows the same view, for the QR code.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from gdc_tracker import maps
from gdc_tracker.charts import indicators as indicator_charts
from gdc_tracker.charts import initiatives as initiative_charts
from gdc_tracker.decks import Slide
from gdc_tracker.demo import DEMO_SOURCE
from gdc_tracker.i18n import _
from gdc_tracker.palette import INITIATIVE_ORDER, PROGRESS_ORDER, progress_label
from gdc_tracker.queries import changes, geo, overview
from gdc_tracker.queries import indicators as indicator_queries
from gdc_tracker.queries import initiatives as initiative_queries
from gdc_tracker.ui.components import plain
from gdc_tracker.ui.frame import PageContext


@dataclass(frozen=True)
class Footer:
    source: str
    as_of: datetime | None
    is_demo: bool


SLIDE_KINDS: dict[str, str] = {
    "objective": "Objective summary",
    "indicator": "Indicator chart",
    "map": "Map for a year",
    "regional": "Regional initiative",
    "implementation_map": "Implementation map",
    "changes": "What changed since",
}


def default_title(ctx: PageContext, slide: Slide) -> str:
    """The slide's title as plain text (pass it through `plain` to show it)."""
    if slide.title:
        return slide.title
    params = slide.params
    if slide.kind == "objective":
        objectives = ctx.load(overview.objectives).set_index("number")
        number = int(params.get("objective", 1))
        return f"{_('Objective')} {number}: {objectives.at[number, 'short_title']}"
    if slide.kind in ("indicator", "map"):
        names = ctx.load(overview.indicators).set_index("code")["name"]
        name = str(names.get(params.get("indicator"), params.get("indicator", "")))
        if slide.kind == "indicator":
            return name
        return f"{name}, {params.get('year') or _('latest year')}"
    if slide.kind == "regional":
        code, _sep, cycle = str(params.get("ri", "")).partition("/")
        return f"{code} ({cycle})"
    if slide.kind == "changes":
        return f"{_('What changed since')} {params.get('since', '')}"
    return _(SLIDE_KINDS.get(slide.kind, slide.kind))


def audience_link(slide: Slide) -> str:
    """The path and query of the explore page showing the same view."""
    params = slide.params
    paths = {
        "objective": ("objectives", {"objective": params.get("objective", "1")}),
        "indicator": (
            "indicators",
            {"indicator": params.get("indicator", ""), "geo": params.get("geo", ["WLD"])},
        ),
        "map": (  # no year: the map opens at the latest, as the slide does
            "map",
            {"indicator": params.get("indicator", "")}
            | ({"year": params["year"]} if params.get("year") else {}),
        ),
        "regional": ("regional", {"ri": params.get("ri", "")}),
        "implementation_map": ("initiatives", {"view": "map"}),
        "changes": ("changes", {"since": params.get("since", "")}),
    }
    path, query = paths.get(slide.kind, ("", {}))
    return f"/{path}?{urlencode(query, doseq=True)}"


def _footer_of(frame: pd.DataFrame, source: str, when: str = "updated_at") -> Footer:
    if frame.empty or when not in frame:
        return Footer(source=source, as_of=None, is_demo=False)
    is_demo = bool(frame["is_demo"].any()) if "is_demo" in frame else False
    newest = pd.to_datetime(frame[when], utc=True, format="mixed").max()
    return Footer(
        source=DEMO_SOURCE if is_demo else source,
        as_of=None if pd.isna(newest) else newest.to_pydatetime(),
        is_demo=is_demo,
    )


def objective_slide(ctx: PageContext, params: dict) -> Footer:
    number = int(params.get("objective", 1))
    objectives = ctx.load(overview.objectives).set_index("number")
    st.markdown(f"### {plain(objectives.at[number, 'title'])}")
    initiatives = ctx.load(overview.initiative_status_by_objective)
    statuses = ctx.load(overview.indicator_status_by_objective, thresholds=ctx.settings.thresholds)
    label = f"{number}. {objectives.at[number, 'short_title']}"
    left, right = st.columns(2)
    for column, (data, count, kind, order) in zip(
        (left, right),
        (
            (initiatives, "initiatives", "initiative", INITIATIVE_ORDER),
            (statuses, "indicators", "progress", PROGRESS_ORDER),
        ),
        strict=True,
    ):
        mine = data[data["objective_number"] == number].assign(objective_label=label)
        mine = mine.assign(status_rank=mine["status"].map({s: i for i, s in enumerate(order)}))
        with column:
            st.metric(_(count.capitalize()), int(mine[count].sum()))
            for row in mine.sort_values("status_rank").itertuples():
                word = progress_label(row.status) if kind == "progress" else row.status
                st.markdown(f"#### {getattr(row, count)} · {word}")
    latest = ctx.load(overview.latest_update_by_objective).set_index("objective_number")
    as_of = latest["last_update"].get(number)
    headline = ctx.load(overview.headline)
    return Footer(
        source=ctx.settings.organisation_name,
        as_of=None if as_of is None or pd.isna(as_of) else as_of.to_pydatetime(),
        is_demo=bool(headline["demo_entries"]),
    )


def indicator_slide(ctx: PageContext, params: dict) -> Footer:
    code = str(params.get("indicator", "UMC_INTERNET_USE"))
    geos = tuple(params.get("geo") or ["WLD"])
    reference = ctx.load(indicator_queries.indicator_reference, code=code)
    if reference.empty:
        st.warning(_("This indicator no longer exists."))
        return Footer(source="", as_of=None, is_demo=False)
    ref = reference.iloc[0]
    series = ctx.load(indicator_queries.indicator_series, code=code, geo_codes=geos)
    statuses = ctx.load(
        indicator_queries.series_status,
        code=code,
        geo_codes=geos,
        thresholds=ctx.settings.thresholds,
    )
    if series.empty:
        st.info(_("No published values for these geographies yet."))
        return Footer(source=str(ref["source"]), as_of=None, is_demo=False)
    chart = ctx.chart(
        indicator_charts.indicator_series_chart, ref, series, statuses, geo_order=tuple(geos)
    )
    st.vega_lite_chart(spec=chart | {"height": 430}, width="stretch", key="present__indicator")
    st.markdown(
        " · ".join(
            f"**{plain(row.geo_name)}**: {progress_label(row.status)}"
            for row in statuses.itertuples()
        )
    )
    return _footer_of(series, str(ref["source"]))


def map_slide(ctx: PageContext, params: dict) -> Footer:
    code = str(params.get("indicator", "UMC_INTERNET_USE"))
    indicators = ctx.load(geo.map_indicators).set_index("code")
    if code not in indicators.index:
        st.warning(_("No country values for this indicator."))
        return Footer(source="", as_of=None, is_demo=False)
    indicator = indicators.loc[code]
    years = ctx.load(geo.indicator_years, indicator_code=code)
    year = int(params.get("year") or years["year"].max())
    values = ctx.load(
        geo.country_values, indicator_code=code, year=year, thresholds=ctx.settings.thresholds
    )
    st.pydeck_chart(
        maps.choropleth_deck(
            values,
            unit=str(indicator["unit"]),
            higher_is_better=indicator["direction"] == "higher_is_better",
            year=year,
        ),
        height=520,
        key="present__map",
    )
    st.caption(plain(maps.values_summary(values, year=year, unit=str(indicator["unit"]))))
    return _footer_of(values.dropna(subset=["value"]), str(indicator["source"]))


def regional_slide(ctx: PageContext, params: dict) -> Footer:
    key = str(params.get("ri", "AMS2/2023-2025"))
    code, _sep, cycle = key.partition("/")
    panels = ctx.load(
        overview.regional_panel, codes=(code,), cycle=cycle, thresholds=ctx.settings.thresholds
    )
    if not panels:
        st.warning(_("This regional initiative does not exist."))
        return Footer(source="", as_of=None, is_demo=False)
    panel = panels[0]
    st.markdown(f"### {plain(panel['title'] or panel['note'])}")
    regional = ctx.load(overview.regional_initiatives)
    rid = int(regional[(regional["code"] == code) & (regional["cycle"] == cycle)]["id"].iloc[0])
    left, right = st.columns([3, 2])
    with left:
        st.pydeck_chart(
            maps.region_deck(ctx.load(geo.regional_countries, regional_initiative_id=rid)),
            height=400,
            key="present__region",
        )
    with right:
        st.metric(_("Initiatives"), len(panel["initiatives"]))
        for row in panel["initiatives"].itertuples():
            st.markdown(f"- {plain(row.name)}")
        table = panel["indicators"]
        for row in table.itertuples():
            status = row.status if isinstance(row.status, str) else "insufficient data"
            st.markdown(f"**{plain(row.name)}**: {progress_label(status)}")
    headline = ctx.load(overview.headline)
    return Footer(
        source=ctx.settings.organisation_name,
        as_of=headline["last_update"],
        is_demo=bool(headline["demo_entries"]),
    )


def implementation_map_slide(ctx: PageContext, params: dict) -> Footer:
    links = ctx.load(initiative_queries.objective_links)
    objectives = ctx.load(overview.objectives)
    st.vega_lite_chart(
        spec=ctx.chart(initiative_charts.objective_matrix, links, objectives),
        width="stretch",
        key="present__matrix",
    )
    st.markdown(f"#### {plain(initiative_charts.objective_summary(links, objectives))}")
    return Footer(source=ctx.settings.organisation_name, as_of=None, is_demo=False)


def changes_slide(ctx: PageContext, params: dict) -> Footer:
    try:
        since = date.fromisoformat(str(params.get("since")))
    except ValueError:
        since = date.today().replace(month=1, day=1)
    summary = ctx.load(changes.change_summary, since=since)
    columns = st.columns(3)
    for index, row in enumerate(summary.itertuples()):
        columns[index % 3].metric(
            _(changes.CHANGE_LABELS.get(row.kind, row.kind)), f"{row.count:,}"
        )
    listed = ctx.load(changes.changes_since, since=since)
    for row in listed.head(6).itertuples():
        st.markdown(f"- **{plain(row.kind)}**: {plain(row.subject)}: {plain(row.detail)}")
    newest = listed["at"].max() if len(listed) else None
    return Footer(
        source=ctx.settings.organisation_name,
        as_of=None if newest is None or pd.isna(newest) else newest.to_pydatetime(),
        is_demo=False,
    )


DRAWERS: dict[str, Callable[[PageContext, dict], Footer]] = {
    "objective": objective_slide,
    "indicator": indicator_slide,
    "map": map_slide,
    "regional": regional_slide,
    "implementation_map": implementation_map_slide,
    "changes": changes_slide,
}


def draw(ctx: PageContext, slide: Slide) -> Footer:
    return DRAWERS[slide.kind](ctx, slide.params)


__all__ = ["DRAWERS", "SLIDE_KINDS", "Footer", "audience_link", "default_title", "draw"]
