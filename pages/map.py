"""Map: an indicator by country for one year, with the places where initiatives act."""

import pandas as pd
import streamlit as st

from gdc_tracker import maps
from gdc_tracker.i18n import _
from gdc_tracker.queries import geo, overview
from gdc_tracker.status import rule_in_words
from gdc_tracker.ui import components, filters
from gdc_tracker.ui.frame import PageContext, page_frame

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


def choose(ctx: PageContext, indicators: pd.DataFrame) -> tuple[pd.Series, int, str, str, bool]:
    """The indicator, year, region (code and name) and initiative layer the URL asks for."""
    regions = ctx.load(overview.geographies).query("kind == 'region'")
    region_names = dict(zip(regions["code"], regions["name"], strict=True))
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
        shown = initiatives_toggle()
    indicator = indicators.set_index("code").loc[code]
    year = year or int(years["year"].max())
    return indicator, year, region or "", region_names.get(region or "", ""), shown


def legend(
    ctx: PageContext, values: pd.DataFrame, indicator: pd.Series, year: int, shown: bool
) -> None:
    present = values["value"].dropna()
    left, right = st.columns([2, 3], vertical_alignment="center")
    with left:
        if len(present):
            st.vega_lite_chart(
                spec=ctx.chart(
                    maps.legend_chart,
                    float(present.min()),
                    float(present.max()),
                    unit=indicator["unit"],
                    higher_is_better=indicator["direction"] == "higher_is_better",
                ),
                width="stretch",
                key="map__legend",
            )
    with right:
        notes = [
            _("Dark purple is better, light yellow worse."),
            _("Grey: no value for") + f" {year}.",
            _("Dots: countries too small for an outline at this scale."),
        ]
        if shown:
            notes.append(_("Orange rings: countries where initiatives act, sized by how many."))
        st.caption(" ".join(notes))


def render() -> None:
    ctx = page_frame(__file__)
    st.title(_("Map"))
    components.share_link()
    st.caption(_("An indicator by country for one year. Hover a country for its value."))
    indicators = ctx.load(geo.map_indicators)
    if indicators.empty:
        components.empty_state(
            _("No indicator has published values for countries yet."),
            _("Editors add country values on the Update or Import pages."),
        )
        return
    indicator, year, region, region_name, shown = choose(ctx, indicators)
    code, unit = str(indicator.name), str(indicator["unit"])
    values = ctx.load(
        geo.country_values, indicator_code=code, year=year, thresholds=ctx.settings.thresholds
    )
    in_view = values[values["region_code"] == region] if region else values
    legend(ctx, values, indicator, year, shown)
    locations = ctx.load(geo.initiative_locations) if shown else None
    st.pydeck_chart(
        maps.choropleth_deck(
            values,
            unit=unit,
            higher_is_better=indicator["direction"] == "higher_is_better",
            year=year,
            locations=locations,
            view=maps.region_view(in_view) if region else None,
        ),
        height=540,
        key="map__deck",
    )
    where = _("in") + f" {region_name}" if region else ""
    st.caption(components.plain(maps.values_summary(in_view, year=year, unit=unit, where=where)))
    if shown:
        global_count = ctx.load(geo.initiatives_without_location)
        st.caption(
            f"{global_count} " + _("initiatives name no country (they act globally): not drawn.")
        )
    shown_values = in_view.dropna(subset=["value"])
    components.source_caption(
        "; ".join(sorted(set(shown_values["source"].dropna()) - {""})) or indicator["source"],
        shown_values["updated_at"].max() if len(shown_values) else None,
        is_demo=bool(shown_values["is_demo"].fillna(False).any()),
    )
    missing = maps.missing_names(in_view)
    if missing:
        with st.expander(f"{_('No value for')} {year}: {len(missing)} {_('countries')}"):
            st.text(", ".join(missing))
    st.subheader(_("{name}, {year}").format(name=components.plain(indicator["name"]), year=year))
    components.table(
        maps.values_table(in_view),
        name=f"map_{code}_{year}",
        key="map__table",
        column_config={
            "value": st.column_config.NumberColumn(
                _("Value") + f" ({unit.replace('_', ' ')})", format="%.2f"
            ),
            "year": st.column_config.NumberColumn(_("Year"), format="%d"),
        },
    )
    with st.expander(_("How progress status is computed")):
        st.markdown(rule_in_words(ctx.settings.thresholds))


render()
