"""The measurements of a benchmark run, each against one store.

- Pages: the server-side script run of every page (run by AppTest, timed around
  Streamlit's ScriptRunner._run_script, see ScriptClock), cold (Streamlit's data caches
  empty, as after a write) and warm (cache hit), with two yardstick pages measured in
  between under the same machine load: an empty Streamlit page and DESIGN.md's reference
  page (one chart of 1,000 points and a table). CPU times are the script thread's, which a
  loaded machine disturbs less than wall-clock times.
- Browser: Overview in headless Chromium until its two charts are drawn and the script is
  idle: the first visitor after a server start, later visitors (warm caches), and the
  visitor right after a write made by another process (cold caches; the write must show).
- Memory: the server's peak RSS (VmHWM) after every page was opened once.
- Saving one progress entry and importing 10,000 rows from CSV and from Excel.

Writes made to measure (saved entries, imported rows, the published entry of the
freshness check) are deleted again afterwards, so a store can be measured many times.
"""

import io
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import streamlit as st
from sqlalchemy.engine import Engine
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from bench.generate import BENCH_PASSWORD, BENCH_USERS
from bench.stores import Store
from gdc_tracker import auth, db, entries
from gdc_tracker.auth import Identity
from gdc_tracker.models import Geography, GeographyKind, Indicator, ProgressEntry, Role, User
from gdc_tracker.queries import overview
from gdc_tracker.ui.navigation import PAGES, PageSpec
from gdc_tracker.ui.session import IDENTITY_KEY

PROJECT_ROOT = Path(__file__).resolve().parents[1]
APP = PROJECT_ROOT / "app.py"
EMPTY_PAGE = 'import streamlit as st\n\nst.text("An empty page.")\n'
# DESIGN.md's second yardstick: "a page with one chart of 1,000 points and a table".
REFERENCE_PAGE = """
import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

st.title("Reference page")
rng = np.random.default_rng(1)
data = pd.DataFrame(
    {"x": np.arange(1000), "y": rng.normal(size=1000).cumsum(), "g": rng.choice(list("abcd"), 1000)}
)
st.altair_chart(alt.Chart(data).mark_line().encode(x="x:Q", y="y:Q", color="g:N"))
st.dataframe(data)
"""
APPTEST_TIMEOUT = 600  # seconds: a cold page on a loaded machine must not time out
BROWSER_TIMEOUT_MS = 180_000
SAVE_INDICATOR = "UMC_INTERNET_USE"
IMPORT_ROWS = 10_000
IMPORT_YEARS = range(1990, 2000)  # before any generated data: every imported cell is new
FULL_RENDER = (
    "() => { const app = document.querySelector(\"[data-testid='stApp']\");"
    " return !!app && app.getAttribute('data-test-connection-state') === 'CONNECTED'"
    " && app.getAttribute('data-test-script-state') === 'notRunning'"
    " && !document.querySelector(\"[data-testid='stSkeleton']\")"
    " && !document.querySelector(\"[data-testid='stStatusWidget']\")"
    " && document.querySelectorAll('svg.marks').length >= 2; }"
)


def clear_caches() -> None:
    """Forget every cached result, as a write does: Streamlit's data caches and the series
    assessments `queries.overview` keeps (a cold run assesses anew)."""
    st.cache_data.clear()
    overview.forget_assessments()


@dataclass
class Samples:
    """Wall-clock and process CPU times (ms) of repeated runs."""

    wall_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)

    def add(self, wall: float, cpu: float) -> None:
        self.wall_ms.append(round(wall, 2))
        self.cpu_ms.append(round(cpu, 2))

    @property
    def median(self) -> float | None:
        return round(statistics.median(self.wall_ms), 2) if self.wall_ms else None

    @property
    def cpu_median(self) -> float | None:
        return round(statistics.median(self.cpu_ms), 2) if self.cpu_ms else None

    def as_dict(self) -> dict[str, Any]:
        if not any(self.cpu_ms):  # wall-clock only (browser visits)
            return {"median_ms": self.median, "samples_ms": self.wall_ms}
        return {
            "median_ms": self.median,
            "cpu_median_ms": self.cpu_median,
            "samples_ms": self.wall_ms,
        }


class ScriptClock:
    """Times what a server does for a rerun: ScriptRunner._run_script (compile from the script
    cache, execute, serialise every element), wall-clock and the script thread's CPU time.

    AppTest adds its own work around that (polling for the end of the run, parsing the
    element tree) and builds a new script cache for every run, where a server keeps one
    for its lifetime; `script_clock()` takes those out, so the numbers are the server's.
    """

    def __init__(self) -> None:
        self.runs: list[tuple[float, float]] = []

    def measure(self, action: Callable[[], object]) -> tuple[float, float]:
        """(wall ms, CPU ms) of the script runs `action` caused (a rerun may run twice)."""
        start = len(self.runs)
        action()
        done = self.runs[start:]
        return sum(w for w, _ in done), sum(c for _, c in done)


