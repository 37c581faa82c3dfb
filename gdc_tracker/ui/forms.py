"""The secretariat's entry forms: a progress value and an initiative update.

Saving runs in the submit button's callback, before the page reruns, so each problem can
be shown right under its field on the rerun, and the values typed stay in the form:
nothing typed is lost, whatever goes wrong, even a sign-in that ended while the form was
open (the values are kept aside and come back after signing in again). Keys are
prefixed `update__`.
"""

from collections.abc import Callable
from typing import Any, cast

import pandas as pd
import sqlalchemy as sa
import streamlit as st
from sqlmodel import Session

from gdc_tracker import db, entries, initiative_updates
from gdc_tracker.auth import Identity
from gdc_tracker.entries import EntryDraft
from gdc_tracker.errors import (
    DuplicateEntry,
    GdcTrackerError,
    NotAllowed,
    SessionExpired,
    StaleEdit,
    ValidationFailed,
)
from gdc_tracker.i18n import N_, _, current_language, word_for
from gdc_tracker.models import TOTAL, InitiativeStatus, initiative_status_label
from gdc_tracker.numbers import format_number
from gdc_tracker.ui import cache, components, session
from gdc_tracker.views import day_text

PROBLEMS = "update__problems"  # field -> messages of the last save attempt
OUTCOME = "update__outcome"  # ("success" | "error", text) of the last save attempt
EDITING = "update__editing"  # {"id": entry id, "version": version it started from}
EDITING_UPDATE = "update__editing_update"  # the same, for an initiative update
DUPLICATE = "update__duplicate"  # the existing entry a new one collided with
STALE = "update__stale"  # the newer values that refused a correction
KEPT = "update__kept"  # the typed values of a form whose save came after the sign-in ended
VALUE_KEYS = (
    "update__indicator",
    "update__geo",
    "update__period",
    "update__value",
    "update__disaggregation",
    "update__narrative",
    "update__evidence",
    "update__source",
)
UPDATE_KEYS = (
    "update__status",
    "update__update_period",
    "update__story",
    "update__update_evidence",
)
MILESTONE_PREFIX = "update__milestone__"
DISAGGREGATION_CHOICES = {
    "sex": ("female", "male"),
    "area": ("urban", "rural"),
    "age": ("15-24", "25-74", "75+"),
}
DISAGGREGATION_WORDS = {
    TOTAL: N_("total"),
    "sex:female": N_("sex: female"),
    "sex:male": N_("sex: male"),
    "area:urban": N_("area: urban"),
    "area:rural": N_("area: rural"),
    "age:15-24": N_("age: 15-24"),
    "age:25-74": N_("age: 25-74"),
    "age:75+": N_("age: 75+"),
}
FIELD_KEYS = {"geography": "geo", "evidence_url": "evidence"}


def field_error(name: str) -> None:
    for message in st.session_state.get(PROBLEMS, {}).get(name, []):
        st.error(message, icon="⚠️")


def _remember_problems(error: ValidationFailed) -> None:
    problems: dict[str, list[str]] = {}
    for problem in error.problems:
        problems.setdefault(FIELD_KEYS.get(problem.field, problem.field), []).append(
            problem.message
        )
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


def restore_kept_values() -> None:
    """Put back what was typed before a sign-in ended (call before drawing the forms)."""
    kept = st.session_state.pop(KEPT, None)
    if kept:
        st.session_state.update(kept)
        st.session_state[OUTCOME] = (
            "success",
            _("What you typed before your session ended is back in the form. It is not saved yet."),
        )


def _keep_typed_values() -> None:
    typed = {
        key: value
        for key, value in st.session_state.items()
        if key in VALUE_KEYS
        or key in UPDATE_KEYS
        or key == "update__initiative"
        or str(key).startswith(MILESTONE_PREFIX)
        or key in (EDITING, EDITING_UPDATE)
    }
    st.session_state[KEPT] = typed


def _attempt(write: Callable[[Session], str]) -> None:
    """Run one write in its own transaction and say how it went, under the fields.

    `write` returns the success message. Whatever fails, the transaction is rolled back
    and the form keeps what was typed.
    """
    _clear_feedback()
    try:
        with db.write_scope(cache.get_engine()) as store:
            message = write(store)
    except ValidationFailed as error:
        _remember_problems(error)
    except DuplicateEntry as error:
        st.session_state[DUPLICATE] = error.existing
        st.session_state[OUTCOME] = ("error", str(error))
    except StaleEdit as error:
        st.session_state[STALE] = error.current
        st.session_state[OUTCOME] = ("error", str(error))
    except SessionExpired as error:
        _keep_typed_values()
        session.sign_out(str(error))
    except NotAllowed as error:
        _keep_typed_values()
        st.session_state[OUTCOME] = ("error", str(error))
        components.remember_refusal(str(error))
    except GdcTrackerError as error:
        st.session_state[OUTCOME] = ("error", str(error))
    except sa.exc.SQLAlchemyError as error:
        st.session_state[OUTCOME] = (
            "error",
            components.nothing_saved(error),
        )
    else:
        st.session_state[OUTCOME] = ("success", message)


