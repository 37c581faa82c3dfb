"""The SDMX codes the API writes: the dataflow, the breakdown dimensions, units, periods.

The dataflow `ITU:GDC_TRACKER(1.0)` is the tracker's own (agency ITU, the organisation the
tracker reports on; id GDC_TRACKER; version 1.0): it is not registered in the SDMX Global
Registry. Its dimensions are REF_AREA (ISO 3166 alpha-3, WLD, or an ITU region code),
INDICATOR (the tracker's indicator code), SEX, AGE, URBANISATION (SDMX cross-domain codes,
`_T` for the total) and TIME_PERIOD; OBS_VALUE is the measure; OBS_STATUS, UNIT_MEASURE,
SOURCE_DETAIL (the value's source in words) and COMMENT_OBS (the demo notice on a demo
value, empty otherwise) and LAST_UPDATE (when the value was last published or corrected,
ISO 8601 UTC) are attributes: a value keeps its source, its date and its demo notice in
the file, as on the page.

The breakdown codes are the inverse of the importer's (gdc_tracker.sdmx.DIMENSIONS), so a
file the API writes reads back into the same cells.
"""

import re

from gdc_tracker.models import TOTAL
from gdc_tracker.sdmx import DIMENSIONS

AGENCY, DATAFLOW_ID, DATAFLOW_VERSION = "ITU", "GDC_TRACKER", "1.0"
DATAFLOW = f"{AGENCY}:{DATAFLOW_ID}({DATAFLOW_VERSION})"
TOTAL_CODE = "_T"
BREAKDOWN_DIMENSIONS = ("SEX", "AGE", "URBANISATION")
DIMENSION_COLUMNS = ("REF_AREA", "INDICATOR", *BREAKDOWN_DIMENSIONS, "TIME_PERIOD")
ATTRIBUTE_COLUMNS = ("OBS_STATUS", "UNIT_MEASURE", "SOURCE_DETAIL", "COMMENT_OBS", "LAST_UPDATE")

# The product's dimension ("sex") -> (SDMX dimension, the product's category -> SDMX code).
_CODES: dict[str, tuple[str, dict[str, str]]] = {
    product: (sdmx, {category: code for code, category in categories.items()})
    for sdmx, (product, categories) in DIMENSIONS.items()
}

# Indicator.unit -> a UNIT_MEASURE code the product's importer reads back as the same unit.
UNIT_CODES = {
    "percent": "PT",
    "percent_gni": "PERCENT_GNI",
    "ratio": "RATIO",
    "index": "IX",
    "count": "NUMBER",
}

_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)


def breakdown_codes(disaggregation: str) -> dict[str, str]:
    """SEX, AGE, URBANISATION codes of a disaggregation: "sex:female" is SEX F, the others
    `_T`; "total" is `_T` throughout."""
    codes = dict.fromkeys(BREAKDOWN_DIMENSIONS, TOTAL_CODE)
    if disaggregation == TOTAL:
        return codes
    dimension, _, category = disaggregation.partition(":")
    sdmx_dimension, categories = _CODES[dimension]
    codes[sdmx_dimension] = categories[category]
    return codes


def time_period(period: str) -> str:
    """A period as SDMX writes it: "2024", "2024-Q3", "2024-07" ("2024Q3" gains its dash)."""
    if match := _QUARTER.match(period.strip()):
        return f"{match.group(1)}-Q{match.group(2)}"
    return period.strip()


def unit_code(unit: str) -> str:
    return UNIT_CODES.get(unit, unit.upper())
