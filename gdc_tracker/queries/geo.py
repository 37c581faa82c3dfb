"""Reads for the Map and Regional initiatives pages: values by country, initiative locations,
the countries and indicators of a regional initiative.

Every function takes a Session first and plain keyword arguments and returns a DataFrame
with the columns its docstring names, also when there are no rows. Only published
entries are read, and only the undivided ("total") value of a series.
"""

from typing import SupportsFloat, SupportsInt

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session, col

from gdc_tracker.models import (
    TOTAL,
    DataSource,
    Geography,
    GeographyKind,
    Indicator,
    IndicatorRegionalInitiative,
    Initiative,
    InitiativeCountry,
    InitiativeRegionalInitiative,
    ProgressEntry,
    RegionalInitiative,
    unit_label,
)
from gdc_tracker.provenance import with_source_columns
from gdc_tracker.queries.overview import frame, indicators, published, source_columns
from gdc_tracker.status import DEFAULT_THRESHOLDS, Thresholds, assess, target_band_of

__all__ = [
    "country_values",
    "countries",
    "indicator_years",
    "initiative_locations",
    "initiatives_without_location",
    "map_indicators",
    "regional_countries",
    "regional_country_table",
    "regional_country_values",
    "regional_initiative_initiatives",
    "regional_sources",
]

NAME_SEPARATOR = "; "
COUNTRY_VALUE_COLUMNS = [
    "geo_code",
    "name",
    "region_code",
    "latitude",
    "longitude",
    "value",
    "year",
    "is_demo",
    "source",
    "updated_at",
    "status",
]

is_country = col(Geography.kind) == GeographyKind.COUNTRY
country_codes = sa.select(col(Geography.code)).where(is_country)


def _country_series_filter() -> tuple[sa.ColumnElement[bool], ...]:
    """Published, undivided values of an indicator observed in a country."""
    return (
        published,
        col(ProgressEntry.indicator_id).is_not(None),
        col(ProgressEntry.value).is_not(None),
        col(ProgressEntry.disaggregation) == TOTAL,
        col(ProgressEntry.geo_code).in_(country_codes),
    )


def countries(session: Session) -> pd.DataFrame:
    """code, name, region_code, latitude, longitude: every country of the store."""
    return frame(
        session,
        sa.select(
            col(Geography.code),
            col(Geography.name),
            col(Geography.region_code),
            col(Geography.latitude),
            col(Geography.longitude),
        )
        .where(is_country)
        .order_by(col(Geography.name)),
    )


def map_indicators(session: Session) -> pd.DataFrame:
    """The indicators that have published values for countries, with their reference fields
    (id, code, name, unit, direction, kind, source, baseline_*, target_*).

    One EXISTS per indicator, which the (indicator_id, review_state, ...) index answers with
    a seek: the span of years is read for the chosen indicator only (`indicator_years`).
    """
    reported = session.execute(
        sa.select(col(Indicator.id)).where(
            sa.exists().where(
                col(ProgressEntry.indicator_id) == Indicator.id, *_country_series_filter()
            )
        )
    ).scalars()
    reference = indicators(session)
    return reference[reference["id"].isin(set(reported))].reset_index(drop=True)


def indicator_years(session: Session, *, indicator_code: str) -> pd.DataFrame:
    """year, countries: how many countries have a published value of the indicator each year."""
    return frame(
        session,
        sa.select(
            col(ProgressEntry.year),
            sa.func.count(sa.distinct(col(ProgressEntry.geo_code))).label("countries"),
        )
        .join(Indicator, col(Indicator.id) == ProgressEntry.indicator_id)
        .where(col(Indicator.code) == indicator_code, *_country_series_filter())
        .group_by(col(ProgressEntry.year))
        .order_by(col(ProgressEntry.year)),
    )


