"""Presentation pieces shared by pages: demo notice, objective cards, tables, and the
two rules every page keeps: stored text shows as written (`plain`), and a database error
is told in a sentence (`store_unavailable`, `write_failed`), never as a traceback."""

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, overload
from urllib.parse import urlencode

import altair as alt
import pandas as pd
import sqlalchemy as sa
import streamlit as st

from gdc_tracker import db, exports, table_formats
from gdc_tracker.api import formats as api_formats
from gdc_tracker.api.queries import ObservationFilters
from gdc_tracker.i18n import _
from gdc_tracker.models import initiative_status_label
from gdc_tracker.palette import (
    CAPTION_COLOUR,
    FOCUS_COLOUR,
    INITIATIVE_ORDER,
    PROGRESS_ORDER,
    progress_label,
)
from gdc_tracker.ui import cache, language
from gdc_tracker.ui.cache import ChartSpec
from gdc_tracker.views import About, Figure, View, data_headers, day_text, files

# What Markdown (CommonMark, GitHub's extensions, Streamlit's own) would read as syntax.
ALWAYS_SPECIAL = re.compile(r"([\\`*_\[\]<>~$|@])")  # emphasis, code, links, HTML, maths
DIRECTIVE_COLON = re.compile(r":(?=[\w/])")  # :red[..], :smile:, :material/..:, https://
WEB_AUTOLINK = re.compile(r"(?i)\b(www)\.")  # www.example.org becomes a link by itself
ENTITY = re.compile(r"&(?=#?\w+;)")  # &amp; would show as &
LINE_START = re.compile(r"^([#>+=-]|\d+(?=[.)]))")  # headings, quotes, lists, rules


# The app's own style sheet (no stored text goes into it), drawn by the frame on every page.
# Streamlit fades captions to 60 % (3.9:1 on white, below WCAG AA's 4.5:1, and 3.0:1 for a
# link in a caption): they show at full strength in a grey of their own. A focused control
# shows a ring, also where Streamlit draws none (a select box's input inside its frame),
# and the ring differs from the grey that marks the current page in the menu. The app's
# name heads the sidebar in large bold type without being a heading: each page's title
# is its one h1, first in the heading outline. Streamlit hands deck.gl no `touchAction`, so
# deck.gl keeps its "none" and a phone could not scroll past a map: "pan-y" gives vertical
# one-finger swipes back to the page (one finger pans a map sideways, two pinch to zoom).
PAGE_STYLE = f"""<style>
[data-testid="stCaptionContainer"] {{ opacity: 1; color: {CAPTION_COLOUR}; }}
:focus-visible {{ outline: 2px solid {FOCUS_COLOUR} !important; outline-offset: 2px; }}
[data-baseweb] :is(input, textarea):focus-visible {{ outline: none !important; }}
:is([data-baseweb="input"], [data-baseweb="textarea"], [data-baseweb="select"] > div):has(
  :is(input, textarea):focus-visible) {{ outline: 2px solid {FOCUS_COLOUR}; outline-offset: 2px; }}
.st-key-frame__name p {{ font-size: 1.25rem; font-weight: 700; }}
[data-testid="stDeckGlJsonChart"] .deck-events-root {{ touch-action: pan-y !important; }}
</style>"""


def page_style() -> None:
    st.html(PAGE_STYLE)


def field_problems(state_key: str, field: str) -> None:
    """Under a form's field, why its last save was refused: the messages a form keeps in
    `st.session_state[state_key]` as {field: [message, ...]}."""
    for message in (st.session_state.get(state_key) or {}).get(field, []):
        st.error(message, icon="✋")


def strong(text: str) -> str:
    """`text` in bold, in Markdown: a heading word beside a form or a list."""
    return f"**{text}**"


