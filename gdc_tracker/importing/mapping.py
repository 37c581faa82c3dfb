"""Which column of the file holds what: `ColumnMapping` and `guess_mapping`."""

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from gdc_tracker import sdmx
from gdc_tracker.i18n import _
from gdc_tracker.importing.headers import (
    _CODE_HEADERS,
    _DISAGGREGATION_HEADERS,
    _EVIDENCE_HEADERS,
    _INDICATOR_HEADERS,
    _NAME_HEADERS,
    _NARRATIVE_HEADERS,
    _PERIOD_HEADERS,
    _SOURCE_HEADERS,
    _VALUE_HEADERS,
    _is_number,
    _mostly,
    _pick,
    _sample,
    header_period,
)
from gdc_tracker.importing.limits import Layout, MappingError, _cell_text


@dataclass(frozen=True)
class ColumnMapping:
    """Which column holds what. Column names are the file's headers.

    Long layout: one observation per row, in `value`, for the period in `period`.
    Wide layout: one observation per filled cell of the `year_columns`.
    The indicator is one code for the whole file (`indicator_code`), or comes from a
    column (`indicator`) of the file's own codes or names, each matched to a tracked
    indicator or skipped (`indicator_map`, see `indicator_choices`). A whole-file
    indicator is refused for a file whose indicator column holds several indicators:
    their rows would all be relabelled as the one. `country` holds codes or names;
    `country_name`, when a second column has the names, resolves rows with an empty code
    and is cross-checked against the code (so "Arab World" is never taken for ITU's ARB).
    """

    layout: Layout
    country: str | None
    country_name: str | None = None
    indicator: str | None = None
    indicator_code: str | None = None
    period: str | None = None
    value: str | None = None
    year_columns: tuple[str, ...] = ()
    disaggregation: str | None = None
    source: str | None = None
    evidence_url: str | None = None
    narrative: str | None = None
    default_source: str = ""  # the source of rows without a source cell (default: the file's)
    # What the user chose for the file's own indicators: (file's text, tracked code or SKIP).
    indicator_map: tuple[tuple[str, str], ...] = ()
    # SDMX-CSV (gdc_tracker.sdmx): the dimension columns that break values down (SEX, AGE,
    # URBANISATION, COMP_BREAKDOWN_n), the unit (UNIT_MEASURE and its label), the power of
    # ten the values are in (UNIT_MULT) and the observation status (OBS_STATUS).
    sdmx: bool = False
    breakdowns: tuple[str, ...] = ()
    unit: str | None = None
    unit_label: str | None = None
    unit_multiplier: str | None = None
    status: str | None = None

    def columns(self) -> list[str]:
        """Every column the mapping reads."""
        named = [
            self.country,
            self.country_name,
            self.indicator,
            self.disaggregation,
            self.source,
            self.evidence_url,
            self.narrative,
            self.unit,
            self.unit_label,
            self.unit_multiplier,
            self.status,
            *self.breakdowns,
        ]
        named += [self.period, self.value] if self.layout == "long" else list(self.year_columns)
        return [name for name in named if name]

    def check(self, frame: pd.DataFrame) -> None:
        """Raise MappingError naming every way this mapping does not fit `frame`."""
        problems = []
        if self.layout not in ("long", "wide"):
            problems.append(_("the layout must be long or wide"))
        missing = [name for name in self.columns() if name not in frame.columns]
        if missing:
            problems.append(
                _("no column named {names} in the file").format(
                    names=", ".join(f"'{name}'" for name in missing)
                )
            )
        if not (self.country or self.country_name):
            problems.append(_("choose the column with the countries"))
        if not (self.indicator or self.indicator_code):
            problems.append(_("choose the indicator, or the column with indicator codes"))
        elif self.indicator_code and self.indicator is not None and self.indicator in frame.columns:
            found = file_indicators(frame, self.indicator)
            if len(found) > 1:
                problems.append(
                    _(
                        "column '{column}' holds {count:,} indicators ({names}): match each "
                        "to a tracked indicator or skip it, instead of importing every row "
                        "as {code}"
                    ).format(
                        column=self.indicator,
                        count=len(found),
                        names=_listed(list(found)),
                        code=self.indicator_code,
                    )
                )
        if self.layout == "long":
            if not self.period:
                problems.append(_("choose the column with the periods (years)"))
            if not self.value:
                problems.append(_("choose the column with the values"))
        elif self.layout == "wide":
            if not self.year_columns:
                problems.append(_("choose the year columns"))
            bad = [name for name in self.year_columns if header_period(name) is None]
            if bad:
                problems.append(
                    _("{names} are not years or periods").format(
                        names=", ".join(f"'{name}'" for name in bad)
                    )
                )
        if problems:
            text = "; ".join(problems)
            raise MappingError(text[0].upper() + text[1:] + ".")


