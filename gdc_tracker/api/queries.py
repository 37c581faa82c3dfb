"""The API's reads: what an anonymous visitor of the pages may see, and nothing else.

Observations are published indicator values (`queries.overview.published`, the rule every
page applies: a draft, submitted, rejected, superseded or withdrawn entry never leaves the
store), read a page at a time in SQL, in the order of their id (keyset paging: the next
page starts after the last id of the previous one, so a page costs the same at the start
and at the end of a million entries). No read joins the users: no author, reviewer, e-mail
or session reaches an answer.

Every function takes a Session and returns a DataFrame (or plain data) with the columns its
docstring names, also when there are no rows.
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session, col

from gdc_tracker import provenance
from gdc_tracker.api.codes import breakdown_codes
from gdc_tracker.entries import DISAGGREGATION_DIMENSIONS
from gdc_tracker.models import (
    TOTAL,
    Basis,
    DataSource,
    FactBasis,
    FrameworkItem,
    Geography,
    Indicator,
    IndicatorObjective,
    Initiative,
    InitiativeCountry,
    InitiativeFrameworkLink,
    InitiativeLink,
    InitiativeObjective,
    InitiativePartner,
    InitiativeRegionalInitiative,
    ProgressEntry,
    RegionalInitiative,
)
from gdc_tracker.queries.overview import frame, objectives, published
from gdc_tracker.reference import BASIS_FACTS, OPTIONAL_BASIS_FACTS
from gdc_tracker.views import DEMO, REAL

__all__ = [
    "DISAGGREGATIONS",
    "OBSERVATION_COLUMNS",
    "ObservationFilters",
    "all_observations",
    "data_sources",
    "geographies",
    "indicators",
    "initiatives",
    "objectives",
    "observations",
    "unknown_codes",
]

DISAGGREGATIONS = (TOTAL,) + tuple(
    f"{dimension}:{category}"
    for dimension, categories in DISAGGREGATION_DIMENSIONS.items()
    for category in categories
)
OBSERVATION_COLUMNS = [
    "id",
    "indicator_code",
    "geo_code",
    "period",
    "year",
    "value",
    "unit",
    "disaggregation",
    "sex",
    "age",
    "urbanisation",
    "obs_status",
    "source",
    "data_source_key",
    "data_source_organisation",
    "data_source_dataset",
    "data_source_release",
    "data_source_licence",
    "data_source_url",
    "is_demo",
    "real_or_demo",
    "updated_at",
]
_DATA_SOURCE_FIELDS = ("key", "organisation", "dataset", "release", "licence", "url")


@dataclass(frozen=True)
class ObservationFilters:
    """Which observations to read; an empty tuple or None: no restriction."""

    indicators: tuple[str, ...] = ()
    geographies: tuple[str, ...] = ()
    periods: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    disaggregations: tuple[str, ...] = ()
    # Only each series' newest value in a year up to this one: what a map or a comparison
    # "for 2023" shows, where a country without a 2023 value shows its latest older one.
    latest_up_to: int | None = None
    # Exactly these observations (a page's table of values picked by its own rule, such as
    # each indicator's latest year); not offered as an API parameter.
    ids: tuple[int, ...] = ()

    def conditions(self) -> list[sa.ColumnElement[bool]]:
        entry = ProgressEntry
        chosen: list[sa.ColumnElement[bool]] = [
            published,
            col(entry.indicator_id).is_not(None),
            col(entry.value).is_not(None),
        ]
        if self.indicators:
            chosen.append(col(Indicator.code).in_(self.indicators))
        if self.geographies:
            chosen.append(col(entry.geo_code).in_(self.geographies))
        if self.periods:
            chosen.append(col(entry.period).in_(self.periods))
        if self.year_from is not None:
            chosen.append(col(entry.year) >= self.year_from)
        if self.year_to is not None:
            chosen.append(col(entry.year) <= self.year_to)
        if self.disaggregations:
            chosen.append(col(entry.disaggregation).in_(self.disaggregations))
        if self.ids:
            chosen.append(col(entry.id).in_(self.ids))
        if self.latest_up_to is not None:
            chosen.append(col(entry.year) <= self.latest_up_to)
            chosen.append(col(entry.id).in_(newest_of_each_series(chosen)))
        return chosen


def newest_of_each_series(conditions: list[sa.ColumnElement[bool]]) -> sa.Select:
    """The id of the newest observation (latest year, then latest period, then last
    entered) of each indicator, geography and disaggregation meeting `conditions`."""
    entry = ProgressEntry
    ranked = (
        sa.select(
            col(entry.id),
            sa.func.row_number()
            .over(
                partition_by=(
                    col(entry.indicator_id),
                    col(entry.geo_code),
                    col(entry.disaggregation),
                ),
                order_by=(
                    col(entry.year).desc(),
                    col(entry.period_end).desc(),
                    col(entry.id).desc(),
                ),
            )
            .label("newest"),
        )
        .join(Indicator, col(Indicator.id) == entry.indicator_id)
        .where(*conditions)
        .subquery()
    )
    return sa.select(ranked.c.id).where(ranked.c.newest == 1)


ALL = ObservationFilters()


def unknown_codes(
    session: Session, *, indicators: tuple[str, ...], geographies: tuple[str, ...]
) -> tuple[list[str], list[str]]:
    """The indicator and geography codes asked for that the store does not know."""
    known_indicators = set(
        session.execute(
            sa.select(col(Indicator.code)).where(col(Indicator.code).in_(indicators))
        ).scalars()
    )
    known_geographies = set(
        session.execute(
            sa.select(col(Geography.code)).where(col(Geography.code).in_(geographies))
        ).scalars()
    )
    return (
        [code for code in indicators if code not in known_indicators],
        [code for code in geographies if code not in known_geographies],
    )


# --- observations ----------------------------------------------------------------------------


def _observation_select(filters: ObservationFilters) -> sa.Select:
    entry = ProgressEntry
    return (
        sa.select(
            col(entry.id),
            col(Indicator.code).label("indicator_code"),
            col(entry.geo_code),
            col(entry.period),
            col(entry.year),
            col(entry.value),
            col(Indicator.unit),
            col(entry.disaggregation),
            col(entry.obs_status),
            col(entry.source).label("typed_source"),
            *(getattr(DataSource, f).label(f"data_source_{f}") for f in _DATA_SOURCE_FIELDS),
            col(entry.is_demo),
            col(entry.updated_at),
        )
        .join(Indicator, col(Indicator.id) == entry.indicator_id)
        .join(DataSource, col(DataSource.id) == entry.data_source_id, isouter=True)
        .where(*filters.conditions())
        .order_by(col(entry.id))
    )


def observations(
    session: Session, filters: ObservationFilters = ALL, *, limit: int, after: int = 0
) -> pd.DataFrame:
    """OBSERVATION_COLUMNS: at most `limit` published observations whose id is above
    `after`, by id. `source` is the value's source in words (its dataset, the source typed
    with it, "source not stated", or the demo notice); sex, age and urbanisation are the
    SDMX codes of its disaggregation; obs_status the publisher's code (None: not stated)."""
    statement = _observation_select(filters).where(col(ProgressEntry.id) > after).limit(limit)
    return _described(frame(session, statement))


