"""The regional initiative view: its countries, its initiatives and its indicators.

`data` holds the indicators assessed on the region's values (latest value, status, why,
and the latest value's source); `table` is its short form for a slide; `places` holds the
region's countries with the initiatives acting in each (the regional map). What else the
page draws lives in `map_options` (see `page_options`), computed here once.
"""

from dataclasses import replace
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session, col

from gdc_tracker import maps, provenance
from gdc_tracker.i18n import _, ngettext
from gdc_tracker.links import page_url
from gdc_tracker.models import (
    DataSource,
    ProgressEntry,
    initiative_status_label,
    lead_sector_label,
    unit_label,
)
from gdc_tracker.palette import PROGRESS_ORDER, progress_label
from gdc_tracker.queries import geo, overview
from gdc_tracker.queries.overview import published, source_columns
from gdc_tracker.status import DEFAULT_THRESHOLDS, Thresholds
from gdc_tracker.views import About, Figure, View, about_values, with_row_provenance
from gdc_tracker.views.reference import reference_as_of, reference_source

INDICATOR_COLUMNS = ["name", "unit", "latest_year", "latest_value", "status", "explanation"]
PROVENANCE_COLUMNS = ["source", "real_or_demo", "is_demo"]
SHORT_TITLE = 60  # characters of a title shown in a choice list


def regional_choices(session: Session) -> pd.DataFrame:
    """The regional initiatives one can open: id, code, cycle, region_code, title, note,
    initiatives, indicators, and `key` ("AMS2/2023-2025") and `label` for a choice list."""
    regional = overview.regional_initiatives(session)
    regional = regional.assign(
        key=regional["code"] + "/" + regional["cycle"],
        title=regional["title"].fillna(""),
        note=regional["note"].fillna(""),
    )
    return regional.assign(label=[choice_label(row) for _i, row in regional.iterrows()])


def choice_label(row: pd.Series) -> str:
    """ "AMS2 (2023-2025) · Enhancement and expansion of…": short enough for a select box."""
    title = str(row["title"])
    if len(title) > SHORT_TITLE:
        title = title[: SHORT_TITLE - 1].rstrip() + "…"
    return f"{row['code']} ({row['cycle']})" + (f" · {title}" if title else "")


