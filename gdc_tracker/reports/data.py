"""What a Council report says, gathered once from the store as plain data.

`gather_report` runs the read-side queries (published entries only, aggregated in SQL) and
returns a `ReportData`: tables already worded for people, a chart per objective and the
sentences of the numbered paragraphs. The Word, PDF and PowerPoint writers only lay it out,
so the three files always say the same thing.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import SupportsFloat, SupportsInt

import altair as alt
import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session, col

from gdc_tracker.i18n import _, ngettext
from gdc_tracker.models import (
    WORLD_CODE,
    Geography,
    Initiative,
    InitiativeObjective,
    InitiativePartner,
    initiative_status_label,
    lead_sector_label,
    unit_label,
)
from gdc_tracker.numbers import decimal_for_people
from gdc_tracker.palette import INITIATIVE_ORDER, PROGRESS_ORDER
from gdc_tracker.provenance import demo_label, not_stated_label
from gdc_tracker.queries.overview import (
    assess_indicators,
    frame,
    headline,
    indicator_objectives,
    indicators,
    initiative_status_by_objective,
    latest_update_by_objective,
    objectives,
    yearly_values,
)
from gdc_tracker.reports.charts import (
    count_words,
    objective_status_chart,
    objective_status_summary,
    status_counts,
    status_in_words,
)
from gdc_tracker.reports.common import as_utc, format_date
from gdc_tracker.status import Thresholds

PARTNER_SEPARATOR = "; "


def initiative_columns() -> list[str]:
    return [_("Initiative"), _("Lead sector"), _("Status"), _("Partners")]


def indicator_columns() -> list[str]:
    return [_("Indicator"), _("Latest value"), _("Unit"), _("Year"), _("Target"), _("Status")]


@dataclass(frozen=True, eq=False)
class ObjectiveSection:
    """One GDC objective as the report shows it.

    `initiatives` and `indicators` are tables of text with the columns of
    `initiative_columns()` and `indicator_columns()`; `initiative_status` has status,
    initiatives and `indicator_status` has status, indicators (the counts behind the chart).
    """

    number: int
    title: str
    short_title: str
    initiatives: pd.DataFrame
    indicators: pd.DataFrame
    initiative_status: pd.DataFrame
    indicator_status: pd.DataFrame
    chart: alt.TopLevelMixin
    chart_summary: str
    chart_source: str
    demo_entries: int = 0
    primary_initiatives: int = 0
    sources: tuple[str, ...] = ()
    last_update: datetime | None = None
    values: int = 0  # indicator values behind the section, demo ones included


@dataclass(frozen=True, eq=False)
class ReportData:
    """Everything a report or deck shows; `totals` holds `queries.headline()`'s figures."""

    organisation: str
    generated_at: datetime
    data_as_of: datetime | None
    objectives: tuple[ObjectiveSection, ...]
    geo_code: str = WORLD_CODE
    geo_name: str = "World"
    demo_entries: int = 0
    totals: dict[str, object] = field(default_factory=dict)
    method: str = ""


# --- queries the report needs beyond the shared ones ---------------------------------------


def objective_initiatives(session: Session, *, objective_numbers: Sequence[int]) -> pd.DataFrame:
    """objective_number, name, lead_sector, status, partners, is_primary, source.

    Partners are joined into one text in SQL and sorted here (string_agg has no order).
    """
    partners = (
        sa.select(
            col(InitiativePartner.initiative_id).label("initiative_id"),
            sa.func.aggregate_strings(col(InitiativePartner.partner), PARTNER_SEPARATOR).label(
                "partners"
            ),
        )
        .group_by(col(InitiativePartner.initiative_id))
        .subquery()
    )
    result = frame(
        session,
        sa.select(
            col(InitiativeObjective.objective_number),
            col(Initiative.name),
            col(Initiative.lead_sector),
            col(Initiative.status),
            sa.func.coalesce(partners.c.partners, "").label("partners"),
            col(InitiativeObjective.is_primary),
            col(Initiative.source),
        )
        .join(Initiative, col(Initiative.id) == InitiativeObjective.initiative_id)
        .join(partners, partners.c.initiative_id == col(Initiative.id), isouter=True)
        .where(col(InitiativeObjective.objective_number).in_(tuple(objective_numbers)))
        .order_by(
            col(InitiativeObjective.objective_number),
            col(InitiativeObjective.is_primary).desc(),
            col(Initiative.name),
        ),
    )
    result["partners"] = result["partners"].map(
        lambda text: ", ".join(sorted(p for p in str(text).split(PARTNER_SEPARATOR) if p))
    )
    return result