def plain(text: object) -> str:
    """Stored text (a name, a title, a narrative) as Markdown that shows exactly what was
    typed: `**x**`, `[a](b)`, `<b>`, `$x$`, `:red[x]` and `https://…` appear as those
    characters, not as bold, a link, HTML, maths, colour or an automatic link.

    Use it wherever stored text goes into st.markdown, st.caption, a heading, a metric
    or a widget label, all of which render Markdown. Only characters that Markdown could
    read as syntax where they stand are escaped (a backslash, which Markdown removes), so
    ordinary punctuation stays as it is ("Individuals aged 15+"). Leading spaces of a line
    are dropped (four would make a code block)."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ""
    lines = []
    for line in str(text).splitlines() or [""]:
        line = ALWAYS_SPECIAL.sub(r"\\\1", line.lstrip())
        line = DIRECTIVE_COLON.sub(r"\\:", line)
        line = WEB_AUTOLINK.sub(r"\1\\.", line)
        line = ENTITY.sub(r"\\&", line)
        match = LINE_START.match(line)
        if match and match.group(1).isdigit():  # "1." or "2)" would start a list
            end = match.end()
            line = f"{line[:end]}\\{line[end:]}"
        elif match:
            line = "\\" + line
        lines.append(line)
    return "\n".join(lines)


# The store in trouble

# Where a driver names a file or folder (`/var/lib/postgresql/...`, `C:\\data\\x.db`).
PATH_PATTERN = re.compile(r"(?:[A-Za-z]:)?(?:[\\/][\w.~-]+){2,}[\\/]?")
BUSY_STATES = ("57014", "55P03", "40P01")  # statement cancelled, lock not had, deadlock
REASON_LIMIT = 200


def driver_reason(error: BaseException) -> str:
    """The database driver's first line about `error`: no SQL, no parameters, no paths.

    SQLAlchemy's own text adds the statement and its parameters on later lines, so only
    the driver's exception (`error.orig`) is read, and only its first line."""
    lines = str(getattr(error, "orig", None) or error).strip().splitlines() or [""]
    return PATH_PATTERN.sub("…", lines[0])[:REASON_LIMIT]


def store_is_busy(error: BaseException) -> bool:
    """Whether `error` is the store being busy (a lock or a statement timeout), not gone."""
    orig = getattr(error, "orig", None)
    code = getattr(orig, "sqlstate", None)
    if code is not None:
        return code in BUSY_STATES
    return isinstance(error, sa.exc.TimeoutError) or "database is locked" in str(orig)


def store_unavailable(error: BaseException, *, retry_seconds: int, opening: bool = False) -> str:
    """What to say when a read of the page failed: the store is gone or busy (or could not
    be opened at all, `opening`), the typed values are kept, and the page tries again."""
    template = (
        _(
            "The store cannot be opened right now. What you typed is kept. The page will "
            "try again in {seconds} seconds, or press Try again. (The database said: {reason})"
        )
        if opening
        else _(
            "The store is busy with another change right now. What you typed is kept. The "
            "page will try again in {seconds} seconds, or press Try again. "
            "(The database said: {reason})"
        )
        if store_is_busy(error)
        else _(
            "The store cannot be reached right now. What you typed is kept. The page will "
            "try again in {seconds} seconds, or press Try again. (The database said: {reason})"
        )
    )
    return template.format(seconds=retry_seconds, reason=plain(driver_reason(error)))


