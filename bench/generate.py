"""A synthetic store for the benchmark, built deterministically from a seed.

`python -m bench.generate [URL] --scale tiny|small|large [--seed N]` fills an EMPTY store
(a SQLite file, or a PostgreSQL database or schema) with:

- the shipped reference data (`bootstrap.seed(with_demo=False)`): the five objectives, the
  ITU regions, ~198 countries, AMS1-AMS4, the shipped initiatives and 17 indicators;
- synthetic reference rows up to the scale: regional initiatives of the other five regions,
  indicators (units, bounds, baselines, targets, geographies, sex and area breakdowns for
  some), initiatives (objective links with exactly one primary, regional initiatives,
  countries, partners, links, milestones);
- users: the three bench accounts (`BENCH_USERS`, password `BENCH_PASSWORD`) and synthetic
  authors and reviewers;
- progress entries: country series over the scale's years with realistic holes (indicators
  that start late, countries that report little, late or never, missing years),
  female/male (and urban/rural) values for some indicators, regional and world aggregates,
  cumulative counts of ITU's outputs and narrative updates of initiatives; mostly
  published, some draft, submitted or rejected.

Everything comes from one `random.Random(seed)`, so a scale and a seed always make the same
store. Rows are written with SQLAlchemy Core in chunks, one transaction per table (COPY on
PostgreSQL for the progress entries); no audit record per synthetic row, one summary record
at the end, which also bumps the data version so every cache misses. What the generator
dates "now" (accounts, initiatives) is `BENCH_NOW`, not the clock: a store made on another
day is the same store, and bench.run measures it on that same day (see there).
"""

import argparse
import math
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from gdc_tracker import auth, bootstrap, db
from gdc_tracker.audit import record_change
from gdc_tracker.models import (
    SYSTEM_ACTOR,
    WORLD_CODE,
    Geography,
    GeographyKind,
    Indicator,
    IndicatorObjective,
    IndicatorRegionalInitiative,
    Initiative,
    InitiativeCountry,
    InitiativeLink,
    InitiativeObjective,
    InitiativePartner,
    InitiativeRegionalInitiative,
    InitiativeStatus,
    LeadSector,
    Milestone,
    ProgressEntry,
    RegionalInitiative,
    ReviewState,
    Role,
    User,
)

# The benchmark's "now" and "today": every run measures as on this day, so What changed
# (its window ends today and starts at the last Council session before it) and the
# overdue milestones cover the same rows whatever the day of the run.
BENCH_NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
BENCH_DIR = Path(__file__).resolve().parent
STORES_DIR = BENCH_DIR / "results" / "stores"  # git-ignored with bench/results/
DEFAULT_SEED = 2030
LAST_YEAR = 2024
CYCLE = "2023-2025"
CHUNK = 20_000  # rows per executemany: large enough to amortise, small enough for 2 cores
BENCH_SOURCE = "GDC Tracker benchmark: synthetic data, not official statistics"
BENCH_PASSWORD = "bench password, not a secret"
BENCH_USERS: dict[Role, str] = {
    Role.EDITOR: "bench_editor",
    Role.REVIEWER: "bench_reviewer",
    Role.ADMIN: "bench_admin",
}
SYNTHETIC_AUTHORS, SYNTHETIC_REVIEWERS = 24, 6
# Review states of the synthetic entries (the rest are published).
PUBLISHED, REJECTED = str(ReviewState.PUBLISHED), str(ReviewState.REJECTED)
STATE_SHARES = (
    (str(ReviewState.DRAFT), 0.012),
    (str(ReviewState.SUBMITTED), 0.008),
    (REJECTED, 0.006),
)


@dataclass(frozen=True)
class Scale:
    """How big a store is. `countries` 0 means every shipped country."""

    name: str
    indicators: int  # in all, the 17 shipped ones included
    countries: int
    years: int  # ending with LAST_YEAR
    initiatives: int  # in all, the shipped ones included
    about: str  # the size of the progress-entry table it makes, in words


SCALES: dict[str, Scale] = {
    "tiny": Scale("tiny", indicators=20, countries=6, years=6, initiatives=60, about="~1,000"),
    "small": Scale(
        "small", indicators=30, countries=28, years=12, initiatives=200, about="~10,000"
    ),
    "large": Scale(
        "large", indicators=250, countries=0, years=25, initiatives=2_000, about="~1,000,000"
    ),
}

# Countries every scale keeps, so the Americas panels and El Salvador views have data.
ALWAYS_COUNTRIES = ("SLV", "BRA", "KEN", "IND")