def all_observations(
    session: Session, filters: ObservationFilters = ALL, *, batch: int = 5_000
) -> Iterator[pd.DataFrame]:
    """Every matching observation, `batch` rows at a time (one keyset read each)."""
    after = 0
    while True:
        page = observations(session, filters, limit=batch, after=after)
        if page.empty:
            return
        yield page
        if len(page) < batch:
            return
        after = int(page["id"].iloc[-1])


def _described(rows: pd.DataFrame) -> pd.DataFrame:
    """Raw rows with their provenance in words and their breakdown in SDMX codes."""
    rows["is_demo"] = rows["is_demo"].astype(bool)
    demo = rows["is_demo"]
    rows["source"] = [
        provenance.source_label(
            organisation=row["data_source_organisation"],
            dataset=row["data_source_dataset"],
            release=row["data_source_release"],
            licence=row["data_source_licence"],
            typed=row["typed_source"],
            is_demo=bool(row["is_demo"]),
        )
        for row in rows.to_dict("records")
    ]
    for field in _DATA_SOURCE_FIELDS:  # a demo value is never lent a source
        column = f"data_source_{field}"
        rows[column] = rows[column].astype(object).where(~demo, None)
    rows["real_or_demo"] = demo.map({True: DEMO, False: REAL}).astype(object)
    codes = pd.DataFrame(
        [breakdown_codes(d) for d in rows["disaggregation"]],
        columns=["SEX", "AGE", "URBANISATION"],
        index=rows.index,
    )
    rows["sex"], rows["age"], rows["urbanisation"] = (
        codes["SEX"],
        codes["AGE"],
        codes["URBANISATION"],
    )
    rows["updated_at"] = pd.to_datetime(rows["updated_at"], utc=True, format="mixed")
    rows["value"] = rows["value"].astype(float)
    return rows[OBSERVATION_COLUMNS]