def _state_word(state: str) -> str:
    words = {
        "draft": _("draft"),
        "submitted": _("submitted for review"),
        "published": _("published"),
        "rejected": _("rejected"),
        "withdrawn": _("withdrawn"),
    }
    return words.get(state, state)


def status_word(status: object) -> str:
    """An initiative's status in the reader's language ("en cours" for ongoing in French)."""
    return initiative_status_label(status)


def disaggregation_word(code: object) -> str:
    """A breakdown ("sex:female") in the reader's language ("sex: female")."""
    return word_for(code, DISAGGREGATION_WORDS)


def number_in_words(value: object) -> str:
    """A stored value as the reader's language writes it ("62.5", "62,5"), or a dash."""
    if value is None or pd.isna(value):
        return "–"
    return format_number(float(value), current_language())  # type: ignore[arg-type]  # a pandas cell, a number here


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
        value=str(state.get("update__value") or "").strip() or None,
        disaggregation=state.get("update__disaggregation") or TOTAL,
        narrative=state.get("update__narrative") or "",
        evidence_url=(state.get("update__evidence") or "").strip() or None,
        source=state.get("update__source") or "",
        locale=current_language(),
    )


def _save_value(identity: Identity, submit: bool) -> None:
    draft = _draft_from_widgets()
    editing = st.session_state.get(EDITING)

    def write(store: Session) -> str:
        if editing:
            entry = entries.correct_entry(
                store,
                editing["id"],
                draft,
                expected_version=editing["version"],
                by=identity,
                submit=submit,
            )
            text = _("Entry {id} corrected ({state}).")
        else:
            entry = entries.add_entry(store, draft, by=identity, submit=submit)
            text = _("Entry {id} saved ({state}).")
        st.session_state.pop(EDITING, None)
        return text.format(id=entry.id, state=_state_word(entry.review_state))

    _attempt(write)


def _entry_draft(entry_id: int) -> tuple[EntryDraft, int] | None:
    """The entry's values and version, or None (said in the outcome) if it cannot be read."""
    try:
        with db.session_scope(cache.get_engine()) as store:
            entry = entries.get_entry(store, entry_id)
            return entries.draft_from_entry(store, entry), entry.version
    except GdcTrackerError as error:
        st.session_state[OUTCOME] = ("error", str(error))
    except sa.exc.SQLAlchemyError as error:
        st.session_state[OUTCOME] = (
            "error",
            components.write_failed(error, nothing_done=_("The form was not changed.")),
        )
    return None


def load_entry_into_form(entry_id: int) -> None:
    """Start correcting an entry: its values go into its form, its version is remembered."""
    _clear_feedback()
    loaded = _entry_draft(entry_id)
    if loaded is None:
        return
    draft, version = loaded
    if draft.initiative_slug is not None:
        _load_update_into_form(entry_id, draft, version)
        return
    st.session_state[EDITING] = {"id": entry_id, "version": version}
    value = "" if draft.value is None else format_number(float(draft.value), current_language())
    st.session_state.update(
        {
            "update__indicator": draft.indicator_code,
            "update__geo": draft.geo_code,
            "update__period": draft.period,
            "update__value": value,
            "update__disaggregation": draft.disaggregation,
            "update__narrative": draft.narrative,
            "update__evidence": draft.evidence_url or "",
            "update__source": draft.source,
        }
    )


def correct_existing_instead(entry_id: int) -> None:
    """Turn what was typed into a correction of the entry it collided with: the typed
    values stay in the form; only what the form corrects changes."""
    _clear_feedback()
    loaded = _entry_draft(entry_id)
    if loaded is None:
        return
    st.session_state[EDITING] = {"id": entry_id, "version": loaded[1]}
    st.session_state[OUTCOME] = (
        "success",
        _("Your values are still in the form. Saving now corrects entry {id} with them.").format(
            id=entry_id
        ),
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
        (_("geography"), current.get("geo_code"), mine.geo_code),
        (_("period"), current.get("period"), mine.period),
        (_("value"), current.get("value"), mine.value),
        (_("disaggregation"), current.get("disaggregation"), mine.disaggregation),
        (_("source"), current.get("source"), mine.source),
        (_("evidence link"), current.get("evidence_url"), mine.evidence_url),
        (_("narrative"), current.get("narrative"), mine.narrative),
        (_("review state"), current.get("review_state"), "-"),
        (_("version"), current.get("version"), st.session_state[EDITING]["version"]),
    ]
    return pd.DataFrame(rows, columns=[_("field"), _("saved now"), _("yours (not saved)")]).astype(
        str
    )


