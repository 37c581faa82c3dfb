"""Reading the file's rows into observations, with each cell's problem."""

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from urllib.parse import urlparse

import pandas as pd

from gdc_tracker import sdmx
from gdc_tracker.entries import (
    disaggregation_problem,
    geography_level_problem,
    period_problem,
    value_problem,
)
from gdc_tracker.i18n import _
from gdc_tracker.importing import limits
from gdc_tracker.importing.countries import CountryResolver
from gdc_tracker.importing.headers import header_period
from gdc_tracker.importing.limits import (
    _MAX_EVIDENCE,
    _MAX_NARRATIVE,
    _MAX_SOURCE,
    NULL_MARKERS,
    FileTooLarge,
    Progress,
    _long_text,
    _too_long,
    _too_many_rows,
)
from gdc_tracker.importing.mapping import ColumnMapping, _row_numbers, _texts
from gdc_tracker.importing.observations import ImportPreview, Key, Observation, RowProblem, SetAside
from gdc_tracker.models import (
    TOTAL,
    Indicator,
    IndicatorKind,
)
from gdc_tracker.periods import Period, PeriodError, parse_period

_COMMA_DECIMAL = re.compile(r"[-+]?(?:\d{1,3}(?:[.\u00a0\u202f ]\d{3})+|\d+)(?:,\d+)?")
# A comma followed by anything but three digits can only be a decimal comma ("84,25").
_ONLY_A_DECIMAL_COMMA = re.compile(r"[-+]?\d+,(?:\d{1,2}|\d{4,})")


def writes_decimal_comma(cells: Sequence[str]) -> bool:
    """Whether the value cells of a file write decimals with a comma ("84,2").

    Decided for the whole file, never cell by cell: every filled cell must read as such a
    number, and at least one must be a decimal comma beyond doubt (a comma not followed by
    exactly three digits, which "1,234" in an English file is). A file of "1,234" and
    "5,678" alone stays refused, with the message that says how to write it.
    """
    filled = [cell.strip() for cell in cells if cell.strip()]
    if not filled or not any("," in cell for cell in filled):
        return False
    if not all(_COMMA_DECIMAL.fullmatch(cell.rstrip("%").strip()) for cell in filled):
        return False
    return any(_ONLY_A_DECIMAL_COMMA.fullmatch(cell.rstrip("%").strip()) for cell in filled)


def _decimal_point(text: str) -> str:
    """The number with its thousands marks out and its decimal comma a point (1234.5)."""
    for mark in (".", "\u00a0", "\u202f", " "):
        text = text.replace(mark, "")
    return text.replace(",", ".")


def _parse_value(
    text: str, unit: str, decimal_comma: bool = False
) -> tuple[float | None, str | None]:
    cleaned = text.strip()
    if not cleaned:
        return None, _("empty value")
    if cleaned.lower() in NULL_MARKERS:
        return None, _(
            "'{text}' marks a missing value (NULL), not a number: leave the row out"
        ).format(text=cleaned)
    if unit == "percent" and cleaned.endswith("%"):
        cleaned = cleaned[:-1].strip()
    if decimal_comma and _COMMA_DECIMAL.fullmatch(cleaned):
        cleaned = _decimal_point(cleaned)
    if "," in cleaned or "_" in cleaned:
        return None, _(
            "'{text}' is not a number: write it with a decimal point and no thousands separators"
        ).format(text=cleaned)
    try:
        number = float(cleaned)
    except ValueError:
        return None, _("'{text}' is not a number").format(text=cleaned)
    if not math.isfinite(number):
        return None, _("'{text}' is not a number").format(text=cleaned)
    return number, None


def _disaggregation_text(text: str) -> str:
    cleaned = re.sub(r"\s*:\s*", ":", text.strip().lower())
    return TOTAL if cleaned in ("", TOTAL) else cleaned


@dataclass
class _Context:
    """What the preview checks against, read from the store once."""

    indicators: dict[str, Indicator]
    resolver: CountryResolver
    today: date
    default_source: str
    period_cache: dict[str, tuple[Period | None, str | None]] = field(default_factory=dict)
    decimal_comma: bool = False  # the file writes "84,2" (writes_decimal_comma)

    def period(self, text: str) -> tuple[Period | None, str | None]:
        if text not in self.period_cache:
            try:
                period = parse_period(text) if text.strip() else None
            except PeriodError as error:
                self.period_cache[text] = (None, str(error))
            else:
                if period is None:
                    self.period_cache[text] = (None, _("empty period"))
                else:
                    self.period_cache[text] = (period, period_problem(period, self.today))
        return self.period_cache[text]


