"""The data-gap matrix: which cells hold a published real value, only demo values, or
nothing, for indicators x ITU regions or countries x years (gdc_tracker.queries.gaps says
what a cell counts).

With no indicator chosen, a row is an indicator and a cell says how many of its
geographies have a real value that year; with one, a row is an ITU region (counting its
countries) or a country. The `About` names the sources of the real values counted and
how many cells have demo values only: a demo value never fills a gap.
"""

from typing import cast

import altair as alt
import pandas as pd
from sqlmodel import Session

from gdc_tracker import provenance
from gdc_tracker.i18n import N_, _
from gdc_tracker.links import page_url
from gdc_tracker.palette import PROGRESS_COLOURS
from gdc_tracker.queries import gaps as queries
from gdc_tracker.status import ProgressStatus
from gdc_tracker.views import About, Figure, View, count_text, newest, percent_text
from gdc_tracker.views.indicator import chart_spec

PUBLISHED, PARTLY, DEMO_ONLY, NONE = "published", "partly published", "demo only", "none"
STATES = [PUBLISHED, PARTLY, DEMO_ONLY, NONE]
STATE_WORDS = {  # English, marked for the catalogues: `state_word` translates them
    PUBLISHED: N_("published"),
    PARTLY: N_("partly published"),
    DEMO_ONLY: N_("demo only"),
    NONE: N_("none"),
}
# The progress palette's colours (3:1 or more on the page): a real value green, part of them
# blue, demo only dark amber; none a light grey, as an empty cell reads.
STATE_COLOURS = [
    PROGRESS_COLOURS[ProgressStatus.TARGET_MET],
    PROGRESS_COLOURS[ProgressStatus.ON_TRACK],
    PROGRESS_COLOURS[ProgressStatus.MODERATE],
    "#DDDDDD",
]
COUNT_COLUMNS = ["geographies", "real", "demo_only", "none"]
ROW_HEIGHT = 22
YEAR_WIDTH = 38
FIRST_YEAR = 1990  # the first year the page offers (ITU's series start about then)
YEARS_SHOWN = 15  # the page's default window: the last fifteen years
MOST_YEARS_WITH_COUNTS = 20  # beyond it a cell is too narrow to print "12/35" in
LEVEL_WORDS = {
    queries.BY_REGION: N_("ITU regions (each cell counts the region's countries)"),
    queries.BY_COUNTRY: N_("countries"),
}
MIXED = "geography"  # what a cell counts when indicators of both levels are shown
# What a cell counts, by unit: the figures' labels (a real value, demo only, none).
FIGURE_LABELS = {
    queries.BY_COUNTRY: (
        N_("of country-years have a published real value"),
        N_("country-years have demo values only"),
        N_("country-years have no value"),
    ),
    queries.BY_REGION: (
        N_("of region-years have a published real value"),
        N_("region-years have demo values only"),
        N_("region-years have no value"),
    ),
    MIXED: (
        N_("of geography-years have a published real value"),
        N_("geography-years have demo values only"),
        N_("geography-years have no value"),
    ),
}
SUMMARIES = {
    queries.BY_COUNTRY: N_(
        "{what}, {years}: {real} of {cells} country-years have a published real value, "
        "{demo} demo values only and {none} none."
    ),
    queries.BY_REGION: N_(
        "{what}, {years}: {real} of {cells} region-years have a published real value, "
        "{demo} demo values only and {none} none."
    ),
    MIXED: N_(
        "{what}, {years}: {real} of {cells} geography-years have a published real value, "
        "{demo} demo values only and {none} none."
    ),
}


# Cells in words


def state_of(geographies: int, real: int, demo_only: int) -> str:
    """A cell's state: "published" when every geography it counts has a real value,
    "partly published" when some do, "demo only" when none has but some have demo values,
    "none" when nothing is published."""
    if real and real >= geographies:
        return PUBLISHED
    if real:
        return PARTLY
    return DEMO_ONLY if demo_only else NONE


def state_word(state: str) -> str:
    """A cell's state in the reader's language."""
    return _(STATE_WORDS[state])


