"""Review (reviewers): the submitted entries, oldest first, to publish or reject with a reason."""

import streamlit as st

from gdc_tracker.i18n import _
from gdc_tracker.queries import workflow
from gdc_tracker.ui import components, review_forms
from gdc_tracker.ui.frame import page_frame

QUEUE_LIMIT = 500


def render() -> None:
    ctx = page_frame(__file__)
    st.title(_("Review"))
    st.caption(
        _(
            "Entries editors submitted, oldest first. Published entries appear on every "
            "explore page; rejected ones go back to their author with your reason."
        )
    )
    components.share_link()
    review_forms.feedback()
    queue = ctx.load(workflow.review_queue, limit=QUEUE_LIMIT)
    count = f"{len(queue)}+" if len(queue) >= QUEUE_LIMIT else str(len(queue))
    st.subheader(_("Waiting for review") + f" ({count})")
    if queue.empty:
        components.empty_state(
            _("No entry is waiting for review."),
            _("Entries appear here when an editor submits them on the Update or Import page."),
        )
        return
    review_forms.draw_queue(queue)
    rows = queue.set_index("id", drop=False)
    ids = [int(i) for i in rows.index]
    if st.session_state.get(review_forms.ENTRY_KEY) not in ids:  # decided: the next one
        st.session_state[review_forms.ENTRY_KEY] = ids[0]
    st.subheader(_("Decide on an entry"))
    labels = review_forms.entry_labels(queue)
    entry_id = st.selectbox(
        _("Entry"), ids, format_func=labels.__getitem__, key=review_forms.ENTRY_KEY
    )
    row = rows.loc[entry_id]
    with st.container(border=True):
        review_forms.entry_details(row)
    review_forms.decision_buttons(row, ctx.identity)  # type: ignore[arg-type]


render()