@contextmanager
def script_clock() -> Iterator[ScriptClock]:
    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test

    clock = ScriptClock()
    original = script_runner.ScriptRunner._run_script
    shared = ScriptCache()

    def timed_run(runner: Any, rerun_data: Any) -> None:
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            original(runner, rerun_data)
        finally:
            clock.runs.append(
                ((time.perf_counter() - wall) * 1000, (time.thread_time() - cpu) * 1000)
            )

    script_runner.ScriptRunner._run_script = timed_run  # type: ignore[method-assign]
    app_test.ScriptCache = lambda: shared  # type: ignore[assignment,misc]
    try:
        yield clock
    finally:
        script_runner.ScriptRunner._run_script = original  # type: ignore[method-assign]
        app_test.ScriptCache = ScriptCache  # type: ignore[misc]


def timed(action: Callable[[], object]) -> tuple[float, float]:
    """(wall ms, process CPU ms) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def available_pages() -> list[PageSpec]:
    """The registered pages whose file exists (others may still be being written)."""
    return [spec for spec in PAGES if (PROJECT_ROOT / spec.path).exists()]


def identities(engine: Engine) -> dict[Role, Identity]:
    """The bench accounts of the store, by role."""
    found: dict[Role, Identity] = {}
    with db.session_scope(engine) as session:
        for role, username in BENCH_USERS.items():
            user = session.execute(sa.select(User).where(User.username == username)).scalar_one()
            found[role] = auth.identity_of(user)
    return found


# --- pages (AppTest) ------------------------------------------------------------------------


@dataclass
class PageResult:
    title: str
    path: str
    role: str | None
    first_ms: float | None = None
    cold: Samples = field(default_factory=Samples)
    warm: Samples = field(default_factory=Samples)
    error: str | None = None


@contextmanager
def app_store(url: str) -> Iterator[None]:
    """Point the app at `url`, with Streamlit's caches empty before and after."""
    previous = os.environ.get("GDC_TRACKER_DATABASE_URL")
    os.environ["GDC_TRACKER_DATABASE_URL"] = url
    clear_caches()
    st.cache_resource.clear()
    try:
        yield
    finally:
        clear_caches()
        st.cache_resource.clear()
        if previous is None:
            os.environ.pop("GDC_TRACKER_DATABASE_URL", None)
        else:
            os.environ["GDC_TRACKER_DATABASE_URL"] = previous


def _problem(at: AppTest) -> str | None:
    if at.exception:
        return "exception: " + str(at.exception[0].value).splitlines()[0][:300]
    refused = [e.value for e in at.error if "This page is for users" in str(e.value)]
    return "refused: " + refused[0][:200] if refused else None


def _run_page(at: AppTest, spec: PageSpec) -> None:
    at.run()
    if spec.path != "app.py":
        at.switch_page(spec.path).run()


@dataclass
class Yardstick:
    """A fixed page run between the measured ones, so both see the same machine load."""

    app: AppTest
    samples: Samples = field(default_factory=Samples)

    @classmethod
    def of(cls, source: str) -> "Yardstick":
        app = AppTest.from_string(source, default_timeout=APPTEST_TIMEOUT)
        app.run()
        return cls(app)


def measure_page(
    spec: PageSpec,
    identity: Identity | None,
    runs: int,
    yardsticks: list[Yardstick],
    clock: ScriptClock,
) -> PageResult:
    """Cold runs (data caches cleared before each), then warm runs, each after one run of
    every yardstick page (the empty page and the reference page)."""
    result = PageResult(spec.title, spec.path, str(spec.role) if spec.role else None)
    at = AppTest.from_file(str(APP), default_timeout=APPTEST_TIMEOUT)
    if identity is not None:
        at.session_state[IDENTITY_KEY] = identity
    clear_caches()
    result.first_ms = round(clock.measure(lambda: _run_page(at, spec))[0], 1)
    result.error = _problem(at)
    if result.error:
        return result
    for samples, clear in ((result.cold, True), (result.warm, False)):
        for _ in range(runs):
            for yardstick in yardsticks:
                yardstick.samples.add(*clock.measure(yardstick.app.run))
            if clear:
                clear_caches()
            samples.add(*clock.measure(at.run))
    result.error = _problem(at)
    return result