def format_when(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return _("no update yet")
    if isinstance(value, datetime | pd.Timestamp):
        return day_text(value.date(), "medium")
    return str(value)


def demo_notice(demo_entries: int, published_entries: int | None = None) -> None:
    """Say how many of the published values are demo and how many are real, keeping them
    apart: demo values are illustrative, never official statistics."""
    if not demo_entries:
        return
    real = None if published_entries is None else max(published_entries - demo_entries, 0)
    if real is None:
        counts = _("{demo:,} demo values.").format(demo=demo_entries)
    else:
        counts = _(
            "{demo:,} published values are demo data; {real:,} are real values, each with "
            "its source."
        ).format(demo=demo_entries, real=real)
    st.info(
        _(
            "**Demo data, not official statistics.** Values marked *demo* are illustrative, "
            "generated by GDC Tracker where no public series exists, to show how the product "
            "works. {counts}"
        ).format(counts=counts),
        icon="🧪",
    )


def source_caption(about: About) -> None:
    """The sources of the values shown (stored text, shown as written), their date, and
    "demo data, not official statistics" whenever any of them is demo."""
    text = about.sources_text()
    label = plain(text[:1].upper() + text[1:])
    st.caption(
        _("Source: {sources} · as of {date}").format(sources=label, date=format_when(about.as_of))
    )


def heading(text: str, *, level: int = 2) -> None:
    """A heading of the page's outline: 2 for a section under the page's title, 3 for a
    part of a section. It carries no "link to this heading" tab stop."""
    if level == 2:
        st.header(text, anchor=False)
    else:
        st.subheader(text, anchor=False)


def show_view(
    view: View,
    *,
    key: str,
    name: str,
    data_columns: dict[str, Any] | None = None,
    on_pick: Callable[[], None] | None = None,
) -> None:
    """A view as a page draws it: its chart (or why there is none), the sentence saying what
    it shows, its data and files, the chart as PNG or SVG, and the source line. Every file
    and image carries `view.about`: title, filters, sources, date and demo notice.
    `on_pick` runs when a reader clicks a mark of a chart that defines a selection."""
    if view.chart is None:
        empty_state(view.problem or _("Nothing to show for this choice."), _("Choose again above."))
        return
    draw_chart(
        view.chart, key=f"{key}__chart", alt_text=view.summary or view.title, on_pick=on_pick
    )
    if view.summary:
        st.caption(plain(view.summary))
    with st.expander(_("Show data")):
        table(
            view.data,
            name=name,
            key=f"{key}__data",
            about=view.about,
            column_config=data_headers(view.data.columns) | (data_columns or {}),
            observations=view.observations,
        )
    chart_downloads(view.chart, name=name, key=key, about=view.about)
    source_caption(view.about)


def show_sections(view: View, *, key: str, level: int = 2) -> None:
    """Each of the view's sections under its heading (at `level` of the page's outline):
    its table with downloads carrying the view's About, or why it is empty and what to do."""
    for index, section in enumerate(view.sections):
        heading(plain(section.heading), level=level)
        if section.data.empty:
            empty_state(section.empty, section.hint)
            continue
        if section.note:
            st.caption(plain(section.note))
        headers: dict[str, Any] = dict(section.headers)
        for column in section.dates:
            headers[column] = st.column_config.DatetimeColumn(
                section.headers.get(column, _("When")), format="D MMM YYYY"
            )
        table(
            section.data,
            name=section.name,
            key=f"{key}__section{index}",
            about=view.about,
            column_config=headers or None,
        )


def count_phrase(counts: dict[str, int], order: list[str], *, labels: bool = False) -> str:
    parts = [
        f"{counts[status]} {progress_label(status) if labels else initiative_status_label(status)}"
        for status in order
        if counts.get(status)
    ]
    return " · ".join(parts) if parts else _("none")


def objective_card(
    number: int,
    title: str,
    short_title: str,
    initiative_counts: dict[str, int],
    indicator_counts: dict[str, int],
    last_update: object,
) -> None:
    with st.container(border=True):
        st.markdown(
            _("**Objective {number} · {title}**").format(number=number, title=plain(short_title))
        )
        st.caption(plain(title))
        st.markdown(
            _("Initiatives: **{count}**  \n{statuses}").format(
                count=sum(initiative_counts.values()),
                statuses=count_phrase(initiative_counts, INITIATIVE_ORDER),
            )
        )
        st.markdown(
            _("Indicators: **{count}**  \n{statuses}").format(
                count=sum(indicator_counts.values()),
                statuses=count_phrase(indicator_counts, PROGRESS_ORDER, labels=True),
            )
        )
        st.caption(_("Newest value stored: {date}").format(date=format_when(last_update)))
        st.page_link(
            "pages/objectives.py",
            label=_("Open objective {number}").format(number=number),
            icon="➡️",
            query_params=language.link_query({"objective": str(number)}),
        )


def figure_rows(figures: Sequence[Figure], *, per_row: int = 5) -> None:
    """Big numbers, at most `per_row` a row so that no label is cut short."""
    for start in range(0, len(figures), per_row):
        row = figures[start : start + per_row]
        for column, figure in zip(st.columns(per_row), row, strict=False):
            column.metric(plain(figure.label), figure.value)


def published_sdmx_csv(observations: Mapping[str, Any]) -> bytes:
    """The published values a view shows, read now, as the data API writes SDMX-CSV."""
    with db.session_scope(cache.get_engine()) as session:
        return api_formats.published_sdmx_csv(session, ObservationFilters(**observations))


def download_buttons(
    frame: pd.DataFrame,
    *,
    name: str,
    key: str,
    about: About | None = None,
    observations: Mapping[str, Any] | None = None,
) -> None:
    """CSV, Excel and JSON downloads of `frame`, made only when clicked, formulas
    neutralised, each naming its sources, date and whether any value is demo (`about`;
    worked out from the rows when the page gives none). With `observations` (a view's
    data API filters), also its published values as SDMX-CSV, written by the API's code."""
    if about is None:  # a page not yet giving its About: the rows' sources, the URL's filters
        about = replace(exports.about_rows(frame, title=name), filters=page_filters())
    row = st.container(horizontal=True)
    for label, extension, mime, write in (
        (_("Download CSV"), "csv", "text/csv", exports.to_csv_bytes),
        (_("Download Excel"), "xlsx", exports.EXCEL_MEDIA_TYPE, exports.to_excel_bytes),
        (_("Download JSON"), "json", exports.JSON_MEDIA_TYPE, exports.to_json_bytes),
    ):
        row.download_button(
            label,
            # The three writers share one signature, but mypy joins them to "function".
            data=lambda write=write: write(frame, about),  # type: ignore[misc]  # mypy joins the three writers to "function"
            file_name=f"{name}.{extension}",
            mime=mime,
            key=f"{key}__{extension}",
            on_click="ignore",
            icon="⬇️",
        )
    if observations:
        row.download_button(
            _("Download SDMX-CSV"),
            data=lambda: published_sdmx_csv(observations),
            file_name=f"{name}.sdmx.csv",
            mime=api_formats.SDMX_CSV_1,
            key=f"{key}__sdmx",
            on_click="ignore",
            icon="⬇️",
            help=_(
                "The published values of this view in SDMX-CSV, the statistical exchange "
                "format, as the data API gives them: codes, each value's source, and the "
                "demo notice on any demo value."
            ),
        )


def table(
    frame: pd.DataFrame,
    *,
    name: str,
    key: str,
    about: About | None = None,
    download: pd.DataFrame | None = None,
    observations: Mapping[str, Any] | None = None,
    **dataframe_options: Any,
) -> None:
    """A table with its downloads underneath; they write `download` when given (the rows
    shown with their provenance columns, say), else `frame`; `observations` adds the
    SDMX-CSV of the published values the table shows (see `download_buttons`)."""
    shown, column_config = table_formats.for_reader(
        frame, dataframe_options.pop("column_config", None)
    )
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        key=key,
        column_config=column_config,
        **dataframe_options,
    )
    download_buttons(
        frame if download is None else download,
        name=name,
        key=key,
        about=about,
        observations=observations,
    )


