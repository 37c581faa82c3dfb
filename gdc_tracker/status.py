"""Progress status of an indicator, computed from its data and never typed by a person.

The method follows the UN Statistics Division's SDG Progress Chart: compare the
compound annual growth rate (CAGR) actually achieved since the baseline with the
CAGR that would have been needed, from the same baseline, to reach the target by
the target year. The ratio actual/required is then cut into bands (on track,
moderate, limited, deterioration).

When the baseline, latest or target value is zero or negative a growth rate is
undefined, so a linear rate (change in value per year) is used instead.

A two-sided target (a band, such as gender parity: a score within 0.98 to 1.02) is met
only inside the band, so overshooting it (1.1) is not "target met". Progress towards a
band is measured on the distance to its nearer edge: the distance closed per year since
the baseline against the distance that had to be closed per year to reach the band by
the target year.

This module is pure Python so that it can be tested and reused without Streamlit.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DEFAULT_THRESHOLDS",
    "target_band_of",
    "STATUS_ORDER",
    "Assessment",
    "ProgressStatus",
    "Thresholds",
    "assess",
    "assess_frame",
    "classify_ratio",
    "rule_in_words",
]

COMPOUND: Final = "compound"
LINEAR: Final = "linear"


class ProgressStatus(StrEnum):
    TARGET_MET = "target met"
    ON_TRACK = "on track"
    MODERATE = "moderate progress"
    LIMITED = "limited progress"
    DETERIORATION = "deterioration"
    INSUFFICIENT_DATA = "insufficient data"


STATUS_ORDER: Final[tuple[ProgressStatus, ...]] = (
    ProgressStatus.TARGET_MET,
    ProgressStatus.ON_TRACK,
    ProgressStatus.MODERATE,
    ProgressStatus.LIMITED,
    ProgressStatus.DETERIORATION,
    ProgressStatus.INSUFFICIENT_DATA,
)
"""Statuses from best to worst; insufficient data is last because it is not a rating."""


@dataclass(frozen=True)
class Thresholds:
    """Lower bounds of the ratio actual/required rate for each band.

    ratio >= on_track -> on track; >= moderate -> moderate progress;
    >= limited -> limited progress; below limited -> deterioration.
    Defaults are those of the UNSD SDG Progress Chart.
    """

    on_track: float = 0.95
    moderate: float = 0.5
    limited: float = 0.0

    def __post_init__(self) -> None:
        values = (self.on_track, self.moderate, self.limited)
        if not all(math.isfinite(v) for v in values):
            raise ValueError(f"Thresholds must be finite numbers, got {values}.")
        if not self.on_track >= self.moderate >= self.limited:
            raise ValueError(
                "Thresholds must satisfy on_track >= moderate >= limited, "
                f"got {self.on_track}, {self.moderate}, {self.limited}."
            )


DEFAULT_THRESHOLDS: Final = Thresholds()


@dataclass(frozen=True)
class Assessment:
    """Result of :func:`assess`.

    ``actual_rate`` and ``required_rate`` are fractions per year (0.026 = 2.6 %)
    with the compound method, and changes in the indicator's own unit per year
    with the linear method. Fields that could not be computed are ``None``.
    """

    status: ProgressStatus
    explanation: str
    baseline_year: int | None
    baseline_value: float | None
    latest_year: int | None
    latest_value: float | None
    actual_rate: float | None
    required_rate: float | None
    ratio: float | None
    method: str


def classify_ratio(ratio: float, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> ProgressStatus:
    """Band for a ratio actual/required rate (the target is assumed not yet met)."""
    if ratio >= thresholds.on_track:
        return ProgressStatus.ON_TRACK
    if ratio >= thresholds.moderate:
        return ProgressStatus.MODERATE
    if ratio >= thresholds.limited:
        return ProgressStatus.LIMITED
    return ProgressStatus.DETERIORATION


def assess(
    observations: Iterable[tuple[int, float | None]],
    *,
    target: float | None,
    target_year: int | None,
    higher_is_better: bool = True,
    baseline_year: int | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    target_band: tuple[float, float] | None = None,
) -> Assessment:
    """Rate the progress of one indicator towards its target.

    ``observations`` are ``(year, value)`` pairs in any order. Missing values
    (``None``, NaN, infinities) are ignored; for a repeated year the last pair
    given wins. If ``baseline_year`` is given the baseline is the first
    observation in or after that year, otherwise the earliest observation.
    ``target_band`` ``(low, high)`` makes the target two-sided: only a value within
    the band meets it, whatever ``higher_is_better`` says.
    """
    series = _clean(observations)
    if not series:
        return Assessment(
            status=ProgressStatus.INSUFFICIENT_DATA,
            explanation="No data has been reported yet.",
            baseline_year=None,
            baseline_value=None,
            latest_year=None,
            latest_value=None,
            actual_rate=None,
            required_rate=None,
            ratio=None,
            method=COMPOUND,
        )

    latest_year, latest_value = series[-1]
    from_baseline = (
        series if baseline_year is None else [o for o in series if o[0] >= baseline_year]
    )
    # What is known so far; each outcome below fills in status, explanation and rates.
    facts = Assessment(
        status=ProgressStatus.INSUFFICIENT_DATA,
        explanation="",
        baseline_year=from_baseline[0][0] if from_baseline else None,
        baseline_value=from_baseline[0][1] if from_baseline else None,
        latest_year=latest_year,
        latest_value=latest_value,
        actual_rate=None,
        required_rate=None,
        ratio=None,
        method=COMPOUND,
    )

    if target_band is not None:
        return _assess_band(
            facts, from_baseline, target_band, target_year, baseline_year, thresholds
        )

    if target is not None and _meets(latest_value, target, higher_is_better):
        bound = "or more" if higher_is_better else "or less"
        by = f" set for {target_year}" if target_year is not None else ""
        return _outcome(
            facts,
            ProgressStatus.TARGET_MET,
            f"The latest value, {_num(latest_value)} in {latest_year}, already meets "
            f"the target of {_num(target)} {bound}{by}.",
        )

    if target is None or not math.isfinite(target):
        return _outcome(
            facts,
            ProgressStatus.INSUFFICIENT_DATA,
            "No target is set for this indicator, so progress cannot be rated.",
        )
    if target_year is None:
        return _outcome(
            facts,
            ProgressStatus.INSUFFICIENT_DATA,
            "No target year is set for this indicator, so progress cannot be rated.",
        )

    if not from_baseline:
        return _outcome(
            facts,
            ProgressStatus.INSUFFICIENT_DATA,
            f"No data has been reported from the baseline year {baseline_year} on "
            f"(latest: {latest_year}), so no trend can be measured.",
        )
    if len(from_baseline) < 2:
        since = f" since the {baseline_year} baseline" if baseline_year is not None else ""
        return _outcome(
            facts,
            ProgressStatus.INSUFFICIENT_DATA,
            f"Only one observation{since} ({from_baseline[0][0]}): "
            "at least two years are needed to measure a trend.",
        )

    start_year, start_value = from_baseline[0]
    if target_year <= start_year:
        return _outcome(
            facts,
            ProgressStatus.INSUFFICIENT_DATA,
            f"The target year ({target_year}) is not after the baseline year "
            f"({start_year}), so the rate needed to reach the target cannot be computed.",
        )

    method = COMPOUND if start_value > 0 and latest_value > 0 and target > 0 else LINEAR
    actual = _rate(start_value, latest_value, latest_year - start_year, method)
    trend = (
        f"From {_num(start_value)} in {start_year} to {_num(latest_value)} in "
        f"{latest_year} the value {_actual_words(actual, method)}"
    )
    linear_note = (
        " (a linear trend is used because a value is zero or negative)" if method == LINEAR else ""
    )

    if _meets(start_value, target, higher_is_better):
        # The baseline already met the target but the latest value no longer does:
        # the required rate would be zero or point away from the target, so a ratio
        # would be meaningless (or misleadingly positive).
        return _outcome(
            facts,
            ProgressStatus.DETERIORATION,
            f"{trend}{linear_note}. The baseline already met the target of "
            f"{_num(target)}, but the latest value no longer does: deterioration.",
            actual_rate=actual,
            method=method,
        )

    required = _rate(start_value, target, target_year - start_year, method)
    if required == 0:  # Unreachable once the baseline misses the target; guard anyway.
        return _outcome(
            facts,
            ProgressStatus.INSUFFICIENT_DATA,
            f"{trend}{linear_note}. The required rate is zero, so progress cannot be rated.",
            actual_rate=actual,
            required_rate=required,
            method=method,
        )

    ratio = actual / required + 0.0  # "+ 0.0" turns -0.0 (no change) into 0.0
    status = classify_ratio(ratio, thresholds)
    verb = "needed" if target_year <= latest_year else "needs"
    away = " (moving away from the target)" if ratio < 0 else ""
    explanation = (
        f"{trend}; reaching {_num(target)} by {target_year} {verb} "
        f"{_required_words(required, method)} a year from {start_year}{linear_note}. "
        f"Actual/required = {_ratio_text(ratio, status, thresholds)}: {status}{away}."
    )
    return _outcome(
        facts,
        status,
        explanation,
        actual_rate=actual,
        required_rate=required,
        ratio=ratio,
        method=method,
    )


def _assess_band(
    facts: Assessment,
    from_baseline: list[tuple[int, float]],
    band: tuple[float, float],
    target_year: int | None,
    baseline_year: int | None,
    thresholds: Thresholds,
) -> Assessment:
    """`assess` for a two-sided target: the distance to the band's nearer edge must close."""
    low, high = band
    latest_year, latest_value = facts.latest_year, facts.latest_value
    assert latest_year is not None and latest_value is not None  # an empty series returned
    within = f"within the target band {_num(low)} to {_num(high)}"
    if _distance(latest_value, band) == 0:
        by = f" set for {target_year}" if target_year is not None else ""
        return _outcome(
            facts,
            ProgressStatus.TARGET_MET,
            f"The latest value, {_num(latest_value)} in {latest_year}, is {within}{by}.",
            method=LINEAR,
        )
    if target_year is None:
        return _outcome(
            facts,
            ProgressStatus.INSUFFICIENT_DATA,
            "No target year is set for this indicator, so progress cannot be rated.",
            method=LINEAR,
        )
    if len(from_baseline) < 2:
        since = f" since the {baseline_year} baseline" if baseline_year is not None else ""
        return _outcome(
            facts,
            ProgressStatus.INSUFFICIENT_DATA,
            f"Fewer than two observations{since}: at least two years are needed to measure "
            "a trend.",
            method=LINEAR,
        )
    start_year, start_value = from_baseline[0]
    if target_year <= start_year:
        return _outcome(
            facts,
            ProgressStatus.INSUFFICIENT_DATA,
            f"The target year ({target_year}) is not after the baseline year "
            f"({start_year}), so the rate needed to reach the target cannot be computed.",
            method=LINEAR,
        )
    start_gap, latest_gap = _distance(start_value, band), _distance(latest_value, band)
    outside = f"{_num(latest_value)} in {latest_year} ({_num(latest_gap)} outside the band)"
    if start_gap == 0:
        return _outcome(
            facts,
            ProgressStatus.DETERIORATION,
            f"The baseline, {_num(start_value)} in {start_year}, was {within}, but the latest "
            f"value is {outside}: deterioration.",
            method=LINEAR,
        )
    actual = (start_gap - latest_gap) / (latest_year - start_year)
    required = start_gap / (target_year - start_year)
    ratio = actual / required + 0.0
    status = classify_ratio(ratio, thresholds)
    change = (
        "did not change"
        if actual == 0
        else f"{'narrowed' if actual > 0 else 'widened'} by {_num(abs(actual))} a year"
    )
    verb = "needed" if target_year <= latest_year else "needs"
    return _outcome(
        facts,
        status,
        f"The target is a value {within}. From {_num(start_value)} in {start_year} "
        f"({_num(start_gap)} outside the band) to {outside} the distance to the band "
        f"{change}; reaching the band by {target_year} {verb} closing it by "
        f"{_num(required)} a year. Actual/required = "
        f"{_ratio_text(ratio, status, thresholds)}: {status}.",
        actual_rate=actual,
        required_rate=required,
        ratio=ratio,
        method=LINEAR,
    )


