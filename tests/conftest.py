"""Shared fixtures: databases (SQLite, and PostgreSQL where a server answers), seeded stores
and AppTest isolation.

PostgreSQL tests use GDC_TEST_POSTGRES_URL (default: the local server's `test` database).
Where no server answers they skip with the reason; when CI=true they fail instead, so
CI can never pass by skipping them.
"""

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from gdc_tracker import bootstrap, db

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"
POSTGRES_URL = os.environ.get(
    "GDC_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() == "true"


def unavailable(message: str) -> NoReturn:
    """What a test needs is not on this machine: skip it here, saying what is missing,
    and fail it under CI (CI=true), where everything the suite needs is installed."""
    if IN_CI:
        pytest.fail(f"{message} (CI=true: CI installs what the suite needs, so this fails)")
    pytest.skip(message)


def shared_data(name: str) -> Path:
    """A file of ../shared/data; skip (never in CI) when the folder is not beside the project."""
    path = SHARED_DATA / name
    if not path.exists():
        message = f"{path} not present: the shared reference files sit beside the project"
        unavailable(message)
    return path


def _postgres_available() -> str | None:
    try:
        engine = sa.create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        engine.dispose()
    except Exception as error:  # any driver error means: no usable server
        return f"{error.__class__.__name__}: {str(error).splitlines()[0]}"
    return None


@pytest.fixture(scope="session")
def postgres_server() -> str:
    problem = _postgres_available()
    if problem:
        message = f"PostgreSQL at {POSTGRES_URL} did not answer ({problem})"
        unavailable(message)
    return POSTGRES_URL


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh, empty schema of its own in the test database, dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(postgres_server)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in postgres_server else "?"
    yield f"{postgres_server}{separator}options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'gdc_tracker.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """Runs the test once on a SQLite file and once on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An empty store at the latest schema."""
    engine = db.make_engine(database_url)
    db.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def seeded_engine(engine: Engine, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A store with the shipped reference data and the demo entries."""
    yield from _seeded_copy(engine, request, with_demo=True)


@pytest.fixture
def reference_engine(engine: Engine, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A store with the reference data only: the entries a test writes are the only ones."""
    yield from _seeded_copy(engine, request, with_demo=False)


def _seeded_copy(
    engine: Engine, request: pytest.FixtureRequest, *, with_demo: bool
) -> Iterator[Engine]:
    """A copy of a store that `bootstrap.seed` filled once per run (tests/test_db.py and
    tests/test_starter.py seed for themselves): seeding takes seconds, a copy a tenth.
    SQLite: `engine`'s file gets the template's content. PostgreSQL: a database of the
    test's own, made from a template database; where this user may create none, `engine`
    is seeded as before."""
    kind = "demo" if with_demo else "reference"
    if engine.dialect.name == "sqlite":
        copy_sqlite_store(request.getfixturevalue(f"{kind}_template"), into=engine)
        yield engine
        return
    template = request.getfixturevalue(f"{kind}_postgres_template")
    if template is None:
        bootstrap.seed(engine, with_demo=with_demo)
        yield engine
        return
    yield from postgres_copy(template)


def copy_sqlite_store(template: Path, *, into: Engine) -> None:
    """Replace the store `into` names with the content of the SQLite file `template`
    (SQLite's online backup: pages, schema, triggers and all)."""
    import sqlite3

    source = sqlite3.connect(template)
    try:
        with into.connect() as connection:
            source.backup(connection.connection.driver_connection)
    finally:
        source.close()


def _postgres_admin(server: str) -> Engine:
    """A connection that may create and drop databases (outside any transaction)."""
    return sa.create_engine(server, isolation_level="AUTOCOMMIT")


def _database_url(server: str, database: str) -> str:
    return sa.make_url(server).set(database=database).render_as_string(hide_password=False)


def _postgres_template(server: str, *, with_demo: bool) -> Iterator[str | None]:
    """A PostgreSQL database seeded once, which `_seeded_copy` copies (CREATE DATABASE
    ... TEMPLATE); None where this user may not create databases."""
    name = f"gdc_template_{uuid.uuid4().hex[:12]}"
    admin = _postgres_admin(server)
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.DBAPIError:
        admin.dispose()
        yield None
        return
    engine = db.make_engine(_database_url(server, name))
    db.upgrade(engine)
    bootstrap.seed(engine, with_demo=with_demo)
    engine.dispose()  # a template may have no open connection while it is copied
    yield name
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def demo_postgres_template(postgres_server: str) -> Iterator[str | None]:
    yield from _postgres_template(postgres_server, with_demo=True)


@pytest.fixture(scope="session")
def reference_postgres_template(postgres_server: str) -> Iterator[str | None]:
    yield from _postgres_template(postgres_server, with_demo=False)


def postgres_copy(template: str) -> Iterator[Engine]:
    """A database of the test's own, copied from `template`, dropped afterwards."""
    name = f"gdc_test_{uuid.uuid4().hex[:12]}"
    admin = _postgres_admin(POSTGRES_URL)
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    engine = db.make_engine(_database_url(POSTGRES_URL, name))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def seeded_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One seeded SQLite file shared by read-only tests (AppTest pages)."""
    path = tmp_path_factory.mktemp("store") / "gdc_tracker.db"
    url = f"sqlite:///{path}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    bootstrap.seed(engine, with_demo=True)
    engine.dispose()
    return url


@pytest.fixture
def session(seeded_engine: Engine) -> Iterator[Session]:
    with db.session_scope(seeded_engine) as session:
        yield session


@pytest.fixture
def seeded_app(seeded_sqlite_file: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Point the app (AppTest) at the shared seeded store, read-only.

    Streamlit's caches outlive AppTest instances in one process, so they are cleared
    around each test.
    """
    import streamlit as st

    monkeypatch.setenv("GDC_TRACKER_DATABASE_URL", seeded_sqlite_file)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield seeded_sqlite_file
    st.cache_data.clear()
    st.cache_resource.clear()


def _template(folder: Path, *, with_demo: bool) -> Path:
    path = folder / "gdc_tracker.db"
    engine = db.make_engine(f"sqlite:///{path}")
    db.upgrade(engine)
    bootstrap.seed(engine, with_demo=with_demo)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def reference_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite store with the reference data and no demo entries, made once and copied."""
    return _template(tmp_path_factory.mktemp("template"), with_demo=False)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same with the demo entries, as a first start makes it."""
    return _template(tmp_path_factory.mktemp("demo-template"), with_demo=True)


def _writable_copy(
    template: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Engine]:
    """A copy of `template` of the test's own, which the app (AppTest) opens; Streamlit's
    caches, which outlive AppTest instances, cleared around the test."""
    import shutil

    import streamlit as st

    for suffix in ("", "-wal", "-shm"):
        source = template.with_name(template.name + suffix)
        if source.exists():
            shutil.copy(source, folder / source.name)
    url = f"sqlite:///{folder / template.name}"
    engine = db.make_engine(url)
    monkeypatch.setenv("GDC_TRACKER_DATABASE_URL", url)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield engine
    st.cache_data.clear()
    st.cache_resource.clear()
    engine.dispose()


@pytest.fixture
def writable_app(
    reference_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Engine]:
    """A fresh store of the test's own (reference data, no demo entries) the app opens."""
    yield from _writable_copy(reference_template, tmp_path, monkeypatch)


@pytest.fixture
def writable_demo_app(
    demo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Engine]:
    """A fresh store of the test's own with the demo entries, which the app opens."""
    yield from _writable_copy(demo_template, tmp_path, monkeypatch)


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture
def offered(monkeypatch: pytest.MonkeyPatch) -> dict[str, Callable[[], bytes]]:
    """The files a page's download buttons would send, by file name. Streamlit makes a
    download's file only when it is clicked; the callables it keeps are recorded here."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    files: dict[str, Callable[[], bytes]] = {}
    keep = MediaFileManager.add_deferred

    def record(self: MediaFileManager, data: Callable[[], bytes], *args, **kwargs) -> str:  # noqa: ANN002, ANN003
        files[kwargs.get("file_name") or args[2]] = data
        return keep(self, data, *args, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    return files


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's headless Chromium through Playwright, one per test module."""
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM_ARGS, require_chromium

    chromium = require_chromium()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield launched
        launched.close()
