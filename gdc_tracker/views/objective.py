"""The objective views: one GDC objective for a slide (`objective_view`) and the whole
Objectives page (`objective_page_view`): its initiatives, indicators, updates and gaps,
optionally seen from one ITU region."""

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import pandas as pd
from sqlmodel import Session

from gdc_tracker import provenance
from gdc_tracker.charts import objectives as objective_charts
from gdc_tracker.i18n import N_, _
from gdc_tracker.links import page_url
from gdc_tracker.models import initiative_status_label, lead_sector_label, unit_label
from gdc_tracker.palette import progress_label
from gdc_tracker.queries import objective_detail as detail
from gdc_tracker.queries.overview import objectives
from gdc_tracker.reports.data import ObjectiveSection, gather_report, objective_paragraphs
from gdc_tracker.status import DEFAULT_THRESHOLDS, Thresholds, rule_in_words
from gdc_tracker.views import (
    About,
    Figure,
    Section,
    View,
    about_values,
    files,
    newest,
    plain_number_text,
    with_row_provenance,
)
from gdc_tracker.views.indicator import chart_spec
from gdc_tracker.views.reference import reference_as_of, reference_source


def objective_view(
    session: Session,
    *,
    number: int,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    organisation: str = "International Telecommunication Union",
) -> View:
    """One GDC objective: its initiatives by status, its indicators by progress status."""
    data = gather_report(
        session, thresholds=thresholds, organisation=organisation, objective_numbers=(number,)
    )
    link = page_url("/objectives", {"objective": number})
    if not data.objectives:
        return View(
            kind="objective",
            about=About(title=_("Objective {number}").format(number=number)),
            link=link,
            problem=_("This objective does not exist."),
        )
    return section_view(data.objectives[0], geo_name=data.geo_name, link=link)


def section_view(section: ObjectiveSection, *, geo_name: str, link: str = "") -> View:
    """An objective as the report's section, the slide and the deck draw it: its figures,
    numbered paragraphs, chart, initiative and indicator tables, sources and notice."""
    initiatives = int(section.initiative_status["initiatives"].sum())
    indicators = int(section.indicator_status["indicators"].sum())
    by_status = section.indicator_status.set_index("status")["indicators"]
    about = About(
        title=_("Objective {number}: {short_title}").format(
            number=section.number, short_title=section.short_title
        ),
        filters={_("Objective"): str(section.number), _("Geography"): geo_name},
        sources=section.sources,
        as_of=section.last_update,
        demo_values=section.demo_entries,
        values=section.values,
    )
    return View(
        kind="objective",
        about=about,
        summary=section.chart_summary,
        data=section.indicators,
        chart=chart_spec(section.chart),
        figures=(
            Figure(value=str(initiatives), label=_("ITU initiatives")),
            Figure(value=str(indicators), label=_("indicators")),
            Figure(
                value=str(int(by_status.get("on track", 0)) + int(by_status.get("target met", 0))),
                label=_("indicators on track or with the target met"),
            ),
        ),
        bullets=tuple(objective_paragraphs(section, geo_name)),
        table=section.indicators.iloc[:, [0, 1, 2, -1]],
        sections=(
            Section(
                heading=_("Initiatives contributing to Objective {number}").format(
                    number=section.number
                ),
                data=section.initiatives,
                name=f"objective-{section.number}-initiatives",
                empty=_("No initiative is mapped to this objective yet."),
            ),
            Section(
                heading=_("Indicators of Objective {number} ({geo})").format(
                    number=section.number, geo=geo_name
                ),
                data=section.indicators,
                name=f"objective-{section.number}-indicators",
                empty=_("No indicator evidences this objective yet."),
            ),
        ),
        link=link,
    )


# --- the Objectives page ---------------------------------------------------------------------