def _distance(value: float, band: tuple[float, float]) -> float:
    """How far `value` lies outside the band (0 inside it or on an edge)."""
    low, high = band
    return max(low - value, value - high, 0.0)


def assess_frame(
    frame: pd.DataFrame,
    *,
    target: float | None,
    target_year: int | None,
    higher_is_better: bool = True,
    baseline_year: int | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    target_band: tuple[float, float] | None = None,
) -> Assessment:
    """Convenience: :func:`assess` for a frame with columns ``year`` and ``value``."""
    missing = {"year", "value"} - set(frame.columns)
    if missing:
        raise KeyError(f"Frame lacks column(s): {', '.join(sorted(missing))}.")
    # dropna handles pandas' NA/NaT as well as NaN, which float() would choke on.
    rows = frame[["year", "value"]].dropna()
    observations = [
        (int(year), float(value)) for year, value in zip(rows["year"], rows["value"], strict=True)
    ]
    return assess(
        observations,
        target=target,
        target_year=target_year,
        higher_is_better=higher_is_better,
        baseline_year=baseline_year,
        thresholds=thresholds,
        target_band=target_band,
    )


def rule_in_words(thresholds: Thresholds = DEFAULT_THRESHOLDS) -> str:
    """The classification rule as a short Markdown paragraph and list for the UI."""
    t = thresholds
    no_change = " (this includes no change)" if t.limited <= 0 < t.moderate else ""
    return (
        "Status is computed from the data, never typed by hand. Following the UN "
        "Statistics Division's SDG Progress Chart method, the annual growth rate "
        "actually achieved since the baseline is compared with the annual growth "
        "rate needed to reach the target by the target year (compound annual growth "
        "rates; a linear rate is used when a value is zero or negative). "
        "**Ratio = actual rate ÷ required rate.**\n\n"
        f"- **{ProgressStatus.TARGET_MET}**: the latest value already meets the target; "
        "for a two-sided target (a band, such as gender parity within 0.98 to 1.02) only a "
        "value within the band meets it, and progress is measured on the distance to the "
        "band.\n"
        f"- **{ProgressStatus.ON_TRACK}**: ratio ≥ {_num(t.on_track)}.\n"
        f"- **{ProgressStatus.MODERATE}**: ratio ≥ {_num(t.moderate)} "
        f"and < {_num(t.on_track)}.\n"
        f"- **{ProgressStatus.LIMITED}**: ratio ≥ {_num(t.limited)} "
        f"and < {_num(t.moderate)}{no_change}.\n"
        f"- **{ProgressStatus.DETERIORATION}**: ratio < {_num(t.limited)}, i.e. moving "
        "away from the target, or the baseline met the target but the latest value "
        "no longer does.\n"
        f"- **{ProgressStatus.INSUFFICIENT_DATA}**: no target or target year, or fewer "
        "than two years of data from the baseline on.\n"
    )


