"""Pure map builders: DataFrames in, pydeck Deck out, drawn with no internet at all.

Country shapes come from the `countryinfo` package (MIT), which ships a GeoJSON outline for
most countries; they are read once per process. There is no basemap and no tile server:
`map_provider=None`, the ocean and the land are layers of their own. Countries without an
outline (small island states, a few others) are drawn as dots at their representative
point, so every country of the store is on the map.

Values are coloured on a viridis ramp (perceptually uniform, colour-blind safe) running
from "worse" (light yellow) to "better" (dark purple): for a lower-is-better indicator the
ramp is reversed, so better always looks the same. Every colour has its words too: the
tooltip, the summary sentence and the table beside the map.
"""

import json
import math
import re
from functools import lru_cache
from typing import Any, SupportsFloat

import altair as alt
import pandas as pd
import pydeck as pdk
from countryinfo import CountryInfo
from pydeck.bindings.json_tools import default_serialize

from gdc_tracker.i18n import _, ngettext
from gdc_tracker.models import unit_label
from gdc_tracker.numbers import decimal_for_people, percent_for_people
from gdc_tracker.palette import progress_label

Colour = list[int]

# Viridis at nine even steps, reversed: index 0 is "worse", the last is "better".
RAMP: tuple[str, ...] = (
    "#fde725",
    "#addc30",
    "#5ec962",
    "#28ae80",
    "#21918c",
    "#2c728e",
    "#3b528b",
    "#472d7b",
    "#440154",
)
OCEAN_COLOUR: Colour = [234, 241, 247, 255]
LAND_COLOUR: Colour = [218, 218, 218, 255]
BORDER_COLOUR: Colour = [255, 255, 255, 255]
NO_DATA_COLOUR: Colour = [176, 176, 176, 255]
MARKER_OUTLINE: Colour = [60, 60, 60, 255]
HIGHLIGHT_COLOUR: Colour = [255, 255, 255, 110]  # hover lightens: no hue that reads as data
INITIATIVE_COLOUR: Colour = [213, 94, 0, 255]  # Okabe-Ito vermillion, apart from viridis
MEMBER_COLOUR: Colour = [86, 180, 233, 255]  # Okabe-Ito sky blue
ACTING_COLOUR: Colour = [0, 114, 178, 255]  # Okabe-Ito blue
PIXELS = pdk.types.String("pixels")  # a plain str would be sent as an accessor expression
LEFT_OUT = {"ATA"}  # Antarctica: huge in Web Mercator and never reported on
TILE = 512  # pixels: the width of the whole world at zoom 0
WORLD_VIEW = pdk.ViewState(latitude=20, longitude=12, zoom=0.9, min_zoom=0, max_zoom=8)
MAP_WIDTH, PHONE_MAP_WIDTH = 1000, 380  # CSS pixels: about how wide the page's map is drawn
MAP_HEIGHT = 540
# deck.gl's controller: a mouse drags to pan and its wheel zooms; on a touch screen two
# fingers pinch to zoom and move the map, one finger pans it sideways. A vertical swipe is
# the page's, to scroll by (ui.components.PAGE_STYLE), so a phone never gets stuck on the map.
CONTROLLER = {"dragPan": True, "scrollZoom": True, "touchZoom": True, "touchRotate": False}
LEGEND_HEIGHT = 84  # the whole legend, axis included: Streamlit fits the chart into it
TOOLTIP_STYLE = {"fontSize": "13px", "whiteSpace": "pre-line", "maxWidth": "360px"}

UNIT_PATTERNS: dict[str, str] = {  # CLDR number patterns of the units shown without a word
    "ratio": "#,##0.000",
    "index": "#,##0.0",
    "count": "#,##0",
}


# --- Shapes ---------------------------------------------------------------------------


def _rounded(coordinates: Any) -> Any:
    """Coordinates to 0.01° (about 1 km): the outlines are coarse, the JSON gets lighter."""
    if isinstance(coordinates, int | float):
        return round(float(coordinates), 2)
    return [_rounded(part) for part in coordinates]


def _polygons(geometry: dict[str, Any]) -> list[Any]:
    if geometry.get("type") == "Polygon":
        return [geometry["coordinates"]]
    if geometry.get("type") == "MultiPolygon":
        return list(geometry["coordinates"])
    return []


