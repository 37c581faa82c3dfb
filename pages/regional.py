"""Regional initiatives: the ITU-D regional initiatives, their initiatives, countries and
indicators."""

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from gdc_tracker import maps
from gdc_tracker.i18n import N_, _
from gdc_tracker.status import rule_in_words
from gdc_tracker.ui import components, filters, language
from gdc_tracker.ui.frame import PageContext, page_frame
from gdc_tracker.views import View
from gdc_tracker.views.regional import regional_choices, regional_view

DEFAULT_KEY = "AMS2/2023-2025"
NOT_GIVEN = N_("Title not given in the source documents.")
CARDS_PER_ROW = 4
INITIATIVE_COLUMNS = {
    "name": _("Initiative"),
    "status": _("Status"),
    "lead_sector": _("Lead sector"),
    "start_date": st.column_config.DateColumn(_("Start")),
    "end_date": st.column_config.DateColumn(_("End")),
    "countries": _("Countries where it acts"),
}
INDICATOR_COLUMNS = {
    "unit": _("Unit"),
    "status": _("Progress status"),
    "explanation": st.column_config.TextColumn(_("Why"), width="large"),
    "latest_year": st.column_config.NumberColumn(_("Year"), format="%d"),
    "latest_value": st.column_config.NumberColumn(_("Latest"), format="%.2f"),
    "source": _("Source of the latest value"),
    "real_or_demo": _("Data"),
    "is_demo": None,  # in the files, where it marks demo values; said by "Data" here
}


