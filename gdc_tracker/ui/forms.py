"""The secretariat's entry forms: a progress value and an initiative update.

Saving runs in the submit button's callback, before the page reruns, so each problem can
be shown right under its field on the rerun, and the values typed stay in the form:
nothing typed is lost, whatever goes wrong. Keys are prefixed `update__`.
"""

from typing import Any

import pandas as pd
import sqlalchemy as sa
import streamlit as st

from gdc_tracker import db, entries, initiative_updates
from gdc_tracker.auth import Identity
from gdc_tracker.entries import EntryDraft
from gdc_tracker.errors import (
    DuplicateEntry,
    GdcTrackerError,
    StaleEdit,
    ValidationFailed,
)
from gdc_tracker.i18n import _
from gdc_tracker.models import TOTAL, InitiativeStatus
from gdc_tracker.ui import cache, components

PROBLEMS = "update__problems"  # field -> messages of the last save attempt
OUTCOME = "update__outcome"  # ("success" | "error", text) of the last save attempt
EDITING = "update__editing"  # {"id": entry id, "version": version it started from}
DUPLICATE = "update__duplicate"  # the existing entry a new one collided with
STALE = "update__stale"  # the newer values that refused a correction
VALUE_FIELDS = ("geo", "period", "value", "disaggregation", "narrative", "evidence", "source")
DISAGGREGATION_CHOICES = {
    "sex": ("female", "male"),
    "area": ("urban", "rural"),
    "age": ("15-24", "25-74", "75+"),
}


def field_error(name: str) -> None:
    for message in st.session_state.get(PROBLEMS, {}).get(name, []):
        st.error(message, icon="⚠️")


def _remember_problems(error: ValidationFailed) -> None:
    rename = {"geography": "geo", "evidence_url": "evidence", "indicator": "indicator"}
    problems: dict[str, list[str]] = {}
    for problem in error.problems:
        problems.setdefault(rename.get(problem.field, problem.field), []).append(problem.message)
    st.session_state[PROBLEMS] = problems
    st.session_state[OUTCOME] = ("error", _("Nothing was saved: please correct the fields marked."))


def _clear_feedback() -> None:
    for key in (PROBLEMS, OUTCOME, DUPLICATE, STALE):
        st.session_state.pop(key, None)


def show_outcome() -> None:
    outcome = st.session_state.get(OUTCOME)
    if outcome:
        kind, text = outcome
        (st.success if kind == "success" else st.error)(text)


# A progress value


def disaggregation_options(allowed: list[str]) -> list[str]:
    return [TOTAL] + [
        f"{dim}:{cat}" for dim in allowed for cat in DISAGGREGATION_CHOICES.get(dim, ())
    ]


def _draft_from_widgets() -> EntryDraft:
    state = st.session_state
    return EntryDraft(
        indicator_code=state.get("update__indicator"),
        geo_code=state.get("update__geo") or "",
        period=str(state.get("update__period") or "").strip(),
        value=state.get("update__value"),
        disaggregation=state.get("update__disaggregation") or TOTAL,
        narrative=state.get("update__narrative") or "",
        evidence_url=(state.get("update__evidence") or "").strip() or None,
        source=state.get("update__source") or "",
    )


def _save_value(identity: Identity, submit: bool) -> None:
    _clear_feedback()
    draft = _draft_from_widgets()
    editing = st.session_state.get(EDITING)
    try:
        with db.session_scope(cache.get_engine()) as session:
            if editing:
                entry = entries.correct_entry(
                    session,
                    editing["id"],
                    draft,
                    expected_version=editing["version"],
                    by=identity,
                    submit=submit,
                )
            else:
                entry = entries.add_entry(session, draft, by=identity, submit=submit)
            entry_id, state = entry.id, entry.review_state
    except ValidationFailed as error:
        _remember_problems(error)
    except DuplicateEntry as error:
        st.session_state[DUPLICATE] = error.existing
        st.session_state[OUTCOME] = ("error", str(error))
    except StaleEdit as error:
        st.session_state[STALE] = error.current
        st.session_state[OUTCOME] = ("error", str(error))
    except GdcTrackerError as error:
        st.session_state[OUTCOME] = ("error", str(error))
    except sa.exc.SQLAlchemyError as error:
        st.session_state[OUTCOME] = (
            "error",
            components.write_failed(error, nothing_done=_("Nothing was saved.")),
        )
    else:
        st.session_state.pop(EDITING, None)
        verb = _("corrected") if editing else _("saved")
        st.session_state[OUTCOME] = ("success", f"{_('Entry')} {entry_id} {verb} ({state}).")


