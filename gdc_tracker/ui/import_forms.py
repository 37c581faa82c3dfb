"""The Import page's steps: upload, map columns, preview, commit. Keys are `import__`.

The file is read once per upload (kept by its upload id); the preview is kept until the
mapping or the file changes, so "Import" writes exactly what the reader saw.
"""

import pandas as pd
import sqlalchemy as sa
import streamlit as st

from gdc_tracker import db, importer
from gdc_tracker.auth import Identity, has_role
from gdc_tracker.errors import GdcTrackerError
from gdc_tracker.i18n import _
from gdc_tracker.models import ReviewState, Role
from gdc_tracker.ui import cache, components

TABLE = "import__table"  # (upload id, DataFrame)
PREVIEW = "import__preview"  # (upload id, mapping, ImportPreview)
RESULT = "import__result"  # message of the last commit
NONE = "—"


def uploaded_table() -> pd.DataFrame | None:
    upload = st.file_uploader(
        _("CSV or Excel file"),
        type=["csv", "tsv", "txt", "xlsx"],
        key="import__file",
        help=importer.limits_in_words(),
    )
    st.caption(importer.limits_in_words())
    if upload is None:
        st.session_state.pop(TABLE, None)
        st.session_state.pop(PREVIEW, None)
        return None
    kept = st.session_state.get(TABLE)
    if kept is None or kept[0] != upload.file_id:
        try:
            table = importer.read_table(upload.getvalue(), upload.name)
        except GdcTrackerError as error:
            st.error(f"{upload.name}: {error}", icon="⚠️")
            return None
        st.session_state[TABLE] = (upload.file_id, table)
        st.session_state.pop(PREVIEW, None)
    return st.session_state[TABLE][1]


def _column(label: str, columns: list[str], guess: str | None, key: str) -> str | None:
    options = [NONE, *columns]
    index = options.index(guess) if guess in options else 0
    chosen = st.selectbox(label, options, index=index, key=key)
    return None if chosen == NONE else chosen


def mapping_form(table: pd.DataFrame, indicators: pd.DataFrame) -> importer.ColumnMapping:
    """The guessed mapping, which the user can change."""
    codes = list(indicators["code"])
    names = dict(zip(indicators["code"], indicators["name"], strict=True))
    guess = importer.guess_mapping(table, indicator_codes=codes)
    columns = [str(c) for c in table.columns]
    st.markdown(f"**{len(table):,}** {_('rows read')} · {len(columns)} {_('columns')}")
    st.dataframe(table.head(8), key="import__sample", width="stretch")
    layout = st.radio(
        _("Layout"),
        ["long", "wide"],
        index=0 if guess.layout == "long" else 1,
        horizontal=True,
        key="import__layout",
        format_func={"long": _("one row per observation"), "wide": _("one column per year")}.get,
    )
    left, right = st.columns(2)
    with left:
        country = _column(_("Country code column"), columns, guess.country, "import__country")
        country_name = _column(
            _("Country name column (optional)"), columns, guess.country_name, "import__country_name"
        )
        fixed = st.selectbox(
            _("Indicator for the whole file"),
            [NONE, *codes],
            index=1 + codes.index(guess.indicator_code) if guess.indicator_code in codes else 0,
            format_func=lambda c: names.get(c, _("— use a column —")),
            key="import__indicator_code",
        )
        indicator_column = (
            None
            if fixed != NONE
            else _column(_("Indicator code column"), columns, guess.indicator, "import__indicator")
        )
    with right:
        if layout == "long":
            period = _column(_("Period (year) column"), columns, guess.period, "import__period")
            value = _column(_("Value column"), columns, guess.value, "import__value")
            years: tuple[str, ...] = ()
        else:
            period = value = None
            year_options = [c for c in columns if importer.header_period(c) is not None]
            years = tuple(
                st.multiselect(
                    _("Year columns"),
                    year_options,
                    default=list(guess.year_columns) or year_options,
                    key="import__years",
                )
            )
        source = _column(_("Source column (optional)"), columns, guess.source, "import__source")
        default_source = st.text_input(
            _("Source of rows without one"),
            key="import__default_source",
            placeholder=_("e.g. World Bank WDI, downloaded 2026-11-01"),
        )
    return importer.ColumnMapping(
        layout=layout,
        country=country,
        country_name=country_name,
        indicator=indicator_column,
        indicator_code=None if fixed == NONE else fixed,
        period=period,
        value=value,
        year_columns=years,
        source=source,
        disaggregation=guess.disaggregation,
        evidence_url=guess.evidence_url,
        narrative=guess.narrative,
        default_source=default_source,
    )