def guess_mapping(
    frame: pd.DataFrame,
    *,
    layout: Layout | None = None,
    indicator_code: str | None = None,
    indicator_codes: Collection[str] | None = None,
) -> ColumnMapping:
    """A first guess from the headers (and a sample of the cells) that the user may change.

    `indicator_code` fixes the indicator for the whole file. A column whose header says
    it holds indicators ("Indicator", "Indicator Code", "Series", SDMX's "INDICATOR") is
    kept as the indicator column whatever it holds: its values are matched to tracked
    indicators (`indicator_choices`), and with a whole-file indicator it is what shows
    that a file of several indicators would be relabelled. `indicator_codes` is accepted
    for callers of earlier versions and no longer changes the guess.
    """
    columns = [str(name) for name in frame.columns]
    if sdmx.is_sdmx(columns) and layout in (None, "long"):
        return _sdmx_mapping(columns, indicator_code)
    taken: set[str] = set()

    def take(synonyms: Sequence[str]) -> str | None:
        name = _pick([c for c in columns if c not in taken], synonyms)
        if name:
            taken.add(name)
        return name

    year_columns = tuple(c for c in columns if header_period(c) is not None)
    taken.update(year_columns)
    country = take(_CODE_HEADERS)
    country_name = take(_NAME_HEADERS)
    if country is None:
        country, country_name = country_name, None
    if country is None:
        country = next(
            (
                c
                for c in columns
                if c not in taken
                and _mostly(_sample(frame, c), lambda v: bool(re.fullmatch(r"[A-Za-z]{3}", v)), 0.6)
            ),
            None,
        )
        taken.add(country or "")
    indicator = take(_INDICATOR_HEADERS)
    period = take(_PERIOD_HEADERS)
    value = take(_VALUE_HEADERS)
    disaggregation = take(_DISAGGREGATION_HEADERS)
    source = take(_SOURCE_HEADERS)
    evidence_url = take(_EVIDENCE_HEADERS)
    narrative = take(_NARRATIVE_HEADERS)
    if value is None:
        numeric = [
            c for c in columns if c not in taken and _mostly(_sample(frame, c), _is_number, 0.8)
        ]
        value = numeric[-1] if numeric else None
    chosen: Layout = layout or (
        "wide" if len(year_columns) >= 2 or (year_columns and not value) else "long"
    )
    return ColumnMapping(
        layout=chosen,
        country=country,
        country_name=country_name,
        indicator=indicator,
        indicator_code=indicator_code,
        period=period if chosen == "long" else None,
        value=value if chosen == "long" else None,
        year_columns=year_columns if chosen == "wide" else (),
        disaggregation=disaggregation,
        source=source,
        evidence_url=evidence_url,
        narrative=narrative,
    )


def _sdmx_mapping(columns: list[str], indicator_code: str | None) -> ColumnMapping:
    """SDMX-CSV's columns are named by the standard: nothing to guess or to choose."""

    def named(name: str) -> str | None:
        return sdmx.column(columns, name)

    return ColumnMapping(
        layout="long",
        country=named("REF_AREA"),
        country_name=named("REF_AREA_LABEL"),
        indicator=named("INDICATOR"),
        indicator_code=indicator_code,
        period=named("TIME_PERIOD"),
        value=named("OBS_VALUE"),
        sdmx=True,
        breakdowns=sdmx.breakdown_columns(columns),
        unit=named("UNIT_MEASURE"),
        unit_label=named("UNIT_MEASURE_LABEL"),
        unit_multiplier=named("UNIT_MULT"),
        status=named("OBS_STATUS"),
    )


# Countries


SKIP = ""  # in ColumnMapping.indicator_map: the file's indicator is not imported
MatchedBy = Literal["whole file", "chosen", "stored", "code", "name", "none"]


def file_indicators(frame: pd.DataFrame, column: str) -> dict[str, int]:
    """The file's own indicators in `column` (text as written, without the spaces around
    it) with how many rows carry each, in the order they first appear."""
    found: dict[str, int] = {}
    for text in _texts(frame, column):
        key = text.strip()
        if key:
            found[key] = found.get(key, 0) + 1
    return found


def _listed(names: Sequence[str], limit: int = 5) -> str:
    """'A', 'B', 'C' (and how many more beyond `limit`)."""
    shown = ", ".join(f"'{name}'" for name in names[:limit])
    if len(names) <= limit:
        return shown
    return _("{names} and {count:,} more").format(names=shown, count=len(names) - limit)


def _value_cells(frame: pd.DataFrame, mapping: ColumnMapping) -> list[str]:
    """Every cell the mapping reads a value from (the value column, or each year's)."""
    columns = [mapping.value] if mapping.layout == "long" else list(mapping.year_columns)
    return [cell for column in columns for cell in _texts(frame, column)]


def _texts(frame: pd.DataFrame, column: str | None) -> list[str]:
    if not column:
        return [""] * len(frame)
    return [v if type(v) is str else _cell_text(v) for v in frame[column].tolist()]


def _row_numbers(frame: pd.DataFrame) -> list[int]:
    if frame.index.name == "row" and pd.api.types.is_integer_dtype(frame.index):
        return [int(n) for n in frame.index]
    return list(range(2, len(frame) + 2))  # a frame built by hand: header is row 1


# A number as French, Spanish or Russian spreadsheets write it: "84,2", "1.234,5", "1 234,5".
