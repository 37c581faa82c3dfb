"""Every response carries the security headers (Content-Security-Policy, X-Frame-Options,
X-Content-Type-Options, Referrer-Policy), framed as `app.frame_ancestors` says; and in
Chromium, through serve.py, every kind of page still draws under that policy without one
violation: charts, maps, the sign-in and its hand-off of the session cookie."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.testclient import TestClient

from gdc_tracker import config, db, sessions, web
from tests.browser import (
    sign_in_from_sidebar,
    store_with_users,
    streamlit_server,
    wait_for_drawings,
    wait_until_rendered,
)
from tests.factories import make_user

SAME_ORIGIN = {"sec-fetch-site": "same-origin", "origin": "http://testserver"}


def client(engine, monkeypatch, frame_ancestors: str = "'self'") -> TestClient:
    monkeypatch.setattr(web, "engine", lambda: engine)
    app = Starlette(
        routes=web.routes(),
        middleware=[Middleware(web.SecurityHeaders, frame_ancestors=frame_ancestors)],
    )
    return TestClient(app)


def directives(response) -> dict[str, str]:
    policy = response.headers["content-security-policy"]
    pairs = (part.strip().partition(" ") for part in policy.split(";"))
    return {name: value for name, _space, value in pairs}


@pytest.mark.parametrize(
    ("method", "path", "headers", "status"),
    [
        ("post", "/auth/sign-out", SAME_ORIGIN, 204),  # a route's answer
        ("post", "/auth/sign-out", {"origin": "https://evil.example"}, 403),  # a refusal
        ("get", "/no/such/page", {}, 404),  # an error
    ],
)
def test_every_response_carries_the_headers(
    engine, monkeypatch, method: str, path: str, headers: dict, status: int
) -> None:
    response = getattr(client(engine, monkeypatch), method)(path, headers=headers)
    assert response.status_code == status
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    policy = directives(response)
    assert policy["frame-ancestors"] == "'self'"
    assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'"
    assert "'unsafe-eval'" not in policy["script-src"]
    assert "*" not in response.headers["content-security-policy"]


def test_a_dashboard_embedded_elsewhere_names_that_site_and_drops_x_frame_options(
    engine, monkeypatch
) -> None:
    allowed = "'self' https://intranet.example.org"
    response = client(engine, monkeypatch, allowed).get("/nowhere")
    assert directives(response)["frame-ancestors"] == allowed
    assert "x-frame-options" not in response.headers  # it cannot name another site


def test_no_framing_at_all_is_deny(engine, monkeypatch) -> None:
    response = client(engine, monkeypatch, "'none'").get("/nowhere")
    assert response.headers["x-frame-options"] == "DENY"
    assert directives(response)["frame-ancestors"] == "'none'"


def test_the_session_cookie_route_still_answers_with_the_headers(engine, monkeypatch) -> None:
    editor = make_user(engine, "jo.editor", "editor")
    with db.session_scope(engine) as session:
        code = sessions.start(session, editor)[1]
    response = client(engine, monkeypatch).post(
        "/auth/session", data={"code": code}, headers=SAME_ORIGIN
    )
    assert response.status_code == 204 and sessions.COOKIE_NAME in response.headers["set-cookie"]
    assert "content-security-policy" in response.headers


def test_frame_ancestors_is_read_from_the_settings_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[app]\nframe_ancestors = \"'self' https://intranet.example.org\"\n")
    assert config.load(path, env={}).frame_ancestors == "'self' https://intranet.example.org"
    assert config.load(tmp_path / "absent.toml", env={}).frame_ancestors == "'self'"
    path.write_text("[app]\nframe_ancestors = \"'self'; script-src *\"\n")
    with pytest.raises(config.ConfigError, match="frame_ancestors"):
        config.load(path, env={})


# In Chromium, through serve.py


@pytest.fixture
def served(seeded_sqlite_file: str, tmp_path: Path) -> Iterator[str]:
    url = store_with_users(seeded_sqlite_file, tmp_path / "headers.db", **{"ada.admin": "admin"})
    with streamlit_server(url, script="serve.py") as base:
        yield base


PAGES = (
    "/",
    "/map",
    "/indicators?indicator=UMC_INTERNET_USE",
    "/objectives",
    "/implementation",
    "/regional",
    "/present",
)


@pytest.mark.browser
def test_every_page_draws_under_the_policy_without_a_violation(browser, served) -> None:
    context = browser.new_context()
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text))
    page.on("pageerror", lambda error: violations.append(str(error)))
    drawn = {}
    for path in PAGES:
        response = page.goto(served + path)
        assert "frame-ancestors 'self'" in response.headers["content-security-policy"]
        wait_until_rendered(page)
        wait_for_drawings(page, settle_ms=1000)
        drawn[path] = (
            page.locator("[data-testid='stVegaLiteChart'] svg.marks").count(),
            page.locator("[data-testid='stDeckGlJsonChart'] canvas").count(),
        )
    sign_in_from_sidebar(page, served, "ada.admin")  # the inline hand-off script runs
    for _attempt in range(50):
        if any(c["name"] == sessions.COOKIE_NAME for c in context.cookies()):
            break
        page.wait_for_timeout(200)
    page.goto(served + "/admin")
    wait_until_rendered(page)
    assert page.get_by_text("Signed in as").count() == 1  # the cookie was handed over
    context.close()
    assert drawn["/map"][1] >= 1 and drawn["/indicators?indicator=UMC_INTERNET_USE"][0] >= 1
    blocked = [text for text in violations if "content security policy" in text.lower()]
    assert blocked == []
