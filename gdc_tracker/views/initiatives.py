"""The Initiatives page's views: the filtered table, the matrix against the regional
initiatives, the timeline, and one initiative in detail.

Every view of a filtered list says which filters it shows in words (objective names,
region names, regional initiatives, statuses, lead sectors, partners, countries), which
documents and public pages the initiatives it shows cite for the facts drawn, and when
the newest of them changed. Facts about initiatives are reference facts, never demo; a
narrative update or an indicator value may be demo, and its view says so.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session, col

from gdc_tracker import provenance
from gdc_tracker.charts import initiatives as charts
from gdc_tracker.i18n import N_, _, ngettext
from gdc_tracker.links import page_url
from gdc_tracker.models import (
    WORLD_CODE,
    DataSource,
    FactBasis,
    Initiative,
    ProgressEntry,
    initiative_status_label,
    lead_sector_label,
)
from gdc_tracker.palette import progress_label
from gdc_tracker.queries import initiatives as queries
from gdc_tracker.queries.overview import frame, published, source_columns
from gdc_tracker.status import DEFAULT_THRESHOLDS, Thresholds
from gdc_tracker.views import (
    About,
    Figure,
    View,
    about_values,
    day_text,
    newest,
    with_row_provenance,
)
from gdc_tracker.views.implementation import basis_words, initiative_links_view
from gdc_tracker.views.indicator import chart_spec
from gdc_tracker.views.reference import reference_source

NO_FILTERS = queries.InitiativeFilters()
# English, marked for the catalogues: `filter_labels` and the views translate them.
FILTER_LABELS = {
    "objective": N_("GDC objective"),
    "region": N_("ITU region"),
    "regional": N_("Regional initiative"),
    "status": N_("Status"),
    "lead": N_("Lead sector"),
    "partner": N_("Partner"),
    "country": N_("Country"),
}
ALL_FACTS = ()  # every fact of an initiative, for the table that shows them all
MAP_FACTS = ("objectives",)
REGIONAL_FACTS = ("regional_initiatives",)
TIMELINE_FACTS = ("start_date", "end_date", "milestones", "status")
DETAIL_FACTS = {
    "lead_sector": N_("Lead sector"),
    "status": N_("Status"),
    "start_date": N_("Start"),
    "end_date": N_("End"),
    "focal_point": N_("Focal point"),
}
C25_52 = "C25/52"  # how the reference data cites the ITU Council document


# Filters, sources and dates in words


def filter_labels() -> dict[str, str]:
    """The filters' labels, by their URL parameter, in the reader's language."""
    return {param: _(label) for param, label in FILTER_LABELS.items()}


def filters_in_words(session: Session, filters: queries.InitiativeFilters) -> dict[str, str]:
    """label -> the choices in words ("GDC objective": "3. Safe digital space"); a code
    the store does not know is shown as it was asked."""
    if not filters.active:
        return {}
    choices = queries.filter_choices(session)
    words = {_("Search"): _("“{text}”").format(text=filters.q)} if filters.q else {}
    for param, label in filter_labels().items():
        chosen = [str(value) for value in getattr(filters, param)]
        if chosen:
            named = choices.get(param, {})
            words[label] = ", ".join(named.get(value, value) for value in chosen)
    return words


def _document(cited: str) -> str:
    """The document a stored source names: C25/52 by its full title, others as written."""
    return reference_source() if cited.strip().startswith(C25_52) else cited.strip()


def cited_sources(
    session: Session, where: Iterable[sa.ColumnElement[bool]], facts: tuple[str, ...] = ALL_FACTS
) -> tuple[str, ...]:
    """The documents the matching initiatives cite, then the public pages their `facts`
    rest on (every fact when none is named), each most cited first."""
    where = list(where)
    documents = Counter(
        _document(text)
        for text in session.execute(sa.select(col(Initiative.source)).where(*where)).scalars()
        if text and text.strip()
    )
    basis = sa.select(col(FactBasis.basis), col(FactBasis.url)).join(
        Initiative, col(Initiative.id) == FactBasis.initiative_id
    )
    if facts:
        basis = basis.where(col(FactBasis.fact).in_(facts))
    pages: Counter[str] = Counter()
    for kind, url in session.execute(basis.where(*where)).all():
        if kind == C25_52:
            documents[reference_source()] += 1
        elif kind == "public" and url:
            pages[str(url)] += 1
    return tuple(name for name, _n in documents.most_common()) + tuple(
        url for url, _n in pages.most_common()
    )


def _edited(session: Session, where: Iterable[sa.ColumnElement[bool]]) -> datetime | None:
    """When the newest of the matching initiatives was last changed."""
    latest = session.execute(sa.select(sa.func.max(Initiative.updated_at)).where(*where)).scalar()
    return newest([latest])


def initiatives_about(
    session: Session,
    filters: queries.InitiativeFilters,
    *,
    title: str,
    facts: tuple[str, ...] = ALL_FACTS,
    shown: int = 0,
) -> About:
    """The `About` of a view of the initiatives matching `filters`: the filters in words,
    what they cite for `facts`, and the date of the newest one. No fact is demo."""
    where = queries.conditions(filters)
    return About(
        title=title,
        filters=filters_in_words(session, filters),
        sources=cited_sources(session, where, facts),
        as_of=_edited(session, where),
        values=shown,
    )


def page_link(filters: queries.InitiativeFilters, **extra: str) -> str:
    """The path and query of the Initiatives page showing `filters` (and `extra`)."""
    params: dict[str, object] = {"q": filters.q} if filters.q else {}
    params |= {p: [str(v) for v in getattr(filters, p)] for p in FILTER_LABELS}
    return page_url("/initiatives", {**params, **extra})


def problem_drawing(rows: int, filters: queries.InitiativeFilters, row_limit: int | None) -> str:
    """Why the initiatives matching `filters` cannot be drawn one row each ("" if they can)."""
    if rows == 0 and filters.active:
        return _(
            "No initiative matches this search and these filters. "
            "Remove a filter or shorten the search text."
        )
    if rows == 0:
        return _("No initiative is recorded yet.")
    if row_limit is not None and rows > row_limit:
        return ngettext(
            "{n} initiative is too many to draw one row each. "
            "Narrow the filters to {limit} or fewer.",
            "{n} initiatives are too many to draw one row each. "
            "Narrow the filters to {limit} or fewer.",
            rows,
        ).format(n=rows, limit=row_limit)
    return ""


# The table


def _bases(session: Session, where: list[sa.ColumnElement[bool]]) -> pd.DataFrame:
    """slug, source, basis: what each matching initiative cites, and the basis of each of
    its facts in words ("status: C25/52, section 2.2 · start_date: public information…")."""
    cited = frame(session, sa.select(col(Initiative.slug), col(Initiative.source)).where(*where))
    facts = frame(
        session,
        sa.select(
            col(Initiative.slug),
            col(FactBasis.fact),
            col(FactBasis.basis),
            col(FactBasis.section),
            col(FactBasis.url),
        )
        .join(Initiative, col(Initiative.id) == FactBasis.initiative_id)
        .where(*where)
        .order_by(col(FactBasis.id)),
    )
    words = {
        slug: " · ".join(
            f"{row.fact}: {basis_words(row.basis, row.section, row.url)}"
            for row in group.itertuples()
        )
        for slug, group in facts.groupby("slug", sort=False)
    }
    return cited.assign(
        source=cited["source"].fillna("").astype(str),
        basis=cited["slug"].map(words).fillna(_("basis not recorded")),
    )


def initiatives_view(session: Session, *, filters: queries.InitiativeFilters = NO_FILTERS) -> View:
    """The initiatives matching `filters`, one row each, with what each cites (`source`)
    and the basis of each of its facts (`basis`), out of all those recorded."""
    rows = queries.initiatives_table(session, filters=filters)
    total = int(queries.initiative_facts(session)["total"])
    shown = rows.merge(_bases(session, queries.conditions(filters)), on="slug", how="left")
    shown = shown.assign(
        status=shown["status"].map(initiative_status_label),
        lead_sector=shown["lead_sector"].map(lead_sector_label),
    )
    about = initiatives_about(session, filters, title=_("Initiatives"), shown=len(rows))
    updated = newest(rows["last_update"])  # a published update is newer than the facts
    if updated is not None and (about.as_of is None or updated > about.as_of):
        about = replace(about, as_of=updated)
    return View(
        kind="initiatives",
        about=about,
        summary=ngettext(
            "{shown} of {total} initiative", "{shown} of {total} initiatives", total
        ).format(shown=len(rows), total=total),
        data=shown,
        figures=(
            Figure(value=str(len(rows)), label=_("initiatives shown")),
            Figure(value=str(total), label=_("initiatives recorded")),
        ),
        link=page_link(filters),
        problem="" if len(rows) else problem_drawing(0, filters, None),
    )


# The matrix against the regional initiatives, and the timeline


def regional_matrix_view(
    session: Session,
    *,
    filters: queries.InitiativeFilters = NO_FILTERS,
    row_limit: int | None = None,
) -> View:
    """The matching initiatives against every regional initiative (a column each)."""
    about = initiatives_about(
        session, filters, title=_("Initiatives and the regional initiatives"), facts=REGIONAL_FACTS
    )
    link = page_link(filters, view="map")
    rows = len(queries.initiatives_table(session, filters=filters))
    problem = problem_drawing(rows, filters, row_limit)
    links = queries.regional_links(session, filters=filters)
    if not problem and links.empty:
        problem = _(
            "No matching initiative is linked to a regional initiative. "
            "Remove filters, or link initiatives to regional initiatives on the Update page."
        )
    if problem:
        return View(kind="regional_matrix", about=about, link=link, problem=problem)
    keys = list(queries.filter_choices(session)["regional"])
    summary = charts.regional_summary(links, keys)
    return View(
        kind="regional_matrix",
        about=replace(about, values=len(links)),
        summary=summary,
        data=links,
        chart=chart_spec(charts.regional_matrix(links, keys)),
        bullets=(summary,),
        link=link,
    )


def timeline_view(
    session: Session,
    *,
    filters: queries.InitiativeFilters = NO_FILTERS,
    today: date,
    row_limit: int | None = None,
) -> View:
    """The matching initiatives from start to end with their milestones. `bullets` names
    those with no start date; `table` lists the milestones (done, due or slipped)."""
    about = initiatives_about(session, filters, title=_("Timeline"), facts=TIMELINE_FACTS)
    link = page_link(filters, view="timeline")
    rows = queries.initiatives_table(session, filters=filters)
    problem = problem_drawing(len(rows), filters, row_limit)
    if problem:
        return View(kind="timeline", about=about, link=link, problem=problem)
    milestones = queries.milestones(session, filters=filters, today=today)
    bars, points, undated = charts.timeline_frames(rows, milestones, today)
    table = milestones[["name", "title", "due_date", "done", "state"]]
    if bars.empty and points.empty:
        problem = _(
            "No matching initiative has a start date or a dated milestone. "
            "Remove filters, or record dates on the Update page."
        )
        return View(
            kind="timeline",
            about=about,
            bullets=tuple(undated["name"]),
            table=table,
            link=link,
            problem=problem,
        )
    return View(
        kind="timeline",
        about=replace(about, values=len(bars) + len(points)),
        summary=charts.timeline_summary(bars, points, undated),
        data=bars,
        chart=chart_spec(charts.timeline(bars, points, today)),
        bullets=tuple(undated["name"]),
        table=table,
        link=link,
    )


# One initiative in detail


def _when(value: object) -> str:
    if value is None or pd.isna(value):
        return _("not recorded")
    return day_text(value, "medium")  # type: ignore[arg-type]  # a pandas cell: a date here


@dataclass(frozen=True)
class Fact:
    """A fact of an initiative as shown: "Status", "ongoing", and its basis (Markdown)."""

    label: str
    value: str
    basis: str


@dataclass(frozen=True)
class InitiativeDetail:
    """One initiative as its page shows it. `text` holds escaped Markdown lists (objectives,
    regional, countries, partners, links); `captions` the basis of each fact (Markdown)."""

    slug: str
    about: About
    summary: str = ""
    note: str = ""  # Markdown, escaped: "**Note:** ..."
    facts: tuple[Fact, ...] = ()
    text: dict[str, str] = field(default_factory=dict)
    captions: dict[str, str] = field(default_factory=dict)
    milestones: View | None = None
    updates: View | None = None
    indicators: View | None = None
    frameworks: View | None = None  # the GDC commitments and frameworks it serves
    problem: str = ""

    @property
    def name(self) -> str:
        return self.about.title

    def caption(self, fact: str) -> str:
        return charts.caption_of(self.captions, fact)


def initiative_detail_view(
    session: Session, *, slug: str, today: date, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> InitiativeDetail:
    """The initiative `slug`: its facts with their basis, its lists, its milestones, its
    published updates and the indicators sharing its objectives, each with its `About`."""
    parts = queries.initiative_detail(session, slug=slug, today=today, thresholds=thresholds)
    if parts["profile"].empty:
        problem = _("There is no initiative “{slug}”: it may have been renamed or removed.").format(
            slug=slug
        )
        return InitiativeDetail(slug=slug, about=About(title=slug), problem=problem)
    profile = parts["profile"].iloc[0]
    name = str(profile["name"])
    where = [col(Initiative.slug) == slug]
    about = About(
        title=name,
        sources=cited_sources(session, where),
        as_of=newest([profile["updated_at"]]),
    )
    captions = charts.fact_captions(parts["basis"])
    note = profile["note"]
    return InitiativeDetail(
        slug=slug,
        about=about,
        summary=str(profile["summary"] or ""),
        note=_("**Note:** {note}").format(note=charts.escape_markdown(note))
        if pd.notna(note) and note
        else "",
        facts=tuple(
            _fact(profile, fact, _(label), captions) for fact, label in DETAIL_FACTS.items()
        ),
        text=charts.detail_markdown(parts),
        captions=captions,
        milestones=_milestones(session, where, parts["milestones"], name),
        updates=_updates(parts["updates"], name),
        indicators=_indicators(session, parts["indicators"], name),
        frameworks=initiative_links_view(session, slug=slug, name=name),
    )


def _fact(profile: pd.Series, fact: str, label: str, captions: dict[str, str]) -> Fact:
    """One fact as shown; a focal point no one recorded reads "not stated", never "None"."""
    value = profile[fact]
    if fact == "focal_point" and (value is None or pd.isna(value) or not value):
        return Fact(label=label, value=_("not stated"), basis=charts.basis_line("not stated"))
    shown = _when(value) if fact.endswith("_date") else str(value)
    return Fact(label=label, value=shown, basis=charts.caption_of(captions, fact))


def _milestones(
    session: Session, where: list[sa.ColumnElement[bool]], milestones: pd.DataFrame, name: str
) -> View:
    about = About(
        title=_("Milestones · {name}").format(name=name),
        sources=cited_sources(session, where, ("milestones",)),
        as_of=_edited(session, where),
        values=len(milestones),
    )
    return View(
        kind="milestones",
        about=about,
        data=milestones[["title", "due_date", "done", "state"]],
        problem="" if len(milestones) else _("No milestone is recorded."),
    )


def _updates(updates: pd.DataFrame, name: str) -> View:
    """Published narrative updates, newest first; `data` says "demo" on demo ones."""
    about = about_values(
        updates.assign(source=updates["source"].fillna("").astype(str)),
        title=_("Latest updates · {name}").format(name=name),
    )
    shown = updates.assign(data=updates["is_demo"].map({True: _("demo"), False: ""}))
    return View(
        kind="initiative_updates",
        about=about,
        data=shown[["period", "status", "narrative", "data", "source", "is_demo", "updated_at"]],
        problem="" if len(updates) else _("No published update yet."),
    )


def _indicators(session: Session, linked: pd.DataFrame, name: str) -> View:
    """Indicators sharing an objective: latest world value and status, each with the
    sources of the world values its status rests on (`source`, `is_demo`)."""
    values = world_values(session, linked["indicator_id"])
    about = about_values(values, title=_("Linked indicators · {name}").format(name=name))
    per_indicator = values.groupby("indicator_id").agg(
        source=("source", lambda s: "; ".join(dict.fromkeys(s))),
        is_demo=("is_demo", "any"),
    )
    shown = linked.drop(columns="is_demo").merge(
        per_indicator, left_on="indicator_id", right_index=True, how="left"
    )
    shown = shown.assign(
        status=shown["status"].map(progress_label),
        source=shown["source"].fillna(provenance.not_stated_label()),
        is_demo=shown["is_demo"].fillna(False).astype(bool),
    )
    columns = ["name", "status", "latest_year", "latest_value", "unit", "objectives", "code"]
    return View(
        kind="initiative_indicators",
        about=about,
        data=shown[[*columns, "source", "is_demo"]],
        problem="" if len(linked) else _("No indicator shares its objectives."),
    )


def world_values(session: Session, indicator_ids: pd.Series) -> pd.DataFrame:
    """indicator_id, is_demo, source (in words), updated_at: the published world values of
    the indicators, on which their world statuses rest."""
    entry = ProgressEntry
    statement = (
        sa.select(
            col(entry.indicator_id),
            col(entry.is_demo),
            col(entry.source),
            col(entry.updated_at),
            *source_columns(),
        )
        .join(DataSource, col(DataSource.id) == entry.data_source_id, isouter=True)
        .where(
            published,
            col(entry.geo_code) == WORLD_CODE,
            col(entry.indicator_id).in_([int(i) for i in indicator_ids]),
            col(entry.value).is_not(None),
        )
    )
    return with_row_provenance(frame(session, statement))


__all__ = [
    "FILTER_LABELS",
    "Fact",
    "InitiativeDetail",
    "cited_sources",
    "filter_labels",
    "filters_in_words",
    "initiative_detail_view",
    "initiatives_about",
    "initiatives_view",
    "page_link",
    "problem_drawing",
    "regional_matrix_view",
    "timeline_view",
    "world_values",
]
