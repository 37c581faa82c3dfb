"""Profile one page's script run (cProfile), as bench.run measures it, and its SQL.

    python -m bench.profile pages/objectives.py --scale large --state cold
    python -m bench.profile app.py --state warm --sort tottime --limit 40
    python -m bench.profile app.py --sql   # the slowest statements, who ran them, their plans

AppTest runs the page in a thread of its own; every thread started while profiling gets
its own cProfile.Profile, and their statistics are merged. The report lists the functions
of the project (gdc_tracker, pages, app.py) first, then everything, by cumulative time.
"""

import argparse
import cProfile
import io
import pstats
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from bench import measure
from bench.stores import stores
from gdc_tracker.models import Role
from gdc_tracker.ui.navigation import PAGES
from gdc_tracker.ui.session import IDENTITY_KEY

PROJECT = str(Path(__file__).resolve().parents[1])


def profiled_run(at: AppTest) -> pstats.Stats:
    """One `at.run()`, with every thread it starts profiled."""
    profiles: list[cProfile.Profile] = []
    original = threading.Thread.run

    def run(thread: threading.Thread) -> None:
        profile = cProfile.Profile()
        profiles.append(profile)
        profile.enable()
        try:
            original(thread)
        finally:
            profile.disable()

    threading.Thread.run = run  # type: ignore[method-assign]
    main = cProfile.Profile()
    try:
        main.enable()
        at.run()
        main.disable()
    finally:
        threading.Thread.run = original  # type: ignore[method-assign]
    stats = pstats.Stats(main)
    for profile in profiles:
        stats.add(profile)
    return stats


@dataclass
class Statement:
    sql: str
    parameters: Any
    caller: str
    started: float
    ms: float = 0.0


@dataclass
class SqlLog:
    statements: list[Statement] = field(default_factory=list)


def _caller() -> str:
    """The innermost project function (a query, usually) on the stack."""
    for frame in reversed(traceback.extract_stack()):
        if f"{PROJECT}/gdc_tracker/" in frame.filename and "/ui/" not in frame.filename:
            return f"{Path(frame.filename).relative_to(PROJECT)}:{frame.lineno} {frame.name}"
    return "?"


@contextmanager
def sql_log() -> Iterator[SqlLog]:
    """Every statement any engine runs, with its duration and the function that ran it."""
    log = SqlLog()

    def before(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        log.statements.append(Statement(statement, parameters, _caller(), time.perf_counter()))

    def after(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if log.statements and log.statements[-1].sql == statement:
            entry = log.statements[-1]
            entry.ms = (time.perf_counter() - entry.started) * 1000

    sa.event.listen(Engine, "before_cursor_execute", before)
    sa.event.listen(Engine, "after_cursor_execute", after)
    try:
        yield log
    finally:
        sa.event.remove(Engine, "before_cursor_execute", before)
        sa.event.remove(Engine, "after_cursor_execute", after)


def explain(url: str, statement: Statement) -> list[str]:
    from gdc_tracker import db

    engine = db.make_engine(url)
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                rows = connection.exec_driver_sql(
                    "EXPLAIN QUERY PLAN " + statement.sql, statement.parameters
                )
                return [str(row[3]) for row in rows]
            rows = connection.exec_driver_sql("EXPLAIN " + statement.sql, statement.parameters)
            return [str(row[0]) for row in rows]
    finally:
        engine.dispose()


def sql_report(log: SqlLog, url: str, limit: int) -> str:
    total = sum(s.ms for s in log.statements)
    lines = [f"--- SQL: {len(log.statements)} statements, {total:.0f} ms in all ---"]
    for statement in sorted(log.statements, key=lambda s: -s.ms)[:limit]:
        lines.append(f"{statement.ms:8.1f} ms  {statement.caller}")
        lines.append("    " + " ".join(statement.sql.split())[:400])
        lines += ["      plan: " + line for line in explain(url, statement)]
    return "\n".join(lines)


def report(stats: pstats.Stats, sort: str, limit: int) -> str:
    out = io.StringIO()
    stats.stream = out  # type: ignore[attr-defined]
    stats.sort_stats(sort)
    out.write("--- project functions ---\n")
    stats.print_stats(rf"{PROJECT}/(gdc_tracker|pages|app\.py)", limit)
    out.write("--- everything ---\n")
    stats.print_stats(limit)
    return out.getvalue()


def main(argv: list[str] | None = None) -> None:
    from streamlit import config

    config.set_option("logger.level", "error")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", help="app.py or pages/<name>.py")
    parser.add_argument("--scale", default="large")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--url")
    parser.add_argument("--state", choices=("cold", "warm"), default="cold")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--limit", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument("--sql", action="store_true", help="list the slowest SQL statements")
    args = parser.parse_args(argv)
    spec = next(p for p in PAGES if p.path == args.page)
    with stores(args.backend, args.url, keep=args.keep) as get_store:
        store = get_store(args.scale)
        with measure.app_store(store.url), measure.script_clock():
            at = AppTest.from_file(str(measure.APP), default_timeout=measure.APPTEST_TIMEOUT)
            if spec.role is not None:
                from gdc_tracker import db

                engine = db.make_engine(store.url)
                at.session_state[IDENTITY_KEY] = measure.identities(engine)[Role(spec.role)]
                engine.dispose()
            measure._run_page(at, spec)
            if args.state == "cold":
                measure.clear_caches()
            else:
                at.run()
            with sql_log() as log:
                stats = profiled_run(at)
            if args.sql:
                print(sql_report(log, store.url, min(args.limit, 15)))
            else:
                print(report(stats, args.sort, args.limit))


if __name__ == "__main__":
    main()
