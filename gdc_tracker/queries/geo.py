"""Reads for the Map and Regional initiatives pages: values by country, initiative locations,
the countries and indicators of a regional initiative.

Every function takes a Session first and plain keyword arguments and returns a DataFrame
with the columns its docstring names, also when there are no rows. Only published
entries are read, and only the undivided ("total") value of a series.
"""

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

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

is_country = Geography.kind == GeographyKind.COUNTRY
country_codes = sa.select(Geography.code).where(is_country)


def _country_series_filter() -> tuple[sa.ColumnElement[bool], ...]:
    """Published, undivided values of an indicator observed in a country."""
    return (
        published,
        ProgressEntry.indicator_id.is_not(None),  # type: ignore[union-attr]
        ProgressEntry.value.is_not(None),  # type: ignore[union-attr]
        ProgressEntry.disaggregation == TOTAL,
        ProgressEntry.geo_code.in_(country_codes),  # type: ignore[attr-defined]
    )


def countries(session: Session) -> pd.DataFrame:
    """code, name, region_code, latitude, longitude: every country of the store."""
    return frame(
        session,
        sa.select(
            Geography.code,
            Geography.name,
            Geography.region_code,
            Geography.latitude,
            Geography.longitude,
        )
        .where(is_country)
        .order_by(Geography.name),
    )


def map_indicators(session: Session) -> pd.DataFrame:
    """The indicators that have published values for countries, with their reference fields
    (id, code, name, unit, direction, kind, source, baseline_*, target_*).

    One EXISTS per indicator, which the (indicator_id, review_state, ...) index answers with
    a seek: the span of years is read for the chosen indicator only (`indicator_years`).
    """
    reported = session.execute(
        sa.select(Indicator.id).where(
            sa.exists().where(ProgressEntry.indicator_id == Indicator.id, *_country_series_filter())
        )
    ).scalars()
    reference = indicators(session)
    return reference[reference["id"].isin(set(reported))].reset_index(drop=True)


def indicator_years(session: Session, *, indicator_code: str) -> pd.DataFrame:
    """year, countries: how many countries have a published value of the indicator each year."""
    return frame(
        session,
        sa.select(
            ProgressEntry.year,
            sa.func.count(sa.distinct(ProgressEntry.geo_code)).label("countries"),
        )
        .join(Indicator, Indicator.id == ProgressEntry.indicator_id)
        .where(Indicator.code == indicator_code, *_country_series_filter())
        .group_by(ProgressEntry.year)
        .order_by(ProgressEntry.year),
    )


