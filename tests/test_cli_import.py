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
    assert "2 new, 0 changed, 0 unchanged, 1 rejected" in result.stdout
    assert "1 row of an aggregate not tracked (World Bank regions and income groups): AFE" in (
        result.stdout
    )
    assert "row 4, column 'ISO3' ('AFE'): 'AFE' is a World Bank aggregate" in result.stdout
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


# Files of several indicators, workbooks of several sheets, a store that moved

USERS = "Percentage of individuals using the Internet"
MOBILE_BB = "Active mobile-broadband subscriptions per 100 inhabitants"
SEVERAL = [
    [MOBILE_BB, "SLV", "2021", "95.0"],
    [MOBILE_BB, "GTM", "2021", "102.5"],
    [USERS, "SLV", "2021", "58.6"],
    [USERS, "GTM", "2021", "50.1"],
    ["UMC_MOBILE_OWNERSHIP", "SLV", "2021", "88.1"],
]
SEVERAL_HEADER = ["Indicator", "ISO3", "Year", "Value"]


def entries(url: str) -> list[tuple]:
    engine = db.make_engine(url)
    with engine.connect() as connection:
        found = connection.execute(
            sa.text(
                "SELECT i.code, e.geo_code, e.period, e.value FROM progressentry e "
                "JOIN indicator i ON i.id = e.indicator_id ORDER BY 1, 2, 3"
            )
        ).all()
    engine.dispose()
    return [tuple(row) for row in found]


def test_indicator_map_imports_a_file_of_several_indicators_and_is_kept(
    store: str, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "itu.csv", SEVERAL, header=SEVERAL_HEADER)
    first = run_cli(
        "import",
        str(path),
        "--as-user",
        "editor.one",
        "--indicator-map",
        f"{USERS}=UMC_INTERNET_USE",
        url=store,
    )
    assert first.returncode == 0, first.stderr
    assert f"'{USERS}' (2 rows) -> UMC_INTERNET_USE (--indicator-map)" in first.stdout
    assert f"'{MOBILE_BB}' (2 rows) -> skipped (no match" in first.stdout
    assert f"2 rows of 1 indicator not tracked here were skipped: '{MOBILE_BB}'." in first.stdout
    assert entries(store) == [
        ("UMC_INTERNET_USE", "GTM", "2021", 50.1),
        ("UMC_INTERNET_USE", "SLV", "2021", 58.6),
        ("UMC_MOBILE_OWNERSHIP", "SLV", "2021", 88.1),
    ]
    newer = [[USERS, "SLV", "2022", "62.9"]]
    path = write_csv(tmp_path / "itu-2026.csv", newer, header=SEVERAL_HEADER)
    second = run_cli("import", str(path), "--as-user", "editor.one", url=store)
    assert second.returncode == 0, second.stderr
    assert f"'{USERS}' (1 rows) -> UMC_INTERNET_USE (confirmed before)" in second.stdout
    assert ("UMC_INTERNET_USE", "SLV", "2022", 62.9) in entries(store)


def test_one_indicator_for_a_file_of_several_is_refused(store: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "itu.csv", SEVERAL, header=SEVERAL_HEADER)
    result = run_cli(
        "import", str(path), "--as-user", "editor.one", "--indicator", "UMC_INTERNET_USE", url=store
    )
    assert result.returncode == 2
    assert "Column 'Indicator' holds 3 indicators" in result.stderr
    assert count(store, "progressentry") == 0


def test_a_workbook_of_several_sheets_needs_sheet(store: str, tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book.active.append(["Downloaded from the ITU DataHub"])
    data = book.create_sheet("Data")
    for row in (["ISO3", "Year", "Value"], ["SLV", 2022, 62.9]):
        data.append(row)
    path = tmp_path / "itu.xlsx"
    book.save(path)
    asked = run_cli("import", str(path), "--as-user", "editor.one", url=store)
    assert asked.returncode == 2
    assert "the workbook has 2 sheets (Notes, Data): choose one with --sheet NAME" in asked.stderr
    chosen = run_cli(
        "import",
        str(path),
        "--as-user",
        "editor.one",
        "--sheet",
        "Data",
        "--indicator",
        "UMC_INTERNET_USE",
        url=store,
    )
    assert chosen.returncode == 0, chosen.stderr
    assert entries(store) == [("UMC_INTERNET_USE", "SLV", "2022", 62.9)]


def test_rejections_are_listed_by_reason_with_counts(store: str, tmp_path: Path) -> None:
    rows = [["SLV", "UMC_INTERNET_USE", "2019", "abc"], ["SLV", "UMC_INTERNET_USE", "2020", "x"]]
    rows += [["SLV", "UMC_INTERNET_USE", "2021", "54.6"]]
    path = write_csv(tmp_path / "values.csv", rows)
    result = run_cli("import", str(path), "--as-user", "editor.one", "--dry-run", url=store)
    assert result.returncode == 0, result.stderr
    assert "rejected, by reason:\n  2 rows, column 'Value': '…' is not a number (rows 2, 3)" in (
        result.stdout
    )


def test_a_commit_refused_because_the_store_changed_exits_1_and_says_so(
    store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """A colleague saves SLV 2020 between the CLI's preview and its commit."""
    from gdc_tracker import cli, importing

    monkeypatch.setenv("GDC_TRACKER_DATABASE_URL", store)
    real_preview = importing.preview

    def preview_then_a_colleague_saves(*args: object, **kwargs: object) -> object:
        found = real_preview(*args, **kwargs)  # type: ignore[arg-type]
        engine = db.make_engine(store)
        with engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO progressentry (indicator_id, geo_code, period, year, "
                    "period_end, value, disaggregation, narrative, source, is_demo, "
                    "review_state, version, created_at, updated_at) SELECT id, 'SLV', '2020', "
                    "2020, '2020-12-31', 50.0, 'total', '', 'typed', false, 'draft', 1, "
                    "'2026-11-23', '2026-11-23' FROM indicator WHERE code = 'UMC_INTERNET_USE'"
                )
            )
        engine.dispose()
        return found

    monkeypatch.setattr(importing, "preview", preview_then_a_colleague_saves)
    path = write_csv(tmp_path / "values.csv", ROWS)
    code = cli.main(["import", str(path), "--as-user", "editor.one"])
    printed = capsys.readouterr()
    assert code == 1
    assert printed.err.startswith("error: The store changed since your preview: ")
    assert printed.err.rstrip().endswith("Nothing was imported. Preview the file again.")
    assert entries(store) == [("UMC_INTERNET_USE", "SLV", "2020", 50.0)]
