"""`python -m gdc_tracker import` and `users` as an operator uses them, on a real SQLite file."""

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from gdc_tracker import bootstrap, db

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "correct horse battery staple"
HEADER = ["ISO3", "Indicator", "Year", "Value"]


def run_cli(
    *args: str, url: str, password: str | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {"GDC_TRACKER_DATABASE_URL": url, "PATH": "/usr/bin:/bin"}
    if password is not None:
        env["GDC_TRACKER_PASSWORD"] = password
    return subprocess.run(
        [sys.executable, "-m", "gdc_tracker", *args],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=300,
        env=env,
        input=stdin if stdin is not None else "",
    )


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header, *rows])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def count(url: str, table: str) -> int:
    engine = db.make_engine(url)
    with engine.connect() as connection:
        found = connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()
    engine.dispose()
    return int(found or 0)


@pytest.fixture
def store(sqlite_url: str) -> str:
    """A reference store with one editor, made through the CLI."""
    engine = db.make_engine(sqlite_url)
    db.upgrade(engine)
    bootstrap.seed(engine, with_demo=False)
    engine.dispose()
    added = run_cli(
        "users", "add", "Editor.One", "--role", "editor", url=sqlite_url, password=PASSWORD
    )
    assert added.returncode == 0, added.stderr
    assert "added editor.one (editor)" in added.stdout
    return sqlite_url


ROWS = [
    ["SLV", "UMC_INTERNET_USE", "2020", "54.6014"],
    ["WLD", "UMC_INTERNET_USE", "2021", "62.2"],
    ["AFE", "UMC_INTERNET_USE", "2021", "29.5"],
    ["SLV", "UMC_INTERNET_USE", "2022", "NULL"],
]


def test_help_lists_import_and_users(sqlite_url: str) -> None:
    result = run_cli("--help", url=sqlite_url)
    assert result.returncode == 0
    for command in ("db", "seed", "import", "users"):
        assert command in result.stdout
    assert "GDC_TRACKER_PASSWORD" in run_cli("users", "add", "--help", url=sqlite_url).stdout


def test_users_add_reads_the_password_from_the_environment_and_users_list_shows_them(
    store: str,
) -> None:
    listed = run_cli("users", "list", url=store)
    assert listed.returncode == 0
    assert "editor.one" in listed.stdout and "editor" in listed.stdout
    again = run_cli("users", "add", "editor.one", "--role", "editor", url=store, password=PASSWORD)
    assert again.returncode == 2 and "already taken" in again.stderr


def test_users_add_refuses_a_short_password_and_asks_for_one_without_a_terminal(
    store: str,
) -> None:
    short = run_cli("users", "add", "someone", "--role", "viewer", url=store, password="short")
    assert short.returncode == 2 and "at least 12 characters" in short.stderr
    no_password = run_cli("users", "add", "someone", "--role", "viewer", url=store)
    assert no_password.returncode == 2 and "GDC_TRACKER_PASSWORD" in no_password.stderr
    assert "someone" not in run_cli("users", "list", url=store).stdout


def test_a_dry_run_prints_the_preview_and_writes_nothing(store: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "values.csv", ROWS)
    result = run_cli("import", str(path), "--as-user", "editor.one", "--dry-run", url=store)
    assert result.returncode == 0, result.stderr
    assert "2 new, 0 changed, 0 unchanged, 2 rejected" in result.stdout
    assert "row 4, column 'ISO3' ('AFE'): unknown country 'AFE'" in result.stdout
    assert "row 5, column 'Value' ('NULL')" in result.stdout
    assert "dry run: nothing was written" in result.stdout
    assert count(store, "progressentry") == 0


def test_import_commits_then_says_nothing_changed(store: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "values.csv", ROWS)
    first = run_cli(
        "import", str(path), "--as-user", "editor.one", "--state", "submitted", url=store
    )
    assert first.returncode == 0, first.stderr
    assert "2 added and 0 updated as submitted" in first.stdout
    assert count(store, "progressentry") == 2
    audits = count(store, "auditrecord")
    again = run_cli("import", str(path), "--as-user", "editor.one", url=store)
    assert again.returncode == 0 and "Nothing changed" in again.stdout
    assert count(store, "auditrecord") == audits


def test_a_wide_file_with_a_fixed_indicator_and_a_mapped_column(store: str, tmp_path: Path) -> None:
    rows = [["El Salvador", "54.6014", "58.5986"], ["Ivory Coast", "36.0166", ""]]
    path = write_csv(tmp_path / "wide.csv", rows, header=["Economy", "2020", "2021"])
    result = run_cli(
        "import",
        str(path),
        "--indicator",
        "UMC_INTERNET_USE",
        "--layout",
        "wide",
        "--map",
        "country=Economy",
        "--as-user",
        "editor.one",
        url=store,
    )
    assert result.returncode == 0, result.stderr
    assert "layout wide" in result.stdout and "3 added" in result.stdout


def test_nothing_importable_exits_non_zero(store: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bad.csv", [["XYZ", "UMC_INTERNET_USE", "2020", "1"]])
    result = run_cli("import", str(path), "--as-user", "editor.one", url=store)
    assert result.returncode == 1
    assert "nothing could be imported" in result.stdout
    assert count(store, "progressentry") == 0


BAD_INPUT = [
    (["missing.csv", "--as-user", "editor.one"], "no such file"),
    (["FILE", "--as-user", "nobody"], "no active user 'nobody'"),
    (["FILE"], "--as-user"),
    (["FILE", "--as-user", "editor.one", "--state", "published"], "reviewer role"),
    (["FILE", "--as-user", "editor.one", "--indicator", "NO_SUCH"], "Unknown indicator"),
    (["FILE", "--as-user", "editor.one", "--map", "colour=ISO3"], "ROLE=COLUMN"),
    (["FILE", "--as-user", "editor.one", "--map", "value=Nope"], "No column named 'Nope'"),
    (["NOTES", "--as-user", "editor.one"], "only CSV"),
]


def test_bad_input_is_a_clear_error_with_exit_code_2(store: str, tmp_path: Path) -> None:
    data = write_csv(tmp_path / "values.csv", ROWS)
    notes = tmp_path / "notes.pdf"
    notes.write_bytes(b"%PDF-1.4")
    paths = {"FILE": str(data), "NOTES": str(notes), "missing.csv": str(tmp_path / "missing.csv")}
    for arguments, words in BAD_INPUT:  # one store for all: each case is a process start
        result = run_cli("import", *[paths.get(a, a) for a in arguments], url=store)
        assert result.returncode == 2, (arguments, result.stdout)
        assert words in result.stderr, (arguments, result.stderr)
        assert "Traceback" not in result.stderr
    assert count(store, "progressentry") == 0