# --- helpers -----------------------------------------------------------------


def _clean(observations: Iterable[tuple[int, float | None]]) -> list[tuple[int, float]]:
    """Drop missing values, keep the last value given for each year, sort by year."""
    by_year: dict[int, float] = {}
    for year, value in observations:
        if year is None or value is None:
            continue
        number = float(value)
        if not math.isfinite(number):
            continue
        by_year[int(year)] = number
    return sorted(by_year.items())


def _meets(value: float, target: float, higher_is_better: bool) -> bool:
    return value >= target if higher_is_better else value <= target


def _rate(start: float, end: float, years: int, method: str) -> float:
    """Annual rate from ``start`` to ``end`` over ``years`` (> 0) years."""
    if method == COMPOUND:
        return (end / start) ** (1 / years) - 1
    return (end - start) / years


def _outcome(
    facts: Assessment,
    status: ProgressStatus,
    explanation: str,
    *,
    actual_rate: float | None = None,
    required_rate: float | None = None,
    ratio: float | None = None,
    method: str | None = None,
) -> Assessment:
    """``facts`` (years and values found) completed with a status and its reasons."""
    return replace(
        facts,
        status=status,
        explanation=explanation,
        actual_rate=actual_rate,
        required_rate=required_rate,
        ratio=ratio,
        method=method or facts.method,
    )


