"""The Objectives page's reads: one GDC objective in depth, optionally seen from one ITU region.

Region filter. Without a region, indicators are read at world level and every initiative
of the objective counts. With an ITU region (AFR, AMS, ARB, ASP, CIS, EUR), indicators are
read at that region's level and an initiative counts when it acts in one of the region's
countries, is linked to one of the region's regional initiatives, or is global.

Global initiative: one with no countries and no regional initiatives recorded.

Stale data: an indicator series is stale when its latest year is more than
STALE_AFTER_YEARS years before the newest year with published data in the store at the
same level (the world, or the chosen region), across all active indicators (newest 2024:
a series ending in 2020 or earlier is stale; 2021 is not).
"""

from collections.abc import Sequence
from typing import SupportsInt

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session, col

from gdc_tracker.i18n import _
from gdc_tracker.models import (
    TOTAL,
    WORLD_CODE,
    Geography,
    GeographyKind,
    Indicator,
    IndicatorObjective,
    IndicatorRegionalInitiative,
    Initiative,
    InitiativeCountry,
    InitiativeObjective,
    InitiativePartner,
    InitiativeRegionalInitiative,
    ProgressEntry,
    RegionalInitiative,
)
from gdc_tracker.queries.overview import (
    INITIATIVE_STATUSES,
    assess_indicators,
    frame,
    indicators,
    published,
    yearly_values,
)
from gdc_tracker.status import Thresholds

__all__ = [
    "FEW_INITIATIVES",
    "GLOBAL",
    "STALE_AFTER_YEARS",
    "initiative_status_by_sector",
    "initiative_status_counts",
    "initiatives_by_region",
    "itu_regions",
    "newest_data_year",
    "objective_indicators",
    "objective_initiatives",
    "objective_updates",
    "region_gaps",
    "regional_initiative_coverage",
]

STALE_AFTER_YEARS = 3
FEW_INITIATIVES = 3  # fewer initiatives of their own than this: a region "with few"
GLOBAL = "global"  # the region_code of initiatives that act everywhere

NO_DATA, STALE, CURRENT = "no data", "stale", "current"
INITIATIVE_COLUMNS = (
    "id", "name", "lead_sector", "status", "is_primary", "partners", "regions", "is_global",
    "source", "updated_at",
)  # fmt: skip


# --- building blocks -------------------------------------------------------------------------


def _action_regions() -> sa.Subquery:
    """initiative_id, region_code: the ITU regions where each initiative acts, from its
    countries and its regional initiatives (an initiative with neither is global)."""
    through_countries: sa.Select = (
        sa.select(
            col(InitiativeCountry.initiative_id).label("initiative_id"),
            col(Geography.region_code).label("region_code"),
        )
        .join(Geography, col(Geography.code) == InitiativeCountry.geo_code)
        .correlate(None)
    )
    through_regional: sa.Select = (
        sa.select(
            col(InitiativeRegionalInitiative.initiative_id).label("initiative_id"),
            col(RegionalInitiative.region_code).label("region_code"),
        )
        .join(
            RegionalInitiative,
            col(RegionalInitiative.id) == InitiativeRegionalInitiative.regional_initiative_id,
        )
        .correlate(None)
    )
    return sa.union(through_countries, through_regional).subquery()


def _objective_initiatives(objective: int, region: str | None) -> sa.Select:
    """initiative_id, is_primary of the objective's initiatives, restricted to `region`."""
    statement: sa.Select = (
        sa.select(
            col(InitiativeObjective.initiative_id).label("initiative_id"),
            col(InitiativeObjective.is_primary).label("is_primary"),
        )
        .where(col(InitiativeObjective.objective_number) == objective)
        .correlate(None)
    )
    if region:
        acting = _action_regions()
        in_region = (
            sa.select(acting.c.initiative_id).where(acting.c.region_code == region).correlate(None)
        )
        anywhere = sa.select(acting.c.initiative_id).correlate(None)
        statement = statement.where(
            sa.or_(
                col(InitiativeObjective.initiative_id).in_(in_region),
                col(InitiativeObjective.initiative_id).not_in(anywhere),
            )
        )
    return statement