def choose(regional: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The regional initiatives listed (one cycle or all) and the one shown in depth."""
    left, right = st.columns([1, 3])
    with left:
        cycle = filters.select(
            _("Cycle"),
            ["", *sorted(regional["cycle"].unique())],
            param="cycle",
            labels={"": _("All cycles")},
        )
    listed = regional[regional["cycle"] == cycle] if cycle else regional
    labels = dict(zip(listed["key"], listed["label"], strict=True))
    with right:
        key = filters.select(
            _("Regional initiative"), list(labels), param="ri", labels=labels, default=DEFAULT_KEY
        )
    keep_in_url("cycle", cycle or "", default="")
    keep_in_url("ri", str(key), default=DEFAULT_KEY)
    return listed, str(key)


def keep_in_url(param: str, value: str, *, default: str) -> None:
    """Write the view shown into the URL on every run.

    A card's "Show …" link opens this very page: Streamlit runs it with the link's
    parameters but leaves the address bar as it was, so a copied link (or the next
    rerun) would show the previous initiative. A value the URL had wrong is dropped."""
    if value == default:
        st.query_params.pop(param, None)
    else:
        st.query_params[param] = value


def cards(listed: pd.DataFrame, chosen: str) -> None:
    """One card per regional initiative, four to a row; the others link to themselves."""
    rows = [row for _i, row in listed.iterrows()]
    for start in range(0, len(rows), CARDS_PER_ROW):
        columns = st.columns(CARDS_PER_ROW)
        for column, row in zip(columns, rows[start : start + CARDS_PER_ROW], strict=False):
            card(row, chosen, column)


def card(row: pd.Series, chosen: str, column: DeltaGenerator) -> None:
    with column, st.container(border=True):
        code, cycle, region = (components.plain(row[k]) for k in ("code", "cycle", "region_code"))
        st.markdown(f"**{code}** · {cycle} · {region}")
        if row["title"]:
            st.text(row["title"])
        else:
            st.caption(_(NOT_GIVEN))
        st.caption(
            _("Initiatives: {initiatives} · Indicators: {indicators}").format(
                initiatives=row["initiatives"], indicators=row["indicators"]
            )
        )
        if row["key"] == chosen:
            st.caption(_("⬇️ Shown below"))
        else:
            cycle = st.query_params.get("cycle")
            st.page_link(
                "pages/regional.py",
                label=_("Show {code}").format(code=code),
                query_params=language.link_query(
                    {"ri": row["key"]} | ({"cycle": cycle} if cycle else {})
                ),
            )


def purpose(view: View) -> None:
    st.header(components.plain(view.map_options["heading"]), anchor=False)
    if view.summary:  # its title, or the note saying why a title is missing
        st.text(view.summary)
    else:
        st.caption(_(NOT_GIVEN))


def initiatives(view: View) -> None:
    st.subheader(_("Initiatives"), anchor=False)
    code = view.map_options["code"]
    if view.map_options["initiatives"].empty:
        components.empty_state(
            _("No initiative is linked to {code} yet.").format(code=components.plain(code)),
            _("Editors link initiatives to regional initiatives on the Update page."),
        )
        return
    components.table(
        view.map_options["initiatives"],
        name=f"{code}_initiatives",
        key="regional__initiatives",
        about=view.map_options["reference_about"],
        column_config=INITIATIVE_COLUMNS,
    )


def countries(view: View) -> None:
    st.subheader(_("Countries"), anchor=False)
    acting = view.map_options["acting"]
    left, right = st.columns([3, 2])
    left.pydeck_chart(
        maps.region_deck(view.places),
        height=380,
        key="regional__deck",
        alt=view.map_options["countries_note"],
    )
    with right:
        st.caption(components.plain(view.map_options["countries_note"]))
        if acting.empty:
            st.caption(_("None of its initiatives names a country: they act region-wide."))
            return
        components.table(
            acting,
            name=f"{view.map_options['code']}_countries",
            key="regional__countries",
            about=view.map_options["reference_about"],
            column_config={
                "name": _("Country"),
                "code": _("Code"),
                "initiatives": _("Initiatives"),
                "initiative_names": _("Which"),
            },
        )


def indicators(ctx: PageContext, view: View) -> None:
    st.subheader(_("Indicators"), anchor=False)
    code, region_name = view.map_options["code"], view.map_options["region_name"]
    if view.data.empty:
        components.empty_state(
            _("No indicator is linked to {code} yet.").format(code=components.plain(code)),
            _("Admins link indicators to regional initiatives in the reference data."),
        )
        return
    st.markdown(components.plain(view.map_options["status_line"]))
    components.table(
        view.data,
        name=f"{code}_indicators",
        key="regional__indicators",
        about=view.about,
        column_config={
            "name": _("Indicator ({region})").format(region=region_name),
            **INDICATOR_COLUMNS,
        },
    )
    with st.expander(_("How progress status is computed")):
        st.markdown(rule_in_words(ctx.settings.thresholds))
    country_values(view)


def country_values(view: View) -> None:
    st.subheader(_("Values of the region's countries, latest year"), anchor=False)
    table = view.map_options["country_table"]
    if len(table.columns) <= 2:
        components.empty_state(
            _("None of its indicators has values for the region's countries."),
            _("Its indicators are reported for the region or the world only."),
        )
    else:
        components.table(
            table,
            name=f"{view.map_options['code']}_country_values",
            key="regional__values",
            about=view.about,
            download=view.map_options["countries"],
            observations=view.map_options["country_observations"],
            column_config={"country": _("Country"), "code": _("Code")},
        )
    components.source_caption(view.about)


def render() -> None:
    ctx = page_frame(__file__)
    st.title(_("Regional initiatives"), anchor=False)
    components.share_link()
    st.caption(
        _("ITU-D regional initiatives: the initiatives under each, its countries and indicators.")
    )
    regional = ctx.load(regional_choices)
    if regional.empty:
        components.empty_state(
            _("No regional initiative is recorded yet."),
            _("Admins add them to the reference data (regional_initiatives.csv)."),
        )
        return
    listed, key = choose(regional)
    cards(listed, key)
    view = ctx.load(regional_view, key=key, thresholds=ctx.settings.thresholds)
    purpose(view)
    initiatives(view)
    countries(view)
    indicators(ctx, view)


render()
