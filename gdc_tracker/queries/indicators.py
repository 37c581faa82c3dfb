"""The Indicators page's reads: series, comparisons, the gender gap, universal vs meaningful.

Every value comes from published progress entries. Where a year holds several periods
(quarters, months), the latest period stands for the year, as in `overview.yearly_values`.
"Latest at or before a year" picks, per geography, the newest such yearly value whose year is
not after the one asked for (or the newest of all when no year is given), so a country that
reports late still appears, with the year of its value shown beside it.

Pivots across indicators or sexes are done in SQL with conditional aggregation; the few
derived columns (scores, composites, statuses) are pure functions of the reduced frames.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import SupportsFloat, SupportsInt

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from gdc_tracker.i18n import _
from gdc_tracker.models import (
    TOTAL,
    DataSource,
    Geography,
    GeographyKind,
    Indicator,
    ProgressEntry,
)
from gdc_tracker.provenance import with_source_columns
from gdc_tracker.queries.overview import frame, published, source_columns
from gdc_tracker.status import Thresholds, assess_frame, target_band_of

__all__ = [
    "AFFORDABILITY_BEST",
    "AFFORDABILITY_WORST",
    "CONNECTIVITY_INDICATORS",
    "FEMALE",
    "MALE",
    "affordability_score",
    "as_of",
    "assess_series",
    "compare_values",
    "connectivity",
    "connectivity_method",
    "connectivity_scores",
    "connectivity_values",
    "indicator_reference",
    "indicator_series",
    "largest_gender_gaps",
    "series_status",
    "sex_geographies",
    "sex_series",
    "years_with_data",
]

FEMALE, MALE = "sex:female", "sex:male"
REFERENCE_COLUMNS = [
    "id",
    "code",
    "name",
    "unit",
    "direction",
    "kind",
    "source",
    "definition",
    "baseline_value",
    "baseline_year",
    "target_value",
    "target_year",
    "target_low",
    "target_high",
    "disaggregations",
    "note",
]

# Universal vs meaningful connectivity: the components and how each becomes a 0-100 score.
CONNECTIVITY_INDICATORS: dict[str, str] = {
    "internet_use": "UMC_INTERNET_USE",
    "coverage_4g": "UMC_4G_COVERAGE",
    "mobile_bb_price": "UMC_MOBILE_BB_PRICE",
    "basic_skills": "UMC_BASIC_DIGITAL_SKILLS",
}
AFFORDABILITY_BEST = 2.0  # % of GNI per capita: the UMC 2030 target, scores 100
AFFORDABILITY_WORST = 20.0  # % of GNI per capita and above: scores 0
MEANINGFUL_COMPONENTS = ("coverage_4g", "affordability_score", "basic_skills")
MIN_COMPONENTS = 2


# --- building blocks -------------------------------------------------------------------------

PROVENANCE = (
    "source",
    "obs_status",
    "source_organisation",
    "source_dataset",
    "source_release",
    "source_licence",
)


def _provenance(subquery: sa.Subquery) -> list[sa.ColumnElement]:
    return [subquery.c[name] for name in PROVENANCE]


def _yearly(
    codes: Sequence[str],
    *conditions: sa.ColumnElement[bool],
    disaggregations: Sequence[str] = (TOTAL,),
) -> sa.Subquery:
    """indicator_code, geo_code, disaggregation, year, value, is_demo, updated_at and the
    provenance columns (`PROVENANCE`): one published value per indicator, geography,
    disaggregation and year."""
    entry = ProgressEntry
    ranked = (
        sa.select(
            col(Indicator.code).label("indicator_code"),
            col(entry.geo_code),
            col(entry.disaggregation),
            col(entry.year),
            col(entry.value),
            col(entry.is_demo),
            col(entry.updated_at),
            col(entry.source),
            col(entry.obs_status),
            *source_columns(),
            sa.func.row_number()
            .over(
                partition_by=(
                    col(entry.indicator_id),
                    col(entry.geo_code),
                    col(entry.disaggregation),
                    col(entry.year),
                ),
                order_by=(col(entry.period_end).desc(), col(entry.id).desc()),
            )
            .label("period_rank"),
        )
        .join(Indicator, col(Indicator.id) == entry.indicator_id)
        .join(DataSource, col(DataSource.id) == entry.data_source_id, isouter=True)
        .where(
            published,
            col(entry.value).is_not(None),
            col(Indicator.code).in_(tuple(codes)),
            col(entry.disaggregation).in_(tuple(disaggregations)),
            *conditions,
        )
        .subquery()
    )
    return (
        sa.select(*(c for c in ranked.c if c.name != "period_rank"))
        .where(ranked.c.period_rank == 1)
        .subquery()
    )


def _latest(yearly: sa.Subquery, partition: Sequence[str], year: int | None) -> sa.Subquery:
    """`yearly` reduced to the newest row per `partition` whose year is not after `year`."""
    statement = sa.select(
        yearly,
        sa.func.row_number()
        .over(
            partition_by=[yearly.c[name] for name in partition],
            order_by=yearly.c.year.desc(),
        )
        .label("year_rank"),
    )
    if year is not None:
        statement = statement.where(yearly.c.year <= year)
    ranked = statement.subquery()
    return sa.select(ranked).where(ranked.c.year_rank == 1).subquery()


def _timestamps(result: pd.DataFrame, column: str = "updated_at") -> pd.DataFrame:
    """SQLite returns text for timestamps: make them UTC datetimes on every engine."""
    result[column] = pd.to_datetime(result[column], utc=True, format="mixed")
    return result


def as_of(data: pd.DataFrame) -> tuple[datetime | None, bool]:
    """(newest updated_at, whether any value is demo data) of a frame with those columns."""
    if data.empty:
        return None, False
    newest = pd.to_datetime(data["updated_at"], utc=True, format="mixed").max()
    return (None if pd.isna(newest) else newest.to_pydatetime()), bool(data["is_demo"].any())


# --- reference -------------------------------------------------------------------------------


def indicator_reference(session: Session, *, code: str) -> pd.DataFrame:
    """One row (none for an unknown code): id, code, name, unit, direction, kind, source,
    definition, baseline_value, baseline_year, target_value, target_year, disaggregations
    (comma-separated text, e.g. "sex, area"), note."""
    result = frame(
        session,
        sa.select(*(getattr(Indicator, name) for name in REFERENCE_COLUMNS)).where(
            col(Indicator.code) == code
        ),
    )
    result["disaggregations"] = result["disaggregations"].map(
        lambda values: ", ".join(values or [])
    )
    return result[REFERENCE_COLUMNS]


def years_with_data(session: Session, *, code: str, disaggregation: str = TOTAL) -> pd.DataFrame:
    """year: the years with at least one published value of the indicator."""
    return frame(
        session,
        sa.select(col(ProgressEntry.year))
        .join(Indicator, col(Indicator.id) == ProgressEntry.indicator_id)
        .where(
            published,
            col(Indicator.code) == code,
            col(ProgressEntry.disaggregation) == disaggregation,
            col(ProgressEntry.value).is_not(None),
        )
        .distinct()
        .order_by(col(ProgressEntry.year)),
    )


# --- time series and status ------------------------------------------------------------------


def indicator_series(
    session: Session, *, code: str, geo_codes: Sequence[str], disaggregation: str = TOTAL
) -> pd.DataFrame:
    """geo_code, geo_name, geo_kind, year, value, is_demo, updated_at, source, obs_status:
    one value a year, each with its source and observation status in words."""
    yearly = _yearly(
        (code,),
        col(ProgressEntry.geo_code).in_(tuple(geo_codes)),
        disaggregations=(disaggregation,),
    )
    result = frame(
        session,
        sa.select(
            yearly.c.geo_code,
            col(Geography.name).label("geo_name"),
            col(Geography.kind).label("geo_kind"),
            yearly.c.year,
            yearly.c.value,
            yearly.c.is_demo,
            yearly.c.updated_at,
            *_provenance(yearly),
        )
        .join(Geography, col(Geography.code) == yearly.c.geo_code)
        .order_by(yearly.c.geo_code, yearly.c.year),
    )
    return with_source_columns(_timestamps(result))


def assess_series(
    reference: pd.Series, series: pd.DataFrame, names: pd.DataFrame, thresholds: Thresholds
) -> pd.DataFrame:
    """geo_code, geo_name, status, explanation, baseline_year, baseline_value, latest_year,
    latest_value, method: the progress status of each geography in `names` (code, name),
    in that order, from `series` (geo_code, year, value) and the indicator's `reference`."""
    rows = []
    for geo in names.itertuples():
        result = assess_frame(
            series.loc[series["geo_code"] == geo.code, ["year", "value"]],
            target=_number(reference["target_value"]),
            target_year=_whole(reference["target_year"]),
            higher_is_better=reference["direction"] == "higher_is_better",
            baseline_year=_whole(reference["baseline_year"]),
            thresholds=thresholds,
            target_band=target_band_of(reference),
        )
        rows.append(
            {
                "geo_code": geo.code,
                "geo_name": geo.name,
                "status": str(result.status),
                "explanation": result.explanation,
                "baseline_year": result.baseline_year,
                "baseline_value": result.baseline_value,
                "latest_year": result.latest_year,
                "latest_value": result.latest_value,
                "method": result.method,
            }
        )
    columns = [
        "geo_code",
        "geo_name",
        "status",
        "explanation",
        "baseline_year",
        "baseline_value",
        "latest_year",
        "latest_value",
        "method",
    ]
    return pd.DataFrame(rows, columns=columns)


