"""The reader's language in a real Chromium: the browser's own, then the link's, kept
across the pages the reader opens from the menu."""

from collections.abc import Iterator
from urllib.parse import parse_qs, urlparse

import pytest

from gdc_tracker import catalogues
from tests.browser import streamlit_server, wait_until_rendered

pytestmark = pytest.mark.browser


def translation(language: str, message: str) -> str:
    return catalogues.read_catalogue(language)[message].string


@pytest.fixture(scope="module")
def server(seeded_sqlite_file: str) -> Iterator[str]:
    with streamlit_server(seeded_sqlite_file) as base:
        yield base


def open_in(browser: object, url: str, *, locale: str) -> object:
    context = browser.new_context(locale=locale, viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(url)
    wait_until_rendered(page)
    return page


def language_in_address(page: object) -> list[str]:
    return parse_qs(urlparse(page.url).query).get("lang", [])  # type: ignore[attr-defined]


def test_a_spanish_browser_opens_in_spanish_and_keeps_it_from_page_to_page(browser, server):
    page = open_in(browser, server + "/", locale="es-ES")
    try:
        heading = page.locator("h1").first.inner_text()  # type: ignore[attr-defined]
        assert heading.strip() == translation("es", "Overview")
        assert language_in_address(page) == ["es"]
        sidebar = page.locator("[data-testid='stSidebar']")  # type: ignore[attr-defined]
        sidebar.get_by_role("link", name=translation("es", "Indicators")).click()
        page.wait_for_url("**/indicators**")  # type: ignore[attr-defined]
        wait_until_rendered(page)
        assert language_in_address(page) == ["es"]
        heading = page.locator("h1").first.inner_text()  # type: ignore[attr-defined]
        assert heading.strip() == translation("es", "Indicators")
    finally:
        page.context.close()  # type: ignore[attr-defined]


def test_a_shared_link_opens_in_the_senders_language_whatever_the_browser(browser, server):
    page = open_in(browser, server + "/indicators?lang=fr", locale="es-ES")
    try:
        heading = page.locator("h1").first.inner_text()  # type: ignore[attr-defined]
        assert heading.strip() == translation("fr", "Indicators")
    finally:
        page.context.close()  # type: ignore[attr-defined]


def test_an_arabic_page_reads_right_to_left_with_its_charts_left_to_right(browser, server):
    page = open_in(browser, server + "/?lang=ar", locale="en-GB")
    try:
        heading = page.locator("h1").first  # type: ignore[attr-defined]
        assert heading.inner_text().strip() == translation("ar", "Overview")
        direction = "(selector) => getComputedStyle(document.querySelector(selector)).direction"
        assert page.evaluate(direction, "[data-testid='stAppViewContainer']") == "rtl"  # type: ignore[attr-defined]
        assert page.evaluate(direction, "[data-testid='stVegaLiteChart']") == "ltr"  # type: ignore[attr-defined]
        main = page.locator("[data-testid='stMain']").bounding_box()  # type: ignore[attr-defined]
        sidebar = page.locator("[data-testid='stSidebar']").bounding_box()  # type: ignore[attr-defined]
        assert sidebar["x"] > main["x"], "the menu stands on the right of an Arabic page"
    finally:
        page.context.close()  # type: ignore[attr-defined]