def with_states(cells: pd.DataFrame) -> pd.DataFrame:
    states = [
        state_of(int(g), int(r), int(d))
        for g, r, d in zip(cells["geographies"], cells["real"], cells["demo_only"], strict=True)
    ]
    return cells.assign(state=pd.Series(states, index=cells.index, dtype=str))


def _long_table(cells: pd.DataFrame, chosen: str | None) -> pd.DataFrame:
    columns = ["indicator_code", "indicator", "year", *COUNT_COLUMNS, "state"]
    if chosen is not None:
        columns[2:2] = ["geo_code", "geography"]
    return with_states(cells)[columns]


# The wide table: rows by years, with totals


def _row_label(chosen: str | None) -> str:
    return "indicator" if chosen is None else "geography"


def _row_key(chosen: str | None) -> str:
    return "indicator_code" if chosen is None else "geo_code"


def wide_table(data: pd.DataFrame, chosen: str | None, by: str) -> pd.DataFrame:
    """Rows by years, sortable: a row's cells count its geographies with a real value (or,
    where each row is one geography, say its state), then the row's totals over the
    years; the last row adds up every row."""
    key, label = _row_key(chosen), _row_label(chosen)
    single = bool((data["geographies"] == 1).all())
    cells = data.assign(cell=data["state"].map(state_word) if single else data["real"])
    wide = cells.pivot(index=key, columns="year", values="cell")
    rows = data.groupby(key, sort=False).agg(
        label=(label, "first"),
        of=("geographies", "first"),
        real=("real", "sum"),
        demo_only=("demo_only", "sum"),
        none=("none", "sum"),
    )
    years = [str(year) for year in wide.columns]
    wide.columns = years
    table = rows[["label"]].join(wide)
    if not single:
        table["of"] = rows["of"]
    table = table.join(rows[["real", "demo_only", "none"]]).reset_index(drop=True)
    total = _total_row(data, single, years, int(rows["of"].sum()))
    table = pd.concat([table, total], ignore_index=True)
    return table.rename(columns=_wide_words(chosen, by, single))


def _total_row(data: pd.DataFrame, single: bool, years: list[str], of: int) -> pd.DataFrame:
    """Every row added up: per year, the geographies with a real value (of how many)."""
    per_year = data.groupby("year")[["geographies", "real"]].sum()
    row: dict[str, object] = {"label": _("Total")}
    for year in years:
        real, counted = (int(per_year.loc[int(year), name]) for name in ("real", "geographies"))
        row[year] = _("{real} of {of} published").format(real=real, of=counted) if single else real
    if not single:
        row["of"] = of
    row |= {name: int(data[name].sum()) for name in ("real", "demo_only", "none")}
    return pd.DataFrame([row])


def _wide_words(chosen: str | None, by: str, single: bool) -> dict[str, str]:
    first = (
        _("Indicator") if chosen is None else _("ITU region") if by == "region" else _("Country")
    )
    if single:
        counts = {
            "real": _("Published real (years)"),
            "demo_only": _("Demo only (years)"),
            "none": _("None (years)"),
        }
    else:
        counts = {
            "real": _("Published real (cells)"),
            "demo_only": _("Demo only (cells)"),
            "none": _("None (cells)"),
        }
    return {"label": first, "of": _("Geographies counted"), **counts}


# The heat map