def _country_series(session: Session, indicator_id: int, up_to_year: int) -> pd.DataFrame:
    """geo_code, year, value, is_demo, source, updated_at and the data source's columns
    (source_organisation, _dataset, _release, _licence): one value per country and year (the
    latest period of the year), up to `up_to_year`."""
    ranked = (
        sa.select(
            ProgressEntry.geo_code,
            ProgressEntry.year,
            ProgressEntry.value,
            ProgressEntry.is_demo,
            ProgressEntry.source,
            ProgressEntry.updated_at,
            *source_columns(),
            sa.func.row_number()
            .over(
                partition_by=(ProgressEntry.geo_code, ProgressEntry.year),
                order_by=(ProgressEntry.period_end.desc(), ProgressEntry.id.desc()),
            )
            .label("rank"),
        )
        .join(DataSource, DataSource.id == ProgressEntry.data_source_id, isouter=True)
        .where(
            ProgressEntry.indicator_id == indicator_id,
            ProgressEntry.year <= up_to_year,
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


def _float(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type]


def _int(value: object) -> int | None:
    return None if value is None or pd.isna(value) else int(value)  # type: ignore[call-overload]


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
    statement = (
        sa.select(
            Geography.code.label("geo_code"),
            Geography.name,
            Geography.latitude,
            Geography.longitude,
            sa.func.count(sa.distinct(Initiative.id)).label("initiatives"),
            sa.func.aggregate_strings(Initiative.name, NAME_SEPARATOR).label("initiative_names"),
        )
        .select_from(InitiativeCountry)
        .join(Initiative, Initiative.id == InitiativeCountry.initiative_id)
        .join(Geography, Geography.code == InitiativeCountry.geo_code)
        .where(is_country)
        .group_by(Geography.code, Geography.name, Geography.latitude, Geography.longitude)
        .order_by(Geography.name)
    )
    if regional_initiative_id is not None:
        statement = statement.join(
            InitiativeRegionalInitiative,
            InitiativeRegionalInitiative.initiative_id == Initiative.id,
        ).where(InitiativeRegionalInitiative.regional_initiative_id == regional_initiative_id)
    result = frame(session, statement)
    result["initiative_names"] = result["initiative_names"].map(_sorted_names)
    return result


def initiatives_without_location(session: Session) -> int:
    """How many initiatives name no country (they act globally): they have no place on a map."""
    located = sa.select(InitiativeCountry.initiative_id)
    return int(
        session.execute(
            sa.select(sa.func.count()).select_from(Initiative).where(Initiative.id.not_in(located))  # type: ignore[union-attr]
        ).scalar_one()
    )


def regional_initiative_initiatives(
    session: Session, *, regional_initiative_id: int
) -> pd.DataFrame:
    """id, name, status, lead_sector, start_date, end_date, countries ("A; B"): the
    initiatives under one regional initiative, with the countries where they act."""
    places = (
        sa.select(
            InitiativeCountry.initiative_id.label("initiative_id"),
            sa.func.aggregate_strings(Geography.name, NAME_SEPARATOR).label("countries"),
        )
        .join(Geography, Geography.code == InitiativeCountry.geo_code)
        .group_by(InitiativeCountry.initiative_id)
        .subquery()
    )
    result = frame(
        session,
        sa.select(
            Initiative.id,
            Initiative.name,
            Initiative.status,
            Initiative.lead_sector,
            Initiative.start_date,
            Initiative.end_date,
            places.c.countries,
        )
        .join(
            InitiativeRegionalInitiative,
            InitiativeRegionalInitiative.initiative_id == Initiative.id,
        )
        .join(places, places.c.initiative_id == Initiative.id, isouter=True)
        .where(InitiativeRegionalInitiative.regional_initiative_id == regional_initiative_id)
        .order_by(Initiative.name),
    )
    result["countries"] = result["countries"].map(_sorted_names)
    return result


def regional_countries(session: Session, *, regional_initiative_id: int) -> pd.DataFrame:
    """code, name, latitude, longitude, initiatives, initiative_names: the countries of the
    regional initiative's ITU region, with how many of its initiatives act in each."""
    region = sa.select(RegionalInitiative.region_code).where(
        RegionalInitiative.id == regional_initiative_id
    )
    members = frame(
        session,
        sa.select(
            Geography.code,
            Geography.name,
            Geography.latitude,
            Geography.longitude,
        )
        .where(is_country, Geography.region_code.in_(region))  # type: ignore[union-attr]
        .order_by(Geography.name),
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
    region = sa.select(RegionalInitiative.region_code).where(
        RegionalInitiative.id == regional_initiative_id
    )
    members = sa.select(Geography.code).where(
        is_country,
        Geography.region_code.in_(region),  # type: ignore[union-attr]
    )
    linked = sa.select(IndicatorRegionalInitiative.indicator_id).where(
        IndicatorRegionalInitiative.regional_initiative_id == regional_initiative_id
    )
    ranked = (
        sa.select(
            ProgressEntry.id,
            ProgressEntry.indicator_id,
            ProgressEntry.geo_code,
            ProgressEntry.year,
            ProgressEntry.value,
            ProgressEntry.is_demo,
            ProgressEntry.source,
            ProgressEntry.updated_at,
            sa.func.row_number()
            .over(
                partition_by=(
                    ProgressEntry.indicator_id,
                    ProgressEntry.geo_code,
                    ProgressEntry.year,
                ),
                order_by=(ProgressEntry.period_end.desc(), ProgressEntry.id.desc()),
            )
            .label("rank"),
            sa.func.max(ProgressEntry.year)
            .over(partition_by=ProgressEntry.indicator_id)
            .label("latest_year"),
        )
        .where(
            *_country_series_filter(),
            ProgressEntry.indicator_id.in_(linked),  # type: ignore[union-attr]
            ProgressEntry.geo_code.in_(members),  # type: ignore[attr-defined]
        )
        .subquery()
    )
    result = frame(
        session,
        sa.select(
            Indicator.code.label("indicator_code"),
            Indicator.name.label("indicator"),
            Indicator.unit,
            ranked.c.geo_code,
            Geography.name.label("country"),
            ranked.c.year,
            ranked.c.value,
            ranked.c.is_demo,
            ranked.c.source,
            ranked.c.updated_at,
            ranked.c.id.label("entry_id"),
        )
        .join(Indicator, Indicator.id == ranked.c.indicator_id)
        .join(Geography, Geography.code == ranked.c.geo_code)
        .where(ranked.c.rank == 1, ranked.c.year == ranked.c.latest_year)
        .order_by(Indicator.code, Geography.name),
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
    region = sa.select(RegionalInitiative.region_code).where(
        RegionalInitiative.id == regional_initiative_id
    )
    places = sa.union(
        sa.select(Geography.code).where(Geography.region_code.in_(region)),  # type: ignore[union-attr]
        region,
    )
    linked = sa.select(IndicatorRegionalInitiative.indicator_id).where(
        IndicatorRegionalInitiative.regional_initiative_id == regional_initiative_id
    )
    found = frame(
        session,
        sa.select(
            ProgressEntry.source,
            sa.func.max(ProgressEntry.updated_at).label("as_of"),
            sa.func.count().filter(ProgressEntry.is_demo).label("demo"),
        )
        .where(
            published,
            ProgressEntry.indicator_id.in_(linked),  # type: ignore[union-attr]
            ProgressEntry.geo_code.in_(places),  # type: ignore[attr-defined]
        )
        .group_by(ProgressEntry.source)
        .order_by(ProgressEntry.source),
    )
    as_of = pd.to_datetime(found["as_of"], utc=True, format="mixed").max() if len(found) else None
    return {
        "sources": [s for s in found["source"] if s],
        "is_demo": bool(len(found) and found["demo"].sum() > 0),
        "as_of": None if as_of is None or pd.isna(as_of) else as_of,
    }