@dataclass
class StoreRun:
    """One store's page results and yardsticks, in a run that may measure several stores."""

    store: Store
    people: dict[Role, Identity]
    empty: Yardstick
    reference: Yardstick
    results: list[PageResult] = field(default_factory=list)

    @property
    def yardsticks(self) -> dict[str, Samples]:
        return {"empty": self.empty.samples, "reference": self.reference.samples}


def measure_pages(stores: list[Store], runs: int) -> dict[str, StoreRun]:
    """Every available page on every store, as the visitor its role needs (anonymous if
    none). Stores alternate page by page, so a growth ratio compares times taken under the
    same machine load; each store has its own yardsticks, run between its page runs."""
    runs_by_scale: dict[str, StoreRun] = {}
    with script_clock() as clock:
        for store in stores:
            engine = db.make_engine(store.url)
            runs_by_scale[store.scale] = StoreRun(
                store, identities(engine), Yardstick.of(EMPTY_PAGE), Yardstick.of(REFERENCE_PAGE)
            )
            engine.dispose()
        for spec in available_pages():
            for run in runs_by_scale.values():
                identity = run.people[spec.role] if spec.role else None
                with app_store(run.store.url):
                    result = measure_page(spec, identity, runs, [run.empty, run.reference], clock)
                state = (
                    result.error or f"cold {result.cold.median} ms, warm {result.warm.median} ms"
                )
                print(f"  {run.store.scale:>5} {spec.title:<22} {state}")
                run.results.append(result)
    return runs_by_scale


# --- writes ---------------------------------------------------------------------------------


def _delete_entries(engine: Engine, ids: list[int]) -> None:
    """Take measured writes out again (their audit records stay: they are append-only)."""
    with db.session_scope(engine) as session:
        for start in range(0, len(ids), 5_000):
            session.execute(
                sa.delete(ProgressEntry).where(ProgressEntry.id.in_(ids[start : start + 5_000]))  # type: ignore[union-attr]
            )
        db.bump_data_version(session)


BENCH_SOURCES = ("Benchmark import", "GDC Tracker benchmark")


def remove_leftovers(engine: Engine) -> None:
    """Entries an interrupted run left behind (its clean-up never ran)."""
    with engine.connect() as connection:
        ids = list(
            connection.execute(
                sa.select(ProgressEntry.id).where(
                    ProgressEntry.year < IMPORT_YEARS.stop,
                    ProgressEntry.source.in_(BENCH_SOURCES),  # type: ignore[attr-defined]
                )
            ).scalars()
        )
    if ids:
        _delete_entries(engine, ids)


def _free_cells(engine: Engine, count: int) -> list[tuple[str, str]]:
    """(country, month) cells of SAVE_INDICATOR with no entry yet, in the 1990s."""
    with engine.connect() as connection:
        countries = list(
            connection.execute(
                sa.select(Geography.code)
                .where(Geography.kind == GeographyKind.COUNTRY)
                .order_by(Geography.code)
            ).scalars()
        )
        taken = set(
            connection.execute(
                sa.select(ProgressEntry.geo_code, ProgressEntry.period)
                .join(Indicator, Indicator.id == ProgressEntry.indicator_id)
                .where(Indicator.code == SAVE_INDICATOR, ProgressEntry.year < 2000)
            ).all()
        )
    cells = [
        (country, f"{year}-{month:02d}")
        for year in IMPORT_YEARS
        for month in range(1, 13)
        for country in countries
    ]
    return [cell for cell in cells if cell not in taken][:count]


def measure_save(store: Store, runs: int) -> dict[str, Any]:
    """`entries.add_entry` of a new value, one transaction each (commit included)."""
    engine = db.make_engine(store.url)
    remove_leftovers(engine)
    editor = identities(engine)[Role.EDITOR]
    samples, ids = Samples(), []
    try:
        for geo, period in _free_cells(engine, runs):
            draft = entries.EntryDraft(
                period=period,
                indicator_code=SAVE_INDICATOR,
                geo_code=geo,
                value=42.5,
                source=BENCH_SOURCES[1],
            )

            def save(draft: entries.EntryDraft = draft) -> None:
                with db.session_scope(engine) as session:
                    ids.append(int(entries.add_entry(session, draft, by=editor).id or 0))

            samples.add(*timed(save))
    finally:
        _delete_entries(engine, ids)
        engine.dispose()
    return samples.as_dict() | {"runs": len(samples.wall_ms)}