def series_status(
    session: Session, *, code: str, geo_codes: Sequence[str], thresholds: Thresholds
) -> pd.DataFrame:
    """`assess_series` for the indicator `code` in each of `geo_codes` (known ones, in order)."""
    reference = indicator_reference(session, code=code)
    names = frame(
        session,
        sa.select(col(Geography.code), col(Geography.name)).where(
            col(Geography.code).in_(tuple(geo_codes))
        ),
    )
    names = names.set_index("code").reindex([g for g in geo_codes if g in set(names["code"])])
    names = names.reset_index()
    if reference.empty:
        return assess_series(pd.Series(dtype=object), pd.DataFrame(), names.iloc[:0], thresholds)
    series = indicator_series(session, code=code, geo_codes=tuple(geo_codes))
    return assess_series(reference.iloc[0], series, names, thresholds)


def _number(value: SupportsFloat | None) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _whole(value: SupportsInt | None) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


# --- comparison ------------------------------------------------------------------------------


def compare_values(
    session: Session, *, code: str, year: int | None = None, region: str | None = None
) -> pd.DataFrame:
    """geo_code, geo_name, geo_kind, region_code, year, value, is_demo, updated_at, source,
    obs_status: the latest value at or before `year` of the world and every ITU region (no
    `region`), or of every country of `region`; sorted by value, highest first."""
    if region:
        scope = sa.select(col(Geography.code)).where(col(Geography.region_code) == region)
    else:
        scope = sa.select(col(Geography.code)).where(
            col(Geography.kind).in_((GeographyKind.WORLD, GeographyKind.REGION))
        )
    yearly = _yearly((code,), col(ProgressEntry.geo_code).in_(scope))
    latest = _latest(yearly, ("geo_code",), year)
    result = frame(
        session,
        sa.select(
            latest.c.geo_code,
            col(Geography.name).label("geo_name"),
            col(Geography.kind).label("geo_kind"),
            col(Geography.region_code),
            latest.c.year,
            latest.c.value,
            latest.c.is_demo,
            latest.c.updated_at,
            *_provenance(latest),
        )
        .join(Geography, col(Geography.code) == latest.c.geo_code)
        .order_by(latest.c.value.desc(), latest.c.geo_code),
    )
    return with_source_columns(_timestamps(result))