@lru_cache(maxsize=1)
def country_shapes() -> dict[str, dict[str, Any]]:
    """ISO alpha-3 code -> GeoJSON MultiPolygon geometry, for every country `countryinfo`
    has an outline for (read once per process)."""
    shapes: dict[str, dict[str, Any]] = {}
    for info in CountryInfo.all().values():
        code = (info.get("ISO") or {}).get("alpha3")
        features = (info.get("geoJSON") or {}).get("features") or []
        polygons = [p for f in features for p in _polygons(f.get("geometry") or {})]
        if code and polygons and code not in shapes:
            shapes[code] = {"type": "MultiPolygon", "coordinates": _rounded(polygons)}
    return shapes


@lru_cache(maxsize=1)
def land() -> dict[str, Any]:
    """A FeatureCollection of every outline but Antarctica's: the grey land under the data."""
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": code, "properties": {"code": code}, "geometry": shape}
            for code, shape in sorted(country_shapes().items())
            if code not in LEFT_OUT
        ],
    }


# --- Values and colours -----------------------------------------------------------------


def format_value(value: SupportsFloat | None, unit: str) -> str:
    """A value with its unit, for tooltips, tables and sentences, in the reader's language."""
    if value is None or pd.isna(value):
        return _("no data")
    number = float(value)
    if unit == "percent":
        return percent_for_people(number, "#,##0.0")
    if unit == "percent_gni":
        return _("{percent} of GNI per capita").format(
            percent=percent_for_people(number, "#,##0.00")
        )
    if unit in UNIT_PATTERNS:
        return decimal_for_people(number, UNIT_PATTERNS[unit])
    # Translators: a value and its unit, as in "3.00 hours".
    return _("{number} {unit}").format(
        number=decimal_for_people(number, "#,##0.00"), unit=unit_label(unit)
    )


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return int(hex_colour[1:3], 16), int(hex_colour[3:5], 16), int(hex_colour[5:7], 16)


def ramp_colour(fraction: float) -> Colour:
    """The ramp's colour at `fraction` (0 = worse end, 1 = better end), as RGBA."""
    position = min(max(fraction, 0.0), 1.0) * (len(RAMP) - 1)
    low = math.floor(position)
    high = min(low + 1, len(RAMP) - 1)
    share = position - low
    start, end = _rgb(RAMP[low]), _rgb(RAMP[high])
    return [round(a + (b - a) * share) for a, b in zip(start, end, strict=True)] + [255]


def value_fractions(values: pd.Series, *, higher_is_better: bool) -> pd.Series:
    """Where each value sits between the worst and the best value shown (0 to 1)."""
    low, high = values.min(), values.max()
    if pd.isna(low) or high == low:
        return values.where(values.isna(), 1.0)
    fractions = (values - low) / (high - low)
    return fractions if higher_is_better else 1.0 - fractions


def fill_colours(values: pd.Series, *, higher_is_better: bool) -> list[Colour]:
    """One RGBA fill per value; grey where there is no value."""
    fractions = value_fractions(values.astype(float), higher_is_better=higher_is_better)
    return [NO_DATA_COLOUR if pd.isna(f) else ramp_colour(float(f)) for f in fractions]


# --- Tooltips -----------------------------------------------------------------------------


def _value_tooltip(row: Any, unit: str, year: int) -> str:
    name = f"{row.name} ({row.region_code})" if row.region_code else str(row.name)
    if pd.isna(row.value):
        return "\n".join([name, _("No data for {year}").format(year=year)])
    value = _("Value: {value} ({year})").format(
        value=format_value(row.value, unit), year=int(row.year)
    )
    progress = _("Progress: {status}").format(status=progress_label(str(row.status)))
    return "\n".join([name, value, progress])


def _initiatives_tooltip(count: int, names: str) -> str:
    heading = ngettext("{count} initiative acts here:", "{count} initiatives act here:", count)
    listed = [f"• {name}" for name in names.split("; ") if name]
    return "\n".join([heading.format(count=count), *listed])


# --- Layers -------------------------------------------------------------------------------