def heat_map(data: pd.DataFrame, chosen: str | None, title: str) -> alt.LayerChart:
    """Rows by years, each cell coloured by its state, with a legend and a tooltip naming
    its counts; a cell counting several geographies also shows "real/of"."""
    label = _row_label(chosen)
    order = list(dict.fromkeys(data[label]))
    years = sorted(data["year"].unique())
    shown = data.assign(
        counted=data["real"].astype(str) + "/" + data["geographies"].astype(str),
        state=data["state"].map(state_word),
    )
    base = alt.Chart(shown, title=title).encode(
        x=alt.X("year:O", title=_("Year"), sort=years, axis=alt.Axis(labelAngle=0)),
        y=alt.Y(f"{label}:N", title=None, sort=order, axis=alt.Axis(labelLimit=320)),
    )
    cells = base.mark_rect(stroke="#FFFFFF", strokeWidth=1).encode(
        color=alt.Color(
            "state:N",
            title=_("Value"),
            scale=alt.Scale(domain=[state_word(state) for state in STATES], range=STATE_COLOURS),
            legend=alt.Legend(orient="top"),
        ),
        tooltip=[
            alt.Tooltip(f"{label}:N", title=_("Indicator") if chosen is None else _("Geography")),
            alt.Tooltip("year:O", title=_("Year")),
            alt.Tooltip("state:N", title=_("Value")),
            alt.Tooltip("real:Q", title=_("With a published real value")),
            alt.Tooltip("demo_only:Q", title=_("With demo values only")),
            alt.Tooltip("none:Q", title=_("With no value")),
            alt.Tooltip("geographies:Q", title=_("Geographies counted")),
        ],
    )
    layers: list[alt.Chart] = [cells]
    if (data["geographies"] > 1).any() and len(years) <= MOST_YEARS_WITH_COUNTS:
        layers.append(base.mark_text(fontSize=10, color="#1F3B57").encode(text="counted:N"))
    layered = alt.layer(*layers).properties(
        width=max(len(years), 1) * YEAR_WIDTH, height=alt.Step(ROW_HEIGHT)
    )
    return cast(alt.LayerChart, layered)  # no layer is faceted


# Figures and words


def _unit(data: pd.DataFrame, by: str, chosen: str | None) -> str:
    """What a cell counts: "country", "region", or "geography" (`MIXED`) when mixed."""
    if chosen is not None and by == queries.BY_COUNTRY:
        return queries.BY_COUNTRY
    levels = set(data["level"]) if "level" in data else set()
    return levels.pop() if len(levels) == 1 else MIXED


def _totals(data: pd.DataFrame) -> dict[str, int]:
    return {name: int(data[name].sum()) for name in COUNT_COLUMNS}


def figures_of(totals: dict[str, int], unit: str) -> tuple[Figure, ...]:
    """The share of cells with a real value, and how many have demo values only or none;
    `unit` is what a cell counts ("country", "region" or `MIXED`)."""
    real, demo_only, none = FIGURE_LABELS[unit]
    return (
        Figure(value=percent_text(totals["real"], totals["geographies"]), label=_(real)),
        Figure(value=count_text(totals["demo_only"]), label=_(demo_only)),
        Figure(value=count_text(totals["none"]), label=_(none)),
    )


def _years_text(years: list[int]) -> str:
    return f"{years[0]}–{years[-1]}" if years[0] != years[-1] else str(years[0])


def summary_of(what: str, years: list[int], totals: dict[str, int], unit: str) -> str:
    return _(SUMMARIES[unit]).format(
        what=what,
        years=_years_text(years),
        real=count_text(totals["real"]),
        cells=count_text(totals["geographies"]),
        demo=count_text(totals["demo_only"]),
        none=count_text(totals["none"]),
    )


def sources_of(values: pd.DataFrame) -> tuple[str, ...]:
    """The sources of the real values counted, most values first (demo never lends one)."""
    real = values[~values["is_demo"].astype(bool)]
    if real.empty:
        return ()
    labelled = provenance.with_source_columns(real)
    weights = labelled.groupby("source", sort=False)["values"].sum()
    return tuple(weights.sort_values(ascending=False, kind="stable").index)


def filters_in_words(name: str, by: str, years: list[int]) -> dict[str, str]:
    words = {
        _("Indicator"): name,
        _("Geographies"): _(LEVEL_WORDS[by]),
        _("Values counted"): _("published, undivided values (a breakdown alone does not count)"),
    }
    if years:
        words[_("Years")] = _years_text(years)
    return words


def page_link(indicator: str | None, by: str, year_from: int | None, year_to: int | None) -> str:
    """The path and query of the Implementation page showing the same matrix."""
    query: dict[str, object] = {"view": "gaps"}
    if indicator is not None:
        query["indicator"] = indicator
    query["by"] = by
    query |= {k: v for k, v in (("year_from", year_from), ("year_to", year_to)) if v is not None}
    return page_url("/implementation", query)


# The view


