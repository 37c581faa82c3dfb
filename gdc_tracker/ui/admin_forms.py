"""The Admin page's pieces: users (add, change a role) and the audit log.

Writes run as form callbacks, before the rerun the form submit triggers, so the tables
drawn right after already show them. Passwords only ever sit in their widgets' state,
which the callback clears whether or not the user was added; they are never shown,
stored in session state elsewhere, or logged.

Clearing a form field from its callback is not enough in the browser (Streamlit 1.67):
a field the person left with Tab keeps showing what they typed. So every submission
also gives the form's text fields a new identity (their `max_chars` alternates by one,
see `_fresh`), and the browser draws new, empty fields (or the kept values after a
refusal) instead of the old ones.
"""

import json
from datetime import UTC, date, datetime

import pandas as pd
import sqlalchemy as sa
import streamlit as st

from gdc_tracker import auth, db, views
from gdc_tracker.auth import Identity
from gdc_tracker.errors import GdcTrackerError, ValidationFailed
from gdc_tracker.i18n import _
from gdc_tracker.ui import cache, components
from gdc_tracker.ui import session as signed_in
from gdc_tracker.views import About

ROLES = [str(role) for role in auth.ROLE_ORDER]
ROLE_HELP = _(  # the README's table of roles, in the same words
    "**viewer**: browse (signed in, sees the same as an anonymous visitor)  \n"
    "**editor**: add values and initiative updates, correct their entries, import files, "
    "save decks  \n"
    "**reviewer**: all of the above, and publish or reject submitted entries, import as "
    "published  \n"
    "**admin**: all of the above, and manage users and see the audit log"
)
NEW_USER_FIELDS = ("username", "display_name", "email", "role", "password", "password_again")
KEPT_FIELDS = ("username", "display_name", "email", "role")
PASSWORD_KEYS = ("admin__password", "admin__password_again")
GENERATION_KEY = "admin__add_generation"  # submissions so far: see _fresh
PROBLEMS_KEY = "admin__add_problems"  # {field: [message, ...]} of the last refused user
FEEDBACK_KEY = "admin__feedback"  # (kind, message), shown once
TABS = {"users": _("Users"), "audit": _("Audit log")}
TAB_KEY = "admin__tab"
NOISY_KEYS = {"updated_at"}  # changes on every write; the record's own time says it


class LastAdmin(GdcTrackerError):
    """The change would leave the store without an active admin."""


def _feedback(area: str, kind: str, message: str) -> None:
    st.session_state[FEEDBACK_KEY] = (area, kind, message)


def feedback(area: str) -> None:
    """The last write's outcome, once, where it was asked for (`add` or `role`)."""
    message = st.session_state.get(FEEDBACK_KEY)
    if message is not None and message[0] == area:
        del st.session_state[FEEDBACK_KEY]
        _, kind, text = message
        if kind == "success":
            st.success(text, icon="✅")
            st.toast(text, icon="✅")
        else:
            st.error(text, icon="⚠️")


def _database_trouble(error: Exception) -> str:
    return _("The database did not answer; nothing was saved. Try again in a moment.") + (
        f" ({error.__class__.__name__})"
    )


# Tabs: `?tab=audit` opens the audit log


def tabs() -> dict[str, object]:
    """The page's tabs, keyed by code; the open one lives in the URL as `?tab=<code>`."""
    wanted = st.query_params.get("tab")
    st.session_state[TAB_KEY] = TABS.get(wanted or "", TABS["users"])
    containers = st.tabs(list(TABS.values()), key=TAB_KEY, on_change=_tab_to_url)
    return dict(zip(TABS, containers, strict=True))


def _tab_to_url() -> None:
    code = next((c for c, label in TABS.items() if label == st.session_state[TAB_KEY]), "users")
    if code == "users":
        st.query_params.pop("tab", None)
    else:
        st.query_params["tab"] = code


# Users


def users_table(users: pd.DataFrame) -> None:
    about = About(
        title=_("Users"),
        sources=(_("The user accounts of this store"),),
        as_of=views.newest(users["created_at"]) if "created_at" in users else None,
        values=len(users),
    )
    components.table(
        users.drop(columns=["id"]),
        name="users",
        key="admin__users",
        about=about,
        column_config={
            "username": _("User name"),
            "display_name": _("Display name"),
            "email": _("E-mail"),
            "role": _("Role"),
            "is_active": st.column_config.CheckboxColumn(_("Active")),
            "created_at": st.column_config.DatetimeColumn(_("Created"), format="D MMM YYYY"),
        },
    )


def _field_problems(values: dict[str, str]) -> dict[str, list[str]]:
    """What the form checks before asking the store (which checks the rest)."""
    problems: dict[str, list[str]] = {}
    if values["password"] != values["password_again"]:
        problems["password_again"] = [_("the two passwords are not the same")]
    if values["email"] and ("@" not in values["email"] or " " in values["email"]):
        problems["email"] = [_("enter an e-mail address like name@itu.int, or leave it empty")]
    return problems