def _ocean_layer() -> pdk.Layer:
    return pdk.Layer(
        "SolidPolygonLayer",
        id="ocean",
        # Wider than the world, so a screen wider than the map at this zoom shows sea at
        # its sides rather than a blank page.
        data=[{"polygon": [[-540, -85], [540, -85], [540, 85], [-540, 85]]}],
        get_polygon="polygon",
        get_fill_color=OCEAN_COLOUR,
        pickable=False,
    )


def _land_layer() -> pdk.Layer:
    return pdk.Layer(
        "GeoJsonLayer",
        id="land",
        data=_outline("land"),
        filled=True,
        stroked=True,
        get_fill_color=LAND_COLOUR,
        get_line_color=BORDER_COLOUR,
        line_width_min_pixels=0.5,
        pickable=False,
    )


def _shapes_layer(layer_id: str, rows: list[dict[str, Any]]) -> pdk.Layer:
    """Countries with an outline, each filled with its row's `fill`."""
    shapes = country_shapes()
    features = [
        {
            "type": "Feature",
            "id": row["code"],
            "properties": {k: v for k, v in row.items() if k not in ("latitude", "longitude")},
            "geometry": _outline(row["code"]),
        }
        for row in rows
        if row["code"] in shapes
    ]
    return pdk.Layer(
        "GeoJsonLayer",
        id=layer_id,
        data={"type": "FeatureCollection", "features": features},
        filled=True,
        stroked=True,
        get_fill_color="properties.fill",
        get_line_color=BORDER_COLOUR,
        line_width_min_pixels=0.5,
        pickable=True,
        auto_highlight=True,
        highlight_color=HIGHLIGHT_COLOUR,
    )


def _markers_layer(layer_id: str, rows: list[dict[str, Any]]) -> pdk.Layer:
    """Countries without an outline, as dots at their representative point."""
    shapes = country_shapes()
    points = [
        {**row, "position": [row["longitude"], row["latitude"]]}
        for row in rows
        if row["code"] not in shapes and pd.notna(row["latitude"]) and pd.notna(row["longitude"])
    ]
    return pdk.Layer(
        "ScatterplotLayer",
        id=layer_id,
        data=points,
        get_position="position",
        get_fill_color="fill",
        get_line_color=MARKER_OUTLINE,
        get_radius=5,
        radius_units=PIXELS,
        stroked=True,
        line_width_units=PIXELS,
        get_line_width=1,
        pickable=True,
        auto_highlight=True,
        highlight_color=HIGHLIGHT_COLOUR,
    )


def _initiatives_layer(rows: list[dict[str, Any]]) -> pdk.Layer:
    """Rings at the countries where initiatives act, larger where more of them do."""
    return pdk.Layer(
        "ScatterplotLayer",
        id="initiatives",
        data=rows,
        get_position="position",
        get_radius="radius",
        radius_units=PIXELS,
        filled=True,
        get_fill_color=INITIATIVE_COLOUR[:3] + [50],
        stroked=True,
        get_line_color=INITIATIVE_COLOUR,
        line_width_units=PIXELS,
        get_line_width=2.5,
        pickable=True,
        auto_highlight=True,
        highlight_color=HIGHLIGHT_COLOUR,
    )


class CompactDeck(pdk.Deck):
    """A Deck whose JSON is compact and whose outlines are serialised once per process.

    pydeck indents its JSON, which puts every coordinate on a line of its own; and the
    outlines are the bulk of the map. Layers hold a placeholder for each outline (see
    `_outline`), replaced here by the JSON text cached for it.
    """

    def to_json(self) -> str:
        text = json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))
        return OUTLINE_PLACEHOLDER.sub(lambda match: _outline_json(match.group(1)), text)


OUTLINE_PLACEHOLDER = re.compile(r'"__outline__:(\w+)"')


def _outline(name: str) -> str:
    """The placeholder for a country's outline (by ISO alpha-3 code) or for all the land."""
    return f"__outline__:{name}"


@lru_cache(maxsize=512)
def _outline_json(name: str) -> str:
    value = land() if name == "land" else country_shapes()[name]
    return json.dumps(value, separators=(",", ":"))


