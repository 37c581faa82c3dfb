"""Shared reads and the Overview page's: headline figures, status counts, recent updates."""

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from datetime import datetime
from typing import Any, SupportsFloat, SupportsInt

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session, col

from gdc_tracker.i18n import current_language
from gdc_tracker.models import (
    WORLD_CODE,
    DataSource,
    EntryTally,
    Geography,
    Indicator,
    IndicatorObjective,
    IndicatorRegionalInitiative,
    Initiative,
    InitiativeObjective,
    InitiativeRegionalInitiative,
    InitiativeStatus,
    Objective,
    ProgressEntry,
    RegionalInitiative,
    ReviewState,
)
from gdc_tracker.status import STATUS_ORDER, Assessment, Thresholds, assess, target_band_of
from gdc_tracker.translations import in_reader_language

__all__ = [
    "assess_indicators",
    "frame",
    "geographies",
    "headline",
    "indicator_objectives",
    "indicator_status_by_objective",
    "indicators_of_regional",
    "initiative_status_by_objective",
    "initiatives_of_regional",
    "latest_update_by_objective",
    "objectives",
    "published",
    "recent_updates",
    "regional_initiatives",
    "regional_panel",
    "yearly_values",
]

INITIATIVE_STATUSES = tuple(str(s) for s in InitiativeStatus)

published = col(ProgressEntry.review_state) == ReviewState.PUBLISHED


def source_columns() -> list[sa.ColumnElement]:
    """The data source's organisation, dataset, release and licence, labelled `source_*`:
    what `provenance.with_source_columns` turns into words (join DataSource to select them)."""
    return [
        col(DataSource.organisation).label("source_organisation"),
        col(DataSource.dataset).label("source_dataset"),
        col(DataSource.release).label("source_release"),
        col(DataSource.licence).label("source_licence"),
    ]


def frame(session: Session, statement: sa.Executable) -> pd.DataFrame:
    """The rows of `statement` as a DataFrame, with its columns even when there are none."""
    result = session.execute(statement)
    columns = list(result.keys())
    # Plain tuples: pandas checks Row objects one by one, which doubles the time on big results.
    table = pd.DataFrame([tuple(row) for row in result], columns=columns)
    return in_reader_language(session, statement, table)


def objectives(session: Session) -> pd.DataFrame:
    """number, title, short_title."""
    return frame(
        session,
        sa.select(col(Objective.number), col(Objective.title), col(Objective.short_title)).order_by(
            col(Objective.number)
        ),
    )


def headline(session: Session) -> dict[str, Any]:
    """The numbers at the top of Overview.

    Entry counts come from `EntryTally` (a few hundred rows the database keeps current)
    and the last update from the end of the updated_at index: none of them reads every
    entry, however many there are.
    """
    initiatives = session.execute(
        sa.select(
            sa.func.count(),
            sa.func.count().filter(col(Initiative.status) == InitiativeStatus.ONGOING),
        ).select_from(Initiative)
    ).one()
    entries = session.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(col(EntryTally.entries)), 0),
            sa.func.count(sa.distinct(col(EntryTally.geo_code))),
            sa.func.coalesce(
                sa.func.sum(col(EntryTally.entries)).filter(col(EntryTally.is_demo)), 0
            ),
        ).where(col(EntryTally.review_state) == ReviewState.PUBLISHED, col(EntryTally.entries) > 0)
    ).one()
    last_update = session.execute(
        sa.select(col(ProgressEntry.updated_at))
        .where(published)
        .order_by(col(ProgressEntry.updated_at).desc())
        .limit(1)
    ).scalar()
    indicators = session.execute(
        sa.select(sa.func.count()).select_from(Indicator).where(col(Indicator.is_active))
    ).scalar_one()
    return {
        "initiatives": int(initiatives[0]),
        "ongoing_initiatives": int(initiatives[1]),
        "indicators": int(indicators),
        "published_entries": int(entries[0]),
        "geographies_with_data": int(entries[1]),
        "last_update": _as_datetime(last_update),
        "demo_entries": int(entries[2]),
    }


def _as_datetime(value: object) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))  # SQLite returns text for aggregates


def initiative_status_by_objective(session: Session) -> pd.DataFrame:
    """objective_number, status, initiatives: how many initiatives of each status."""
    return frame(
        session,
        sa.select(
            col(InitiativeObjective.objective_number),
            col(Initiative.status),
            sa.func.count().label("initiatives"),
        )
        .join(Initiative, col(Initiative.id) == InitiativeObjective.initiative_id)
        .group_by(col(InitiativeObjective.objective_number), col(Initiative.status))
        .order_by(col(InitiativeObjective.objective_number), col(Initiative.status)),
    )


