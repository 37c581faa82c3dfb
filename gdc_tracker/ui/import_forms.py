"""The Import page's steps: upload, map columns, preview, commit. Keys are `import__`.

The file is read once per upload and sheet (kept by its upload id); the preview is kept
until the mapping or the file changes, so "Import" writes exactly what the reader saw.
Everything the file brings (its name, column names, indicators, cells, the reasons that
quote them) is shown as plain text: through `components.plain` where Streamlit reads
Markdown, or in tables, which do not.
"""

import dataclasses
import hashlib
from collections import Counter
from datetime import date

import pandas as pd
import sqlalchemy as sa
import streamlit as st

from gdc_tracker import db, importing
from gdc_tracker.auth import Identity, has_role
from gdc_tracker.errors import GdcTrackerError
from gdc_tracker.i18n import _
from gdc_tracker.models import ReviewState, Role
from gdc_tracker.ui import cache, components
from gdc_tracker.views import About

TABLE = "import__table"  # ((upload id, sheet), DataFrame)
PREVIEW = "import__preview"  # ((upload id, sheet), mapping, ImportPreview)
RESULT = "import__result"  # message of the last commit
NONE = "—"
MAX_MATCHES_SHOWN = 100  # file indicators offered one by one; beyond, the proposals stand


def _matched_by() -> dict[str, str]:
    """How a proposed match was found, in words."""
    return {
        "stored": _("confirmed at an earlier import"),
        "code": _("the same code"),
        "name": _("the same name"),
        "none": _("no tracked indicator matches"),
    }


def uploaded_table() -> pd.DataFrame | None:
    upload = st.file_uploader(
        _("CSV or Excel file"),
        type=["csv", "tsv", "txt", "xlsx"],
        key="import__file",
        help=importing.limits_in_words(),
    )
    st.caption(importing.limits_in_words())
    if upload is None:
        st.session_state.pop(TABLE, None)
        st.session_state.pop(PREVIEW, None)
        return None
    data = upload.getvalue()
    sheets = importing.workbook_sheets(data, upload.name)
    sheet = None
    if len(sheets) > 1:
        sheet = st.selectbox(
            _("Sheet"),
            sheets,
            index=None,
            placeholder=_("Choose the sheet to import"),
            key="import__sheet",
        )
        if sheet is None:
            st.info(
                _("The workbook has {count} sheets: choose the one to import.").format(
                    count=len(sheets)
                ),
                icon="📄",
            )
            return None
    read_as = (upload.file_id, sheet)
    kept = st.session_state.get(TABLE)
    if kept is None or kept[0] != read_as:
        try:
            table = importing.read_table(data, upload.name, sheet=sheet)
        except GdcTrackerError as error:
            message = _("{file}: {reason}").format(file=upload.name, reason=error)
            st.error(components.plain(message), icon="⚠️")
            return None
        st.session_state[TABLE] = (read_as, table)
        st.session_state.pop(PREVIEW, None)
    return st.session_state[TABLE][1]


def _column(label: str, columns: list[str], guess: str | None, key: str) -> str | None:
    options = [NONE, *columns]
    index = options.index(guess) if guess in options else 0
    chosen = st.selectbox(label, options, index=index, key=key)
    return None if chosen == NONE else chosen


def mapping_form(table: pd.DataFrame, indicators: pd.DataFrame) -> importing.ColumnMapping:
    """The guessed mapping, which the user can change."""
    codes = list(indicators["code"])
    names = dict(zip(indicators["code"], indicators["name"], strict=True))
    guess = importing.guess_mapping(table)
    columns = [str(c) for c in table.columns]
    st.markdown(
        _("**{rows:,}** rows read · {columns:,} columns").format(
            rows=len(table), columns=len(columns)
        )
    )
    if guess.sdmx:
        st.caption(
            _(
                "Recognised as SDMX-CSV (World Bank Data360 / ITU DataHub): the columns are "
                "read by their standard names, breakdowns from {dimensions}, values times "
                "10 to the power UNIT_MULT, the unit checked against the indicator's."
            ).format(dimensions=components.plain(", ".join(guess.breakdowns) or NONE))
        )
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
            index=0,
            format_func=lambda c: names.get(c, _("— from the indicator column —")),
            key="import__indicator_code",
        )
        indicator_column = _column(
            _("Indicator column (the file's own codes or names)"),
            columns,
            guess.indicator,
            "import__indicator",
        )
    with right:
        if layout == "long":
            period = _column(_("Period (year) column"), columns, guess.period, "import__period")
            value = _column(_("Value column"), columns, guess.value, "import__value")
            years: tuple[str, ...] = ()
        else:
            period = value = None
            year_options = [c for c in columns if importing.header_period(c) is not None]
            years = tuple(
                st.multiselect(
                    _("Year columns"),
                    year_options,
                    default=list(guess.year_columns) or year_options,
                    key="import__years",
                    placeholder=_("Choose options"),
                )
            )
        source = _column(_("Source column (optional)"), columns, guess.source, "import__source")
        default_source = st.text_input(
            _("Source of rows without one"),
            key="import__default_source",
            placeholder=_("e.g. World Bank WDI, downloaded 2026-11-01"),
        )
    mapping = importing.ColumnMapping(
        layout=layout,  # type: ignore[arg-type]  # the layout radio offers only long and wide
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
        sdmx=guess.sdmx,
        breakdowns=guess.breakdowns,
        unit=guess.unit,
        unit_label=guess.unit_label,
        unit_multiplier=guess.unit_multiplier,
        status=guess.status,
    )
    if mapping.indicator and not mapping.indicator_code:
        matches = indicator_matches(table, mapping, codes, names)
        mapping = dataclasses.replace(mapping, indicator_map=matches)
    return mapping