def _deck(layers: list[pdk.Layer], view: pdk.ViewState, height: int) -> pdk.Deck:
    # map_provider=None and the default map_style: pydeck then writes the "__MAP_STYLE__"
    # placeholder, which Streamlit drops. map_style=None would be left out of the JSON, and
    # Streamlit would then fill in a Carto basemap fetched from the internet.
    return CompactDeck(
        layers=layers,
        initial_view_state=view,
        views=[pdk.View(type="MapView", controller=CONTROLLER, repeat=False)],
        map_provider=None,
        tooltip={"text": "{tooltip}", "style": TOOLTIP_STYLE},
        height=height,
    )


# --- Views --------------------------------------------------------------------------------


def _mercator_y(latitude: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2))


def _latitude(mercator_y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(mercator_y)) - math.pi / 2)


# Degrees north or south beyond which a region's view does not reach: Web Mercator
# stretches the far north without end, and framing Canada's Arctic islands or Svalbard
# whole would shrink the rest of the Americas or Europe to a strip.
LATITUDE_LIMIT = 72.0


def _positions(places: pd.DataFrame) -> list[tuple[float, float]]:
    """(longitude, latitude) of every vertex of the places' outlines, and the representative
    point of each place drawn as a dot: what a view must hold to show all of them."""
    shapes = country_shapes()
    codes = places["geo_code" if "geo_code" in places else "code"]
    positions: list[tuple[float, float]] = []
    for code, latitude, longitude in zip(
        codes, places["latitude"], places["longitude"], strict=True
    ):
        if code in shapes:
            positions += _vertices(shapes[code])
        elif pd.notna(latitude) and pd.notna(longitude):
            positions.append((float(longitude), float(latitude)))
    return positions


def _vertices(shape: dict[str, Any]) -> list[tuple[float, float]]:
    return [(x, y) for polygon in shape["coordinates"] for ring in polygon for x, y in ring]


def longitude_span(longitudes: list[float]) -> tuple[float, float]:
    """The west and east ends of the shortest arc that holds every longitude, east >= west:
    it crosses the date line (east beyond 180) when that is shorter, as for Asia and the
    Pacific, or for the CIS (Chukotka)."""
    ordered = sorted({(longitude + 180) % 360 - 180 for longitude in longitudes})
    following = ordered[1:] + ordered[:1]
    gaps = [(after - before) % 360 for before, after in zip(ordered, following, strict=True)]
    widest = gaps.index(max(gaps))  # the arc is everything but the widest empty gap
    west, east = following[widest], ordered[widest]
    return west, east if east >= west else east + 360


def region_view(
    places: pd.DataFrame,
    *,
    width: int = MAP_WIDTH,
    height: int = MAP_HEIGHT,
    margin: float = 0.05,
) -> pdk.ViewState:
    """A view that frames every country of `places` (geo_code or code, latitude, longitude)
    in a map of about `width` x `height` pixels: the bounds of their outlines (their
    representative points for those without one), with `margin` of the map to spare on
    each side."""
    positions = _positions(places)
    if not positions:
        return WORLD_VIEW
    west, east = longitude_span([longitude for longitude, _latitude in positions])
    latitudes = [latitude for _longitude, latitude in positions]
    bottom = _mercator_y(max(min(latitudes), -LATITUDE_LIMIT))
    top = _mercator_y(min(max(latitudes), LATITUDE_LIMIT))
    # Web Mercator: the whole world is 512 x 512 pixels at zoom 0, doubling at each level.
    room = 1 - 2 * margin
    zoom_across = math.log2(width * room * 360 / (TILE * max(east - west, 0.01)))
    zoom_down = math.log2(height * room * 2 * math.pi / (TILE * max(top - bottom, 0.001)))
    zoom = min(max(min(zoom_across, zoom_down), 0.0), 6.0)
    longitude = (west + east) / 2
    return pdk.ViewState(
        latitude=round(_latitude((bottom + top) / 2), 3),
        longitude=round(longitude - 360 if longitude > 180 else longitude, 3),
        zoom=math.floor(zoom * 100) / 100,  # rounded down: a rounded-up zoom would crop
        min_zoom=0,
        max_zoom=8,
    )


# --- Decks --------------------------------------------------------------------------------


RING_MIN_PIXELS, RING_MAX_PIXELS = 7, 26


