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
from sqlmodel import Session

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
            entry.indicator_id.is_not(None),  # type: ignore[union-attr]
            entry.value.is_not(None),  # type: ignore[union-attr]
        ]
        if self.indicators:
            chosen.append(Indicator.code.in_(self.indicators))  # type: ignore[attr-defined]
        if self.geographies:
            chosen.append(entry.geo_code.in_(self.geographies))  # type: ignore[attr-defined]
        if self.periods:
            chosen.append(entry.period.in_(self.periods))  # type: ignore[attr-defined]
        if self.year_from is not None:
            chosen.append(entry.year >= self.year_from)
        if self.year_to is not None:
            chosen.append(entry.year <= self.year_to)
        if self.disaggregations:
            chosen.append(entry.disaggregation.in_(self.disaggregations))  # type: ignore[attr-defined]
        if self.ids:
            chosen.append(entry.id.in_(self.ids))  # type: ignore[union-attr]
        if self.latest_up_to is not None:
            chosen.append(entry.year <= self.latest_up_to)
            chosen.append(entry.id.in_(newest_of_each_series(chosen)))  # type: ignore[union-attr]
        return chosen


def newest_of_each_series(conditions: list[sa.ColumnElement[bool]]) -> sa.Select:
    """The id of the newest observation (latest year, then latest period, then last
    entered) of each indicator, geography and disaggregation meeting `conditions`."""
    entry = ProgressEntry
    ranked = (
        sa.select(
            entry.id,
            sa.func.row_number()
            .over(
                partition_by=(entry.indicator_id, entry.geo_code, entry.disaggregation),
                order_by=(entry.year.desc(), entry.period_end.desc(), entry.id.desc()),
            )
            .label("newest"),
        )
        .join(Indicator, Indicator.id == entry.indicator_id)
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
            sa.select(Indicator.code).where(Indicator.code.in_(indicators))  # type: ignore[attr-defined]
        ).scalars()
    )
    known_geographies = set(
        session.execute(
            sa.select(Geography.code).where(Geography.code.in_(geographies))  # type: ignore[attr-defined]
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
            entry.id,
            Indicator.code.label("indicator_code"),
            entry.geo_code,
            entry.period,
            entry.year,
            entry.value,
            Indicator.unit,
            entry.disaggregation,
            entry.obs_status,
            entry.source.label("typed_source"),
            *(getattr(DataSource, f).label(f"data_source_{f}") for f in _DATA_SOURCE_FIELDS),
            entry.is_demo,
            entry.updated_at,
        )
        .join(Indicator, Indicator.id == entry.indicator_id)
        .join(DataSource, DataSource.id == entry.data_source_id, isouter=True)
        .where(*filters.conditions())
        .order_by(entry.id)
    )


def observations(
    session: Session, filters: ObservationFilters = ALL, *, limit: int, after: int = 0
) -> pd.DataFrame:
    """OBSERVATION_COLUMNS: at most `limit` published observations whose id is above
    `after`, by id. `source` is the value's source in words (its dataset, the source typed
    with it, "source not stated", or the demo notice); sex, age and urbanisation are the
    SDMX codes of its disaggregation; obs_status the publisher's code (None: not stated)."""
    statement = _observation_select(filters).where(ProgressEntry.id > after).limit(limit)
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
            Geography.code,
            Geography.kind,
            Geography.name,
            Geography.iso2,
            Geography.region_code,
            Geography.status,
        ).order_by(Geography.kind.desc(), Geography.code),  # type: ignore[attr-defined]
    )


def data_sources(session: Session) -> pd.DataFrame:
    """key, organisation, dataset, release, licence, url, accessed: the datasets at least
    one published observation comes from (a source only drafts use is not shown)."""
    used = sa.select(ProgressEntry.data_source_id).where(
        published,
        ProgressEntry.is_demo.is_(False),  # type: ignore[attr-defined]
    )
    return frame(
        session,
        sa.select(*(getattr(DataSource, f) for f in _DATA_SOURCE_FIELDS), DataSource.accessed)
        .where(DataSource.id.in_(used))  # type: ignore[union-attr]
        .order_by(DataSource.key),
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
        sa.select(IndicatorObjective.indicator_id, IndicatorObjective.objective_number).order_by(
            IndicatorObjective.objective_number
        )
    ):
        measured[indicator_id].append(int(number))
    rows = session.execute(
        sa.select(Indicator.id, *(getattr(Indicator, f) for f in INDICATOR_FIELDS)).order_by(
            Indicator.code
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
            InitiativeObjective.initiative_id,
            InitiativeObjective.objective_number.label("number"),
            InitiativeObjective.is_primary,
        ).order_by(InitiativeObjective.objective_number),
    )
    links_of = _grouped(
        session,
        sa.select(InitiativeLink.initiative_id, InitiativeLink.label, InitiativeLink.url).order_by(
            InitiativeLink.id
        ),
    )
    framework_of = _grouped(
        session,
        sa.select(
            InitiativeFrameworkLink.initiative_id,
            FrameworkItem.framework,
            FrameworkItem.code,
            FrameworkItem.title,
            InitiativeFrameworkLink.basis,
            InitiativeFrameworkLink.section,
            InitiativeFrameworkLink.url,
            InitiativeFrameworkLink.note,
        )
        .join(FrameworkItem, FrameworkItem.id == InitiativeFrameworkLink.item_id)
        .order_by(FrameworkItem.framework, FrameworkItem.position, FrameworkItem.code),
    )
    basis_of = _grouped(
        session,
        sa.select(
            FactBasis.initiative_id,
            FactBasis.fact,
            FactBasis.basis,
            FactBasis.section,
            FactBasis.url,
            FactBasis.note,
        ).order_by(FactBasis.id),
    )
    partners_of = _grouped(
        session,
        sa.select(InitiativePartner.initiative_id, InitiativePartner.partner).order_by(
            InitiativePartner.partner
        ),
    )
    countries_of = _grouped(
        session,
        sa.select(InitiativeCountry.initiative_id, InitiativeCountry.geo_code).order_by(
            InitiativeCountry.geo_code
        ),
    )
    regional_of = _grouped(
        session,
        sa.select(
            InitiativeRegionalInitiative.initiative_id,
            RegionalInitiative.code,
            RegionalInitiative.cycle,
        )
        .join(
            RegionalInitiative,
            RegionalInitiative.id == InitiativeRegionalInitiative.regional_initiative_id,
        )
        .order_by(RegionalInitiative.cycle, RegionalInitiative.code),
    )
    rows = session.execute(
        sa.select(Initiative.id, *(getattr(Initiative, f) for f in INITIATIVE_FIELDS)).order_by(
            Initiative.name, Initiative.slug
        )
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