@dataclass(frozen=True, slots=True)
class _RowFacts:
    """What a row says about its country, indicator and breakdown, checked once per
    distinct combination (a file repeats them on many rows)."""

    geo: str
    indicator: Indicator | None
    disaggregation: str
    evidence_url: str | None
    problems: tuple[tuple[str, str, str], ...]  # (column, value, reason): reject the whole row
    # Set the whole row aside (no cell for it here): (kind, detail, code, column, reason).
    set_aside: tuple[str, str, str, str, str] | None = None
    # The indicator's values read once: ORM attribute access is slow in a 200,000-row loop.
    indicator_id: int = 0
    indicator_code: str = ""
    unit: str = ""
    low: float | None = None
    high: float | None = None


class _Reader:
    """Reads the mapped cells row by row into observations and problems."""

    def __init__(self, context: _Context, mapping: ColumnMapping, result: ImportPreview) -> None:
        self.context = context
        self.mapping = mapping
        self.result = result
        self.accepted: list[Observation] = []
        self.first_row: dict[Key, int] = {}
        self.facts: dict[tuple[str, str, str, str | sdmx.Breakdown, str], _RowFacts] = {}

    def _count(self, rejected: int) -> None:
        self.result.rejected += rejected
        if len(self.accepted) + self.result.rejected > limits.MAX_ROWS:
            raise FileTooLarge(_too_many_rows())

    def skip(self, file_indicator: str) -> None:
        """A row of an indicator not imported: counted, never relabelled."""
        skipped = self.result.skipped
        skipped[file_indicator] = skipped.get(file_indicator, 0) + 1

    def put_aside(self, row: int, why: tuple[str, str, str, str, str]) -> None:
        """A row the tracker has no cell for: summarised with its reason, not rejected."""
        kind, detail, code, column, reason = why
        group = self.result.set_aside.setdefault((kind, detail), SetAside(kind, detail))
        group.codes[code] = group.codes.get(code, 0) + 1
        group.problems.append(RowProblem(row, column, code, reason))

    def reject(self, row: int, problems: Iterable[tuple[str, str, str]], observations: int) -> None:
        """Record the problems of a row; its `observations` are rejected (counted once)."""
        for column, text, reason in problems:
            self.result.problems.append(RowProblem(row, column, text, reason))
        self._count(observations)

    def row_facts(
        self, code: str, name: str, indicator: str, breakdown: "str | sdmx.Breakdown", evidence: str
    ) -> _RowFacts:
        key = (code, name, indicator, breakdown, evidence)
        if key not in self.facts:
            self.facts[key] = self._check_row(code, name, indicator, breakdown, evidence)
        return self.facts[key]

    def _breakdown_aside(
        self, breakdown: sdmx.Breakdown, indicator: Indicator | None
    ) -> tuple[str, str, str, str, str] | None:
        """Why an SDMX row's breakdown has no cell here: no category for it, two
        dimensions at once, or a dimension the indicator does not track."""
        column = ", ".join(self.mapping.breakdowns)
        if breakdown.set_aside == sdmx.NO_CATEGORY:
            reason = _("the tracker has no category for the breakdown {codes}").format(
                codes=breakdown.codes
            )
            return (sdmx.NO_CATEGORY, "", breakdown.codes, column, reason)
        if breakdown.set_aside == sdmx.TWO_DIMENSIONS:
            reason = _(
                "broken down by {codes} at once: the tracker holds one breakdown at a time"
            ).format(codes=breakdown.codes)
            return (sdmx.TWO_DIMENSIONS, "", breakdown.codes, column, reason)
        dimension = breakdown.dimension
        if indicator is not None and dimension and dimension not in indicator.disaggregations:
            reason = _("breakdown by {dimension} not tracked for {indicator}").format(
                dimension=dimension, indicator=indicator.code
            )
            code = f"{indicator.code} {breakdown.codes}"
            return (sdmx.NOT_TRACKED_FOR_INDICATOR, dimension, code, column, reason)
        return None

    def _check_row(
        self,
        code: str,
        name: str,
        indicator_text: str,
        breakdown: "str | sdmx.Breakdown",
        evidence: str,
    ) -> _RowFacts:
        mapping = self.mapping
        problems: list[tuple[str, str, str]] = []
        resolution = self.context.resolver.resolve(code, name)
        country_column = (
            (mapping.country or "") if code or not mapping.country_name else mapping.country_name
        )
        if resolution.not_held:
            aside: tuple[str, str, str, str, str] | None = (
                resolution.not_held,
                "",
                code or name,
                country_column,
                resolution.reason or "",
            )
            return _RowFacts("", None, TOTAL, None, (), set_aside=aside)
        if resolution.code is None:
            problems.append((country_column, code or name, resolution.reason or ""))
        indicator_column = mapping.indicator or _("indicator")
        indicator = self.context.indicators.get(indicator_text.upper())
        if indicator is None:
            reason = (
                _("unknown indicator '{code}'").format(code=indicator_text)
                if indicator_text
                else _("empty indicator")
            )
            problems.append((indicator_column, indicator_text, reason))
        elif not indicator.is_active:
            reason = _("'{code}' is no longer in use").format(code=indicator.code)
            problems.append((indicator_column, indicator_text, reason))
        if isinstance(breakdown, sdmx.Breakdown):
            aside = self._breakdown_aside(breakdown, indicator)
            if aside is not None:
                return _RowFacts("", None, TOTAL, None, (), set_aside=aside)
            breakdown = breakdown.disaggregation
        disaggregation = _disaggregation_text(breakdown)
        evidence_column = mapping.evidence_url or "evidence_url"
        if indicator is not None:
            if message := disaggregation_problem(indicator, disaggregation):
                problems.append((mapping.disaggregation or "disaggregation", breakdown, message))
            kind = self.context.resolver.kind.get(resolution.code or "")
            if kind and (message := geography_level_problem(indicator, kind)):
                problems.append((country_column, code or name, message))
            if indicator.kind == IndicatorKind.OUTPUT and not evidence:
                reason = _("an evidence link is required for what ITU's actions deliver")
                problems.append((evidence_column, "", reason))
        if evidence:
            parsed = urlparse(evidence)
            if parsed.scheme not in ("http", "https") or not parsed.netloc:
                reason = _("enter a full web address (https://...)")
                problems.append((evidence_column, evidence, reason))
            elif len(evidence) > _MAX_EVIDENCE:
                reason = _too_long(_MAX_EVIDENCE)
                problems.append((evidence_column, _long_text(evidence), reason))
        facts = _RowFacts(
            geo=resolution.code or "",
            indicator=indicator,
            disaggregation=disaggregation,
            evidence_url=evidence or None,
            problems=tuple(problems),
        )
        if indicator is None or problems:
            return facts
        return replace(
            facts,
            indicator_id=int(indicator.id or 0),
            indicator_code=indicator.code,
            unit=indicator.unit,
            low=indicator.min_value,
            high=indicator.max_value,
        )

    def cell(
        self,
        number: int,
        facts: _RowFacts,
        extras: tuple[str, str],
        period_cell: tuple[str, str, Period | None, str | None],
        value_cell: tuple[str, str],
        status: str | None = None,
    ) -> None:
        """Check one value of a row whose facts passed; accept it or record why not."""
        period_column, period_text, period, period_reason = period_cell
        value_column, value_text = value_cell
        value, value_reason = _parse_value(value_text, facts.unit, self.context.decimal_comma)
        low, high = facts.low, facts.high
        if value is not None and (
            (low is not None and value < low) or (high is not None and value > high)
        ):
            assert facts.indicator is not None
            message = value_problem(facts.indicator, value)
            value_reason = _("out of range: {reason}").format(reason=message)
        problems = []
        if period_reason:
            problems.append((period_column, period_text, period_reason))
        if value_reason:
            problems.append((value_column, value_text.strip(), value_reason))
        if problems:
            self.reject(number, problems, 1)
            return
        assert period is not None and value is not None
        key = (facts.indicator_id, facts.geo, period.label, facts.disaggregation)
        first = self.first_row.get(key)
        if first is not None:
            reason = _(
                "duplicate within the file: row {first} has the same indicator, country, "
                "period and disaggregation"
            ).format(first=first)
            self.reject(number, [(value_column, value_text.strip(), reason)], 1)
            return
        self.first_row[key] = number
        source, narrative = extras
        self.accepted.append(
            Observation(
                row_number=number,
                column=value_column,
                indicator_id=facts.indicator_id,
                indicator_code=facts.indicator_code,
                geo_code=facts.geo,
                period=period.label,
                year=period.year,
                period_end=period.end,
                value=value,
                disaggregation=facts.disaggregation,
                source=source or self.context.default_source,
                evidence_url=facts.evidence_url,
                narrative=narrative,
                obs_status=status,
            )
        )
        self._count(0)

    def read(self, frame: pd.DataFrame, progress: Progress | None) -> None:
        mapping = self.mapping
        numbers = _row_numbers(frame)
        codes = _texts(frame, mapping.country)
        names = _texts(
            frame, None if mapping.country_name == mapping.country else mapping.country_name
        )
        indicators = _texts(frame, None if mapping.indicator_code else mapping.indicator)
        breakdowns = _texts(frame, mapping.disaggregation)
        evidence = _texts(frame, mapping.evidence_url)
        sources = _texts(frame, mapping.source)
        narratives = _texts(frame, mapping.narrative)
        multipliers = _texts(frame, mapping.unit_multiplier)
        statuses = _texts(frame, mapping.status)
        dimensions = [_texts(frame, name) for name in mapping.breakdowns]
        breakdown_of: dict[tuple[str, ...], sdmx.Breakdown] = {}
        fixed = (mapping.indicator_code or "").strip()
        matched = {c.file_indicator: c.code for c in self.result.indicator_choices}
        beyond = _cells_beyond_header(frame, mapping)
        if mapping.layout == "long":
            value_columns: list[tuple[str, Period | None, list[str]]] = [
                (mapping.value or "", None, _texts(frame, mapping.value))
            ]
            periods = _texts(frame, mapping.period)
        else:
            value_columns = [
                (name, header_period(name), _texts(frame, name)) for name in mapping.year_columns
            ]
            wide_reasons = {
                name: period_problem(period, self.context.today) if period else None
                for name, period, _cells in value_columns
            }
        step = max(1, len(numbers) // 50)
        for i, number in enumerate(numbers):
            if progress is not None and i % step == 0:
                progress(i / len(numbers))
            filled = [
                (name, period, cells[i])
                for name, period, cells in value_columns
                if cells[i].strip()
            ]
            if mapping.layout == "long":
                if not (filled or codes[i].strip() or names[i].strip() or periods[i].strip()):
                    continue  # nothing in the mapped columns: a blank line, not an observation
                filled = filled or [(mapping.value or "", None, "")]
            elif not filled:
                continue  # empty year cells in the wide layout are absent observations
            written = indicators[i].strip()
            tracked = fixed or (matched.get(written) if written else "")
            if tracked is None:
                self.skip(written)
                continue
            if overflow := next(((n, c[i]) for n, c in beyond if c[i].strip()), None):
                problem = (overflow[0], overflow[1].strip(), _beyond_header(frame))
                self.reject(number, [problem], len(filled))
                continue
            breakdown: str | sdmx.Breakdown = breakdowns[i].strip()
            if mapping.sdmx:
                written_codes = tuple(cells[i] for cells in dimensions)
                if written_codes not in breakdown_of:
                    pairs = tuple(zip(mapping.breakdowns, written_codes, strict=True))
                    breakdown_of[written_codes] = sdmx.read_breakdown(pairs)
                breakdown = breakdown_of[written_codes]
            facts = self.row_facts(
                codes[i].strip(), names[i].strip(), tracked, breakdown, evidence[i].strip()
            )
            if facts.set_aside:
                self.put_aside(number, facts.set_aside)
                continue
            if facts.problems:
                self.reject(number, facts.problems, len(filled))
                continue
            extras = (sources[i].strip(), narratives[i].strip())
            if too_long := _text_problems(mapping, *extras):
                self.reject(number, too_long, len(filled))
                continue
            status = statuses[i].strip() or None
            for name, period, text in filled:
                if mapping.layout == "long":
                    period_text = periods[i].strip()
                    found, reason = self.context.period(period_text)
                    period_cell = (mapping.period or "", period_text, found, reason)
                else:
                    period_cell = (name, name, period, wide_reasons[name])
                text, power_problem = sdmx.scaled(text, multipliers[i])
                if power_problem:
                    column = mapping.unit_multiplier or ""
                    self.reject(number, [(column, multipliers[i].strip(), power_problem)], 1)
                    continue
                self.cell(number, facts, extras, period_cell, (name, text), status)
        if progress is not None:
            progress(1.0)


def _cells_beyond_header(
    frame: pd.DataFrame, mapping: ColumnMapping
) -> list[tuple[str, list[str]]]:
    """The columns beyond the header's last name that the mapping does not read, with
    their cells: a row that fills one does not fit the header."""
    read = set(mapping.columns())
    names = [n for n in frame.attrs.get("extra_columns", ()) if n in frame.columns]
    return [(name, _texts(frame, name)) for name in names if name not in read]


def _beyond_header(frame: pd.DataFrame) -> str:
    if frame.attrs.get("format") == "csv":
        return _(
            "the row has more cells than the header has columns: a value with the "
            "delimiter in it (such as a decimal comma, 81,5) must be in quotes, or it "
            "splits in two. The row is not imported"
        )
    return _(
        "the row fills cells beyond the header's last column, which no column name "
        "describes. The row is not imported"
    )


def _text_problems(
    mapping: ColumnMapping, source: str, narrative: str
) -> list[tuple[str, str, str]]:
    """The source and narrative of a row that are longer than an entry keeps."""
    problems = []
    for column, text, limit in (
        (mapping.source or "source", source, _MAX_SOURCE),
        (mapping.narrative or "narrative", narrative, _MAX_NARRATIVE),
    ):
        if len(text) > limit:
            problems.append((column, _long_text(text), _too_long(limit)))
    return problems