def _objective_indicator_ids(objective: int) -> sa.Select:
    return (
        sa.select(col(IndicatorObjective.indicator_id))
        .where(col(IndicatorObjective.objective_number) == objective)
        .correlate(None)
    )


def _geo_codes_of(region: str | None) -> sa.ColumnElement[bool]:
    """Entries at the region or one of its countries; every geography when no region."""
    if not region:
        return sa.true()
    countries = (
        sa.select(col(Geography.code)).where(col(Geography.region_code) == region).correlate(None)
    )
    return sa.or_(col(ProgressEntry.geo_code) == region, col(ProgressEntry.geo_code).in_(countries))


def _touching(objective: int, region: str | None) -> sa.ColumnElement[bool]:
    """Published entries on the objective's indicators (in the region) or its initiatives.

    The ids are compared as `id + 0` on purpose: that keeps the planner from collecting
    every entry of the objective through the id indexes (a third of a large store) and
    sorting them, and lets it walk the updated_at index newest first, stopping at the
    first few matches (milliseconds instead of seconds on a million entries).
    """
    initiative_ids = _objective_initiatives(objective, region).with_only_columns(
        col(InitiativeObjective.initiative_id)
    )
    on_indicators = sa.and_(
        (col(ProgressEntry.indicator_id) + 0).in_(_objective_indicator_ids(objective)),
        _geo_codes_of(region),
    )
    on_initiatives = (col(ProgressEntry.initiative_id) + 0).in_(initiative_ids)
    return sa.and_(published, sa.or_(on_indicators, on_initiatives))


def _sorted_list(text: object) -> str:
    """ "b|a" -> "a, b": string aggregates come back in no particular order."""
    if text is None or (isinstance(text, float) and pd.isna(text)) or text == "":
        return ""
    return ", ".join(sorted({part.strip() for part in str(text).split("|")}))


# --- reference --------------------------------------------------------------------------------


def itu_regions(session: Session) -> pd.DataFrame:
    """code, name of the six ITU regions."""
    return frame(
        session,
        sa.select(col(Geography.code), col(Geography.name))
        .where(col(Geography.kind) == GeographyKind.REGION)
        .order_by(col(Geography.code)),
    )


# --- initiatives ------------------------------------------------------------------------------


def objective_initiatives(
    session: Session, *, objective: int, region: str | None = None
) -> pd.DataFrame:
    """id, name, lead_sector, status, is_primary, partners, regions, is_global, source,
    updated_at (when the initiative's record last changed).

    `partners` and `regions` are comma-separated and sorted; `regions` lists the ITU
    regions where the initiative acts and is "" for a global initiative.
    """
    chosen = _objective_initiatives(objective, region).subquery("chosen")
    partners = (
        sa.select(
            col(InitiativePartner.initiative_id).label("initiative_id"),
            sa.func.aggregate_strings(col(InitiativePartner.partner), "|").label("partners"),
        )
        .group_by(col(InitiativePartner.initiative_id))
        .subquery("partners")
    )
    acting = _action_regions()
    regions = (
        sa.select(
            acting.c.initiative_id,
            sa.func.aggregate_strings(acting.c.region_code, "|").label("regions"),
        )
        .group_by(acting.c.initiative_id)
        .subquery("regions")
    )
    statement = (
        sa.select(
            col(Initiative.id),
            col(Initiative.name),
            col(Initiative.lead_sector),
            col(Initiative.status),
            chosen.c.is_primary,
            partners.c.partners,
            regions.c.regions,
            col(Initiative.source),
            col(Initiative.updated_at),
        )
        .join(chosen, chosen.c.initiative_id == col(Initiative.id))
        .join(partners, partners.c.initiative_id == col(Initiative.id), isouter=True)
        .join(regions, regions.c.initiative_id == col(Initiative.id), isouter=True)
        .order_by(chosen.c.is_primary.desc(), col(Initiative.name))
    )
    result = frame(session, statement)
    result["is_primary"] = result["is_primary"].astype(bool)
    result["partners"] = result["partners"].map(_sorted_list).astype(object)
    result["regions"] = result["regions"].map(_sorted_list).astype(object)
    result["is_global"] = result["regions"] == ""
    result["updated_at"] = pd.to_datetime(result["updated_at"], utc=True, format="mixed")
    return result[[*INITIATIVE_COLUMNS]]


