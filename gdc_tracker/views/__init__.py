"""One value per screen: computed once, drawn by the page, the slide and every export.

A builder takes a Session and plain keyword arguments (so `ctx.load` can cache it) and
returns a `View`: the values shown (one row each, with their source and whether they are
demo), the chart specification, the big figures, the text summary, and its `About`: the
title in words, the filters in words, the sources of the values shown, the date of the
newest value and how many values are demo. The page, the presenter slide, the PowerPoint
slide, the chart image and the CSV, Excel and JSON downloads all draw the same `View`, so
they cannot disagree on a figure, a source or the demo notice.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
from babel.dates import format_date, format_time
from babel.numbers import format_decimal, format_percent

from gdc_tracker import provenance
from gdc_tracker.i18n import DEFAULT_LANGUAGE, N_, _, current_language

REAL, DEMO = "real", "demo"
ROW_KIND_COLUMN = "real_or_demo"  # per row: "real" or "demo"
ROW_SOURCE_COLUMN = "source"  # per row: the value's source in words
# English dates are written day first ("17 June 2025"); other languages as CLDR writes them.
ENGLISH_DATE_PATTERNS = {"long": "d MMMM y", "medium": "dd MMM y"}


# Numbers and dates in the reader's language


def count_text(count: int) -> str:
    """ "1,234": a count with the thousands separator of the reader's language."""
    return format_decimal(count, locale=current_language())


def plain_number_text(value: float) -> str:
    """ "50", "0.5", "1,250": as many decimals as the value has, in the reader's language."""
    return format_decimal(value, locale=current_language())


def percent_text(part: int, whole: int) -> str:
    """ "17%": `part` of `whole` as a whole percentage ("0%" of nothing)."""
    return format_percent(part / whole if whole else 0, locale=current_language())


def day_text(day: date, length: str = "long") -> str:
    """ "17 June 2025" ("long") or "17 Jun 2025" ("medium"), in the reader's language."""
    language = current_language()
    pattern = ENGLISH_DATE_PATTERNS[length] if language == DEFAULT_LANGUAGE else length
    return format_date(day, format=pattern, locale=language)


@dataclass(frozen=True)
class About:
    """What a figure carries wherever it goes: title, filters, sources, date, demo notice."""

    title: str
    filters: dict[str, str] = field(default_factory=dict)  # label -> the choice in words
    sources: tuple[str, ...] = ()  # the sources of the values shown, most frequent first
    as_of: datetime | None = None  # the newest value shown
    demo_values: int = 0
    values: int = 0  # values shown in all (demo included)

    @property
    def has_demo(self) -> bool:
        return self.demo_values > 0

    def sources_text(self) -> str:
        """The sources in one line; "source not stated" when none is known."""
        names = list(self.sources)
        if self.has_demo and provenance.demo_label() not in names:
            names.append(provenance.demo_label())
        return "; ".join(names) if names else provenance.not_stated_label()

    def filters_text(self) -> str:
        if not self.filters:
            return _("none")
        return "; ".join(
            _("{label}: {value}").format(label=label, value=value)
            for label, value in self.filters.items()
        )

    def as_of_text(self) -> str:
        return format_as_of(self.as_of)

    def notice(self) -> str | None:
        """ "Demo data, not official statistics: 12 of 40 values" while any value is demo."""
        if not self.has_demo:
            return None
        if self.values:
            return _("Demo data, not official statistics: {demo} of {total} values shown").format(
                demo=count_text(self.demo_values), total=count_text(self.values)
            )
        return _("Demo data, not official statistics")

    def lines(self) -> list[tuple[str, str]]:
        """(label, text) pairs, in the order every file writes them."""
        return [
            (_("Title"), self.title),
            (_("Filters"), self.filters_text()),
            (_("Sources"), self.sources_text()),
            (_("Data as of"), self.as_of_text()),
            (
                _("Notice"),
                self.notice() or _("All values shown are real, from the sources named"),
            ),
        ]

    def as_dict(self) -> dict[str, Any]:
        """The same facts as JSON fields."""
        return {
            "title": self.title,
            "filters": dict(self.filters),
            "sources": list(self.sources),
            "data_as_of": self.as_of.isoformat() if self.as_of else None,
            "demo_values": self.demo_values,
            "values": self.values,
            "notice": self.notice(),
        }


@dataclass(frozen=True)
class Figure:
    """A big number on a screen or slide: "33" over "Initiatives ongoing"."""

    value: str
    label: str


@dataclass(frozen=True, eq=False)
class Section:
    """A titled table of a screen (the page draws each under its heading, with downloads
    carrying the view's About): what it holds, or why it is empty and what to do."""

    heading: str
    data: pd.DataFrame
    name: str  # the downloaded file's name, without extension
    empty: str = ""  # why there is nothing to list
    hint: str = ""  # what the reader can do about it
    note: str = ""  # a line above the table
    dates: tuple[str, ...] = ()  # columns holding times, shown as dates
    headers: Mapping[str, str] = field(default_factory=dict)  # column -> header, in words