def _collision_notes() -> None:
    duplicate = st.session_state.get(DUPLICATE)
    if duplicate:
        st.warning(
            _("Already in the store: entry {id}, value {value}, {state}, source: {source}.").format(
                id=duplicate["id"],
                value=number_in_words(duplicate.get("value")),
                state=_state_word(str(duplicate.get("review_state"))),
                source=duplicate.get("source") or _("not stated"),
            ),
            icon="📌",
        )
        st.button(
            _("Correct the existing entry instead"),
            key="update__correct_existing",
            on_click=correct_existing_instead,
            args=(int(duplicate["id"]),),
        )
    stale = st.session_state.get(STALE)
    if stale and st.session_state.get(EDITING):
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
        st.info(
            _("Correcting entry {id} (version {version}).").format(
                id=editing["id"], version=editing["version"]
            )
        )
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
    with st.form("update__value_form", clear_on_submit=False):
        st.selectbox(
            _("Geography"),
            list(names),
            key="update__geo",
            format_func=cast(Callable[[str], str], names.get),  # the options are its keys
        )
        field_error("geo")
        st.text_input(_("Period"), key="update__period", placeholder=_("2024, 2024-Q3 or 2024-07"))
        field_error("period")
        st.text_input(
            _("Value {bounds}").format(bounds=_bounds_text(indicator)),
            key="update__value",
            placeholder=_("for example {example}").format(
                example=format_number(62.5, current_language())
            ),
            help=_("Write the number as your language writes it ({example}).").format(
                example=format_number(1234.5, current_language())
            ),
        )
        field_error("value")
        st.selectbox(
            _("Disaggregation"),
            disaggregation_options(list(indicator["disaggregations"] or [])),
            key="update__disaggregation",
            format_func=disaggregation_word,
        )
        field_error("disaggregation")
        st.text_area(
            _("Narrative (optional)"),
            key="update__narrative",
            max_chars=entries.MAX_LENGTHS["narrative"],
        )
        field_error("narrative")
        evidence_label = (
            _("Evidence link (required for outputs of ITU actions)")
            if indicator["kind"] == "output"
            else _("Evidence link")
        )
        st.text_input(
            evidence_label,
            key="update__evidence",
            placeholder="https://",
            max_chars=entries.MAX_LENGTHS["evidence_url"],
        )
        field_error("evidence")
        st.text_input(_("Source"), key="update__source", max_chars=entries.MAX_LENGTHS["source"])
        field_error("source")
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
    language = current_language()
    low, high, unit = indicator["min_value"], indicator["max_value"], indicator["unit"]
    if pd.notna(low) and pd.notna(high):
        return f"({format_number(low, language)}–{format_number(high, language)} {unit})"
    if pd.notna(low):
        return f"(≥ {format_number(low, language)} {unit})"
    return f"({unit})"


# An initiative update


def _load_update_into_form(entry_id: int, draft: EntryDraft, version: int) -> None:
    _reset_update_fields()
    st.session_state[EDITING_UPDATE] = {"id": entry_id, "version": version}
    st.session_state.update(
        {
            "update__initiative": draft.initiative_slug,
            "update__status": draft.status,
            "update__update_period": draft.period,
            "update__story": draft.narrative,
            "update__update_evidence": draft.evidence_url or "",
        }
    )
    st.session_state.update({f"{MILESTONE_PREFIX}{i}": True for i in draft.milestones_done})
    st.session_state[OUTCOME] = (
        "success",
        _("Initiative update {id} is in the Initiative update tab, ready to correct.").format(
            id=entry_id
        ),
    )


def _reset_update_fields() -> None:
    """Another initiative was chosen: nothing typed for the previous one carries over."""
    for key in [*UPDATE_KEYS, EDITING_UPDATE, PROBLEMS]:
        st.session_state.pop(key, None)
    for key in [k for k in st.session_state if str(k).startswith(MILESTONE_PREFIX)]:
        del st.session_state[key]


def _update_from_widgets() -> initiative_updates.InitiativeUpdate:
    state = st.session_state
    done = frozenset(
        int(str(key).rsplit("__", 1)[1])
        for key, value in state.items()
        if str(key).startswith(MILESTONE_PREFIX) and value
    )
    return initiative_updates.InitiativeUpdate(
        slug=state["update__initiative"],
        status=cast(str, state.get("update__status")),  # the form's status box sets it
        narrative=state.get("update__story") or "",
        period=str(state.get("update__update_period") or "").strip(),
        evidence_url=(state.get("update__update_evidence") or "").strip() or None,
        milestones_done=done,
    )