ALL = "all"  # the region choice "all regions (world)"
# A region's or regional initiative's gap: its symbol and its words (English, marked for
# the catalogues: `gap_words` translates them).
GAP_WORDS = {
    detail.NOT_RECORDED: ("⚠", N_("not recorded in the reference data")),
    "few": ("△", N_("few")),
}
INITIATIVE_TABLE = ["name", "lead_sector", "status", "primary", "partners", "regions", "source"]
INDICATOR_TABLE = [
    "name", "status", "latest_value", "latest_year", "unit", "target", "trend", "explanation",
]  # fmt: skip
UPDATE_TABLE = [
    "updated_at", "subject", "geography", "period", "value", "unit", "real_or_demo", "narrative",
    "source",
]  # fmt: skip


@dataclass(frozen=True)
class ObjectivePage:
    """Every section of the Objectives page for one objective and region, each a `View`
    whose `table` is what the page shows and whose `data` is what its files hold."""

    heading: str  # "Objective 1: Close all digital divides..."
    where: str  # "World", "Americas (AMS)"
    initiative_figures: tuple[Figure, ...]
    initiatives: View
    by_sector: View
    by_region: View
    indicators: View
    statuses: View
    rule: str  # how the progress status is computed, in words
    updates: View
    gaps_caption: str
    region_gaps: View
    data_gaps: View
    regional_gaps: View
    about: About  # the page as a whole: the sources and demo values of everything shown


def objective_options(session: Session) -> dict[str, str]:
    """Objective number -> "1. Digital divides", for the page's choice."""
    return {str(o.number): f"{o.number}. {o.short_title}" for o in objectives(session).itertuples()}


def region_options(session: Session) -> dict[str, str]:
    """Region code -> "Americas (AMS)", after "all" for the world."""
    regions = detail.itu_regions(session)
    return {ALL: _("All regions (world)")} | {
        r.code: f"{r.name} ({r.code})" for r in regions.itertuples()
    }