def initiative_status_counts(
    session: Session, *, objective: int, region: str | None = None
) -> pd.DataFrame:
    """status, initiatives: every initiative status in the palette's order, zeros included."""
    chosen = _objective_initiatives(objective, region).subquery("chosen")
    counted = frame(
        session,
        sa.select(col(Initiative.status), sa.func.count().label("initiatives"))
        .join(chosen, chosen.c.initiative_id == col(Initiative.id))
        .group_by(col(Initiative.status)),
    )
    counts = dict(zip(counted["status"], counted["initiatives"], strict=True))
    statuses = list(INITIATIVE_STATUSES) + sorted(set(counts) - set(INITIATIVE_STATUSES))
    return pd.DataFrame(
        {"status": statuses, "initiatives": [int(counts.get(s, 0)) for s in statuses]}
    )


def initiative_status_by_sector(
    session: Session, *, objective: int, region: str | None = None
) -> pd.DataFrame:
    """lead_sector, status, initiatives."""
    chosen = _objective_initiatives(objective, region).subquery("chosen")
    return frame(
        session,
        sa.select(
            col(Initiative.lead_sector),
            col(Initiative.status),
            sa.func.count().label("initiatives"),
        )
        .join(chosen, chosen.c.initiative_id == col(Initiative.id))
        .group_by(col(Initiative.lead_sector), col(Initiative.status))
        .order_by(col(Initiative.lead_sector), col(Initiative.status)),
    )


def initiatives_by_region(
    session: Session, *, objective: int, region: str | None = None
) -> pd.DataFrame:
    """region_code, region, initiatives: for each ITU region, the initiatives acting there
    (an initiative acting in two regions counts in both), then one row `GLOBAL` for the
    global initiatives. Every region is listed, with 0 where none acts."""
    chosen = _objective_initiatives(objective, region).subquery("chosen")
    acting = _action_regions()
    counted = (
        sa.select(acting.c.region_code, sa.func.count().label("initiatives"))
        .join(chosen, chosen.c.initiative_id == acting.c.initiative_id)
        .group_by(acting.c.region_code)
        .subquery("counted")
    )
    per_region = frame(
        session,
        sa.select(
            col(Geography.code).label("region_code"),
            col(Geography.name).label("region"),
            sa.func.coalesce(counted.c.initiatives, 0).label("initiatives"),
        )
        .join(counted, counted.c.region_code == col(Geography.code), isouter=True)
        .where(col(Geography.kind) == GeographyKind.REGION)
        .order_by(col(Geography.code)),
    )
    global_count = session.execute(
        sa.select(sa.func.count())
        .select_from(chosen)
        .where(chosen.c.initiative_id.not_in(sa.select(acting.c.initiative_id)))
    ).scalar_one()
    global_row = pd.DataFrame(
        {"region_code": [GLOBAL], "region": [_("Global")], "initiatives": [int(global_count)]}
    )
    result = pd.concat([per_region, global_row], ignore_index=True)
    result["initiatives"] = result["initiatives"].astype(int)
    return result


NOT_RECORDED = "not recorded"
"""A region or regional initiative with no initiative in the reference data: that says
what the data holds, not that ITU does nothing there."""


def region_gaps(session: Session, *, objective: int) -> pd.DataFrame:
    """region_code, region, initiatives, global_initiatives, gap: for each ITU region, the
    objective's initiatives acting there and the global ones that reach it too; `gap` is
    "not recorded" (no initiative of its own in the reference data: absence of a record is
    not absence of ITU work), "few" (fewer than FEW_INITIATIVES) or ""."""
    counts = initiatives_by_region(session, objective=objective)
    is_global = counts["region_code"] == GLOBAL
    global_count = int(counts.loc[is_global, "initiatives"].sum())
    regions = counts[~is_global].reset_index(drop=True)
    regions["global_initiatives"] = global_count
    regions["gap"] = [
        NOT_RECORDED if n == 0 else "few" if n < FEW_INITIATIVES else ""
        for n in regions["initiatives"]
    ]
    return regions


