"""The HTTP routes served beside the pages (serve.py mounts them with `st.App`).

/auth/session turns the one-time code of a sign-in into the session cookie; /auth/sign-out
clears it. Both answer only same-origin POSTs (the page's own fetch), which is their
protection against cross-site requests: a browser says where a request comes from in
Sec-Fetch-Site and Origin, and a form or script on another site cannot forge either.

`SecurityHeaders` adds to every response the headers that tell the browser what the pages
may do: load scripts, styles, images and connections from this site only, never be shown
in a frame of a site not named in `app.frame_ancestors`, never guess a file's type, and
send no full address to other sites.
"""

from functools import lru_cache

from sqlalchemy.engine import Engine
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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


# What Streamlit 1.67's front end needs, checked in headless Chromium on every page
# (tests/test_security_headers.py): the inline script of its index page and the sign-in's
# hand-off script ('unsafe-inline'; neither carries a nonce), its inline styles, the
# WebAssembly the maps compile ('wasm-unsafe-eval'; no JavaScript eval is allowed), fonts
# from data: addresses, and the WebSocket back to this site ('self' covers ws: and wss:
# to the same host). Nothing is loaded from another site.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "frame-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
)
FRAME_OPTIONS = {"'self'": "SAMEORIGIN", "'none'": "DENY"}


def security_headers(frame_ancestors: str = "'self'") -> dict[str, str]:
    """The headers every response carries. X-Frame-Options, which older browsers read
    instead of frame-ancestors, can only say "this site" or "nobody": for a list of other
    sites it is left out and frame-ancestors decides."""
    policy = "; ".join((*CONTENT_SECURITY_POLICY, f"frame-ancestors {frame_ancestors}"))
    headers = {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
    }
    frame_options = FRAME_OPTIONS.get(frame_ancestors.strip())
    if frame_options:
        headers["X-Frame-Options"] = frame_options
    return headers


class SecurityHeaders:
    """ASGI middleware that sets `security_headers` on every HTTP response (the pages, the
    front end's files, the routes); WebSocket traffic passes untouched."""

    def __init__(self, app: ASGIApp, *, frame_ancestors: str = "'self'") -> None:
        self.app = app
        self.headers = security_headers(frame_ancestors)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


def middleware() -> list[Middleware]:
    """What serve.py passes to `st.App`: the security headers, framed as configured."""
    return [Middleware(SecurityHeaders, frame_ancestors=config.load().frame_ancestors)]