def objective_page_view(
    session: Session,
    *,
    number: int,
    region: str | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> ObjectivePage:
    """Objective `number` seen from ITU region `region` (None: the world)."""
    where = _("World") if region is None else region_options(session).get(region, region)
    filters = {_("Objective"): str(number), _("ITU region"): where}
    title = objectives(session).set_index("number")["title"].get(number, "")
    args: dict[str, Any] = {"objective": number, "region": region}
    initiatives = detail.objective_initiatives(session, **args)
    indicators = detail.objective_indicators(session, **args, thresholds=thresholds)
    updates = _updates_view(session, number, region, filters)
    as_of = updates.about.as_of
    indicator_view = _indicators_view(indicators, number, filters, as_of)
    return ObjectivePage(
        heading=_("Objective {number}: {title}").format(number=number, title=title),
        where=where,
        initiative_figures=_initiative_figures(session, number, region),
        initiatives=_initiatives_view(session, initiatives, number, filters),
        by_sector=_initiative_chart(
            session,
            detail.initiative_status_by_sector(session, **args),
            kind="initiative_status_by_sector",
            title=_("By lead sector and status"),
            filters=filters,
            initiatives=initiatives,
        ),
        by_region=_initiative_chart(
            session,
            detail.initiatives_by_region(session, **args),
            kind="initiatives_by_region",
            title=_("By ITU region of action"),
            filters=filters,
            initiatives=initiatives,
        ),
        indicators=indicator_view,
        statuses=_statuses_view(indicators, indicator_view.about),
        rule=rule_in_words(thresholds),
        updates=updates,
        gaps_caption=_gaps_caption(indicators, region),
        region_gaps=_region_gaps_view(session, number, filters),
        data_gaps=_data_gaps_view(indicators, region, indicator_view.about),
        regional_gaps=_regional_gaps_view(session, number, region, filters),
        about=_page_about(indicators, updates, number, filters, as_of),
    )


def _initiative_figures(session: Session, number: int, region: str | None) -> tuple[Figure, ...]:
    counts = detail.initiative_status_counts(session, objective=number, region=region)
    return (Figure(str(int(counts["initiatives"].sum())), _("Initiatives")),) + tuple(
        Figure(str(int(row.initiatives)), initiative_status_label(row.status).capitalize())
        for row in counts.itertuples()
    )


def _initiatives_about(
    session: Session, title: str, filters: dict[str, str], *, values: int, as_of: object = None
) -> About:
    """Initiatives are reference facts: their source is C25/52, their date their last change
    (the newest change of any initiative when `as_of`, the ones counted, is not known)."""
    return About(
        title=title,
        filters=filters,
        sources=(reference_source(),),
        as_of=newest([as_of]) if as_of is not None else reference_as_of(session),
        values=values,
    )


def _changed(initiatives: pd.DataFrame) -> datetime | None:
    return newest(initiatives["updated_at"]) if len(initiatives) else None


def _initiatives_view(
    session: Session, initiatives: pd.DataFrame, number: int, filters: dict[str, str]
) -> View:
    shown = initiatives.assign(
        lead_sector=initiatives["lead_sector"].map(lead_sector_label),
        status=initiatives["status"].map(initiative_status_label),
        primary=initiatives["is_primary"].map({True: _("yes"), False: _("no")}),
        regions=initiatives["regions"].mask(initiatives["is_global"].astype(bool), _("global")),
    )[INITIATIVE_TABLE]
    title = _("Initiatives of objective {number}").format(number=number)
    return View(
        kind="objective_initiatives",
        about=_initiatives_about(
            session, title, filters, values=len(initiatives), as_of=_changed(initiatives)
        ),
        data=shown,
        problem=""
        if len(initiatives)
        else _("No initiative is recorded under this objective for this region."),
    )


def _initiative_chart(
    session: Session,
    data: pd.DataFrame,
    *,
    kind: str,
    title: str,
    filters: dict[str, str],
    initiatives: pd.DataFrame,
) -> View:
    draw, summary = {
        "initiative_status_by_sector": (
            objective_charts.initiatives_by_sector,
            objective_charts.initiatives_by_sector_summary,
        ),
        "initiatives_by_region": (
            objective_charts.initiatives_by_region,
            objective_charts.initiatives_by_region_summary,
        ),
    }[kind]
    return View(
        kind=kind,
        about=_initiatives_about(
            session, title, filters, values=len(initiatives), as_of=_changed(initiatives)
        ),
        summary=summary(data),
        data=data,
        chart=chart_spec(draw(data, title=title)),
    )


def gap_words(gap: str) -> str:
    """ "⚠ not recorded in the reference data", "△ few", or "" where there is no gap."""
    if gap not in GAP_WORDS:
        return ""
    symbol, words = GAP_WORDS[gap]
    return f"{symbol} {_(words)}"


def _target(value: object, year: object) -> str:
    if pd.notna(value) and pd.notna(year):
        return _("{value} by {year}").format(
            value=plain_number_text(float(value)),  # type: ignore[arg-type]  # a pandas cell, known here
            year=int(year),  # type: ignore[call-overload]  # a pandas cell, known here
        )
    return _("none set")


def _indicators_view(
    indicators: pd.DataFrame, number: int, filters: dict[str, str], as_of: object
) -> View:
    """The objective's indicators: status in words, unit and target in words; the files
    add each indicator's code, the source of its values and whether any is demo."""
    shown = indicators.assign(
        status=indicators["status"].map(progress_label),
        unit=indicators["unit"].map(unit_label),
        target=[
            _target(v, y)
            for v, y in zip(indicators["target_value"], indicators["target_year"], strict=True)
        ],
    )
    about = files.about_latest_values(
        indicators,
        title=_("Indicators of objective {number}").format(number=number),
        filters=filters,
        as_of=as_of,
    )
    data = with_row_provenance(shown.assign(is_demo=indicators["is_demo"].astype(bool)))
    data = data.assign(source=data["source"].mask(data["is_demo"], provenance.demo_label()))
    return View(
        kind="objective_indicators",
        about=about,
        data=data[[*INDICATOR_TABLE, "code", "source", "real_or_demo", "is_demo"]],
        table=data[INDICATOR_TABLE],
        problem="" if len(indicators) else _("No indicator evidences this objective yet."),
    )


def _statuses_view(indicators: pd.DataFrame, about: About) -> View:
    title = _("Indicators by progress status")
    return View(
        kind="objective_statuses",
        about=replace(about, title=title),
        summary=objective_charts.indicator_statuses_summary(indicators),
        data=indicators[["code", "name", "status"]],
        chart=chart_spec(objective_charts.indicator_statuses(indicators[["status"]], title=title))
        if len(indicators)
        else None,
    )


def _updates_view(
    session: Session, number: int, region: str | None, filters: dict[str, str]
) -> View:
    updates = detail.objective_updates(session, objective=number, region=region, limit=10)
    data = with_row_provenance(provenance.with_source_columns(updates))
    data = data.assign(unit=data["unit"].fillna(""))
    return View(
        kind="objective_updates",
        about=about_values(
            data,
            title=_("Recent updates on objective {number}").format(number=number),
            filters=filters,
        ),
        data=data[[*UPDATE_TABLE, "is_demo"]],
        table=data[UPDATE_TABLE],
        problem=""
        if len(data)
        else _("No published update touches this objective's indicators or initiatives yet."),
    )


def _gaps_caption(indicators: pd.DataFrame, region: str | None) -> str:
    return _(
        "**Stale**: the latest value is more than {n} years older than {year}, the newest "
        "year with published indicator data in the store at this level ({where}). "
        "**No data**: nothing published yet. "
        "Regions: initiatives acting in the region itself; global ones reach every region. "
        "**Not recorded in the reference data** says what this store holds, not that ITU "
        "does no work there."
    ).format(
        n=detail.STALE_AFTER_YEARS,
        year=indicators["newest_year"].max() if len(indicators) else "-",
        where=region or _("world"),
    )


def _region_gaps_view(session: Session, number: int, filters: dict[str, str]) -> View:
    regions = detail.region_gaps(session, objective=number)
    shown = regions.assign(gap=regions["gap"].map(gap_words))
    title = _("ITU regions with few or no initiatives of their own recorded")
    return View(
        kind="objective_region_gaps",
        about=_initiatives_about(session, title, filters, values=int(regions["initiatives"].sum())),
        data=shown[["region", "initiatives", "global_initiatives", "gap"]],
    )


def _data_gaps_view(indicators: pd.DataFrame, region: str | None, about: About) -> View:
    missing = indicators[indicators["data_state"] != "current"] if len(indicators) else indicators
    title = _("Indicators with no data or stale data ({where})").format(where=region or "WLD")
    return View(
        kind="objective_data_gaps",
        about=replace(about, title=title),
        data=missing[["name", "latest_year", "data_state"]],
        problem="" if len(missing) else _("None: every indicator has recent data."),
    )


def _regional_gaps_view(
    session: Session, number: int, region: str | None, filters: dict[str, str]
) -> View:
    regional = detail.regional_initiative_coverage(session, objective=number, region=region)
    shown = regional.assign(
        gap=(regional["initiatives"] == 0).map({True: gap_words(detail.NOT_RECORDED), False: ""})
    )
    title = _("Regional initiatives (ITU-D commitments) with few actions")
    return View(
        kind="objective_regional_gaps",
        about=_initiatives_about(
            session, title, filters, values=int(regional["initiatives"].sum())
        ),
        data=shown[["code", "cycle", "title", "initiatives", "indicators", "gap"]],
        problem=""
        if len(regional)
        else _("No regional initiative is recorded for this region yet."),
    )


def _page_about(
    indicators: pd.DataFrame, updates: View, number: int, filters: dict[str, str], as_of: object
) -> About:
    """The page as a whole: the reference data its initiatives come from, the sources of its
    indicators' and updates' values, its demo
    values (those behind the indicators and the demo updates) and their newest date."""
    indicator_about = files.about_latest_values(indicators, title="", filters=filters, as_of=as_of)
    demo = int(indicators["demo_values"].sum()) + updates.about.demo_values
    sources = tuple(dict.fromkeys((*indicator_about.sources, *updates.about.sources)))
    return About(
        title=_("Objective {number}").format(number=number),
        filters=filters,
        sources=(reference_source(), *sources),
        as_of=newest([as_of]) if as_of is not None else None,
        demo_values=demo,
        values=int(indicators["trend"].map(len).sum()) + updates.about.values,
    )
