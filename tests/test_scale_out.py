"""Scale-out: two app processes on one PostgreSQL database, as a deployment behind a proxy
runs them. A review published through one process is visible through the other at its
next rerun, with no rebuild step (the data-version freshness model of DESIGN.md)."""

import re

import pytest

from gdc_tracker import bootstrap, db, entries
from tests.browser import streamlit_server, wait_until_rendered
from tests.factories import PASSWORD, internet_use, make_user

pytestmark = [pytest.mark.browser, pytest.mark.postgres]


@pytest.fixture
def shared_store(postgres_url: str) -> str:
    """A seeded PostgreSQL store with one submitted entry waiting for review."""
    engine = db.make_engine(postgres_url)
    db.upgrade(engine)
    bootstrap.seed(engine, with_demo=True)
    editor = make_user(engine, "ana.editor", "editor")
    make_user(engine, "ben.reviewer", "reviewer")
    with db.session_scope(engine) as session:
        entries.add_entry(session, internet_use(period="2025"), by=editor, submit=True)
    engine.dispose()
    return postgres_url


def open_overview(browser: object, base: str) -> object:
    page = browser.new_page(viewport={"width": 1440, "height": 1000})  # type: ignore[attr-defined]
    page.goto(base + "/")
    wait_until_rendered(page)
    return page


def published_entries(page: object) -> int:
    """The "Published values" headline figure of Overview."""
    metric = page.locator("[data-testid='stMetric']").filter(has_text="Published values")  # type: ignore[attr-defined]
    return int(re.sub(r"\D", "", metric.locator("[data-testid='stMetricValue']").inner_text()))


def sign_in(page: object, username: str) -> None:
    page.get_by_text("Sign in (secretariat staff)").click()  # type: ignore[attr-defined]
    page.get_by_role("textbox", name="User name").fill(username)  # type: ignore[attr-defined]
    page.get_by_role("textbox", name="Password").fill(PASSWORD)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Sign in", exact=True).click()  # type: ignore[attr-defined]
    page.get_by_text("Signed in as").wait_for(timeout=60_000)  # type: ignore[attr-defined]


def test_a_review_published_through_one_process_shows_in_the_other_at_its_next_rerun(
    shared_store: str, browser: object
) -> None:
    with (
        streamlit_server(shared_store) as writer_base,
        streamlit_server(shared_store) as reader_base,
    ):
        reader = open_overview(browser, reader_base)
        before = published_entries(reader)

        writer = open_overview(browser, writer_base)
        assert published_entries(writer) == before  # one database behind both processes
        sign_in(writer, "ben.reviewer")
        writer.get_by_role("link", name="Review").click()  # type: ignore[attr-defined]
        wait_until_rendered(writer)
        writer.get_by_role("button", name="Publish", exact=True).click()  # type: ignore[attr-defined]
        writer.get_by_text("No entry is waiting for review.").wait_for(timeout=60_000)  # type: ignore[attr-defined]

        assert published_entries(reader) == before  # the reader has not rerun yet
        reader.reload()  # type: ignore[attr-defined]
        wait_until_rendered(reader)
        assert published_entries(reader) == before + 1

        writer.get_by_role("link", name="Overview").click()  # type: ignore[attr-defined]
        wait_until_rendered(writer)
        assert published_entries(writer) == before + 1
