"""Cached access to the store: the engine once per process, query results per data version.

`load(query, data_version, **arguments)` runs any function of gdc_tracker.queries (which
take a Session first and plain keyword arguments) and caches its result under the query's
name, its arguments, the data version and the reader's language (a view's titles and
summaries are in its reader's). When any process writes, the version moves and the next
rerun misses the cache, so a write is visible to every reader at their next
rerun. The ttl only bounds memory, never freshness.

On PostgreSQL every statement the app sends is cancelled after
`STATEMENT_TIMEOUT_MS`, so a page read stuck behind a lock (a migration, a long import,
someone's `LOCK TABLE`) ends in the frame's "the store is busy" message instead of a page
greyed for as long as the lock lasts.
"""

import importlib
from collections.abc import Callable
from typing import Any, TypeVar

import altair as alt
import sqlalchemy as sa
import streamlit as st
from sqlalchemy.engine import Engine

from gdc_tracker import bootstrap, config, db, live
from gdc_tracker.chart_locale import localise_chart
from gdc_tracker.config import Settings
from gdc_tracker.i18n import current_language, speaking
from gdc_tracker.queries import overview

TTL_SECONDS = config.load().cache_ttl_seconds
# The longest one statement of the web process may run on PostgreSQL. The slowest page
# query on the large benchmark store (948,767 entries) takes well under a second and a
# whole cold page under 0.7 s (bench/PERFORMANCE.md), so 15 s never cuts a real read
# short, yet a reader behind a lock hears within seconds why nothing appears. Writes wait
# for locks only `db.POSTGRESQL_LOCK_TIMEOUT` (5 s), so this bounds them only when they
# run long, not when they wait; the CLI and the benchmark use engines of their own.
STATEMENT_TIMEOUT_MS = 15_000
Result = TypeVar("Result")


@st.cache_resource
def get_settings() -> Settings:
    return config.load()


@st.cache_resource(show_spinner="Opening the store…")
def get_engine() -> Engine:
    engine = bootstrap.prepare_store(get_settings())
    if engine.dialect.name == "postgresql":
        limit_statements(engine, STATEMENT_TIMEOUT_MS)
    return engine


def limit_statements(engine: Engine, milliseconds: int) -> None:
    """Cancel any statement of `engine` that runs longer than `milliseconds` (PostgreSQL).

    Set once per connection, when it opens, so a read costs no extra round trip. The store
    was prepared (migrated, seeded) before the limit, whose connections are closed here so
    that every connection the pages use has it.
    """

    def _limit(dbapi_connection: Any, _record: Any) -> None:
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True  # a SET inside a rolled-back transaction is undone
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {int(milliseconds)}")
        dbapi_connection.autocommit = autocommit

    sa.event.listen(engine, "connect", _limit)
    engine.dispose()


def current_data_versions() -> tuple[int, int]:
    """(version, public version): one primary-key read per rerun; not cached, by design."""
    return db.read_data_versions(get_engine())


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=2_000)
def _run(
    module: str,
    name: str,
    data_version: int,
    public: bool,  # data_version is the public one (a view marked live.published_only)
    language: str,
    arguments: tuple[tuple[str, Any], ...],
) -> Any:
    query = getattr(importlib.import_module(module), name)
    with speaking(language), db.session_scope(get_engine()) as session:
        return query(session, **dict(arguments))


def load(query: Callable[..., Result], data_version: int, **arguments: Any) -> Result:
    """The cached result of `query(session, **arguments)` at `data_version` (the public
    data version for a view marked `live.published_only`: the key says which).

    Arguments must be hashable plain values (tuples, not lists), so the key is exact.
    """
    return _run(
        query.__module__,
        query.__name__,
        data_version,
        live.reads_published_only(query),
        current_language(),
        tuple(sorted(arguments.items())),
    )


ChartSpec = dict[str, Any]


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=500)
def _chart_spec(
    module: str,
    name: str,
    language: str,
    arguments: tuple[Any, ...],
    keywords: tuple[tuple[str, Any], ...],
) -> ChartSpec:
    chart = getattr(importlib.import_module(module), name)(*arguments, **dict(keywords))
    # Altair's default data transformer refuses more than 5,000 rows, where st.altair_chart
    # has no limit: a long choice (every country over 25 years) must draw, not fail.
    with alt.data_transformers.disable_max_rows():
        return localise_chart(chart.to_dict(), language)


def chart_spec(builder: Callable[..., Any], *arguments: Any, **keywords: Any) -> ChartSpec:
    """The Vega-Lite specification of `builder(*arguments, **keywords)`, an Altair chart,
    built and validated once for the same arguments.

    Building and validating an Altair chart costs tens of milliseconds, more than the rest
    of a cached rerun. The arguments (DataFrames included) are hashed by Streamlit, so a
    chart drawn from new data is built anew: the key follows the data, not a version.
    """
    return _chart_spec(
        builder.__module__,
        builder.__name__,
        current_language(),
        arguments,
        tuple(sorted(keywords.items())),
    )


def clear() -> None:
    """Forget every cached result (after a write in this process, or in tests)."""
    _run.clear()
    _chart_spec.clear()
    overview.forget_assessments()