def _problem(
    indicators: pd.DataFrame,
    indicator: str | None,
    by: str,
    year_from: int | None,
    year_to: int | None,
) -> str:
    """Why the matrix cannot be drawn for this choice ("" when it can)."""
    if by not in queries.LEVELS:
        return _("Show the matrix by region or by country.")
    if year_from is not None and year_to is not None and year_from > year_to:
        return _("The first year comes after the last: swap them.")
    if indicator is not None and indicators.empty:
        return _("There is no indicator “{code}”: it may have been renamed or removed.").format(
            code=indicator
        )
    if indicator is None:
        return "" if len(queries.counted(indicators, by)) else _("No indicator is recorded yet.")
    level = indicators["level"].iloc[0]
    if level == queries.WORLD_ONLY:
        return _("This indicator is reported for the world only: it has no country or region gaps.")
    if level == queries.BY_REGION and by == queries.BY_COUNTRY:
        return _("This indicator is reported for ITU regions, not countries: show it by region.")
    return ""


def _left_out(indicators: pd.DataFrame, by: str) -> tuple[str, ...]:
    """A line naming the indicators the matrix does not count, and why."""
    left = indicators[~indicators["code"].isin(queries.counted(indicators, by)["code"])]
    if left.empty:
        return ()
    line = (
        _("Not in this matrix (reported for the world only): {names}.")
        if by == queries.BY_REGION
        else _("Not in this matrix (not reported for countries): {names}.")
    )
    return (line.format(names=", ".join(left["name"])),)


def _name(indicators: pd.DataFrame, indicator: str | None) -> str:
    if indicator is None:
        return _("all indicators")
    return str(indicators["name"].iloc[0]) if len(indicators) else indicator


def _about(
    title: str, filters: dict[str, str], values: pd.DataFrame, totals: dict[str, int]
) -> About:
    """The sources of the real values counted, their newest change, and how many cells
    have demo values only (of the cells with any value)."""
    return About(
        title=title,
        filters=filters,
        sources=sources_of(values),
        as_of=newest(values["updated_at"]) if len(values) else None,
        demo_values=totals["demo_only"],
        values=totals["real"] + totals["demo_only"],
    )


def data_gaps_view(
    session: Session,
    *,
    indicator: str | None = None,
    by: str = queries.BY_REGION,
    year_from: int | None = None,
    year_to: int | None = None,
) -> View:
    """Which values exist, for all indicators or one, by region or by country, over the
    years (see the module's docstring)."""
    indicators = queries.indicator_levels(session, code=indicator)
    name = _name(indicators, indicator)
    title = _("Data gaps · {what}").format(what=name)
    link = page_link(indicator, by, year_from, year_to)
    years = {"year_from": year_from, "year_to": year_to}
    problem = _problem(indicators, indicator, by, year_from, year_to)
    read = queries.gap_totals if indicator is None else queries.gap_cells
    cells = pd.DataFrame() if problem else read(session, indicators, by=by, **years)
    if not problem and cells.empty:
        problem = _(
            "No published value yet, for any country or region: choose years to see the gaps."
        )
    if problem:
        filters = filters_in_words(name, by, []) if by in queries.LEVELS else {}
        about = About(title=title, filters=filters)
        return View(kind="data_gaps", about=about, link=link, problem=problem)
    data = _long_table(cells, indicator)
    shown = sorted(int(year) for year in data["year"].unique())
    totals, unit = _totals(data), _unit(cells, by, indicator)
    values = queries.gap_sources(session, indicators, by=by, **years)
    summary = summary_of(name[:1].upper() + name[1:], shown, totals, unit)
    return View(
        kind="data_gaps",
        about=_about(title, filters_in_words(name, by, shown), values, totals),
        summary=summary,
        data=data,
        table=wide_table(data, indicator, by),
        chart=chart_spec(heat_map(data, indicator, title)),
        figures=figures_of(totals, unit),
        bullets=(summary, *_left_out(indicators, by)),
        link=link,
    )


__all__ = [
    "DEMO_ONLY",
    "NONE",
    "PARTLY",
    "PUBLISHED",
    "STATES",
    "STATE_WORDS",
    "data_gaps_view",
    "heat_map",
    "page_link",
    "state_of",
    "state_word",
    "wide_table",
]
