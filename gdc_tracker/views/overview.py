"""The Overview screen: its headline, objective cards, status charts, recent updates and
the Americas panel, each computed once and drawn by the page, a slide or a file.

"Data as of" is the newest period a published value covers, not the time values were
stored: loading the starter data is not an update ITU published. Recent updates say, row
by row, where the value comes from, who publishes it and whether it came from a data load.
"""

from dataclasses import dataclass, replace

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session, col

from gdc_tracker import charts, provenance
from gdc_tracker.i18n import _, ngettext
from gdc_tracker.links import page_url
from gdc_tracker.live import published_only
from gdc_tracker.models import (
    SERVICE_ACCOUNT,
    WORLD_CODE,
    DataSource,
    Geography,
    Indicator,
    Initiative,
    User,
    unit_label,
)
from gdc_tracker.models import ProgressEntry as Entry
from gdc_tracker.palette import INITIATIVE_ORDER, PROGRESS_ORDER, progress_label
from gdc_tracker.queries import overview
from gdc_tracker.queries.overview import published, source_columns
from gdc_tracker.status import DEFAULT_THRESHOLDS, Thresholds
from gdc_tracker.views import (
    About,
    Figure,
    View,
    about_values,
    count_text,
    newest,
    with_row_provenance,
)
from gdc_tracker.views.indicator import chart_spec
from gdc_tracker.views.reference import reference_as_of, reference_source
from gdc_tracker.views.regional import region_values

AMERICAS_PANEL = ("AMS2", "AMS3")
AMERICAS_CYCLE = "2023-2025"
PANEL_INITIATIVES = 8  # listed per regional initiative; the others are a link away
RECENT_COLUMNS = [  # what "Recent updates" shows, in this order
    "updated_at",
    "subject",
    "geography",
    "period",
    "value",
    "unit",
    "status",
    "narrative",
    "source",
    "publisher",
    "added_by",
    "real_or_demo",
]


def newest_period(session: Session) -> str:
    """The period of the newest published value ("2025-Q3"), "" when there is none.

    Read from the end of the period: the time a value was stored (a data load, say) is
    not the date of the data."""
    period = session.execute(
        sa.select(col(Entry.period))
        .where(published, col(Entry.value).is_not(None))
        .order_by(col(Entry.period_end).desc(), col(Entry.id).desc())
        .limit(1)
    ).scalar()
    return str(period or "")


def datasets_in_use(session: Session) -> tuple[str, ...]:
    """The published datasets that at least one published value comes from, in words."""
    used = sa.exists().where(col(Entry.data_source_id) == col(DataSource.id), published)
    rows = session.execute(
        sa.select(col(DataSource.organisation), col(DataSource.dataset), col(DataSource.release))
        .where(used)
        .order_by(col(DataSource.organisation), col(DataSource.dataset))
    )
    return tuple(provenance.source_label(organisation=o, dataset=d, release=r) for o, d, r in rows)


@published_only
def headline_view(session: Session) -> View:
    """The numbers at the top of Overview, "Data as of" the newest period with a value."""
    headline = overview.headline(session)
    published_values, demo = int(headline["published_entries"]), int(headline["demo_entries"])
    period = newest_period(session)
    return View(
        kind="headline",
        about=About(
            title=_("Overview"),
            sources=(reference_source(), *datasets_in_use(session)),
            as_of=newest([headline["last_update"]]),
            demo_values=demo,
            values=published_values,
        ),
        figures=(
            Figure(value=str(headline["initiatives"]), label=_("Initiatives")),
            Figure(value=str(headline["ongoing_initiatives"]), label=_("Ongoing")),
            Figure(value=str(headline["indicators"]), label=_("Indicators")),
            Figure(value=count_text(published_values), label=_("Published values")),
            Figure(value=period or _("no data yet"), label=_("Data as of")),
        ),
        link=page_url("/"),
    )


# --- the objective cards and the status charts -----------------------------------------------


def _counts(frame: pd.DataFrame, number: int, column: str) -> dict[str, int]:
    rows = frame[frame["objective_number"] == number]
    return dict(zip(rows["status"], rows[column].astype(int), strict=True))