# --- the gender gap --------------------------------------------------------------------------


def _sex_pivot(code: str, *conditions: sa.ColumnElement[bool]) -> sa.Subquery:
    """geo_code, year, female, male, gap, is_demo, updated_at where both sexes have a value;
    gap = male - female (percentage points for a percentage)."""
    yearly = _yearly((code,), *conditions, disaggregations=(FEMALE, MALE))
    female = sa.func.max(sa.case((yearly.c.disaggregation == FEMALE, yearly.c.value)))
    male = sa.func.max(sa.case((yearly.c.disaggregation == MALE, yearly.c.value)))
    pivot = (
        sa.select(
            yearly.c.geo_code,
            yearly.c.year,
            female.label("female"),
            male.label("male"),
            sa.func.max(sa.cast(yearly.c.is_demo, sa.Integer)).label("is_demo"),
            sa.func.max(yearly.c.updated_at).label("updated_at"),
        )
        .group_by(yearly.c.geo_code, yearly.c.year)
        .having(sa.func.count(sa.distinct(yearly.c.disaggregation)) == 2)
        .subquery()
    )
    return sa.select(pivot, (pivot.c.male - pivot.c.female).label("gap")).subquery()


def _sex_frame(session: Session, statement: sa.Select) -> pd.DataFrame:
    result = _timestamps(frame(session, statement))
    result["is_demo"] = result["is_demo"].astype(bool)
    return result