def ring_radius(count: int, most: int) -> float:
    """Pixels of a ring for `count` initiatives when the busiest country has `most`: area
    in proportion, between a visible minimum and a maximum that leaves the map readable
    whether the store tracks thirty initiatives or thousands."""
    share = math.sqrt(count / most) if most > 0 else 0.0
    return round(RING_MIN_PIXELS + (RING_MAX_PIXELS - RING_MIN_PIXELS) * share, 1)


def initiative_points(locations: pd.DataFrame, values: pd.DataFrame, unit: str, year: int) -> list:
    """Rows for the initiative layer: position, radius and a tooltip naming the initiatives
    (and the country's value, since the ring covers it)."""
    if locations.empty:
        return []
    shown = locations.dropna(subset=["latitude", "longitude"]).merge(
        values[["geo_code", "region_code", "value", "year", "status"]], on="geo_code", how="left"
    )
    points = []
    most = int(shown["initiatives"].max()) if len(shown) else 0
    for row in shown.itertuples():
        count = int(row.initiatives)
        points.append(
            {
                "code": row.geo_code,
                "name": row.name,
                "position": [float(row.longitude), float(row.latitude)],
                "radius": ring_radius(count, most),
                "initiatives": count,
                "tooltip": _value_tooltip(row, unit, year)
                + "\n"
                + _initiatives_tooltip(count, row.initiative_names),
            }
        )
    return points


def choropleth_deck(
    values: pd.DataFrame,
    *,
    unit: str,
    higher_is_better: bool,
    year: int,
    locations: pd.DataFrame | None = None,
    view: pdk.ViewState | None = None,
    height: int = 520,
) -> pdk.Deck:
    """The world coloured by `values` (queries.geo.country_values), with the countries where
    initiatives act (queries.geo.initiative_locations) as rings on top when given."""
    fills = fill_colours(values["value"], higher_is_better=higher_is_better)
    rows = [
        {
            "code": row.geo_code,
            "name": row.name,
            "latitude": row.latitude,
            "longitude": row.longitude,
            "value": None if pd.isna(row.value) else float(row.value),
            "has_data": not pd.isna(row.value),
            "fill": fill,
            "tooltip": _value_tooltip(row, unit, year),
        }
        for row, fill in zip(values.itertuples(), fills, strict=True)
    ]
    layers = [
        _ocean_layer(),
        _land_layer(),
        _shapes_layer("values", rows),
        _markers_layer("value-markers", rows),
    ]
    if locations is not None:
        layers.append(_initiatives_layer(initiative_points(locations, values, unit, year)))
    return _deck(layers, view or WORLD_VIEW, height)


def region_deck(members: pd.DataFrame, *, width: int = 620, height: int = 380) -> pdk.Deck:
    """A region's countries (queries.geo.regional_countries) in light blue, those where the
    regional initiative's initiatives act in dark blue with a ring (small countries would
    not show their colour), framed on the region."""
    rows, rings = [], []
    most = int(members["initiatives"].max()) if len(members) else 0
    for row in members.itertuples():
        count = int(row.initiatives)
        tooltip = str(row.name)
        if count:
            tooltip += "\n" + _initiatives_tooltip(count, row.initiative_names)
            if pd.notna(row.latitude) and pd.notna(row.longitude):
                rings.append(
                    {
                        "code": row.code,
                        "position": [float(row.longitude), float(row.latitude)],
                        "radius": ring_radius(count, most),
                        "tooltip": tooltip,
                    }
                )
        rows.append(
            {
                "code": row.code,
                "name": row.name,
                "latitude": row.latitude,
                "longitude": row.longitude,
                "fill": ACTING_COLOUR if count else MEMBER_COLOUR[:3] + [150],
                "tooltip": tooltip,
            }
        )
    layers = [
        _ocean_layer(),
        _land_layer(),
        _shapes_layer("members", rows),
        _markers_layer("member-markers", rows),
        _initiatives_layer(rings),
    ]
    return _deck(layers, region_view(members, width=width, height=height), height)


# --- Words and tables beside the map -------------------------------------------------------