def _import_file(engine: Engine, kind: str, count: int) -> bytes:
    """`count` new observations (long layout) of percent indicators by country."""
    with engine.connect() as connection:
        codes = list(
            connection.execute(
                sa.select(Indicator.code)
                .where(Indicator.unit == "percent", Indicator.is_active)
                .order_by(Indicator.code)
            ).scalars()
        )
        countries = list(
            connection.execute(
                sa.select(Geography.code)
                .where(Geography.kind == GeographyKind.COUNTRY)
                .order_by(Geography.code)
            ).scalars()
        )
    rows = [
        (code, country, year, round(5 + (i * 7.3) % 90, 2), BENCH_SOURCES[0])
        for i, (code, country, year) in enumerate(
            (code, country, year)
            for code in codes
            for country in countries
            for year in IMPORT_YEARS
        )
    ][:count]
    header = ("Indicator code", "Country code", "Year", "Value", "Source")
    if kind == "csv":
        lines = [",".join(header)] + [",".join(str(v) for v in row) for row in rows]
        return ("\n".join(lines) + "\n").encode()
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("data")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def measure_import(store: Store, runs: int, rows: int = IMPORT_ROWS) -> dict[str, Any]:
    """read_table, guess_mapping, preview and commit of `rows` rows, in one transaction.

    The importer writes one audit record per row, and audit records cannot be deleted: so
    the transaction is rolled back after the importer's commit step has written and flushed
    every row, instead of being committed. What is left out is the COMMIT itself (one
    write-ahead-log flush), which keeps the store, audit trail included, as it was.
    """
    try:
        from gdc_tracker import importing
    except ImportError:
        return {"error": "not measured: importer missing"}
    engine = db.make_engine(store.url)
    remove_leftovers(engine)
    editor = identities(engine)[Role.EDITOR]
    results: dict[str, Any] = {}
    try:
        with engine.connect() as connection:
            codes = list(connection.execute(sa.select(Indicator.code)).scalars())
        for kind in ("csv", "xlsx"):
            data = _import_file(engine, kind, rows)
            samples, outcome = Samples(), {}
            for _ in range(runs):
                with Session(engine) as session:

                    def run_import(
                        data: bytes = data,
                        kind: str = kind,
                        session: Session = session,
                        outcome: dict[str, Any] = outcome,
                    ) -> None:
                        frame = importing.read_table(data, f"bench.{kind}")
                        mapping = importing.guess_mapping(frame, indicator_codes=codes)
                        preview = importing.preview(session, frame, mapping, by=editor)
                        result = importing.commit(session, preview, by=editor)
                        session.flush()
                        outcome.update(added=result.added, rejected=preview.rejected_rows)

                    samples.add(*timed(run_import))
                    session.rollback()
            results[kind] = samples.as_dict() | {"rows": rows, **outcome}
    except Exception as error:  # another helper's module, still changing: report, not crash
        results["error"] = f"{error.__class__.__name__}: {str(error).splitlines()[0][:300]}"
    finally:
        engine.dispose()
    return results


# --- browser and memory ---------------------------------------------------------------------


def _children() -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        text = (task / "children").read_text().split()
        found |= {int(pid) for pid in text}
    return found


def memory_of(pid: int) -> dict[str, float]:
    """VmHWM (peak resident set) and VmRSS of a process, in MB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            values[key] = round(int(rest.split()[0]) / 1024, 1)
    return values


def _published_count(page: Any) -> int | None:
    metric = page.locator("[data-testid='stMetric']").filter(has_text="Published values")
    text = metric.locator("[data-testid='stMetricValue']").inner_text()
    digits = "".join(ch for ch in text if ch.isdigit())
    return int(digits) if digits else None


def render_overview(browser: Any, base: str) -> tuple[float, int | None]:
    """Open Overview in a new browser context; ms until fully drawn, and its entry count."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    try:
        page = context.new_page()
        started = time.perf_counter()
        page.goto(base + "/")
        page.wait_for_function(FULL_RENDER, timeout=BROWSER_TIMEOUT_MS)
        elapsed = (time.perf_counter() - started) * 1000
        return round(elapsed, 1), _published_count(page)
    finally:
        context.close()


@contextmanager
def published_entry(url: str) -> Iterator[int]:
    """A value added, submitted and published by this process (another one than the
    server's); deleted again on exit."""
    engine = db.make_engine(url)
    people = identities(engine)
    cell = _free_cells(engine, 1)[0]
    with db.session_scope(engine) as session:
        entry = entries.add_entry(
            session,
            entries.EntryDraft(
                period=cell[1],
                indicator_code=SAVE_INDICATOR,
                geo_code=cell[0],
                value=50.0,
                source=BENCH_SOURCES[1],
            ),
            by=people[Role.EDITOR],
            submit=True,
        )
        entries.review(
            session,
            int(entry.id or 0),
            "publish",
            expected_version=entry.version,
            by=people[Role.REVIEWER],
        )
        entry_id = int(entry.id or 0)
    try:
        yield entry_id
    finally:
        _delete_entries(engine, [entry_id])
        engine.dispose()


