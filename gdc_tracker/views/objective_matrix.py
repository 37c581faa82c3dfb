"""The objectives matrix: initiatives against the five GDC objectives (not the GDC's
Implementation Map, which crosses its commitments: gdc_tracker.views.implementation)."""

from dataclasses import replace

from sqlmodel import Session

from gdc_tracker.charts import initiatives as initiative_charts
from gdc_tracker.i18n import _
from gdc_tracker.queries import initiatives as initiative_queries
from gdc_tracker.queries import overview
from gdc_tracker.views import Figure, View
from gdc_tracker.views.indicator import chart_spec
from gdc_tracker.views.initiatives import (
    MAP_FACTS,
    NO_FILTERS,
    initiatives_about,
    page_link,
    problem_drawing,
)


def objective_matrix_view(
    session: Session,
    *,
    filters: initiative_queries.InitiativeFilters = NO_FILTERS,
    row_limit: int | None = None,
) -> View:
    """The initiatives matching `filters` against the five objectives: where ITU acts,
    where it does not yet. Its `About` names the filters in words and what the initiatives
    shown cite for their links to objectives; above `row_limit` initiatives (when given)
    it draws nothing and says why."""
    links = initiative_queries.objective_links(session, filters=filters)
    about = initiatives_about(
        session,
        filters,
        title=_("Initiatives and the five objectives"),
        facts=MAP_FACTS,
        shown=len(links),
    )
    link = page_link(filters, view="matrix")
    problem = problem_drawing(links["slug"].nunique(), filters, row_limit)
    if problem:
        return View(kind="objective_matrix", about=about, link=link, problem=problem)
    objectives = overview.objectives(session)
    summary = initiative_charts.objective_summary(links, objectives)
    totals = initiative_charts.objective_totals(links, objectives)
    return View(
        kind="objective_matrix",
        about=replace(about, values=len(links)),
        summary=summary,
        data=initiative_charts.objective_matrix_data(links, objectives),
        chart=chart_spec(initiative_charts.objective_matrix(links, objectives)),
        figures=tuple(
            Figure(
                value=str(int(row.total)),
                label=_("actions, objective {n}").format(n=int(row.objective_number)),
            )
            for row in totals.itertuples()
        ),
        bullets=(summary,),
        link=link,
    )
