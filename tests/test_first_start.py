"""The first start: the store is created, migrated and seeded before the server answers,
so no visitor waits on a blank page, and processes started together (several behind a
proxy, on one database) make one store, not several half-made ones."""

import os
import subprocess
import sys

import pandas as pd
import pytest
import sqlalchemy as sa

from tests.browser import PROJECT_ROOT, streamlit_server

OBJECTIVES = 5  # the GDC's five objectives (A/RES/79/1, annex, paragraph 7)
COUNTRIES = len(pd.read_csv(PROJECT_ROOT / "data" / "reference" / "countries.csv"))
PREPARE = "from gdc_tracker import bootstrap; bootstrap.prepare_before_serving()"


def counts(url: str) -> dict[str, int]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        found = {
            "objectives": connection.execute(sa.text("SELECT count(*) FROM objective")),
            "countries": connection.execute(
                sa.text("SELECT count(*) FROM geography WHERE kind = 'country'")
            ),
            "reference loads": connection.execute(
                sa.text("SELECT count(*) FROM auditrecord WHERE action = 'load reference data'")
            ),
            "entries": connection.execute(sa.text("SELECT count(*) FROM progressentry")),
        }
        result = {name: int(rows.scalar_one()) for name, rows in found.items()}
    engine.dispose()
    return result


@pytest.mark.browser
def test_the_server_says_healthy_only_when_the_store_is_made_and_seeded(sqlite_url: str) -> None:
    with streamlit_server(sqlite_url, script="serve.py"):
        # Nobody has visited yet: what is there, the start itself made.
        made = counts(sqlite_url)
    assert made["objectives"] == OBJECTIVES
    assert made["countries"] == COUNTRIES
    assert made["entries"] > 0  # the starter data and the demo values


def prepare_together(url: str, processes: int) -> list[subprocess.CompletedProcess[str]]:
    """`processes` app starts preparing the same new store at the same moment."""
    env = os.environ | {"GDC_TRACKER_DATABASE_URL": url}
    started = [
        subprocess.Popen(
            [sys.executable, "-c", PREPARE],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    finished = []
    for process in started:
        out, err = process.communicate(timeout=300)
        finished.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return finished


def test_processes_started_together_make_one_store_once(database_url: str) -> None:
    finished = prepare_together(database_url, processes=3)
    assert all(run.returncode == 0 for run in finished), [run.stderr for run in finished]
    assert all("the store is ready" in run.stderr for run in finished), [
        run.stderr for run in finished
    ]
    made = counts(database_url)
    assert made["objectives"] == OBJECTIVES
    assert made["countries"] == COUNTRIES
    assert made["reference loads"] == 1  # loaded by one process, found ready by the others
