"""The Indicators page's views: one indicator's series against its target, a comparison of
regions or countries, the gender gap, and universal versus meaningful connectivity.

`indicator_series_view` is also a presenter slide; `series_view` is the same view titled
for the page, where four views of one indicator sit side by side. The small builders
(`indicator_names`, `geography_labels`, `compare_choices`...) give the page its choices in
words, so the page only reads filters and draws.
"""

from collections.abc import Sequence
from dataclasses import replace

import altair as alt
import pandas as pd
from sqlmodel import Session

from gdc_tracker import provenance
from gdc_tracker.chart_locale import localise_chart
from gdc_tracker.charts import indicators as indicator_charts
from gdc_tracker.i18n import N_, _
from gdc_tracker.links import page_url
from gdc_tracker.maps import format_value
from gdc_tracker.models import TOTAL, WORLD_CODE, dimensions_in_words
from gdc_tracker.palette import progress_label
from gdc_tracker.queries import indicators as indicator_queries
from gdc_tracker.queries import overview
from gdc_tracker.queries.indicators import connectivity_method
from gdc_tracker.status import DEFAULT_THRESHOLDS, Thresholds
from gdc_tracker.views import About, Figure, View, about_values, with_row_provenance

INTERNET_USE = "UMC_INTERNET_USE"  # the indicator published by sex, for the gender gap
ALL_REGIONS = "ALL"  # compare the world and the ITU regions rather than one's countries
LATEST = "latest"  # connectivity: each country's latest values, whatever their year
GAPS_SHOWN = 10
LAST_YEAR = 9999  # "the latest value", whatever its year
VIEW_NAMES = {  # English, marked for the catalogues: `view_names` translates them
    "series": N_("Time series and target"),
    "compare": N_("Compare regions or countries"),
    "gender": N_("Gender gap"),
    "connectivity": N_("Universal vs meaningful connectivity"),
}
# `is_demo` stays beside `real_or_demo`: the files read it to say real or demo per row.
SERIES_COLUMNS = [
    "geo_name",
    "geo_code",
    "year",
    "value",
    "obs_status",
    "source",
    "real_or_demo",
    "is_demo",
]
COMPARE_COLUMNS = [
    "geo_name",
    "geo_code",
    "geo_kind",
    "region_code",
    "year",
    "value",
    "obs_status",
    "source",
    "real_or_demo",
    "is_demo",
]
STORE_COLUMNS = ["updated_at"]  # what the About reads for its date; not a figure

__all__ = [
    "ALL_REGIONS",
    "INTERNET_USE",
    "LATEST",
    "VIEW_NAMES",
    "compare_choices",
    "compare_view",
    "connectivity_method",
    "connectivity_view",
    "connectivity_years",
    "gender_choices",
    "gender_gaps_view",
    "gender_view",
    "geography_labels",
    "indicator_about_view",
    "indicator_names",
    "indicator_series_view",
    "indicator_years",
    "series_view",
    "status_view",
    "view_names",
]


def chart_spec(chart: alt.TopLevelMixin) -> dict:
    """The Vega-Lite specification, with the reader's number and date formats; a long
    series (every country over 25 years) must draw."""
    with alt.data_transformers.disable_max_rows():
        return localise_chart(chart.to_dict())


def page_link(**query: object) -> str:
    """The path and query of the Indicators page showing the same view."""
    return page_url("/indicators", query)


def view_names() -> dict[str, str]:
    """The Indicators page's views: code -> name in the reader's language."""
    return {code: _(name) for code, name in VIEW_NAMES.items()}


def reference(session: Session, code: str) -> pd.Series | None:
    """The indicator's reference row (name, unit, target...), None for an unknown code."""
    rows = indicator_queries.indicator_reference(session, code=code)
    return None if rows.empty else rows.iloc[0]


def page_title(ref: pd.Series, view: str) -> str:
    """ "Individuals using the Internet · Time series and target"."""
    return _("{indicator} · {view}").format(indicator=ref["name"], view=_(VIEW_NAMES[view]))


def missing(code: str, link: str) -> View:
    return View(
        kind="indicator",
        about=About(title=code),
        link=link,
        problem=_("This indicator no longer exists."),
    )


