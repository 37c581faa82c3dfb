"""The API's answers as bytes: JSON, CSV, SDMX-CSV and the Frictionless Data Package.

The writers take the observation frame `api.queries.observations` returns (its
OBSERVATION_COLUMNS), so a page's download button and the API write the same file:

- `json_bytes`: `{"about": ..., "data": [...], "links": {...}}`; `about` is the product's
  `About` (title, filters, sources, date of the data, the demo notice when any row is
  demo), dates as ISO text, missing values as null.
- `csv_bytes`: one header line, then one row per observation, each with its source in
  words and `real_or_demo` (no preamble, so any CSV reader takes it as it is); text cells
  that a spreadsheet would run as a formula are prefixed with an apostrophe.
- `sdmx_csv_bytes`: SDMX-CSV 1.0 (the CSV format of SDMX 2.1: DATAFLOW first) or, with
  `version="2.0"`, SDMX-CSV 2.0 (STRUCTURE, STRUCTURE_ID, ACTION first), codes only: the
  dataflow and codes of `api.codes`; each row's source in words (SOURCE_DETAIL) and, for
  a demo value, "demo data, not official statistics" (COMMENT_OBS) go with it, and when it
  was last published or corrected (LAST_UPDATE).
- `datapackage`: the descriptor of the whole published dataset, one CSV per table.
"""

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, SupportsFloat

import pandas as pd
from sqlmodel import Session

from gdc_tracker import exports, provenance
from gdc_tracker.api.codes import (
    ATTRIBUTE_COLUMNS,
    DATAFLOW,
    DIMENSION_COLUMNS,
    time_period,
    unit_code,
)
from gdc_tracker.api.queries import OBSERVATION_COLUMNS, ObservationFilters, all_observations
from gdc_tracker.views import About, about_values

JSON = "application/json"
CSV = "text/csv"
SDMX_CSV_1 = "application/vnd.sdmx.data+csv;version=1.0.0"
SDMX_CSV_2 = "application/vnd.sdmx.data+csv;version=2.0.0"
OBSERVATIONS_TITLE = "GDC Tracker: published observations"
SDMX_COLUMNS = {
    "1.0": ("DATAFLOW", *DIMENSION_COLUMNS, "OBS_VALUE", *ATTRIBUTE_COLUMNS),
    "2.0": (
        "STRUCTURE",
        "STRUCTURE_ID",
        "ACTION",
        *DIMENSION_COLUMNS,
        "OBS_VALUE",
        *ATTRIBUTE_COLUMNS,
    ),
}


def observations_about(observations: pd.DataFrame, filters: Mapping[str, str]) -> About:
    """The `About` of a set of observation rows: their sources, newest date, demo count."""
    return about_values(observations, title=OBSERVATIONS_TITLE, filters=dict(filters))


def json_bytes(
    observations: pd.DataFrame,
    about: About | None = None,
    *,
    links: Mapping[str, str | None] | None = None,
) -> bytes:
    """The observations as the API's JSON document (`exports.json_table_bytes`, as a page's
    JSON download); `about` defaults to theirs."""
    about = about if about is not None else observations_about(observations, {})
    return exports.json_table_bytes(observations, about, links=links)


def _iso_time(moment: object) -> str:
    """A time as ISO 8601 in UTC ("2025-06-17T08:00:00Z"); empty when unknown."""
    if moment is None or pd.isna(moment):
        return ""
    return pd.Timestamp(moment).tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")


def _iso_times(table: pd.DataFrame) -> pd.DataFrame:
    """Times as ISO 8601 in UTC ("2025-06-17T08:00:00Z"), as Table Schema reads them."""
    written = table.copy()
    for column in written.columns:
        if isinstance(written[column].dtype, pd.DatetimeTZDtype):
            written[column] = written[column].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return written


def csv_text(table: pd.DataFrame, *, header: bool = True) -> str:
    """`table` as CSV text: times in ISO 8601, formula-safe text cells."""
    safe = exports.neutralise(_iso_times(table))
    return safe.to_csv(index=False, header=header, lineterminator="\n")


def csv_bytes(table: pd.DataFrame) -> bytes:
    """`table` as plain UTF-8 CSV (no byte-order mark, no preamble)."""
    return csv_text(table).encode("utf-8")


def obs_value(value: SupportsFloat | None) -> str:
    """The shortest text that reads back as the same number ("81.85432", "1234567"); empty
    for a missing value. Python's repr of a float round-trips; "g" would keep six digits."""
    if value is None or pd.isna(value):
        return ""
    number = float(value)
    return str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)


def _sdmx_rows(observations: pd.DataFrame, version: str) -> Iterable[list[object]]:
    structure = ["dataflow", DATAFLOW, "I"] if version == "2.0" else [DATAFLOW]
    for row in observations.itertuples(index=False):
        yield [
            *structure,
            row.geo_code,
            row.indicator_code,
            row.sex,
            row.age,
            row.urbanisation,
            time_period(row.period),
            obs_value(row.value),
            row.obs_status or "",
            unit_code(row.unit),
            row.source or "",
            provenance.demo_label() if row.is_demo else "",
            _iso_time(row.updated_at),
        ]


