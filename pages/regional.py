"""Regional initiatives: the ITU-D regional initiatives, their initiatives, countries and
indicators."""

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from gdc_tracker import maps
from gdc_tracker.i18n import _
from gdc_tracker.palette import PROGRESS_ORDER, progress_label
from gdc_tracker.queries import geo, overview
from gdc_tracker.status import rule_in_words
from gdc_tracker.ui import components, filters
from gdc_tracker.ui.frame import PageContext, page_frame

DEFAULT_KEY = "AMS2/2023-2025"
NOT_GIVEN = "Title not given in the source documents."
CARDS_PER_ROW = 4
INITIATIVE_COLUMNS = {
    "name": _("Initiative"),
    "lead_sector": _("Lead sector"),
    "start_date": st.column_config.DateColumn(_("Start")),
    "end_date": st.column_config.DateColumn(_("End")),
    "countries": _("Countries where it acts"),
}
INDICATOR_COLUMNS = {
    "status": _("Progress status"),
    "explanation": st.column_config.TextColumn(_("Why"), width="large"),
    "latest_year": st.column_config.NumberColumn(_("Year"), format="%d"),
    "latest_value": st.column_config.NumberColumn(_("Latest"), format="%.2f"),
}


def label(row: pd.Series) -> str:
    """ "AMS2 (2023-2025) · Enhancement and expansion of…": short enough for a select box."""
    title = row["title"] if len(row["title"]) <= 60 else row["title"][:59].rstrip() + "…"
    return f"{row['code']} ({row['cycle']})" + (f" · {title}" if title else "")


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
    labels = {row["key"]: label(row) for _i, row in listed.iterrows()}
    with right:
        key = filters.select(
            _("Regional initiative"), list(labels), param="ri", labels=labels, default=DEFAULT_KEY
        )
    return listed, str(key)


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
            f"{_('Initiatives')}: {row['initiatives']} · {_('Indicators')}: {row['indicators']}"
        )
        if row["key"] == chosen:
            st.caption("⬇️ " + _("Shown below"))
        else:
            st.page_link(
                "pages/regional.py",
                label=_("Show {code}").format(code=code),
                query_params={"ri": row["key"]},
            )


def purpose(chosen: pd.Series, region_name: str) -> None:
    heading = f"{chosen['code']} ({chosen['cycle']}) · {region_name}"
    st.subheader(components.plain(heading))
    if chosen["title"] or chosen["note"]:  # the note says why a title is missing
        st.text(chosen["title"] or chosen["note"])
    else:
        st.caption(_(NOT_GIVEN))


def initiatives_and_countries(ctx: PageContext, chosen: pd.Series, region_name: str) -> None:
    rid = int(chosen["id"])
    st.markdown("#### " + _("Initiatives"))
    initiatives = ctx.load(geo.regional_initiative_initiatives, regional_initiative_id=rid)
    if initiatives.empty:
        components.empty_state(
            _("No initiative is linked to {code} yet.").format(
                code=components.plain(chosen["code"])
            ),
            _("Editors link initiatives to regional initiatives on the Update page."),
        )
    else:
        components.table(
            initiatives.drop(columns="id"),
            name=f"{chosen['code']}_initiatives",
            key="regional__initiatives",
            column_config=INITIATIVE_COLUMNS,
        )
    members = ctx.load(geo.regional_countries, regional_initiative_id=rid)
    acting = members[members["initiatives"] > 0]
    st.markdown("#### " + _("Countries"))
    left, right = st.columns([3, 2])
    with left:
        st.pydeck_chart(maps.region_deck(members), height=380, key="regional__deck")
    with right:
        st.caption(
            f"{_('Light blue')}: {len(members)} {_('countries of the region')} "
            f"({components.plain(region_name)}). "
            f"{_('Dark blue, ringed')}: {len(acting)} {_('where its initiatives act')}. "
            + _("Dots: countries too small for an outline.")
        )
        if acting.empty:
            st.caption(_("None of its initiatives names a country: they act region-wide."))
        else:
            components.table(
                acting[["name", "code", "initiatives", "initiative_names"]],
                name=f"{chosen['code']}_countries",
                key="regional__countries",
                column_config={"name": _("Country"), "initiative_names": _("Which")},
            )


def indicators(ctx: PageContext, chosen: pd.Series, region_name: str) -> None:
    st.markdown("#### " + _("Indicators"))
    panels = ctx.load(
        overview.regional_panel,
        codes=(chosen["code"],),
        cycle=chosen["cycle"],
        thresholds=ctx.settings.thresholds,
    )
    linked = panels[0]["indicators"] if panels else pd.DataFrame()
    if linked.empty:
        components.empty_state(
            _("No indicator is linked to {code} yet.").format(
                code=components.plain(chosen["code"])
            ),
            _("Admins link indicators to regional initiatives in the reference data."),
        )
        return
    counts = maps.status_counts(linked["status"])
    st.markdown(
        _("Progress of {region} on its {n} indicators:").format(
            region=components.plain(region_name), n=len(linked)
        )
        + " "
        + components.count_phrase(counts, PROGRESS_ORDER, labels=True)
    )
    table = linked.assign(status=linked["status"].fillna("insufficient data").map(progress_label))
    components.table(
        table[["name", "unit", "latest_year", "latest_value", "status", "explanation"]],
        name=f"{chosen['code']}_indicators",
        key="regional__indicators",
        column_config={"name": _("Indicator") + f" ({region_name})", **INDICATOR_COLUMNS},
    )
    with st.expander(_("How progress status is computed")):
        st.markdown(rule_in_words(ctx.settings.thresholds))
    country_values(ctx, chosen)


def country_values(ctx: PageContext, chosen: pd.Series) -> None:
    rid = int(chosen["id"])
    st.markdown("#### " + _("Values of the region's countries, latest year"))
    table = ctx.load(geo.regional_country_table, regional_initiative_id=rid)
    if len(table.columns) <= 2:
        components.empty_state(
            _("None of its indicators has values for the region's countries."),
            _("Its indicators are reported for the region or the world only."),
        )
    else:
        components.table(table, name=f"{chosen['code']}_country_values", key="regional__values")
    sources = ctx.load(geo.regional_sources, regional_initiative_id=rid)
    components.source_caption(
        "; ".join(sources["sources"]) or ctx.settings.organisation_name,
        sources["as_of"],
        is_demo=bool(sources["is_demo"]),
    )


def render() -> None:
    ctx = page_frame(__file__)
    st.title(_("Regional initiatives"))
    components.share_link()
    st.caption(
        _("ITU-D regional initiatives: the initiatives under each, its countries and indicators.")
    )
    regional = ctx.load(overview.regional_initiatives)
    if regional.empty:
        components.empty_state(
            _("No regional initiative is recorded yet."),
            _("Admins add them to the reference data (regional_initiatives.csv)."),
        )
        return
    regional = regional.assign(
        key=regional["code"] + "/" + regional["cycle"],
        title=regional["title"].fillna(""),
        note=regional["note"].fillna(""),
    )
    listed, key = choose(regional)
    cards(listed, key)
    chosen = listed.set_index("key").loc[key]
    regions = ctx.load(overview.geographies).set_index("code")["name"]
    region_name = str(regions.get(chosen["region_code"], chosen["region_code"]))
    purpose(chosen, region_name)
    initiatives_and_countries(ctx, chosen, region_name)
    indicators(ctx, chosen, region_name)


render()
