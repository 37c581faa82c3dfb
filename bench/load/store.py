"""The store a load run serves, the deck its presenters show, and the write it publishes.

The store is a benchmark store of bench.generate: a PostgreSQL database of its own
(`gdc_load_<pid>`, created and dropped by the run) or a SQLite file. The write is one new
published value, made as an operator makes it: a one-row CSV file imported by the
product's CLI (`python -m gdc_tracker import FILE --state published`), which bumps the data
version every live view watches.
"""

import csv
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

from bench import generate
from gdc_tracker import auth, db, decks
from gdc_tracker.models import (
    TOTAL,
    Geography,
    GeographyKind,
    Indicator,
    ProgressEntry,
    ReviewState,
    Role,
    SlideKind,
    User,
)
from gdc_tracker.queries import overview

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DECK_SLUG = "load-benchmark"
PUBLISHER = generate.BENCH_USERS[Role.REVIEWER]  # a reviewer may publish directly
NEW_PERIOD = "2025"  # after the generated years (generate.LAST_YEAR), not in the future


@dataclass(frozen=True)
class Target:
    """The value a run publishes: a new period of a series that already has values."""

    indicator_code: str
    country_code: str
    country_name: str
    period: str
    value: float


@contextmanager
def postgres_store(server_url: str, scale: str) -> Iterator[str]:
    """A fresh database on `server_url`'s server holding a generated store; dropped after."""
    server = make_url(server_url)
    name = f"gdc_load_{os.getpid()}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(hide_password=False)
    try:
        generate.generate(url, scale=scale, seed=generate.DEFAULT_SEED)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def sqlite_store(folder: Path, scale: str) -> Iterator[str]:
    url = f"sqlite:///{folder / f'load-{scale}.db'}"
    generate.generate(url, scale=scale, seed=generate.DEFAULT_SEED)
    yield url


def _publisher(session: Session) -> auth.Identity:
    user = session.exec(select(User).where(User.username == PUBLISHER)).one()
    return auth.Identity(
        user_id=user.id, username=user.username, display_name=user.username, role=Role.REVIEWER
    )


def latest_country_totals(*extra: Any) -> Any:
    """(indicator code, country code, *extra, value) of every country series' published
    total in the last generated year: the series a run continues into NEW_PERIOD."""
    return (
        select(Indicator.code, Geography.code, *extra, ProgressEntry.value)
        .select_from(ProgressEntry)
        .join(Indicator, Indicator.id == ProgressEntry.indicator_id)
        .join(Geography, Geography.code == ProgressEntry.geo_code)
        .where(
            Geography.kind == str(GeographyKind.COUNTRY),
            ProgressEntry.review_state == str(ReviewState.PUBLISHED),
            ProgressEntry.year == generate.LAST_YEAR,
            ProgressEntry.disaggregation == TOTAL,
            ProgressEntry.value.is_not(None),  # type: ignore[union-attr]
        )
    )


def choose_target(url: str, number: int = 0) -> Target:
    """A country series' latest published total, to be continued into NEW_PERIOD: the
    `number`th such series, so that each step of a run publishes a value of its own."""
    engine = db.make_engine(url)
    try:
        with Session(engine) as session:
            row = session.exec(
                latest_country_totals(Geography.name)
                .order_by(ProgressEntry.geo_code, Indicator.code)
                .offset(number)
                .limit(1)
            ).one()
    finally:
        engine.dispose()
    code, country, name, value = row
    return Target(code, country, name, NEW_PERIOD, round(float(value), 2))


def published_values(url: str) -> int:
    """Overview's "Published values", read with the query the page uses."""
    engine = db.make_engine(url)
    try:
        with Session(engine) as session:
            return int(overview.headline(session)["published_entries"])  # type: ignore[call-overload]
    finally:
        engine.dispose()


def save_deck(url: str, target: Target, number: int = 0) -> str:
    """A one-slide deck on the target's indicator and country, as a presenter shows it;
    its slug."""
    engine = db.make_engine(url)
    slide = decks.Slide(
        kind=str(SlideKind.INDICATOR),
        params={"indicator": target.indicator_code, "geo": [target.country_code]},
    )
    slug = f"{DECK_SLUG}-{number}"
    content = decks.DeckContent(slug=slug, title=f"Load benchmark {number}", slides=(slide,))
    try:
        with db.session_scope(engine) as session:
            decks.save_deck(session, content, by=_publisher(session))
    finally:
        engine.dispose()
    return slug


def publish(url: str, target: Target, folder: Path) -> float:
    """Import the target value as published with the CLI; the time.monotonic() it returned.

    Raises CalledProcessError (with the CLI's output) when the import is refused."""
    path = folder / f"publish-{time.time_ns()}.csv"
    with path.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["country", "period", "value"])
        writer.writerow([target.country_code, target.period, target.value])
    command = [
        sys.executable,
        "-m",
        "gdc_tracker",
        "import",
        str(path),
        "--indicator",
        target.indicator_code,
        "--state",
        str(ReviewState.PUBLISHED),
        "--as-user",
        PUBLISHER,
        "--source",
        "GDC Tracker load benchmark",
    ]
    env = {**os.environ, "GDC_TRACKER_DATABASE_URL": url}
    subprocess.run(command, cwd=PROJECT_ROOT, env=env, check=True, capture_output=True, text=True)
    return time.monotonic()