def _save_initiative(identity: Identity, submit: bool, opened_version: int) -> None:
    update = _update_from_widgets()
    editing = st.session_state.get(EDITING_UPDATE)

    def write(store: Session) -> str:
        if editing:
            entry = entries.correct_entry(
                store,
                editing["id"],
                initiative_updates.draft_of(update),
                expected_version=editing["version"],
                by=identity,
                submit=submit,
            )
        else:
            entry = initiative_updates.save_update(
                store, update, expected_version=opened_version, by=identity, submit=submit
            )
        st.session_state.pop(EDITING_UPDATE, None)
        return _(
            "Initiative update saved as entry {id} ({state}). The initiative's status "
            "changes when a reviewer publishes the update."
        ).format(id=entry.id, state=_state_word(entry.review_state))

    _attempt(write)


def _pending_note(pending: pd.DataFrame) -> None:
    """Updates of this initiative already waiting, so nobody proposes blind."""
    for row in pending.itertuples():
        st.caption(
            components.plain(
                _(
                    "Not yet published: entry {id} by {author} proposes “{status}” ({state})."
                ).format(
                    id=row.id,
                    author=row.author or _("unknown"),
                    status=status_word(row.status),
                    state=_state_word(row.review_state),
                )
            )
        )


def initiative_form(
    identity: Identity,
    choices: dict[str, pd.DataFrame],
    milestones: pd.DataFrame,
    pending: pd.DataFrame | None = None,
) -> None:
    initiatives = choices["initiatives"].set_index("slug")
    names = dict(zip(initiatives.index, initiatives["name"], strict=True))
    slug = st.selectbox(
        _("Initiative"),
        list(names),
        key="update__initiative",
        format_func=names.__getitem__,
        on_change=_reset_update_fields,
    )
    field_error("initiative")
    current = initiatives.loc[slug]
    editing = st.session_state.get(EDITING_UPDATE)
    if editing:
        st.info(
            _("Correcting initiative update {id} (version {version}).").format(
                id=editing["id"], version=editing["version"]
            )
        )
    st.caption(
        _("Published status: {status} · version {version}").format(
            status=status_word(current["status"]), version=current["version"]
        )
    )
    if pending is not None:
        _pending_note(pending)
    statuses = [str(s) for s in InitiativeStatus]
    with st.form("update__initiative_form"):
        st.selectbox(
            _("Status"),
            statuses,
            index=statuses.index(current["status"]),
            key="update__status",
            format_func=status_word,
        )
        field_error("status")
        st.text_input(_("Period"), key="update__update_period", placeholder="2025-Q3")
        field_error("period")
        st.text_area(
            _("What happened"), key="update__story", max_chars=entries.MAX_LENGTHS["narrative"]
        )
        field_error("narrative")
        st.text_input(
            _("Evidence link (optional)"),
            key="update__update_evidence",
            placeholder="https://",
            max_chars=entries.MAX_LENGTHS["evidence_url"],
        )
        field_error("evidence")
        open_milestones = milestones[~milestones["done"].astype(bool)]
        if len(open_milestones):
            st.markdown(_("Milestones reached"))
            for row in open_milestones.itertuples():
                label = (
                    _("{title} (due {due})").format(
                        title=row.title, due=day_text(pd.Timestamp(row.due_date).date(), "medium")
                    )
                    if pd.notna(row.due_date)
                    else str(row.title)
                )
                st.checkbox(components.plain(label), key=f"{MILESTONE_PREFIX}{row.id}")
        field_error("milestones")
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


# The author's own entries: correct, submit, withdraw


def entries_to_act_on(mine: pd.DataFrame) -> pd.DataFrame:
    """The author's entries that can still be corrected, submitted or withdrawn."""
    return mine[~mine["review_state"].isin(["superseded", "withdrawn"])]


def entry_choice_labels(mine: pd.DataFrame) -> dict[int, str]:
    """One label per entry of the author's, built once from columns."""
    return {
        int(entry_id): _("{id}: {subject}, {geography}, {period} ({state})").format(
            id=entry_id,
            subject=subject,
            geography=geography,
            period=period,
            state=_state_word(state),
        )
        for entry_id, subject, geography, period, state in zip(
            mine["id"],
            mine["subject"],
            mine["geography"],
            mine["period"],
            mine["review_state"],
            strict=True,
        )
    }


def move_entry(identity: Identity, entry_id: int, version: int, action: str) -> None:
    """Submit a draft (or a rejected entry) for review, or withdraw an unpublished one."""

    def write(store: Session) -> str:
        entry = entries.review(store, entry_id, action, expected_version=version, by=identity)
        return _("Entry {id} is now {state}.").format(
            id=entry.id, state=_state_word(entry.review_state)
        )

    _attempt(write)
