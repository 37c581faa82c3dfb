"""`python -m gdc_tracker` as an operator uses it, on a real SQLite file."""

import subprocess
import sys
from pathlib import Path

import pytest

from gdc_tracker import db

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args: str, url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gdc_tracker", *args],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=300,
        env={"GDC_TRACKER_DATABASE_URL": url, "PATH": "/usr/bin:/bin"},
    )


def test_help_lists_the_commands(sqlite_url: str) -> None:
    result = run_cli("--help", url=sqlite_url)
    assert result.returncode == 0
    for command in ("db", "seed"):
        assert command in result.stdout


def test_upgrade_then_seed_then_seed_again(sqlite_url: str) -> None:
    upgraded = run_cli("db", "upgrade", url=sqlite_url)
    assert upgraded.returncode == 0, upgraded.stderr
    assert f"-> {db.head_revision()}" in upgraded.stdout
    seeded = run_cli("seed", url=sqlite_url)
    assert seeded.returncode == 0, seeded.stderr
    assert "5 objectives" in seeded.stdout and "demo data:" in seeded.stdout
    again = run_cli("seed", url=sqlite_url)
    assert "reference data: nothing new" in again.stdout
    assert "already present" in again.stdout


def test_revision_exits_non_zero_until_the_database_is_migrated(sqlite_url: str) -> None:
    assert run_cli("db", "revision", url=sqlite_url).returncode == 1
    run_cli("db", "upgrade", url=sqlite_url)
    assert run_cli("db", "revision", url=sqlite_url).returncode == 0


@pytest.mark.postgres
def test_upgrade_and_seed_on_postgresql(postgres_url: str) -> None:
    assert run_cli("db", "upgrade", url=postgres_url).returncode == 0
    seeded = run_cli("seed", "--no-demo", url=postgres_url)
    assert seeded.returncode == 0, seeded.stderr
    import yaml

    shipped = yaml.safe_load(
        (Path(__file__).resolve().parents[1] / "data/reference/initiatives.yaml").read_text("utf-8")
    )
    assert f"{len(shipped)} initiatives" in seeded.stdout


def test_recount_reports_and_repairs_wrong_entry_counts(sqlite_url: str) -> None:
    import sqlalchemy as sa

    run_cli("db", "upgrade", url=sqlite_url)
    run_cli("seed", url=sqlite_url)
    assert run_cli("db", "recount", url=sqlite_url).stdout.strip() == "entry counts: all correct"
    engine = db.make_engine(sqlite_url)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "UPDATE entrytally SET entries = entries + 5 WHERE geo_code = 'WLD'"
                " AND review_state = 'published' AND is_demo"
            )
        )
    engine.dispose()
    repaired = run_cli("db", "recount", url=sqlite_url)
    assert repaired.returncode == 0, repaired.stderr
    assert repaired.stdout.strip() == "entry counts: 1 corrected"
    assert run_cli("db", "recount", url=sqlite_url).stdout.strip() == "entry counts: all correct"
