"""Update (editors): add a progress value or an initiative update; correct your entries."""

import streamlit as st

from gdc_tracker.i18n import _
from gdc_tracker.queries import workflow
from gdc_tracker.ui import components, forms
from gdc_tracker.ui.frame import PageContext, page_frame


def my_entries(ctx: PageContext) -> None:
    assert ctx.identity is not None and ctx.identity.user_id is not None
    mine = ctx.load(workflow.entries_by_author, user_id=ctx.identity.user_id)
    if mine.empty:
        components.empty_state(
            _("You have not entered anything yet."),
            _("Add a value or an initiative update in the other tabs."),
        )
        return
    rejected = mine[mine["review_state"] == "rejected"]
    for row in rejected.itertuples():
        st.warning(
            f"{_('Entry')} {row.id} ({row.subject}, {row.geography}, {row.period}) "
            f"{_('was rejected')}: {row.review_note}",
            icon="↩️",
        )
    components.table(
        mine[
            [
                "id",
                "review_state",
                "subject",
                "geography",
                "period",
                "value",
                "unit",
                "disaggregation",
                "review_note",
                "updated_at",
            ]
        ],
        name="my-entries",
        key="update__mine",
    )
    correctable = mine[mine["indicator_code"].notna()]
    if len(correctable):
        labels = {
            int(r.id): f"{r.id}: {r.subject}, {r.geography}, {r.period} ({r.review_state})"
            for r in correctable.itertuples()
        }
        picked = st.selectbox(
            _("Entry to correct"), list(labels), key="update__pick", format_func=labels.get
        )
        st.button(
            _("Correct this entry"),
            key="update__load",
            on_click=forms.load_entry_into_form,
            args=(picked,),
        )


def render() -> None:
    ctx = page_frame(__file__)
    assert ctx.identity is not None  # the frame refused everyone below editor
    st.title(_("Update"))
    st.caption(
        _(
            "New values and corrections are saved as drafts or submitted for review; only "
            "published entries appear on the explore pages."
        )
    )
    forms.show_outcome()
    choices = ctx.load(workflow.form_choices)
    value_tab, initiative_tab, mine_tab = st.tabs(
        [_("Add or correct a value"), _("Initiative update"), _("My entries")]
    )
    with value_tab:
        forms.value_form(ctx.identity, choices)
    with initiative_tab:
        slug = st.session_state.get("update__initiative") or choices["initiatives"]["slug"].iloc[0]
        forms.initiative_form(ctx.identity, choices, ctx.load(workflow.milestones, slug=slug))
    with mine_tab:
        my_entries(ctx)


render()