def latest_update_by_objective(session: Session) -> pd.DataFrame:
    """objective_number, last_update: the newest published entry touching each objective."""

    # The newest entry per linked indicator or initiative, each a max() read from the end of
    # an index (indicator_id/initiative_id, review_state, updated_at), not a scan of every
    # published entry: on a million entries 9 ms instead of 900 ms.
    def newest(column: Any, link_id: Any) -> Any:
        return (
            sa.select(sa.func.max(col(ProgressEntry.updated_at)))
            .where(column == link_id, published)
            .scalar_subquery()
        )

    through_indicators = sa.select(
        col(IndicatorObjective.objective_number).label("objective_number"),
        newest(col(ProgressEntry.indicator_id), col(IndicatorObjective.indicator_id)).label(
            "updated_at"
        ),
    )
    through_initiatives = sa.select(
        col(InitiativeObjective.objective_number).label("objective_number"),
        newest(col(ProgressEntry.initiative_id), col(InitiativeObjective.initiative_id)).label(
            "updated_at"
        ),
    )
    touched = sa.union_all(through_indicators, through_initiatives).subquery()
    result = frame(
        session,
        sa.select(
            touched.c.objective_number, sa.func.max(touched.c.updated_at).label("last_update")
        )
        .group_by(touched.c.objective_number)
        .order_by(touched.c.objective_number),
    )
    result["last_update"] = pd.to_datetime(result["last_update"], utc=True, format="mixed")
    return result


def indicators(session: Session) -> pd.DataFrame:
    """One row per active indicator with its reference fields."""
    return frame(
        session,
        sa.select(
            col(Indicator.id),
            col(Indicator.code),
            col(Indicator.name),
            col(Indicator.unit),
            col(Indicator.direction),
            col(Indicator.kind),
            col(Indicator.source),
            col(Indicator.baseline_value),
            col(Indicator.baseline_year),
            col(Indicator.target_value),
            col(Indicator.target_year),
            col(Indicator.target_low),
            col(Indicator.target_high),
        )
        .where(col(Indicator.is_active))
        .order_by(col(Indicator.code)),
    )


def yearly_values(
    session: Session,
    *,
    geo_codes: Sequence[str] = (WORLD_CODE,),
    indicator_ids: Sequence[int] | None = None,
    disaggregation: str = "total",
) -> pd.DataFrame:
    """indicator_id, geo_code, year, value, is_demo, source: one published value per year.

    Where a year holds several periods (quarters, months), the latest period stands for it.
    """
    ranked = sa.select(
        col(ProgressEntry.indicator_id),
        col(ProgressEntry.geo_code),
        col(ProgressEntry.year),
        col(ProgressEntry.value),
        col(ProgressEntry.is_demo),
        col(ProgressEntry.source),
        sa.func.row_number()
        .over(
            partition_by=(
                col(ProgressEntry.indicator_id),
                col(ProgressEntry.geo_code),
                col(ProgressEntry.year),
            ),
            order_by=(col(ProgressEntry.period_end).desc(), col(ProgressEntry.id).desc()),
        )
        .label("rank"),
    ).where(
        published,
        col(ProgressEntry.indicator_id).is_not(None),
        col(ProgressEntry.value).is_not(None),
        col(ProgressEntry.disaggregation) == disaggregation,
        col(ProgressEntry.geo_code).in_(tuple(geo_codes)),
    )
    if indicator_ids is not None:
        ranked = ranked.where(col(ProgressEntry.indicator_id).in_(tuple(indicator_ids)))
    ranked_sub = ranked.subquery()
    return frame(
        session,
        sa.select(
            ranked_sub.c.indicator_id,
            ranked_sub.c.geo_code,
            ranked_sub.c.year,
            ranked_sub.c.value,
            ranked_sub.c.is_demo,
            ranked_sub.c.source,
        )
        .where(ranked_sub.c.rank == 1)
        .order_by(ranked_sub.c.indicator_id, ranked_sub.c.geo_code, ranked_sub.c.year),
    )


# Assessing every series of the large benchmark store costs about 0.25 s, most of it the
# explanations' numbers in the reader's language, and Overview's objective cards and its
# status chart assess the same series in one run. The last few results are kept, keyed by
# what they are computed from (the frames' contents, the thresholds, the language), so
# the second asks for nothing new; each caller gets a copy of its own.
_ASSESSED_KEPT = 8
_assessed: OrderedDict[tuple[Any, ...], pd.DataFrame] = OrderedDict()
_assessed_lock = threading.Lock()


def forget_assessments() -> None:
    """Drop the kept results (a benchmark's cold run, which must assess anew)."""
    with _assessed_lock:
        _assessed.clear()


