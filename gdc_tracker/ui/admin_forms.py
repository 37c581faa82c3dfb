"""The Admin page's pieces: users (add, change a role, deactivate or reactivate, reset a
password), the audit log, and the reporting cycles (list, add, edit).

Writes run as form callbacks, before the rerun the form submit triggers, so the tables
drawn right after already show them. Passwords only ever sit in their widgets' state,
which the callback clears whether or not the user was added; they are never shown,
stored in session state elsewhere, or logged. The one exception is a reset's temporary
password: the admin sees it once, right after the reset, to hand it over.

Clearing a form field from its callback is not enough in the browser (Streamlit 1.67):
a field the person left with Tab keeps showing what they typed. So every submission
also gives the form's text fields a new identity (their `max_chars` alternates by one,
see `_fresh`), and the browser draws new, empty fields (or the kept values after a
refusal) instead of the old ones.
"""

import json
from collections.abc import Callable
from datetime import UTC, date, datetime

import pandas as pd
import sqlalchemy as sa
import streamlit as st
from sqlmodel import Session

from gdc_tracker import auth, cycles, db, passwords, views
from gdc_tracker.auth import Identity, LastAdmin
from gdc_tracker.errors import GdcTrackerError, StaleEdit, ValidationFailed
from gdc_tracker.i18n import N_, _, word_for
from gdc_tracker.models import role_label
from gdc_tracker.ui import cache, components
from gdc_tracker.ui import session as signed_in
from gdc_tracker.views import About

ROLES = [str(role) for role in auth.ROLE_ORDER]
ROLE_HELP = N_(  # the README's table of roles, in the same words
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
TABS = {
    "users": N_("Users"),
    "audit": N_("Audit log"),
    "cycles": N_("Reporting cycles"),
    "translations": N_("Translations"),
}
TAB_KEY = "admin__tab"
NOISY_KEYS = {"updated_at"}  # changes on every write; the record's own time says it
TEMPORARY_KEY = "admin__temporary_password"  # (user, password) of the last reset, shown once


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


# Tabs: `?tab=audit` opens the audit log


def tabs() -> dict[str, object]:
    """The page's tabs, keyed by code; the open one lives in the URL as `?tab=<code>`."""
    labels = tab_labels()
    wanted = st.query_params.get("tab")
    st.session_state[TAB_KEY] = labels.get(wanted or "", labels["users"])
    containers = st.tabs(list(labels.values()), key=TAB_KEY, on_change=_tab_to_url)
    return dict(zip(labels, containers, strict=True))


def tab_labels() -> dict[str, str]:
    """The tabs' names in the reader's language, keyed by code."""
    return {code: _(label) for code, label in TABS.items()}


def _tab_to_url() -> None:
    chosen = st.session_state[TAB_KEY]
    code = next((c for c, label in tab_labels().items() if label == chosen), "users")
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
            _feedback("add", "error", components.nothing_saved(error))
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
        _("Added {user} as {role}.").format(
            user=components.plain(username), role=role_label(values["role"])
        ),
    )


def problems_at(field: str) -> None:
    components.field_problems(PROBLEMS_KEY, field)


