"""The Review page's pieces: the queue as a table, one entry in detail, publish and reject.

Publishing and rejecting run as button callbacks, before the rerun they trigger, so the
queue drawn right after already reflects the decision (the write bumps the data version).
Each callback carries the entry's version as the reviewer saw it: if the entry changed
since, the store refuses the decision (StaleEdit) and the page shows the newer values.
What a callback has to say (success, a problem at a field, a stale entry) waits in
session state until the page draws it once.
"""

from collections.abc import Mapping
from typing import Any

import pandas as pd
import sqlalchemy as sa
import streamlit as st

from gdc_tracker import db, entries
from gdc_tracker.auth import Identity
from gdc_tracker.charts.initiatives import escape_markdown
from gdc_tracker.errors import NotAllowed, NotFound, StaleEdit, ValidationFailed
from gdc_tracker.i18n import _
from gdc_tracker.ui import cache, components

ENTRY_KEY = "review__entry"
REASON_KEY = "review__reason"
PUBLISH_KEY = "review__publish"
REJECT_KEY = "review__reject"
FEEDBACK_KEY = "review__feedback"  # (kind, message): success or error, shown once
PROBLEMS_KEY = "review__problems"  # {field: [message, ...]} of the last refused decision
STALE_KEY = "review__stale"  # the entry's newer values after a StaleEdit
STALE_FIELDS = (
    "review_state",
    "version",
    "period",
    "geo_code",
    "value",
    "status",
    "disaggregation",
    "narrative",
    "evidence_url",
    "source",
    "review_note",
    "updated_at",
)
QUEUE_COLUMNS = [
    "id",
    "updated_at",
    "subject",
    "geography",
    "period",
    "disaggregation",
    "value",
    "published_value",
    "change",
    "unit",
    "status",
    "author",
    "narrative",
    "evidence_url",
    "source",
]
DONE = {"publish": _("Published"), "reject": _("Rejected")}


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value))


def text_or(value: object, fallback: str) -> str:
    """`value` as text, or `fallback` when it is missing (None, NaN, empty)."""
    return fallback if _missing(value) or value == "" else str(value)


def amount(value: object, unit: object) -> str:
    """66.5 percent, 1,200 schools; empty when there is no value."""
    if _missing(value):
        return ""
    number = f"{float(value):,.2f}".rstrip("0").rstrip(".")  # type: ignore[arg-type]
    return f"{number} {unit}" if not _missing(unit) and unit else number


def change(value: object, published: object) -> str:
    """How the submitted value differs from the published one: "+4.5", "new", "no change"."""
    if _missing(value):
        return ""
    if _missing(published):
        return _("new")
    difference = float(value) - float(published)  # type: ignore[arg-type]
    if abs(difference) < 1e-9:
        return _("no change")
    return f"{difference:+,.2f}".rstrip("0").rstrip(".")


def proposed(row: Mapping[str, Any]) -> str:
    """The value (with unit) of an indicator entry, or the status of an initiative update."""
    return amount(row["value"], row["unit"]) or text_or(row["status"], "")


def entry_label(row: Mapping[str, Any]) -> str:
    """One line that tells entries apart in the picker."""
    return (
        f"#{row['id']} · {row['subject']} · {row['geography']} · {row['period']} · "
        f"{proposed(row)} ({text_or(row['author'], _('unknown author'))})"
    )


def entry_labels(queue: pd.DataFrame) -> dict[int, str]:
    """The picker's label of every queued entry by id, built once per run: a label looked
    up row by row in the DataFrame cost most of a rerun with hundreds of entries waiting."""
    columns = ["id", "subject", "geography", "period", "value", "unit", "status", "author"]
    # Column by column: DataFrame.to_dict("records") took 40 ms for 500 entries.
    values = zip(*(queue[column].tolist() for column in columns), strict=True)
    rows = (dict(zip(columns, row, strict=True)) for row in values)
    return {int(row["id"]): entry_label(row) for row in rows}


def queue_table(queue: pd.DataFrame) -> pd.DataFrame:
    """The queue as the reviewer reads it: what is proposed and what it would change.

    The status column (of initiative updates) is left out when no queued entry has one.
    """
    columns = [c for c in QUEUE_COLUMNS if c != "status" or queue["status"].notna().any()]
    return queue.assign(
        change=[change(v, p) for v, p in zip(queue["value"], queue["published_value"], strict=True)]
    )[columns]


def draw_queue(queue: pd.DataFrame) -> None:
    components.table(
        queue_table(queue),
        name="review_queue",
        key="review__queue",
        column_config={
            "id": st.column_config.NumberColumn(_("Entry"), format="%d"),
            "updated_at": st.column_config.DatetimeColumn(
                _("Submitted"), format="D MMM YYYY, HH:mm"
            ),
            "subject": st.column_config.TextColumn(_("Indicator or initiative"), width="medium"),
            "geography": _("Geography"),
            "period": _("Period"),
            "value": st.column_config.NumberColumn(_("Proposed value")),
            "unit": _("Unit"),
            "status": _("Status"),
            "disaggregation": _("Disaggregation"),
            "published_value": st.column_config.NumberColumn(
                _("Published value"), help=_("What the explore pages showed for this cell")
            ),
            "change": _("Change"),
            "author": _("Author"),
            "narrative": st.column_config.TextColumn(_("Narrative"), width="large"),
            "evidence_url": st.column_config.LinkColumn(_("Evidence")),
            "source": _("Source"),
        },
    )