def regional_initiative_coverage(
    session: Session, *, objective: int, region: str | None = None
) -> pd.DataFrame:
    """id, code, cycle, region_code, title, initiatives, indicators: each regional initiative
    (the ITU-D regional commitments) with how many of this objective's initiatives and
    indicators are linked to it, fewest initiatives first."""
    chosen = _objective_initiatives(objective, None).with_only_columns(
        col(InitiativeObjective.initiative_id)
    )
    initiative_counts = (
        sa.select(
            col(InitiativeRegionalInitiative.regional_initiative_id).label("rid"),
            sa.func.count().label("initiatives"),
        )
        .where(col(InitiativeRegionalInitiative.initiative_id).in_(chosen))
        .group_by(col(InitiativeRegionalInitiative.regional_initiative_id))
        .subquery("initiative_counts")
    )
    indicator_counts = (
        sa.select(
            col(IndicatorRegionalInitiative.regional_initiative_id).label("rid"),
            sa.func.count().label("indicators"),
        )
        .where(
            col(IndicatorRegionalInitiative.indicator_id).in_(_objective_indicator_ids(objective))
        )
        .group_by(col(IndicatorRegionalInitiative.regional_initiative_id))
        .subquery("indicator_counts")
    )
    initiatives_column = sa.func.coalesce(initiative_counts.c.initiatives, 0)
    statement = (
        sa.select(
            col(RegionalInitiative.id),
            col(RegionalInitiative.code),
            col(RegionalInitiative.cycle),
            col(RegionalInitiative.region_code),
            sa.func.coalesce(col(RegionalInitiative.title), col(RegionalInitiative.note)).label(
                "title"
            ),
            initiatives_column.label("initiatives"),
            sa.func.coalesce(indicator_counts.c.indicators, 0).label("indicators"),
        )
        .join(
            initiative_counts, initiative_counts.c.rid == col(RegionalInitiative.id), isouter=True
        )
        .join(indicator_counts, indicator_counts.c.rid == col(RegionalInitiative.id), isouter=True)
        .order_by(initiatives_column, col(RegionalInitiative.cycle), col(RegionalInitiative.code))
    )
    if region:
        statement = statement.where(col(RegionalInitiative.region_code) == region)
    return frame(session, statement)


# --- indicators -------------------------------------------------------------------------------


def newest_data_year(session: Session, *, geo_code: str = WORLD_CODE) -> int | None:
    """The newest year of any published value of an active indicator at `geo_code` (the
    world, or an ITU region): "now" for staleness. One index range per indicator."""
    active = sa.select(col(Indicator.id)).where(col(Indicator.is_active)).correlate(None)
    year = session.execute(
        sa.select(sa.func.max(col(ProgressEntry.year))).where(
            col(ProgressEntry.indicator_id).in_(active),
            published,
            col(ProgressEntry.geo_code) == geo_code,
            col(ProgressEntry.disaggregation) == TOTAL,
            col(ProgressEntry.value).is_not(None),
        )
    ).scalar_one()
    return None if year is None else int(year)


def _data_state(latest_year: SupportsInt | None, newest_year: int | None) -> str:
    if latest_year is None or pd.isna(latest_year):
        return NO_DATA
    if newest_year is not None and int(latest_year) < newest_year - STALE_AFTER_YEARS:
        return STALE
    return CURRENT


def _trend(values: pd.DataFrame, indicator_ids: Sequence[int]) -> dict[int, list[float]]:
    by_indicator = {
        int(i): s["value"].astype(float).tolist() for i, s in values.groupby("indicator_id")
    }
    return {int(i): by_indicator.get(int(i), []) for i in indicator_ids}


