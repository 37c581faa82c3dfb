"""Who is signed in, for how long, and the sign-in form.

Local accounts sign in with a user name and password (argon2 hashes in the store). Where
an [auth] section is configured in .streamlit/secrets.toml, "Sign in with your
organisation" uses OpenID Connect through st.login; the account is matched by e-mail to a
user in the store, which gives the role (unknown e-mail addresses read as viewers).
A session ends after `app.session_minutes` without activity.
"""

import time

import streamlit as st

from gdc_tracker import auth, db
from gdc_tracker.auth import Identity
from gdc_tracker.i18n import _
from gdc_tracker.models import Role, User, role_label
from gdc_tracker.ui import cache

IDENTITY_KEY = "auth__identity"
LAST_SEEN_KEY = "auth__last_seen"
NOTICE_KEY = "auth__notice"


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


def current_identity() -> Identity | None:
    """The signed-in user, or None; an idle session past its time is signed out here."""
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


def sign_in(identity: Identity) -> None:
    st.session_state[IDENTITY_KEY] = identity
    st.session_state[LAST_SEEN_KEY] = time.monotonic()


def sign_out(notice: str | None = None) -> None:
    st.session_state.pop(IDENTITY_KEY, None)
    st.session_state.pop(LAST_SEEN_KEY, None)
    if notice:
        st.session_state[NOTICE_KEY] = notice


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
        st.session_state.pop(NOTICE_KEY, None)


def account_box(identity: Identity | None) -> None:
    """The sidebar's sign-in form, or who is signed in with a sign-out button."""
    notice = st.session_state.pop(NOTICE_KEY, None)
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