# --- reference -------------------------------------------------------------------------------


def geographies(session: Session) -> pd.DataFrame:
    """code, kind, name, iso2, region_code, status: the world, the ITU regions, countries."""
    return frame(
        session,
        sa.select(
            col(Geography.code),
            col(Geography.kind),
            col(Geography.name),
            col(Geography.iso2),
            col(Geography.region_code),
            col(Geography.status),
        ).order_by(col(Geography.kind).desc(), col(Geography.code)),
    )


def data_sources(session: Session) -> pd.DataFrame:
    """key, organisation, dataset, release, licence, url, accessed: the datasets at least
    one published observation comes from (a source only drafts use is not shown)."""
    used = sa.select(col(ProgressEntry.data_source_id)).where(
        published,
        col(ProgressEntry.is_demo).is_(False),
    )
    return frame(
        session,
        sa.select(*(getattr(DataSource, f) for f in _DATA_SOURCE_FIELDS), col(DataSource.accessed))
        .where(col(DataSource.id).in_(used))
        .order_by(col(DataSource.key)),
    )


INDICATOR_FIELDS = (
    "code",
    "name",
    "unit",
    "direction",
    "kind",
    "definition",
    "source",
    "baseline_value",
    "baseline_year",
    "target_value",
    "target_year",
    "target_low",
    "target_high",
    "disaggregations",
    "is_active",
)


def indicators(session: Session) -> list[dict[str, Any]]:
    """Each indicator (INDICATOR_FIELDS, disaggregations as a list of dimensions) with
    `objectives`, the numbers of the GDC objectives it measures, by code."""
    measured: dict[int, list[int]] = defaultdict(list)
    for indicator_id, number in session.execute(
        sa.select(
            col(IndicatorObjective.indicator_id), col(IndicatorObjective.objective_number)
        ).order_by(col(IndicatorObjective.objective_number))
    ):
        measured[indicator_id].append(int(number))
    rows = session.execute(
        sa.select(col(Indicator.id), *(getattr(Indicator, f) for f in INDICATOR_FIELDS)).order_by(
            col(Indicator.code)
        )
    ).mappings()
    return [
        {
            **{f: row[f] for f in INDICATOR_FIELDS},
            "disaggregations": list(row["disaggregations"] or []),
            "is_active": bool(row["is_active"]),
            "objectives": measured.get(row["id"], []),
        }
        for row in rows
    ]


# --- initiatives -----------------------------------------------------------------------------

INITIATIVE_FIELDS = (
    "slug",
    "name",
    "summary",
    "lead_sector",
    "status",
    "start_date",
    "end_date",
    "source",
    "focal_point",
    "note",
)


def _grouped(session: Session, statement: sa.Select) -> dict[int, list[dict[str, Any]]]:
    """The rows of `statement` (its first column an initiative id) by initiative."""
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in session.execute(statement).mappings():
        values = dict(row)
        grouped[values.pop("initiative_id")].append(values)
    return grouped


