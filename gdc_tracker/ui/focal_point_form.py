"""The Admin form that records who answers for an initiative's updates: the update-cycle
board groups initiatives by it. Like every fact about an initiative it carries its basis."""

from collections.abc import Callable
from typing import cast

import pandas as pd
import sqlalchemy as sa
import streamlit as st

from gdc_tracker import db
from gdc_tracker.auth import Identity
from gdc_tracker.errors import GdcTrackerError, StaleEdit, ValidationFailed
from gdc_tracker.i18n import N_, _, word_for
from gdc_tracker.initiative_updates import FOCAL_POINT_BASES, set_focal_point
from gdc_tracker.ui import cache, components

PICK_KEY = "admin__focal_pick"
EDITING_KEY = "admin__focal_editing"  # (slug, version) the form was filled from
FIELD_KEYS = {
    name: f"admin__focal_{name}" for name in ("focal_point", "basis", "section", "url", "note")
}
PROBLEMS_KEY = "admin__focal_problems"  # {field: [message, ...]} of the last refused save
FEEDBACK_KEY = "admin__focal_feedback"
BASIS_WORDS = {
    "C25/52": N_("stated in ITU Council document C25/52 (give the section)"),
    "public": N_("public information (give the page's address)"),
    "editorial": N_("an editorial choice (say who chose it and why)"),
}


def basis_words(basis: str) -> str:
    """What a basis means, in the reader's language."""
    return word_for(basis, BASIS_WORDS)


def _fill(row: pd.Series) -> None:
    """Fill the fields from the stored initiative, and remember the version they show."""
    st.session_state[EDITING_KEY] = (row["slug"], int(row["version"]))
    stored = {name: row.get(name) for name in FIELD_KEYS}
    for name, key in FIELD_KEYS.items():
        value = stored[name]
        st.session_state[key] = "" if value is None or pd.isna(value) else str(value)
    if st.session_state[FIELD_KEYS["basis"]] not in FOCAL_POINT_BASES:
        st.session_state[FIELD_KEYS["basis"]] = "editorial"
    st.session_state.pop(PROBLEMS_KEY, None)


def _save(identity: Identity) -> None:
    """The save button's callback: one transaction; a refusal keeps what was typed."""
    slug, version = st.session_state[EDITING_KEY]
    values = {name: str(st.session_state.get(key) or "") for name, key in FIELD_KEYS.items()}
    st.session_state.pop(PROBLEMS_KEY, None)
    try:
        with db.write_scope(cache.get_engine()) as session:
            saved = set_focal_point(session, slug, expected_version=version, by=identity, **values)
    except ValidationFailed as error:
        st.session_state[PROBLEMS_KEY] = {p.field: error.for_field(p.field) for p in error.problems}
        message = ("error", _("Nothing was saved: correct the fields marked below."))
    except StaleEdit as error:
        st.session_state[EDITING_KEY] = (slug, int(error.current.get("version", version)))
        message = ("error", str(error))
    except GdcTrackerError as error:
        message = ("error", str(error))
    except sa.exc.SQLAlchemyError as error:  # refused or lost: a sentence, never the SQL
        message = ("error", components.nothing_saved(error))
    else:
        st.session_state[EDITING_KEY] = (slug, saved.version)
        shown = saved.focal_point or _("not stated")
        message = (
            "success",
            _("Saved: the focal point of {name} is {who}.").format(
                name=components.plain(saved.name), who=components.plain(shown)
            ),
        )
    st.session_state[FEEDBACK_KEY] = message


def _problems_at(field: str) -> None:
    components.field_problems(PROBLEMS_KEY, field)


def focal_point_form(identity: Identity, rows: pd.DataFrame) -> None:
    """Choose an initiative, then record or clear its focal point with the basis."""
    st.subheader(_("Focal points"), anchor=False)
    st.caption(_("Who answers for an initiative's updates; empty means not stated."))
    if rows.empty:
        components.empty_state(_("No initiative is recorded yet."), _("Reseed the reference data."))
        return
    names = dict(zip(rows["slug"], rows["name"], strict=True))
    slug = st.selectbox(
        _("Initiative"),
        list(names),
        format_func=cast(Callable[[str], str], names.get),  # the options are its keys
        key=PICK_KEY,
    )
    row = rows.set_index("slug", drop=False).loc[slug]
    if st.session_state.get(EDITING_KEY, (None,))[0] != slug:
        _fill(row)
    kind, text = st.session_state.pop(FEEDBACK_KEY, (None, ""))
    if kind:
        (st.success if kind == "success" else st.error)(text)
    st.text_input(_("Focal point"), key=FIELD_KEYS["focal_point"], max_chars=200)
    _problems_at("focal_point")
    st.selectbox(
        _("Basis"), list(FOCAL_POINT_BASES), format_func=basis_words, key=FIELD_KEYS["basis"]
    )
    _problems_at("basis")
    st.text_input(_("Section of C25/52"), key=FIELD_KEYS["section"], max_chars=120)
    _problems_at("section")
    st.text_input(_("Page address"), key=FIELD_KEYS["url"], max_chars=500)
    _problems_at("url")
    st.text_area(_("Note"), key=FIELD_KEYS["note"], max_chars=2_000)
    _problems_at("note")
    st.button(
        _("Save focal point"),
        key="admin__focal_save",
        type="primary",
        on_click=_save,
        args=(identity,),
    )
    st.caption(_("Saved only if nobody changed this initiative since you chose it."))
