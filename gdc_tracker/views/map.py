"""The map view: an indicator by country for one year, as a picture and as a ranked table.

The page and the presenter slide draw `places` with deck.gl; the chart image, the
PowerPoint slide and the report draw `chart`, the same values as a Vega-Lite choropleth
(vl-convert renders it without a browser), on the same viridis ramp.
"""

from typing import Any

import altair as alt
import pandas as pd
from sqlmodel import Session

from gdc_tracker import maps
from gdc_tracker.i18n import _, ngettext
from gdc_tracker.links import page_url
from gdc_tracker.models import TOTAL, unit_label
from gdc_tracker.palette import progress_label
from gdc_tracker.queries import geo, overview
from gdc_tracker.status import DEFAULT_THRESHOLDS, Thresholds
from gdc_tracker.views import About, Figure, View, about_values, with_row_provenance

RANKED = 10  # the top and the bottom listed on a slide; every country is in `data`
MAP_WIDTH, MAP_HEIGHT = 760, 400
NO_DATA_HEX = "#b0b0b0"


def map_view(
    session: Session,
    *,
    code: str,
    year: int | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    region: str = "",
    initiatives: bool = False,
    map_width: int = maps.MAP_WIDTH,
) -> View:
    """Every country's value of `code` in `year` (the latest year with values when None).

    `region` (an ITU region code) narrows the values, figures, words, table and picture
    to its countries; `places` keeps every country, so the page's world map stays coloured
    on one scale while it zooms in. `initiatives` adds the countries where initiatives act
    (the rings of the page's map); `map_width` is about how wide the page draws it, in CSS
    pixels, for the region to fit. `map_options` holds what the page draws beside the map:
    see `page_options`.
    """
    indicators = geo.map_indicators(session).set_index("code")
    if code not in indicators.index:
        return View(
            kind="map",
            about=About(title=code),
            link=page_url("/map", {"indicator": code}),
            problem=_("No country values for this indicator."),
        )
    indicator = indicators.loc[code]
    years = geo.indicator_years(session, indicator_code=code)["year"]
    asked_year = year  # None: the link opens at the latest year, whatever it is then
    year = int(year or years.max())
    unit = str(indicator["unit"])
    higher = indicator["direction"] == "higher_is_better"
    places = geo.country_values(
        session, indicator_code=code, year=year, thresholds=thresholds
    ).reset_index(drop=True)
    region_name = map_regions(session).get(region, "") if region else ""
    region = region if region_name else ""
    in_view = places[places["region_code"] == region] if region else places
    shown = with_row_provenance(in_view.dropna(subset=["value"]))
    data = country_table(shown)
    title = _("{name}, {year}").format(name=indicator["name"], year=year)
    filters = {_("Indicator"): str(indicator["name"]), _("Year"): str(year)}
    about = about_values(
        shown, title=title, filters=filters | ({_("Region"): region_name} if region else {})
    )
    options = {"unit": unit, "higher_is_better": higher, "year": year, "region": region}
    name = f"map_{code}_{year}" + (f"_{region}" if region else "")  # the files' name
    return View(
        kind="map",
        about=about,
        summary=maps.values_summary(in_view, year=year, unit=unit, region=region_name),
        data=data,
        chart=choropleth_spec(
            in_view,
            unit=unit,
            higher_is_better=higher,
            title=title,
            world=not region,
            domain=value_range(places),
        )
        if len(shown)
        else None,
        figures=map_figures(data, in_view, unit=unit, year=year),
        table=ranked_table(data, unit=unit),
        places=places,
        observations={
            "indicators": (code,),
            "geographies": tuple(shown["geo_code"]),
            "disaggregations": (TOTAL,),
            "latest_up_to": year,
        },
        map_options=options
        | {"name": name}
        | page_options(
            session, places, in_view, initiatives=initiatives, map_width=map_width, **options
        ),
        link=page_url(
            "/map",
            {"indicator": code}
            | ({"year": asked_year} if asked_year else {})
            | ({"region": region} if region else {}),
        ),
        problem="" if len(shown) else _("No country has a value for {year}.").format(year=year),
    )


def map_regions(session: Session) -> dict[str, str]:
    """The ITU regions a map can zoom to: code -> name."""
    regions = overview.geographies(session).query("kind == 'region'")
    return dict(zip(regions["code"], regions["name"], strict=True))


def value_range(places: pd.DataFrame) -> tuple[float, float] | None:
    """The lowest and highest value of the year, the ends of the colour ramp everywhere."""
    present = places["value"].dropna()
    return (float(present.min()), float(present.max())) if len(present) else None