def _facts(stated: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each fact's basis; a fact that must state one and states none is "not stated"."""
    basis = {row.pop("fact"): row for row in stated}
    for fact in BASIS_FACTS + OPTIONAL_BASIS_FACTS:
        basis.setdefault(
            fact, {"basis": str(Basis.NOT_STATED), "section": None, "url": None, "note": None}
        )
    return basis


def initiatives(session: Session) -> list[dict[str, Any]]:
    """Each initiative (INITIATIVE_FIELDS) by name, with its objectives (number,
    is_primary), links (label, url), framework_links (framework, code, title, basis,
    section, url, note), partners, countries, regional_initiatives and `basis`: per fact,
    where it comes from (basis, section, url, note)."""
    objectives_of = _grouped(
        session,
        sa.select(
            col(InitiativeObjective.initiative_id),
            col(InitiativeObjective.objective_number).label("number"),
            col(InitiativeObjective.is_primary),
        ).order_by(col(InitiativeObjective.objective_number)),
    )
    links_of = _grouped(
        session,
        sa.select(
            col(InitiativeLink.initiative_id), col(InitiativeLink.label), col(InitiativeLink.url)
        ).order_by(col(InitiativeLink.id)),
    )
    framework_of = _grouped(
        session,
        sa.select(
            col(InitiativeFrameworkLink.initiative_id),
            col(FrameworkItem.framework),
            col(FrameworkItem.code),
            col(FrameworkItem.title),
            col(InitiativeFrameworkLink.basis),
            col(InitiativeFrameworkLink.section),
            col(InitiativeFrameworkLink.url),
            col(InitiativeFrameworkLink.note),
        )
        .join(FrameworkItem, col(FrameworkItem.id) == InitiativeFrameworkLink.item_id)
        .order_by(
            col(FrameworkItem.framework), col(FrameworkItem.position), col(FrameworkItem.code)
        ),
    )
    basis_of = _grouped(
        session,
        sa.select(
            col(FactBasis.initiative_id),
            col(FactBasis.fact),
            col(FactBasis.basis),
            col(FactBasis.section),
            col(FactBasis.url),
            col(FactBasis.note),
        ).order_by(col(FactBasis.id)),
    )
    partners_of = _grouped(
        session,
        sa.select(col(InitiativePartner.initiative_id), col(InitiativePartner.partner)).order_by(
            col(InitiativePartner.partner)
        ),
    )
    countries_of = _grouped(
        session,
        sa.select(col(InitiativeCountry.initiative_id), col(InitiativeCountry.geo_code)).order_by(
            col(InitiativeCountry.geo_code)
        ),
    )
    regional_of = _grouped(
        session,
        sa.select(
            col(InitiativeRegionalInitiative.initiative_id),
            col(RegionalInitiative.code),
            col(RegionalInitiative.cycle),
        )
        .join(
            RegionalInitiative,
            col(RegionalInitiative.id) == InitiativeRegionalInitiative.regional_initiative_id,
        )
        .order_by(col(RegionalInitiative.cycle), col(RegionalInitiative.code)),
    )
    rows = session.execute(
        sa.select(
            col(Initiative.id), *(getattr(Initiative, f) for f in INITIATIVE_FIELDS)
        ).order_by(col(Initiative.name), col(Initiative.slug))
    ).mappings()
    return [
        {
            **{f: row[f] for f in INITIATIVE_FIELDS},
            "objectives": [
                {"number": o["number"], "is_primary": bool(o["is_primary"])}
                for o in objectives_of[row["id"]]
            ],
            "links": links_of[row["id"]],
            "framework_links": framework_of[row["id"]],
            "partners": [p["partner"] for p in partners_of[row["id"]]],
            "countries": [c["geo_code"] for c in countries_of[row["id"]]],
            "regional_initiatives": [f"{r['code']}/{r['cycle']}" for r in regional_of[row["id"]]],
            "basis": _facts(basis_of[row["id"]]),
        }
        for row in rows
    ]
