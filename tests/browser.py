"""Helpers for the browser tests: a real Streamlit server and Debian's headless Chromium."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import unavailable

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get("GDC_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = PROJECT_ROOT / "artifacts" / "screenshots"


def require_chromium() -> Path:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} not found: install Debian's chromium package"
        unavailable(message)
    return CHROMIUM


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def streamlit_server(
    database_url: str | None, *, script: str = "app.py", cwd: Path = PROJECT_ROOT
) -> Iterator[str]:
    """`streamlit run` of `script` (the app) on a free port, on the store `database_url`;
    yields its base URL; stops it by its own PID."""
    port = free_port()
    env = os.environ | ({"GDC_TRACKER_DATABASE_URL": database_url} if database_url else {})
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            script,
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("the Streamlit server did not become healthy in 60 s")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_until_rendered(page: object) -> None:
    """Connected, no script running, no skeleton or status widget; checked twice."""
    settled = (
        "() => { const app = document.querySelector(\"[data-testid='stApp']\");"
        " return app && app.getAttribute('data-test-connection-state') === 'CONNECTED'"
        " && app.getAttribute('data-test-script-state') === 'notRunning'"
        " && !document.querySelector(\"[data-testid='stSkeleton']\")"
        " && !document.querySelector(\"[data-testid='stStatusWidget']\"); }"
    )
    for _ in range(2):
        page.wait_for_function(settled, timeout=60_000)  # type: ignore[attr-defined]
        page.wait_for_timeout(300)  # type: ignore[attr-defined]


def sign_in_from_sidebar(page: object, base: str, username: str) -> None:
    """Sign `username` in (password tests.factories.PASSWORD) with the sidebar's form on the
    home page; the sign-in lasts while the tab keeps its session (no reload)."""
    from tests.factories import PASSWORD

    page.goto(base + "/")  # type: ignore[attr-defined]
    wait_until_rendered(page)
    page.get_by_text("Sign in (secretariat staff)").click()  # type: ignore[attr-defined]
    page.get_by_label("User name").fill(username)  # type: ignore[attr-defined]
    page.get_by_role("textbox", name="Password").fill(PASSWORD)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Sign in", exact=True).click()  # type: ignore[attr-defined]
    page.get_by_text("Signed in as").wait_for(timeout=30_000)  # type: ignore[attr-defined]
    wait_until_rendered(page)


DRAWN = (
    "() => [...document.querySelectorAll(\"[data-testid='stVegaLiteChart']\")]"
    ".every(chart => chart.querySelector('svg.marks, canvas'))"
    " && [...document.querySelectorAll(\"[data-testid='stDeckGlJsonChart']\")]"
    ".every(map => map.querySelector('canvas'))"
)


def wait_for_drawings(page: object, *, settle_ms: int = 600) -> None:
    """Every chart has drawn its marks and every map its canvas; deck.gl draws
    asynchronously, so the page gets `settle_ms` more before anyone looks at it."""
    page.wait_for_function(DRAWN, timeout=30_000)  # type: ignore[attr-defined]
    page.wait_for_timeout(settle_ms)  # type: ignore[attr-defined]


def store_with_users(seeded_sqlite_file: str, target: Path, **roles: str) -> str:
    """A copy of the shared seeded store at `target`, with a user per `username=role`; its
    URL. Browser tests that write get a store of their own."""
    import shutil

    from gdc_tracker import db
    from tests.factories import make_user

    shutil.copy(Path(seeded_sqlite_file.removeprefix("sqlite:///")), target)
    url = f"sqlite:///{target}"
    engine = db.make_engine(url)
    for username, role in roles.items():
        make_user(engine, username, role)
    engine.dispose()
    return url
