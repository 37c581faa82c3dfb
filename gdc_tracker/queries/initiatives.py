"""The Initiatives page's reads: the filtered table, one initiative in detail, the links
behind the implementation map, and the milestones of the timeline.

Every filter is applied in SQL by `conditions(filters)`, the same for every read here, so
the table, the map and the timeline always show the same initiatives. Within one filter
the values are alternatives (objective 1 OR 3); across filters they all apply (objective
1 AND status ongoing). Lists inside a row (objectives, partners...) are aggregated in SQL
and only put in a stable order in Python.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session, col

from gdc_tracker.models import (
    WORLD_CODE,
    FactBasis,
    Geography,
    GeographyKind,
    Indicator,
    IndicatorObjective,
    Initiative,
    InitiativeCountry,
    InitiativeLink,
    InitiativeObjective,
    InitiativePartner,
    InitiativeRegionalInitiative,
    InitiativeStatus,
    LeadSector,
    Milestone,
    Objective,
    ProgressEntry,
    RegionalInitiative,
)
from gdc_tracker.queries.overview import assess_indicators, frame, published, yearly_values
from gdc_tracker.status import Thresholds

__all__ = [
    "FILTER_PARAMS",
    "TABLE_COLUMNS",
    "InitiativeFilters",
    "conditions",
    "filter_choices",
    "filter_options",
    "initiative_detail",
    "initiative_facts",
    "initiatives_table",
    "milestones",
    "objective_links",
    "options_by_param",
    "regional_links",
]

FILTER_PARAMS = ("objective", "region", "regional", "status", "lead", "partner", "country")
"""The multi-valued filters, by their URL parameter (the search is `q`)."""

TABLE_COLUMNS = [
    "slug",
    "name",
    "lead_sector",
    "status",
    "primary_objective",
    "objectives",
    "regional_initiatives",
    "partners",
    "countries",
    "start_date",
    "end_date",
    "last_update",
]
_SEPARATOR = "\x1f"  # joins list items in SQL; no name contains it


@dataclass(frozen=True)
class InitiativeFilters:
    """What the reader filtered on. Hashable, so it can key the cache.

    `regional` holds keys "CODE/CYCLE" ("AMS2/2023-2025"); `q` is plain text, matched
    case-insensitively anywhere in the name, summary or a partner (% and _ are literal).
    """

    q: str = ""
    objective: tuple[int, ...] = ()
    region: tuple[str, ...] = ()
    regional: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    lead: tuple[str, ...] = ()
    partner: tuple[str, ...] = ()
    country: tuple[str, ...] = ()

    @classmethod
    def build(cls, q: str = "", **chosen: Iterable[str]) -> "InitiativeFilters":
        """From URL-style strings: objective numbers that are not numbers are dropped."""
        values = {name: tuple(dict.fromkeys(chosen.get(name, ()))) for name in FILTER_PARAMS}
        objective = tuple(int(v) for v in values.pop("objective") if str(v).strip().isdigit())
        return cls(q=q.strip(), objective=objective, **values)

    @property
    def active(self) -> bool:
        return bool(self.q) or any(getattr(self, name) for name in FILTER_PARAMS)


NO_FILTERS = InitiativeFilters()


def _regional_pairs(keys: Iterable[str]) -> list[tuple[str, str]]:
    # A key with a slash splits once into its two parts.
    return [tuple(key.split("/", 1)) for key in keys if "/" in key]  # type: ignore[misc]  # two parts


def conditions(filters: InitiativeFilters) -> list[sa.ColumnElement[bool]]:
    """WHERE clauses on Initiative for `filters` (none when nothing is chosen).

    Each link filter is an EXISTS correlated on Initiative only, so the clauses also work
    in selects that join the same link tables (the map's objective and regional links).
    """
    found: list[sa.ColumnElement[bool]] = []
    if filters.q:
        partner_match = (
            sa.select(col(InitiativePartner.initiative_id))
            .where(
                col(InitiativePartner.initiative_id) == Initiative.id,
                col(InitiativePartner.partner).icontains(filters.q, autoescape=True),
            )
            .correlate(Initiative)
            .exists()
        )
        found.append(
            sa.or_(
                col(Initiative.name).icontains(filters.q, autoescape=True),
                col(Initiative.summary).icontains(filters.q, autoescape=True),
                partner_match,
            )
        )
    if filters.objective:
        found.append(_linked(col(InitiativeObjective.objective_number).in_(filters.objective)))
    if filters.region:
        found.append(sa.or_(_acts_in_region(filters.region), _regional_in_region(filters.region)))
    if filters.regional:
        found.append(_under_regional(_regional_pairs(filters.regional)))
    if filters.status:
        found.append(col(Initiative.status).in_(filters.status))
    if filters.lead:
        found.append(col(Initiative.lead_sector).in_(filters.lead))
    if filters.partner:
        found.append(
            sa.select(col(InitiativePartner.initiative_id))
            .where(
                col(InitiativePartner.initiative_id) == Initiative.id,
                col(InitiativePartner.partner).in_(filters.partner),
            )
            .correlate(Initiative)
            .exists()
        )
    if filters.country:
        found.append(
            sa.select(col(InitiativeCountry.initiative_id))
            .where(
                col(InitiativeCountry.initiative_id) == Initiative.id,
                col(InitiativeCountry.geo_code).in_(filters.country),
            )
            .correlate(Initiative)
            .exists()
        )
    return found


def _linked(objective_condition: sa.ColumnElement[bool]) -> sa.ColumnElement[bool]:
    return (
        sa.select(col(InitiativeObjective.initiative_id))
        .where(col(InitiativeObjective.initiative_id) == Initiative.id, objective_condition)
        .correlate(Initiative)
        .exists()
    )


def _acts_in_region(regions: tuple[str, ...]) -> sa.ColumnElement[bool]:
    return (
        sa.select(col(InitiativeCountry.initiative_id))
        .join(Geography, col(Geography.code) == InitiativeCountry.geo_code)
        .where(
            col(InitiativeCountry.initiative_id) == Initiative.id,
            col(Geography.region_code).in_(regions),
        )
        .correlate(Initiative)
        .exists()
    )


def _regional_in_region(regions: tuple[str, ...]) -> sa.ColumnElement[bool]:
    return (
        sa.select(col(InitiativeRegionalInitiative.initiative_id))
        .join(
            RegionalInitiative,
            col(RegionalInitiative.id) == InitiativeRegionalInitiative.regional_initiative_id,
        )
        .where(
            col(InitiativeRegionalInitiative.initiative_id) == Initiative.id,
            col(RegionalInitiative.region_code).in_(regions),
        )
        .correlate(Initiative)
        .exists()
    )


def _under_regional(pairs: list[tuple[str, str]]) -> sa.ColumnElement[bool]:
    if not pairs:
        return sa.false()
    return (
        sa.select(col(InitiativeRegionalInitiative.initiative_id))
        .join(
            RegionalInitiative,
            col(RegionalInitiative.id) == InitiativeRegionalInitiative.regional_initiative_id,
        )
        .where(
            col(InitiativeRegionalInitiative.initiative_id) == Initiative.id,
            sa.or_(
                *(
                    sa.and_(
                        col(RegionalInitiative.code) == code, col(RegionalInitiative.cycle) == cycle
                    )
                    for code, cycle in pairs
                )
            ),
        )
        .correlate(Initiative)
        .exists()
    )


def _regional_key() -> sa.ColumnElement[str]:
    return (col(RegionalInitiative.code) + "/" + col(RegionalInitiative.cycle)).label(
        "regional_key"
    )


def _joined(value: object, *, numeric: bool = False) -> str:
    """Sort the items of an SQL-aggregated list and join them for reading."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    items = sorted(set(str(value).split(_SEPARATOR)), key=int if numeric else str.casefold)
    return ", ".join(items)


def _utc(column: pd.Series) -> pd.Series:
    return pd.to_datetime(column, utc=True, format="mixed")  # SQLite returns text for max()


def initiatives_table(session: Session, *, filters: InitiativeFilters = NO_FILTERS) -> pd.DataFrame:
    """One row per initiative matching `filters`, by name: TABLE_COLUMNS.

    objectives ("1, 3"), regional_initiatives and partners are readable lists;
    primary_objective may be missing (nullable integer); countries counts the countries
    it acts in; last_update is its newest published narrative update (UTC) or NaT.
    """
    objectives = (
        sa.select(
            col(InitiativeObjective.initiative_id).label("iid"),
            sa.func.aggregate_strings(
                sa.cast(col(InitiativeObjective.objective_number), sa.String), _SEPARATOR
            ).label("objectives"),
            sa.func.max(
                sa.case(
                    (col(InitiativeObjective.is_primary), col(InitiativeObjective.objective_number))
                )
            ).label("primary_objective"),
        )
        .group_by(col(InitiativeObjective.initiative_id))
        .subquery()
    )
    regional = (
        sa.select(
            col(InitiativeRegionalInitiative.initiative_id).label("iid"),
            sa.func.aggregate_strings(_regional_key(), _SEPARATOR).label("regional"),
        )
        .join(
            RegionalInitiative,
            col(RegionalInitiative.id) == InitiativeRegionalInitiative.regional_initiative_id,
        )
        .group_by(col(InitiativeRegionalInitiative.initiative_id))
        .subquery()
    )
    partners = (
        sa.select(
            col(InitiativePartner.initiative_id).label("iid"),
            sa.func.aggregate_strings(col(InitiativePartner.partner), _SEPARATOR).label("partners"),
        )
        .group_by(col(InitiativePartner.initiative_id))
        .subquery()
    )
    countries = (
        sa.select(col(InitiativeCountry.initiative_id).label("iid"), sa.func.count().label("n"))
        .group_by(col(InitiativeCountry.initiative_id))
        .subquery()
    )
    updates = (
        sa.select(
            col(ProgressEntry.initiative_id).label("iid"),
            sa.func.max(col(ProgressEntry.updated_at)).label("last_update"),
        )
        .where(published, col(ProgressEntry.initiative_id).is_not(None))
        .group_by(col(ProgressEntry.initiative_id))
        .subquery()
    )
    statement = (
        sa.select(
            col(Initiative.slug),
            col(Initiative.name),
            col(Initiative.lead_sector),
            col(Initiative.status),
            objectives.c.primary_objective,
            objectives.c.objectives,
            regional.c.regional.label("regional_initiatives"),
            partners.c.partners,
            sa.func.coalesce(countries.c.n, 0).label("countries"),
            col(Initiative.start_date),
            col(Initiative.end_date),
            updates.c.last_update,
        )
        .outerjoin(objectives, objectives.c.iid == col(Initiative.id))
        .outerjoin(regional, regional.c.iid == col(Initiative.id))
        .outerjoin(partners, partners.c.iid == col(Initiative.id))
        .outerjoin(countries, countries.c.iid == col(Initiative.id))
        .outerjoin(updates, updates.c.iid == col(Initiative.id))
        .where(*conditions(filters))
        .order_by(col(Initiative.name), col(Initiative.slug))
    )
    result = frame(session, statement)
    result["objectives"] = result["objectives"].map(lambda v: _joined(v, numeric=True))
    result["regional_initiatives"] = result["regional_initiatives"].map(_joined)
    result["partners"] = result["partners"].map(_joined)
    result["primary_objective"] = result["primary_objective"].astype("Int64")
    result["countries"] = result["countries"].astype(int)
    result["last_update"] = _utc(result["last_update"])
    return result[TABLE_COLUMNS]


def initiative_facts(session: Session) -> dict[str, Any]:
    """total (initiatives in the store), as_of (newest edit or published update, UTC),
    demo_updates (published demo narrative updates)."""
    total, edited = session.execute(
        sa.select(sa.func.count(), sa.func.max(Initiative.updated_at)).select_from(Initiative)
    ).one()
    # Grouped by initiative first, so the database walks the initiative index instead of
    # scanning every progress entry (most of them are indicator values).
    per_initiative = (
        sa.select(
            sa.func.max(col(ProgressEntry.updated_at)).label("updated_at"),
            sa.func.count().filter(col(ProgressEntry.is_demo)).label("demo"),
        )
        .where(published, col(ProgressEntry.initiative_id).is_not(None))
        .group_by(col(ProgressEntry.initiative_id))
        .subquery()
    )
    updated, demo = session.execute(
        sa.select(sa.func.max(per_initiative.c.updated_at), sa.func.sum(per_initiative.c.demo))
    ).one()
    moments = _utc(pd.Series([edited, updated])).dropna()
    return {
        "total": int(total),
        "as_of": moments.max() if len(moments) else None,
        "demo_updates": int(demo or 0),
    }


def filter_options(session: Session) -> pd.DataFrame:
    """param, value, label: every choice each filter offers, in display order.

    Partners, lead sectors and countries are those the initiatives actually have.
    """
    parts = [
        frame(
            session,
            sa.select(
                sa.literal("objective").label("param"),
                sa.cast(col(Objective.number), sa.String).label("value"),
                (
                    sa.cast(col(Objective.number), sa.String) + ". " + col(Objective.short_title)
                ).label("label"),
            ).order_by(col(Objective.number)),
        ),
        frame(
            session,
            sa.select(
                sa.literal("region").label("param"),
                col(Geography.code).label("value"),
                col(Geography.name).label("label"),
            )
            .where(col(Geography.kind) == GeographyKind.REGION)
            .order_by(col(Geography.name)),
        ),
        frame(
            session,
            sa.select(
                sa.literal("regional").label("param"),
                _regional_key().label("value"),
                (col(RegionalInitiative.code) + " (" + col(RegionalInitiative.cycle) + ")").label(
                    "label"
                ),
            ).order_by(
                col(RegionalInitiative.region_code),
                col(RegionalInitiative.cycle),
                col(RegionalInitiative.code),
            ),
        ),
        pd.DataFrame({"param": "status", "value": [str(s) for s in InitiativeStatus]}),
        _distinct(session, "lead", col(Initiative.lead_sector), extra=[str(s) for s in LeadSector]),
        _distinct(session, "partner", col(InitiativePartner.partner)),
        frame(
            session,
            sa.select(
                sa.literal("country").label("param"),
                col(Geography.code).label("value"),
                col(Geography.name).label("label"),
            )
            .where(col(Geography.code).in_(sa.select(col(InitiativeCountry.geo_code))))
            .order_by(col(Geography.name)),
        ),
    ]
    options = pd.concat(parts, ignore_index=True)
    options["label"] = options["label"].fillna(options["value"])
    return options[["param", "value", "label"]]


def _distinct(
    session: Session, param: str, column: sa.SQLColumnExpression[str], extra: Iterable[str] = ()
) -> pd.DataFrame:
    found = list(session.execute(sa.select(column).distinct()).scalars())
    values = sorted(set(found) | set(extra), key=str.casefold)
    return pd.DataFrame({"param": param, "value": values, "label": values})


def options_by_param(options: pd.DataFrame) -> dict[str, dict[str, str]]:
    """`filter_options()` as {param: {value: label}}, every filter present."""
    by_param: dict[str, dict[str, str]] = {param: {} for param in FILTER_PARAMS}
    columns = (options[c].astype(str).tolist() for c in ("param", "value", "label"))
    for param, value, label in zip(*columns, strict=True):
        by_param.setdefault(param, {})[value] = label
    return by_param


def filter_choices(session: Session) -> dict[str, dict[str, str]]:
    """`options_by_param(filter_options())`, one read for the page to cache: with thousands
    of initiatives and partners, rebuilding the dictionaries cost more than the table."""
    return options_by_param(filter_options(session))


def objective_links(session: Session, *, filters: InitiativeFilters = NO_FILTERS) -> pd.DataFrame:
    """slug, name, primary_objective, objective_number, short_title, is_primary: one row per
    link between a matching initiative and an objective, by primary objective and name."""
    primary = (
        sa.select(
            col(InitiativeObjective.initiative_id).label("iid"),
            col(InitiativeObjective.objective_number).label("primary_objective"),
        )
        .where(col(InitiativeObjective.is_primary))
        .subquery()
    )
    statement = (
        sa.select(
            col(Initiative.slug),
            col(Initiative.name),
            primary.c.primary_objective,
            col(InitiativeObjective.objective_number),
            col(Objective.short_title),
            col(InitiativeObjective.is_primary),
        )
        .join(InitiativeObjective, col(InitiativeObjective.initiative_id) == Initiative.id)
        .join(Objective, col(Objective.number) == InitiativeObjective.objective_number)
        .outerjoin(primary, primary.c.iid == col(Initiative.id))
        .where(*conditions(filters))
        .order_by(
            primary.c.primary_objective.nulls_last(),
            col(Initiative.name),
            col(InitiativeObjective.objective_number),
        )
    )
    result = frame(session, statement)
    result["is_primary"] = result["is_primary"].astype(bool)
    result["primary_objective"] = result["primary_objective"].astype("Int64")
    return result


def regional_links(session: Session, *, filters: InitiativeFilters = NO_FILTERS) -> pd.DataFrame:
    """slug, name, regional_key, code, cycle, region_code: one row per link between a
    matching initiative and a regional initiative."""
    return frame(
        session,
        sa.select(
            col(Initiative.slug),
            col(Initiative.name),
            _regional_key(),
            col(RegionalInitiative.code),
            col(RegionalInitiative.cycle),
            col(RegionalInitiative.region_code),
        )
        .join(
            InitiativeRegionalInitiative,
            col(InitiativeRegionalInitiative.initiative_id) == Initiative.id,
        )
        .join(
            RegionalInitiative,
            col(RegionalInitiative.id) == InitiativeRegionalInitiative.regional_initiative_id,
        )
        .where(*conditions(filters))
        .order_by(
            col(Initiative.name), col(RegionalInitiative.cycle), col(RegionalInitiative.code)
        ),
    )


def _milestone_state(done: pd.Series, due: pd.Series, today: date) -> pd.Series:
    """done, or slipped (past due and not done), or due."""

    def state(is_done: bool, due_date: object) -> str:
        if is_done:
            return "done"
        late = isinstance(due_date, date) and due_date < today
        return "slipped" if late else "due"

    return pd.Series(
        [state(d, when) for d, when in zip(done, due, strict=True)], index=done.index, dtype=object
    )


def milestones(
    session: Session, *, filters: InitiativeFilters = NO_FILTERS, today: date
) -> pd.DataFrame:
    """slug, name, title, due_date, done, done_date, state: the milestones of matching
    initiatives. state is "done", "due", or "slipped" (past due on `today`, not done)."""
    result = frame(
        session,
        sa.select(
            col(Initiative.slug),
            col(Initiative.name),
            col(Milestone.title),
            col(Milestone.due_date),
            col(Milestone.done),
            col(Milestone.done_date),
        )
        .join(Milestone, col(Milestone.initiative_id) == Initiative.id)
        .where(*conditions(filters))
        .order_by(col(Initiative.name), col(Milestone.due_date), col(Milestone.id)),
    )
    result["done"] = result["done"].astype(bool)
    result["state"] = _milestone_state(result["done"], result["due_date"], today)
    return result


# One initiative in detail


def initiative_detail(
    session: Session, *, slug: str, today: date, thresholds: Thresholds
) -> dict[str, pd.DataFrame]:
    """Everything the detail view shows, as frames keyed by part:

    - profile: id, slug, name, summary, lead_sector, status, start_date, end_date, source,
      note, focal_point, updated_at (no row when the slug is unknown; then every other part
      is empty);
    - objectives: number, short_title, title, is_primary (primary first);
    - regional: regional_key, code, cycle, region_code, title;
    - countries: code, name, region_code;  partners: partner;  links: label, url;
    - milestones: title, due_date, done, done_date, state (done, due, slipped on `today`);
    - basis: fact, basis, section, url, note (where each fact comes from, in the order the
      reference file gives them);
    - updates: period, period_end, status, narrative, source, evidence_url, is_demo,
      updated_at (published narrative updates, newest first);
    - indicators: indicator_id, code, name, unit, objectives (shared), latest_year,
      latest_value, status, is_demo (world values; indicators sharing an objective).
    """
    profile = frame(
        session,
        sa.select(
            col(Initiative.id),
            col(Initiative.slug),
            col(Initiative.name),
            col(Initiative.summary),
            col(Initiative.lead_sector),
            col(Initiative.status),
            col(Initiative.start_date),
            col(Initiative.end_date),
            col(Initiative.source),
            col(Initiative.note),
            col(Initiative.focal_point),
            col(Initiative.updated_at),
        ).where(col(Initiative.slug) == slug),
    )
    profile["updated_at"] = _utc(profile["updated_at"])
    initiative_id = int(profile["id"].iloc[0]) if len(profile) else -1
    parts = {
        "profile": profile,
        "objectives": _objectives_of(session, initiative_id),
        "regional": _regional_of(session, initiative_id),
        "countries": frame(
            session,
            sa.select(col(Geography.code), col(Geography.name), col(Geography.region_code))
            .join(InitiativeCountry, col(InitiativeCountry.geo_code) == Geography.code)
            .where(col(InitiativeCountry.initiative_id) == initiative_id)
            .order_by(col(Geography.name)),
        ),
        "partners": frame(
            session,
            sa.select(col(InitiativePartner.partner))
            .where(col(InitiativePartner.initiative_id) == initiative_id)
            .order_by(col(InitiativePartner.partner)),
        ),
        "links": frame(
            session,
            sa.select(col(InitiativeLink.label), col(InitiativeLink.url))
            .where(col(InitiativeLink.initiative_id) == initiative_id)
            .order_by(col(InitiativeLink.id)),
        ),
        "milestones": _milestones_of(session, initiative_id, today),
        "basis": frame(
            session,
            sa.select(
                col(FactBasis.fact),
                col(FactBasis.basis),
                col(FactBasis.section),
                col(FactBasis.url),
                col(FactBasis.note),
            )
            .where(col(FactBasis.initiative_id) == initiative_id)
            .order_by(col(FactBasis.id)),
        ),
        "updates": _updates_of(session, initiative_id),
    }
    parts["indicators"] = indicators_sharing(
        session, tuple(parts["objectives"]["number"]), thresholds
    )
    return parts


def _objectives_of(session: Session, initiative_id: int) -> pd.DataFrame:
    result = frame(
        session,
        sa.select(
            col(Objective.number),
            col(Objective.short_title),
            col(Objective.title),
            col(InitiativeObjective.is_primary),
        )
        .join(InitiativeObjective, col(InitiativeObjective.objective_number) == Objective.number)
        .where(col(InitiativeObjective.initiative_id) == initiative_id)
        .order_by(col(InitiativeObjective.is_primary).desc(), col(Objective.number)),
    )
    result["is_primary"] = result["is_primary"].astype(bool)
    return result


def _regional_of(session: Session, initiative_id: int) -> pd.DataFrame:
    return frame(
        session,
        sa.select(
            _regional_key(),
            col(RegionalInitiative.code),
            col(RegionalInitiative.cycle),
            col(RegionalInitiative.region_code),
            col(RegionalInitiative.title),
        )
        .join(
            InitiativeRegionalInitiative,
            col(InitiativeRegionalInitiative.regional_initiative_id) == RegionalInitiative.id,
        )
        .where(col(InitiativeRegionalInitiative.initiative_id) == initiative_id)
        .order_by(col(RegionalInitiative.cycle), col(RegionalInitiative.code)),
    )


def _milestones_of(session: Session, initiative_id: int, today: date) -> pd.DataFrame:
    result = frame(
        session,
        sa.select(
            col(Milestone.title),
            col(Milestone.due_date),
            col(Milestone.done),
            col(Milestone.done_date),
        )
        .where(col(Milestone.initiative_id) == initiative_id)
        .order_by(col(Milestone.due_date), col(Milestone.id)),
    )
    result["done"] = result["done"].astype(bool)
    result["state"] = _milestone_state(result["done"], result["due_date"], today)
    return result


def _updates_of(session: Session, initiative_id: int, limit: int = 10) -> pd.DataFrame:
    result = frame(
        session,
        sa.select(
            col(ProgressEntry.period),
            col(ProgressEntry.period_end),
            col(ProgressEntry.status),
            col(ProgressEntry.narrative),
            col(ProgressEntry.source),
            col(ProgressEntry.evidence_url),
            col(ProgressEntry.is_demo),
            col(ProgressEntry.updated_at),
        )
        .where(published, col(ProgressEntry.initiative_id) == initiative_id)
        .order_by(col(ProgressEntry.period_end).desc(), col(ProgressEntry.id).desc())
        .limit(limit),
    )
    result["is_demo"] = result["is_demo"].astype(bool)
    result["updated_at"] = _utc(result["updated_at"])
    return result


INDICATOR_COLUMNS = [
    "indicator_id",
    "code",
    "name",
    "unit",
    "objectives",
    "latest_year",
    "latest_value",
    "status",
    "is_demo",
]


def indicators_sharing(
    session: Session, objective_numbers: tuple[int, ...], thresholds: Thresholds
) -> pd.DataFrame:
    if not objective_numbers:
        return pd.DataFrame(columns=INDICATOR_COLUMNS)
    reference = frame(
        session,
        sa.select(
            col(Indicator.id),
            col(Indicator.code),
            col(Indicator.name),
            col(Indicator.unit),
            col(Indicator.direction),
            col(Indicator.baseline_year),
            col(Indicator.target_value),
            col(Indicator.target_year),
            sa.func.aggregate_strings(
                sa.cast(col(IndicatorObjective.objective_number), sa.String), _SEPARATOR
            ).label("objectives"),
        )
        .join(IndicatorObjective, col(IndicatorObjective.indicator_id) == Indicator.id)
        .where(
            col(Indicator.is_active),
            col(IndicatorObjective.objective_number).in_(objective_numbers),
        )
        .group_by(col(Indicator.id))
        .order_by(col(Indicator.code)),
    )
    if reference.empty:
        return pd.DataFrame(columns=INDICATOR_COLUMNS)
    values = yearly_values(session, indicator_ids=tuple(int(i) for i in reference["id"]))
    assessed = assess_indicators(reference, values, thresholds)
    world = assessed[assessed["geo_code"] == WORLD_CODE].drop(columns=["geo_code", "explanation"])
    demo = values.groupby("indicator_id")["is_demo"].any().rename("is_demo").reset_index()
    result = (
        reference.rename(columns={"id": "indicator_id"})
        .assign(objectives=lambda f: f["objectives"].map(lambda v: _joined(v, numeric=True)))
        .merge(world, on="indicator_id", how="left")
        .merge(demo, on="indicator_id", how="left")
    )
    result["status"] = result["status"].fillna("insufficient data")
    result["is_demo"] = result["is_demo"].fillna(False).astype(bool)
    return result[INDICATOR_COLUMNS]