def _fresh(limit: int) -> int:
    """`limit`, or one more on every other submission: a new field identity each time."""
    return limit + st.session_state.get(GENERATION_KEY, 0) % 2


def add_user(identity: Identity) -> None:
    """Create the account the form describes (the form's submit callback)."""
    st.session_state[GENERATION_KEY] = st.session_state.get(GENERATION_KEY, 0) + 1
    values = {name: str(st.session_state.get(f"admin__{name}") or "") for name in NEW_USER_FIELDS}
    for key in PASSWORD_KEYS:  # never kept, whatever happens next
        st.session_state[key] = ""
    st.session_state.pop(PROBLEMS_KEY, None)
    problems = _field_problems(values)
    if not problems:
        try:
            with db.session_scope(cache.get_engine()) as session:
                auth.create_user(
                    session,
                    username=values["username"],
                    password=values["password"],
                    role=values["role"],
                    display_name=values["display_name"],
                    email=values["email"].strip() or None,
                    created_by=identity,
                )
        except ValidationFailed as error:
            problems = {p.field: error.for_field(p.field) for p in error.problems}
        except sa.exc.SQLAlchemyError as error:
            _feedback("add", "error", _database_trouble(error))
            return
    if problems:  # keep what was typed, except the passwords, for the correction
        st.session_state[PROBLEMS_KEY] = problems
        for name in KEPT_FIELDS:
            st.session_state[f"admin__{name}"] = values[name]
        return
    for name in ("username", "display_name", "email"):
        st.session_state[f"admin__{name}"] = ""
    username = values["username"].strip().lower()
    _feedback(
        "add",
        "success",
        _("Added {user} as {role}.").format(user=components.plain(username), role=values["role"]),
    )


def problems_at(field: str) -> None:
    for message in st.session_state.get(PROBLEMS_KEY, {}).get(field, []):
        st.error(message, icon="✋")


def add_user_form(identity: Identity) -> None:
    with st.form("admin__add_form"):
        st.markdown(f"**{_('Add a user')}**")
        st.text_input(
            _("User name"), key="admin__username", autocomplete="off", max_chars=_fresh(80)
        )
        problems_at("username")
        st.text_input(_("Display name"), key="admin__display_name", max_chars=_fresh(120))
        st.text_input(_("E-mail"), key="admin__email", max_chars=_fresh(200))
        problems_at("email")
        st.selectbox(_("Role"), ROLES, key="admin__role", help=ROLE_HELP)
        problems_at("role")
        st.text_input(
            _("Password"),
            type="password",
            key="admin__password",
            autocomplete="new-password",
            max_chars=_fresh(256),
            help=_("At least {n} characters.").format(n=auth.MIN_PASSWORD_LENGTH),
        )
        problems_at("password")
        st.text_input(
            _("Password again"),
            type="password",
            key="admin__password_again",
            autocomplete="new-password",
            max_chars=_fresh(256),
        )
        problems_at("password_again")
        st.form_submit_button(
            _("Add user"), key="admin__add", type="primary", on_click=add_user, args=(identity,)
        )
    st.session_state.pop(PROBLEMS_KEY, None)
    feedback("add")


def change_role(identity: Identity, roles: dict[str, str]) -> None:
    """Give the chosen user the chosen role, never leaving the store without an admin."""
    username = st.session_state.get("admin__role_user")
    role = st.session_state.get("admin__new_role")
    if not username or not role:
        return
    if roles.get(username) == role:
        _feedback(
            "role",
            "error",
            _("{user} already has the {role} role.").format(
                user=components.plain(username), role=role
            ),
        )
        return
    try:
        with db.session_scope(cache.get_engine()) as session:
            user = auth.set_role(session, username=username, role=role, by=identity)
            if auth.count_admins(session) == 0:  # rolls the change back with its audit record
                raise LastAdmin(username)
    except LastAdmin:
        _feedback(
            "role",
            "error",
            _(
                "{user} is the last admin: give another user the admin role first, "
                "so someone can still manage users."
            ).format(user=components.plain(username)),
        )
        return
    except GdcTrackerError as error:
        _feedback("role", "error", str(error))
        return
    except sa.exc.NoResultFound:
        missing = _("There is no user {user} (any more).")
        _feedback("role", "error", missing.format(user=components.plain(username)))
        return
    except sa.exc.SQLAlchemyError as error:
        _feedback("role", "error", _database_trouble(error))
        return
    if username == identity.username:  # the signed-in admin's own role follows at once
        signed_in.sign_in(auth.identity_of(user))
    _feedback(
        "role",
        "success",
        _("{user} now has the {role} role.").format(user=components.plain(username), role=role),
    )