def draw_chart(
    chart: alt.TopLevelMixin | ChartSpec,
    *,
    key: str,
    alt_text: str,
    on_pick: Callable[[], None] | None = None,
) -> None:
    """The chart across the container's width; `alt_text` is what screen readers say.
    With `on_pick`, a click on a mark reruns the page and calls it (the chart's selection
    is then in `st.session_state[key].selection`); its marks keep their descriptions, so
    that a screen reader can find and press them. The marks and axes of other charts are
    hidden from screen readers, which would read them out field name by field name: the
    `alt_text` and the chart's data table say what they show."""
    shown = for_screen(chart, marks_spoken=on_pick is not None)
    if isinstance(shown, dict) and on_pick is not None:
        st.vega_lite_chart(spec=shown, width="stretch", key=key, alt=alt_text, on_select=on_pick)
    elif isinstance(shown, dict):
        st.vega_lite_chart(spec=shown, width="stretch", key=key, alt=alt_text)
    else:
        # Any top-level Altair chart draws; Streamlit's types name only some of them.
        st.altair_chart(shown, width="stretch", key=key, alt=alt_text)  # type: ignore[call-overload]  # any top-level chart draws


# Streamlit's chart theme writes axis and legend text in #808495, 3.8:1 on white.
LEGIBLE_TEXT = {"labelColor": CAPTION_COLOUR, "titleColor": CAPTION_COLOUR}