def _num(value: float) -> str:
    """A value for people: up to 3 decimals (3 significant digits below 1)."""
    if value != 0 and abs(value) < 1:
        text = f"{value:.3g}"
        if "e" not in text:
            return text
        return f"{value:.2e}"
    text = f"{value:,.3f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _amount(rate: float, method: str) -> str:
    """Size of a rate: a percentage (one decimal) or, for linear, a value per year."""
    if method == LINEAR:
        return _num(abs(rate))
    percent = abs(rate) * 100
    if 0 < percent < 0.05:
        return "less than 0.1 %"
    return f"{percent:.1f} %"


def _actual_words(rate: float, method: str) -> str:
    if rate == 0:
        return "did not change"
    if method == LINEAR:
        return f"{'rose' if rate > 0 else 'fell'} by {_amount(rate, method)} a year"
    return f"{'grew' if rate > 0 else 'fell'} {_amount(rate, method)} a year"


def _required_words(rate: float, method: str) -> str:
    if method == LINEAR:
        return f"{'a rise' if rate > 0 else 'a fall'} of {_amount(rate, method)}"
    return f"{'growth' if rate > 0 else 'a fall'} of {_amount(rate, method)}"


def _ratio_text(ratio: float, status: ProgressStatus, thresholds: Thresholds) -> str:
    """Two decimals, or more when rounding would suggest a different band (0.949)."""
    for decimals in range(2, 7):
        rounded = round(ratio, decimals) + 0.0
        if classify_ratio(rounded, thresholds) == status:
            return f"{rounded:.{decimals}f}"
    return f"{ratio:.6g}"


def target_band_of(indicator: Any) -> tuple[float, float] | None:
    """An indicator's two-sided target (target_low, target_high), or None: from a reference
    row (a mapping or a pandas row) that may lack the columns or hold NaN."""
    low, high = indicator.get("target_low"), indicator.get("target_high")
    if low is None or high is None or low != low or high != high:  # None or NaN
        return None
    return float(low), float(high)