def indicator_matches(
    table: pd.DataFrame, mapping: importing.ColumnMapping, codes: list[str], names: dict[str, str]
) -> tuple[tuple[str, str], ...]:
    """Which tracked indicator each of the file's own indicators is imported as, or skip:
    proposed by code, name or an earlier import's confirmed choice, changed by the user."""
    try:
        with db.session_scope(cache.get_engine()) as session:
            proposals = importing.indicator_choices(session, table, mapping)
    except GdcTrackerError as error:
        st.error(components.plain(str(error)), icon="⚠️")
        return ()
    if not proposals:
        return ()
    st.markdown(_("**The file's indicators**"))
    st.caption(
        _(
            "Rows of each indicator in column '{column}' are imported as the tracked "
            "indicator chosen here, or skipped and counted. Your choices are kept for the "
            "next import of a file with the same columns."
        ).format(column=components.plain(mapping.indicator))
    )
    options = [importing.SKIP, *codes]
    upload_id = str(st.session_state[TABLE][0])
    how = _matched_by()
    chosen = []
    grid = st.columns(2)
    for n, proposal in enumerate(proposals[:MAX_MATCHES_SHOWN]):
        digest = hashlib.sha256(f"{upload_id}\n{proposal.file_indicator}".encode()).hexdigest()
        label = _("{indicator} ({rows:,} rows; proposed: {how})").format(
            indicator=components.plain(proposal.file_indicator),
            rows=proposal.rows,
            how=how.get(proposal.matched_by, proposal.matched_by),
        )
        with grid[n % 2]:
            code = st.selectbox(
                label,
                options,
                index=options.index(proposal.code) if proposal.code in options else 0,
                format_func=lambda c: (
                    _("skip: not imported") if c == importing.SKIP else f"{c} · {names.get(c, c)}"
                ),
                key=f"import__match__{digest[:16]}",
            )
        chosen.append((proposal.file_indicator, code))
    rest = proposals[MAX_MATCHES_SHOWN:]
    if rest:
        st.caption(
            _(
                "{count:,} more indicators of the file keep their proposed match (skipped "
                "where none was found)."
            ).format(count=len(rest))
        )
        chosen += [(p.file_indicator, p.code or importing.SKIP) for p in rest]
    return tuple(chosen)


SOURCE_FIELDS = ("organisation", "dataset", "release", "url", "licence", "key")


def source_form(table: pd.DataFrame) -> importing.SourceInfo:
    """ "Source of this file": what the file says of itself (SDMX, World Bank WDI), which
    the user completes or corrects. Left empty, the values are stored as "source not
    stated", never with an invented source."""
    proposed = importing.propose_source(table, date.today())
    upload = hashlib.sha256(str(st.session_state[TABLE][0]).encode()).hexdigest()[:12]
    labels = {
        "organisation": _("Organisation"),
        "dataset": _("Dataset"),
        "release": _("Release or vintage"),
        "url": _("Web address"),
        "licence": _("Licence"),
        "key": _("Key (names the source in the store)"),
    }
    typed: dict[str, str] = {}
    with st.expander(_("Source of this file"), expanded=True):
        if not proposed.known:
            st.caption(
                _(
                    "The file does not say where its values come from: name the source, or "
                    "its values are stored as '{text}'."
                ).format(text=importing.NOT_STATED)
            )
        grid = st.columns(3)
        for n, name in enumerate(SOURCE_FIELDS):
            with grid[n % 3]:
                typed[name] = st.text_input(
                    labels[name],
                    value=getattr(proposed, name) or "",
                    key=f"import__source_{name}__{upload}",
                )
    return importing.source_of(
        typed["organisation"],
        typed["dataset"],
        key=typed["key"],
        release=typed["release"],
        url=typed["url"],
        licence=typed["licence"],
        accessed=proposed.accessed or date.today(),
        note=proposed.note,
    )