def objective_indicators(
    session: Session, *, objective: int, region: str | None = None, thresholds: Thresholds
) -> pd.DataFrame:
    """One row per active indicator of the objective, at world level or the region's:

    indicator_id, code, name, unit, kind, direction, target_value, target_year, geo_code,
    latest_year, latest_value, status, explanation, trend (the yearly values, oldest first),
    first_year, is_demo (any value shown is demo), demo_values (how many), source (of the
    values, or the indicator's when there are none), data_state ("no data", "stale",
    "current") and newest_year (the store's newest year at this level: see the module).
    """
    geo = region or WORLD_CODE
    linked = set(session.execute(_objective_indicator_ids(objective)).scalars())
    reference = indicators(session)
    reference = reference[reference["id"].isin(linked)].reset_index(drop=True)
    ids = tuple(int(i) for i in reference["id"])
    values = yearly_values(session, geo_codes=(geo,), indicator_ids=ids)
    assessed = assess_indicators(reference, values, thresholds)
    assessed = assessed[assessed["geo_code"] == geo].drop(columns="geo_code")
    result = reference.rename(columns={"id": "indicator_id"}).merge(
        assessed, on="indicator_id", how="left"
    )
    result["geo_code"] = geo
    result["status"] = result["status"].fillna("insufficient data")
    result["explanation"] = result["explanation"].fillna(_("No data has been reported yet."))
    trend = _trend(values, ids)
    result["trend"] = [trend[int(i)] for i in result["indicator_id"]]
    per_indicator = values.groupby("indicator_id")
    first_year = per_indicator["year"].min().to_dict() if len(values) else {}
    demo = per_indicator["is_demo"].sum().to_dict() if len(values) else {}
    sources = per_indicator["source"].last().to_dict() if len(values) else {}
    result["first_year"] = result["indicator_id"].map(first_year).astype("Int64")
    result["latest_year"] = result["latest_year"].astype("Int64")
    result["demo_values"] = [int(demo.get(i, 0)) for i in result["indicator_id"]]
    result["is_demo"] = result["demo_values"] > 0
    result["source"] = [
        sources.get(i) or own
        for i, own in zip(result["indicator_id"], result["source"], strict=True)
    ]
    newest = newest_data_year(session, geo_code=geo)
    result["data_state"] = [_data_state(y, newest) for y in result["latest_year"]]
    result["newest_year"] = newest
    columns = [
        "indicator_id", "code", "name", "unit", "kind", "direction", "target_value",
        "target_year", "geo_code", "latest_year", "latest_value", "status", "explanation",
        "trend", "first_year", "is_demo", "demo_values", "source", "data_state", "newest_year",
    ]  # fmt: skip
    return result[columns]


# --- updates ----------------------------------------------------------------------------------


def objective_updates(
    session: Session, *, objective: int, region: str | None = None, limit: int = 10
) -> pd.DataFrame:
    """updated_at, subject, kind, geography, period, value, unit, narrative, source, is_demo:
    the newest published entries on the objective's indicators (in the region and its
    countries, when one is chosen) or on its initiatives (those the region filter keeps)."""
    statement = (
        sa.select(
            col(ProgressEntry.updated_at),
            sa.func.coalesce(col(Indicator.name), col(Initiative.name)).label("subject"),
            sa.case(
                (col(ProgressEntry.indicator_id).is_not(None), "indicator"),
                else_="initiative",
            ).label("kind"),
            col(Geography.name).label("geography"),
            col(ProgressEntry.period),
            col(ProgressEntry.value),
            col(Indicator.unit),
            col(ProgressEntry.narrative),
            col(ProgressEntry.source),
            col(ProgressEntry.is_demo),
        )
        .join(Indicator, col(Indicator.id) == ProgressEntry.indicator_id, isouter=True)
        .join(Initiative, col(Initiative.id) == ProgressEntry.initiative_id, isouter=True)
        .join(Geography, col(Geography.code) == ProgressEntry.geo_code)
        .where(_touching(objective, region))
        .order_by(col(ProgressEntry.updated_at).desc(), col(ProgressEntry.id).desc())
        .limit(limit)
    )
    result = frame(session, statement)
    result["updated_at"] = pd.to_datetime(result["updated_at"], utc=True, format="mixed")
    result["is_demo"] = result["is_demo"].astype(bool)
    return result
