"""Map: an indicator by country for one year, with the places where initiatives act."""

import pandas as pd
import streamlit as st

from gdc_tracker import maps
from gdc_tracker.i18n import _
from gdc_tracker.queries import geo
from gdc_tracker.status import rule_in_words
from gdc_tracker.ui import components, filters
from gdc_tracker.ui.frame import PageContext, page_frame
from gdc_tracker.views import View
from gdc_tracker.views.map import map_regions, map_view

DEFAULT_INDICATOR = "UMC_INTERNET_USE"
INITIATIVES_KEY = "url__initiatives"


def initiatives_toggle() -> bool:
    """`?initiatives=0` hides the initiative layer; shown otherwise (the URL is the truth)."""

    def write_back() -> None:
        if st.session_state[INITIATIVES_KEY]:
            st.query_params.pop("initiatives", None)
        else:
            st.query_params["initiatives"] = "0"

    st.session_state[INITIATIVES_KEY] = filters.url_value("initiatives") != "0"
    return st.toggle(_("Initiative locations"), key=INITIATIVES_KEY, on_change=write_back)


def choose(ctx: PageContext, indicators: pd.DataFrame) -> dict[str, object]:
    """The indicator, year, region and initiative layer the URL asks for: `map_view`'s
    arguments."""
    region_names = ctx.load(map_regions)
    columns = st.columns([4, 1, 2, 2], vertical_alignment="bottom")
    with columns[0]:
        code = filters.select(
            _("Indicator"),
            list(indicators["code"]),
            param="indicator",
            labels=dict(zip(indicators["code"], indicators["name"], strict=True)),
            default=DEFAULT_INDICATOR,
        )
    years = ctx.load(geo.indicator_years, indicator_code=code)
    with columns[1]:
        year = filters.year(_("Year"), list(years["year"]), param="year")
    with columns[2]:
        region = filters.select(
            _("Zoom to region"),
            ["", *region_names],
            param="region",
            labels={"": _("World"), **region_names},
        )
    with columns[3]:
        initiatives = initiatives_toggle()
    return {
        "code": code,
        "year": year,
        "region": region or "",
        "initiatives": initiatives,
        "map_width": map_width(),
    }


def map_width() -> int:
    """About how wide the map is drawn, so that a chosen region fits it: deck.gl takes a
    fixed view, and the browser tells the server nothing of its screen but its User-Agent,
    where "Mobi" marks a phone."""
    phone = "Mobi" in st.context.headers.get("User-Agent", "")
    return maps.PHONE_MAP_WIDTH if phone else maps.MAP_WIDTH


def legend(view: View) -> None:
    left, right = st.columns([2, 3], vertical_alignment="center")
    if view.map_options["legend"]:
        left.vega_lite_chart(
            spec=components.for_screen(view.map_options["legend"]),
            width="stretch",
            key="map__legend",
            alt=view.map_options["legend_notes"],
        )
    right.caption(view.map_options["legend_notes"])


def world_map(view: View) -> None:
    """The map drawn by deck.gl, then the same map as an image for papers and slides."""
    options = view.map_options
    st.pydeck_chart(
        maps.choropleth_deck(
            view.places,
            unit=options["unit"],
            higher_is_better=options["higher_is_better"],
            year=options["year"],
            locations=options["locations"],
            view=options["view_state"],
        ),
        height=maps.MAP_HEIGHT,
        key="map__deck",
        alt=view.summary or view.title,
    )
    st.caption(components.plain(view.summary))
    if options["unplaced"]:
        st.caption(options["unplaced"])
    if view.chart is not None:
        components.chart_downloads(
            view.chart,
            name=view.map_options["name"],
            key="map__image",
            about=view.about,
        )


def values_table(view: View) -> None:
    options = view.map_options
    st.header(components.plain(view.title), anchor=False)
    components.table(
        view.data,
        name=view.map_options["name"],
        key="map__table",
        about=view.about,
        observations=view.observations,
        column_config={
            "rank": st.column_config.NumberColumn(_("Rank"), format="%d"),
            "country": _("Country or area"),
            "code": _("Code"),
            "region": _("ITU region"),
            "status": _("Status"),
            "value": st.column_config.NumberColumn(options["value_label"], format="%.2f"),
            "year": st.column_config.NumberColumn(_("Year"), format="%d"),
            "source": _("Source"),
            "real_or_demo": _("Data"),
            "is_demo": None,  # in the files, where it marks demo values; said by "Data" here
        },
    )


def render() -> None:
    ctx = page_frame(__file__)
    st.title(_("Map"), anchor=False)
    components.share_link()
    st.caption(_("An indicator by country for one year. Hover a country for its value."))
    indicators = ctx.load(geo.map_indicators)
    if indicators.empty:
        components.empty_state(
            _("No indicator has published values for countries yet."),
            _("Editors add country values on the Update or Import pages."),
        )
        return
    view = ctx.load(map_view, **choose(ctx, indicators), thresholds=ctx.settings.thresholds)
    legend(view)
    world_map(view)
    components.figure_rows(view.figures)
    components.source_caption(view.about)
    if view.map_options["missing"]:
        with st.expander(view.map_options["missing_title"]):
            st.text(", ".join(view.map_options["missing"]))
    values_table(view)
    with st.expander(_("How progress status is computed")):
        st.markdown(rule_in_words(ctx.settings.thresholds))


render()
