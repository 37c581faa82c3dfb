"""End to end in a real headless Chromium against a running server on a seeded store."""

from collections.abc import Iterator

import pytest

from tests.browser import (
    CHROMIUM_ARGS,
    SCREENSHOTS,
    require_chromium,
    streamlit_server,
    wait_until_rendered,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    chromium = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1440, "height": 1000})  # type: ignore[attr-defined]
    page = context.new_page()
    yield page
    context.close()


def test_overview_in_chromium_shows_the_objectives_from_the_store(
    page: object, seeded_sqlite_file: str
) -> None:
    with streamlit_server(seeded_sqlite_file) as base:
        page.goto(base + "/")  # type: ignore[attr-defined]
        wait_until_rendered(page)
        page.wait_for_selector("svg.marks", timeout=30_000)  # type: ignore[attr-defined]
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "overview.png"), full_page=True)  # type: ignore[attr-defined]
        assert page.locator("[data-testid='stException']").count() == 0  # type: ignore[attr-defined]
        text = page.locator("[data-testid='stMain']").inner_text()  # type: ignore[attr-defined]
        for number in range(1, 6):
            assert f"Objective {number} ·" in text
        assert "Demo data." in text
        assert "AMS2 (2023-2025)" in text and "AMS3 (2023-2025)" in text
        assert page.locator("svg.marks").count() == 2  # type: ignore[attr-defined]


def test_a_link_with_query_parameters_as_the_first_request_gets_the_full_frame(
    page: object, seeded_sqlite_file: str
) -> None:
    with streamlit_server(seeded_sqlite_file) as base:
        page.goto(base + "/?view=shared")  # type: ignore[attr-defined]
        wait_until_rendered(page)
        sidebar = page.locator("[data-testid='stSidebar']").inner_text()  # type: ignore[attr-defined]
        assert "EXPLORE" in sidebar and "Overview" in sidebar
        assert page.locator("[data-testid='stException']").count() == 0  # type: ignore[attr-defined]
