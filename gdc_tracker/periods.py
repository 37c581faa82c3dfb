"""Reporting periods as people write them: a year, a quarter or a month.

"2024" ends on 31 December 2024, "2024-Q3" on 30 September 2024, "2024-07" on 31 July
2024. Entries store the text as written plus the year and end date derived here, so
charts and "latest value" queries can sort by time whatever the granularity.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date

from gdc_tracker.i18n import _

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class PeriodError(ValueError):
    """The text is not a period this app understands."""


@dataclass(frozen=True)
class Period:
    label: str
    year: int
    end: date


def parse_period(text: str | int) -> Period:
    """Parse "2024", "2024-Q3" (or "2024Q3") or "2024-07"; raise PeriodError otherwise."""
    cleaned = str(text).strip()
    if cleaned.endswith(".0") and _YEAR.match(cleaned[:-2]):  # 2024.0 from a spreadsheet
        cleaned = cleaned[:-2]
    if match := _YEAR.match(cleaned):
        year = int(match.group(1))
        return Period(label=cleaned, year=year, end=date(year, 12, 31))
    if match := _QUARTER.match(cleaned):
        year, quarter = int(match.group(1)), int(match.group(2))
        month = quarter * 3
        end = date(year, month, calendar.monthrange(year, month)[1])
        return Period(label=f"{year}-Q{quarter}", year=year, end=end)
    if match := _MONTH.match(cleaned):
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise PeriodError(
                _("'{text}': month {month} does not exist").format(text=text, month=month)
            )
        end = date(year, month, calendar.monthrange(year, month)[1])
        return Period(label=cleaned, year=year, end=end)
    raise PeriodError(
        _(
            "'{text}' is not a period: write a year (2024), a quarter (2024-Q3) or a month "
            "(2024-07)"
        ).format(text=text)
    )
