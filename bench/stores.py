"""The stores a benchmark run measures: SQLite files under bench/results/stores/, or
schemas of a dedicated PostgreSQL database `gdc_bench` that the run creates and drops."""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from bench import generate
from gdc_tracker import db
from gdc_tracker.models import ProgressEntry

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BENCH_DATABASE = "gdc_bench"


@dataclass(frozen=True)
class Store:
    backend: str
    scale: str
    url: str
    entries: int
    generated_seconds: float | None  # None: an existing store was reused

    @property
    def shown_url(self) -> str:
        return make_url(self.url).render_as_string(hide_password=True)


def count_entries(url: str) -> int:
    engine = db.make_engine(url)
    try:
        with engine.connect() as connection:
            return int(
                connection.execute(
                    sa.select(sa.func.count()).select_from(ProgressEntry)
                ).scalar_one()
            )
    finally:
        engine.dispose()


def _reuse(backend: str, scale: str, url: str) -> Store:
    """An existing store, migrated to the code's schema first (the app refuses a stale one)."""
    engine = db.make_engine(url)
    try:
        if db.current_revision(engine) != db.head_revision():
            started = time.perf_counter()
            db.upgrade(engine)
            seconds = time.perf_counter() - started
            print(f"  {scale} store migrated to {db.head_revision()} ({seconds:.0f} s)")
    finally:
        engine.dispose()
    return Store(backend, scale, url, count_entries(url), None)


def _build(backend: str, scale: str, url: str, seed: int) -> Store:
    report = generate.generate(url, scale=scale, seed=seed)
    print(f"  generated: {report.summary()}")
    return Store(backend, scale, url, report.rows["progress entries"], report.seconds)


def sqlite_store(
    scale: str, *, regenerate: bool = False, seed: int = generate.DEFAULT_SEED
) -> Store:
    """The SQLite store of `scale`, generated when missing (or when asked to)."""
    url = generate.default_url("sqlite", scale)
    if regenerate:
        generate.remove_sqlite_store(url)
    engine = db.make_engine(url)
    empty = db.is_empty(engine)
    engine.dispose()
    if empty:
        return _build("sqlite", scale, url, seed)
    return _reuse("sqlite", scale, url)


class PostgresStores:
    """One schema per scale (`s_<scale>`) in the database `gdc_bench` on the server of `url`."""

    def __init__(self, url: str, *, keep: bool = False, seed: int = generate.DEFAULT_SEED) -> None:
        self.server = make_url(url)
        self.keep = keep
        self.seed = seed
        self.admin = sa.create_engine(self.server, isolation_level="AUTOCOMMIT")

    def _database_url(self, schema: str | None = None) -> URL:
        query = {"options": f"-csearch_path={schema}"} if schema else {}
        return self.server.set(database=BENCH_DATABASE, query=query)

    def create(self) -> None:
        with self.admin.connect() as connection:
            exists = connection.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                {"name": BENCH_DATABASE},
            ).first()
            if not exists:
                connection.execute(sa.text(f'CREATE DATABASE "{BENCH_DATABASE}"'))

    def drop(self) -> None:
        with self.admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)'))
        self.admin.dispose()

    def store(self, scale: str, *, regenerate: bool = False) -> Store:
        schema = f"s_{scale}"
        engine = sa.create_engine(self._database_url(), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            if regenerate:
                connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            connection.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        engine.dispose()
        url = self._database_url(schema).render_as_string(hide_password=False)
        probe = db.make_engine(url)
        empty = db.is_empty(probe)
        probe.dispose()
        if empty:
            return _build("postgresql", scale, url, self.seed)
        return _reuse("postgresql", scale, url)


@contextmanager
def stores(
    backend: str, url: str | None, *, keep: bool = False, seed: int = generate.DEFAULT_SEED
) -> Iterator[Any]:
    """A function scale -> Store for the backend; PostgreSQL's database is dropped at the
    end unless `keep`."""
    if backend == "sqlite":
        yield lambda scale, regenerate=False: sqlite_store(scale, regenerate=regenerate, seed=seed)
        return
    postgres = PostgresStores(url or DEFAULT_POSTGRES_URL, keep=keep, seed=seed)
    postgres.create()
    try:
        yield postgres.store
    finally:
        if not keep:
            started = time.perf_counter()
            postgres.drop()
            print(f"  dropped database {BENCH_DATABASE} ({time.perf_counter() - started:.1f} s)")
