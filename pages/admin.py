"""Admin (admins): users and their roles, the audit log of every change, the reporting
cycles initiatives report in, and which reference data readers see in English."""

import streamlit as st
from babel.numbers import format_decimal

from gdc_tracker import cycles, translations
from gdc_tracker.i18n import _, current_language, ngettext
from gdc_tracker.queries import workflow
from gdc_tracker.ui import admin_forms, components, filters
from gdc_tracker.ui.focal_point_form import focal_point_form
from gdc_tracker.ui.frame import PageContext, page_frame

ANY = ""
AUDIT_LIMIT = 1_000


def users_tab(ctx: PageContext) -> None:
    users = ctx.load(workflow.users)
    st.header(_("Users ({count})").format(count=len(users)), anchor=False)
    admin_forms.users_table(users)
    add, change = st.columns(2, gap="large")
    with add:
        admin_forms.add_user_form(ctx.identity)  # type: ignore[arg-type]
    with change:
        admin_forms.change_role_form(ctx.identity, users)  # type: ignore[arg-type]
    access, reset = st.columns(2, gap="large")
    with access:
        admin_forms.access_form(ctx.identity, users)  # type: ignore[arg-type]
    with reset:
        admin_forms.reset_form(ctx.identity, users)  # type: ignore[arg-type]


def audit_filters(choices: dict[str, list[str]]) -> dict[str, object]:
    labels = {"actor": _("Who"), "action": _("Action"), "entity": _("Record type")}
    chosen: dict[str, object] = {}
    columns = st.columns(4)
    for column, (param, label) in zip(columns, labels.items(), strict=False):
        with column:
            value = filters.select(
                label,
                [ANY, *choices[param]],
                param=param,
                labels={ANY: _("Any")},
                default=ANY,
            )
            chosen[param] = value or None
    with columns[3]:
        chosen["since"] = admin_forms.start_of(admin_forms.since_filter(_("Since (UTC)")))
    return chosen


def records_shown(count: int) -> str:
    """How many records the log shows, saying so when the limit leaves older ones out."""
    number = format_decimal(count, locale=current_language())
    if count < AUDIT_LIMIT:
        return ngettext("**{count}** record", "**{count}** records", count).format(count=number)
    return ngettext(
        "**{count}** record (the newest {limit}; narrow the filters to see older ones)",
        "**{count}** records (the newest {limit}; narrow the filters to see older ones)",
        count,
    ).format(count=number, limit=format_decimal(AUDIT_LIMIT, locale=current_language()))


def audit_tab(ctx: PageContext) -> None:
    st.header(_("Audit log"), anchor=False)
    st.caption(_("Every change to the store: who, when, and the values before and after."))
    chosen = audit_filters(ctx.load(workflow.audit_choices))
    records = ctx.load(workflow.audit_log, limit=AUDIT_LIMIT, **chosen)
    st.markdown(records_shown(len(records)))
    if records.empty:
        components.empty_state(
            _("No change matches these filters."), _("Choose Any for a filter or an earlier date.")
        )
        return
    admin_forms.draw_audit(records)


def cycles_tab(ctx: PageContext) -> None:
    rows = ctx.load(cycles.cycles)
    st.header(_("Reporting cycles ({count})").format(count=len(rows)), anchor=False)
    st.caption(
        _(
            "In each cycle every initiative is to have a submitted or published update "
            "between the cycle's start and its due date."
        )
    )
    admin_forms.cycles_table(rows, ctx.load(cycles.cycles_as_of))
    add, edit = st.columns(2, gap="large")
    with add:
        admin_forms.add_cycle_form(ctx.identity)  # type: ignore[arg-type]
    with edit:
        admin_forms.edit_cycle_form(ctx.identity, rows)  # type: ignore[arg-type]
    focal_point_form(ctx.identity, ctx.load(cycles.focal_points))  # type: ignore[arg-type]


TRANSLATION_COLUMNS = {
    "language": _("Language"),
    "subject": _("Record type"),
    "key": _("Code"),
    "field": _("Field"),
    "english": st.column_config.TextColumn(_("English"), width="large"),
    "text": st.column_config.TextColumn(_("Translation"), width="large"),
    "state": st.column_config.TextColumn(_("State"), width="medium"),
    "basis": _("Basis"),
    "source": _("Source"),
}


def translations_tab(ctx: PageContext) -> None:
    st.header(_("Translations of the reference data"), anchor=False)
    st.caption(
        _(
            "Objectives, regions, regional initiatives, indicators and initiatives in each "
            "language. Where no translation applies, readers see the English: these rows "
            "are listed here. Country names come from CLDR."
        )
    )
    coverage = ctx.load(translations.coverage)
    components.table(
        translations.coverage_summary(coverage),
        name="translation_coverage",
        key="admin__translation_summary",
        column_config={
            "language": _("Language"),
            "subject": _("Record type"),
            "translated": _("Translated"),
            "missing": _("Not translated"),
            "outdated": _("English changed since"),
        },
    )
    shown = coverage[coverage["state"] != "translated"]
    st.subheader(
        ngettext(
            "{count} field shown in English", "{count} fields shown in English", len(shown)
        ).format(count=format_decimal(len(shown), locale=current_language())),
        anchor=False,
    )
    if shown.empty:
        st.markdown(_("Every field has a translation in every language."))
        return
    components.table(
        translations.coverage_rows(shown),
        name="translations_missing",
        key="admin__translations_missing",
        column_config=TRANSLATION_COLUMNS,
    )


def render() -> None:
    ctx = page_frame(__file__)
    st.title(_("Admin"), anchor=False)
    st.caption(
        _(
            "Users and their roles, the audit log of every change to the store, the "
            "reporting cycles, and the translations of the reference data."
        )
    )
    components.share_link()
    tabs = admin_forms.tabs()
    with tabs["users"]:
        users_tab(ctx)
    with tabs["audit"]:
        audit_tab(ctx)
    if tabs["cycles"].open:  # drawn only when open: switching tabs reruns the page
        with tabs["cycles"]:
            cycles_tab(ctx)
    if tabs["translations"].open:
        with tabs["translations"]:
            translations_tab(ctx)


render()