def add_user_form(identity: Identity) -> None:
    with st.form("admin__add_form"):
        st.markdown(components.strong(_("Add a user")))
        st.text_input(
            _("User name"), key="admin__username", autocomplete="off", max_chars=_fresh(80)
        )
        problems_at("username")
        st.text_input(_("Display name"), key="admin__display_name", max_chars=_fresh(120))
        st.text_input(_("E-mail"), key="admin__email", max_chars=_fresh(200))
        problems_at("email")
        st.selectbox(_("Role"), ROLES, key="admin__role", format_func=role_label, help=_(ROLE_HELP))
        problems_at("role")
        st.text_input(
            _("Password"),
            type="password",
            key="admin__password",
            autocomplete="new-password",
            max_chars=_fresh(256),
            help=passwords.policy_in_words(),
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
                user=components.plain(username), role=role_label(role)
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
        _feedback("role", "error", components.nothing_saved(error))
        return
    if username == identity.username:  # the signed-in admin's own role follows at once
        signed_in.sign_in(auth.identity_of(user))
    _feedback(
        "role",
        "success",
        _("{user} now has the {role} role.").format(
            user=components.plain(username), role=role_label(role)
        ),
    )


def change_role_form(identity: Identity, users: pd.DataFrame) -> None:
    roles = dict(zip(users["username"], users["role"], strict=True))
    with st.form("admin__role_form"):
        st.markdown(components.strong(_("Change a role")))
        st.selectbox(
            _("User"),
            list(roles),
            key="admin__role_user",
            format_func=lambda name: _("{user} ({role})").format(
                user=name, role=role_label(roles[name])
            ),
        )
        st.selectbox(
            _("New role"), ROLES, key="admin__new_role", format_func=role_label, help=_(ROLE_HELP)
        )
        st.caption(_("The store always keeps at least one active admin."))
        st.form_submit_button(
            _("Change role"), key="admin__change_role", on_click=change_role, args=(identity, roles)
        )
    feedback("role")


def _write_user(area: str, write: Callable[[Session], str]) -> bool:
    """Run `write` in one transaction; its message, or what went wrong, as feedback."""
    try:
        with db.session_scope(cache.get_engine()) as session:
            message = write(session)
    except GdcTrackerError as error:
        _feedback(area, "error", str(error))
        return False
    except sa.exc.SQLAlchemyError as error:
        _feedback(area, "error", components.nothing_saved(error))
        return False
    _feedback(area, "success", message)
    return True


def set_active(identity: Identity, active: bool) -> None:
    """Deactivate (or reactivate) the chosen user: a deactivated one is signed out at once."""
    username = st.session_state.get("admin__access_user")
    if not username:
        return

    def write(session: Session) -> str:
        auth.set_active(session, username=username, active=active, by=identity)
        # Translators: {user} is a user name, as in "ana.lopez".
        can_again = _("{user} can sign in again.")
        # Translators: {user} is a user name, as in "ana.lopez".
        deactivated = _("{user} is deactivated and was signed out everywhere.")
        done = can_again if active else deactivated
        return done.format(user=components.plain(username))

    _write_user("access", write)


def access_form(identity: Identity, users: pd.DataFrame) -> None:
    """Deactivate or reactivate an account."""
    active = dict(zip(users["username"], users["is_active"], strict=True))
    with st.form("admin__access_form"):
        heading = _("Deactivate or reactivate a user")
        st.markdown(f"**{heading}**")
        st.selectbox(
            _("User"),
            list(active),
            key="admin__access_user",
            format_func=lambda name: (
                # Translators: {user} is a user name, as in "ana.lopez".
                name if active[name] else _("{user} (inactive)").format(user=name)
            ),
        )
        st.caption(
            _(
                "A deactivated user is signed out at once and cannot sign in; the records "
                "of what she did stay."
            )
        )
        left, right = st.columns(2)
        with left:
            st.form_submit_button(
                _("Deactivate"),
                key="admin__deactivate",
                on_click=set_active,
                args=(identity, False),
            )
        with right:
            st.form_submit_button(
                _("Reactivate"), key="admin__reactivate", on_click=set_active, args=(identity, True)
            )
    feedback("access")


def reset_password(identity: Identity) -> None:
    """Give the chosen user a temporary password, kept to be shown once."""
    username = st.session_state.get("admin__reset_user")
    if not username:
        return
    temporary: list[str] = []

    def write(session: Session) -> str:
        temporary.append(auth.reset_password(session, username=username, by=identity))
        # Translators: {user} is a user name, as in "ana.lopez".
        return _(
            "The password of {user} is reset and every sign-in of the account has ended."
        ).format(user=components.plain(username))

    if _write_user("reset", write):
        st.session_state[TEMPORARY_KEY] = (username, temporary[0])


def _show_temporary_password() -> None:
    """The temporary password of the reset just made, this once."""
    shown = st.session_state.pop(TEMPORARY_KEY, None)
    if shown is None:
        return
    username, temporary = shown
    st.markdown(
        # Translators: {user} is a user name, as in "ana.lopez".
        _(
            "Give {user} this temporary password in person or by telephone. It is shown "
            "only now; {user} must choose a new password at the next sign-in."
        ).format(user=components.plain(username))
    )
    st.code(temporary, language=None)


def reset_form(identity: Identity, users: pd.DataFrame) -> None:
    """Reset a password to a temporary one the admin hands over."""
    with st.form("admin__reset_form"):
        heading = _("Reset a password")
        st.markdown(f"**{heading}**")
        st.selectbox(_("User"), list(users["username"]), key="admin__reset_user")
        st.caption(
            _(
                "The user gets a temporary password to replace at the next sign-in; her "
                "current sign-ins end."
            )
        )
        st.form_submit_button(
            _("Reset password"), key="admin__reset", on_click=reset_password, args=(identity,)
        )
    feedback("reset")
    _show_temporary_password()


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
    "actor": N_("Who"),
    "action": N_("Action"),
    "entity": N_("Record type"),
    "since": N_("Since (UTC)"),
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
            _("**Record {id}** · {action} · {entity} {entity_id}").format(
                id=record["id"],
                action=components.plain(record["action"]),
                entity=components.plain(record["entity"]),
                entity_id=components.plain(record["entity_id"]),
            )
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


# Reporting cycles: written through gdc_tracker.cycles, in one transaction each

CYCLE_ADD, CYCLE_EDIT = "cycle_add", "cycle_edit"  # the two forms, as feedback areas
CYCLE_PREFIX = {CYCLE_ADD: "admin__cycle_", CYCLE_EDIT: "admin__cycle_edit_"}
CYCLE_PICK_KEY = "admin__cycle_pick"
CYCLE_EDITING_KEY = "admin__cycle_editing"  # (name, version) the edit form was filled from
CYCLE_STALE_KEY = "admin__cycle_stale"  # the stored values after a refused stale edit
CYCLE_PROBLEMS_KEY = "admin__cycle_problems"  # (form, {field: [message, ...]})
CYCLE_GENERATION_KEY = "admin__cycle_generation"  # submissions so far: see _cycle_fresh
CYCLE_TEXT_LIMITS = {"name": 120, "council_session": 120, "source": 300}
CYCLE_LABELS = {
    "name": N_("Name"),
    "starts_on": N_("Starts on"),
    "ends_on": N_("Ends on"),
    "due_on": N_("Updates due on"),
    "council_session": N_("For the Council session"),
    "basis": N_("Basis of the dates"),
    "source": N_("Source of the dates"),
    "note": N_("Note"),
}
BASIS_WORDS = {
    "public": N_("public information (name the page under Source)"),
    "editorial": N_("an editorial choice of the tracker's"),
    "C25/52": N_("stated in ITU Council document C25/52"),
}


def basis_words(basis: str) -> str:
    """What a basis of a cycle's dates means, in the reader's language."""
    return word_for(basis, BASIS_WORDS)


def cycles_table(rows: pd.DataFrame, as_of: datetime | None) -> None:
    sources = tuple(dict.fromkeys(text for text in rows["source"] if text))
    about = About(
        title=_("Reporting cycles"),
        sources=sources or (_("The reporting cycles of this store"),),
        as_of=as_of,
        values=len(rows),
    )
    components.table(
        rows,
        name="reporting_cycles",
        key="admin__cycles",
        about=about,
        column_config={
            "name": _("Name"),
            "starts_on": st.column_config.DateColumn(_("Starts"), format="D MMM YYYY"),
            "ends_on": st.column_config.DateColumn(_("Ends"), format="D MMM YYYY"),
            "due_on": st.column_config.DateColumn(_("Updates due"), format="D MMM YYYY"),
            "council_session": _("Council session"),
            "basis": _("Basis"),
            "source": _("Source"),
            "note": _("Note"),
            "version": st.column_config.NumberColumn(_("Version"), format="%d"),
        },
    )


def _cycle_fresh(limit: int) -> int:
    """`limit`, or one more on every other submission: a new field identity each time."""
    return limit + st.session_state.get(CYCLE_GENERATION_KEY, 0) % 2


def _cycle_values(form: str) -> dict[str, object]:
    prefix = CYCLE_PREFIX[form]
    return {name: st.session_state.get(prefix + name) for name in cycles.FIELDS}


def _keep_typed(form: str, values: dict[str, object]) -> None:
    """Put what was typed back in the form's fields (each submission gives the fields a
    new identity, see `_cycle_fresh`), for the correction."""
    for name, value in values.items():
        st.session_state[CYCLE_PREFIX[form] + name] = value


def _write_cycle(form: str, values: dict[str, object], write: Callable[[Session], str]) -> bool:
    """Run one cycle write in its own transaction and say how it went under `form`; a
    refusal saves nothing and keeps what was typed."""
    st.session_state[CYCLE_GENERATION_KEY] = st.session_state.get(CYCLE_GENERATION_KEY, 0) + 1
    st.session_state.pop(CYCLE_PROBLEMS_KEY, None)
    try:
        with db.write_scope(cache.get_engine()) as session:
            message = write(session)
    except ValidationFailed as error:
        problems = {p.field: error.for_field(p.field) for p in error.problems}
        st.session_state[CYCLE_PROBLEMS_KEY] = (form, problems)
        _feedback(form, "error", _("Nothing was saved: correct the fields marked below."))
    except StaleEdit as error:
        st.session_state[CYCLE_STALE_KEY] = error.current
        _feedback(form, "error", str(error))
    except GdcTrackerError as error:
        _feedback(form, "error", str(error))
    except sa.exc.SQLAlchemyError as error:
        _feedback(form, "error", components.nothing_saved(error))
    else:
        _feedback(form, "success", message)
        return True
    _keep_typed(form, values)
    return False


def add_cycle(identity: Identity) -> None:
    """Store the cycle the add form describes (its submit callback)."""
    values = _cycle_values(CYCLE_ADD)

    def write(session: Session) -> str:
        cycle = cycles.add_cycle(session, values, identity)
        return _("Added the reporting cycle {name}.").format(name=components.plain(cycle.name))

    if _write_cycle(CYCLE_ADD, values, write):
        for name in cycles.FIELDS:
            st.session_state[CYCLE_PREFIX[CYCLE_ADD] + name] = None
        st.session_state[CYCLE_PREFIX[CYCLE_ADD] + "basis"] = "editorial"


def edit_cycle(identity: Identity) -> None:
    """Save the edit form over the cycle it was filled from, if nobody saved it since."""
    name, version = st.session_state[CYCLE_EDITING_KEY]
    values = _cycle_values(CYCLE_EDIT)
    saved: list[str] = []

    def write(session: Session) -> str:
        cycle = cycles.edit_cycle(session, name, values, version, identity)
        saved.append(cycle.name)
        return _("Saved the reporting cycle {name} (version {version}).").format(
            name=components.plain(cycle.name), version=cycle.version
        )

    if _write_cycle(CYCLE_EDIT, values, write):
        st.session_state[CYCLE_PICK_KEY] = saved[0]
        st.session_state.pop(CYCLE_EDITING_KEY, None)  # filled again from the stored cycle
        st.session_state.pop(CYCLE_STALE_KEY, None)
    elif CYCLE_STALE_KEY in st.session_state:  # seen now: the next save may replace it
        stale = st.session_state[CYCLE_STALE_KEY]
        st.session_state[CYCLE_EDITING_KEY] = (name, int(stale.get("version", version)))


def _cycle_problems_at(form: str, field: str) -> None:
    kept = st.session_state.get(CYCLE_PROBLEMS_KEY)
    if kept is not None and kept[0] == form:
        for message in kept[1].get(field, []):
            st.error(message, icon="✋")


def _forget_problems(form: str) -> None:
    """Problems show once, with the form that was sent."""
    kept = st.session_state.get(CYCLE_PROBLEMS_KEY)
    if kept is not None and kept[0] == form:
        del st.session_state[CYCLE_PROBLEMS_KEY]


def _cycle_fields(form: str) -> None:
    """The cycle's fields, each with the problem the last save found with it."""
    prefix = CYCLE_PREFIX[form]
    for name in cycles.FIELDS:
        st.session_state.setdefault(prefix + name, "editorial" if name == "basis" else None)
        label, key = _(CYCLE_LABELS[name]), prefix + name
        if name in cycles.DATES:
            st.date_input(label, key=key, format="YYYY-MM-DD")
        elif name == "basis":
            st.selectbox(label, list(cycles.BASES), key=key, format_func=basis_words)
        elif name == "note":
            st.text_area(label, key=key, max_chars=_cycle_fresh(2_000))
        else:
            st.text_input(label, key=key, max_chars=_cycle_fresh(CYCLE_TEXT_LIMITS[name]))
        _cycle_problems_at(form, name)


def add_cycle_form(identity: Identity) -> None:
    with st.form("admin__cycle_add_form"):
        st.markdown(components.strong(_("Add a reporting cycle")))
        _cycle_fields(CYCLE_ADD)
        st.form_submit_button(
            _("Add cycle"),
            key="admin__cycle_add",
            type="primary",
            on_click=add_cycle,
            args=(identity,),
        )
    _forget_problems(CYCLE_ADD)
    feedback(CYCLE_ADD)


def _fill_edit_form(rows: pd.DataFrame) -> None:
    """Put the chosen cycle's stored values in the edit form, once per choice."""
    picked = st.session_state.get(CYCLE_PICK_KEY)
    editing = st.session_state.get(CYCLE_EDITING_KEY)
    if editing is not None and editing[0] == picked:
        return
    row = rows.loc[rows["name"] == picked].iloc[0]
    for name in cycles.FIELDS:
        value = row[name]
        st.session_state[CYCLE_PREFIX[CYCLE_EDIT] + name] = None if pd.isna(value) else value
    st.session_state[CYCLE_EDITING_KEY] = (picked, int(row["version"]))
    st.session_state.pop(CYCLE_STALE_KEY, None)


def _stale_values() -> None:
    """The values someone else saved, after a refused edit: the next save replaces them."""
    stored = st.session_state.get(CYCLE_STALE_KEY)
    if stored:
        shown = "  \n".join(
            _("{label}: {value}").format(
                label=_(CYCLE_LABELS[name]), value=components.plain(stored.get(name) or "")
            )
            for name in cycles.FIELDS
        )
        st.warning(_("Stored now:  \n{fields}").format(fields=shown), icon="🔁")


def edit_cycle_form(identity: Identity, rows: pd.DataFrame) -> None:
    st.markdown(components.strong(_("Edit a reporting cycle")))
    if rows.empty:
        st.caption(_("No cycle is stored yet: add one first."))
        return
    st.selectbox(_("Cycle"), list(rows["name"]), key=CYCLE_PICK_KEY)
    _fill_edit_form(rows)
    _stale_values()
    with st.form("admin__cycle_edit_form"):
        _cycle_fields(CYCLE_EDIT)
        st.caption(_("Saved only if nobody changed this cycle since you chose it."))
        st.form_submit_button(
            _("Save cycle"), key="admin__cycle_save", on_click=edit_cycle, args=(identity,)
        )
    _forget_problems(CYCLE_EDIT)
    feedback(CYCLE_EDIT)
