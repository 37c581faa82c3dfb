"""The Review page's pieces: filters, the queue as a table with row selection, bulk and
single decisions, and imports as batches.

Decisions run as button callbacks, before the rerun they trigger, so the queue drawn
right after already reflects them (the write bumps the data version). Each carries the
versions of the entries as the reviewer saw them: if one changed since, the store
refuses the whole decision (StaleEdit) and the page shows the newer values. Every
decision goes through `gdc_tracker.reviewing` in one `db.write_scope` transaction, which
re-reads the reviewer's role and applies four eyes (`review.allow_self_publish`). What a
callback has to say (success, a problem at a field, a refusal) waits in session state
until the page draws it once. Text people typed (names, file names, reasons) is shown
as text, never as Markdown.
"""

import hashlib
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
import sqlalchemy as sa
import streamlit as st
from babel.numbers import format_decimal, get_plus_sign_symbol
from sqlmodel import Session

from gdc_tracker import db, provenance, reviewing, views
from gdc_tracker.auth import Identity
from gdc_tracker.charts.initiatives import escape_markdown
from gdc_tracker.errors import GdcTrackerError, NotAllowed, StaleEdit, ValidationFailed
from gdc_tracker.i18n import N_, _, current_language, ngettext
from gdc_tracker.ui import cache, components
from gdc_tracker.ui.forms import disaggregation_word, status_word
from gdc_tracker.views import About

ENTRY_KEY = "review__entry"
REASON_KEY = "review__reason"
PUBLISH_KEY = "review__publish"
REJECT_KEY = "review__reject"
FEEDBACK_KEY = "review__feedback"  # (kind, message): success or error, shown once
PROBLEMS_KEY = "review__problems"  # {field: [message, ...]} of the last refused decision
STALE_KEY = "review__stale"  # the entry's newer values after a StaleEdit
QUEUE_KEY = "review__queue"  # the table's key: this plus a digest of the rows it shows
PAGE_KEY = "page"  # the queue's page, also `?page=` in the URL
ALL_MATCHING_KEY = "review__all_matching"  # the filters "select all matching" was chosen for
FILTER_WORDS_KEY = "review__filter_words"  # this run's queue filters in words, for its files
SELECT_PAGE_KEY = "review__select_page"
SELECT_ALL_KEY = "review__select_all"
CLEAR_KEY = "review__clear_selection"
BULK_PUBLISH_KEY = "review__bulk_publish"
BULK_REJECT_KEY = "review__bulk_reject"
BULK_REASON_KEY = "review__bulk_reason"
BATCH_PUBLISH_KEY = "review__batch_publish"  # one per import: suffixed with its id
BATCH_REJECT_KEY = "review__batch_reject"
BATCH_REASON_KEY = "review__batch_reason"
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
    "status",
    "disaggregation",
    "value",
    "published_value",
    "change",
    "unit",
    "author",
    "narrative",
    "evidence_url",
    "source",
]
DONE = {"publish": N_("Published: #{id} · {entry}"), "reject": N_("Rejected: #{id} · {entry}")}
DECIMALS = "#,##0.##"  # grouped, at most two decimals, none when they are zero


def many_done(action: str, count: int) -> str:
    """What a decision on the selected entries did."""
    if action == "publish":
        done = ngettext("Published {count} entry.", "Published {count} entries.", count)
    else:
        done = ngettext(
            "Rejected {count} entry; its author sees your reason.",
            "Rejected {count} entries; each author sees your reason.",
            count,
        )
    return done.format(count=count)


def batch_done(action: str, count: int, file_name: str) -> str:
    """What a decision on a whole import did."""
    if action == "publish":
        done = ngettext(
            "Published {count} entry of the import {name}.",
            "Published {count} entries of the import {name}.",
            count,
        )
    else:
        done = ngettext(
            "Rejected {count} entry of the import {name}; the author sees your reason.",
            "Rejected {count} entries of the import {name}; the author sees your reason.",
            count,
        )
    return done.format(count=count, name=escape_markdown(file_name))


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value))


def text_or(value: object, fallback: str) -> str:
    """`value` as text, or `fallback` when it is missing (None, NaN, empty)."""
    return fallback if _missing(value) or value == "" else str(value)


def status_or_dash(status: object) -> str:
    """An initiative's status in the reader's language, or a dash when there is none."""
    return "–" if _missing(status) or status == "" else status_word(status)


