"""The session routes as a browser meets them: /auth/session sets an HttpOnly,
SameSite=Strict cookie for a same-origin POST of a valid code, and refuses cross-site
requests; /auth/sign-out ends the session and clears the cookie."""

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from gdc_tracker import db, sessions, web
from tests.factories import make_user

SAME_ORIGIN = {"sec-fetch-site": "same-origin", "origin": "http://testserver"}


@pytest.fixture
def client(engine, monkeypatch):
    monkeypatch.setattr(web, "engine", lambda: engine)
    return TestClient(Starlette(routes=web.routes()))


def handoff(engine) -> str:
    editor = make_user(engine, "jo.editor", "editor")
    with db.session_scope(engine) as session:
        return sessions.start(session, editor)[1]


def test_a_same_origin_post_of_the_code_sets_the_cookie(client, engine):
    response = client.post("/auth/session", data={"code": handoff(engine)}, headers=SAME_ORIGIN)
    assert response.status_code == 204
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{sessions.COOKIE_NAME}=")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain HTTP here; behind HTTPS it is Secure
    token = response.cookies[sessions.COOKIE_NAME]
    with db.session_scope(engine) as session:
        assert sessions.resolve(session, token, idle_minutes=60)[1].username == "jo.editor"


def test_behind_https_the_cookie_is_secure(client, engine):
    headers = SAME_ORIGIN | {"x-forwarded-proto": "https"}
    response = client.post("/auth/session", data={"code": handoff(engine)}, headers=headers)
    assert "Secure" in response.headers["set-cookie"]


@pytest.mark.parametrize(
    "headers",
    [
        {"sec-fetch-site": "cross-site", "origin": "https://evil.example"},
        {"origin": "https://evil.example"},
        {},
    ],
)
def test_a_request_from_another_site_is_refused(client, engine, headers):
    response = client.post("/auth/session", data={"code": handoff(engine)}, headers=headers)
    assert response.status_code == 403
    assert "set-cookie" not in response.headers


def test_a_spent_or_unknown_code_gets_no_cookie(client, engine):
    code = handoff(engine)
    assert client.post("/auth/session", data={"code": code}, headers=SAME_ORIGIN).is_success
    again = client.post("/auth/session", data={"code": code}, headers=SAME_ORIGIN)
    assert again.status_code == 400 and "set-cookie" not in again.headers


def test_signing_out_ends_the_session_and_clears_the_cookie(client, engine):
    response = client.post("/auth/session", data={"code": handoff(engine)}, headers=SAME_ORIGIN)
    token = response.cookies[sessions.COOKIE_NAME]
    out = client.post("/auth/sign-out", headers=SAME_ORIGIN)
    assert out.status_code == 204
    assert f'{sessions.COOKIE_NAME}=""' in out.headers["set-cookie"]
    with db.session_scope(engine) as session:
        assert sessions.resolve(session, token, idle_minutes=60) is None


def test_the_routes_take_no_get(client):
    assert client.get("/auth/session").status_code == 405
    assert client.get("/auth/sign-out").status_code == 405