# The headers in words of the columns a view's data commonly holds, as its table shows them.
DATA_HEADERS: Mapping[str, str] = {
    "geo_name": N_("Geography"),
    "geo_code": N_("Code"),
    "region_code": N_("Region"),
    "region_name": N_("Region"),
    "year": N_("Year"),
    "period": N_("Period"),
    "value": N_("Value"),
    "unit": N_("Unit"),
    "obs_status": N_("Observation status"),
    "source": N_("Source"),
    "real_or_demo": N_("Data"),
}


def data_headers(columns: Iterable[object]) -> dict[str, str]:
    """Each of `columns` that `DATA_HEADERS` knows, with its header in the reader's words."""
    return {str(c): _(DATA_HEADERS[str(c)]) for c in columns if str(c) in DATA_HEADERS}


@dataclass(frozen=True)
class View:
    """One screen or slide, ready to draw anywhere (see the module's docstring).

    `data` holds the values shown, one row each, with `source` and `real_or_demo`
    columns where they are values; `table` is the short table a slide shows (defaults to
    `data`); `places` holds one row per country for a map (code, name, value, status...).
    """

    kind: str
    about: About
    summary: str = ""
    data: pd.DataFrame = field(default_factory=pd.DataFrame)
    chart: dict[str, Any] | None = None
    figures: tuple[Figure, ...] = ()
    bullets: tuple[str, ...] = ()
    table: pd.DataFrame | None = None
    places: pd.DataFrame | None = None
    map_options: dict[str, Any] = field(default_factory=dict)
    sections: tuple[Section, ...] = ()  # the screen's further tables, in order
    link: str = ""  # path and query of the explore page showing the same view
    problem: str = ""  # why there is nothing to show ("This indicator no longer exists.")
    # The data API's filters (api.queries.ObservationFilters keywords) that read the
    # published values this view shows, for its SDMX-CSV file; empty: no such file.
    observations: Mapping[str, Any] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.about.title

    def short_table(self) -> pd.DataFrame:
        return self.table if self.table is not None else self.data

    def titled(self, title: str) -> "View":
        """The same view under the title a presenter gave its slide."""
        return replace(self, about=replace(self.about, title=title)) if title else self


def format_as_of(value: datetime | None) -> str:
    """ "12 May 2025 14:05 UTC"; "no data yet" when unknown."""
    if value is None or value is pd.NaT:
        return _("no data yet")
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return _("{date} {time} UTC").format(
        date=day_text(value.date()), time=format_time(value, "HH:mm", locale=current_language())
    )


def newest(times: Iterable[object]) -> datetime | None:
    """The newest of stored times (naive ones are UTC), None when there is none."""
    stamps = pd.to_datetime(pd.Series(list(times), dtype=object), utc=True, format="mixed")
    latest = stamps.max()
    return None if pd.isna(latest) else latest.to_pydatetime()


def with_row_provenance(values: pd.DataFrame) -> pd.DataFrame:
    """`values` with one `real_or_demo` column and a `source` column in words per row.

    `values` holds `is_demo` and either `source` in words (`provenance.with_source_columns`)
    or the raw provenance columns, which are turned into words here.
    """
    if values.empty and not len(values.columns):
        return values
    if ROW_KIND_COLUMN in values.columns and "is_demo" not in values.columns:
        return values  # already labelled by its view: never relabel a demo row as real
    labelled = values
    if "source_organisation" in values.columns or ROW_SOURCE_COLUMN not in values.columns:
        labelled = provenance.with_source_columns(values)
    demo = (
        labelled["is_demo"].fillna(False).astype(bool)
        if "is_demo" in labelled
        else pd.Series(False, index=labelled.index)
    )
    return labelled.assign(**{ROW_KIND_COLUMN: demo.map({True: DEMO, False: REAL})})


def demo_rows(values: pd.DataFrame) -> pd.Series:
    """Whether each row is a demo value: its `is_demo`, else its `real_or_demo` label."""
    if "is_demo" in values:
        return values["is_demo"].fillna(False).astype(bool)
    if ROW_KIND_COLUMN in values:
        return values[ROW_KIND_COLUMN] == DEMO
    return pd.Series(False, index=values.index)


def about_values(
    values: pd.DataFrame,
    *,
    title: str,
    filters: dict[str, str] | None = None,
    when: str = "updated_at",
    fallback_source: str = "",
) -> About:
    """The `About` of a figure drawing `values` (rows with `is_demo`, `source` and `when`).

    `fallback_source` names where values come from when the rows do not say (a count of
    initiatives read from the reference data, say); it is never lent to demo values.
    """
    is_demo = demo_rows(values)
    demo = int(is_demo.sum())
    if ROW_SOURCE_COLUMN in values and len(values):
        counted = values.loc[~is_demo, ROW_SOURCE_COLUMN].astype(str).value_counts()
        sources = tuple(counted.index)
    else:
        sources = (fallback_source,) if fallback_source and len(values) > demo else ()
    return About(
        title=title,
        filters=dict(filters or {}),
        sources=sources,
        as_of=newest(values[when]) if when in values and len(values) else None,
        demo_values=demo,
        values=len(values),
    )


__all__ = [
    "DEMO",
    "REAL",
    "ROW_KIND_COLUMN",
    "ROW_SOURCE_COLUMN",
    "About",
    "Figure",
    "Section",
    "View",
    "about_values",
    "count_text",
    "day_text",
    "demo_rows",
    "format_as_of",
    "newest",
    "percent_text",
    "plain_number_text",
    "with_row_provenance",
]