def geography_name(session: Session, geo_code: str) -> str:
    """The geography's name in the reader's language (through `frame`, which translates)."""
    names = frame(session, sa.select(col(Geography.name)).where(col(Geography.code) == geo_code))[
        "name"
    ]
    return str(names.iloc[0]) if len(names) else geo_code


# --- gathering ----------------------------------------------------------------------------


def gather_report(
    session: Session,
    *,
    thresholds: Thresholds,
    organisation: str = "International Telecommunication Union",
    objective_numbers: Sequence[int] = (1, 2, 3, 4, 5),
    geo_code: str = WORLD_CODE,
) -> ReportData:
    """The report's content: one section per objective asked for that exists in the store."""
    totals = headline(session)
    chosen = objectives(session)
    chosen = chosen[chosen["number"].isin(list(objective_numbers))]
    reference = indicators(session)
    values = yearly_values(session, geo_codes=(geo_code,))
    assessed = assess_indicators(reference, values, thresholds).drop(columns="geo_code")
    store = _Loaded(
        organisation=organisation,
        geo_name=geography_name(session, geo_code),
        indicators=reference.merge(assessed, left_on="id", right_on="indicator_id", how="left"),
        values=values,
        links=indicator_objectives(session),
        initiatives=objective_initiatives(session, objective_numbers=tuple(chosen["number"])),
        statuses=initiative_status_by_objective(session),
        latest=latest_update_by_objective(session).set_index("objective_number")["last_update"],
    )
    return ReportData(
        organisation=organisation,
        generated_at=datetime.now(UTC),
        data_as_of=_timestamp_or_none(totals["last_update"]),
        objectives=tuple(
            _section(store, int(row.number), str(row.title), str(row.short_title))
            for row in chosen.itertuples()
        ),
        geo_code=geo_code,
        geo_name=store.geo_name,
        demo_entries=int(totals["demo_entries"]),
        totals=totals,
        method=method_text(thresholds),
    )


@dataclass(frozen=True, eq=False)
class _Loaded:
    """What gather_report read once for all objectives."""

    organisation: str
    geo_name: str
    indicators: pd.DataFrame  # indicators() with their assessment at the report's geography
    values: pd.DataFrame  # yearly_values() at the report's geography
    links: pd.DataFrame  # indicator_objectives()
    initiatives: pd.DataFrame  # objective_initiatives()
    statuses: pd.DataFrame  # initiative_status_by_objective()
    latest: pd.Series  # last update by objective number


def _section(store: _Loaded, number: int, title: str, short_title: str) -> ObjectiveSection:
    ids = set(store.links.loc[store.links["objective_number"] == number, "indicator_id"])
    linked = store.indicators[store.indicators["id"].isin(ids)].sort_values("name")
    used = store.values[store.values["indicator_id"].isin(ids)]
    mine = store.initiatives[store.initiatives["objective_number"] == number]
    initiative_status = store.statuses.loc[
        store.statuses["objective_number"] == number, ["status", "initiatives"]
    ].reset_index(drop=True)
    indicator_status = (
        linked["status"].value_counts().rename_axis("status").rename("indicators").reset_index()
    )
    real = used[~used["is_demo"].astype(bool)]
    entry_sources = sorted({s for s in real["source"] if s})
    demo_entries = int(used["is_demo"].astype(bool).sum())
    sources = section_sources(entry_sources, mine["source"], has_demo=demo_entries > 0)
    return ObjectiveSection(
        number=number,
        title=title,
        short_title=short_title,
        initiatives=initiative_table(mine),
        indicators=indicator_table(linked),
        initiative_status=initiative_status,
        indicator_status=indicator_status,
        chart=objective_status_chart(initiative_status, indicator_status, geo_name=store.geo_name),
        chart_summary=objective_status_summary(
            initiative_status, indicator_status, geo_name=store.geo_name
        ),
        chart_source="; ".join(sources) or not_stated_label(),
        demo_entries=demo_entries,
        primary_initiatives=int(mine["is_primary"].astype(bool).sum()),
        sources=sources,
        values=len(used),
        last_update=_timestamp_or_none(store.latest.get(number)),
    )


