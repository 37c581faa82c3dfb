"""Which values exist: for indicators x geographies x years, a published real value, only
demo values, or none.

A cell is (indicator, geography, year). Only published, undivided values count (the
value a series, a map or a comparison draws; a breakdown by sex, area or age alone does
not fill a cell). An indicator reported for countries is counted over the countries of
the Geography table; one reported for ITU regions but not for countries over the
regions' own values; one reported for the world only has no gaps to show here. By
region, a region's cell counts its countries ("12 of 35 countries real, 3 demo only").

The store may hold a million entries: the counting is one grouped query, and only the
geographies and years it returns are completed here, in memory, with the geographies
that have no value at all (a matrix of gaps must show them).
"""

from collections.abc import Sequence
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session, col

from gdc_tracker.models import (
    TOTAL,
    DataSource,
    Geography,
    GeographyKind,
    Indicator,
    ProgressEntry,
)
from gdc_tracker.queries.overview import frame, published, source_columns

BY_REGION, BY_COUNTRY = "region", "country"
LEVELS = (BY_REGION, BY_COUNTRY)
WORLD_ONLY = ""  # an indicator's level when it is reported for the world only
CELL_COLUMNS = [
    "indicator_code",
    "indicator",
    "level",
    "geo_code",
    "geography",
    "year",
    "geographies",
    "real",
    "demo_only",
    "none",
]
TOTAL_COLUMNS = [c for c in CELL_COLUMNS if c not in ("geo_code", "geography")]


def level_of(geographies: Sequence[str] | None) -> str:
    """What an indicator's values are counted over: "country" when it is reported for
    countries (or for any geography, an empty list), "region" when for regions but not
    countries, "" when for the world only."""
    kinds = set(geographies or ())
    if not kinds or GeographyKind.COUNTRY in kinds:
        return BY_COUNTRY
    if GeographyKind.REGION in kinds:
        return BY_REGION
    return WORLD_ONLY


def indicator_levels(session: Session, *, code: str | None = None) -> pd.DataFrame:
    """id, code, name, level: the active indicators (or the one `code`), each with the
    level its values are counted over (`level_of`)."""
    statement = sa.select(
        col(Indicator.id), col(Indicator.code), col(Indicator.name), col(Indicator.geographies)
    )
    statement = statement.where(col(Indicator.is_active)).order_by(col(Indicator.code))
    if code is not None:
        statement = statement.where(col(Indicator.code) == code)
    rows = frame(session, statement)
    levels = [level_of(kinds) for kinds in rows["geographies"]]
    return rows.drop(columns="geographies").assign(level=pd.Series(levels, dtype=str))


def counted(indicators: pd.DataFrame, by: str) -> pd.DataFrame:
    """The indicators a matrix by `by` counts: by country those reported for countries,
    by region those reported for countries or regions."""
    wanted = (BY_COUNTRY,) if by == BY_COUNTRY else (BY_COUNTRY, BY_REGION)
    return indicators[indicators["level"].isin(wanted)]


def _ids(indicators: pd.DataFrame, level: str) -> list[int]:
    return [int(i) for i in indicators.loc[indicators["level"] == level, "id"]]


def _scope(
    indicators: pd.DataFrame, year_from: int | None, year_to: int | None
) -> list[sa.ColumnElement[bool]]:
    """The entries a matrix counts: published, undivided, with a value, of a geography at
    each indicator's level, within the years (join Geography to use it)."""
    entry = ProgressEntry
    levels = [
        sa.and_(col(entry.indicator_id).in_(ids), col(Geography.kind) == kind)
        for ids, kind in (
            (_ids(indicators, BY_COUNTRY), GeographyKind.COUNTRY),
            (_ids(indicators, BY_REGION), GeographyKind.REGION),
        )
        if ids
    ]
    where = [
        published,
        col(entry.disaggregation) == TOTAL,
        col(entry.value).is_not(None),
        sa.or_(*levels),
    ]
    if year_from is not None:
        where.append(col(entry.year) >= year_from)
    if year_to is not None:
        where.append(col(entry.year) <= year_to)
    return where


