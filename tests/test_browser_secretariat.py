"""A secretariat day in Chromium: an editor signs in, enters a value and submits it; a
reviewer signs in and publishes it; the indicator page shows it."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser import (
    CHROMIUM_ARGS,
    SCREENSHOTS,
    require_chromium,
    store_with_users,
    streamlit_server,
    wait_until_rendered,
)
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def office_store(seeded_sqlite_file: str, tmp_path: Path) -> Iterator[str]:
    roles = {"ana.editor": "editor", "ben.reviewer": "reviewer"}
    yield store_with_users(seeded_sqlite_file, tmp_path / "office.db", **roles)


def sign_in(page: object, base: str, username: str) -> None:
    page.goto(base + "/")  # type: ignore[attr-defined]
    wait_until_rendered(page)
    page.get_by_text("Sign in (secretariat staff)").click()  # type: ignore[attr-defined]
    page.get_by_label("User name").fill(username)  # type: ignore[attr-defined]
    page.get_by_role("textbox", name="Password").fill(PASSWORD)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Sign in", exact=True).click()  # type: ignore[attr-defined]
    page.get_by_text("Signed in as").wait_for(timeout=30_000)  # type: ignore[attr-defined]


def choose(page: object, label: str, option: str) -> None:
    """Open a selectbox, type to filter its (virtualised) list, pick the first match."""
    page.get_by_role("combobox", name=re.compile(label)).click()  # type: ignore[attr-defined]
    page.keyboard.type(option)  # type: ignore[attr-defined]
    page.get_by_role("option", name=re.compile(re.escape(option))).first.click()  # type: ignore[attr-defined]
    wait_until_rendered(page)


def test_enter_submit_review_publish_and_see_it_on_the_chart(office_store: str) -> None:
    chromium = require_chromium()
    from playwright.sync_api import sync_playwright

    with streamlit_server(office_store) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        editor = browser.new_page(viewport={"width": 1440, "height": 1100})
        sign_in(editor, base, "ana.editor")
        editor.get_by_role("link", name="Update").click()
        wait_until_rendered(editor)
        choose(editor, "^Indicator", "Individuals using the Internet")
        choose(editor, "^Geography", "El Salvador")
        value_tab = editor.get_by_role("tabpanel").first
        value_tab.get_by_label("Period").fill("2025")
        value_tab.get_by_label(re.compile("^Value")).fill("66.6")
        value_tab.get_by_label("Source").fill("DIGESTYC household survey")
        value_tab.get_by_role("button", name="Submit for review").click()
        editor.get_by_text("saved (submitted for review)").wait_for(timeout=30_000)
        editor.screenshot(path=str(SCREENSHOTS / "secretariat-submitted.png"), full_page=True)

        reviewer = browser.new_page(viewport={"width": 1440, "height": 1100})
        sign_in(reviewer, base, "ben.reviewer")
        reviewer.get_by_role("link", name="Review").click()
        wait_until_rendered(reviewer)
        assert "66.6" in reviewer.locator("[data-testid='stMain']").inner_text()
        reviewer.get_by_role("button", name="Publish", exact=True).click()
        wait_until_rendered(reviewer)
        reviewer.screenshot(path=str(SCREENSHOTS / "secretariat-published.png"), full_page=True)

        reviewer.goto(base + "/indicators?indicator=UMC_INTERNET_USE&geo=SLV")
        wait_until_rendered(reviewer)
        reviewer.wait_for_selector("svg.marks", timeout=30_000)
        status = reviewer.locator("[data-testid='stMain']").inner_text()
        reviewer.screenshot(path=str(SCREENSHOTS / "secretariat-on-chart.png"), full_page=True)
        browser.close()
    assert "2025" in status and "66.6" in status
