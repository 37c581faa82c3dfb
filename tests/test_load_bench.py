"""The load benchmark at its smallest: two live viewers, one app process behind nginx,
then the same with two editors saving and importing drafts meanwhile.

Runs `python -m bench.load` as an operator would (in its own process: Locust patches the
standard library for gevent) on a tiny SQLite store, and checks the report an operator
reads: one row per scenario and size, every viewer got its page to the end, the value
published mid-run reached every screen, nothing failed. No timing is asserted: the
figures depend on the machine.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PROJECT_ROOT, unavailable

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder a tiny run wrote its report to."""
    if NGINX is None:
        message = "nginx is not installed (apt-get install -y nginx): the benchmark proxies"
        unavailable(message + "; CI=true, so the load benchmark must run")
    folder = tmp_path_factory.mktemp("load")
    command = [sys.executable, "-m", "bench.load", "--viewers", "2", "--processes", "1"]
    command += ["--seconds", "6", "--settle", "30", "--backend", "sqlite", "--scale", "tiny"]
    command += ["--scenarios", "live,edit", "--editors", "2"]
    command += ["--out", str(folder)]
    finished = subprocess.run(
        command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=180
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    return folder


@pytest.fixture(scope="module")
def report(out: Path) -> dict[str, Any]:
    return json.loads((out / "load-latest.json").read_text())  # type: ignore[no-any-return]


def test_the_report_has_a_row_for_the_size_asked_for(report: dict[str, Any]) -> None:
    rows = [(row["scenario"], row["processes"], row["viewers"]) for row in report["rows"]]
    assert rows == [("live", 1, 2), ("edit", 1, 2)]


def test_every_viewer_drew_its_page_to_the_end(report: dict[str, Any]) -> None:
    for row in report["rows"]:
        assert row["viewers_with_script_finished"] == 2
        assert row["by_kind"]["page load"]["runs"] >= 2


def test_the_published_value_reached_every_viewer(report: dict[str, Any]) -> None:
    for row in report["rows"]:
        change = row["change"]
        assert change["viewers_showing_new_value"] == change["viewers"] == 2
        # one viewer on Overview, one on the presenter's slide, each showing the new figure
        assert sorted(change["last_shown"]) == sorted(change["expected"].values())
        assert change["last_viewer_s"] is not None


def test_nothing_failed_and_no_session_dropped(report: dict[str, Any]) -> None:
    for row in report["rows"]:
        assert (row["errors"], row["dropped_sessions"], row["error_messages"]) == (0, 0, [])


def test_the_editors_saved_and_the_store_holds_all_they_saved(report: dict[str, Any]) -> None:
    work = report["rows"][1]["editors"]
    assert work["editors"] == 2 and work["saves"] + work["imports"] >= 1
    assert work["errors"] == {}
    # counted in the store after the run, by the editors' source, not from their own tally
    assert work["values_in_store"] == work["values_reported_saved"] > 0


def test_the_markdown_table_is_written_beside_the_json(out: Path) -> None:
    table = (out / "load-latest.md").read_text()
    assert "| scenario | processes | viewers | rerun p50 ms |" in table
    assert "| live | 1 | 2 |" in table and "| edit | 1 | 2 |" in table
    assert "| processes | viewers | editors | saves |" in table