def gap_counts(
    session: Session,
    indicators: pd.DataFrame,
    *,
    by: str,
    year_from: int | None = None,
    year_to: int | None = None,
    per_geography: bool = True,
) -> pd.DataFrame:
    """indicator_code, geo_code, year, real, demo_only: per indicator, geography (by
    region, a region counting its countries) and year, how many geographies have a
    published real value and how many demo values only; without `geo_code` when not
    `per_geography` (the indicator's geographies added up). One grouped query; cells
    with no value are not returned (`gap_cells` and `gap_totals` complete them)."""
    columns = ["indicator_code", "geo_code", "year", "real", "demo_only"]
    if not per_geography:
        columns.remove("geo_code")
    indicators = counted(indicators, by)
    if indicators.empty:
        return pd.DataFrame(columns=columns)
    entry = ProgressEntry
    if by == BY_REGION:  # a country's cell goes to its region; a region's stays its own
        country_ids = _ids(indicators, BY_COUNTRY)
        in_country = col(entry.indicator_id).in_(country_ids)
        key: sa.SQLColumnExpression[str | None] = sa.case(
            (in_country, col(Geography.region_code)), else_=col(entry.geo_code)
        )
    else:
        key = col(entry.geo_code)
    cells = (
        sa.select(
            col(entry.indicator_id),
            key.label("key"),
            col(entry.year),
            sa.func.max(sa.case((col(entry.is_demo), 0), else_=1)).label("has_real"),
            sa.func.max(sa.case((col(entry.is_demo), 1), else_=0)).label("has_demo"),
        )
        .join(Geography, col(Geography.code) == entry.geo_code)
        .where(*_scope(indicators, year_from, year_to))
        .group_by(
            col(entry.indicator_id),
            col(entry.geo_code),
            col(Geography.region_code),
            col(entry.year),
        )
        .subquery()
    )
    demo_only = sa.case(((cells.c.has_real == 0) & (cells.c.has_demo == 1), 1), else_=0)
    keys = [
        col(Indicator.code).label("indicator_code"),
        cells.c.key.label("geo_code"),
        cells.c.year,
    ]
    if not per_geography:
        keys.pop(1)
    statement = (
        sa.select(
            *keys,
            sa.func.sum(cells.c.has_real).label("real"),
            sa.func.sum(demo_only).label("demo_only"),
        )
        .join(Indicator, col(Indicator.id) == cells.c.indicator_id)
        .where(cells.c.key.is_not(None))
        .group_by(*keys)
        .order_by(*keys)
    )
    result = frame(session, statement)
    return result[columns].astype({"year": int, "real": int, "demo_only": int})


def gap_units(session: Session, *, by: str) -> pd.DataFrame:
    """code, name, countries: the rows of a matrix by `by` (the ITU regions with how many
    countries each counts, or the countries, one each), in name order."""
    if by == BY_REGION:
        member = sa.orm.aliased(Geography)
        statement = (
            sa.select(
                col(Geography.code),
                col(Geography.name),
                sa.func.count(col(member.code)).label("countries"),
            )
            .join(member, col(member.region_code) == Geography.code, isouter=True)
            .where(col(Geography.kind) == GeographyKind.REGION)
            .group_by(col(Geography.code), col(Geography.name))
        )
    else:
        statement = sa.select(
            col(Geography.code), col(Geography.name), sa.literal(1).label("countries")
        ).where(col(Geography.kind) == GeographyKind.COUNTRY)
    rows = frame(session, statement.order_by(Geography.name))
    return rows.astype({"countries": int})


def _years(counts: pd.DataFrame, year_from: int | None, year_to: int | None) -> list[int]:
    """The years a matrix shows: those asked for, else from the first to the last year
    with a value (every year between, a year with no value included). The counts are
    already within the years asked for."""
    found = (int(counts["year"].min()), int(counts["year"].max())) if len(counts) else (None, None)
    first = next((y for y in (year_from, found[0], year_to) if y is not None), None)
    last = next((y for y in (year_to, found[1], year_from) if y is not None), None)
    return [] if first is None or last is None else list(range(first, last + 1))


INDICATOR_NAMES = {"code": "indicator_code", "name": "indicator"}
GEOGRAPHY_NAMES = {"code": "geo_code", "name": "geography", "countries": "geographies"}