def amount(value: object, unit: object) -> str:
    """66.5 percent, 1,200 schools; empty when there is no value."""
    if _missing(value):
        return ""
    given = float(value)  # type: ignore[arg-type]  # a pandas cell, a number once _missing is false
    number = format_decimal(given, format=DECIMALS, locale=current_language())
    return f"{number} {unit}" if not _missing(unit) and unit else number


def change(value: object, published: object) -> str:
    """How the submitted value differs from the published one: "+4.5", "new", "no change"."""
    if _missing(value):
        return ""
    if _missing(published):
        return _("new")
    difference = float(value) - float(published)  # type: ignore[arg-type]  # pandas cells, numbers once _missing is false
    if abs(difference) < 1e-9:
        return _("no change")
    language = current_language()
    text = format_decimal(difference, format=DECIMALS, locale=language)
    return get_plus_sign_symbol(language) + text if difference > 0 else text


def proposed(row: Mapping[str, Any]) -> str:
    """The value (with unit) of an indicator entry, or the status of an initiative update."""
    return amount(row["value"], row["unit"]) or text_or(row["status"], "")


def entry_label(row: Mapping[str, Any]) -> str:
    """One line that tells entries apart in the picker."""
    author = text_or(row["author"], _("unknown author"))
    return (
        f"#{row['id']} · {row['subject']} · {row['geography']} · {row['period']} · "
        f"{proposed(row)} ({author})"
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


def _queue_columns() -> dict[str, Any]:
    """How each column of the queue reads (built per run: the labels are translated)."""
    return {
        "id": st.column_config.NumberColumn(_("Entry"), format="%d"),
        "updated_at": st.column_config.DatetimeColumn(_("Submitted"), format="D MMM YYYY, HH:mm"),
        "subject": st.column_config.TextColumn(_("Indicator or initiative"), width="medium"),
        "geography": _("Geography"),
        "period": _("Period"),
        "value": st.column_config.NumberColumn(_("Proposed value")),
        "unit": _("Unit"),
        "status": _("Proposed status"),
        "disaggregation": _("Disaggregation"),
        "published_value": st.column_config.NumberColumn(
            _("Published value"), help=_("What the explore pages showed for this cell")
        ),
        "change": _("Change"),
        "author": _("Author"),
        "narrative": st.column_config.TextColumn(_("Narrative"), width="large"),
        "evidence_url": st.column_config.LinkColumn(_("Evidence")),
        "source": _("Source"),
    }


def milestone_ids(row: pd.Series) -> tuple[int, ...]:
    """The milestones an initiative update marks done (none for a value)."""
    ids = row.get("milestones_done")
    return tuple(int(i) for i in ids) if isinstance(ids, list | tuple) else ()


def entry_details(row: pd.Series, milestone_titles: list[str] | None = None) -> None:
    """One entry as the reviewer decides on it; every text the author typed shown as text.

    For an initiative update: the status it proposes beside the one published now, and the
    milestones it marks done, which publishing applies to the initiative.
    """
    st.markdown(f"**#{row['id']} · {escape_markdown(row['subject'])}**")
    top = st.columns(4)
    if _missing(row["value"]):
        top[0].metric(_("Proposed status"), status_or_dash(row["status"]))
        top[1].metric(
            _("Published status"),
            status_or_dash(row.get("published_status")),
            help=_("Publishing this update gives the initiative the proposed status."),
        )
        if milestone_titles:
            st.markdown(_("**Milestones it marks done when published**"))
            st.text("\n".join(f"• {title}" for title in milestone_titles))
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
        _(
            "Disaggregation: {disaggregation} · Author: {author} · Submitted: {when} · "
            "Version {version}"
        ).format(
            disaggregation=escape_markdown(disaggregation_word(row["disaggregation"])),
            author=escape_markdown(text_or(row["author"], _("unknown"))),
            when=components.format_when(row["updated_at"]),
            version=row["version"],
        )
    )
    st.markdown(components.strong(_("Narrative")))
    st.text(text_or(row["narrative"], _("(none)")))
    st.markdown(components.strong(_("Source")))
    st.text(text_or(row["source"], _("(none)")))
    if not _missing(row["evidence_url"]) and row["evidence_url"]:
        st.link_button(_("Open the evidence"), row["evidence_url"], icon="🔗")
    else:
        st.caption(_("No evidence link."))


def _clear_messages() -> None:
    for key in (FEEDBACK_KEY, PROBLEMS_KEY, STALE_KEY):
        st.session_state.pop(key, None)