def section_sources(
    entry_sources: Sequence[str], initiative_sources: Sequence[object], *, has_demo: bool
) -> tuple[str, ...]:
    """The sources of an objective's figures, each named once: the documents its
    initiatives cite, the sources of its real indicator values, and the demo notice when
    any value is demo. An indicator's usual source (the ITU database, say) is not named:
    only the values shown say where they come from, so demo values borrow no source.

    An initiative cites a document and its sections ("C25/52, section 1, Objective 1"); the
    document alone is listed, so one Council document does not appear ten times.
    """
    documents = {str(s).split(",")[0].strip() for s in initiative_sources if _text(s)}
    named = sorted(set(entry_sources) | documents)
    return tuple(named + ([demo_label()] if has_demo else []))


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _timestamp_or_none(value: object) -> datetime | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return None
    return as_utc(pd.Timestamp(value).to_pydatetime())


def initiative_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Initiatives worded for people (columns of `initiative_columns()`)."""
    return pd.DataFrame(
        {
            column: list(values)
            for column, values in zip(
                initiative_columns(),
                [
                    rows["name"],
                    rows["lead_sector"].map(lead_sector_label),
                    rows["status"].map(initiative_status_label),
                    rows["partners"],
                ],
                strict=True,
            )
        },
        columns=initiative_columns(),
    ).astype(str)


def indicator_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Indicators with their latest value and status (columns of `indicator_columns()`)."""
    table = pd.DataFrame(
        {
            "name": rows["name"],
            "value": rows["latest_value"].map(format_number),
            "unit": rows["unit"].map(unit_label),
            "year": rows["latest_year"].map(lambda y: "" if pd.isna(y) else str(int(y))),
            "target": [
                _target_text(v, y)
                for v, y in zip(rows["target_value"], rows["target_year"], strict=True)
            ],
            "status": rows["status"].map(
                lambda s: status_in_words(s) if isinstance(s, str) else ""
            ),
        }
    )
    table.columns = indicator_columns()
    return table.reset_index(drop=True).astype(str)


def format_number(value: SupportsFloat | None) -> str:
    """67.3, 1,234, 0.45: enough digits to read, none to spare, in the reader's language;
    blank when missing."""
    if value is None or pd.isna(value):
        return ""
    number = float(value)
    if abs(number) >= 1000:
        return decimal_for_people(number, "#,##0")
    return decimal_for_people(number, "#,##0.#" if abs(number) >= 10 else "#,##0.##")


def _target_text(value: SupportsFloat | None, year: SupportsInt | None) -> str:
    if value is None or pd.isna(value):
        return _("none set")
    if year is None or pd.isna(year):
        return format_number(value)
    return _("{value} by {year}").format(value=format_number(value), year=int(year))


# --- the sentences ------------------------------------------------------------------------


def method_text(thresholds: Thresholds) -> str:
    """The status rule in one paragraph of plain text (no Markdown: documents print it)."""
    return _(
        "Progress status is computed from the data, never typed by hand. Following the UN "
        "Statistics Division's SDG Progress Chart method, the annual growth rate achieved since "
        "the baseline is compared with the rate needed to reach the target by the target year. "
        "A ratio of actual to required rate of at least {on_track} is on track, at least "
        "{moderate} moderate progress, at least {limited} limited progress, and below "
        "{limited} deterioration. An indicator whose latest value meets its target has met it; "
        "one without a target or without two years of data has insufficient data."
    ).format(
        on_track=decimal_for_people(thresholds.on_track),
        moderate=decimal_for_people(thresholds.moderate),
        limited=decimal_for_people(thresholds.limited),
    )


