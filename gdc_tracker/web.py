"""The HTTP routes served beside the pages (serve.py mounts them with `st.App`).

/auth/session turns the one-time code of a sign-in into the session cookie; /auth/sign-out
clears it. Both answer only same-origin POSTs (the page's own fetch), which is their
protection against cross-site requests: a browser says where a request comes from in
Sec-Fetch-Site and Origin, and a form or script on another site cannot forge either.
"""

from functools import lru_cache

from sqlalchemy.engine import Engine
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from gdc_tracker import config, db, sessions


def forbidden() -> Response:
    return Response("cross-site request refused", status_code=403, media_type="text/plain")


@lru_cache(maxsize=1)
def engine() -> Engine:
    """The store the pages use (prepared by the app's first run)."""
    return db.make_engine(config.load().database_url)


def same_origin(request: Request) -> bool:
    """Whether the request comes from a page of this site."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site != "same-origin":
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return site == "same-origin"
    return origin.split("://", 1)[-1] == request.headers.get("host", "")


def _is_https(request: Request) -> bool:
    forwarded = request.headers.get("x-forwarded-proto", "")
    return request.url.scheme == "https" or forwarded.split(",")[0].strip() == "https"


def set_session_cookie(response: Response, request: Request, token: str) -> None:
    """HttpOnly (page scripts cannot read it), SameSite=Strict (never sent from another
    site), Secure behind HTTPS; no expiry of its own: the store ends idle sessions."""
    response.set_cookie(
        sessions.COOKIE_NAME,
        token,
        httponly=True,
        samesite="strict",
        secure=_is_https(request),
        path="/",
    )


async def adopt_session(request: Request) -> Response:
    if not same_origin(request):
        return forbidden()
    form = await request.form()
    code = str(form.get("code") or "")
    with db.session_scope(engine()) as session:
        token = sessions.adopt(session, code) if code else None
    if token is None:
        return Response(status_code=400)
    response = Response(status_code=204)
    set_session_cookie(response, request, token)
    return response


async def sign_out(request: Request) -> Response:
    if not same_origin(request):
        return forbidden()
    token = request.cookies.get(sessions.COOKIE_NAME)
    if token:
        with db.session_scope(engine()) as session:
            sessions.end_by_token(session, token, "signed out")
    response = Response(status_code=204)
    response.delete_cookie(sessions.COOKIE_NAME, path="/", httponly=True, samesite="strict")
    return response


def routes() -> list[BaseRoute]:
    return [
        Route("/auth/session", adopt_session, methods=["POST"]),
        Route("/auth/sign-out", sign_out, methods=["POST"]),
    ]