TOPICS = (
    "Households with a computer",
    "Individuals with advanced digital skills",
    "Mobile broadband subscriptions",
    "Fixed broadband subscriptions",
    "Population covered by a 5G network",
    "Enterprises selling online",
    "Public services available online",
    "Adults with a digital ID",
    "Individuals using digital payments",
    "Schools with computers for teaching",
    "Women in ICT occupations",
    "Rural population covered by mobile broadband",
    "Youth using the Internet",
    "Persons with disabilities using the Internet",
    "Individuals using e-government services",
    "Enterprises using cloud services",
    "Health facilities with Internet access",
    "Libraries offering digital literacy courses",
)
INDEX_TOPICS = (
    "Cybersecurity readiness",
    "AI readiness",
    "Data governance maturity",
    "Digital regulation maturity",
    "Online safety framework",
)
PRICE_TOPICS = ("Price of a data-only mobile broadband basket", "Price of a smartphone")
OUTPUT_TOPICS = (
    "Officials trained in digital policy",
    "Technical assistance missions delivered",
    "Connectivity projects financed",
    "Standards approved",
    "Girls reached by coding camps",
    "Community networks supported",
)
PARTNERS = tuple(
    "UNICEF;UN Women;UNESCO;ILO;OHCHR;ODET;UNDP;World Bank;GSMA;WMO;UNDRR;IFRC;UNODA;ITC;UNU;"
    "ISO;IEC;IDB;CAF;AfDB;ADB;EBRD;European Commission;Smart Africa;APT;CITEL;ECOWAS;ASEAN;"
    "OECD;UNCTAD;UNECA;ECLAC;ESCAP;ESCWA;UNECE;FAO;WHO;UPU;WIPO;UNHCR".split(";")
)
ACTIONS = (
    "Connectivity",
    "Digital skills",
    "Cyber resilience",
    "Smart villages",
    "Digital inclusion",
    "Spectrum management",
    "Emergency telecommunications",
    "E-waste",
    "Digital public infrastructure",
    "AI capacity",
    "Open data",
    "Child online protection",
)
NARRATIVES = (
    "Activities continued as planned this quarter; partners reported on the next steps.",
    "New participating countries joined; the work plan for the coming year was agreed.",
    "A progress review with partners took place; delivery is on schedule.",
    "Fund-raising for the next phase is under way; pilots are being evaluated.",
    "Delays in procurement moved two deliverables to the next quarter.",
)
REJECTION_REASONS = (
    "The source does not give this figure; please attach the table it comes from.",
    "The value differs from the national statistics office's release; please check.",
)
# How early each region's adoption curve rises (years relative to 2012), and its prices.
REGION_OFFSET = {"EUR": -8.0, "CIS": -5.0, "AMS": -3.0, "ARB": -2.0, "ASP": 0.0, "AFR": 7.0}
REGION_PRICE = {"EUR": 1.0, "CIS": 1.8, "AMS": 3.5, "ARB": 4.0, "ASP": 4.5, "AFR": 14.0}
REGIONAL_PER_REGION = {"AFR": 5, "ARB": 5, "ASP": 5, "CIS": 5, "EUR": 5}


class StoreNotEmpty(RuntimeError):
    """The target already holds tables: the generator only fills an empty store."""


@dataclass
class GenerateReport:
    url: str
    scale: str
    seed: int
    seconds: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)
    table_seconds: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        counts = ", ".join(f"{name} {count:,}" for name, count in self.rows.items())
        return f"{self.scale} store in {self.seconds:.1f} s: {counts}"


@dataclass(frozen=True)
class Country:
    code: str
    region: str


@dataclass
class IndicatorPlan:
    """What the generator needs to know of one indicator (shipped or synthetic)."""

    id: int
    code: str
    unit: str
    kind: str
    direction: str
    geographies: tuple[str, ...]
    min_value: float | None
    max_value: float | None
    target_value: float | None
    breakdowns: tuple[str, ...]  # "sex", "area": which pairs the generator writes
    source: str
    start_year: int
    coverage: float  # chance a reporting country reports a given year


def default_url(backend: str, scale: str) -> str:
    if backend != "sqlite":
        raise ValueError("only SQLite has a default location; pass a PostgreSQL URL")
    return f"sqlite:///{STORES_DIR / f'sqlite-{scale}.db'}"


# --- values ---------------------------------------------------------------------------------


def _logistic(t: float, midpoint: float, steepness: float, ceiling: float) -> float:
    return ceiling / (1.0 + math.exp(-steepness * (t - midpoint)))