def _by_field(error: ValidationFailed) -> dict[str, list[str]]:
    return {p.field: error.for_field(p.field) for p in error.problems}


def _run_decision(
    scope: str, write: Callable[[Session], reviewing.Decided]
) -> reviewing.Decided | None:
    """Run one review command in its own write transaction; say why when it is refused.

    Whatever the refusal (a stale entry, a role changed since the page was drawn, four
    eyes, the database), nothing was decided, and the page says so instead of a traceback.
    A problem with a field is shown under that field of `scope` (the form that sent it).
    """
    _clear_messages()
    try:
        with db.write_scope(cache.get_engine()) as session:
            return write(session)
    except ValidationFailed as error:
        st.session_state[PROBLEMS_KEY] = (scope, _by_field(error))
    except reviewing.EntryRefused as error:
        cause = error.cause
        if isinstance(cause, ValidationFailed):
            st.session_state[PROBLEMS_KEY] = (scope, _by_field(cause))
        if isinstance(cause, StaleEdit):
            st.session_state[STALE_KEY] = cause.current
        st.session_state[FEEDBACK_KEY] = ("error", str(error))
        if isinstance(cause, NotAllowed):
            components.remember_refusal(str(error))
    except GdcTrackerError as error:
        st.session_state[FEEDBACK_KEY] = ("error", str(error))
        if isinstance(error, NotAllowed):
            components.remember_refusal(str(error))
    except sa.exc.SQLAlchemyError as error:
        message = components.nothing_saved(error)
        st.session_state[FEEDBACK_KEY] = ("error", message)
    return None


def _after_success(message: str) -> None:
    st.session_state[FEEDBACK_KEY] = ("success", message)
    for key in (REASON_KEY, BULK_REASON_KEY):
        st.session_state[key] = ""
    for key in (ENTRY_KEY, ALL_MATCHING_KEY):
        st.session_state.pop(key, None)


def decide(
    action: str,
    entry_id: int,
    version: int,
    label: str,
    identity: Identity,
    allow_own: bool = False,
) -> None:
    """Publish or reject one entry at the version the reviewer saw (a button callback)."""
    reason = str(st.session_state.get(REASON_KEY) or "")
    decided = _run_decision(
        "entry",
        lambda session: reviewing.review_many(
            session, [(entry_id, version)], action, by=identity, reason=reason, allow_own=allow_own
        ),
    )
    if decided is not None:
        message = _(DONE[action]).format(
            id=entry_id, entry=escape_markdown(label.split(" · ", 1)[-1])
        )
        _after_success(message)


def decide_many(
    action: str, chosen: tuple[tuple[int, int], ...], identity: Identity, allow_own: bool
) -> None:
    """Publish or reject the chosen entries (id, version as shown), all or none."""
    reason = str(st.session_state.get(BULK_REASON_KEY) or "")
    decided = _run_decision(
        "bulk",
        lambda session: reviewing.review_many(
            session, chosen, action, by=identity, reason=reason, allow_own=allow_own
        ),
    )
    if decided is not None:
        _after_success(many_done(action, decided.count))


def decide_batch(
    action: str,
    batch_id: int,
    file_name: str,
    seen: tuple[tuple[int, int], ...],
    identity: Identity,
    allow_own: bool,
) -> None:
    """Publish or reject every waiting entry of an import, as the reviewer was shown it."""
    reason = str(st.session_state.get(f"{BATCH_REASON_KEY}_{batch_id}") or "")
    decided = _run_decision(
        f"batch_{batch_id}",
        lambda session: reviewing.review_batch(
            session,
            batch_id,
            action,
            by=identity,
            reason=reason,
            allow_own=allow_own,
            seen_versions=dict(seen),
        ),
    )
    if decided is not None:
        _after_success(batch_done(action, decided.count, file_name))
        st.session_state[f"{BATCH_REASON_KEY}_{batch_id}"] = ""


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
                    _("field"): list(STALE_FIELDS),
                    _("value"): [
                        "" if stale.get(f) is None else str(stale.get(f)) for f in STALE_FIELDS
                    ],
                }
            ),
            hide_index=True,
            key="review__stale_values",
        )


def problems_at(field: str, scope: str) -> None:
    """The messages of the last refused decision of `scope` about `field`, under that field."""
    problem_scope, problems = st.session_state.get(PROBLEMS_KEY, ("", {}))
    if problem_scope == scope:
        for message in problems.get(field, []):
            st.error(message, icon="✋")


