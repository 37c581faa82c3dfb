"""Who is signed in, for how long, and the sign-in form.

Local accounts sign in with a user name and password (argon2 hashes in the store). Where
an [auth] section is configured in .streamlit/secrets.toml, "Sign in with your
organisation" uses OpenID Connect through st.login; the account is matched by e-mail to a
user in the store, which gives the role (unknown e-mail addresses read as viewers).
A session ends after `app.session_minutes` without activity.

Served by serve.py, a sign-in also lasts across reloads and tabs: the form starts a
server-side session (gdc_tracker.sessions) and the page hands its one-time code to
/auth/session, which sets the HttpOnly cookie every later run reads (`st.context.cookies`).
The tab that signed in checks its session in the store on every run, so a sign-out in
another tab, an idle expiry or an admin's change ends it too.
"""

import json
import time

import streamlit as st

from gdc_tracker import auth, db, sessions
from gdc_tracker.auth import Identity
from gdc_tracker.i18n import _
from gdc_tracker.models import Role, User, role_label
from gdc_tracker.ui import cache

IDENTITY_KEY = "auth__identity"
LAST_SEEN_KEY = "auth__last_seen"
NOTICE_KEY = "auth__notice"
SESSION_ID_KEY = "auth__session_id"  # the store's session behind this tab's sign-in
HANDOFF_KEY = "auth__handoff"  # the one-time code the page hands to /auth/session
CLEAR_COOKIE_KEY = "auth__clear_cookie"
# The page's own same-origin POSTs (gdc_tracker.web): the code never goes into a URL, and
# the cookie it buys is HttpOnly. Where the routes are not served (`streamlit run app.py`)
# the POST fails quietly and the sign-in lasts as long as the tab.
HANDOFF_SCRIPT = """<script>
fetch("/auth/session", {{method: "POST", credentials: "same-origin",
  headers: {{"Content-Type": "application/x-www-form-urlencoded"}},
  body: "code=" + encodeURIComponent({code})}}).catch(() => {{}});
</script>"""
SIGN_OUT_SCRIPT = """<script>
fetch("/auth/sign-out", {method: "POST", credentials: "same-origin"}).catch(() => {});
</script>"""


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except FileNotFoundError:
        return False
    except Exception:  # no secrets file at all: Streamlit raises its own error type
        return False


def _oidc_identity() -> Identity | None:
    if not _oidc_configured() or not getattr(st.user, "is_logged_in", False):
        return None
    email = str(st.user.get("email") or "").lower()
    with db.session_scope(cache.get_engine()) as session:
        user = session.query(User).filter(User.email == email, User.is_active).first()
        if user is not None:
            return auth.identity_of(user)
    return Identity(
        user_id=None, username=email or "oidc user", display_name=email, role=Role.VIEWER
    )


def _minutes() -> float:
    return float(cache.get_settings().session_minutes)


def _cookie_token() -> str | None:
    try:
        token = st.context.cookies.get(sessions.COOKIE_NAME)
    except Exception:  # no browser request behind this run (AppTest, a bare script)
        return None
    return token if isinstance(token, str) and token else None


def _from_stored_session() -> Identity | None:
    """The identity of this tab's stored session, or of the browser's session cookie.
    None when neither is live; a tab whose stored session ended is signed out here."""
    session_id = st.session_state.get(SESSION_ID_KEY)
    with db.session_scope(cache.get_engine()) as session:
        if session_id is not None:
            identity = sessions.check(session, session_id, idle_minutes=_minutes())
            if identity is None:
                st.session_state[CLEAR_COOKIE_KEY] = True
            return identity
        token = _cookie_token()
        found = sessions.resolve(session, token, idle_minutes=_minutes()) if token else None
    if found is None:
        st.session_state[CLEAR_COOKIE_KEY] = True  # a cookie of an ended session
        return None
    session_id, identity = found
    sign_in(identity, session_id=session_id)
    return identity