def _series_maker(
    plan: IndicatorPlan, country: Country, rng: random.Random
) -> Callable[[int], float]:
    """A function year -> value with the shape of the indicator's unit."""
    low = plan.min_value if plan.min_value is not None else 0.0
    high = plan.max_value
    noise = rng.uniform(0.002, 0.02)

    def clip(value: float) -> float:
        value = max(low, value)
        return min(high, value) if high is not None else value

    if plan.unit == "percent_gni":
        start = REGION_PRICE.get(country.region, 4.0) * rng.lognormvariate(0, 0.5)
        pace = rng.uniform(-0.03, 0.16)
        return lambda y: clip(start * math.exp(-pace * (y - 2010)) * (1 + rng.gauss(0, noise)))
    if plan.unit == "ratio":
        gap = {"AFR": 0.3, "ARB": 0.18, "ASP": 0.15}.get(country.region, 0.04)
        gap *= rng.uniform(0.4, 1.6)
        pace = rng.uniform(0.0, 0.12)
        return lambda y: clip(1 - gap * math.exp(-pace * (y - 2005)) + rng.gauss(0, noise / 4))
    if plan.unit == "count":
        per_year = rng.lognormvariate(3, 1)
        return lambda y: float(round(per_year * max(0, y - plan.start_year + 1)))
    ceiling = high if high is not None else 100.0
    hard = 6.0 if (plan.target_value or ceiling) < ceiling else 0.0
    midpoint = 2012 + REGION_OFFSET.get(country.region, 0.0) + hard + rng.gauss(0, 3)
    steepness = rng.uniform(0.12, 0.35)
    top = ceiling * rng.uniform(0.85, 1.0)
    return lambda y: clip(_logistic(y, midpoint, steepness, top) * (1 + rng.gauss(0, noise)))


def _years_reported(
    plan: IndicatorPlan, capacity: float, years: range, rng: random.Random
) -> list[int]:
    """Realistic holes: a lag at the end, missing years, nothing before the start."""
    lag = rng.choices((0, 1, 2, 3), weights=(60, 25, 10, 5))[0]
    chance = capacity * plan.coverage
    return [y for y in years if plan.start_year <= y <= LAST_YEAR - lag and rng.random() < chance]


# --- progress entries -----------------------------------------------------------------------

ENTRY_COLUMNS = (
    "indicator_id",
    "initiative_id",
    "geo_code",
    "period",
    "year",
    "period_end",
    "value",
    "status",
    "disaggregation",
    "narrative",
    "evidence_url",
    "source",
    "is_demo",
    "review_state",
    "review_note",
    "author_id",
    "reviewer_id",
    "version",
    "created_at",
    "updated_at",
)


@dataclass
class EntryMaker:
    """Turns (subject, geography, period, value) into a full row, with its review state."""

    rng: random.Random
    authors: list[int]
    reviewers: list[int]
    zone: str = ""  # "" for SQLite (naive UTC text, as SQLAlchemy stores it), "+00" for PostgreSQL

    def row(
        self,
        *,
        indicator_id: int | None,
        geo: str,
        year: int,
        value: float | None,
        disaggregation: str = "total",
        source: str = BENCH_SOURCE,
        period: str | None = None,
        period_end: date | None = None,
        initiative_id: int | None = None,
        status: str | None = None,
        narrative: str = "",
        evidence_url: str | None = None,
    ) -> tuple[Any, ...]:
        draw = self.rng.random  # the C-level draw: this runs a million times at scale
        end = period_end or date(year, 12, 31)
        day = end + timedelta(days=20 + int(draw() * 220))
        written = f"{day.isoformat()} 08:{int(draw() * 60):02d}:00.000000{self.zone}"
        pick = draw()
        state, note, reviewer = PUBLISHED, None, None
        for candidate, share in STATE_SHARES:
            if pick < share:
                state = candidate
                break
            pick -= share
        if state == PUBLISHED or state == REJECTED:
            reviewer = self.reviewers[int(draw() * len(self.reviewers))]
        if state == REJECTED:
            note = REJECTION_REASONS[int(draw() * len(REJECTION_REASONS))]
        return (
            indicator_id,
            initiative_id,
            geo,
            period or str(year),
            year,
            end.isoformat(),
            None if value is None else round(value, 4),
            status,
            disaggregation,
            narrative,
            evidence_url,
            source,
            False,
            state,
            note,
            self.authors[int(draw() * len(self.authors))],
            reviewer,
            1,
            written,
            written,
        )


def _pair(
    value: float, plan: IndicatorPlan, rng: random.Random, spread: float
) -> tuple[float, float]:
    """Two values around `value` (female/male, rural/urban), the first the lower."""
    gap = rng.uniform(0.01, spread)
    if plan.max_value is not None and plan.max_value <= 100:
        gap *= 1 - value / plan.max_value  # gaps narrow as use spreads
    low, high = value * (1 - gap), value * (1 + gap)
    if plan.max_value is not None:
        high = min(plan.max_value, high)
    return low, high


