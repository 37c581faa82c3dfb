"""Import (editors): upload CSV or Excel, map columns, preview with row-level errors, commit."""

import streamlit as st

from gdc_tracker.i18n import _
from gdc_tracker.queries import overview
from gdc_tracker.ui import import_forms
from gdc_tracker.ui.frame import page_frame


def render() -> None:
    ctx = page_frame(__file__)
    assert ctx.identity is not None  # the frame refused everyone below editor
    st.title(_("Import"), anchor=False)
    st.caption(
        _(
            "Upload a quarterly spreadsheet or a World Bank / ITU download. Nothing is "
            "written until you have seen the preview; all accepted rows are then saved in "
            "one transaction, and importing the same file again changes nothing."
        )
    )
    import_forms.last_result()
    table = import_forms.uploaded_table()
    if table is None:
        return
    st.header(_("1. Columns"), anchor=False)
    mapping = import_forms.mapping_form(table, ctx.load(overview.indicators))
    source = import_forms.source_form(table)
    st.header(_("2. Preview"), anchor=False)
    preview = import_forms.check(
        table, mapping, ctx.identity, str(table.attrs.get("filename", "upload")), source
    )
    if preview is None:
        return
    import_forms.show_preview(preview)
    st.header(_("3. Import"), anchor=False)
    import_forms.commit_form(preview, ctx.identity)


render()