def change_role_form(identity: Identity, users: pd.DataFrame) -> None:
    roles = dict(zip(users["username"], users["role"], strict=True))
    with st.form("admin__role_form"):
        st.markdown(f"**{_('Change a role')}**")
        st.selectbox(
            _("User"),
            list(roles),
            key="admin__role_user",
            format_func=lambda name: f"{name} ({roles[name]})",
        )
        st.selectbox(_("New role"), ROLES, key="admin__new_role", help=ROLE_HELP)
        st.caption(_("The store always keeps at least one active admin."))
        st.form_submit_button(
            _("Change role"), key="admin__change_role", on_click=change_role, args=(identity, roles)
        )
    feedback("role")


# Audit log


def since_filter(label: str, *, param: str = "since") -> date | None:
    """A date picker whose date is `?since=YYYY-MM-DD` (a bad date in the URL is ignored)."""
    key = f"url__{param}"
    try:
        wanted: date | None = date.fromisoformat(st.query_params.get(param) or "")
    except ValueError:
        wanted = None
    st.session_state[key] = wanted
    return st.date_input(
        label, key=key, format="YYYY-MM-DD", on_change=_since_to_url, args=(param, key)
    )


def _since_to_url(param: str, key: str) -> None:
    chosen = st.session_state[key]
    if isinstance(chosen, date):
        st.query_params[param] = chosen.isoformat()
    else:
        st.query_params.pop(param, None)


def start_of(day: date | None) -> datetime | None:
    return None if day is None else datetime(day.year, day.month, day.day, tzinfo=UTC)


def as_json(value: object) -> str:
    """A before/after value as JSON text a person can read (and a spreadsheet keeps)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def changes(before: object, after: object) -> str:
    """What the record changed, one `field: old → new` per changed field."""
    old = before if isinstance(before, dict) else {}
    new = after if isinstance(after, dict) else {}
    if not old and new:
        return _("created")
    if old and not new:
        return _("removed")
    names = [k for k in sorted(set(old) | set(new)) if k not in NOISY_KEYS]
    return "; ".join(
        f"{k}: {_short(old.get(k))} → {_short(new.get(k))}"
        for k in names
        if old.get(k) != new.get(k)
    )


def _short(value: object, limit: int = 60) -> str:
    text = "∅" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def audit_table(records: pd.DataFrame) -> pd.DataFrame:
    """The log as text: a readable summary of the change, and before/after as JSON."""
    return records.assign(
        changes=[changes(b, a) for b, a in zip(records["before"], records["after"], strict=True)],
        before=records["before"].map(as_json),
        after=records["after"].map(as_json),
    )[["id", "at", "actor", "action", "entity", "entity_id", "changes", "before", "after"]]


AUDIT_KEY = "admin__audit_table"
AUDIT_FILTERS = {
    "actor": "Who",
    "action": "Action",
    "entity": "Record type",
    "since": "Since (UTC)",
}


def audit_about(records: pd.DataFrame) -> About:
    """The `About` of the audit log's files: the filters chosen (in the URL, where each
    value is the name itself: a user name, an action, a record type, a date), the log as
    source, and the time of the newest record shown."""
    chosen = {_(label): st.query_params.get(param) for param, label in AUDIT_FILTERS.items()}
    return About(
        title=_("Audit log"),
        filters={label: str(value) for label, value in chosen.items() if value},
        sources=(_("The audit log of this store"),),
        as_of=views.newest(records["at"]) if len(records) else None,
        values=len(records),
    )


def draw_audit(records: pd.DataFrame) -> None:
    table = audit_table(records)
    st.caption(_("Newest first. Select a row to see the values before and after in full."))
    components.table(
        table,
        name="audit_log",
        key=AUDIT_KEY,
        about=audit_about(records),
        on_select="rerun",
        selection_mode="single-row",
        column_config={
            "id": st.column_config.NumberColumn(_("Record"), format="%d"),
            "at": st.column_config.DatetimeColumn(_("When (UTC)"), format="D MMM YYYY, HH:mm:ss"),
            "actor": _("Who"),
            "action": _("Action"),
            "entity": _("Record type"),
            "entity_id": _("Record id"),
            "changes": st.column_config.TextColumn(_("What changed"), width="large"),
            "before": st.column_config.TextColumn(_("Before (JSON)")),
            "after": st.column_config.TextColumn(_("After (JSON)")),
        },
    )
    selected = st.session_state.get(AUDIT_KEY) or {}
    rows = [r for r in selected.get("selection", {}).get("rows", []) if r < len(records)]
    if rows:
        record = records.iloc[rows[0]]
        st.markdown(
            f"**{_('Record')} {record['id']}** · {components.plain(record['action'])} · "
            f"{components.plain(record['entity'])} {components.plain(record['entity_id'])}"
        )
        for column, name, title in zip(
            st.columns(2), ("before", "after"), (_("Before"), _("After")), strict=True
        ):
            with column:
                st.caption(title)
                value = record[name]
                st.code(
                    json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2, default=str)
                    if value is not None
                    else _("(nothing)"),
                    language="json",
                )