def indicator_entries(
    plan: IndicatorPlan,
    countries: list[Country],
    capacities: dict[str, float],
    years: range,
    maker: EntryMaker,
) -> Iterator[tuple[Any, ...]]:
    """Every row of one indicator: countries (with breakdowns), then regions and the world."""
    rng = maker.rng
    evidence = "https://www.itu.int/en/bench/evidence" if plan.kind == "output" else None
    if "country" not in plan.geographies or (plan.unit == "count" and len(plan.geographies) > 1):
        yield from _aggregate_only(plan, countries, years, maker, evidence)
        return
    sums: dict[tuple[str, int], list[float]] = {}
    reporting = countries
    if plan.unit == "count":  # outputs counted per country: only where actions take place
        reporting = [c for c in countries if rng.random() < 0.2] or countries[:1]
    for country in reporting:
        if rng.random() < 0.08:  # some countries never report this indicator
            continue
        curve = _series_maker(plan, country, rng)
        for year in _years_reported(plan, capacities[country.code], years, rng):
            value = curve(year)
            yield maker.row(
                indicator_id=plan.id,
                geo=country.code,
                year=year,
                value=value,
                source=plan.source,
                evidence_url=evidence,
            )
            for dimension in plan.breakdowns:
                low, high = _pair(value, plan, rng, 0.25 if dimension == "sex" else 0.4)
                names = ("female", "male") if dimension == "sex" else ("rural", "urban")
                for name, part in zip(names, (low, high), strict=True):
                    yield maker.row(
                        indicator_id=plan.id,
                        geo=country.code,
                        year=year,
                        value=part,
                        disaggregation=f"{dimension}:{name}",
                        source=plan.source,
                    )
            for key in ((country.region, year), (WORLD_CODE, year)):
                sums.setdefault(key, []).append(value)
    levels = {"region": lambda code: code != WORLD_CODE, "world": lambda code: code == WORLD_CODE}
    for (geo, year), values in sorted(sums.items()):
        if any(level in plan.geographies and test(geo) for level, test in levels.items()):
            total = sum(values) if plan.unit == "count" else sum(values) / len(values)
            yield maker.row(
                indicator_id=plan.id, geo=geo, year=year, value=total, source=plan.source
            )


def _aggregate_only(
    plan: IndicatorPlan,
    countries: list[Country],
    years: range,
    maker: EntryMaker,
    evidence: str | None,
) -> Iterator[tuple[Any, ...]]:
    """Counts of what ITU's actions deliver, by region and for the world (cumulative)."""
    rng = maker.rng
    regions = sorted({c.region for c in countries})
    world: dict[int, float] = {}
    span = [y for y in years if y >= max(plan.start_year, 2015)]
    for region in regions:
        total = 0.0
        for year in span:
            total += rng.lognormvariate(3, 1)
            world[year] = world.get(year, 0.0) + total
            if "region" in plan.geographies:
                yield maker.row(
                    indicator_id=plan.id,
                    geo=region,
                    year=year,
                    value=float(round(total)),
                    source=plan.source,
                    evidence_url=evidence,
                )
    if "world" in plan.geographies:
        for year, total in sorted(world.items()):
            yield maker.row(
                indicator_id=plan.id,
                geo=WORLD_CODE,
                year=year,
                value=float(round(total)),
                source=plan.source,
                evidence_url=evidence,
            )


def initiative_entries(
    initiatives: list[tuple[int, str, date | None]], years: range, maker: EntryMaker
) -> Iterator[tuple[Any, ...]]:
    """Quarterly narrative updates of initiatives, some quarters skipped."""
    rng = maker.rng
    first = max(years.start, 2019)
    for initiative_id, status, start in initiatives:
        begin = max(first, start.year if start else first)
        for year in range(begin, LAST_YEAR + 1):
            for quarter in range(1, 5):
                if rng.random() > 0.3:
                    continue
                month = quarter * 3
                end = date(year, month, 30 if month in (6, 9) else 31)
                yield maker.row(
                    indicator_id=None,
                    initiative_id=initiative_id,
                    geo=WORLD_CODE,
                    year=year,
                    value=None,
                    period=f"{year}-Q{quarter}",
                    period_end=end,
                    status=status,
                    narrative=rng.choice(NARRATIVES),
                )


# --- writing --------------------------------------------------------------------------------


