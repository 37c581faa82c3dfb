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

Failed sign-ins are counted and, repeated, pause sign-in (gdc_tracker.sign_in); the form
says the same for an unknown user name as for a wrong password. A user whose password an
admin reset sees only the form to choose a new one until she has. Passwords only ever sit
in their widgets' state, which the callbacks clear; they are never shown or logged.
"""

import json
import time
from dataclasses import replace
from datetime import UTC, datetime

import sqlalchemy as sa
import streamlit as st
from sqlmodel import col

from gdc_tracker import auth, db, passwords, sessions
from gdc_tracker import sign_in as sign_in_rules
from gdc_tracker.auth import Identity
from gdc_tracker.errors import GdcTrackerError, ValidationFailed
from gdc_tracker.i18n import _
from gdc_tracker.models import Role, User, role_label
from gdc_tracker.ui import cache, components

IDENTITY_KEY = "auth__identity"
LAST_SEEN_KEY = "auth__last_seen"
NOTICE_KEY = "auth__notice"
SESSION_ID_KEY = "auth__session_id"  # the store's session behind this tab's sign-in
HANDOFF_KEY = "auth__handoff"  # the one-time code the page hands to /auth/session
CLEAR_COOKIE_KEY = "auth__clear_cookie"
NEW_PASSWORD_FIELDS = ("current_password", "password", "password_again")
NEW_PASSWORD_KEYS = tuple(f"auth__new_{name}" for name in NEW_PASSWORD_FIELDS)
NEW_PASSWORD_PROBLEMS_KEY = "auth__new_password_problems"  # {field: [message, ...]}
NEW_PASSWORD_DONE_KEY = "auth__new_password_done"  # the change succeeded: say so once
NEW_PASSWORD_GENERATION_KEY = "auth__new_password_generation"  # see admin_forms._fresh
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
        user = session.query(User).filter(col(User.email) == email, col(User.is_active)).first()
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
    if fresh.must_change_password and not identity.must_change_password:
        sign_out(
            _(
                "An administrator has reset your password. Sign in again with the temporary "
                "password you were given."
            )
        )
        return None
    if fresh != identity and IDENTITY_KEY in st.session_state:
        st.session_state[IDENTITY_KEY] = fresh
    if fresh.must_change_password:
        new_password_gate(fresh.valid_for(limit / 60))
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


def _client_address() -> str:
    """The address the sign-in comes from, as gdc_tracker.sign_in counts it."""
    try:
        peer = st.context.ip_address
        forwarded = st.context.headers.get("X-Forwarded-For")
    except Exception:  # no browser request behind this run (AppTest, a bare script)
        return ""
    behind_proxy = cache.get_settings().sign_in.behind_proxy
    return sign_in_rules.client_address(
        peer if isinstance(peer, str) else None,  # AppTest gives a stand-in object
        forwarded if isinstance(forwarded, str) else None,
        behind_proxy=behind_proxy,
    )


def _submit_sign_in() -> None:
    username = st.session_state.get("auth__username", "")
    password = st.session_state.get("auth__password", "")
    st.session_state["auth__password"] = ""
    now = datetime.now(UTC)
    with db.session_scope(cache.get_engine()) as session:
        outcome = sign_in_rules.attempt(
            session,
            username,
            password,
            address=_client_address(),
            rules=cache.get_settings().sign_in,
            now=now,
        )
    if outcome.identity is None:
        st.session_state[NOTICE_KEY] = (
            sign_in_rules.pause_message(outcome.pause, now)
            if outcome.pause is not None
            else _("User name or password is not right.")
        )
    else:
        sign_in(outcome.identity)
        _start_stored_session(outcome.identity)
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
        _sign_out_button()
        with st.expander(_("Change your password")):
            new_password_form(identity)
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
            st.form_submit_button(_("Sign in"), key="auth__sign_in", on_click=_submit_sign_in)
        if _oidc_configured():
            st.button(_("Sign in with your organisation"), on_click=st.login, key="auth__oidc")


def _sign_out_button() -> None:
    if st.button(_("Sign out"), key="auth__sign_out"):
        sign_out()
        if _oidc_configured() and getattr(st.user, "is_logged_in", False):
            st.logout()
        st.rerun()


# Choosing a new password: one's own from the sidebar, or a temporary one before anything


def _new_password_fresh(limit: int) -> int:
    """`limit`, or one more on every other submission: new, empty fields in the browser."""
    return limit + st.session_state.get(NEW_PASSWORD_GENERATION_KEY, 0) % 2


def _submit_new_password(identity: Identity) -> None:
    """Replace the signed-in user's password with the one the form gives (its callback)."""
    generation = st.session_state.get(NEW_PASSWORD_GENERATION_KEY, 0)
    st.session_state[NEW_PASSWORD_GENERATION_KEY] = generation + 1
    values = {
        name: str(st.session_state.get(f"auth__new_{name}") or "") for name in NEW_PASSWORD_FIELDS
    }
    for key in NEW_PASSWORD_KEYS:  # never kept, whatever happens next
        st.session_state[key] = ""
    st.session_state.pop(NEW_PASSWORD_PROBLEMS_KEY, None)
    if values["password"] != values["password_again"]:
        problems = {"password_again": [_("the two passwords are not the same")]}
        st.session_state[NEW_PASSWORD_PROBLEMS_KEY] = problems
        return
    try:
        with db.session_scope(cache.get_engine()) as session:
            auth.change_password(
                session,
                identity,
                current_password=values["current_password"],
                new_password=values["password"],
                keep_session=st.session_state.get(SESSION_ID_KEY),
            )
    except ValidationFailed as error:
        st.session_state[NEW_PASSWORD_PROBLEMS_KEY] = {
            p.field: error.for_field(p.field) for p in error.problems
        }
        return
    except (GdcTrackerError, sa.exc.SQLAlchemyError) as error:
        message = (
            str(error) if isinstance(error, GdcTrackerError) else components.nothing_saved(error)
        )
        st.session_state[NEW_PASSWORD_PROBLEMS_KEY] = {"": [message]}
        return
    if IDENTITY_KEY in st.session_state:
        st.session_state[IDENTITY_KEY] = replace(identity, must_change_password=False)
    st.session_state[NEW_PASSWORD_DONE_KEY] = True