def page_options(
    session: Session,
    places: pd.DataFrame,
    in_view: pd.DataFrame,
    *,
    unit: str,
    higher_is_better: bool,
    year: int,
    region: str,
    initiatives: bool,
    map_width: int = maps.MAP_WIDTH,
) -> dict[str, Any]:
    """What the page draws beside the map, under these keys:

    `view_state` (the region framed in a map `map_width` pixels wide, None for the world),
    `legend` (the colour ramp as a Vega-Lite specification, None without values),
    `legend_notes` (the legend in words), `missing` (the countries shown without a value),
    `missing_title`, `locations` (the countries where initiatives act, None unless asked
    for), `unplaced` (how many initiatives name no country, in words) and `value_label`
    (the value column's header).
    `map_view` adds `unit`, `higher_is_better`, `year`, `region`, and `name`: what the
    files are called.
    """
    extent = value_range(places)
    missing = tuple(maps.missing_names(in_view))
    return {
        "view_state": maps.region_view(in_view, width=map_width) if region else None,
        "legend": maps.legend_chart(*extent, unit=unit, higher_is_better=higher_is_better).to_dict()
        if extent
        else None,
        "legend_notes": legend_notes(year, initiatives=initiatives),
        "missing": missing,
        "missing_title": ngettext(
            "No value for {year}: {n} country", "No value for {year}: {n} countries", len(missing)
        ).format(year=year, n=len(missing)),
        "locations": geo.initiative_locations(session) if initiatives else None,
        "unplaced": unplaced_words(geo.initiatives_without_location(session))
        if initiatives
        else "",
        "value_label": _("Value ({unit})").format(unit=unit_label(unit)),
    }


def unplaced_words(count: int) -> str:
    """ "3 initiatives name no country (they act globally): not drawn." """
    return ngettext(
        "{n} initiative names no country (it acts globally): not drawn.",
        "{n} initiatives name no country (they act globally): not drawn.",
        count,
    ).format(n=count)


def legend_notes(year: int, *, initiatives: bool) -> str:
    """The map's legend in words: colours, grey, dots, and the rings when drawn."""
    notes = [
        _("Dark purple is better, light yellow worse."),
        _("Grey: no value for {year}.").format(year=year),
        _("Dots: countries too small for an outline at this scale."),
    ]
    if initiatives:
        notes.append(_("Orange rings: countries where initiatives act, sized by how many."))
    return " ".join(notes)


def country_table(values: pd.DataFrame) -> pd.DataFrame:
    """rank, country, code, region, value, year, status, source, real_or_demo: best first.

    `is_demo` rides along, so that a file written from the table says demo where a value is
    (the exports read the flag, not the words)."""
    table = maps.values_table(values).reset_index(drop=True)
    table.insert(0, "rank", range(1, len(table) + 1))
    extra = values.set_index("geo_code")[["source", "real_or_demo", "is_demo"]]
    return table.join(extra, on="code").astype({"is_demo": bool})


def ranked_table(data: pd.DataFrame, *, unit: str) -> pd.DataFrame:
    """The top and the bottom `RANKED` countries (all of them when few), for a slide."""
    chosen = data if len(data) <= 2 * RANKED else pd.concat([data.head(RANKED), data.tail(RANKED)])
    return country_rows(chosen, unit=unit)


def country_rows(data: pd.DataFrame, *, unit: str) -> pd.DataFrame:
    """Rank, country and value in words; a "Data" column saying demo where any value is."""
    rows = pd.DataFrame(
        {
            _("Rank"): data["rank"].astype(str),
            _("Country"): data["country"],
            _("Value"): [maps.format_value(v, unit) for v in data["value"]],
        }
    )
    if (data["real_or_demo"] == "demo").any():
        rows[_("Data")] = data["real_or_demo"].map({"real": "", "demo": _("demo")}).to_list()
    return rows.reset_index(drop=True)


def map_figures(
    data: pd.DataFrame, places: pd.DataFrame, *, unit: str, year: int
) -> tuple[Figure, ...]:
    """How many countries have a value, the median, the highest and the lowest: the first
    and last of `data` (ranked best first), so the figures name the table's ends."""
    if data.empty:
        return (Figure(value="0", label=_("countries with a value in {year}").format(year=year)),)
    by_value = data.sort_values("value", ascending=False, kind="stable")
    highest, lowest = by_value.iloc[0], by_value.iloc[-1]
    return (
        Figure(
            value=f"{len(data)} / {len(places)}",
            label=_("countries with a value in {year}").format(year=year),
        ),
        Figure(
            value=maps.format_value(float(data["value"].median()), unit), label=_("median country")
        ),
        Figure(
            value=maps.format_value(highest["value"], unit),
            label=_("highest: {name}").format(name=highest["country"]),
        ),
        Figure(
            value=maps.format_value(lowest["value"], unit),
            label=_("lowest: {name}").format(name=lowest["country"]),
        ),
    )


