"""Update (editors): add a progress value or an initiative update; correct your entries."""

import streamlit as st

from gdc_tracker.i18n import _
from gdc_tracker.queries import workflow
from gdc_tracker.ui import components, forms
from gdc_tracker.ui.frame import PageContext, page_frame

MY_ENTRY_COLUMNS = {
    "id": st.column_config.NumberColumn(_("Entry"), format="%d"),
    "review_state": _("State"),
    "subject": _("Indicator or initiative"),
    "geography": _("Geography"),
    "period": _("Period"),
    "value": _("Value"),
    "unit": _("Unit"),
    "disaggregation": _("Disaggregation"),
    "review_note": _("Reviewer's note"),
    "updated_at": _("Updated"),
}


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
            components.plain(
                _("Entry {id} ({subject}, {geography}, {period}) was rejected: {reason}").format(
                    id=row.id,
                    subject=row.subject,
                    geography=row.geography,
                    period=row.period,
                    reason=row.review_note,
                )
            ),
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
        column_config=MY_ENTRY_COLUMNS,
    )
    open_entries = forms.entries_to_act_on(mine)
    if open_entries.empty:
        return
    labels = forms.entry_choice_labels(open_entries)
    picked = st.selectbox(
        _("Entry"), list(labels), key="update__pick", format_func=labels.__getitem__
    )
    row = open_entries.set_index("id").loc[picked]
    buttons = st.columns(3)
    buttons[0].button(
        _("Correct this entry"),
        key="update__load",
        on_click=forms.load_entry_into_form,
        args=(picked,),
    )
    if row["review_state"] in ("draft", "rejected"):
        buttons[1].button(
            _("Submit for review"),
            key="update__submit_entry",
            on_click=forms.move_entry,
            args=(ctx.identity, picked, int(row["version"]), "submit"),
        )
    if row["review_state"] != "published":
        buttons[2].button(
            _("Withdraw"),
            key="update__withdraw_entry",
            help=_("Take the entry back: it is kept, marked withdrawn, and never published."),
            on_click=forms.move_entry,
            args=(ctx.identity, picked, int(row["version"]), "withdraw"),
        )


def render() -> None:
    ctx = page_frame(__file__)
    assert ctx.identity is not None  # the frame refused everyone below editor
    st.title(_("Update"), anchor=False)
    st.caption(
        _(
            "New values and corrections are saved as drafts or submitted for review; only "
            "published entries appear on the explore pages."
        )
    )
    forms.restore_kept_values()
    forms.show_outcome()
    choices = ctx.load(workflow.form_choices)
    value_tab, initiative_tab, mine_tab = st.tabs(
        [_("Add or correct a value"), _("Initiative update"), _("My entries")]
    )
    with value_tab:
        forms.value_form(ctx.identity, choices)
    with initiative_tab:
        slug = st.session_state.get("update__initiative") or choices["initiatives"]["slug"].iloc[0]
        forms.initiative_form(
            ctx.identity,
            choices,
            ctx.load(workflow.milestones, slug=slug),
            ctx.load(workflow.pending_initiative_updates, slug=slug),
        )
    with mine_tab:
        my_entries(ctx)


render()