def sdmx_csv_bytes(observations: pd.DataFrame, *, version: str = "1.0") -> bytes:
    """The observations as SDMX-CSV `version` ("1.0" or "2.0"): one row each, codes only.

    OBS_VALUE is the shortest text that reads back as the same number; ACTION (2.0) is I,
    information, the action of a data set a client reads rather than loads."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(SDMX_COLUMNS[version])
    writer.writerows(_sdmx_rows(observations, version))
    return buffer.getvalue().encode("utf-8")


def published_sdmx_csv(
    session: Session, filters: ObservationFilters, *, version: str = "1.0"
) -> bytes:
    """Every published observation `filters` choose, as SDMX-CSV: the file a page's
    "Download SDMX-CSV" gives for its view, the same as the API answers for those filters."""
    pages = list(all_observations(session, filters))
    rows = (
        pd.concat(pages, ignore_index=True) if pages else pd.DataFrame(columns=OBSERVATION_COLUMNS)
    )
    return sdmx_csv_bytes(rows, version=version)


# --- the Frictionless Data Package -----------------------------------------------------------


def _field(name: str, kind: str, description: str = "", **constraints: Any) -> dict[str, Any]:
    field: dict[str, Any] = {"name": name, "type": kind}
    if description:
        field["description"] = description
    if constraints:
        field["constraints"] = constraints
    return field


def _foreign(fields: str, resource: str, reference: str) -> dict[str, Any]:
    return {"fields": fields, "reference": {"resource": resource, "fields": reference}}


REQUIRED: dict[str, Any] = {"required": True}

# Each resource: (its columns as Table Schema fields, primary key, foreign keys).
SCHEMAS: dict[str, tuple[list[dict[str, Any]], list[str], list[dict[str, Any]]]] = {
    "objectives": (
        [
            _field("number", "integer", "GDC objective number", **REQUIRED),
            _field("title", "string"),
            _field("short_title", "string"),
        ],
        ["number"],
        [],
    ),
    "geographies": (
        [
            _field("code", "string", "ISO 3166 alpha-3, WLD, or an ITU region code", **REQUIRED),
            _field("kind", "string", enum=["world", "region", "country"]),
            _field("name", "string"),
            _field("iso2", "string"),
            _field("region_code", "string", "the ITU region of a country"),
            _field("status", "string", "member, territory or other (countries)"),
        ],
        ["code"],
        [_foreign("region_code", "geographies", "code")],
    ),
    "indicators": (
        [
            _field("code", "string", **REQUIRED),
            _field("name", "string"),
            _field("unit", "string"),
            _field("direction", "string", enum=["higher_is_better", "lower_is_better"]),
            _field("kind", "string"),
            _field("definition", "string"),
            _field("source", "string"),
            _field("baseline_value", "number"),
            _field("baseline_year", "integer"),
            _field("target_value", "number"),
            _field("target_year", "integer"),
            _field("target_low", "number"),
            _field("target_high", "number"),
            _field("disaggregations", "string", "dimensions it is broken down by, ';'-separated"),
            _field("is_active", "boolean"),
        ],
        ["code"],
        [],
    ),
    "indicator_objectives": (
        [
            _field("indicator_code", "string", **REQUIRED),
            _field("objective_number", "integer", **REQUIRED),
        ],
        ["indicator_code", "objective_number"],
        [
            _foreign("indicator_code", "indicators", "code"),
            _foreign("objective_number", "objectives", "number"),
        ],
    ),
    "initiatives": (
        [
            _field("slug", "string", **REQUIRED),
            _field("name", "string"),
            _field("summary", "string"),
            _field("lead_sector", "string"),
            _field("status", "string"),
            _field("start_date", "date"),
            _field("end_date", "date"),
            _field("source", "string"),
            _field("focal_point", "string"),
            _field("note", "string"),
        ],
        ["slug"],
        [],
    ),
    "initiative_objectives": (
        [
            _field("initiative_slug", "string", **REQUIRED),
            _field("objective_number", "integer", **REQUIRED),
            _field("is_primary", "boolean"),
        ],
        ["initiative_slug", "objective_number"],
        [
            _foreign("initiative_slug", "initiatives", "slug"),
            _foreign("objective_number", "objectives", "number"),
        ],
    ),
    "data_sources": (
        [
            _field("key", "string", **REQUIRED),
            _field("organisation", "string"),
            _field("dataset", "string"),
            _field("release", "string"),
            _field("licence", "string"),
            _field("url", "string"),
            _field("accessed", "date"),
        ],
        ["key"],
        [],
    ),
    "observations": (
        [
            _field("id", "integer", **REQUIRED),
            _field("indicator_code", "string", **REQUIRED),
            _field("geo_code", "string", **REQUIRED),
            _field("period", "string", "as reported: 2024, 2024-Q3 or 2024-07", **REQUIRED),
            _field("year", "integer", **REQUIRED),
            _field("value", "number", **REQUIRED),
            _field("unit", "string"),
            _field("disaggregation", "string", "total, or dimension:category (sex:female)"),
            _field("sex", "string", "SDMX code: F, M, _T"),
            _field("age", "string", "SDMX code: Y15T24, Y25T74, Y_GE75, _T"),
            _field("urbanisation", "string", "SDMX code: URB, RUR, _T"),
            _field("obs_status", "string", "SDMX CL_OBS_STATUS code; empty: not stated"),
            _field("source", "string", "the value's source in words"),
            _field("data_source_key", "string"),
            _field("data_source_organisation", "string"),
            _field("data_source_dataset", "string"),
            _field("data_source_release", "string"),
            _field("data_source_licence", "string"),
            _field("data_source_url", "string"),
            _field("is_demo", "boolean"),
            _field("real_or_demo", "string", enum=["real", "demo"]),
            _field("updated_at", "datetime"),
        ],
        ["id"],
        [
            _foreign("indicator_code", "indicators", "code"),
            _foreign("geo_code", "geographies", "code"),
            _foreign("data_source_key", "data_sources", "key"),
        ],
    ),
}
RESOURCES = tuple(SCHEMAS)


def resource_columns(resource: str) -> list[str]:
    return [field["name"] for field in SCHEMAS[resource][0]]


def table_schema(resource: str) -> dict[str, Any]:
    fields, primary_key, foreign_keys = SCHEMAS[resource]
    schema: dict[str, Any] = {"fields": fields, "primaryKey": primary_key}
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return schema


def _licence(name: str) -> dict[str, str]:
    """A licence as the Data Package spec names it (`name` an Open Definition id)."""
    known = {
        "CC BY 4.0": ("CC-BY-4.0", "https://creativecommons.org/licenses/by/4.0/"),
        "CC BY-4.0": ("CC-BY-4.0", "https://creativecommons.org/licenses/by/4.0/"),
        "CC-BY-4.0": ("CC-BY-4.0", "https://creativecommons.org/licenses/by/4.0/"),
        "CC0": ("CC0-1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
    }
    if name.strip() in known:
        identifier, path = known[name.strip()]
        return {"name": identifier, "path": path, "title": name.strip()}
    return {"name": "other", "title": name.strip()}


def datapackage(
    data_sources: pd.DataFrame, *, version: int, resource_path: str = "datapackage/{}.csv"
) -> dict[str, Any]:
    """The Data Package descriptor: every resource's Table Schema and relative path, the
    licences and sources of the published values (each value keeps its own in
    observations.csv); `version` is the store's data version the files were written at."""
    licences = sorted({str(name) for name in data_sources["licence"].dropna() if str(name)})
    sources = [
        {"title": f"{row.organisation}, {row.dataset}", **({"path": row.url} if row.url else {})}
        for row in data_sources.itertuples()
    ]
    return {
        "profile": "tabular-data-package",
        "name": "gdc-tracker",
        "title": "GDC Tracker: how the ITU implements the Global Digital Compact",
        "description": (
            "The published data of GDC Tracker: the five GDC objectives, the initiatives and "
            "indicators tracked, and every published observation with its source. Rows "
            "marked real_or_demo=demo are demo data, not official statistics. Each value's "
            "licence is that of its data source (data_sources.csv)."
        ),
        "version": f"1.0.{version}",
        "licenses": [_licence(name) for name in licences]
        or [{"name": "other", "title": "not stated"}],
        "sources": sources,
        "resources": [
            {
                "name": resource,
                "path": resource_path.format(resource),
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": CSV,
                "encoding": "utf-8",
                "schema": table_schema(resource),
            }
            for resource in RESOURCES
        ],
    }


def resource_table(resource: str, table: pd.DataFrame) -> pd.DataFrame:
    """`table` with exactly the columns of `resource`'s schema, in its order; whole
    numbers stay whole where some are missing (2015, not 2015.0)."""
    shaped = table.reindex(columns=resource_columns(resource))
    for field in SCHEMAS[resource][0]:
        if field["type"] == "integer":
            shaped[field["name"]] = shaped[field["name"]].astype("Int64")
    return shaped


def flat_indicators(indicators: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    rows = [{**row, "disaggregations": ";".join(row["disaggregations"])} for row in indicators]
    return resource_table("indicators", pd.DataFrame(rows))


def links_to_objectives(rows: Sequence[Mapping[str, Any]], key: str, column: str) -> pd.DataFrame:
    """(`column`, objective_number[, is_primary]) pairs of indicators or initiatives."""
    pairs = []
    for row in rows:
        for objective in row["objectives"]:
            number = objective["number"] if isinstance(objective, Mapping) else objective
            primary = objective.get("is_primary") if isinstance(objective, Mapping) else None
            pairs.append({column: row[key], "objective_number": number, "is_primary": primary})
    return pd.DataFrame(pairs, columns=[column, "objective_number", "is_primary"])