def regional_view(
    session: Session, *, key: str, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> View:
    """A regional initiative ("AMS2/2023-2025"): its countries, initiatives and indicators."""
    code, _sep, cycle = key.partition("/")
    link = page_url("/regional", {"ri": key})
    panels = overview.regional_panel(session, codes=(code,), cycle=cycle, thresholds=thresholds)
    if not panels:
        return View(
            kind="regional",
            about=About(title=key),
            link=link,
            problem=_("This regional initiative does not exist."),
        )
    panel = panels[0]
    regional = overview.regional_initiatives(session)
    chosen = regional[(regional["code"] == code) & (regional["cycle"] == cycle)].iloc[0]
    rid, region_code = int(chosen["id"]), str(chosen["region_code"])
    members = geo.regional_countries(session, regional_initiative_id=rid)
    initiatives = geo.regional_initiative_initiatives(session, regional_initiative_id=rid)
    region = region_values(session, region_code, panel["indicators"]["indicator_id"])
    indicators = indicator_rows(panel["indicators"], latest_of_each(region))
    countries = country_value_rows(session, rid)
    acting = int((members["initiatives"] > 0).sum()) if len(members) else 0
    options = page_options(
        session, rid, code=code, cycle=cycle, region_code=region_code, members=members
    )
    about = about_values(
        values_shown(region, countries),
        title=f"{code} ({cycle})",
        filters={_("Regional initiative"): f"{code} ({cycle})"},
    )
    return View(
        kind="regional",
        about=replace(
            about,
            sources=(reference_source(), *about.sources),
            as_of=about.as_of or reference_as_of(session),
        ),
        summary=text(panel["title"]) or text(panel["note"]),  # the note says why no title
        data=indicators.assign(unit=indicators["unit"].map(unit_label)),
        figures=(
            Figure(value=str(len(initiatives)), label=_("initiatives")),
            Figure(value=f"{acting} / {len(members)}", label=_("countries where they act")),
        ),
        bullets=tuple(str(name) for name in initiatives["name"]),
        table=slide_table(indicators),
        places=members,
        map_options=options
        | {
            "initiatives": initiatives_in_words(initiatives),
            "countries": countries.drop(columns="entry_id"),
            "country_observations": country_observations(countries),
            "status_line": status_line(indicators, options["region_name"]),
        },
        link=link,
    )


def initiatives_in_words(initiatives: pd.DataFrame) -> pd.DataFrame:
    """The region's initiatives as its table shows them: status and lead sector in words,
    dates as dates (a date not stated is missing, which Streamlit's table shows as a grey
    "None")."""
    return initiatives.drop(columns="id").assign(
        status=initiatives["status"].map(initiative_status_label),
        lead_sector=initiatives["lead_sector"].map(lead_sector_label),
        start_date=pd.to_datetime(initiatives["start_date"]),
        end_date=pd.to_datetime(initiatives["end_date"]),
    )


def text(value: object) -> str:
    """A stored text, "" where there is none (None, or NaN from a frame)."""
    return "" if value is None or pd.isna(value) else str(value)


def page_options(
    session: Session, rid: int, *, code: str, cycle: str, region_code: str, members: pd.DataFrame
) -> dict[str, Any]:
    """What the page draws besides the view's data, under these keys:

    `code`, `region_name`, `heading` ("AMS2 (2023-2025) · Americas"), `reference_about`
    (what the tables of its initiatives and countries carry: reference facts, not values),
    `acting` (the countries where its initiatives act), `countries_note` (the regional
    map's legend in words) and `country_table` (a column per indicator: its values for
    each country of the region). `regional_view` adds `initiatives` (the table of its
    initiatives), `countries` (the country values one a row, with their sources: what the
    country table's files hold) and `status_line` (the statuses counted, in words)."""
    names = overview.geographies(session).set_index("code")["name"]
    listed = About(  # the initiatives and where they act: reference facts, not values
        title=f"{code} ({cycle})",
        filters={_("Regional initiative"): f"{code} ({cycle})"},
        sources=(reference_source(),),
        as_of=reference_as_of(session),
    )
    region_name = str(names.get(region_code, region_code))
    acting = members[members["initiatives"] > 0]
    return {
        "code": code,
        "region_name": region_name,
        "reference_about": listed,
        "heading": f"{code} ({cycle}) · {region_name}",
        "acting": acting[["name", "code", "initiatives", "initiative_names"]],
        "countries_note": countries_note(len(members), len(acting), region_name),
        "country_table": geo.regional_country_table(session, regional_initiative_id=rid),
    }


def countries_note(members: int, acting: int, region_name: str) -> str:
    """The regional map's legend in words: its countries, where its initiatives act, dots."""
    light = ngettext(
        "Light blue: {n} country of the region ({region}).",
        "Light blue: {n} countries of the region ({region}).",
        members,
    ).format(n=members, region=region_name)
    dark = ngettext(
        "Dark blue, ringed: {n} where its initiatives act.",
        "Dark blue, ringed: {n} where its initiatives act.",
        acting,
    ).format(n=acting)
    return " ".join((light, dark, _("Dots: countries too small for an outline.")))


def indicator_rows(linked: pd.DataFrame, latest: pd.DataFrame) -> pd.DataFrame:
    """name, unit, latest_year, latest_value, status (in words), explanation, source,
    real_or_demo and is_demo of the latest value: one row per indicator of the region."""
    table = linked.reindex(columns=["indicator_id", *INDICATOR_COLUMNS]).merge(
        latest, on="indicator_id", how="left"
    )
    has_value = table["latest_value"].notna()
    table["status"] = table["status"].fillna("insufficient data").map(progress_label)
    table["source"] = table["source"].where(has_value, "").fillna("")
    table["real_or_demo"] = table["real_or_demo"].where(has_value, "").fillna("")
    table["is_demo"] = table["is_demo"].fillna(False).astype(bool)
    return table[[*INDICATOR_COLUMNS, *PROVENANCE_COLUMNS]].reset_index(drop=True)


def slide_table(indicators: pd.DataFrame) -> pd.DataFrame:
    """Indicator, latest value with its unit, status: the indicators as a slide lists them."""
    return pd.DataFrame(
        {
            _("Indicator"): indicators["name"],
            _("Latest"): [
                maps.format_value(v, u)
                for v, u in zip(indicators["latest_value"], indicators["unit"], strict=True)
            ],
            _("Status"): indicators["status"],
        }
    )


def status_line(indicators: pd.DataFrame, region_name: str) -> str:
    """ "Progress of Americas on its 11 indicators: 2 ▲ on track · 9 ? insufficient data"."""
    labels = [progress_label(status) for status in PROGRESS_ORDER]
    counts = indicators["status"].value_counts()
    parts = [f"{counts[label]} {label}" for label in labels if counts.get(label)]
    return ngettext(
        "Progress of {region} on its {n} indicator: {statuses}",
        "Progress of {region} on its {n} indicators: {statuses}",
        len(indicators),
    ).format(region=region_name, n=len(indicators), statuses=" · ".join(parts) or _("none"))


def region_values(session: Session, region_code: str, indicator_ids: pd.Series) -> pd.DataFrame:
    """indicator_id, year, period_end, is_demo, source (in words), updated_at of the
    published values of the indicators shown for a region: what its statuses rest on."""
    entry = ProgressEntry
    statement = (
        sa.select(
            col(entry.indicator_id),
            col(entry.year),
            col(entry.period_end),
            col(entry.is_demo),
            col(entry.source),
            col(entry.updated_at),
            *source_columns(),
        )
        .join(DataSource, col(DataSource.id) == entry.data_source_id, isouter=True)
        .where(
            published,
            col(entry.geo_code) == region_code,
            col(entry.indicator_id).in_([int(i) for i in indicator_ids]),
            col(entry.value).is_not(None),
        )
    )
    return with_row_provenance(overview.frame(session, statement))


def values_shown(*frames: pd.DataFrame) -> pd.DataFrame:
    """is_demo, source, updated_at of every value the view rests on."""
    columns = ["is_demo", "source", "updated_at"]
    present = [frame[columns] for frame in frames if len(frame)]
    return pd.concat(present, ignore_index=True) if present else pd.DataFrame(columns=columns)


def latest_of_each(values: pd.DataFrame) -> pd.DataFrame:
    """indicator_id, source, real_or_demo, is_demo of each indicator's latest value."""
    if values.empty:
        return pd.DataFrame(columns=["indicator_id", *PROVENANCE_COLUMNS])
    latest = values.sort_values(["indicator_id", "year", "period_end"]).groupby("indicator_id")
    return latest.tail(1)[["indicator_id", *PROVENANCE_COLUMNS]]


def country_observations(countries: pd.DataFrame) -> dict[str, tuple[int, ...]]:
    """The data API filter that reads exactly the values of the country table (each
    indicator's latest year is its own, which no public filter says); empty when none."""
    if countries.empty:
        return {}
    return {"ids": tuple(int(entry) for entry in countries["entry_id"])}


def country_value_rows(session: Session, rid: int) -> pd.DataFrame:
    """The values of the region's countries in each indicator's latest year, one a row, each
    with its source in words and whether it is demo (what the country table shows)."""
    values = geo.regional_country_values(session, regional_initiative_id=rid)
    labelled = with_row_provenance(provenance.with_source_columns(values))
    return labelled.drop(columns="obs_status", errors="ignore")


__all__ = ["choice_label", "regional_choices", "regional_view"]
