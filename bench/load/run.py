"""Run the load scenarios for every count of processes and of viewers; write the report.

For each count of app processes, one set of servers (bench.load.servers) is started on
the run's store and warmed (every page drawn once by each process). Then, for each count
of viewers N:

- live: N viewers open a live page (Overview with `?live=1`, one in five the presenter's
  live slide) at `--spawn-rate` a second; once all have drawn it, Locust's statistics are
  reset and the window of `--seconds` starts. A third of the way in, one new value is
  published with the product's CLI; the run notes when each viewer first draws the new
  figure, and waits (up to `--settle` seconds after the window) for the last one.
- browse (with `--scenarios live,browse`): N visitors walk the explore pages with 3-8 s
  of think time for `--seconds`.
- edit (with `--scenarios edit`): the live scenario while `--editors` editors save draft
  values and import small files for the whole window (bench.load.editors, a process of
  its own).

Server CPU and resident memory are read with psutil at the start and end of each window.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import gevent
import psutil
from locust.stats import StatsEntry

from bench.load import profile, report, scenarios, store
from bench.load.protocol import Page, ViewerSession, metric_label_probe, metric_probe
from bench.load.servers import PROJECT_ROOT, Servers, Usage, stop
from bench.stores import DEFAULT_POSTGRES_URL

RESULTS = Path(__file__).resolve().parents[1] / "results"
PERCENTILES = (0.5, 0.95, 0.99)
PY_SPY = PROJECT_ROOT / ".venv" / "bin" / "py-spy"  # optional: `pip install py-spy`
PROFILE_RATE = 50  # py-spy samples a second
PRESENTER_SHARE = 5  # one viewer in PRESENTER_SHARE shows the presenter's live slide


@dataclass(frozen=True)
class Plan:
    """What a run measures (from the command line)."""

    viewers: list[int]
    processes: list[int]
    seconds: float
    spawn_rate: float
    settle: float
    scenarios: list[str]
    profile: bool = False
    out: Path = RESULTS
    browsers: int = 0  # real Chromium tabs beside the simulated sessions
    streamlit_options: tuple[str, ...] = ()  # ("--runner.postScriptGC", "false", ...)
    editors: int = 5  # editors at work in the edit scenario


def overview_page() -> Page:
    return Page("", "live=1")


def presenter_page(deck: str) -> Page:
    return Page("present", f"deck={deck}&mode=show&slide=1")


def warm_up(servers: Servers, pages: list[Page]) -> None:
    """Draw every page once in each process, so the window measures warm processes."""
    for port in servers.app_ports:
        for page in pages:
            session = ViewerSession(f"ws://127.0.0.1:{port}", page, timeout=120)
            session.connect()
            try:
                session.load()
            finally:
                session.close()


def percentiles(entry: StatsEntry) -> dict[str, Any]:
    found = {
        f"p{round(p * 100)}_ms": entry.get_response_time_percentile(p)
        if entry.num_requests
        else None
        for p in PERCENTILES
    }
    return {"runs": entry.num_requests, "failures": entry.num_failures, **found}


def run_stats(environment: Any) -> dict[str, Any]:
    stats = environment.stats
    kinds = {name: percentiles(entry) for (name, _), entry in sorted(stats.entries.items())}
    reruns = [
        e for (name, _), e in stats.entries.items() if name in ("live tick", "rerun on change")
    ]
    merged = StatsEntry(stats, "reruns", "streamlit")
    for entry in reruns:
        merged.extend(entry)
    return {
        "reruns": percentiles(merged),
        "by_kind": kinds,
        "errors": stats.total.num_failures,
        "error_messages": [
            {"name": e.name, "error": e.error, "count": e.occurrences}
            for e in stats.errors.values()
        ],
    }


def usage_figures(
    before: Usage, after: Usage, seconds: float, sessions: int, idle: Usage
) -> dict[str, Any]:
    """Server CPU over the window (in cores, and per session as % of a core), and the
    resident memory the sessions added to the processes as they were before the users."""
    cpu = (after.cpu_seconds - before.cpu_seconds) / seconds
    added = after.rss_mb - idle.rss_mb
    return {
        "server_cpu_cores": round(cpu, 3),
        "cpu_percent_per_session": round(100 * cpu / sessions, 2),
        "server_rss_mb": round(after.rss_mb, 1),
        "server_rss_before_mb": round(idle.rss_mb, 1),
        "mb_per_session": round(added / sessions, 2),
    }


def start_profile(plan: Plan, servers: Servers, viewers: int) -> tuple[Any, Path] | None:
    """py-spy on the first app process for the window (with `--profile`), where installed;
    the raw stacks go to <out>/load-profile-<processes>x<viewers>.txt."""
    if not plan.profile or not PY_SPY.exists():
        return None
    plan.out.mkdir(parents=True, exist_ok=True)
    path = plan.out / f"load-profile-{servers.count}x{viewers}.txt"
    # --gil: only the thread holding the GIL is sampled, so the samples are the process's
    # Python CPU, and their count against rate x duration is how busy the GIL was.
    command = [str(PY_SPY), "record", "--format", "raw", "--rate", str(PROFILE_RATE)]
    command += ["--nonblocking", "--gil"]
    command += ["--duration", str(round(plan.seconds)), "--output", str(path)]
    command += ["--pid", str(servers.apps[0].pid)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), path


def finish_profile(profiler: tuple[Any, Path] | None, seconds: float) -> dict[str, Any] | None:
    if profiler is None:
        return None
    process, path = profiler
    try:
        process.wait(60)
    except subprocess.TimeoutExpired:
        stop(process)
    return profile.summary(path, PROFILE_RATE * seconds) if path.exists() else None


def wait_until(condition: Any, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        gevent.sleep(0.2)
    return True


def start_users(environment: Any, count: int, rate: float) -> Any:
    runner = environment.create_local_runner()
    runner.start(count, spawn_rate=rate)
    return runner


def change_seen(board: scenarios.Board, published_at: float, expected: dict[str, str]) -> dict:
    """When each viewer first drew the value its page should show after the write."""
    delays = []
    for watch in board.watches:
        seen = [at for value, at in watch.shown if value == expected[watch.page]]
        delays.append(round(seen[0] - published_at, 3) if seen else None)
    shown = [d for d in delays if d is not None]
    last_shown = Counter(watch.shown[-1][0] if watch.shown else "-" for watch in board.watches)
    return {
        "viewers": len(delays),
        "last_shown": dict(last_shown),
        "viewers_showing_new_value": len(shown),
        "last_viewer_s": max(shown) if shown and len(shown) == len(delays) else None,
        "median_viewer_s": sorted(shown)[len(shown) // 2] if shown else None,
        "expected": expected,
    }


def expected_values(board: scenarios.Board, target: store.Target, url: str) -> dict[str, str]:
    """Overview's "Published values" one higher; the slide's latest period the new one."""
    expected = {}
    for page, _probe in board.live_pages:
        if page.name == "present":
            expected[page.path] = f"{target.country_name}, {target.period}"
        else:
            expected[page.path] = f"{store.published_values(url) + 1:,}"
    return expected


def publish(url: str, target: store.Target, folder: Path) -> tuple[float, str | None]:
    """Publish with the CLI; a refusal is reported in the row, and the run goes on."""
    try:
        return store.publish(url, target, folder), None
    except subprocess.CalledProcessError as error:
        return time.monotonic(), (error.stdout + error.stderr)[-2000:]


def open_browsers(plan: Plan, servers: Servers, expected: str | None) -> Any:
    """With `--browsers K`: K Chromium tabs on Overview (bench.load.browsers), once ready."""
    if not plan.browsers or expected is None:
        return None
    command = [sys.executable, "-m", "bench.load.browsers", f"http://127.0.0.1:{servers.port}"]
    command += [
        expected,
        "--tabs",
        str(plan.browsers),
        "--timeout",
        str(plan.settle + plan.seconds),
    ]
    tabs = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True)
    assert tabs.stdout is not None
    tabs.stdout.readline()  # "ready"
    return tabs


def last_figures(process: Any) -> dict[str, Any] | None:
    """The JSON line a helper process (browsers, editors) printed last; None when it
    printed none or did not end within 300 s (then it is stopped)."""
    try:
        output, _ = process.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        stop(process)
        return None
    lines = [line for line in output.splitlines() if line.startswith("{")]
    return json.loads(lines[-1]) if lines else None


def browsers_seen(tabs: Any, published_wall: float) -> dict[str, Any] | None:
    """Seconds from the publish to each Chromium tab showing the new value (None: never)."""
    if tabs is None:
        return None
    figures = last_figures(tabs)
    if figures is None:
        return {"tabs_showing_new_value": 0, "seconds": [], "error": "no figures within 300 s"}
    seen = figures["seen"]
    delays = [round(at - published_wall, 2) if at else None for at in seen]
    return {"tabs_showing_new_value": sum(d is not None for d in delays), "seconds": delays}


def start_editors(plan: Plan, url: str, editors: int) -> Any:
    """The editors of the edit scenario for the window (bench.load.editors), once ready."""
    if not editors:
        return None
    command = [sys.executable, "-m", "bench.load.editors", url, "--editors", str(editors)]
    command += ["--seconds", str(plan.seconds)]
    working = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True)
    assert working.stdout is not None
    working.stdout.readline()  # "ready"
    return working


def editors_figures(working: Any) -> dict[str, Any] | None:
    if working is None:
        return None
    return last_figures(working) or {"error": "the editors printed no figures within 300 s"}


def live_scenario(
    servers: Servers,
    viewers: int,
    plan: Plan,
    url: str,
    step: int,
    folder: Path,
    editors: int = 0,
) -> dict[str, Any]:
    target = store.choose_target(url, step)  # a value of its own, never published before
    deck = store.save_deck(url, target, step)
    pages = [(overview_page(), metric_probe("Published values"))] * (PRESENTER_SHARE - 1)
    pages.insert(0, (presenter_page(deck), metric_label_probe(f"{target.country_name}, ")))
    board = scenarios.Board(servers.base_ws, pages)
    scenarios.LiveViewer.counter = 0
    environment = scenarios.new_environment(scenarios.LiveViewer, board)
    processes = servers.processes()
    idle = Usage.read(processes)
    runner = start_users(environment, viewers, plan.spawn_rate)
    ramp_limit = viewers / plan.spawn_rate + 120
    all_loaded = wait_until(lambda: board.loaded >= viewers, ramp_limit)
    page_loads = percentiles(environment.stats.get("page load", "streamlit"))
    working = start_editors(plan, url, editors)
    environment.stats.reset_all()
    before, started = Usage.read(processes), time.monotonic()
    client = Usage.read([psutil.Process()])
    profiler = start_profile(plan, servers, viewers)
    gevent.sleep(plan.seconds / 3)
    expected = expected_values(board, target, url)
    tabs = open_browsers(plan, servers, expected.get(overview_page().path))
    published_wall = time.time()
    published_at, refused = publish(url, target, folder)
    gevent.sleep(max(0.0, started + plan.seconds - time.monotonic()))
    after, window = Usage.read(processes), time.monotonic() - started
    client_cores = (Usage.read([psutil.Process()]).cpu_seconds - client.cpu_seconds) / window
    wait_until(lambda: change_seen(board, published_at, expected)["last_viewer_s"], plan.settle)
    result = {
        "scenario": "edit" if editors else "live",
        "processes": servers.count,
        "viewers": viewers,
        "all_loaded_before_window": all_loaded,
        "window_s": round(window, 1),
        "change": change_seen(board, published_at, expected),
        "publish_refused": refused,
        "chromium_tabs": browsers_seen(tabs, published_wall),
        "dropped_sessions": board.dropped,
        "viewers_with_script_finished": sum(1 for w in board.watches if w.finished_runs),
        **run_stats(environment),
        **usage_figures(before, after, window, viewers, idle),
        "client_cpu_cores": round(client_cores, 3),
        "profile": finish_profile(profiler, plan.seconds),
        "editors": editors_figures(working),
    }
    result["by_kind"]["page load"] = page_loads
    runner.quit()
    return result


def browse_scenario(servers: Servers, visitors: int, plan: Plan) -> dict[str, Any]:
    board = scenarios.Board(servers.base_ws, [])
    environment = scenarios.new_environment(scenarios.ExploreVisitor, board)
    processes = servers.processes()
    idle = Usage.read(processes)
    runner = start_users(environment, visitors, plan.spawn_rate)
    wait_until(lambda: runner.user_count >= visitors, visitors / plan.spawn_rate + 30)
    environment.stats.reset_all()
    before, started = Usage.read(processes), time.monotonic()
    gevent.sleep(plan.seconds)
    after, window = Usage.read(processes), time.monotonic() - started
    result = {
        "scenario": "browse",
        "processes": servers.count,
        "viewers": visitors,
        "window_s": round(window, 1),
        "dropped_sessions": board.dropped,
        **run_stats(environment),
        **usage_figures(before, after, window, visitors, idle),
    }
    runner.quit()
    return result


def measure(
    plan: Plan, url: str, folder: Path, on_row: Callable[[list[dict[str, Any]]], None]
) -> list[dict[str, Any]]:
    """Every row of the plan; `on_row` gets the rows so far after each (a long run that is
    stopped keeps what it measured)."""
    rows: list[dict[str, Any]] = []
    warm_deck = store.save_deck(url, store.choose_target(url), 0)
    for count in plan.processes:
        print(f"{count} app process(es) behind nginx...", flush=True)
        servers_folder = folder / f"servers-{count}"
        with Servers(count, url, servers_folder, list(plan.streamlit_options)) as servers:
            explore = list(scenarios.EXPLORE_PAGES) if "browse" in plan.scenarios else []
            warm_up(servers, [overview_page(), presenter_page(warm_deck), *explore])
            for viewers in plan.viewers:
                for scenario in ("live", "edit"):
                    if scenario not in plan.scenarios:
                        continue
                    step = len([r for r in rows if r["scenario"] in ("live", "edit")]) + 1
                    editors = plan.editors if scenario == "edit" else 0
                    row = live_scenario(servers, viewers, plan, url, step, folder, editors)
                    print("  " + report.summary_line(row), flush=True)
                    rows.append(row)
                    on_row(rows)
                if "browse" in plan.scenarios:
                    row = browse_scenario(servers, viewers, plan)
                    print("  " + report.summary_line(row), flush=True)
                    rows.append(row)
                    on_row(rows)
    return rows


def streamlit_options(pairs: list[str]) -> tuple[str, ...]:
    """["runner.postScriptGC=false"] -> ("--runner.postScriptGC", "false")."""
    options: list[str] = []
    for pair in pairs:
        key, _, value = pair.partition("=")
        options += [f"--{key}", value]
    return tuple(options)


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    numbers = lambda text: [int(n) for n in text.split(",")]  # noqa: E731
    parser.add_argument("--viewers", type=numbers, default=[25, 50, 100, 200])
    parser.add_argument("--processes", type=numbers, default=[1, 2, 4])
    parser.add_argument("--seconds", type=float, default=60, help="measured window per step")
    parser.add_argument("--spawn-rate", type=float, default=5, help="sessions opened a second")
    parser.add_argument(
        "--settle", type=float, default=120, help="longest wait after a window for the change"
    )
    parser.add_argument(
        "--scenarios", default="live", help="any of live, edit and browse, e.g. live,edit"
    )
    parser.add_argument("--editors", type=int, default=5, help="editors in the edit scenario")
    parser.add_argument("--backend", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--url", default=DEFAULT_POSTGRES_URL, help="PostgreSQL server")
    parser.add_argument("--scale", default="small", help="bench.generate scale of the store")
    parser.add_argument(
        "--profile", action="store_true", help="py-spy the first app process in each window"
    )
    parser.add_argument(
        "--browsers", type=int, default=0, help="Chromium tabs on Overview beside the sessions"
    )
    parser.add_argument(
        "--streamlit-option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a Streamlit option for every app process, e.g. runner.postScriptGC=false",
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for the report")
    return parser


def stop_on_terminate(_signal: int, _frame: object) -> None:
    """SIGTERM ends the run as Ctrl-C does: through every `finally` that stops a server."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> dict[str, Any]:
    signal.signal(signal.SIGTERM, stop_on_terminate)

    argv = sys.argv[1:] if argv is None else argv
    args = parser().parse_args(argv)
    plan = Plan(
        args.viewers,
        args.processes,
        args.seconds,
        args.spawn_rate,
        args.settle,
        args.scenarios.split(","),
        args.profile,
        args.out,
        args.browsers,
        streamlit_options(args.streamlit_option),
        args.editors,
    )
    meta = {
        "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": "python -m bench.load " + " ".join(argv),
        "backend": args.backend,
        "scale": args.scale,
        "cores": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "plan": vars(plan),
    }
    result: dict[str, Any] = {"meta": meta, "rows": []}
    with tempfile.TemporaryDirectory(prefix="gdc-load-") as temporary:
        folder = Path(temporary)
        stores = (
            store.postgres_store(args.url, args.scale)
            if args.backend == "postgresql"
            else store.sqlite_store(folder, args.scale)
        )
        with stores as url:
            result["rows"] = measure(
                plan, url, folder, lambda rows: report.write({**result, "rows": rows}, args.out)
            )
    paths = report.write(result, args.out)
    print()
    print(report.markdown(result))
    print("\nWritten: " + ", ".join(str(p) for p in paths))
    return result