def _sign_in(page: Any) -> None:
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_text("Sign in (secretariat staff)").click()
    sidebar.get_by_role("textbox", name="User name").fill(BENCH_USERS[Role.ADMIN])
    sidebar.get_by_role("textbox", name="Password").fill(BENCH_PASSWORD)
    sidebar.get_by_role("button", name="Sign in", exact=True).click()
    sidebar.get_by_text("Signed in as").wait_for(timeout=BROWSER_TIMEOUT_MS)


def open_every_page(browser: Any, base: str) -> list[str]:
    """Sign in as the bench admin and follow the sidebar to every available page (one
    Streamlit session throughout, as a person would); return the pages opened."""
    from tests.browser import wait_until_rendered

    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    opened = []
    try:
        page = context.new_page()
        page.set_default_timeout(BROWSER_TIMEOUT_MS)
        page.goto(base + "/")
        wait_until_rendered(page)
        _sign_in(page)
        wait_until_rendered(page)
        for spec in available_pages():
            link = page.locator("[data-testid='stSidebar']").get_by_role("link", name=spec.title)
            link.first.click()
            wait_until_rendered(page)
            if page.locator("[data-testid='stException']").count() == 0:
                opened.append(spec.title)
    finally:
        context.close()
    return opened


EMPTY_RENDER = (
    "() => { const app = document.querySelector(\"[data-testid='stApp']\");"
    " return !!app && app.getAttribute('data-test-connection-state') === 'CONNECTED'"
    " && app.getAttribute('data-test-script-state') === 'notRunning'"
    " && document.body.innerText.includes('An empty page.'); }"
)


@contextmanager
def empty_page_server() -> Iterator[str]:
    """`streamlit run` of the empty page (the browser's yardstick) on a free port."""
    from tests.browser import streamlit_server

    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "empty_page.py"
        script.write_text(EMPTY_PAGE)
        with streamlit_server(None, script=str(script), cwd=Path(folder)) as base:
            yield base


def render_empty_page(browser: Any, base: str) -> float:
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    try:
        page = context.new_page()
        started = time.perf_counter()
        page.goto(base + "/")
        page.wait_for_function(EMPTY_RENDER, timeout=BROWSER_TIMEOUT_MS)
        return round((time.perf_counter() - started) * 1000, 1)
    finally:
        context.close()


def measure_browser(store: Store, visits: int, *, memory: bool = True) -> dict[str, Any]:
    """Overview's first full render in Chromium, the empty page's for comparison, and the
    server's peak memory."""
    from tests.browser import CHROMIUM, CHROMIUM_ARGS, streamlit_server

    if not CHROMIUM.exists():
        return {"error": f"not measured: {CHROMIUM} missing"}
    from playwright.sync_api import sync_playwright

    result: dict[str, Any] = {}
    before = _children()
    with streamlit_server(store.url) as base:
        server = sorted(_children() - before)[0]
        result["server_start_mb"] = memory_of(server)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                first, count = render_overview(browser, base)
                later = Samples()
                for _ in range(visits):
                    later.add(render_overview(browser, base)[0], 0.0)
                after_write, seen_after = Samples(), []
                for _ in range(visits):  # each after a write of its own: one visit varies
                    with published_entry(store.url):
                        wall, count_after = render_overview(browser, base)
                    after_write.add(wall, 0.0)
                    seen_after.append(count_after)
                empty = Samples()
                with empty_page_server() as empty_base:
                    render_empty_page(browser, empty_base)  # its first visit: imports
                    for _ in range(visits):
                        empty.add(render_empty_page(browser, empty_base), 0.0)
                result |= {
                    "empty_page_visits": empty.as_dict(),
                    "first_visit_after_start_ms": first,
                    "later_visits": later.as_dict(),
                    "after_write_ms": after_write.median,
                    "after_write_visits": after_write.as_dict(),
                    "published_before_write": count,
                    "published_after_write": seen_after[-1] if seen_after else None,
                    "write_visible": count is not None
                    and bool(seen_after)
                    and all(seen == count + 1 for seen in seen_after),
                }
                if memory:
                    result["pages_opened"] = open_every_page(browser, base)
                    result["memory_mb"] = memory_of(server)
            finally:
                browser.close()
    return result
