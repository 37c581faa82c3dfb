"""SDMX-CSV as the World Bank's Data360 exports the ITU DataHub (and other databases).

One row per observation: STRUCTURE, STRUCTURE_ID (or DATAFLOW), REF_AREA, INDICATOR,
TIME_PERIOD, OBS_VALUE, the dimensions SEX, AGE, URBANISATION and COMP_BREAKDOWN_1..n,
the attributes UNIT_MEASURE, UNIT_MULT, OBS_STATUS..., each code possibly with a *_LABEL
column beside it (Data360 adds them; other exports do not), in any order.

This module knows the format; gdc_tracker.importing reads the rows with it:
- `is_sdmx(columns)`: whether a header is SDMX-CSV.
- `read_breakdown(codes)`: a row's dimension codes as the product's disaggregation
  ("sex:female"), or why the product has no cell for it (set aside, counted).
- `unit_problem(code, label, indicator_unit)`: why the file's unit does not fit an indicator's.
- `scaled(text, multiplier)`: OBS_VALUE times 10**UNIT_MULT, without float noise.
- `proposed_source(frame, today)`: where an SDMX file says it comes from.

`_T` is the total of a dimension and `_Z` "not applicable": both read as the total.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

import pandas as pd

from gdc_tracker.i18n import _
from gdc_tracker.models import TOTAL, unit_label

STRUCTURE_HEADERS = (("STRUCTURE", "STRUCTURE_ID"), ("DATAFLOW",))
REQUIRED_HEADERS = ("REF_AREA", "TIME_PERIOD", "OBS_VALUE")
TOTAL_CODES = frozenset({"_T", "_Z", ""})  # total; not applicable (a total for that dimension)

# SDMX dimension -> (the product's dimension, SDMX code -> the product's category), the
# categories of gdc_tracker.entries.DISAGGREGATION_DIMENSIONS.
DIMENSIONS: dict[str, tuple[str, dict[str, str]]] = {
    "SEX": ("sex", {"F": "female", "M": "male"}),
    "URBANISATION": ("area", {"URB": "urban", "RUR": "rural"}),
    "AGE": ("age", {"Y15T24": "15-24", "Y25T74": "25-74", "Y_GE75": "75+"}),
}
_OTHER_DIMENSION = re.compile(r"^COMP_BREAKDOWN_\d+$")

# Why a row is set aside rather than imported (the kinds of importing.SetAside).
NO_CATEGORY = "no category"  # a breakdown the product has no category for (AGE Y_LT15)
TWO_DIMENSIONS = "two dimensions"  # broken down by two dimensions at once
NOT_TRACKED_FOR_INDICATOR = "not tracked for the indicator"  # sex for an indicator without it

# DATABASE_ID prefixes whose publisher is known: the database's owner, not the distributor.
PUBLISHERS = {"ITU": "ITU", "WB": "World Bank", "ILO": "ILO", "UNESCO": "UNESCO", "UIS": "UNESCO"}
AGENCIES = {"WB.DATA360": "World Bank Data360", "WB": "World Bank"}


def is_sdmx(columns: Iterable[object]) -> bool:
    """Whether a header is SDMX-CSV: a structure column and the observation's columns."""
    names = {str(name).strip().upper() for name in columns}
    structured = any(all(h in names for h in group) for group in STRUCTURE_HEADERS)
    return structured and all(h in names for h in REQUIRED_HEADERS)


def column(columns: Sequence[str], name: str) -> str | None:
    """The file's spelling of SDMX column `name` (headers may differ in case), or None."""
    return next((c for c in columns if c.strip().upper() == name), None)


def breakdown_columns(columns: Sequence[str]) -> tuple[str, ...]:
    """The dimension columns that may break a value down, in the file's order."""
    return tuple(
        c
        for c in columns
        if c.strip().upper() in DIMENSIONS or _OTHER_DIMENSION.match(c.strip().upper())
    )


@dataclass(frozen=True, slots=True)
class Breakdown:
    """A row's disaggregation ("total", "sex:female"), or why it is set aside (`set_aside`,
    one of the kinds above, with `codes` saying which, e.g. "AGE Y_LT15")."""

    disaggregation: str = TOTAL
    dimension: str | None = None  # the product's dimension broken down ("sex"), if any
    set_aside: str | None = None
    codes: str = ""


def read_breakdown(codes: Sequence[tuple[str, str]]) -> Breakdown:
    """The product's disaggregation of a row's (dimension column, code) pairs."""
    broken = [(name.strip().upper(), code.strip()) for name, code in codes]
    broken = [(name, code) for name, code in broken if code.upper() not in TOTAL_CODES]
    if not broken:
        return Breakdown()
    written = " ".join(f"{name} {code}" for name, code in broken)
    if len(broken) > 1:
        return Breakdown(set_aside=TWO_DIMENSIONS, codes=written)
    [(name, code)] = broken
    dimension, categories = DIMENSIONS.get(name, ("", {}))
    category = categories.get(code.upper())
    if category is None:
        return Breakdown(set_aside=NO_CATEGORY, codes=written)
    return Breakdown(f"{dimension}:{category}", dimension=dimension, codes=written)


# Units