def entry_details(row: pd.Series) -> None:
    """One entry as the reviewer decides on it; every text the author typed shown as text."""
    st.markdown(f"**#{row['id']} · {escape_markdown(row['subject'])}**")
    top = st.columns(4)
    if _missing(row["value"]):
        top[0].metric(_("Proposed status"), text_or(row["status"], "–"))
    else:
        published = row["published_value"]
        top[0].metric(
            _("Proposed value"),
            amount(row["value"], row["unit"]),
            delta=None if _missing(published) else change(row["value"], published),
            delta_color="off",  # whether up is good depends on the indicator
            help=_("The difference is against the value published now for the same cell."),
        )
        top[1].metric(
            _("Published value"),
            amount(published, row["unit"]) if not _missing(published) else _("nothing yet"),
            help=_("The value published for the same cell before this submission."),
        )
    top[2].metric(_("Geography"), f"{row['geography']}")
    top[3].metric(_("Period"), f"{row['period']}")
    st.caption(
        f"{_('Disaggregation')}: {escape_markdown(row['disaggregation'])} · "
        f"{_('Author')}: {escape_markdown(text_or(row['author'], _('unknown')))} · "
        f"{_('Submitted')}: {components.format_when(row['updated_at'])} · "
        f"{_('Version')} {row['version']}"
    )
    st.markdown(f"**{_('Narrative')}**")
    st.text(text_or(row["narrative"], _("(none)")))
    st.markdown(f"**{_('Source')}**")
    st.text(text_or(row["source"], _("(none)")))
    if not _missing(row["evidence_url"]) and row["evidence_url"]:
        st.link_button(_("Open the evidence"), row["evidence_url"], icon="🔗")
    else:
        st.caption(_("No evidence link."))


def decide(action: str, entry_id: int, version: int, label: str, identity: Identity) -> None:
    """Publish or reject the entry at the version the reviewer saw (a button callback)."""
    reason = str(st.session_state.get(REASON_KEY) or "") if action == "reject" else ""
    for key in (FEEDBACK_KEY, PROBLEMS_KEY, STALE_KEY):
        st.session_state.pop(key, None)
    try:
        with db.session_scope(cache.get_engine()) as session:
            entries.review(
                session, entry_id, action, expected_version=version, by=identity, reason=reason
            )
    except ValidationFailed as error:
        st.session_state[PROBLEMS_KEY] = {p.field: error.for_field(p.field) for p in error.problems}
        return
    except StaleEdit as error:
        st.session_state[STALE_KEY] = error.current
        st.session_state[FEEDBACK_KEY] = ("error", str(error))
        return
    except (NotAllowed, NotFound) as error:
        st.session_state[FEEDBACK_KEY] = ("error", f"{error} " + _("Nothing was saved."))
        return
    except sa.exc.SQLAlchemyError as error:
        message = components.write_failed(error, nothing_done=_("Nothing was saved."))
        st.session_state[FEEDBACK_KEY] = ("error", message)
        return
    st.session_state[FEEDBACK_KEY] = ("success", f"{DONE[action]}: {label}")
    st.session_state[REASON_KEY] = ""
    st.session_state.pop(ENTRY_KEY, None)


def feedback() -> None:
    """What the last decision came to, once; a stale entry with its newer values."""
    message = st.session_state.pop(FEEDBACK_KEY, None)
    if message is not None:
        kind, text = message
        if kind == "success":
            st.success(text, icon="✅")
            st.toast(text, icon="✅")
        else:
            st.error(text, icon="⚠️")
    stale: dict[str, Any] | None = st.session_state.pop(STALE_KEY, None)
    if stale:
        st.markdown(_("**The entry as it is now**"))
        st.dataframe(
            pd.DataFrame(
                {
                    "field": list(STALE_FIELDS),
                    "value": [
                        "" if stale.get(f) is None else str(stale.get(f)) for f in STALE_FIELDS
                    ],
                }
            ),
            hide_index=True,
            key="review__stale_values",
        )


def problems_at(field: str) -> None:
    """The messages of the last refused decision that concern `field`, under that field."""
    for message in st.session_state.get(PROBLEMS_KEY, {}).get(field, []):
        st.error(message, icon="✋")


def decision_buttons(row: pd.Series, identity: Identity) -> None:
    arguments = (int(row["id"]), int(row["version"]), entry_label(row), identity)
    publish, reject = st.columns(2, gap="large")
    with publish, st.container(border=True):
        st.markdown(_("**Publish**: the value appears on every explore page."))
        st.button(
            _("Publish"),
            key=PUBLISH_KEY,
            type="primary",
            icon="✅",
            on_click=decide,
            args=("publish", *arguments),
        )
    with reject, st.container(border=True):
        st.text_area(
            _("Reason for rejecting (required; the author sees it)"),
            key=REASON_KEY,
            height=90,
            max_chars=2_000,
        )
        problems_at("reason")
        st.button(
            _("Reject"), key=REJECT_KEY, icon="↩️", on_click=decide, args=("reject", *arguments)
        )
    st.session_state.pop(PROBLEMS_KEY, None)