def check(
    table: pd.DataFrame, mapping: importer.ColumnMapping, identity: Identity, filename: str
) -> importer.ImportPreview | None:
    """Run the preview when asked; keep it while file and mapping stay the same."""
    kept = st.session_state.get(PREVIEW)
    upload_id = st.session_state[TABLE][0]
    if kept and kept[0] == upload_id and kept[1] == mapping:
        return kept[2]
    if not st.button(_("Check the file"), type="primary", key="import__check"):
        return None
    bar = st.progress(0.0, text=_("Checking rows…"))
    try:
        with db.session_scope(cache.get_engine()) as session:
            preview = importer.preview(
                session,
                table,
                mapping,
                by=identity,
                filename=filename,
                progress=lambda done: bar.progress(min(done, 1.0)),
            )
    except GdcTrackerError as error:
        bar.empty()
        st.error(str(error), icon="⚠️")
        return None
    bar.empty()
    st.session_state[PREVIEW] = (upload_id, mapping, preview)
    return preview


def show_preview(preview: importer.ImportPreview) -> None:
    counts = preview.counts
    columns = st.columns(4)
    for column, (label, key) in zip(
        columns,
        [
            (_("New"), "new"),
            (_("Changed"), "changed"),
            (_("Unchanged"), "unchanged"),
            (_("Rejected"), "rejected"),
        ],
        strict=True,
    ):
        column.metric(label, f"{counts[key]:,}")
    if preview.problems:
        st.markdown(f"**{_('Rejected rows')}** ({preview.rejected_rows:,})")
        components.table(preview.problems_frame(), name="rejected-rows", key="import__problems")
    accepted = preview.observations_frame()
    if len(accepted):
        with st.expander(_("Accepted observations")):
            components.table(accepted, name="accepted-observations", key="import__accepted")


def commit_form(preview: importer.ImportPreview, identity: Identity) -> None:
    if not preview.has_changes:
        st.info(_("Nothing to import: every accepted value is already in the store."), icon="✔")
        return
    states = [ReviewState.DRAFT, ReviewState.SUBMITTED]
    if has_role(identity, Role.REVIEWER):
        states.append(ReviewState.PUBLISHED)
    state = st.radio(
        _("Save the imported values as"),
        [str(s) for s in states],
        horizontal=True,
        index=1,
        key="import__state",
    )
    label = _("Import {n:,} values").format(n=len(preview.new) + len(preview.changed))
    if not st.button(label, type="primary", key="import__commit"):
        return
    bar = st.progress(0.0, text=_("Writing…"))
    try:
        with db.session_scope(cache.get_engine()) as session:
            result = importer.commit(
                session,
                preview,
                by=identity,
                state=state,
                progress=lambda done: bar.progress(min(done, 1.0)),
            )
    except GdcTrackerError as error:
        bar.empty()
        st.error(f"{_('Nothing was imported')}: {error}", icon="⚠️")
        return
    except sa.exc.SQLAlchemyError as error:
        bar.empty()
        st.error(components.write_failed(error, nothing_done=_("Nothing was imported.")), icon="⚠️")
        return
    bar.empty()
    st.session_state.pop(PREVIEW, None)
    st.session_state[RESULT] = result.message
    st.rerun()


def last_result() -> None:
    message = st.session_state.pop(RESULT, None)
    if message:
        st.success(message)