# The queue: filters, one page as a table with row selection, bulk decisions.


def _facet_row(facet: pd.DataFrame, value: str, code: str) -> pd.Series | None:
    """The facet's row of a chosen code; None when nothing of it waits any more."""
    rows = facet[facet[value].astype(str) == str(code)]
    return None if rows.empty else rows.iloc[0]


def _facet_label(facet: pd.DataFrame, value: str, label: str, code: str) -> str:
    """What a chosen filter value stands for and how many entries of it wait. Only the
    chosen values are described: a large store offers hundreds of indicators and
    geographies, whose options show their codes."""
    row = _facet_row(facet, value, code)
    if row is None:
        return code
    waiting = int(row["waiting"])
    return ngettext(
        "{name} ({code}): {count} waiting", "{name} ({code}): {count} waiting", waiting
    ).format(name=text_or(row[label], code), code=code, count=waiting)


def _reset_page() -> None:
    """A new filter starts at its first page, with nothing selected."""
    st.session_state[PAGE_KEY] = 1
    st.session_state.pop(ALL_MATCHING_KEY, None)


def _filter(label: str, key: str, values: list[str], everything: str) -> str | None:
    """A selectbox bound to `?key=value`; None (the first option) means no filter.

    The options show the codes themselves: a bound selectbox writes the text it shows
    into the URL, and a link must carry a code that lasts (`?geo=BRA`), not a label with
    a count in it.
    """
    options: list[str | None] = [None, *values]
    return st.selectbox(
        label,
        options,
        format_func=lambda value: everything if value is None else str(value),
        key=key,
        bind="query-params",
        on_change=_reset_page,
    )


FILTERS = (  # (key, facet, value column, name column, label, "all" option)
    ("indicator", "indicators", "code", "name", N_("Indicator"), N_("All indicators")),
    ("geo", "geographies", "code", "name", N_("Geography"), N_("All geographies")),
    ("author", "authors", "username", "display_name", N_("Author"), N_("All authors")),
    ("batch", "batches", "id", "file_name", N_("Import"), N_("All entries, imported or not")),
)


def queue_filters(facets: Mapping[str, pd.DataFrame]) -> dict[str, Any]:
    """The queue's four filters, each bound to the URL: indicator, geography, author and
    import; under them, what the chosen codes stand for. Returns the keyword arguments of
    the queue queries (only those chosen)."""
    chosen: dict[str, Any] = {}
    described: list[str] = []
    for column, (key, facet, value, name, label, everything) in zip(
        st.columns(len(FILTERS)), FILTERS, strict=True
    ):
        codes = [str(code) for code in facets[facet][value]]
        with column:
            picked = _filter(_(label), key, codes, _(everything))
        if picked:
            chosen[key] = int(picked) if key == "batch" else picked
            described.append(_facet_label(facets[facet], value, name, picked))
    if described:
        st.caption(escape_markdown(" · ".join(described)))
    st.session_state[FILTER_WORDS_KEY] = filter_words(facets, chosen)
    return chosen


def filter_words(facets: Mapping[str, pd.DataFrame], chosen: Mapping[str, Any]) -> dict[str, str]:
    """The chosen queue filters in words: {"Indicator": "Internet use (UMC_INTERNET_USE)"}."""
    words: dict[str, str] = {}
    for key, facet, value, name, label, _everything in FILTERS:
        if key not in chosen:
            continue
        row = _facet_row(facets[facet], value, chosen[key])
        named = "" if row is None else text_or(row[name], "")
        words[_(label)] = f"{named} ({chosen[key]})" if named else str(chosen[key])
    return words


def queue_about(queue: pd.DataFrame, filters: Mapping[str, str]) -> About:
    """The `About` of the queue's files: the filters in words, the sources the entries
    name (typed with them), when the newest was submitted and how many are demo.

    Entries typed or imported are never demo (the demo data is published as it is made);
    the count rests on `is_demo` when the queue carries it."""
    named = queue["source"].where(queue["source"].notna() & (queue["source"] != ""))
    entries = queue.assign(
        source=named.fillna(provenance.not_stated_label()).astype(str),
        is_demo=queue["is_demo"] if "is_demo" in queue else False,
    )
    return views.about_values(entries, title=_("Review queue"), filters=dict(filters))