def check(
    table: pd.DataFrame,
    mapping: importing.ColumnMapping,
    identity: Identity,
    filename: str,
    source: importing.SourceInfo = importing.UNKNOWN_SOURCE,
) -> importing.ImportPreview | None:
    """Run the preview when asked; keep it while file, mapping and source stay the same."""
    kept = st.session_state.get(PREVIEW)
    read_as = st.session_state[TABLE][0]
    if kept and kept[0] == read_as and kept[1] == (mapping, source):
        return kept[2]
    if not st.button(_("Check the file"), type="primary", key="import__check"):
        return None
    bar = st.progress(0.0, text=_("Checking rows…"))
    try:
        with db.session_scope(cache.get_engine()) as session:
            preview = importing.preview(
                session,
                table,
                mapping,
                by=identity,
                filename=filename,
                progress=lambda done: bar.progress(min(done, 1.0)),
                source=source,
            )
    except GdcTrackerError as error:
        bar.empty()
        st.error(components.plain(str(error)), icon="⚠️")
        return None
    bar.empty()
    st.session_state[PREVIEW] = (read_as, (mapping, source), preview)
    return preview


def file_about(preview: importing.ImportPreview, title: str) -> About:
    """The `About` of a list the check made of the file (its problems, say): not figures,
    so its title and the file it is about."""
    return About(title=title, filters={_("File"): preview.filename})


def values_about(preview: importing.ImportPreview, accepted: pd.DataFrame) -> About:
    """The `About` of the values the import would store: the file, the sources its rows
    give (the file's source for rows giving none), most frequent first, and how many
    (never demo: imported values are real, each with its source)."""
    fallback = preview.source.citation() if preview.source.known else ""
    named = Counter(
        (o.source or "").strip() or fallback
        for o in (*preview.new, *preview.changed, *preview.unchanged)
    )
    return About(
        title=_("Accepted observations"),
        filters={_("File"): preview.filename},
        sources=tuple(source for source, _n in named.most_common() if source),
        values=len(accepted),
    )


def show_preview(preview: importing.ImportPreview) -> None:
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
    skipped = preview.skipped_message()
    if skipped:
        st.info(components.plain(skipped), icon="⏭️")
    if preview.set_aside:
        lines = "\n".join(f"- {components.plain(line)}" for line in preview.set_aside_lines())
        st.info(
            _("**Set aside: the tracker has no cell for these rows.**\n\n{lines}").format(
                lines=lines
            ),
            icon="⏭️",
        )
        with st.expander(_("Every row set aside")):
            components.table(
                preview.set_aside_frame(),
                name="set-aside-rows",
                key="import__aside",
                about=file_about(preview, _("Rows set aside")),
            )
    if any(preview.status_counts()):
        st.markdown(_("**Observation status** (kept with each value)"))
        components.table(
            preview.status_frame(),
            name="observation-status",
            key="import__status",
            about=file_about(preview, _("Observation status")),
        )
    source = preview.source
    st.caption(
        components.plain(
            _("Source of the values: {source}.").format(source=source.citation())
            if source.known
            else _("Source of the values: {text}.").format(text=importing.NOT_STATED)
        )
    )
    if preview.encoding:  # the text encoding the importer detected (CSV files only)
        st.caption(components.plain(preview.read_as()))
    if preview.problems:
        st.markdown(_("**Rejected rows** ({rows:,}), by reason").format(rows=preview.rejected_rows))
        components.table(
            preview.problem_groups_frame(),
            name="rejected-reasons",
            key="import__reasons",
            about=file_about(preview, _("Rejected rows, by reason")),
        )
        with st.expander(_("Every rejected row")):
            components.table(
                preview.problems_frame(),
                name="rejected-rows",
                key="import__problems",
                about=file_about(preview, _("Rejected rows")),
            )
    accepted = preview.observations_frame()
    if len(accepted):
        with st.expander(_("Accepted observations")):
            components.table(
                accepted,
                name="accepted-observations",
                key="import__accepted",
                about=values_about(preview, accepted),
            )


def commit_form(preview: importing.ImportPreview, identity: Identity) -> None:
    reason = preview.nothing_to_import()
    if reason is not None:
        if preview.accepted:
            st.info(components.plain(reason), icon="✔")
        else:
            st.warning(components.plain(reason), icon="⚠️")
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
        result = importing.commit_to_store(
            cache.get_engine(),
            preview,
            by=identity,
            state=state,
            progress=lambda done: bar.progress(min(done, 1.0)),
        )
    except importing.StoreChanged as error:  # says itself that nothing was imported
        bar.empty()
        st.error(components.plain(str(error)), icon="⚠️")
        return
    except GdcTrackerError as error:
        bar.empty()
        message = _("Nothing was imported: {reason}").format(reason=error)
        st.error(components.plain(message), icon="⚠️")
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
        st.success(components.plain(message))
