"""Rehearsals of a meeting in Chromium: a deck on screen while a value arrives from a
terminal (the slide updates by itself, on the same slide, without a reload); and a
clicker driving a deck opened with the app's own Present button."""

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from gdc_tracker import db, decks
from gdc_tracker.decks import DeckContent, Slide
from tests.browser import (
    CHROMIUM_ARGS,
    PROJECT_ROOT,
    SCREENSHOTS,
    require_chromium,
    streamlit_server,
    wait_until_rendered,
)
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def meeting_store(seeded_sqlite_file: str, tmp_path: Path) -> Iterator[str]:
    """A writable copy of the seeded store, with a deck and a reviewer."""
    source = Path(seeded_sqlite_file.removeprefix("sqlite:///"))
    target = tmp_path / "meeting.db"
    shutil.copy(source, target)
    url = f"sqlite:///{target}"
    engine = db.make_engine(url)
    presenter = make_user(engine, "presenter", "reviewer")
    deck = DeckContent(
        slug="council",
        title="Council WG",
        slides=(
            Slide("changes", {"since": "2026-01-01"}),
            Slide("indicator", {"indicator": "UMC_INTERNET_USE", "geo": ["SLV"]}),
        ),
    )
    with db.session_scope(engine) as session:
        decks.save_deck(session, deck, by=presenter)
    engine.dispose()
    yield url


def published_count(page: object) -> int:
    metric = page.locator("[data-testid='stMetric']").filter(has_text="Entries published")  # type: ignore[attr-defined]
    return int(metric.locator("[data-testid='stMetricValue']").inner_text().replace(",", ""))


def test_a_value_imported_from_a_terminal_appears_on_the_open_slide(
    meeting_store: str, tmp_path: Path
) -> None:
    chromium = require_chromium()
    from playwright.sync_api import sync_playwright

    with streamlit_server(meeting_store) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(base + "/present?deck=council&mode=show&slide=1")
        wait_until_rendered(page)
        assert page.locator("[data-testid='stSidebar']").is_hidden()  # full screen
        before = published_count(page)
        page.screenshot(path=str(SCREENSHOTS / "present-before.png"))

        values = tmp_path / "latest.csv"
        values.write_text("Country,Year,Value\nSLV,2025,66.6\n", encoding="utf-8")
        env = os.environ | {
            "GDC_TRACKER_DATABASE_URL": meeting_store,
            "GDC_TRACKER_PASSWORD": PASSWORD,
        }
        imported = subprocess.run(
            [
                sys.executable,
                "-m",
                "gdc_tracker",
                "import",
                str(values),
                "--indicator",
                "UMC_INTERNET_USE",
                "--as-user",
                "presenter",
                "--state",
                "published",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert imported.returncode == 0, imported.stdout + imported.stderr

        page.wait_for_function(  # the live tick (10 s) reruns the slide by itself
            "(n) => [...document.querySelectorAll(\"[data-testid='stMetric']\")].some("
            "m => m.innerText.includes('Entries published') && "
            "parseInt(m.querySelector(\"[data-testid='stMetricValue']\").innerText"
            ".replace(/,/g, '')) === n)",
            arg=before + 1,
            timeout=60_000,
        )
        assert re.search(r"[?&]slide=1(&|$)", page.url)  # still the same slide, no reload
        page.screenshot(path=str(SCREENSHOTS / "present-after.png"))

        page.keyboard.press("ArrowRight")
        page.wait_for_url(re.compile(r"[?&]slide=2(&|$)"), timeout=30_000)
        wait_until_rendered(page)
        assert "El Salvador" in page.locator("[data-testid='stMain']").inner_text()
        browser.close()


@pytest.fixture
def council_deck(seeded_sqlite_file: str, tmp_path: Path) -> Iterator[str]:
    """A writable copy of the seeded store with a four-slide deck."""
    target = tmp_path / "council.db"
    shutil.copy(Path(seeded_sqlite_file.removeprefix("sqlite:///")), target)
    url = f"sqlite:///{target}"
    engine = db.make_engine(url)
    presenter = make_user(engine, "presenter", "reviewer")
    deck = DeckContent(
        slug="council",
        title="Council WG",
        slides=tuple(Slide("objective", {"objective": str(n)}) for n in (1, 2, 3, 4)),
    )
    with db.session_scope(engine) as session:
        decks.save_deck(session, deck, by=presenter)
    engine.dispose()
    yield url


def counter(page: object) -> str:
    return page.locator(".st-key-present__counter").inner_text().strip()  # type: ignore[attr-defined]


def press(page: object, key: str) -> None:
    page.keyboard.press(key)  # type: ignore[attr-defined]
    wait_until_rendered(page)


def test_a_clicker_drives_a_deck_opened_with_the_present_button(council_deck: str) -> None:
    chromium = require_chromium()
    from playwright.sync_api import sync_playwright

    with streamlit_server(council_deck) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        page.goto(base + "/present")
        wait_until_rendered(page)
        main = page.locator("[data-testid='stMain']")
        main.get_by_role("link", name="Present").click()
        page.wait_for_url(re.compile(r"deck=council&mode=show&slide=1(&|$)"), timeout=30_000)
        wait_until_rendered(page)
        assert counter(page) == "1 / 4"
        assert page.get_by_role("button", name="Previous slide").is_visible()
        assert page.get_by_role("button", name="Next slide").is_visible()
        assert page.get_by_role("img", name="QR code: link to the live view").is_visible()

        press(page, "PageDown")
        press(page, "PageDown")
        assert counter(page) == "3 / 4"
        assert re.search(r"mode=show&slide=3(&|$)", page.url)
        page.screenshot(path=str(SCREENSHOTS / "present-clicker-slide-3.png"))

        page.reload()
        wait_until_rendered(page)
        assert counter(page) == "3 / 4"

        press(page, "Home")
        assert counter(page) == "1 / 4" and re.search(r"[?&]slide=1(&|$)", page.url)

        press(page, "b")
        assert main.get_by_text("Screen blanked — press B to return").is_visible()
        assert page.locator(".st-key-present__counter").count() == 0
        background = page.locator("[data-testid='stApp']").evaluate(
            "e => getComputedStyle(e).backgroundColor"
        )
        assert background == "rgb(0, 0, 0)"
        page.screenshot(path=str(SCREENSHOTS / "present-clicker-blank.png"))
        press(page, ".")  # the other blank key of a clicker brings the slide back
        assert counter(page) == "1 / 4"
        browser.close()