def sex_series(session: Session, *, code: str, geo_code: str) -> pd.DataFrame:
    """geo_code, year, female, male, gap, is_demo, updated_at for one geography, by year."""
    pivot = _sex_pivot(code, col(ProgressEntry.geo_code) == geo_code)
    return _sex_frame(
        session,
        sa.select(
            pivot.c.geo_code,
            pivot.c.year,
            pivot.c.female,
            pivot.c.male,
            pivot.c.gap,
            pivot.c.is_demo,
            pivot.c.updated_at,
        ).order_by(pivot.c.year),
    )


def sex_geographies(session: Session, *, code: str) -> pd.DataFrame:
    """geo_code, geo_name, geo_kind: the geographies with female and male values."""
    entry = ProgressEntry
    with_sex = (
        sa.select(col(entry.geo_code))
        .join(Indicator, col(Indicator.id) == entry.indicator_id)
        .where(
            published,
            col(Indicator.code) == code,
            col(entry.disaggregation).in_((FEMALE, MALE)),
            col(entry.value).is_not(None),
        )
        .group_by(col(entry.geo_code))
        .having(sa.func.count(sa.distinct(col(entry.disaggregation))) == 2)
        .subquery()
    )
    return frame(
        session,
        sa.select(
            col(Geography.code).label("geo_code"),
            col(Geography.name).label("geo_name"),
            col(Geography.kind).label("geo_kind"),
        )
        .join(with_sex, with_sex.c.geo_code == col(Geography.code))
        .order_by(col(Geography.kind).desc(), col(Geography.name)),
    )


def largest_gender_gaps(
    session: Session, *, code: str, year: int | None = None, limit: int = 10
) -> pd.DataFrame:
    """geo_code, geo_name, region_code, year, female, male, gap, is_demo, updated_at: the
    countries with the largest gap (male - female) in their latest year at or before `year`."""
    countries = sa.select(col(Geography.code)).where(col(Geography.kind) == GeographyKind.COUNTRY)
    pivot = _sex_pivot(code, col(ProgressEntry.geo_code).in_(countries))
    latest = _latest(pivot, ("geo_code",), year)
    return _sex_frame(
        session,
        sa.select(
            latest.c.geo_code,
            col(Geography.name).label("geo_name"),
            col(Geography.region_code),
            latest.c.year,
            latest.c.female,
            latest.c.male,
            latest.c.gap,
            latest.c.is_demo,
            latest.c.updated_at,
        )
        .join(Geography, col(Geography.code) == latest.c.geo_code)
        .order_by(latest.c.gap.desc(), latest.c.geo_code)
        .limit(limit),
    )


# --- universal vs meaningful connectivity ----------------------------------------------------