def page_number(total: int, page_size: int) -> int:
    """The page of the queue to show (1-based), a pager bound to `?page=` when it has more
    than one page."""
    pages = max(1, -(-total // page_size))
    if pages == 1:
        return 1
    return st.pagination(pages, key=PAGE_KEY, bind="query-params", max_visible_pages=9)


def shown(queue: pd.DataFrame) -> tuple[tuple[int, int], ...]:
    """(id, version) of the entries on this page, in the order they are drawn."""
    return tuple((int(i), int(v)) for i, v in zip(queue["id"], queue["version"], strict=True))


def queue_key(queue: pd.DataFrame) -> str:
    """The table's key follows the entries it shows, at their versions: when the page
    changes (another page, a filter, a colleague's decision, a correction), the selection
    starts empty instead of landing on other rows."""
    digest = hashlib.sha256(repr(shown(queue)).encode()).hexdigest()[:12]
    return f"{QUEUE_KEY}_{digest}"


def _select_page(key: str, rows: int) -> None:
    st.session_state[key] = {"selection": {"rows": list(range(rows)), "columns": [], "cells": []}}
    st.session_state.pop(ALL_MATCHING_KEY, None)


def _select_matching(filters: tuple[tuple[str, Any], ...]) -> None:
    st.session_state[ALL_MATCHING_KEY] = filters


def _clear_selection(key: str) -> None:
    st.session_state[key] = {"selection": {"rows": [], "columns": [], "cells": []}}
    st.session_state.pop(ALL_MATCHING_KEY, None)


def _selection_changed() -> None:
    """Picking rows by hand ends "all matching": what is ticked is what is chosen."""
    st.session_state.pop(ALL_MATCHING_KEY, None)


def draw_queue(queue: pd.DataFrame) -> tuple[tuple[int, int], ...]:
    """The page of the queue as a table whose rows can be selected; returns the (id,
    version) of the selected rows."""
    key = queue_key(queue)
    table = queue_table(queue)
    event = st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        key=key,
        on_select=_selection_changed,
        selection_mode="multi-row",
        column_config=_queue_columns(),
    )
    about = queue_about(queue, st.session_state.get(FILTER_WORDS_KEY, {}))
    download = table.assign(is_demo=queue["is_demo"] if "is_demo" in queue else False)
    components.download_buttons(download, name="review_queue", key=QUEUE_KEY, about=about)
    on_page = shown(queue)
    return tuple(on_page[row] for row in event.selection.rows if 0 <= row < len(on_page))


def all_matching_chosen(filters: Mapping[str, Any]) -> bool:
    """Whether "select all matching" was chosen for exactly these filters."""
    return st.session_state.get(ALL_MATCHING_KEY) == tuple(sorted(filters.items()))


def selection_bar(
    queue: pd.DataFrame, filters: Mapping[str, Any], total: int, chosen: int, everything: bool
) -> None:
    """How many entries are chosen, and buttons to choose this page, all matching, none."""
    row = st.container(horizontal=True, vertical_alignment="center")
    if everything and chosen < total:
        row.markdown(
            ngettext(
                "The oldest **{count}** of {total} matching entries is selected.",
                "The oldest **{count}** of {total} matching entries are selected.",
                chosen,
            ).format(count=chosen, total=total)
        )
    elif everything:
        row.markdown(
            ngettext(
                "The **{count}** matching entry is selected (every page).",
                "All **{count}** matching entries are selected (every page).",
                total,
            ).format(count=total)
        )
    else:
        row.markdown(
            ngettext("**{count}** selected.", "**{count}** selected.", chosen).format(count=chosen)
        )
    key = queue_key(queue)
    row.button(
        _("Select all on this page ({count})").format(count=len(queue)),
        key=SELECT_PAGE_KEY,
        on_click=_select_page,
        args=(key, len(queue)),
    )
    if total > len(queue):
        if total > reviewing.MAX_ENTRIES:
            label = ngettext(
                "Select the oldest {limit} of {count} matching",
                "Select the oldest {limit} of {count} matching",
                reviewing.MAX_ENTRIES,
            ).format(limit=reviewing.MAX_ENTRIES, count=total)
        else:
            label = ngettext(
                "Select the {count} matching", "Select all {count} matching", total
            ).format(count=total)
        row.button(
            label,
            key=SELECT_ALL_KEY,
            on_click=_select_matching,
            args=(tuple(sorted(filters.items())),),
        )
    row.button(_("Clear selection"), key=CLEAR_KEY, on_click=_clear_selection, args=(key,))


def bulk_buttons(chosen: tuple[tuple[int, int], ...], identity: Identity, allow_own: bool) -> None:
    """Publish or reject every chosen entry at once, one reason for all rejections."""
    nothing = not chosen
    arguments = (chosen, identity, allow_own)
    publish, reject = st.columns(2, gap="large")
    with publish, st.container(border=True):
        st.markdown(_("**Publish the selected entries**: all of them, or none if one cannot be."))
        st.button(
            ngettext("Publish {count} selected", "Publish {count} selected", len(chosen)).format(
                count=len(chosen)
            ),
            key=BULK_PUBLISH_KEY,
            type="primary",
            icon="✅",
            disabled=nothing,
            on_click=decide_many,
            args=("publish", *arguments),
        )
        problems_at("selection", "bulk")
    with reject, st.container(border=True):
        st.text_area(
            _("One reason for rejecting all selected entries (required; each author sees it)"),
            key=BULK_REASON_KEY,
            height=90,
            max_chars=reviewing.MAX_REASON_LENGTH,
        )
        problems_at("reason", "bulk")
        st.button(
            ngettext("Reject {count} selected", "Reject {count} selected", len(chosen)).format(
                count=len(chosen)
            ),
            key=BULK_REJECT_KEY,
            icon="↩️",
            disabled=nothing,
            on_click=decide_many,
            args=("reject", *arguments),
        )


def decision_buttons(row: pd.Series, identity: Identity, allow_own: bool = False) -> None:
    """Publish or reject the one entry shown in detail."""
    arguments = (int(row["id"]), int(row["version"]), entry_label(row), identity, allow_own)
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
            max_chars=reviewing.MAX_REASON_LENGTH,
        )
        problems_at("reason", "entry")
        st.button(
            _("Reject"), key=REJECT_KEY, icon="↩️", on_click=decide, args=("reject", *arguments)
        )