def _fingerprint(frame: pd.DataFrame) -> tuple[Any, ...]:
    """What identifies a frame's contents: its columns and a digest of every cell."""
    cells = pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes()
    return (tuple(frame.columns), len(frame), hashlib.sha256(cells).hexdigest())


def assess_indicators(
    reference: pd.DataFrame, values: pd.DataFrame, thresholds: Thresholds
) -> pd.DataFrame:
    """indicator_id, geo_code, status, explanation, latest_year, latest_value: one per series.

    `reference` is `indicators()`, `values` is `yearly_values()`. Series are tiny (one point
    a year), so the status rule runs in Python on what SQL has already reduced.
    """
    key = (_fingerprint(reference), _fingerprint(values), thresholds, current_language())
    with _assessed_lock:
        kept = _assessed.get(key)
        if kept is not None:
            _assessed.move_to_end(key)
            return kept.copy()
    assessed = _assess_every_series(reference, values, thresholds)
    with _assessed_lock:
        _assessed[key] = assessed
        while len(_assessed) > _ASSESSED_KEPT:
            _assessed.popitem(last=False)
    return assessed.copy()


def _assess_every_series(
    reference: pd.DataFrame, values: pd.DataFrame, thresholds: Thresholds
) -> pd.DataFrame:
    rows = []
    grouped = dict(tuple(values.groupby(["indicator_id", "geo_code"]))) if len(values) else {}
    geo_codes = sorted(values["geo_code"].unique()) if len(values) else [WORLD_CODE]
    for indicator in reference.itertuples():
        for geo in geo_codes:
            series = grouped.get((indicator.id, geo))
            observations = (
                [] if series is None else list(zip(series["year"], series["value"], strict=True))
            )
            result: Assessment = assess(
                observations,
                target=_or_none(indicator.target_value),
                target_year=_int_or_none(indicator.target_year),
                higher_is_better=indicator.direction == "higher_is_better",
                baseline_year=_int_or_none(indicator.baseline_year),
                thresholds=thresholds,
                target_band=target_band_of(indicator._asdict()),
            )
            rows.append(
                {
                    "indicator_id": indicator.id,
                    "geo_code": geo,
                    "status": str(result.status),
                    "explanation": result.explanation,
                    "latest_year": result.latest_year,
                    "latest_value": result.latest_value,
                }
            )
    columns = ["indicator_id", "geo_code", "status", "explanation", "latest_year", "latest_value"]
    return pd.DataFrame(rows, columns=columns)


def _or_none(value: SupportsFloat | None) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _int_or_none(value: SupportsInt | None) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def indicator_objectives(session: Session) -> pd.DataFrame:
    """indicator_id, objective_number."""
    return frame(
        session,
        sa.select(col(IndicatorObjective.indicator_id), col(IndicatorObjective.objective_number)),
    )


def indicator_status_by_objective(session: Session, thresholds: Thresholds) -> pd.DataFrame:
    """objective_number, status, indicators: world-level progress status counts."""
    reference = indicators(session)
    statuses = assess_indicators(reference, yearly_values(session), thresholds)
    linked = indicator_objectives(session).merge(statuses, on="indicator_id")
    counts = (
        linked.groupby(["objective_number", "status"]).size().rename("indicators").reset_index()
    )
    order = {str(s): i for i, s in enumerate(STATUS_ORDER)}
    return counts.sort_values(
        ["objective_number", "status"], key=lambda c: c.map(order) if c.name == "status" else c
    ).reset_index(drop=True)


def recent_updates(session: Session, *, limit: int = 10) -> pd.DataFrame:
    """updated_at, subject, kind, geography, period, value, unit, status, narrative, source,
    is_demo: the newest published entries."""
    statement = (
        sa.select(
            col(ProgressEntry.updated_at),
            sa.func.coalesce(col(Indicator.name), col(Initiative.name)).label("subject"),
            sa.case(
                (col(ProgressEntry.indicator_id).is_not(None), "indicator"), else_="initiative"
            ).label("kind"),
            col(Geography.name).label("geography"),
            col(ProgressEntry.period),
            col(ProgressEntry.value),
            col(Indicator.unit),
            col(ProgressEntry.status),
            col(ProgressEntry.narrative),
            col(ProgressEntry.source),
            col(ProgressEntry.is_demo),
        )
        .join(Indicator, col(Indicator.id) == ProgressEntry.indicator_id, isouter=True)
        .join(Initiative, col(Initiative.id) == ProgressEntry.initiative_id, isouter=True)
        .join(Geography, col(Geography.code) == ProgressEntry.geo_code)
        .where(published)
        .order_by(col(ProgressEntry.updated_at).desc(), col(ProgressEntry.id).desc())
        .limit(limit)
    )
    result = frame(session, statement)
    result["updated_at"] = pd.to_datetime(result["updated_at"], utc=True, format="mixed")
    return result