@overload
def for_screen(chart: ChartSpec, *, marks_spoken: bool = False) -> ChartSpec: ...
@overload
def for_screen(chart: alt.TopLevelMixin, *, marks_spoken: bool = False) -> alt.TopLevelMixin: ...
def for_screen(
    chart: alt.TopLevelMixin | ChartSpec, *, marks_spoken: bool = False
) -> alt.TopLevelMixin | ChartSpec:
    """`chart` as a page draws it: the text of its axes, legends and facet headers at
    6.9:1, and, unless `marks_spoken`, its marks, axes and legends hidden from screen
    readers (Vega's `aria: false`, also for every mark, whose container would otherwise
    stay a graphic without a name)."""
    if not isinstance(chart, dict):
        shown = chart.copy(deep=["config"])  # type: ignore[attr-defined]  # a chart is a SchemaBase
        config = {} if shown.config is alt.Undefined else shown.config.to_dict()
        new = for_screen({"config": config}, marks_spoken=marks_spoken)["config"]
        shown.config = alt.Config.from_dict(new)
        return shown
    config = dict(chart.get("config", {}))
    for part in ("axis", "legend", "header"):
        config[part] = config.get(part, {}) | LEGIBLE_TEXT
    if not marks_spoken:
        config |= {"aria": False, "mark": config.get("mark", {}) | {"aria": False}}
    return chart | {"config": config}


def chart_title(chart: alt.TopLevelMixin | ChartSpec) -> str | None:
    title = chart.get("title") if isinstance(chart, dict) else getattr(chart, "title", None)
    if isinstance(title, dict):  # {"text": ..., "subtitle": ...}
        title = title.get("text")
    return title if isinstance(title, str) and title else None


def page_filters() -> dict[str, str]:
    """The page's filters as the URL holds them (codes), for pages giving no `About` yet."""
    return {key: ", ".join(st.query_params.get_all(key)) for key in st.query_params}


def chart_downloads(
    chart: alt.TopLevelMixin | ChartSpec, *, name: str, key: str, about: About
) -> None:
    """PNG and SVG of `chart`, drawn only when clicked (vl-convert, no browser needed),
    carrying `about`: its short title, the filters in words, the sources, the date and
    the demo notice."""
    from gdc_tracker.reports import chart_png, chart_svg

    framing = files.chart_framing(about)
    row = st.container(horizontal=True)
    row.download_button(
        _("PNG"),
        data=lambda: chart_png(chart, **framing),
        file_name=f"{name}.png",
        mime="image/png",
        key=f"{key}__png",
        on_click="ignore",
        icon="🖼️",
    )
    row.download_button(
        _("SVG"),
        data=lambda: chart_svg(chart, **framing).encode("utf-8"),
        file_name=f"{name}.svg",
        mime="image/svg+xml",
        key=f"{key}__svg",
        on_click="ignore",
        icon="🖼️",
    )