# Imports as batches: one decision for every waiting entry of a file.


def _summary_text(summary: object) -> str:
    """The preview's counts as one line: "new: 12 · changed: 3 · rejected: 1"."""
    if not isinstance(summary, Mapping):
        return _("no summary")
    language = current_language()
    counts = [
        _("{name}: {count}").format(name=name, count=format_decimal(value, locale=language))
        for name, value in summary.items()
        if isinstance(value, int)
    ]
    return " · ".join(counts) or _("no summary")


def batch_card(
    batch: Mapping[str, Any],
    seen: tuple[tuple[int, int], ...],
    identity: Identity,
    allow_own: bool,
) -> None:
    """One import: its file, who and when, the preview's counts, what still waits, and
    publish or reject for all of it."""
    batch_id = int(batch["id"])
    with st.container(border=True):
        st.markdown(
            _("**{name}** · imported by {who} · {when}").format(
                name=escape_markdown(batch["file_name"]),
                who=escape_markdown(text_or(batch["imported_by"], _("unknown"))),
                when=components.format_when(batch["created_at"]),
            )
        )
        st.caption(
            _("Preview: {counts} · waiting for review: {waiting}").format(
                counts=escape_markdown(_summary_text(batch["summary"])),
                waiting=int(batch["waiting"]),
            )
        )
        arguments = (batch_id, str(batch["file_name"]), seen, identity, allow_own)
        publish, reject = st.columns(2, gap="large")
        publish.button(
            _("Publish batch ({count})").format(count=len(seen)),
            key=f"{BATCH_PUBLISH_KEY}_{batch_id}",
            type="primary",
            icon="✅",
            on_click=decide_batch,
            args=("publish", *arguments),
        )
        with publish:
            problems_at("selection", f"batch_{batch_id}")
        with reject:
            st.text_input(
                _("Reason for rejecting the whole import (required)"),
                key=f"{BATCH_REASON_KEY}_{batch_id}",
                max_chars=reviewing.MAX_REASON_LENGTH,
            )
            problems_at("reason", f"batch_{batch_id}")
            st.button(
                _("Reject batch ({count})").format(count=len(seen)),
                key=f"{BATCH_REJECT_KEY}_{batch_id}",
                icon="↩️",
                on_click=decide_batch,
                args=("reject", *arguments),
            )


def forget_problems() -> None:
    """A refused decision's field problems are shown once."""
    st.session_state.pop(PROBLEMS_KEY, None)