def regional_initiatives(session: Session, *, region_code: str | None = None) -> pd.DataFrame:
    """id, code, cycle, region_code, title, note, initiatives, indicators."""
    initiative_counts = (
        sa.select(
            col(InitiativeRegionalInitiative.regional_initiative_id).label("rid"),
            sa.func.count().label("initiatives"),
        )
        .group_by(col(InitiativeRegionalInitiative.regional_initiative_id))
        .subquery()
    )
    indicator_counts = (
        sa.select(
            col(IndicatorRegionalInitiative.regional_initiative_id).label("rid"),
            sa.func.count().label("indicators"),
        )
        .group_by(col(IndicatorRegionalInitiative.regional_initiative_id))
        .subquery()
    )
    statement = (
        sa.select(
            col(RegionalInitiative.id),
            col(RegionalInitiative.code),
            col(RegionalInitiative.cycle),
            col(RegionalInitiative.region_code),
            col(RegionalInitiative.title),
            col(RegionalInitiative.note),
            sa.func.coalesce(initiative_counts.c.initiatives, 0).label("initiatives"),
            sa.func.coalesce(indicator_counts.c.indicators, 0).label("indicators"),
        )
        .join(
            initiative_counts, initiative_counts.c.rid == col(RegionalInitiative.id), isouter=True
        )
        .join(indicator_counts, indicator_counts.c.rid == col(RegionalInitiative.id), isouter=True)
        .order_by(col(RegionalInitiative.cycle), col(RegionalInitiative.code))
    )
    if region_code:
        statement = statement.where(col(RegionalInitiative.region_code) == region_code)
    return frame(session, statement)


def initiatives_of_regional(session: Session, regional_initiative_id: int) -> pd.DataFrame:
    """id, name, status, lead_sector of the initiatives under one regional initiative."""
    return frame(
        session,
        sa.select(
            col(Initiative.id),
            col(Initiative.name),
            col(Initiative.status),
            col(Initiative.lead_sector),
        )
        .join(
            InitiativeRegionalInitiative,
            col(InitiativeRegionalInitiative.initiative_id) == Initiative.id,
        )
        .where(col(InitiativeRegionalInitiative.regional_initiative_id) == regional_initiative_id)
        .order_by(col(Initiative.name)),
    )


def indicators_of_regional(session: Session, regional_initiative_id: int) -> pd.DataFrame:
    """The indicator reference rows linked to one regional initiative."""
    linked = sa.select(col(IndicatorRegionalInitiative.indicator_id)).where(
        col(IndicatorRegionalInitiative.regional_initiative_id) == regional_initiative_id
    )
    reference = indicators(session)
    ids = set(session.execute(linked).scalars())
    return reference[reference["id"].isin(ids)].reset_index(drop=True)


def regional_panel(
    session: Session, *, codes: Sequence[str], cycle: str, thresholds: Thresholds
) -> list[dict[str, Any]]:
    """For each regional initiative named: its title, initiatives, and indicators assessed
    on its region's values (code, cycle, region_code, title, note, initiatives, indicators)."""
    regional = regional_initiatives(session)
    chosen = regional[regional["code"].isin(list(codes)) & (regional["cycle"] == cycle)]
    panels = []
    for row in chosen.itertuples():
        linked = indicators_of_regional(session, int(row.id))
        values = yearly_values(
            session, geo_codes=(row.region_code,), indicator_ids=tuple(linked["id"])
        )
        assessed = assess_indicators(linked, values, thresholds) if len(linked) else None
        table = linked[["id", "name", "unit"]].rename(columns={"id": "indicator_id"})
        if assessed is not None:
            table = table.merge(
                assessed[assessed["geo_code"] == row.region_code], on="indicator_id", how="left"
            )
        panels.append(
            {
                "code": row.code,
                "cycle": row.cycle,
                "region_code": row.region_code,
                "title": row.title,
                "note": row.note,
                "initiatives": initiatives_of_regional(session, int(row.id)),
                "indicators": table,
            }
        )
    return panels


def geographies(session: Session) -> pd.DataFrame:
    """code, kind, name, iso2, region_code, latitude, longitude: world, regions, countries."""
    return frame(
        session,
        sa.select(
            col(Geography.code),
            col(Geography.kind),
            col(Geography.name),
            col(Geography.iso2),
            col(Geography.region_code),
            col(Geography.latitude),
            col(Geography.longitude),
        ).order_by(col(Geography.kind).desc(), col(Geography.name)),
    )