def write_failed(error: Exception, *, nothing_done: str) -> str:
    """What to say when the database refused or lost a write (a dropped connection, a
    deadlock, a full disk): the whole transaction was rolled back, so `nothing_done`
    ("Nothing was saved.") is true. The driver's own first line says why, without SQL."""
    return _(
        "The database refused or lost the write. {nothing_done} Try again in a moment. "
        "({error}: {reason})"
    ).format(nothing_done=nothing_done, error=error.__class__.__name__, reason=driver_reason(error))


def nothing_saved(error: Exception) -> str:
    """`write_failed` for a form's save: what every write callback says when the database
    refuses or loses its transaction."""
    return write_failed(error, nothing_done=_("Nothing was saved."))


def empty_state(why: str, what_to_do: str) -> None:
    """Say why there is nothing to show and what the reader can do about it."""
    st.info(f"{why}  \n{what_to_do}", icon="ℹ️")


def share_link() -> None:
    """The URL of this exact view (page and filters), ready to copy."""
    with st.popover(_("Copy link to this view"), icon="🔗"):
        st.caption(_("Anyone with this link sees the same page with the same filters."))
        st.code(view_url(), language=None, wrap_lines=True)


def view_url() -> str:
    base = (st.context.url or "").split("?", 1)[0]
    query = urlencode(
        [(key, value) for key in st.query_params for value in st.query_params.get_all(key)]
    )
    return f"{base}?{query}" if query else base


CHANGELOG_NOISE = {"updated_at"}  # moves on every write; the record's own time says it


def readable(value: object) -> str:
    """A stored value as a person writes it: 66.5, 2025-Q3, yes, "a, b"; empty for none."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return ", ".join(readable(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {readable(v)}" for k, v in value.items())
    return str(value)


def change_rows(records: pd.DataFrame) -> pd.DataFrame:
    """The audit records as one row per changed field: when, who, what, field, before, after.

    A record that created something lists each field it set (before is empty), one that
    removed something each field it had; a change lists only the fields that differ."""
    rows = []
    for record in records.itertuples(index=False):
        old = record.before if isinstance(record.before, dict) else {}
        new = record.after if isinstance(record.after, dict) else {}
        names = [k for k in dict.fromkeys([*old, *new]) if k not in CHANGELOG_NOISE]
        changed = [k for k in names if old.get(k) != new.get(k)] or [""]
        rows += [
            {
                "at": record.at,
                "actor": record.actor,
                "action": record.action,
                "field": field,
                "before": readable(old.get(field)),
                "after": readable(new.get(field)),
            }
            for field in changed
        ]
    columns = ["at", "actor", "action", "field", "before", "after"]
    return pd.DataFrame(rows, columns=columns)


def changelog(records: pd.DataFrame, *, name: str, key: str) -> None:
    """Who changed what and when, one row per changed field with its values before and
    after, newest first."""
    if records.empty:
        st.caption(_("No change has been recorded by anyone yet."))
        return
    table(
        change_rows(records),
        name=name,
        key=key,
        column_config={
            "at": st.column_config.DatetimeColumn(_("When"), format="D MMM YYYY HH:mm"),
            "actor": _("Who"),
            "action": _("What"),
            "field": _("Field"),
            "before": st.column_config.TextColumn(_("Before")),
            "after": st.column_config.TextColumn(_("After")),
        },
    )


# A refusal a write callback met (a role lowered, an account closed) that the page which
# follows may not show, because the visitor can no longer open it: the frame's refusal
# page says it instead.
REFUSAL_KEY = "frame__refusal"


def remember_refusal(message: str) -> None:
    st.session_state[REFUSAL_KEY] = message


def pop_refusal() -> str | None:
    return st.session_state.pop(REFUSAL_KEY, None)