def values_summary(values: pd.DataFrame, *, year: int, unit: str, region: str = "") -> str:
    """ "Values for 168 of 198 countries in 2023; highest X (…), lowest Y (…)."

    `region` names the region the countries are in, when the map shows one."""
    total = len(values)
    with_data = values.dropna(subset=["value"])
    if with_data.empty:
        return _no_values_sentence(total, year, region)
    # Ranked as the table beside the map is: ties in name order, so both name the same.
    ranked = with_data.sort_values(["value", "name"], ascending=[False, True])
    highest, lowest = ranked.iloc[0], ranked.iloc[-1]
    if region:
        summary = ngettext(
            "Values for {count} of {total} country in {region} in {year}; highest {highest} "
            "({highest_value}), lowest {lowest} ({lowest_value}).",
            "Values for {count} of {total} countries in {region} in {year}; highest {highest} "
            "({highest_value}), lowest {lowest} ({lowest_value}).",
            total,
        )
    else:
        summary = ngettext(
            "Values for {count} of {total} country in {year}; highest {highest} "
            "({highest_value}), lowest {lowest} ({lowest_value}).",
            "Values for {count} of {total} countries in {year}; highest {highest} "
            "({highest_value}), lowest {lowest} ({lowest_value}).",
            total,
        )
    return summary.format(
        count=len(with_data),
        total=total,
        region=region,
        year=year,
        highest=highest["name"],
        highest_value=format_value(highest["value"], unit),
        lowest=lowest["name"],
        lowest_value=format_value(lowest["value"], unit),
    )


def _no_values_sentence(total: int, year: int, region: str) -> str:
    if region:
        none = ngettext(
            "No values for the {total} country in {region} in {year}.",
            "No values for the {total} countries in {region} in {year}.",
            total,
        )
    else:
        none = ngettext(
            "No values for the {total} country in {year}.",
            "No values for the {total} countries in {year}.",
            total,
        )
    return none.format(total=total, region=region, year=year)


def values_table(values: pd.DataFrame) -> pd.DataFrame:
    """country, code, region, value, year, status (word and symbol): the map as a table."""
    return pd.DataFrame(
        {
            "country": values["name"],
            "code": values["geo_code"],
            "region": values["region_code"],
            "value": values["value"].astype(float),
            "year": values["year"].astype("Int64"),
            "status": values["status"].map(progress_label),
        }
    ).sort_values(["value", "country"], ascending=[False, True], na_position="last")


def missing_names(values: pd.DataFrame) -> list[str]:
    """Names of the countries without a value, alphabetically."""
    return sorted(values.loc[values["value"].isna(), "name"].astype(str))


def legend_chart(
    low: float, high: float, *, unit: str, higher_is_better: bool, steps: int = 48
) -> alt.Chart:
    """The colour ramp as a bar from the lowest to the highest value shown, labelled with
    which end is better (deck.gl draws no legend)."""
    if not high > low:
        high = low + 1.0
    width = (high - low) / steps
    rows = []
    for step in range(steps):
        start = low + step * width
        fraction = (step + 0.5) / steps
        colour = ramp_colour(fraction if higher_is_better else 1 - fraction)
        rows.append(
            {
                "start": start,
                "end": start + width * 1.05,  # a hair of overlap: no seams between steps
                "colour": "#{:02x}{:02x}{:02x}".format(*colour[:3]),
            }
        )
    better = _("higher is better →") if higher_is_better else _("← lower is better")
    return (
        alt.Chart(pd.DataFrame(rows), height=LEGEND_HEIGHT)
        .mark_rect()
        .encode(
            x=alt.X(
                "start:Q",
                scale=alt.Scale(domain=[low, high], nice=False, zero=False),
                title=f"{unit_label(unit)} · {better}",
                axis=alt.Axis(tickCount=5, grid=False, titleFontWeight="normal", offset=20),
            ),
            x2=alt.X2("end:Q"),
            # An explicit band: Streamlit fits the chart into its height, which leaves a
            # mark without a y encoding no height at all.
            y=alt.YValue(0),
            y2=alt.Y2Value(18),
            color=alt.Color("colour:N", scale=None, legend=None),
        )
        .properties(usermeta={"embedOptions": {"actions": False}})
    )


def status_counts(statuses: pd.Series) -> dict[str, int]:
    """How many of each progress status, for count phrases."""
    return {str(k): int(v) for k, v in statuses.fillna("insufficient data").value_counts().items()}