def load_entry_into_form(entry_id: int) -> None:
    """Start correcting an entry: its values go into the form, its version is remembered."""
    _clear_feedback()
    with db.session_scope(cache.get_engine()) as session:
        entry = entries.get_entry(session, entry_id)
        draft = entries.draft_from_entry(session, entry)
        version = entry.version
    if draft.indicator_code is None:
        st.session_state[OUTCOME] = ("error", _("This is an initiative update; use that tab."))
        return
    st.session_state[EDITING] = {"id": entry_id, "version": version}
    st.session_state.update(
        {
            "update__indicator": draft.indicator_code,
            "update__geo": draft.geo_code,
            "update__period": draft.period,
            "update__value": draft.value,
            "update__disaggregation": draft.disaggregation,
            "update__narrative": draft.narrative,
            "update__evidence": draft.evidence_url or "",
            "update__source": draft.source,
        }
    )


def _keep_mine_over(version: int) -> None:
    """The editor has seen the newer values and chooses to save theirs over them."""
    st.session_state[EDITING] = {**st.session_state[EDITING], "version": version}
    st.session_state.pop(STALE, None)
    st.session_state[OUTCOME] = (
        "success",
        _(
            "Your values are still in the form: press save "
            "again to save them over the newer version."
        ),
    )


def _stop_editing() -> None:
    st.session_state.pop(EDITING, None)
    _clear_feedback()


def _comparison(current: dict[str, Any]) -> pd.DataFrame:
    mine = _draft_from_widgets()
    rows = [
        ("period", current.get("period"), mine.period),
        ("value", current.get("value"), mine.value),
        ("disaggregation", current.get("disaggregation"), mine.disaggregation),
        ("narrative", current.get("narrative"), mine.narrative),
        ("review state", current.get("review_state"), "-"),
        ("version", current.get("version"), st.session_state[EDITING]["version"]),
    ]
    return pd.DataFrame(rows, columns=["field", "saved now", "yours (not saved)"]).astype(str)


def _collision_notes() -> None:
    duplicate = st.session_state.get(DUPLICATE)
    if duplicate:
        st.warning(
            f"{_('Already in the store')}: {_('entry')} {duplicate['id']}, {_('value')} "
            f"{duplicate.get('value')}, {duplicate.get('review_state')}.",
            icon="📌",
        )
        st.button(
            _("Correct the existing entry instead"),
            key="update__correct_existing",
            on_click=load_entry_into_form,
            args=(int(duplicate["id"]),),
        )
    stale = st.session_state.get(STALE)
    if stale:
        st.warning(_("Someone saved this entry after you opened it. Their values:"), icon="🔀")
        st.dataframe(_comparison(stale), hide_index=True, key="update__stale_table")
        st.button(
            _("Keep my values and save them over the newer version"),
            key="update__keep_mine",
            on_click=_keep_mine_over,
            args=(int(stale["version"]),),
        )


def value_form(identity: Identity, choices: dict[str, pd.DataFrame]) -> None:
    indicators = choices["indicators"].set_index("code")
    editing = st.session_state.get(EDITING)
    if editing:
        st.info(f"{_('Correcting entry')} {editing['id']} ({_('version')} {editing['version']}).")
        st.button(
            _("Stop correcting; start a new entry"), key="update__stop", on_click=_stop_editing
        )
    # Labels built once: a per-option DataFrame lookup costs more than the rest of the form.
    indicator_labels = {
        code: f"{name} ({unit})"
        for code, name, unit in zip(
            indicators.index, indicators["name"], indicators["unit"], strict=True
        )
    }
    code = st.selectbox(
        _("Indicator"),
        list(indicator_labels),
        key="update__indicator",
        format_func=indicator_labels.__getitem__,
    )
    field_error("indicator")
    indicator = indicators.loc[code]
    levels = list(indicator["geographies"] or ["world", "region", "country"])
    geographies = choices["geographies"]
    geographies = geographies[geographies["kind"].isin(levels)]
    names = dict(zip(geographies["code"], geographies["name"], strict=True))
    bounds = _bounds_text(indicator)
    with st.form("update__value_form", clear_on_submit=False):
        st.selectbox(_("Geography"), list(names), key="update__geo", format_func=names.get)
        field_error("geo")
        st.text_input(_("Period"), key="update__period", placeholder="2024, 2024-Q3 or 2024-07")
        field_error("period")
        st.number_input(f"{_('Value')} {bounds}", key="update__value", value=None, format="%.4f")
        field_error("value")
        st.selectbox(
            _("Disaggregation"),
            disaggregation_options(list(indicator["disaggregations"] or [])),
            key="update__disaggregation",
        )
        field_error("disaggregation")
        st.text_area(_("Narrative (optional)"), key="update__narrative")
        evidence_label = _("Evidence link") + (
            " " + _("(required for outputs of ITU actions)")
            if indicator["kind"] == "output"
            else ""
        )
        st.text_input(evidence_label, key="update__evidence", placeholder="https://")
        field_error("evidence")
        st.text_input(_("Source"), key="update__source")
        left, right = st.columns(2)
        left.form_submit_button(
            _("Save as draft"),
            key="update__save_draft",
            on_click=_save_value,
            args=(identity, False),
        )
        right.form_submit_button(
            _("Submit for review"),
            type="primary",
            key="update__submit",
            on_click=_save_value,
            args=(identity, True),
        )
    _collision_notes()


