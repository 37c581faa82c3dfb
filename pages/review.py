"""Review (reviewers): the submitted entries, oldest first, filtered and paged, to publish
or reject one by one, a selection at once, or a whole import."""

import pandas as pd
import streamlit as st

from gdc_tracker import reviewing
from gdc_tracker.i18n import _
from gdc_tracker.queries import workflow
from gdc_tracker.ui import components, review_forms
from gdc_tracker.ui.frame import PageContext, page_frame

PAGE_SIZE = 50


def render() -> None:
    ctx = page_frame(__file__)
    allow_own = ctx.settings.allow_self_publish
    st.title(_("Review"), anchor=False)
    st.caption(
        _(
            "Entries editors submitted, oldest first. Published entries appear on every "
            "explore page; rejected ones go back to their author with your reason."
        )
    )
    if not allow_own:
        st.caption(_("Four eyes: entries you entered yourself are decided by another reviewer."))
    components.share_link()
    review_forms.feedback()
    filters = review_forms.queue_filters(ctx.load(workflow.review_facets))
    total = ctx.load(workflow.review_queue_count, **filters)
    st.header(_("Waiting for review ({count})").format(count=total), anchor=False)
    if total == 0:
        _nothing_waiting(bool(filters))
        review_forms.forget_problems()
        return
    page = review_forms.page_number(total, PAGE_SIZE)
    queue = ctx.load(
        workflow.review_queue, **filters, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    if queue.empty:  # a page beyond the end after decisions elsewhere: start again
        queue = ctx.load(workflow.review_queue, **filters, limit=PAGE_SIZE)
    selected = review_forms.draw_queue(queue)
    everything = review_forms.all_matching_chosen(filters)
    if everything:  # the oldest that one decision may take, at the versions shown
        chosen = ctx.load(workflow.review_queue_keys, **filters, limit=reviewing.MAX_ENTRIES)
    else:
        chosen = selected
    review_forms.selection_bar(queue, filters, total, len(chosen), everything)
    review_forms.bulk_buttons(chosen, ctx.identity, allow_own)  # type: ignore[arg-type]
    _one_entry(queue, ctx, allow_own)
    _imports(ctx, allow_own)
    review_forms.forget_problems()


def _nothing_waiting(filtered: bool) -> None:
    if filtered:
        components.empty_state(
            _("No entry matching these filters is waiting for review."),
            _("Choose 'All' in a filter to see more of the queue."),
        )
    else:
        components.empty_state(
            _("No entry is waiting for review."),
            _("Entries appear here when an editor submits them on the Update or Import page."),
        )


def _one_entry(queue: pd.DataFrame, ctx: PageContext, allow_own: bool) -> None:
    """One entry of this page in detail, to publish or reject on its own."""
    rows = queue.set_index("id", drop=False)
    ids = [int(i) for i in rows.index]
    if st.session_state.get(review_forms.ENTRY_KEY) not in ids:  # decided: the next one
        st.session_state[review_forms.ENTRY_KEY] = ids[0]
    st.header(_("Decide on an entry"), anchor=False)
    labels = review_forms.entry_labels(queue)
    entry_id = st.selectbox(
        _("Entry"), ids, format_func=labels.__getitem__, key=review_forms.ENTRY_KEY
    )
    row = rows.loc[entry_id]
    done = review_forms.milestone_ids(row)
    with st.container(border=True):
        review_forms.entry_details(row, ctx.load(workflow.milestone_titles, ids=done))
    review_forms.decision_buttons(row, ctx.identity, allow_own)  # type: ignore[arg-type]


def _imports(ctx: PageContext, allow_own: bool) -> None:
    """Imports with entries waiting, each to publish or reject as one batch."""
    batches = ctx.load(workflow.import_batches_waiting)
    if batches.empty:
        return
    st.header(_("Imports waiting for review ({count})").format(count=len(batches)), anchor=False)
    for batch in batches.to_dict("records"):
        seen = ctx.load(workflow.review_queue_keys, batch=int(batch["id"]))
        review_forms.batch_card(batch, seen, ctx.identity, allow_own)  # type: ignore[arg-type]


render()
