"""A saved presenter deck as PowerPoint: the same views, as charts and tables on slides.

Maps are drawn in the browser by deck.gl, so a map slide exports as its table of country
values; every other view exports its chart.
"""

from datetime import date

import pandas as pd
from sqlmodel import Session

from gdc_tracker.charts import indicators as indicator_charts
from gdc_tracker.charts import initiatives as initiative_charts
from gdc_tracker.decks import DeckContent, Slide
from gdc_tracker.i18n import _
from gdc_tracker.palette import progress_label
from gdc_tracker.queries import changes, geo, overview
from gdc_tracker.queries import indicators as indicator_queries
from gdc_tracker.queries import initiatives as initiative_queries
from gdc_tracker.reports.common import format_timestamp, short_demo_notice
from gdc_tracker.reports.data import gather_report
from gdc_tracker.reports.slides import SlideSpec, report_deck
from gdc_tracker.status import Thresholds


def _objective(session: Session, slide: Slide, thresholds: Thresholds) -> SlideSpec:
    number = int(slide.params.get("objective", 1))
    data = gather_report(session, thresholds=thresholds, objective_numbers=(number,))
    return report_deck(data)[0]


def _indicator(session: Session, slide: Slide, thresholds: Thresholds) -> SlideSpec:
    code = str(slide.params.get("indicator"))
    geos = tuple(slide.params.get("geo") or ["WLD"])
    reference = indicator_queries.indicator_reference(session, code=code)
    if reference.empty:
        return SlideSpec(title=code, bullets=[_("This indicator no longer exists.")])
    ref = reference.iloc[0]
    series = indicator_queries.indicator_series(session, code=code, geo_codes=geos)
    statuses = indicator_queries.series_status(
        session, code=code, geo_codes=geos, thresholds=thresholds
    )
    chart = None
    if len(series):
        chart = indicator_charts.indicator_series_chart(ref, series, statuses, geo_order=geos)
    is_demo = bool(series["is_demo"].any()) if len(series) else False
    return SlideSpec(
        title=str(ref["name"]),
        chart=chart,
        bullets=[f"{row.geo_name}: {progress_label(row.status)}" for row in statuses.itertuples()],
        source=str(ref["source"]),
        as_of=format_timestamp(series["updated_at"].max()) if len(series) else "",
        filters={_("Geographies"): ", ".join(geos)},
        notice=short_demo_notice() if is_demo else None,
        description=indicator_charts.series_summary(
            series, statuses, name=str(ref["name"]), target=None
        ),
    )


def _map(session: Session, slide: Slide, thresholds: Thresholds) -> SlideSpec:
    code = str(slide.params.get("indicator"))
    year = int(slide.params.get("year") or date.today().year - 1)
    values = geo.country_values(session, indicator_code=code, year=year, thresholds=thresholds)
    shown = values.dropna(subset=["value"]).sort_values("value", ascending=False)
    table = (
        shown[["name", "value", "year"]]
        .head(12)
        .rename(columns={"name": _("Country"), "value": _("Value"), "year": _("Year")})
    )
    is_demo = bool(shown["is_demo"].any()) if len(shown) else False
    return SlideSpec(
        title=f"{code}, {year}",
        table=table,
        bullets=[_("Values for {n} countries").format(n=len(shown))],
        filters={_("Year"): str(year)},
        notice=short_demo_notice() if is_demo else None,
    )


def _regional(session: Session, slide: Slide, thresholds: Thresholds) -> SlideSpec:
    code, _sep, cycle = str(slide.params.get("ri", "")).partition("/")
    panels = overview.regional_panel(session, codes=(code,), cycle=cycle, thresholds=thresholds)
    if not panels:
        return SlideSpec(title=code, bullets=[_("This regional initiative does not exist.")])
    panel = panels[0]
    table = panel["indicators"][["name", "latest_value", "status"]].fillna("")
    return SlideSpec(
        title=f"{code} ({cycle})",
        table=table,
        bullets=[str(panel["title"] or panel["note"])]
        + [str(name) for name in panel["initiatives"]["name"]],
    )


def _implementation_map(session: Session, slide: Slide, thresholds: Thresholds) -> SlideSpec:
    links = initiative_queries.objective_links(session)
    objectives = overview.objectives(session)
    summary = initiative_charts.objective_summary(links, objectives)
    return SlideSpec(
        title=_("Implementation map"),
        chart=initiative_charts.objective_matrix(links, objectives),
        bullets=[summary],
        description=summary,
    )


def _changes(session: Session, slide: Slide, thresholds: Thresholds) -> SlideSpec:
    since = date.fromisoformat(str(slide.params.get("since")))
    summary = changes.change_summary(session, since=since)
    listed = changes.changes_since(session, since=since).head(10)
    return SlideSpec(
        title=_("What changed since {date}").format(date=since.isoformat()),
        table=pd.DataFrame(summary),
        bullets=[f"{row.kind}: {row.subject}: {row.detail}" for row in listed.itertuples()],
    )


BUILDERS = {
    "objective": _objective,
    "indicator": _indicator,
    "map": _map,
    "regional": _regional,
    "implementation_map": _implementation_map,
    "changes": _changes,
}


def deck_slides(session: Session, deck: DeckContent, *, thresholds: Thresholds) -> list[SlideSpec]:
    """One SlideSpec per slide of the saved deck, in order."""
    specs = []
    for slide in deck.slides:
        spec = BUILDERS[slide.kind](session, slide, thresholds)
        if slide.title:
            spec.title = slide.title
        specs.append(spec)
    return specs
