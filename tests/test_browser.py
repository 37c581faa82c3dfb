"""End to end in a real headless Chromium against a running server on a seeded store.

Every page renders with no exception box and shows its key text; shared links reproduce
their filters, including as the very first request to a freshly started server (the
deep-link trap of a pages/ folder). A screenshot of each page is saved under
artifacts/screenshots/ (git-ignored) for a person to look at.
"""

import csv
import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser import (
    PROJECT_ROOT,
    SCREENSHOTS,
    streamlit_server,
    wait_until_rendered,
)

pytestmark = pytest.mark.browser

# One shared link per page: (name, path and query, text the view must show).
SHARED_VIEWS = [
    ("overview", "/", ["Objective 1 ·", "AMS2 (2023-2025)", "Demo data, not official statistics."]),
    ("objectives", "/objectives?objective=5", ["Enhance international governance of artificial"]),
    ("initiatives", "/initiatives?q=giga", ["1 of 44 initiatives"]),
    ("initiative-detail", "/initiatives?initiative=giga", ["UNICEF"]),
    (
        "indicators",
        "/indicators?indicator=UMC_FIXED_BB_PRICE&geo=AMS&geo=EUR",
        ["entry-level fixed broadband"],
    ),
    ("map", "/map?indicator=UMC_4G_COVERAGE&year=2020", ["2020"]),
    ("regional", "/regional?ri=AMS3%2F2023-2025", ["AMS3"]),
    (
        "implementation-map",
        "/implementation?framework=wsis&columns=region",
        ["GDC Implementation Map", "WSIS action lines"],
    ),
]


@pytest.fixture(scope="module")
def server(seeded_sqlite_file: str) -> Iterator[str]:
    with streamlit_server(seeded_sqlite_file) as base:
        yield base


def open_view(browser: object, url: str) -> object:
    context = browser.new_context(viewport={"width": 1440, "height": 1000})  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(url)
    wait_until_rendered(page)
    return page


def main_text(page: object) -> str:
    return page.locator("[data-testid='stMain']").inner_text()  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("name", "path", "expected"), SHARED_VIEWS, ids=[v[0] for v in SHARED_VIEWS]
)
def test_each_page_renders_its_shared_view(
    browser: object, server: str, name: str, path: str, expected: list[str]
) -> None:
    page = open_view(browser, server + path)
    try:
        if name == "map":
            page.wait_for_selector("canvas", timeout=30_000)  # type: ignore[attr-defined]
            page.wait_for_timeout(2_000)  # type: ignore[attr-defined]  # deck.gl draws async
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]
        assert page.locator("[data-testid='stException']").count() == 0  # type: ignore[attr-defined]
        text = main_text(page)
        for snippet in expected:
            assert snippet.lower() in text.lower(), f"{snippet!r} not on {path}"
        sidebar = page.locator("[data-testid='stSidebar']").inner_text()  # type: ignore[attr-defined]
        assert "EXPLORE" in sidebar
    finally:
        page.context.close()  # type: ignore[attr-defined]


def test_overview_draws_its_two_charts(browser: object, server: str) -> None:
    page = open_view(browser, server + "/")
    try:
        page.wait_for_selector("svg.marks", timeout=30_000)  # type: ignore[attr-defined]
        assert page.locator("svg.marks").count() == 2  # type: ignore[attr-defined]
    finally:
        page.context.close()  # type: ignore[attr-defined]


def test_a_deep_link_as_the_first_request_after_a_start_keeps_frame_and_filters(
    browser: object, seeded_sqlite_file: str
) -> None:
    with streamlit_server(seeded_sqlite_file) as fresh:
        page = open_view(browser, fresh + "/objectives?objective=4")
        try:
            assert page.locator("[data-testid='stException']").count() == 0  # type: ignore[attr-defined]
            assert "data governance" in main_text(page).lower()
            sidebar = page.locator("[data-testid='stSidebar']").inner_text()  # type: ignore[attr-defined]
            assert "Overview" in sidebar and "Indicators" in sidebar
            # A second visitor, after the deep link, still gets the framed home page.
            home = open_view(browser, fresh + "/")
            assert "Objective 1 ·" in main_text(home)
            home.context.close()  # type: ignore[attr-defined]
        finally:
            page.context.close()  # type: ignore[attr-defined]


def test_following_an_objective_card_opens_that_objective(browser: object, server: str) -> None:
    page = open_view(browser, server + "/")
    try:
        page.get_by_role("link", name="Open objective 3").click()  # type: ignore[attr-defined]
        page.wait_for_url(re.compile(r"/objectives\?objective=3(&|$)"), timeout=30_000)  # type: ignore[attr-defined]
        wait_until_rendered(page)
        assert "safe and secure digital space" in main_text(page)
    finally:
        page.context.close()  # type: ignore[attr-defined]


def test_a_click_on_a_row_of_the_implementation_map_opens_that_commitment(
    browser: object, server: str
) -> None:
    with (PROJECT_ROOT / "data" / "reference" / "gdc_commitments.csv").open(encoding="utf-8") as f:
        action = next(row for row in csv.DictReader(f) if row["letter"])
    page = open_view(browser, server + "/implementation?framework=gdc&columns=sector")
    try:
        cell = page.locator(f"svg.marks path[aria-label*='{action['ref']} ·']").first  # type: ignore[attr-defined]
        cell.click()
        page.wait_for_url(re.compile(r"[?&]item="), timeout=30_000)  # type: ignore[attr-defined]
        wait_until_rendered(page)
        assert parse_qs(urlparse(page.url).query)["item"] == [action["ref"]]  # type: ignore[attr-defined]
        heading = f"{action['ref']} · {action['title']}"
        assert heading in main_text(page)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "implementation-item.png"))  # type: ignore[attr-defined]
    finally:
        page.context.close()  # type: ignore[attr-defined]