def _country_series(session: Session, indicator_id: int, up_to_year: int) -> pd.DataFrame:
    """geo_code, year, value, is_demo, source, updated_at and the data source's columns
    (source_organisation, _dataset, _release, _licence): one value per country and year (the
    latest period of the year), up to `up_to_year`."""
    ranked = (
        sa.select(
            col(ProgressEntry.geo_code),
            col(ProgressEntry.year),
            col(ProgressEntry.value),
            col(ProgressEntry.is_demo),
            col(ProgressEntry.source),
            col(ProgressEntry.updated_at),
            *source_columns(),
            sa.func.row_number()
            .over(
                partition_by=(col(ProgressEntry.geo_code), col(ProgressEntry.year)),
                order_by=(col(ProgressEntry.period_end).desc(), col(ProgressEntry.id).desc()),
            )
            .label("rank"),
        )
        .join(DataSource, col(DataSource.id) == ProgressEntry.data_source_id, isouter=True)
        .where(
            col(ProgressEntry.indicator_id) == indicator_id,
            col(ProgressEntry.year) <= up_to_year,
            *_country_series_filter(),
        )
        .subquery()
    )
    return frame(
        session,
        sa.select(
            ranked.c.geo_code,
            ranked.c.year,
            ranked.c.value,
            ranked.c.is_demo,
            ranked.c.source,
            ranked.c.updated_at,
            ranked.c.source_organisation,
            ranked.c.source_dataset,
            ranked.c.source_release,
            ranked.c.source_licence,
        )
        .where(ranked.c.rank == 1)
        .order_by(ranked.c.geo_code, ranked.c.year),
    )