@published_only
def objective_cards_view(session: Session, *, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> View:
    """One row per objective: number, title, short_title, initiatives and indicators (counts
    by status, as dicts) and last_update (the newest published entry touching it)."""
    objectives = overview.objectives(session)
    initiatives = overview.initiative_status_by_objective(session)
    indicators = overview.indicator_status_by_objective(session, thresholds=thresholds)
    latest = overview.latest_update_by_objective(session).set_index("objective_number")
    cards = objectives.assign(
        initiatives=[_counts(initiatives, n, "initiatives") for n in objectives["number"]],
        indicators=[_counts(indicators, n, "indicators") for n in objectives["number"]],
        last_update=[latest["last_update"].get(n) for n in objectives["number"]],
    )
    return View(
        kind="objective_cards",
        about=About(
            title=_("The five objectives"),
            sources=(reference_source(),),
            as_of=reference_as_of(session),
        ),
        data=cards,
    )


def _labelled(session: Session, counts: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """`counts` with each objective's label ("1. Digital divides") and its statuses ranked."""
    labels = overview.objectives(session).assign(
        objective_label=lambda f: f["number"].astype(str) + ". " + f["short_title"]
    )[["number", "objective_label"]]
    data = counts.merge(labels, left_on="objective_number", right_on="number")
    return data.assign(status_rank=data["status"].map({s: i for i, s in enumerate(order)}))


def _status_view(data: pd.DataFrame, *, count: str, kind: str, about: About) -> View:
    chart = charts.status_bars(data, count=count, status_kind=kind, title=about.title)
    return View(
        kind=f"{count}_by_objective",
        about=about,
        summary=charts.status_bars_summary(data, count=count),
        data=data[["objective_label", "status", count]],
        chart=chart_spec(chart),
    )


@published_only
def initiative_status_view(session: Session) -> View:
    """Initiatives by objective and status, as the reference data records them."""
    data = _labelled(session, overview.initiative_status_by_objective(session), INITIATIVE_ORDER)
    about = About(
        title=_("Initiatives by objective and status"),
        filters={_("Geography"): _("World")},
        sources=(reference_source(),),
        as_of=reference_as_of(session),
        values=int(data["initiatives"].sum()),
    )
    return _status_view(data, count="initiatives", kind="initiative", about=about)


def world_values(session: Session) -> pd.DataFrame:
    """is_demo, source (in words), updated_at of the published world values of active
    indicators: what the world progress statuses rest on."""
    statement = (
        sa.select(col(Entry.is_demo), col(Entry.source), col(Entry.updated_at), *source_columns())
        .join(Indicator, col(Indicator.id) == Entry.indicator_id)
        .join(DataSource, col(DataSource.id) == Entry.data_source_id, isouter=True)
        .where(
            published,
            col(Indicator.is_active),
            col(Entry.geo_code) == WORLD_CODE,
            col(Entry.value).is_not(None),
        )
    )
    return with_row_provenance(overview.frame(session, statement))


@published_only
def indicator_status_view(session: Session, *, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> View:
    """Indicators by objective and progress status at world level, with the sources and the
    demo count of the world values the statuses are computed from."""
    counts = overview.indicator_status_by_objective(session, thresholds=thresholds)
    data = _labelled(session, counts, PROGRESS_ORDER)
    about = about_values(
        world_values(session),
        title=_("Indicators by objective and progress status (world)"),
        filters={_("Geography"): _("World")},
    )
    return _status_view(data, count="indicators", kind="progress", about=about)


# --- recent updates --------------------------------------------------------------------------


def _added_by(username: object, import_batch: object, is_demo: bool) -> str:
    """How a value came into the store: a data load is not an update someone published."""
    if username == SERVICE_ACCOUNT:
        return _("starter data load")
    if is_demo and pd.isna(username):  # the demo data is written by no account
        return _("demo data load")
    if pd.notna(import_batch):
        return _("file import")
    return _("editor update")


@published_only
def recent_updates_view(session: Session, *, limit: int = 10) -> View:
    """The newest published entries, one row each with its source, its publisher (the
    organisation behind the dataset, when known) and how it was added (`RECENT_COLUMNS`)."""
    statement: sa.Select = (
        sa.select(
            col(Entry.updated_at),
            sa.func.coalesce(col(Indicator.name), col(Initiative.name)).label("subject"),
            col(Geography.name).label("geography"),
            col(Entry.period),
            col(Entry.value),
            col(Indicator.unit),
            col(Entry.status),
            col(Entry.narrative),
            col(Entry.source),
            col(Entry.is_demo),
            col(Entry.import_batch_id),
            col(User.username),
            *source_columns(),
        )
        .join(Indicator, col(Indicator.id) == col(Entry.indicator_id), isouter=True)
        .join(Initiative, col(Initiative.id) == col(Entry.initiative_id), isouter=True)
        .join(Geography, col(Geography.code) == col(Entry.geo_code))
        .join(DataSource, col(DataSource.id) == col(Entry.data_source_id), isouter=True)
        .join(User, col(User.id) == col(Entry.author_id), isouter=True)
        .where(published)
        .order_by(col(Entry.updated_at).desc(), col(Entry.id).desc())
        .limit(limit)
    )
    rows = overview.frame(session, statement)
    rows["updated_at"] = pd.to_datetime(rows["updated_at"], utc=True, format="mixed")
    rows["is_demo"] = rows["is_demo"].fillna(False).astype(bool)
    publisher = rows["source_organisation"].fillna("").astype(str).where(~rows["is_demo"], "")
    added = [
        _added_by(u, b, d)
        for u, b, d in zip(rows["username"], rows["import_batch_id"], rows["is_demo"], strict=True)
    ]
    data = with_row_provenance(rows.assign(publisher=publisher, added_by=added))
    data = data.assign(unit=data["unit"].map(lambda unit: unit_label(unit) if unit else ""))
    return View(
        kind="recent_updates",
        about=about_values(data, title=_("Recent updates")),
        data=data[[*RECENT_COLUMNS, "is_demo"]],
        table=data[RECENT_COLUMNS],
        problem=""
        if len(data)
        else _("No published updates yet. Editors add them on the Update page."),
    )


# --- the Americas panel ----------------------------------------------------------------------


@dataclass(frozen=True)
class Panel:
    """One regional initiative of the Americas panel: its indicator table (`view`, titled
    "AMS2 (2023-2025)", with the About of the region's values) and its initiatives."""

    view: View
    caption: str  # its title, or why there is none
    initiatives: int
    lines: str  # the first PANEL_INITIATIVES initiatives as a Markdown list
    more: str  # "4 more: all of AMS2 on Regional initiatives", or "" when all are listed
    key: str  # "AMS2/2023-2025", the Regional initiatives page's `ri`


@published_only
def americas_panel_view(
    session: Session, *, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> tuple[Panel, ...]:
    """AMS2 and AMS3 of the 2023-2025 cycle: initiatives and indicators of each."""
    panels = overview.regional_panel(
        session, codes=AMERICAS_PANEL, cycle=AMERICAS_CYCLE, thresholds=thresholds
    )
    return tuple(_panel(session, panel) for panel in panels)


def _panel(session: Session, panel: dict) -> Panel:
    code, cycle = str(panel["code"]), str(panel["cycle"])
    initiatives = panel["initiatives"]
    lines, more = charts.initiative_lines(initiatives, limit=PANEL_INITIATIVES)
    indicators = panel["indicators"]
    for column in ("latest_year", "latest_value"):
        if column not in indicators:  # no indicator linked: the columns all the same
            indicators = indicators.assign(**{column: pd.Series(dtype=float)})
    table = indicators.assign(
        status=indicators["status"].fillna("insufficient data").map(progress_label),
    )[["name", "latest_year", "latest_value", "unit", "status"]]
    values = region_values(session, str(panel["region_code"]), indicators["indicator_id"])
    title = f"{code} ({cycle})"
    about = about_values(values, title=title, filters={_("Regional initiative"): title})
    return Panel(
        view=View(
            kind="regional_panel",
            # the initiatives and the indicators' links come from the reference data
            about=replace(about, sources=(reference_source(), *about.sources)),
            data=table,
            link=page_url("/regional", {"ri": f"{code}/{cycle}"}),
        ),
        caption=str(panel["title"] or panel["note"] or _("Title not recorded")),
        initiatives=len(initiatives),
        lines=lines,
        more=ngettext(
            "{n} more: all of {code} on Regional initiatives",
            "{n} more: all of {code} on Regional initiatives",
            more,
        ).format(n=more, code=code)
        if more
        else "",
        key=f"{code}/{cycle}",
    )