SHAPES_DATASET = "country_shapes"


def choropleth_spec(
    places: pd.DataFrame,
    *,
    unit: str,
    higher_is_better: bool,
    title: str,
    world: bool = True,
    domain: tuple[float, float] | None = None,
) -> dict:
    """The countries coloured by value (grey: no value), small countries as dots.

    The world's outlines, or only those of `places` when not `world` (a region: the
    projection then fits them); `domain`, the ends of the ramp, keeps a region's colours
    those of the world map."""
    by_code = places.set_index("geo_code")
    shapes = maps.country_shapes()
    features = []
    for code, shape in sorted(shapes.items()):
        if code in maps.LEFT_OUT or not (world or code in by_code.index):
            continue
        value = by_code["value"].get(code) if code in by_code.index else None
        features.append(_feature(code, shape, by_code, value))
    dots = places[~places["geo_code"].isin(list(shapes)) & places["value"].notna()]
    ramp = list(maps.RAMP) if higher_is_better else list(reversed(maps.RAMP))
    colour = alt.Color(
        "properties.value:Q",
        scale=_scale(ramp, domain),
        legend=alt.Legend(
            title=(
                _("{unit} · higher is better")
                if higher_is_better
                else _("{unit} · lower is better")
            ).format(unit=unit_label(unit)),
            orient="bottom-left",
            direction="horizontal",
            gradientLength=240,
        ),
    )
    projection = "equalEarth"
    # The outlines join the spec after Altair has built it: handed to Altair, their
    # coordinates are walked and validated point by point (6.6 s of a 7 s map).
    shapes_data = alt.NamedData(name=SHAPES_DATASET)
    no_value = (
        alt.Chart(shapes_data)
        .mark_geoshape(stroke="white", strokeWidth=0.4, fill=NO_DATA_HEX)
        .project(projection)
    )
    valued = (
        alt.Chart(shapes_data)
        .mark_geoshape(stroke="white", strokeWidth=0.4)
        .transform_filter("isValid(datum.properties.value)")
        .encode(color=colour)
        .project(projection)
    )
    layers = [no_value, valued]
    if len(dots):
        layers.append(
            alt.Chart(dots[["longitude", "latitude", "value"]])
            .mark_circle(size=28, stroke="#3c3c3c", strokeWidth=0.6, opacity=1)
            .encode(
                longitude=alt.Longitude("longitude:Q"),
                latitude=alt.Latitude("latitude:Q"),
                color=alt.Color("value:Q", scale=_scale(ramp, domain), legend=None),
            )
            .project(projection)
        )
    chart = alt.layer(*layers).properties(width=MAP_WIDTH, height=MAP_HEIGHT, title=title)
    with alt.data_transformers.disable_max_rows():
        spec = chart.resolve_scale(color="shared").to_dict()
    spec.setdefault("datasets", {})[SHAPES_DATASET] = features
    return spec


def _scale(ramp: list[str], domain: tuple[float, float] | None) -> alt.Scale:
    return alt.Scale(range=ramp, domain=list(domain)) if domain else alt.Scale(range=ramp)


def clockwise(shape: dict) -> dict:
    """`shape` with outer rings clockwise and holes counter-clockwise, the winding Vega's
    spherical geometry (d3-geo) reads: the other way round, a ring encloses the rest of the
    globe. GeoJSON files often wind the other way (RFC 7946)."""
    polygons = []
    for polygon in shape["coordinates"]:
        rings = []
        for index, ring in enumerate(polygon):
            outer = index == 0
            is_clockwise = _signed_area(ring) < 0
            rings.append(ring if is_clockwise == outer else list(reversed(ring)))
        polygons.append(rings)
    return {"type": "MultiPolygon", "coordinates": polygons}


def _signed_area(ring: list) -> float:
    """Twice the planar signed area (positive when counter-clockwise, y up)."""
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False))


def _feature(code: str, shape: dict, by_code: pd.DataFrame, value: object) -> dict:
    known = value is not None and not pd.isna(value)
    status = by_code["status"].get(code) if code in by_code.index else None
    return {
        "type": "Feature",
        "geometry": clockwise(shape),
        "properties": {
            "code": code,
            "value": float(value) if known else None,  # type: ignore[arg-type]  # a pandas cell, a number if known
            "status": progress_label(status) if isinstance(status, str) else "",
        },
    }