def _insert(connection: Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        connection.execute(sa.insert(table), rows[start : start + CHUNK])


def _write_entries(engine: Engine, rows: Iterator[tuple[Any, ...]]) -> int:
    """All progress entries in one transaction, straight to the driver (Core's per-row
    parameter processing would cost minutes at a million rows): COPY on PostgreSQL,
    executemany in chunks on SQLite. Rows come formatted as the store keeps them.

    The table's indexes are dropped first and built again at the end, in the same
    transaction: one sort per index instead of a million random B-tree inserts.
    """
    table = ProgressEntry.__table__  # type: ignore[attr-defined]
    with engine.begin() as connection:
        for index in table.indexes:
            index.drop(connection)
        if engine.dialect.name == "postgresql":
            count = _copy_rows(connection, rows)
        else:
            connection.exec_driver_sql("PRAGMA cache_size=-262144")  # 256 MB for the build
            count = _insert_rows(connection, rows)
        for index in table.indexes:
            index.create(connection)
    return count


def _copy_rows(connection: Connection, rows: Iterator[tuple[Any, ...]]) -> int:
    count = 0
    cursor = connection.connection.cursor()
    columns = ", ".join(ENTRY_COLUMNS)
    with cursor.copy(f"COPY progressentry ({columns}) FROM STDIN") as copy:  # type: ignore[attr-defined]
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _insert_rows(connection: Connection, rows: Iterator[tuple[Any, ...]]) -> int:
    count = 0
    cursor = connection.connection.cursor()
    marks = ", ".join("?" for _ in ENTRY_COLUMNS)
    statement = f"INSERT INTO progressentry ({', '.join(ENTRY_COLUMNS)}) VALUES ({marks})"
    chunk: list[tuple[Any, ...]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            cursor.executemany(statement, chunk)
            count += len(chunk)
            chunk = []
    if chunk:
        cursor.executemany(statement, chunk)
        count += len(chunk)
    return count


class Generator:
    def __init__(self, engine: Engine, scale: Scale, seed: int) -> None:
        self.engine = engine
        self.scale = scale
        self.rng = random.Random(seed)
        self.years = range(LAST_YEAR - scale.years + 1, LAST_YEAR + 1)
        self.report = GenerateReport(url=str(engine.url), scale=scale.name, seed=seed)

    def timed(self, name: str, step: Callable[[], int]) -> None:
        started = time.perf_counter()
        self.report.rows[name] = step()
        self.report.table_seconds[name] = round(time.perf_counter() - started, 2)

    # reference ------------------------------------------------------------------------------

    def countries(self) -> list[Country]:
        with self.engine.connect() as connection:
            every = [
                Country(code, region)
                for code, region in connection.execute(
                    sa.select(Geography.code, Geography.region_code)
                    .where(Geography.kind == GeographyKind.COUNTRY)
                    .order_by(Geography.code)
                )
            ]
        if not self.scale.countries or self.scale.countries >= len(every):
            return every
        kept = [c for c in every if c.code in ALWAYS_COUNTRIES]
        others = [c for c in every if c.code not in ALWAYS_COUNTRIES]
        kept += self.rng.sample(others, self.scale.countries - len(kept))
        return sorted(kept, key=lambda c: c.code)

    def users(self) -> tuple[list[int], list[int]]:
        """The bench accounts (real password hashes) and synthetic authors and reviewers."""
        password_hash = auth.hash_password(BENCH_PASSWORD)  # one slow hash, shared
        table = User.__table__  # type: ignore[attr-defined]
        now = BENCH_NOW
        rows = [
            {
                "username": username,
                "display_name": username.replace("_", " ").title(),
                "role": str(role),
                "password_hash": password_hash,
                "is_active": True,
                "created_at": now,
            }
            for role, username in BENCH_USERS.items()
        ]
        rows += [
            {
                "username": f"author_{n:02d}",
                "display_name": f"Author {n:02d}",
                "role": str(Role.EDITOR),
                "password_hash": None,
                "is_active": True,
                "created_at": now,
            }
            for n in range(1, SYNTHETIC_AUTHORS + 1)
        ]
        rows += [
            {
                "username": f"reviewer_{n:02d}",
                "display_name": f"Reviewer {n:02d}",
                "role": str(Role.REVIEWER),
                "password_hash": None,
                "is_active": True,
                "created_at": now,
            }
            for n in range(1, SYNTHETIC_REVIEWERS + 1)
        ]
        with self.engine.begin() as connection:
            _insert(connection, table, rows)
            ids = dict(connection.execute(sa.select(User.username, User.id)).all())
        authors = [ids[f"author_{n:02d}"] for n in range(1, SYNTHETIC_AUTHORS + 1)]
        authors.append(ids[BENCH_USERS[Role.EDITOR]])
        reviewers = [ids[f"reviewer_{n:02d}"] for n in range(1, SYNTHETIC_REVIEWERS + 1)]
        reviewers.append(ids[BENCH_USERS[Role.REVIEWER]])
        self.report.rows["users"] = len(ids)
        return authors, reviewers

    def regional_initiatives(self) -> dict[str, list[int]]:
        """Regional initiatives of the other regions (AMS1-AMS4 ship); ids by region."""
        rows = [
            {
                "code": f"{region}{n}",
                "cycle": CYCLE,
                "region_code": region,
                "title": f"Synthetic regional initiative {region}{n} ({self.rng.choice(ACTIONS)})",
                "note": "Benchmark data",
            }
            for region, count in REGIONAL_PER_REGION.items()
            for n in range(1, count + 1)
        ]
        with self.engine.begin() as connection:
            _insert(connection, RegionalInitiative.__table__, rows)  # type: ignore[attr-defined]
            found = connection.execute(
                sa.select(RegionalInitiative.region_code, RegionalInitiative.id).order_by(
                    RegionalInitiative.id
                )
            ).all()
        by_region: dict[str, list[int]] = {}
        for region, rid in found:
            by_region.setdefault(region, []).append(rid)
        self.report.rows["regional initiatives"] = len(found)
        return by_region

    def indicators(self, regional: dict[str, list[int]]) -> int:
        """Synthetic indicators up to the scale, with their objective and regional links."""
        rng = self.rng
        with self.engine.connect() as connection:
            shipped = connection.execute(sa.select(sa.func.count()).select_from(Indicator))
            start = int(shipped.scalar_one())
        rows = []
        for n in range(1, max(0, self.scale.indicators - start) + 1):
            pick = rng.random()
            if pick < 0.62:
                unit, topic, bounds = "percent", rng.choice(TOPICS), (0.0, 100.0)
            elif pick < 0.72:
                unit, topic, bounds = "index", rng.choice(INDEX_TOPICS), (0.0, 100.0)
            elif pick < 0.80:
                unit, topic, bounds = "percent_gni", rng.choice(PRICE_TOPICS), (0.0, None)
            elif pick < 0.84:
                unit, topic, bounds = (
                    "ratio",
                    "Gender parity in " + rng.choice(TOPICS).lower(),
                    (
                        0.0,
                        2.0,
                    ),
                )
            else:
                unit, topic, bounds = "count", rng.choice(OUTPUT_TOPICS), (0.0, None)
            output = unit == "count"
            lower = unit == "percent_gni"
            target = {"percent": rng.choice((70.0, 90.0, 100.0)), "index": 80.0, "ratio": 1.0}
            target_value = 2.0 if lower else target.get(unit, float(rng.randint(50, 500) * 10))
            breakdowns = []
            if unit == "percent" and rng.random() < 0.5:
                breakdowns.append("sex")
            if unit == "percent" and rng.random() < 0.25:
                breakdowns.append("area")
            has_baseline = rng.random() < 0.6
            rows.append(
                {
                    "code": f"SYN_{n:03d}",
                    "name": f"{topic} (synthetic {n:03d})",
                    "unit": unit,
                    "direction": "lower_is_better" if lower else "higher_is_better",
                    "kind": "output" if output else "outcome",
                    "source": BENCH_SOURCE,
                    "definition": f"Synthetic indicator for the benchmark: {topic.lower()}.",
                    "baseline_value": round(rng.uniform(10, 60), 1) if has_baseline else None,
                    "baseline_year": rng.choice((2015, 2018, 2020)) if has_baseline else None,
                    "target_value": target_value,
                    "target_year": 2030,
                    "min_value": bounds[0],
                    "max_value": bounds[1],
                    "disaggregations": breakdowns
                    + (["age"] if unit == "percent" and rng.random() < 0.3 else []),
                    "geographies": ["world", "region"]
                    if output
                    else ["world", "region", "country"],
                    "note": None,
                    "is_active": True,
                    "version": 1,
                }
            )
        with self.engine.begin() as connection:
            _insert(connection, Indicator.__table__, rows)  # type: ignore[attr-defined]
            ids = connection.execute(
                sa.select(Indicator.id).where(Indicator.code.like("SYN\\_%", escape="\\"))  # type: ignore[attr-defined]
            ).scalars()
            ri_ids = [rid for ids_ in regional.values() for rid in ids_]
            objective_links, regional_links = [], []
            for indicator_id in ids:
                for number in rng.sample(range(1, 6), rng.choice((1, 1, 2))):
                    objective_links.append(
                        {"indicator_id": indicator_id, "objective_number": number}
                    )
                if rng.random() < 0.15:
                    regional_links.append(
                        {"indicator_id": indicator_id, "regional_initiative_id": rng.choice(ri_ids)}
                    )
            _insert(connection, IndicatorObjective.__table__, objective_links)  # type: ignore[attr-defined]
            _insert(connection, IndicatorRegionalInitiative.__table__, regional_links)  # type: ignore[attr-defined]
        return len(rows)

    def initiatives(self, countries: list[Country], regional: dict[str, list[int]]) -> int:
        """Synthetic initiatives with every kind of link the Initiatives page shows."""
        rng = self.rng
        with self.engine.connect() as connection:
            start = int(
                connection.execute(sa.select(sa.func.count()).select_from(Initiative)).scalar_one()
            )
        now = BENCH_NOW
        # The four stated statuses, as before "not stated" existed: the same store as then.
        statuses = [str(s) for s in InitiativeStatus if s != InitiativeStatus.NOT_STATED]
        sectors = [str(s) for s in LeadSector]
        rows = []
        for n in range(1, max(0, self.scale.initiatives - start) + 1):
            action = rng.choice(ACTIONS)
            begin = date(rng.randint(2012, 2024), rng.randint(1, 12), 1)
            status = rng.choices(statuses, weights=(10, 60, 22, 8))[0]
            finish = begin + timedelta(days=365 * rng.randint(2, 8)) if rng.random() < 0.6 else None
            rows.append(
                {
                    "slug": f"bench-{n:04d}",
                    "name": f"{action} programme {n:04d}",
                    "summary": f"Synthetic initiative for the benchmark: {action.lower()} "
                    f"with partners, number {n}.",
                    "lead_sector": rng.choices(sectors, weights=(55, 20, 10, 15))[0],
                    "status": status,
                    "start_date": begin,
                    "end_date": finish,
                    "source": BENCH_SOURCE,
                    "note": None,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        codes = [c.code for c in countries]
        with self.engine.begin() as connection:
            _insert(connection, Initiative.__table__, rows)  # type: ignore[attr-defined]
            ids = connection.execute(
                sa.select(Initiative.id).where(Initiative.slug.like("bench-%"))  # type: ignore[attr-defined]
            ).scalars()
            links: dict[str, list[dict[str, Any]]] = {
                "objectives": [],
                "regional": [],
                "countries": [],
                "partners": [],
                "links": [],
                "milestones": [],
            }
            for initiative_id in ids:
                numbers = rng.sample(range(1, 6), rng.choices((1, 2, 3), weights=(5, 3, 1))[0])
                links["objectives"] += [
                    {
                        "initiative_id": initiative_id,
                        "objective_number": number,
                        "is_primary": i == 0,
                    }
                    for i, number in enumerate(numbers)
                ]
                if rng.random() < 0.35:
                    region = rng.choice(sorted(regional))
                    chosen = rng.sample(regional[region], min(len(regional[region]), 2))
                    links["regional"] += [
                        {"initiative_id": initiative_id, "regional_initiative_id": rid}
                        for rid in chosen[: rng.randint(1, len(chosen))]
                    ]
                if rng.random() < 0.6:
                    acting = rng.sample(codes, min(len(codes), rng.choice((1, 2, 3, 5, 8, 15, 30))))
                    links["countries"] += [
                        {"initiative_id": initiative_id, "geo_code": code} for code in acting
                    ]
                links["partners"] += [
                    {"initiative_id": initiative_id, "partner": partner}
                    for partner in rng.sample(PARTNERS, rng.choice((0, 1, 1, 2, 3, 4)))
                ]
                links["links"].append(
                    {
                        "initiative_id": initiative_id,
                        "label": "Programme page",
                        "url": f"https://www.itu.int/en/bench/{initiative_id}",
                    }
                )
                for m in range(rng.choice((0, 1, 2, 3, 4, 6, 8))):
                    due = date(2019 + m % 8, rng.randint(1, 12), 1)
                    done = due < date(2025, 1, 1) and rng.random() < 0.7
                    links["milestones"].append(
                        {
                            "initiative_id": initiative_id,
                            "title": f"Deliverable {m + 1}",
                            "due_date": due,
                            "done": done,
                            "done_date": due if done else None,
                            "version": 1,
                        }
                    )
            tables = {
                "objectives": InitiativeObjective,
                "regional": InitiativeRegionalInitiative,
                "countries": InitiativeCountry,
                "partners": InitiativePartner,
                "links": InitiativeLink,
                "milestones": Milestone,
            }
            for name, model in tables.items():
                _insert(connection, model.__table__, links[name])  # type: ignore[attr-defined]
                self.report.rows[f"initiative {name}"] = len(links[name])
        return len(rows)

    def plans(self) -> list[IndicatorPlan]:
        rng = self.rng
        with self.engine.connect() as connection:
            found = connection.execute(
                sa.select(
                    Indicator.id,
                    Indicator.code,
                    Indicator.unit,
                    Indicator.kind,
                    Indicator.direction,
                    Indicator.geographies,
                    Indicator.min_value,
                    Indicator.max_value,
                    Indicator.target_value,
                    Indicator.disaggregations,
                    Indicator.source,
                ).order_by(Indicator.id)
            ).all()
        plans = []
        for row in found:
            allowed = set(row.disaggregations or [])
            breakdowns = tuple(
                d
                for d in ("sex", "area")
                if d in allowed and row.unit == "percent" and (d == "sex" or rng.random() < 0.5)
            )
            late = int(rng.random() ** 2 * len(self.years) * 0.6)
            plans.append(
                IndicatorPlan(
                    id=row.id,
                    code=row.code,
                    unit=row.unit,
                    kind=row.kind,
                    direction=row.direction,
                    geographies=tuple(row.geographies or ["world"]),
                    min_value=row.min_value,
                    max_value=row.max_value,
                    target_value=row.target_value,
                    breakdowns=breakdowns,
                    source=row.source or BENCH_SOURCE,
                    start_year=self.years.start + late,
                    coverage=rng.uniform(0.7, 1.0),
                )
            )
        return plans

    def entries(self, countries: list[Country], authors: list[int], reviewers: list[int]) -> int:
        zone = "+00" if self.engine.dialect.name == "postgresql" else ""
        maker = EntryMaker(self.rng, authors, reviewers, zone)
        capacities = {c.code: self.rng.betavariate(6, 2) for c in countries}
        plans = self.plans()
        with self.engine.connect() as connection:
            initiatives = [
                (row.id, row.status, row.start_date)
                for row in connection.execute(
                    sa.select(Initiative.id, Initiative.status, Initiative.start_date).order_by(
                        Initiative.id
                    )
                )
            ]

        def rows() -> Iterator[tuple[Any, ...]]:
            for plan in plans:
                yield from indicator_entries(plan, countries, capacities, self.years, maker)
            yield from initiative_entries(initiatives, self.years, maker)

        return _write_entries(self.engine, rows())

    def finish(self) -> None:
        if self.engine.dialect.name == "postgresql":
            # A store that grew over years has been vacuumed by autovacuum (its visibility
            # map lets counts read indexes alone); one written in a minute has not yet.
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(sa.text("VACUUM ANALYZE"))
        with db.session_scope(self.engine) as session:
            record_change(
                session,
                actor=SYSTEM_ACTOR,
                action="generate bench data",
                entity="progressentry",
                entity_id="*",
                after={
                    "scale": self.scale.name,
                    "seed": self.report.seed,
                    "rows": self.report.rows.get("progress entries", 0),
                },
            )

    def run(self) -> GenerateReport:
        started = time.perf_counter()
        if not db.is_empty(self.engine):
            raise StoreNotEmpty(f"{self.report.url} is not empty: the generator fills new stores")
        self.timed("migrations", lambda: (db.upgrade(self.engine), 0)[1])
        self.timed(
            "reference rows",
            lambda: sum(bootstrap.seed(self.engine, with_demo=False).reference_rows.values()),
        )
        countries = self.countries()
        authors, reviewers = self.users()
        regional = self.regional_initiatives()
        self.timed("synthetic indicators", lambda: self.indicators(regional))
        self.timed("synthetic initiatives", lambda: self.initiatives(countries, regional))
        self.timed("progress entries", lambda: self.entries(countries, authors, reviewers))
        self.timed("summary", lambda: (self.finish(), 1)[1])
        self.report.rows["countries with data"] = len(countries)
        self.report.seconds = round(time.perf_counter() - started, 1)
        return self.report


def generate(url: str, *, scale: str = "small", seed: int = DEFAULT_SEED) -> GenerateReport:
    """Fill the empty store at `url` with the synthetic data of `scale`."""
    engine = db.make_engine(url)
    try:
        return Generator(engine, SCALES[scale], seed).run()
    finally:
        engine.dispose()


def remove_sqlite_store(url: str) -> None:
    """Delete a SQLite store file and its WAL companions (to regenerate it)."""
    path = Path(url.removeprefix("sqlite:///"))
    for candidate in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        candidate.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "url",
        nargs="?",
        help="SQLAlchemy URL of an empty store (default: bench/results/stores/sqlite-<scale>.db)",
    )
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--replace", action="store_true", help="delete an existing SQLite store file first"
    )
    args = parser.parse_args(argv)
    url = args.url or default_url("sqlite", args.scale)
    if args.replace and url.startswith("sqlite:///"):
        remove_sqlite_store(url)
    report = generate(url, scale=args.scale, seed=args.seed)
    print(report.summary())
    for name, seconds in report.table_seconds.items():
        print(f"  {name}: {seconds:.2f} s")


if __name__ == "__main__":
    main()