def _grid(indicators: pd.DataFrame, units: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """indicator_code, indicator, level, geo_code, geography, geographies: every indicator
    with the geographies it is counted over (a region-level one over the regions' own
    values, one geography each), and how many geographies each of its cells counts."""
    named = indicators.drop(columns="id").rename(columns=INDICATOR_NAMES)
    per_level = [
        named[named["level"] == level].merge(rows.rename(columns=GEOGRAPHY_NAMES), how="cross")
        for level, rows in ((BY_COUNTRY, units), (BY_REGION, regions.assign(countries=1)))
    ]
    return pd.concat(per_level, ignore_index=True)


def gap_cells(
    session: Session,
    indicators: pd.DataFrame,
    *,
    by: str,
    year_from: int | None = None,
    year_to: int | None = None,
) -> pd.DataFrame:
    """`CELL_COLUMNS`: every cell of the matrix, those with no value at all included:
    per indicator (counted by `by`), geography and year, how many geographies the cell
    counts, how many have a real value, demo values only, and none."""
    indicators = counted(indicators, by)
    counts = gap_counts(session, indicators, by=by, year_from=year_from, year_to=year_to)
    years = _years(counts, year_from, year_to)
    if indicators.empty or not years:
        return pd.DataFrame(columns=CELL_COLUMNS)
    units = gap_units(session, by=by)
    regions = units if by == BY_REGION else gap_units(session, by=BY_REGION)
    grid = _grid(indicators, units, regions).merge(pd.DataFrame({"year": years}), how="cross")
    return _completed(grid, counts, ["indicator_code", "geo_code", "year"])[CELL_COLUMNS]


def _completed(grid: pd.DataFrame, counts: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """`grid` with the counts of its cells: zero where nothing is published, and `none`
    for the geographies of a cell with no value at all."""
    cells = grid.merge(counts, on=keys, how="left")
    cells[["real", "demo_only"]] = cells[["real", "demo_only"]].fillna(0).astype(int)
    cells["none"] = cells["geographies"] - cells["real"] - cells["demo_only"]
    return cells


def gap_totals(
    session: Session,
    indicators: pd.DataFrame,
    *,
    by: str,
    year_from: int | None = None,
    year_to: int | None = None,
) -> pd.DataFrame:
    """`TOTAL_COLUMNS`: per indicator (counted by `by`) and year, how many geographies it
    is counted over, how many have a real value, demo values only, and none: the cells
    of `gap_cells` added up, counted in the database."""
    indicators = counted(indicators, by)
    counts = gap_counts(
        session, indicators, by=by, year_from=year_from, year_to=year_to, per_geography=False
    )
    years = _years(counts, year_from, year_to)
    if indicators.empty or not years:
        return pd.DataFrame(columns=TOTAL_COLUMNS)
    units = gap_units(session, by=by)
    regions = units if by == BY_REGION else gap_units(session, by=BY_REGION)
    sizes = {BY_COUNTRY: int(units["countries"].sum()), BY_REGION: len(regions)}
    grid = indicators.drop(columns="id").rename(columns=INDICATOR_NAMES)
    grid = grid.assign(geographies=grid["level"].map(sizes))
    grid = grid.merge(pd.DataFrame({"year": years}), how="cross")
    return _completed(grid, counts, ["indicator_code", "year"])[TOTAL_COLUMNS]


def gap_sources(
    session: Session,
    indicators: pd.DataFrame,
    *,
    by: str,
    year_from: int | None = None,
    year_to: int | None = None,
) -> pd.DataFrame:
    """is_demo, source, source_organisation, source_dataset, source_release,
    source_licence, values, updated_at: the values a matrix counts, grouped by where
    they come from, with how many and the newest change of each."""
    indicators = counted(indicators, by)
    entry = ProgressEntry
    keys: list[sa.SQLColumnExpression[Any]] = [
        col(entry.is_demo),
        col(entry.source),
        *source_columns(),
    ]
    statement = (
        sa.select(
            *keys,
            sa.func.count().label("values"),
            sa.func.max(col(entry.updated_at)).label("updated_at"),
        )
        .join(Geography, col(Geography.code) == col(entry.geo_code))
        .join(DataSource, col(DataSource.id) == col(entry.data_source_id), isouter=True)
        .where(*_scope(indicators, year_from, year_to))
        .group_by(*keys)
    )
    if indicators.empty:
        statement = statement.where(sa.false())
    return frame(session, statement)


__all__ = [
    "BY_COUNTRY",
    "BY_REGION",
    "CELL_COLUMNS",
    "LEVELS",
    "TOTAL_COLUMNS",
    "WORLD_ONLY",
    "counted",
    "gap_cells",
    "gap_counts",
    "gap_sources",
    "gap_totals",
    "gap_units",
    "indicator_levels",
    "level_of",
]