def current_identity() -> Identity | None:
    """The signed-in user, or None; an idle session past its time is signed out here."""
    stored = st.session_state.get(SESSION_ID_KEY) is not None or (
        IDENTITY_KEY not in st.session_state and _cookie_token()
    )
    if stored and _from_stored_session() is None:
        if st.session_state.get(SESSION_ID_KEY) is not None:
            sign_out(_("You were signed out: the session ended. Please sign in again."))
        return None
    identity: Identity | None = st.session_state.get(IDENTITY_KEY) or _oidc_identity()
    if identity is None:
        return None
    now = time.monotonic()
    limit = cache.get_settings().session_minutes * 60
    if now - st.session_state.get(LAST_SEEN_KEY, now) > limit:
        sign_out(_("Your session ended after a period without activity. Please sign in again."))
        return None
    st.session_state[LAST_SEEN_KEY] = now
    with db.session_scope(cache.get_engine()) as session:
        fresh = auth.current(session, identity)
    if fresh is None:
        sign_out(_("Your account is no longer active. Ask an administrator."))
        return None
    if fresh != identity and IDENTITY_KEY in st.session_state:
        st.session_state[IDENTITY_KEY] = fresh
    # The forms drawn in this run carry this identity: a write they send after the sign-in
    # has ended is refused by the write itself (auth.authorize), not only by the next run.
    return fresh.valid_for(limit / 60)


def sign_in(identity: Identity, *, session_id: int | None = None) -> None:
    st.session_state[IDENTITY_KEY] = identity
    st.session_state[LAST_SEEN_KEY] = time.monotonic()
    if session_id is not None:
        st.session_state[SESSION_ID_KEY] = session_id


def sign_out(notice: str | None = None) -> None:
    """Sign this tab out, end its stored session (every tab of the browser follows at its
    next run) and have the page clear the cookie."""
    session_id = st.session_state.pop(SESSION_ID_KEY, None)
    if session_id is not None:
        with db.session_scope(cache.get_engine()) as session:
            sessions.end(session, session_id, "signed out")
        st.session_state[CLEAR_COOKIE_KEY] = True
    st.session_state.pop(IDENTITY_KEY, None)
    st.session_state.pop(LAST_SEEN_KEY, None)
    st.session_state.pop(HANDOFF_KEY, None)
    if notice:
        st.session_state[NOTICE_KEY] = notice


def _user_agent() -> str:
    try:
        return str(st.context.headers.get("User-Agent") or "")
    except Exception:
        return ""


def _start_stored_session(identity: Identity) -> None:
    """A server-side session for this sign-in, and its code for the page to hand over."""
    if identity.user_id is None:
        return
    with db.session_scope(cache.get_engine()) as session:
        session_id, code = sessions.start(session, identity, user_agent=_user_agent())
    st.session_state[SESSION_ID_KEY] = session_id
    st.session_state[HANDOFF_KEY] = code


def cookie_scripts() -> None:
    """Hand a new sign-in's code to the server, or clear the cookie after a sign-out."""
    code = st.session_state.pop(HANDOFF_KEY, None)
    if code:
        st.html(HANDOFF_SCRIPT.format(code=json.dumps(code)), unsafe_allow_javascript=True)
    if st.session_state.pop(CLEAR_COOKIE_KEY, False):
        st.html(SIGN_OUT_SCRIPT, unsafe_allow_javascript=True)


def _submit_sign_in() -> None:
    username = st.session_state.get("auth__username", "")
    password = st.session_state.get("auth__password", "")
    with db.session_scope(cache.get_engine()) as session:
        identity = auth.authenticate(session, username, password)
    st.session_state["auth__password"] = ""
    if identity is None:
        st.session_state[NOTICE_KEY] = _("User name or password is not right.")
    else:
        sign_in(identity)
        _start_stored_session(identity)
        st.session_state.pop(NOTICE_KEY, None)


def account_box(identity: Identity | None) -> None:
    """The sidebar's sign-in form, or who is signed in with a sign-out button."""
    notice = st.session_state.pop(NOTICE_KEY, None)
    cookie_scripts()
    if identity is not None and identity.user_id is not None:
        st.caption(
            _("Signed in as **{name}** ({role})").format(
                name=identity.label, role=role_label(identity.role)
            )
        )
        if st.button(_("Sign out"), key="auth__sign_out"):
            sign_out()
            if _oidc_configured() and getattr(st.user, "is_logged_in", False):
                st.logout()
            st.rerun()
        return
    if notice:
        st.warning(notice)
    with st.expander(_("Sign in (secretariat staff)")):
        with st.form("auth__form", border=False):
            st.text_input(_("User name"), key="auth__username", autocomplete="username")
            st.text_input(
                _("Password"),
                type="password",
                key="auth__password",
                autocomplete="current-password",
            )
            st.form_submit_button(_("Sign in"), on_click=_submit_sign_in)
        if _oidc_configured():
            st.button(_("Sign in with your organisation"), on_click=st.login, key="auth__oidc")