def _bounds_text(indicator: pd.Series) -> str:
    low, high = indicator["min_value"], indicator["max_value"]
    if pd.notna(low) and pd.notna(high):
        return f"({low:g}–{high:g} {indicator['unit']})"
    if pd.notna(low):
        return f"(≥ {low:g} {indicator['unit']})"
    return f"({indicator['unit']})"


# An initiative update


def _save_initiative(identity: Identity, submit: bool, opened_version: int) -> None:
    _clear_feedback()
    state = st.session_state
    slug = state["update__initiative"]
    done = frozenset(
        int(key.rsplit("__", 1)[1])
        for key, value in state.items()
        if key.startswith("update__milestone__") and value
    )
    update = initiative_updates.InitiativeUpdate(
        slug=slug,
        status=state.get("update__status"),
        narrative=state.get("update__story") or "",
        period=str(state.get("update__update_period") or "").strip(),
        evidence_url=(state.get("update__update_evidence") or "").strip() or None,
        milestones_done=done,
    )
    try:
        with db.session_scope(cache.get_engine()) as session:
            entry = initiative_updates.save_update(
                session, update, expected_version=opened_version, by=identity, submit=submit
            )
            entry_id = entry.id
    except ValidationFailed as error:
        _remember_problems(error)
    except GdcTrackerError as error:
        st.session_state[OUTCOME] = ("error", str(error))
    except sa.exc.SQLAlchemyError as error:
        st.session_state[OUTCOME] = (
            "error",
            components.write_failed(error, nothing_done=_("Nothing was saved.")),
        )
    else:
        st.session_state[OUTCOME] = (
            "success",
            f"{_('Initiative update saved as entry')} {entry_id}.",
        )


def initiative_form(
    identity: Identity, choices: dict[str, pd.DataFrame], milestones: pd.DataFrame
) -> None:
    initiatives = choices["initiatives"].set_index("slug")
    names = dict(zip(initiatives.index, initiatives["name"], strict=True))
    slug = st.selectbox(
        _("Initiative"), list(names), key="update__initiative", format_func=names.__getitem__
    )
    field_error("initiative")
    current = initiatives.loc[slug]
    st.caption(
        f"{_('Current status')}: **{current['status']}** · {_('version')} {current['version']}"
    )
    statuses = [str(s) for s in InitiativeStatus]
    with st.form("update__initiative_form"):
        st.selectbox(
            _("Status"), statuses, index=statuses.index(current["status"]), key="update__status"
        )
        field_error("status")
        st.text_input(_("Period"), key="update__update_period", placeholder="2025-Q3")
        field_error("period")
        st.text_area(_("What happened"), key="update__story")
        field_error("narrative")
        st.text_input(
            _("Evidence link (optional)"), key="update__update_evidence", placeholder="https://"
        )
        field_error("evidence")
        open_milestones = milestones[~milestones["done"].astype(bool)]
        if len(open_milestones):
            st.markdown(_("Milestones reached"))
            for row in open_milestones.itertuples():
                due = f" ({_('due')} {row.due_date})" if row.due_date else ""
                st.checkbox(f"{row.title}{due}", key=f"update__milestone__{row.id}")
        left, right = st.columns(2)
        opened = int(current["version"])
        left.form_submit_button(
            _("Save as draft"),
            key="update__initiative_draft",
            on_click=_save_initiative,
            args=(identity, False, opened),
        )
        right.form_submit_button(
            _("Submit for review"),
            type="primary",
            key="update__initiative_submit",
            on_click=_save_initiative,
            args=(identity, True, opened),
        )