def connectivity_values(session: Session, *, year: int | None = None) -> pd.DataFrame:
    """geo_code, geo_name, region_code, region_name, then for each component of
    CONNECTIVITY_INDICATORS its latest value at or before `year` and that value's year
    (`<component>`, `<component>_year`), is_demo, updated_at: one row per country."""
    countries = sa.select(col(Geography.code)).where(col(Geography.kind) == GeographyKind.COUNTRY)
    yearly = _yearly(
        tuple(CONNECTIVITY_INDICATORS.values()),
        col(ProgressEntry.geo_code).in_(countries),
    )
    latest = _latest(yearly, ("indicator_code", "geo_code"), year)
    pivoted = []
    for column, code in CONNECTIVITY_INDICATORS.items():
        is_it = latest.c.indicator_code == code
        pivoted.append(sa.func.max(sa.case((is_it, latest.c.value))).label(column))
        pivoted.append(sa.func.max(sa.case((is_it, latest.c.year))).label(f"{column}_year"))
    per_country = (
        sa.select(
            latest.c.geo_code,
            *pivoted,
            sa.func.max(sa.cast(latest.c.is_demo, sa.Integer)).label("is_demo"),
            sa.func.max(latest.c.updated_at).label("updated_at"),
        )
        .group_by(latest.c.geo_code)
        .subquery()
    )
    region = aliased(Geography)
    result = frame(
        session,
        sa.select(
            per_country.c.geo_code,
            col(Geography.name).label("geo_name"),
            col(Geography.region_code),
            col(region.name).label("region_name"),
            *(c for c in per_country.c if c.name != "geo_code"),
        )
        .join(Geography, col(Geography.code) == per_country.c.geo_code)
        .join(region, col(region.code) == Geography.region_code, isouter=True)
        .order_by(col(Geography.name)),
    )
    result["is_demo"] = result["is_demo"].astype(bool)
    for column in CONNECTIVITY_INDICATORS:
        result[f"{column}_year"] = result[f"{column}_year"].astype("Int64")
    return _timestamps(result)


def affordability_score(price: pd.Series) -> pd.Series:
    """0-100 from a price in % of GNI per capita: <= 2 % scores 100, >= 20 % scores 0,
    linear in between (11 % scores 50)."""
    span = AFFORDABILITY_WORST - AFFORDABILITY_BEST
    score = 100 * (AFFORDABILITY_WORST - price) / span
    return score.clip(lower=0, upper=100)


def connectivity_scores(values: pd.DataFrame) -> pd.DataFrame:
    """`values` (as from connectivity_values) with universality, affordability_score,
    components (how many of the three meaningfulness components are known) and
    meaningfulness (their mean when at least two are known, else missing)."""
    scored = values.copy()
    scored["universality"] = scored["internet_use"].astype(float)
    scored["affordability_score"] = affordability_score(scored["mobile_bb_price"].astype(float))
    parts = scored[list(MEANINGFUL_COMPONENTS)].astype(float)
    scored["components"] = parts.notna().sum(axis=1).astype(int)
    scored["meaningfulness"] = parts.mean(axis=1).where(
        scored["components"] >= MIN_COMPONENTS, np.nan
    )
    return scored


def connectivity(session: Session, *, year: int | None = None) -> pd.DataFrame:
    """`connectivity_values` scored by `connectivity_scores`."""
    return connectivity_scores(connectivity_values(session, year=year))


def connectivity_method() -> str:
    """How the scatter's two axes are computed, in words for the page."""
    return _(
        "**Universality** (x) is the share of individuals using the Internet "
        "(UMC_INTERNET_USE). **Meaningfulness** (y) is the mean of up to three 0-100 scores: "
        "4G population coverage (UMC_4G_COVERAGE, as a percentage); affordability, from the "
        "entry-level mobile-broadband price (UMC_MOBILE_BB_PRICE) where {best} % of GNI per "
        "capita or less scores 100 and {worst} % or more scores 0, linear in between; and the "
        "share of individuals with at least basic digital skills (UMC_BASIC_DIGITAL_SKILLS). "
        "A country needs at least {needed} of the 3 components to be plotted. Each component "
        "is the country's latest published value at or before the chosen year, so components "
        "may come from different years (see the data table). This score is GDC Tracker's own "
        "composite, not an ITU or UN index. Universal connectivity means connectivity for all "
        "(UMC target: 100 % of people online): the dashed line at 50 only marks half of "
        "people online."
    ).format(
        best=f"{AFFORDABILITY_BEST:g}", worst=f"{AFFORDABILITY_WORST:g}", needed=MIN_COMPONENTS
    )
