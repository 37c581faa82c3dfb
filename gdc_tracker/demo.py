"""Deterministic demo progress entries, so the app has something to show on first start.

Every value made here is illustrative: it is flagged `is_demo`, carries DEMO_SOURCE as its
source, and the UI labels it as demo data wherever it appears. The numbers follow
plausible shapes (adoption curves, falling prices, a narrowing gender gap, cumulative
counts for ITU's outputs) drawn from `random.Random(seed)`, so two runs with the same
seed and reference data write the same rows.
"""

import math
import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from gdc_tracker.audit import record_change
from gdc_tracker.models import (
    SYSTEM_ACTOR,
    WORLD_CODE,
    Geography,
    GeographyKind,
    Indicator,
    Initiative,
    ProgressEntry,
    ReviewState,
)
from gdc_tracker.periods import parse_period

DEMO_SEED = 2030
DEMO_SOURCE = "GDC Tracker demo data: illustrative only, not official statistics"
FIRST_YEAR, LAST_YEAR = 2015, 2024
DEMO_QUARTERS = ("2025-Q1", "2025-Q2", "2025-Q3")

# How early each ITU region's adoption curve rises (years relative to 2015): illustrative.
REGION_OFFSET = {"EUR": -8.0, "CIS": -5.0, "AMS": -3.0, "ARB": -2.0, "ASP": 0.0, "AFR": 7.0}
REGION_PRICE = {"EUR": 1.0, "CIS": 1.8, "AMS": 3.5, "ARB": 4.0, "ASP": 4.5, "AFR": 14.0}
REGION_GENDER_GAP = {"EUR": 0.03, "CIS": 0.02, "AMS": 0.03, "ARB": 0.18, "ASP": 0.15, "AFR": 0.3}

UPDATE_TEMPLATES = (
    "Activities continued as planned this quarter; partners reported on the next steps.",
    "New participating countries joined; the work plan for the coming year was agreed.",
    "A progress review with partners took place; delivery is on schedule.",
    "Fund-raising for the next phase is under way; pilots are being evaluated.",
)


@dataclass(frozen=True)
class Country:
    code: str
    region: str


def _logistic(year: int, midpoint: float, steepness: float, ceiling: float) -> float:
    return ceiling / (1.0 + math.exp(-steepness * (year - midpoint)))


def _years_reported(rng: random.Random) -> list[int]:
    """Most years, with gaps, and a reporting lag for some countries (realistic holes)."""
    last = LAST_YEAR if rng.random() > 0.3 else LAST_YEAR - rng.randint(1, 3)
    return [y for y in range(FIRST_YEAR, last + 1) if rng.random() > 0.12]


def _country_series(indicator: Indicator, country: Country, rng: random.Random) -> dict[int, float]:
    years = _years_reported(rng)
    offset = REGION_OFFSET.get(country.region, 0.0)
    if indicator.unit == "ratio":
        gap = REGION_GENDER_GAP.get(country.region, 0.1) * rng.uniform(0.4, 1.6)
        pace = rng.uniform(0.0, 0.12)
        return {y: min(1.05, max(0.4, 1 - gap * math.exp(-pace * (y - FIRST_YEAR)))) for y in years}
    if indicator.unit == "percent_gni":
        start = REGION_PRICE.get(country.region, 4.0) * rng.lognormvariate(0, 0.5)
        pace = rng.uniform(-0.03, 0.16)
        return {y: start * math.exp(-pace * (y - FIRST_YEAR)) for y in years}
    # Percentages and indices: an adoption curve, later for harder things like skills.
    ceiling = indicator.max_value if indicator.max_value else 100.0
    harder = 6.0 if (indicator.target_value or ceiling) < ceiling else 0.0
    midpoint = FIRST_YEAR + offset + harder + rng.gauss(0, 3)
    steepness = rng.uniform(0.12, 0.35)
    return {y: _logistic(y, midpoint, steepness, ceiling * rng.uniform(0.9, 1.0)) for y in years}


def _output_series(indicator: Indicator, rng: random.Random, share: float) -> dict[int, float]:
    """Cumulative counts of what an ITU action delivered, from 2019."""
    total = 0.0
    series: dict[int, float] = {}
    scale = max(indicator.target_value or 0.0, indicator.baseline_value or 0.0, 100.0)
    for year in range(2019, LAST_YEAR + 1):
        total += scale * share * rng.uniform(0.05, 0.2)
        series[year] = round(total)
    return series


def _entry(
    rng: random.Random,
    indicator_id: int | None,
    geo: str,
    period: str,
    value: float | None,
    **extra: object,
) -> dict:
    parsed = parse_period(period)
    lag = timedelta(days=rng.randint(20, 200), minutes=rng.randint(0, 600))
    published = datetime.combine(parsed.end + lag, time(8), tzinfo=UTC)
    return {
        "indicator_id": indicator_id,
        "initiative_id": extra.pop("initiative_id", None),
        "geo_code": geo,
        "period": parsed.label,
        "year": parsed.year,
        "period_end": parsed.end,
        "value": None if value is None else round(value, 3),
        "status": extra.pop("status", None),
        "disaggregation": extra.pop("disaggregation", "total"),
        "narrative": extra.pop("narrative", ""),
        "source": DEMO_SOURCE,
        "is_demo": True,
        "review_state": ReviewState.PUBLISHED,
        "version": 1,
        "created_at": published,
        "updated_at": published,
    }