def with_stated_source(values: pd.DataFrame, source: str) -> pd.DataFrame:
    """`values` (rows with `is_demo` but no source of their own, such as a pivot of both
    sexes) with a `source` and `real_or_demo` column: the indicator's stated source for a
    real value, the demo label for a demo one (a demo value never borrows a real source)."""
    labels = [
        provenance.source_label(typed=source, is_demo=bool(is_demo))
        for is_demo in values["is_demo"].fillna(False)
    ]
    return with_row_provenance(values.assign(source=labels))


def shown(data: pd.DataFrame, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """The rows as the table and the files show them: each value with its source in words
    and whether it is demo, without the time each was stored (the About gives the newest)."""
    if columns is not None:
        return data[[c for c in columns if c in data.columns]].reset_index(drop=True)
    return data.drop(columns=[c for c in STORE_COLUMNS if c in data.columns])


# --- choices the page offers ------------------------------------------------------------------


def indicator_names(session: Session) -> dict[str, str]:
    """Every active indicator: code -> name, ordered by code."""
    catalogue = overview.indicators(session)
    return dict(zip(catalogue["code"], catalogue["name"], strict=True))


def geography_labels(session: Session) -> dict[str, str]:
    """World, regions and countries: code -> name, a region marked "(ITU region)"."""
    return {
        g.code: _("{name} (ITU region)").format(name=g.name) if g.kind == "region" else g.name
        for g in overview.geographies(session).itertuples()
    }


def compare_choices(session: Session) -> dict[str, str]:
    """What can be compared: the world and the ITU regions, or one region's countries."""
    regions = overview.geographies(session).query("kind == 'region'")
    return {ALL_REGIONS: _("The world and the ITU regions")} | {
        r.code: _("Countries of {region}").format(region=r.name) for r in regions.itertuples()
    }


def indicator_years(session: Session, *, code: str) -> tuple[int, ...]:
    """The years with a published value of the indicator, oldest first."""
    years = indicator_queries.years_with_data(session, code=code)["year"]
    return tuple(int(year) for year in years)


def connectivity_years(session: Session) -> dict[str, str]:
    """The years the connectivity scatter can show, newest first after "latest"."""
    years = indicator_years(session, code=INTERNET_USE)
    return {LATEST: _("Latest each country has")} | {
        str(year): _("At or before {year}").format(year=year) for year in reversed(years)
    }


def gender_choices(session: Session, *, code: str) -> tuple[dict[str, str], str | None]:
    """The geographies with female and male values (code -> name), and the one to show
    first: the country with the largest gap. Empty when the indicator has no such values."""
    places = indicator_queries.sex_geographies(session, code=code)
    labels = dict(zip(places["geo_code"], places["geo_name"], strict=True))
    gaps = indicator_queries.largest_gender_gaps(session, code=code, limit=1)
    return labels, (str(gaps["geo_code"].iloc[0]) if len(gaps) else None)


# --- the indicator itself -------------------------------------------------------------------


def indicator_about_view(session: Session, *, code: str) -> View:
    """The indicator's definition (`summary`) and its reference fields, "About this
    indicator" (`table`: label, text)."""
    ref = reference(session, code)
    if ref is None:
        return missing(code, page_link(indicator=code))
    rows = indicator_charts.metadata_rows(ref)
    return View(
        kind="indicator_reference",
        about=About(title=str(ref["name"])),
        summary=str(ref["definition"] or ""),
        table=pd.DataFrame({"label": list(rows), "text": list(rows.values())}),
        link=page_link(indicator=code),
    )


# --- time series and target ------------------------------------------------------------------


def indicator_series_view(
    session: Session,
    *,
    code: str,
    geo_codes: Sequence[str] = (WORLD_CODE,),
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> View:
    """The indicator's yearly values for `geo_codes`, its target, and each place's status
    (`table`): the presenter slide, titled by the indicator's name."""
    geo_codes = tuple(geo_codes) or (WORLD_CODE,)
    link = page_link(indicator=code, geo=geo_codes)
    ref = reference(session, code)
    if ref is None:
        return missing(code, link)
    series = indicator_queries.indicator_series(session, code=code, geo_codes=geo_codes)
    statuses = indicator_queries.series_status(
        session, code=code, geo_codes=geo_codes, thresholds=thresholds
    )
    names = ", ".join(str(name) for name in statuses["geo_name"]) or ", ".join(geo_codes)
    filters = {_("Indicator"): str(ref["name"]), _("Geographies"): names}
    data = with_row_provenance(series)
    about = about_values(data, title=str(ref["name"]), filters=filters)
    table = indicator_charts.status_table(statuses)
    if series.empty:
        return View(
            kind="indicator",
            about=about,
            table=table,
            link=link,
            problem=_("No published values of this indicator for the chosen geographies."),
        )
    target = indicator_charts.reference_marks(ref)[0]
    return View(
        kind="indicator",
        about=about,
        summary=indicator_charts.series_summary(
            series, statuses, name=str(ref["name"]), target=target
        ),
        data=shown(data, SERIES_COLUMNS),
        chart=chart_spec(
            indicator_charts.indicator_series_chart(ref, series, statuses, geo_order=geo_codes)
        ),
        figures=latest_figures(series, unit=str(ref["unit"])),
        bullets=tuple(
            f"{row.geo_name}: {progress_label(row.status)}" for row in statuses.itertuples()
        ),
        table=table,
        link=link,
        observations={"indicators": (code,), "geographies": geo_codes, "disaggregations": (TOTAL,)},
    )


def latest_figures(series: pd.DataFrame, *, unit: str, limit: int = 4) -> tuple[Figure, ...]:
    """The newest value of each geography, as big numbers ("67.4 %" over "World, 2023")."""
    newest = series.sort_values("year").groupby("geo_code", sort=False).tail(1)
    return tuple(
        Figure(value=format_value(row.value, unit), label=f"{row.geo_name}, {int(row.year)}")
        for row in newest.head(limit).itertuples()
    )


def series_view(
    session: Session,
    *,
    code: str,
    geo_codes: tuple[str, ...],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> View:
    """The series as the Indicators page shows it: titled with the view's name beside the
    indicator's, the geographies named as the page's choice names them. No geography
    chosen shows nothing (the slide falls back to the world)."""
    ref = reference(session, code)
    if ref is None:
        return missing(code, page_link(indicator=code, geo=geo_codes))
    if not geo_codes:
        return View(
            kind="indicator",
            about=About(title=page_title(ref, "series")),
            link=page_link(indicator=code),
            problem=_("No published values of this indicator for the chosen geographies."),
        )
    view = indicator_series_view(session, code=code, geo_codes=geo_codes, thresholds=thresholds)
    labels = geography_labels(session)
    named = ", ".join(labels.get(geo, geo) for geo in geo_codes)
    about = replace(view.about, title=page_title(ref, "series"), filters={_("Geographies"): named})
    return replace(view, about=about)


def status_view(
    session: Session,
    *,
    code: str,
    geo_codes: tuple[str, ...],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> View:
    """Each chosen geography's progress status (`data`, one row each, in words), carrying
    the About of the values it rests on under its own title."""
    view = series_view(session, code=code, geo_codes=geo_codes, thresholds=thresholds)
    ref = reference(session, code)
    title = _("{name} · progress status").format(name=ref["name"]) if ref is not None else code
    table = view.table if view.table is not None else pd.DataFrame()
    return View(
        kind="indicator_status",
        about=replace(view.about, title=title),
        data=table,
        link=view.link,
        problem=view.problem if table.empty else "",
    )


# --- comparison ------------------------------------------------------------------------------


def compare_view(
    session: Session, *, code: str, year: int | None, region: str | None = None
) -> View:
    """The latest value at or before `year` of the world and every ITU region (`region`
    None or ALL_REGIONS), or of every country of `region`, best first."""
    scope = None if region in (None, "", ALL_REGIONS) else region
    chosen = {"region": scope} if scope else {}
    link = page_link(indicator=code, view="compare", **chosen, **({"year": year} if year else {}))
    ref = reference(session, code)
    if ref is None:
        return missing(code, link)
    values = indicator_queries.compare_values(session, code=code, year=year, region=scope)
    choices = compare_choices(session)
    filters = {_("Compare"): choices.get(scope or ALL_REGIONS, str(scope)), _("Year"): str(year)}
    data = with_row_provenance(values)
    about = about_values(data, title=page_title(ref, "compare"), filters=filters)
    if values.empty:
        return View(
            kind="indicator_compare",
            about=about,
            link=link,
            problem=_("No published values to compare for this choice."),
        )
    target = (indicator_charts.reference_marks(ref)[0] or (None, None))[1]
    higher = ref["direction"] == "higher_is_better"
    chart = indicator_charts.compare_chart(
        values, unit=str(ref["unit"]), year=year, higher_is_better=higher, target=target
    )
    return View(
        kind="indicator_compare",
        about=about,
        summary=indicator_charts.compare_summary(
            values, name=str(ref["name"]), higher_is_better=higher, target=target
        ),
        data=shown(data, COMPARE_COLUMNS),
        chart=chart_spec(chart),
        link=link,
        observations={
            "indicators": (code,),
            "geographies": tuple(values["geo_code"]),
            "disaggregations": (TOTAL,),
            "latest_up_to": year or LAST_YEAR,
        },
    )


# --- the gender gap --------------------------------------------------------------------------


def gender_view(session: Session, *, code: str, geo_code: str | None) -> View:
    """Female and male values of `geo_code` by year, and the gap between them; when the
    indicator has no values by sex, `problem` says so and which breakdowns it allows."""
    link = page_link(indicator=code, view="gender", **({"geo": geo_code} if geo_code else {}))
    ref = reference(session, code)
    if ref is None:
        return missing(code, link)
    values = indicator_queries.sex_series(session, code=code, geo_code=geo_code or "")
    title = page_title(ref, "gender")
    if values.empty:
        allowed = dimensions_in_words(ref["disaggregations"])
        return View(
            kind="indicator_gender",
            about=About(title=title),
            link=link,
            problem=_(
                "No female and male values are published for {name}, so there is no gender gap "
                "to show (allowed disaggregations: {allowed})."
            ).format(name=ref["name"], allowed=allowed),
        )
    labels = gender_choices(session, code=code)[0]
    place = labels.get(str(geo_code), str(geo_code))
    data = with_stated_source(values, str(ref["source"] or ""))
    unit = str(ref["unit"])
    return View(
        kind="indicator_gender",
        about=about_values(data, title=title, filters={_("Geography"): place}),
        summary=indicator_charts.gender_summary(values, geo_name=place, unit=unit),
        data=shown(data),
        chart=chart_spec(indicator_charts.gender_chart(values, unit=unit)),
        link=link,
        observations={
            "indicators": (code,),
            "geographies": (str(geo_code),),
            "disaggregations": ("sex:female", "sex:male"),
        },
    )


def gender_gaps_view(session: Session, *, code: str, limit: int = GAPS_SHOWN) -> View:
    """The countries with the largest gap (male - female) in the latest year each has:
    `table` as shown, `data` the same rows with each value's source."""
    ref = reference(session, code)
    if ref is None:
        return missing(code, page_link(indicator=code, view="gender"))
    gaps = indicator_queries.largest_gender_gaps(session, code=code, limit=limit)
    data = with_stated_source(gaps, str(ref["source"] or ""))
    table = indicator_charts.gap_table(gaps)
    title = _("{name} · largest gender gaps").format(name=ref["name"])
    return View(
        kind="indicator_gender_gaps",
        about=about_values(data, title=title),
        data=table.assign(
            source=data["source"], real_or_demo=data["real_or_demo"], is_demo=data["is_demo"]
        ),
        table=table,
        link=page_link(indicator=code, view="gender"),
    )


# --- universal vs meaningful connectivity ----------------------------------------------------


def connectivity_view(session: Session, *, year: int | None = None) -> View:
    """Each country's universality (Internet use) against meaningfulness (4G coverage,
    affordability, basic skills), from the latest values at or before `year`."""
    values = indicator_queries.connectivity(session, year=year)
    stated = overview.indicators(session).set_index("code")["source"]
    codes = list(indicator_queries.CONNECTIVITY_INDICATORS.values())
    used = "; ".join(str(s) for s in stated.reindex(codes).dropna().unique())
    data = with_stated_source(values, used)
    choice = LATEST if year is None else str(year)
    filters = {_("Year"): connectivity_years(session).get(choice, str(year))}
    link = page_link(view="connectivity", **({} if year is None else {"year": year}))
    return View(
        kind="connectivity",
        about=about_values(data, title=_(VIEW_NAMES["connectivity"]), filters=filters),
        summary=indicator_charts.connectivity_summary(values),
        data=shown(data),
        chart=chart_spec(indicator_charts.connectivity_chart(values)),
        link=link,
    )
