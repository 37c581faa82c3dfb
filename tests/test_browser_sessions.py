"""A sign-in that lasts, in Chromium through serve.py: an editor signs in, reloads, opens
a second tab and is still signed in; the cookie is HttpOnly (page scripts cannot read it);
signing out in one tab signs the other out at its next run."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from gdc_tracker import sessions
from tests.browser import (
    sign_in_from_sidebar,
    store_with_users,
    streamlit_server,
    wait_until_rendered,
)

pytestmark = pytest.mark.browser
SIGNED_IN = "Signed in as"


@pytest.fixture
def served(seeded_sqlite_file: str, tmp_path: Path) -> Iterator[str]:
    """The app with its routes (serve.py) on a store of its own with one editor."""
    url = store_with_users(seeded_sqlite_file, tmp_path / "sessions.db", **{"ana.editor": "editor"})
    with streamlit_server(url, script="serve.py") as base:
        yield base


def signed_in(page) -> bool:
    wait_until_rendered(page)
    return page.get_by_text(SIGNED_IN).count() > 0


def session_cookie(context) -> dict | None:
    found = [c for c in context.cookies() if c["name"] == sessions.COOKIE_NAME]
    return found[0] if found else None


def test_a_sign_in_survives_a_reload_and_a_new_tab(browser, served):
    context = browser.new_context()
    page = context.new_page()
    sign_in_from_sidebar(page, served, "ana.editor")
    cookie = None  # the page hands its code over right after the sign-in run
    for _attempt in range(50):
        cookie = session_cookie(context)
        if cookie:
            break
        page.wait_for_timeout(200)
    assert cookie is not None, "the session cookie"
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert sessions.COOKIE_NAME not in page.evaluate("document.cookie")

    page.goto(served + "/update")  # a reload: a new Streamlit session
    assert signed_in(page)
    second = context.new_page()
    second.goto(served + "/")
    assert signed_in(second)
    context.close()


def test_signing_out_in_one_tab_signs_the_other_out(browser, served):
    context = browser.new_context()
    first = context.new_page()
    sign_in_from_sidebar(first, served, "ana.editor")
    for _attempt in range(50):
        if session_cookie(context):
            break
        first.wait_for_timeout(200)
    second = context.new_page()
    second.goto(served + "/")
    assert signed_in(second)
    second.get_by_role("button", name="Sign out").click()
    second.get_by_text("Sign in (secretariat staff)").wait_for(timeout=30_000)
    for _attempt in range(50):
        if session_cookie(context) is None:
            break
        second.wait_for_timeout(200)
    assert session_cookie(context) is None
    first.get_by_role("link", name="Indicators").first.click()  # the first tab's next run
    first.get_by_text("Sign in (secretariat staff)").wait_for(timeout=30_000)
    assert first.get_by_text(SIGNED_IN).count() == 0
    first.reload()
    assert not signed_in(first)
    context.close()


def test_a_new_browser_is_not_signed_in(browser, served):
    """Another browser (no cookie) sees the sign-in form, as an anonymous visitor."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(served + "/")
    assert not signed_in(page)
    assert page.get_by_text("Sign in (secretariat staff)").count() == 1
    context.close()