PERCENT, PER_100, PERCENT_GNI, INDEX, RATIO, COUNT = (
    "percent",
    "per 100 inhabitants",
    "percent of GNI per capita",
    "index",
    "ratio",
    "count",
)
_UNIT_CODES = {
    "PT": PERCENT,
    "PC": PERCENT,
    "PCT": PERCENT,
    "PERCENT": PERCENT,
    "%": PERCENT,
    "IX": INDEX,
    "INDEX": INDEX,
    "RATIO": RATIO,
    "RT": RATIO,
    "NUMBER": COUNT,
    "NR": COUNT,
    "NUM": COUNT,
    "COUNT": COUNT,
    "PS": COUNT,  # persons
    "PERSONS": COUNT,
    "PERCENT_GNI": PERCENT_GNI,
}


def unit_kind(text: str) -> str | None:
    """What a unit's code or words measure (one of the kinds above), None if unknown."""
    raw = text.strip()
    if not raw:
        return None
    if raw.upper() in _UNIT_CODES:
        return _UNIT_CODES[raw.upper()]
    words = re.sub(r"[_\s]+", " ", raw.lower())
    if "gni" in words:
        return PERCENT_GNI
    if "10p2" in words or re.search(r"\bper (100|hundred)\b", words):
        return PER_100
    if re.search(r"\bper ?cent(age)?\b|%", words):
        return PERCENT
    if re.search(r"\b(index|score)\b", words):
        return INDEX
    if re.search(r"\bratio\b", words):
        return RATIO
    if re.search(r"\b(number|count|persons|people|individuals)\b", words):
        return COUNT
    return None


def unit_in_words(code: str, label: str) -> str:
    """The file's unit as it names it: "Subscriptions per 100 inhabitants (SB_10P2_HB)"."""
    code, label = code.strip(), label.strip()
    if label and code and label != code:
        return f"{label} ({code})"
    return label or code


def unit_problem(code: str, label: str, indicator_unit: str) -> str | None:
    """Why a file's unit (UNIT_MEASURE code and label) does not fit an indicator's unit;
    None when it fits or the file does not state one."""
    if not (code.strip() or label.strip()):
        return None
    wanted = unit_kind(indicator_unit) or indicator_unit
    found = unit_kind(code) or unit_kind(label)
    if found == wanted:
        return None
    if found is None:
        return _(
            "the file's unit is {unit}, which the tracker cannot match to the indicator's "
            "unit ({wanted})"
        ).format(unit=unit_in_words(code, label), wanted=unit_label(indicator_unit))
    return _("the file's unit is {unit} but the indicator is measured in {wanted}").format(
        unit=unit_in_words(code, label), wanted=unit_label(indicator_unit)
    )


def scaled(text: str, multiplier: str) -> tuple[str, str | None]:
    """OBS_VALUE times 10**UNIT_MULT, as text the importer parses (exact decimal shift, so
    1.1 with UNIT_MULT 3 is 1100, not 1100.0000000000002); with why, when UNIT_MULT is no
    whole number."""
    power = multiplier.strip()
    if power in ("", "0"):
        return text, None
    try:
        exponent = int(power)
    except ValueError:
        return text, _("UNIT_MULT '{text}' is not a whole number (a power of ten)").format(
            text=power
        )
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return text, None  # the importer says why the value is not a number
    if not number.is_finite():
        return text, None
    return format(number.scaleb(exponent), "f"), None


# Where the file comes from


@dataclass(frozen=True)
class FileSource:
    """What a file says about its source; `importing.SourceInfo` is built from it."""

    key: str
    organisation: str
    dataset: str
    release: str | None = None
    url: str | None = None
    licence: str | None = None
    note: str | None = None


def slug(text: str, limit: int = 120) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit].strip("-")


def _first(frame: pd.DataFrame, name: str) -> str:
    found = column([str(c) for c in frame.columns], name)
    if found is None:
        return ""
    values = [str(v).strip() for v in frame[found].head(50).tolist() if str(v).strip()]
    return values[0] if values else ""


def _distinct(frame: pd.DataFrame, name: str) -> list[str]:
    found = column([str(c) for c in frame.columns], name)
    if found is None:
        return []
    return list(dict.fromkeys(str(v).strip() for v in frame[found].tolist() if str(v).strip()))


def proposed_source(frame: pd.DataFrame, today: date) -> FileSource | None:
    """The source an SDMX file names: the database (DATABASE_ID, its label) as its publisher's,
    the indicators, the distributor (STRUCTURE_ID's agency); the release is the access date,
    since the rows do not state one. None for a file that is not SDMX."""
    if not is_sdmx(frame.columns):
        return None
    database, label = _first(frame, "DATABASE_ID"), _first(frame, "DATABASE_ID_LABEL")
    structure = _first(frame, "STRUCTURE_ID") or _first(frame, "DATAFLOW")
    agency = structure.partition(":")[0]
    distributor = AGENCIES.get(agency.upper(), agency)
    publisher = PUBLISHERS.get(database.partition("_")[0].upper(), "") if database else ""
    organisation = publisher or label or distributor
    if not organisation:
        return None
    indicators = _distinct(frame, "INDICATOR")
    names = _distinct(frame, "INDICATOR_LABEL")
    shown = names[0] if len(names) == 1 else ", ".join(indicators[:3])
    dataset = label or database or structure
    if shown:
        dataset = f"{dataset}: {shown}"
    # The source's dataset and note are stored: in English, whatever the importer's language.
    if distributor and distributor != organisation:
        dataset = f"{dataset} (distributed by {distributor})"
    release = today.isoformat()
    what = indicators[0] if len(indicators) == 1 else database or "sdmx"
    return FileSource(
        key=slug(f"{what} {release}"),
        organisation=organisation[:200],
        dataset=dataset[:300],
        release=release,
        note=f"SDMX-CSV {structure}; the file states no release: accessed {release}.",
    )