def country_values(
    session: Session,
    *,
    indicator_code: str,
    year: int,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> pd.DataFrame:
    """One row per country of the store: geo_code, name, region_code, latitude, longitude,
    value, year, is_demo, source, updated_at (NaN/None where the country has no value in
    `year`) and status: the country's progress status on its series up to `year`.
    """
    places = countries(session).rename(columns={"code": "geo_code"})
    reference = indicators(session)
    chosen = reference[reference["code"] == indicator_code]
    if chosen.empty:
        return pd.DataFrame(columns=COUNTRY_VALUE_COLUMNS)
    indicator = chosen.iloc[0]
    series = _country_series(session, int(indicator["id"]), year)
    statuses = {
        geo: str(
            assess(
                zip(rows["year"], rows["value"], strict=True),
                target=_float(indicator["target_value"]),
                target_year=_int(indicator["target_year"]),
                higher_is_better=indicator["direction"] == "higher_is_better",
                baseline_year=_int(indicator["baseline_year"]),
                thresholds=thresholds,
                target_band=target_band_of(indicator),
            ).status
        )
        for geo, rows in series.groupby("geo_code")
    }
    in_year = with_source_columns(series[series["year"] == year])
    result = places.merge(in_year, on="geo_code", how="left")
    result["status"] = result["geo_code"].map(statuses).fillna("insufficient data")
    result["updated_at"] = pd.to_datetime(result["updated_at"], utc=True, format="mixed")
    return result[COUNTRY_VALUE_COLUMNS]


def _float(value: SupportsFloat | None) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _int(value: SupportsInt | None) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _sorted_names(names: object) -> str:
    """The database joins names in no set order: sort them, so views do not flicker."""
    if not isinstance(names, str):
        return ""
    return NAME_SEPARATOR.join(sorted(names.split(NAME_SEPARATOR)))


def initiative_locations(
    session: Session, *, regional_initiative_id: int | None = None
) -> pd.DataFrame:
    """geo_code, name, latitude, longitude, initiatives, initiative_names ("A; B"): the
    countries where initiatives act (only those of one regional initiative if given)."""
    statement: sa.Select = (
        sa.select(
            col(Geography.code).label("geo_code"),
            col(Geography.name),
            col(Geography.latitude),
            col(Geography.longitude),
            sa.func.count(sa.distinct(col(Initiative.id))).label("initiatives"),
            sa.func.aggregate_strings(col(Initiative.name), NAME_SEPARATOR).label(
                "initiative_names"
            ),
        )
        .select_from(InitiativeCountry)
        .join(Initiative, col(Initiative.id) == col(InitiativeCountry.initiative_id))
        .join(Geography, col(Geography.code) == col(InitiativeCountry.geo_code))
        .where(is_country)
        .group_by(
            col(Geography.code),
            col(Geography.name),
            col(Geography.latitude),
            col(Geography.longitude),
        )
        .order_by(col(Geography.name))
    )
    if regional_initiative_id is not None:
        statement = statement.join(
            InitiativeRegionalInitiative,
            col(InitiativeRegionalInitiative.initiative_id) == Initiative.id,
        ).where(col(InitiativeRegionalInitiative.regional_initiative_id) == regional_initiative_id)
    result = frame(session, statement)
    result["initiative_names"] = result["initiative_names"].map(_sorted_names)
    return result


def initiatives_without_location(session: Session) -> int:
    """How many initiatives name no country (they act globally): they have no place on a map."""
    located = sa.select(col(InitiativeCountry.initiative_id))
    return int(
        session.execute(
            sa.select(sa.func.count())
            .select_from(Initiative)
            .where(col(Initiative.id).not_in(located))
        ).scalar_one()
    )


def regional_initiative_initiatives(
    session: Session, *, regional_initiative_id: int
) -> pd.DataFrame:
    """id, name, status, lead_sector, start_date, end_date, countries ("A; B"): the
    initiatives under one regional initiative, with the countries where they act."""
    places = (
        sa.select(
            col(InitiativeCountry.initiative_id).label("initiative_id"),
            sa.func.aggregate_strings(col(Geography.name), NAME_SEPARATOR).label("countries"),
        )
        .join(Geography, col(Geography.code) == InitiativeCountry.geo_code)
        .group_by(col(InitiativeCountry.initiative_id))
        .subquery()
    )
    result = frame(
        session,
        sa.select(
            col(Initiative.id),
            col(Initiative.name),
            col(Initiative.status),
            col(Initiative.lead_sector),
            col(Initiative.start_date),
            col(Initiative.end_date),
            places.c.countries,
        )
        .join(
            InitiativeRegionalInitiative,
            col(InitiativeRegionalInitiative.initiative_id) == Initiative.id,
        )
        .join(places, places.c.initiative_id == col(Initiative.id), isouter=True)
        .where(col(InitiativeRegionalInitiative.regional_initiative_id) == regional_initiative_id)
        .order_by(col(Initiative.name)),
    )
    result["countries"] = result["countries"].map(_sorted_names)
    return result


def regional_countries(session: Session, *, regional_initiative_id: int) -> pd.DataFrame:
    """code, name, latitude, longitude, initiatives, initiative_names: the countries of the
    regional initiative's ITU region, with how many of its initiatives act in each."""
    region = sa.select(col(RegionalInitiative.region_code)).where(
        col(RegionalInitiative.id) == regional_initiative_id
    )
    members = frame(
        session,
        sa.select(
            col(Geography.code),
            col(Geography.name),
            col(Geography.latitude),
            col(Geography.longitude),
        )
        .where(is_country, col(Geography.region_code).in_(region))
        .order_by(col(Geography.name)),
    )
    acting = initiative_locations(session, regional_initiative_id=regional_initiative_id)
    result = members.merge(
        acting[["geo_code", "initiatives", "initiative_names"]].rename(
            columns={"geo_code": "code"}
        ),
        on="code",
        how="left",
    )
    result["initiatives"] = result["initiatives"].fillna(0).astype(int)
    result["initiative_names"] = result["initiative_names"].fillna("")
    return result


def regional_country_values(session: Session, *, regional_initiative_id: int) -> pd.DataFrame:
    """indicator_code, indicator, unit, geo_code, country, year, value, is_demo, source,
    updated_at, entry_id: for each indicator linked to the regional initiative, the values of the
    region's countries in the latest year any of them reported."""
    region = sa.select(col(RegionalInitiative.region_code)).where(
        col(RegionalInitiative.id) == regional_initiative_id
    )
    members = sa.select(col(Geography.code)).where(
        is_country,
        col(Geography.region_code).in_(region),
    )
    linked = sa.select(col(IndicatorRegionalInitiative.indicator_id)).where(
        col(IndicatorRegionalInitiative.regional_initiative_id) == regional_initiative_id
    )
    ranked = (
        sa.select(
            col(ProgressEntry.id),
            col(ProgressEntry.indicator_id),
            col(ProgressEntry.geo_code),
            col(ProgressEntry.year),
            col(ProgressEntry.value),
            col(ProgressEntry.is_demo),
            col(ProgressEntry.source),
            col(ProgressEntry.updated_at),
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
            sa.func.max(col(ProgressEntry.year))
            .over(partition_by=col(ProgressEntry.indicator_id))
            .label("latest_year"),
        )
        .where(
            *_country_series_filter(),
            col(ProgressEntry.indicator_id).in_(linked),
            col(ProgressEntry.geo_code).in_(members),
        )
        .subquery()
    )
    result = frame(
        session,
        sa.select(
            col(Indicator.code).label("indicator_code"),
            col(Indicator.name).label("indicator"),
            col(Indicator.unit),
            ranked.c.geo_code,
            col(Geography.name).label("country"),
            ranked.c.year,
            ranked.c.value,
            ranked.c.is_demo,
            ranked.c.source,
            ranked.c.updated_at,
            ranked.c.id.label("entry_id"),
        )
        .join(Indicator, col(Indicator.id) == ranked.c.indicator_id)
        .join(Geography, col(Geography.code) == ranked.c.geo_code)
        .where(ranked.c.rank == 1, ranked.c.year == ranked.c.latest_year)
        .order_by(col(Indicator.code), col(Geography.name)),
    )
    result["updated_at"] = pd.to_datetime(result["updated_at"], utc=True, format="mixed")
    return result


def regional_country_table(session: Session, *, regional_initiative_id: int) -> pd.DataFrame:
    """country, code, then one column per linked indicator named "name (unit, year)": the
    values of every country of the region in each indicator's latest year (blank where a
    country reported nothing that year)."""
    members = regional_countries(session, regional_initiative_id=regional_initiative_id)
    table = members[["name", "code"]].rename(columns={"name": "country"})
    values = regional_country_values(session, regional_initiative_id=regional_initiative_id)
    if values.empty:
        return table
    values = values.assign(
        column=values["indicator"]
        + " ("
        + values["unit"].map(unit_label)
        + ", "
        + values["year"].astype(str)
        + ")"
    )
    order = list(dict.fromkeys(values.sort_values("indicator_code")["column"]))
    wide = values.pivot(index="geo_code", columns="column", values="value")[order]
    return table.merge(wide, left_on="code", right_index=True, how="left").reset_index(drop=True)


def regional_sources(session: Session, *, regional_initiative_id: int) -> dict[str, object]:
    """sources (sorted list), is_demo, as_of: where the published values of the indicators
    linked to the regional initiative, for its region and the region's countries, come
    from, and when they were last updated."""
    region = sa.select(col(RegionalInitiative.region_code)).where(
        col(RegionalInitiative.id) == regional_initiative_id
    )
    places = sa.union(
        sa.select(col(Geography.code)).where(col(Geography.region_code).in_(region)),
        region,
    )
    linked = sa.select(col(IndicatorRegionalInitiative.indicator_id)).where(
        col(IndicatorRegionalInitiative.regional_initiative_id) == regional_initiative_id
    )
    found = frame(
        session,
        sa.select(
            col(ProgressEntry.source),
            sa.func.max(col(ProgressEntry.updated_at)).label("as_of"),
            sa.func.count().filter(col(ProgressEntry.is_demo)).label("demo"),
        )
        .where(
            published,
            col(ProgressEntry.indicator_id).in_(linked),
            col(ProgressEntry.geo_code).in_(places),
        )
        .group_by(col(ProgressEntry.source))
        .order_by(col(ProgressEntry.source)),
    )
    as_of = pd.to_datetime(found["as_of"], utc=True, format="mixed").max() if len(found) else None
    return {
        "sources": [s for s in found["source"] if s],
        "is_demo": bool(len(found) and found["demo"].sum() > 0),
        "as_of": None if as_of is None or pd.isna(as_of) else as_of,
    }