def _new_password_problems(field: str) -> None:
    components.field_problems(NEW_PASSWORD_PROBLEMS_KEY, field)


def new_password_form(identity: Identity) -> None:
    """Current password, new password twice."""
    if st.session_state.pop(NEW_PASSWORD_DONE_KEY, False):
        st.success(_("Your password was changed."), icon="✅")
    _new_password_problems("")
    with st.form("auth__new_password_form", border=False):
        st.text_input(
            _("Current password"),
            type="password",
            key="auth__new_current_password",
            autocomplete="current-password",
            max_chars=_new_password_fresh(256),
        )
        _new_password_problems("current_password")
        st.text_input(
            _("New password"),
            type="password",
            key="auth__new_password",
            autocomplete="new-password",
            max_chars=_new_password_fresh(256),
            help=passwords.policy_in_words(),
        )
        _new_password_problems("password")
        st.text_input(
            _("New password again"),
            type="password",
            key="auth__new_password_again",
            autocomplete="new-password",
            max_chars=_new_password_fresh(256),
        )
        _new_password_problems("password_again")
        st.form_submit_button(
            _("Change password"),
            key="auth__change_password",
            type="primary",
            on_click=_submit_new_password,
            args=(identity,),
        )
    st.session_state.pop(NEW_PASSWORD_PROBLEMS_KEY, None)


def new_password_gate(identity: Identity) -> None:
    """A user with a temporary password sees only this until she has chosen her own;
    the run ends here."""
    cookie_scripts()
    st.title(_("Choose a new password"), anchor=False)
    st.info(
        _(
            "An administrator has reset your password. Choose a new one of your own before "
            "you go on: the temporary password is your current password."
        ),
        icon="🔑",
    )
    new_password_form(identity)
    _sign_out_button()
    st.stop()