def summary_paragraphs(data: ReportData) -> list[str]:
    """The numbered paragraphs that open the report."""
    totals = data.totals
    paragraphs = [
        _(
            "This report presents the progress made by the {organisation} in implementing the "
            "Global Digital Compact (GDC), objective by objective. It is generated by GDC "
            "Tracker from the published entries in its store; the data are as of {as_of}."
        ).format(organisation=data.organisation, as_of=format_date(data.data_as_of))
    ]
    if totals:
        paragraphs.append(coverage_paragraph(totals, data.geo_name))
    if data.method:
        paragraphs.append(data.method)
    return paragraphs


def coverage_paragraph(totals: dict[str, object], geo_name: str) -> str:
    """ "It covers 30 initiatives, of which 25 are ongoing, and 18 indicators, based on …" """
    initiatives, ongoing, indicators, entries, geographies = (
        int(totals.get(key, 0) or 0)  # type: ignore[call-overload]  # the totals are counts
        for key in (
            "initiatives",
            "ongoing_initiatives",
            "indicators",
            "published_entries",
            "geographies_with_data",
        )
    )
    # Translators: each placeholder is a counted phrase, as in "30 initiatives" or
    # "25 are ongoing"; the phrases are translated on their own.
    covers = _(
        "It covers {initiatives}, of which {ongoing}, and {indicators}, based on {entries} for "
        "{geographies}."
    ).format(
        initiatives=ngettext("{count} initiative", "{count} initiatives", initiatives).format(
            count=_count_text(initiatives)
        ),
        ongoing=ngettext("{count} is ongoing", "{count} are ongoing", ongoing).format(
            count=_count_text(ongoing)
        ),
        indicators=ngettext("{count} indicator", "{count} indicators", indicators).format(
            count=_count_text(indicators)
        ),
        entries=ngettext(
            "{count} published progress entry", "{count} published progress entries", entries
        ).format(count=_count_text(entries)),
        geographies=ngettext("{count} geography", "{count} geographies", geographies).format(
            count=_count_text(geographies)
        ),
    )
    assessed = _("Indicator status is assessed at {geo} level.").format(geo=geo_name)
    return f"{covers} {assessed}"


def _count_text(count: int) -> str:
    return decimal_for_people(count, "#,##0")


def objective_paragraphs(section: ObjectiveSection, geo_name: str) -> list[str]:
    """The numbered paragraphs of one objective, from the counts behind its chart."""
    initiative_counts = status_counts(
        section.initiative_status, count="initiatives", order=INITIATIVE_ORDER
    )
    indicator_counts = status_counts(
        section.indicator_status, count="indicators", order=PROGRESS_ORDER
    )
    n_initiatives = int(initiative_counts["initiatives"].sum())
    n_indicators = int(indicator_counts["indicators"].sum())
    paragraphs = [
        _initiatives_paragraph(
            n_initiatives,
            section.primary_initiatives,
            count_words(initiative_counts, "initiatives"),
        )
    ]
    paragraphs.append(
        ngettext(
            "{count} indicator evidences this objective. At {geo} level: {statuses}.",
            "{count} indicators evidence this objective. At {geo} level: {statuses}.",
            n_indicators,
        ).format(
            count=n_indicators,
            geo=geo_name,
            statuses=count_words(indicator_counts, "indicators"),
        )
        if n_indicators
        else _("No indicator evidences this objective yet.")
    )
    paragraphs.append(
        _("The most recent published data for this objective date from {date}.").format(
            date=format_date(section.last_update)
        )
        if section.last_update
        else _("No data has been published for this objective yet.")
    )
    return paragraphs


def _initiatives_paragraph(initiatives: int, primary: int, statuses: str) -> str:
    """ "5 ITU initiatives contribute to this objective (4 ongoing, 1 planned). 3 of them
    have it as their primary objective." """
    if not initiatives:
        return _("No ITU initiative is mapped to this objective yet.")
    contribute = ngettext(
        "{count} ITU initiative contributes to this objective ({statuses}).",
        "{count} ITU initiatives contribute to this objective ({statuses}).",
        initiatives,
    ).format(count=initiatives, statuses=statuses)
    if initiatives == 1:  # a single initiative: "1 of them" would not read
        return contribute
    primary_too = ngettext(
        "{count} of them has it as its primary objective.",
        "{count} of them have it as their primary objective.",
        primary,
    ).format(count=primary)
    return f"{contribute} {primary_too}"