def _mean_by_year(series: Iterable[dict[int, float]]) -> dict[int, float]:
    sums: dict[int, list[float]] = {}
    for one in series:
        for year, value in one.items():
            sums.setdefault(year, []).append(value)
    return {year: sum(values) / len(values) for year, values in sorted(sums.items())}


def indicator_rows(
    indicator: Indicator, countries: list[Country], rng: random.Random
) -> list[dict]:
    assert indicator.id is not None
    rows: list[dict] = []
    if indicator.unit == "count" or "country" not in indicator.geographies:
        regions = sorted({c.region for c in countries})
        world: dict[int, float] = {}
        for region in regions:
            series = _output_series(indicator, rng, share=1 / len(regions))
            if "region" in indicator.geographies:  # counts: world and regions only
                rows += [_entry(rng, indicator.id, region, str(y), v) for y, v in series.items()]
            for year, value in series.items():
                world[year] = world.get(year, 0.0) + value
        rows += [_entry(rng, indicator.id, WORLD_CODE, str(y), v) for y, v in world.items()]
        return rows
    by_country = {c.code: _country_series(indicator, c, rng) for c in countries}
    for country in countries:
        for year, value in by_country[country.code].items():
            rows.append(_entry(rng, indicator.id, country.code, str(year), value))
            if "sex" in indicator.disaggregations and indicator.unit == "percent":
                gap = rng.uniform(0.02, 0.25) * (1 - value / 100)  # narrows as use spreads
                female, male = value * (1 - gap), min(100.0, value * (1 + gap))
                rows.append(
                    _entry(
                        rng,
                        indicator.id,
                        country.code,
                        str(year),
                        female,
                        disaggregation="sex:female",
                    )
                )
                rows.append(
                    _entry(
                        rng, indicator.id, country.code, str(year), male, disaggregation="sex:male"
                    )
                )
    aggregates = {"WLD": countries} | {
        region: [c for c in countries if c.region == region]
        for region in sorted({c.region for c in countries})
    }
    for code, members in aggregates.items():
        for year, value in _mean_by_year(by_country[c.code] for c in members).items():
            rows.append(_entry(rng, indicator.id, code, str(year), value))
    return rows


def initiative_rows(initiatives: list[Initiative], rng: random.Random) -> list[dict]:
    rows = []
    for initiative in initiatives:
        for period in DEMO_QUARTERS[rng.randint(0, 1) :]:
            rows.append(
                _entry(
                    rng,
                    None,
                    WORLD_CODE,
                    period,
                    None,
                    initiative_id=initiative.id,
                    status=initiative.status,
                    narrative=rng.choice(UPDATE_TEMPLATES),
                )
            )
    return rows


def generate(session: Session, seed: int = DEMO_SEED) -> list[dict]:
    """The demo rows for the reference data in `session`, without writing them.

    An indicator that has real values (starter data, an import) gets no demo values:
    demo data stands in only where no public series exists.
    """
    rng = random.Random(seed)
    countries = [
        Country(code=g.code, region=g.region_code or "")
        for g in session.exec(
            select(Geography)
            .where(Geography.kind == GeographyKind.COUNTRY)
            .order_by(Geography.code)
        )
    ]
    real = set(
        session.exec(
            select(ProgressEntry.indicator_id)
            .where(
                col(ProgressEntry.indicator_id).is_not(None),
                col(ProgressEntry.is_demo).is_(False),
            )
            .distinct()
        )
    )
    rows: list[dict] = []
    for indicator in session.exec(select(Indicator).order_by(Indicator.code)):
        made = indicator_rows(indicator, countries, rng)  # drawn either way: the same demo
        if indicator.id not in real:  # values for the others, with or without starter data
            rows += made
    rows += initiative_rows(list(session.exec(select(Initiative).order_by(Initiative.slug))), rng)
    return rows


def has_demo_data(session: Session) -> bool:
    return (
        session.exec(select(ProgressEntry.id).where(ProgressEntry.is_demo).limit(1)).first()
        is not None
    )


def seed_demo(session: Session, seed: int = DEMO_SEED) -> int:
    """Write the demo entries once; return how many were added (0 if already there)."""
    if has_demo_data(session):
        return 0
    rows = generate(session, seed)
    for start in range(0, len(rows), 5_000):
        session.execute(sa.insert(ProgressEntry), rows[start : start + 5_000])
    record_change(
        session,
        actor=SYSTEM_ACTOR,
        action="seed demo data",
        entity="progressentry",
        entity_id="*",
        after={"rows": len(rows), "seed": seed},
    )
    return len(rows)
