"""Progress status of an indicator, computed from its data and never typed by a person.

The method follows the UN Statistics Division's SDG Progress Chart: compare the
compound annual growth rate (CAGR) actually achieved since the baseline with the
CAGR that would have been needed, from the same baseline, to reach the target by
the target year. The ratio actual/required is then cut into bands (on track,
moderate, limited, deterioration).

When the baseline, latest or target value is zero or negative a growth rate is
undefined, so a linear rate (change in value per year) is used instead.

A status is stored and compared as its English value ("on track"); `status_label` gives
the word a reader sees, and every explanation is written in the reader's language, in
whole sentences.

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

from gdc_tracker.i18n import N_, _, word_for
from gdc_tracker.numbers import decimal_for_people, percent_for_people, scientific_for_people

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
    "status_label",
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

STATUS_LABELS: Final[dict[str, str]] = {
    ProgressStatus.TARGET_MET: N_("target met"),
    ProgressStatus.ON_TRACK: N_("on track"),
    ProgressStatus.MODERATE: N_("moderate progress"),
    ProgressStatus.LIMITED: N_("limited progress"),
    ProgressStatus.DETERIORATION: N_("deterioration"),
    ProgressStatus.INSUFFICIENT_DATA: N_("insufficient data"),
}


def status_label(status: object) -> str:
    """A progress status as the reader reads it ("on track" in English); a value that is
    no status is shown as it is."""
    return word_for(status, STATUS_LABELS)


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
            explanation=_("No data has been reported yet."),
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
        return _outcome(
            facts,
            ProgressStatus.TARGET_MET,
            _target_met_sentence(facts, target, target_year, higher_is_better),
        )

    if target is None or not math.isfinite(target):
        return _outcome(
            facts,
            ProgressStatus.INSUFFICIENT_DATA,
            _("No target is set for this indicator, so progress cannot be rated."),
        )
    if target_year is None:
        return _outcome(
            facts,
            ProgressStatus.INSUFFICIENT_DATA,
            _("No target year is set for this indicator, so progress cannot be rated."),
        )

    if not from_baseline:
        return _outcome(
            facts,
            ProgressStatus.INSUFFICIENT_DATA,
            _(
                "No data has been reported from the baseline year {baseline_year} on "
                "(latest: {latest_year}), so no trend can be measured."
            ).format(baseline_year=baseline_year, latest_year=latest_year),
        )
    if len(from_baseline) < 2:
        return _outcome(
            facts,
            ProgressStatus.INSUFFICIENT_DATA,
            _one_observation_sentence(baseline_year, from_baseline[0][0]),
        )

    start_year, start_value = from_baseline[0]
    if target_year <= start_year:
        return _outcome(
            facts, ProgressStatus.INSUFFICIENT_DATA, _target_year_too_early(target_year, start_year)
        )

    method = COMPOUND if start_value > 0 and latest_value > 0 and target > 0 else LINEAR
    actual = _rate(start_value, latest_value, latest_year - start_year, method)
    trend = _trend_sentence(from_baseline[0], (latest_year, latest_value), actual, method)
    linear_note = (
        [_("A linear trend is used because a value is zero or negative.")]
        if method == LINEAR
        else []
    )

    if _meets(start_value, target, higher_is_better):
        # The baseline already met the target but the latest value no longer does:
        # the required rate would be zero or point away from the target, so a ratio
        # would be meaningless (or misleadingly positive).
        return _outcome(
            facts,
            ProgressStatus.DETERIORATION,
            _sentences(
                trend,
                *linear_note,
                _(
                    "The baseline already met the target of {target}, but the latest value "
                    "no longer does: deterioration."
                ).format(target=_num(target)),
            ),
            actual_rate=actual,
            method=method,
        )

    required = _rate(start_value, target, target_year - start_year, method)
    # Zero when the target is a rounding error away from the baseline (1 and 1.0000000000000002).
    if required == 0:
        return _outcome(
            facts,
            ProgressStatus.INSUFFICIENT_DATA,
            _sentences(
                trend, *linear_note, _("The required rate is zero, so progress cannot be rated.")
            ),
            actual_rate=actual,
            required_rate=required,
            method=method,
        )

    ratio = actual / required + 0.0  # "+ 0.0" turns -0.0 (no change) into 0.0
    status = classify_ratio(ratio, thresholds)
    requirement = _requirement_sentence(
        target, target_year, start_year, required, method, reached=target_year <= latest_year
    )
    explanation = _sentences(
        trend, requirement, *linear_note, _ratio_sentence(ratio, status, thresholds)
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
    edges = {"low": _num(low), "high": _num(high)}
    if _distance(latest_value, band) == 0:
        latest = {"latest": _num(latest_value), "latest_year": latest_year, **edges}
        if target_year is None:
            met = _(
                "The latest value, {latest} in {latest_year}, is within the target band {low} to "
                "{high}."
            )
        else:
            met = _(
                "The latest value, {latest} in {latest_year}, is within the target band {low} to "
                "{high} set for {target_year}."
            )
        return _outcome(
            facts,
            ProgressStatus.TARGET_MET,
            met.format(**latest, target_year=target_year),
            method=LINEAR,
        )
    if target_year is None:
        return _outcome(
            facts,
            ProgressStatus.INSUFFICIENT_DATA,
            _("No target year is set for this indicator, so progress cannot be rated."),
            method=LINEAR,
        )
    if len(from_baseline) < 2:
        if baseline_year is None:
            fewer = _(
                "Fewer than two observations: at least two years are needed to measure a trend."
            )
        else:
            fewer = _(
                "Fewer than two observations since the {baseline_year} baseline: at least two "
                "years are needed to measure a trend."
            )
        return _outcome(
            facts,
            ProgressStatus.INSUFFICIENT_DATA,
            fewer.format(baseline_year=baseline_year),
            method=LINEAR,
        )
    start_year, start_value = from_baseline[0]
    if target_year <= start_year:
        return _outcome(
            facts,
            ProgressStatus.INSUFFICIENT_DATA,
            _target_year_too_early(target_year, start_year),
            method=LINEAR,
        )
    start_gap, latest_gap = _distance(start_value, band), _distance(latest_value, band)
    path = {
        "start": _num(start_value),
        "start_year": start_year,
        "start_gap": _num(start_gap),
        "latest": _num(latest_value),
        "latest_year": latest_year,
        "latest_gap": _num(latest_gap),
        **edges,
    }
    if start_gap == 0:
        return _outcome(
            facts,
            ProgressStatus.DETERIORATION,
            _(
                "The baseline, {start} in {start_year}, was within the target band {low} to "
                "{high}, but the latest value is {latest} in {latest_year} ({latest_gap} outside "
                "the band): deterioration."
            ).format(**path),
            method=LINEAR,
        )
    actual = (start_gap - latest_gap) / (latest_year - start_year)
    required = start_gap / (target_year - start_year)
    ratio = actual / required  # required > 0: the baseline lies outside the band
    status = classify_ratio(ratio, thresholds)
    return _outcome(
        facts,
        status,
        _sentences(
            _("The target is a value within the target band {low} to {high}.").format(**edges),
            _band_path_sentence(path, actual),
            _band_requirement_sentence(target_year, required, reached=target_year <= latest_year),
            _ratio_sentence(ratio, status, thresholds),
        ),
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
    bounds = {
        "on_track": _num(t.on_track),
        "moderate": _num(t.moderate),
        "limited": _num(t.limited),
    }
    if t.limited <= 0 < t.moderate:
        limited = _("ratio ≥ {limited} and < {moderate} (this includes no change).")
    else:
        limited = _("ratio ≥ {limited} and < {moderate}.")
    rules = {
        ProgressStatus.TARGET_MET: _(
            "the latest value already meets the target; for a two-sided target (a band, such "
            "as gender parity within 0.98 to 1.02) only a value within the band meets it, and "
            "progress is measured on the distance to the band."
        ),
        ProgressStatus.ON_TRACK: _("ratio ≥ {on_track}."),
        ProgressStatus.MODERATE: _("ratio ≥ {moderate} and < {on_track}."),
        ProgressStatus.LIMITED: limited,
        ProgressStatus.DETERIORATION: _(
            "ratio < {limited}, i.e. moving away from the target, or the baseline met the "
            "target but the latest value no longer does."
        ),
        ProgressStatus.INSUFFICIENT_DATA: _(
            "no target or target year, or fewer than two years of data from the baseline on."
        ),
    }
    method = _(
        "Status is computed from the data, never typed by hand. Following the UN Statistics "
        "Division's SDG Progress Chart method, the annual growth rate actually achieved since "
        "the baseline is compared with the annual growth rate needed to reach the target by "
        "the target year (compound annual growth rates; a linear rate is used when a value is "
        "zero or negative). **Ratio = actual rate ÷ required rate.**"
    )
    items = "".join(
        f"- **{status_label(status)}**: {rule.format(**bounds)}\n" for status, rule in rules.items()
    )
    return f"{method}\n\n{items}"


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


def _sentences(*sentences: str) -> str:
    """Whole sentences, each translated on its own, as one explanation."""
    return " ".join(sentences)


def _num(value: float) -> str:
    """A value for people: up to 3 decimals (3 significant digits below 1)."""
    if value != 0 and abs(value) < 1:
        if "e" in f"{value:.3g}":  # below 0.0001: three significant digits need an exponent
            return scientific_for_people(value)
        return decimal_for_people(value, "@##")
    return decimal_for_people(value + 0.0, "#,##0.###")  # "+ 0.0": -0.0 is shown as 0


def _amount(rate: float, method: str) -> str:
    """Size of a rate: a percentage (one decimal) or, for linear, a value per year."""
    if method == LINEAR:
        return _num(abs(rate))
    percent = abs(rate) * 100
    if 0 < percent < 0.05:
        return _("less than {percent}").format(percent=percent_for_people(0.1, "0.0"))
    return percent_for_people(percent, "0.0")


def _target_met_sentence(
    facts: Assessment, target: float, target_year: int | None, higher_is_better: bool
) -> str:
    """ "The latest value, 102 in 2023, already meets the target of 100 or more set for 2030." """
    if target_year is None:
        if higher_is_better:
            met = _(
                "The latest value, {latest} in {latest_year}, already meets the target of "
                "{target} or more."
            )
        else:
            met = _(
                "The latest value, {latest} in {latest_year}, already meets the target of "
                "{target} or less."
            )
    elif higher_is_better:
        met = _(
            "The latest value, {latest} in {latest_year}, already meets the target of {target} "
            "or more set for {target_year}."
        )
    else:
        met = _(
            "The latest value, {latest} in {latest_year}, already meets the target of {target} "
            "or less set for {target_year}."
        )
    assert facts.latest_value is not None
    return met.format(
        latest=_num(facts.latest_value),
        latest_year=facts.latest_year,
        target=_num(target),
        target_year=target_year,
    )


def _one_observation_sentence(baseline_year: int | None, year: int) -> str:
    if baseline_year is None:
        only = _("Only one observation ({year}): at least two years are needed to measure a trend.")
    else:
        only = _(
            "Only one observation since the {baseline_year} baseline ({year}): at least two "
            "years are needed to measure a trend."
        )
    return only.format(baseline_year=baseline_year, year=year)


def _target_year_too_early(target_year: int, start_year: int) -> str:
    return _(
        "The target year ({target_year}) is not after the baseline year ({start_year}), so the "
        "rate needed to reach the target cannot be computed."
    ).format(target_year=target_year, start_year=start_year)


def _trend_sentence(
    start: tuple[int, float], latest: tuple[int, float], rate: float, method: str
) -> str:
    """ "From 50 in 2020 to 70 in 2023 the value grew 11.9 % a year." """
    if rate == 0:
        trend = _(
            "From {start} in {start_year} to {latest} in {latest_year} the value did not change."
        )
    elif method == LINEAR and rate > 0:
        trend = _(
            "From {start} in {start_year} to {latest} in {latest_year} the value rose by {rate} "
            "a year."
        )
    elif method == LINEAR:
        trend = _(
            "From {start} in {start_year} to {latest} in {latest_year} the value fell by {rate} "
            "a year."
        )
    elif rate > 0:
        trend = _(
            "From {start} in {start_year} to {latest} in {latest_year} the value grew {rate} a "
            "year."
        )
    else:
        trend = _(
            "From {start} in {start_year} to {latest} in {latest_year} the value fell {rate} a "
            "year."
        )
    return trend.format(
        start=_num(start[1]),
        start_year=start[0],
        latest=_num(latest[1]),
        latest_year=latest[0],
        rate=_amount(rate, method),
    )


def _requirement_sentence(
    target: float, target_year: int, start_year: int, rate: float, method: str, *, reached: bool
) -> str:
    """ "Reaching 100 by 2030 needs growth of 7.2 % a year from 2020." (`reached`: the target
    year has passed, so it "needed" it.)"""
    rising = rate > 0
    if reached:
        if not rising:
            needed = _(
                "Reaching {target} by {target_year} needed a fall of {rate} a year from "
                "{start_year}."
            )
        elif method == LINEAR:
            needed = _(
                "Reaching {target} by {target_year} needed a rise of {rate} a year from "
                "{start_year}."
            )
        else:
            needed = _(
                "Reaching {target} by {target_year} needed growth of {rate} a year from "
                "{start_year}."
            )
    elif not rising:
        needed = _(
            "Reaching {target} by {target_year} needs a fall of {rate} a year from {start_year}."
        )
    elif method == LINEAR:
        needed = _(
            "Reaching {target} by {target_year} needs a rise of {rate} a year from {start_year}."
        )
    else:
        needed = _(
            "Reaching {target} by {target_year} needs growth of {rate} a year from {start_year}."
        )
    return needed.format(
        target=_num(target),
        target_year=target_year,
        start_year=start_year,
        rate=_amount(rate, method),
    )


def _band_path_sentence(path: dict[str, object], rate: float) -> str:
    """How the distance to the band changed from the baseline to the latest value."""
    if rate == 0:
        change = _(
            "From {start} in {start_year} ({start_gap} outside the band) to {latest} in "
            "{latest_year} ({latest_gap} outside the band) the distance to the band did not change."
        )
    elif rate > 0:
        change = _(
            "From {start} in {start_year} ({start_gap} outside the band) to {latest} in "
            "{latest_year} ({latest_gap} outside the band) the distance to the band narrowed by "
            "{rate} a year."
        )
    else:
        change = _(
            "From {start} in {start_year} ({start_gap} outside the band) to {latest} in "
            "{latest_year} ({latest_gap} outside the band) the distance to the band widened by "
            "{rate} a year."
        )
    return change.format(**path, rate=_num(abs(rate)))


def _band_requirement_sentence(target_year: int, rate: float, *, reached: bool) -> str:
    if reached:
        needed = _("Reaching the band by {target_year} needed closing it by {rate} a year.")
    else:
        needed = _("Reaching the band by {target_year} needs closing it by {rate} a year.")
    return needed.format(target_year=target_year, rate=_num(rate))


def _ratio_sentence(ratio: float, status: ProgressStatus, thresholds: Thresholds) -> str:
    """ "Actual/required = 1.65: on track." """
    if ratio < 0:
        rated = _("Actual/required = {ratio}: {status} (moving away from the target).")
    else:
        rated = _("Actual/required = {ratio}: {status}.")
    return rated.format(ratio=_ratio_text(ratio, status, thresholds), status=status_label(status))


def _ratio_text(ratio: float, status: ProgressStatus, thresholds: Thresholds) -> str:
    """Two decimals, or more when rounding would suggest a different band (0.949): never
    "0.95" beside "moderate progress"."""
    for decimals in range(2, 7):
        rounded = round(ratio, decimals) + 0.0
        if classify_ratio(rounded, thresholds) == status:
            return decimal_for_people(rounded, "0." + "0" * decimals)
    return decimal_for_people(ratio, "0.00" + "#" * 14)  # within a millionth of a bound


def target_band_of(indicator: Any) -> tuple[float, float] | None:
    """An indicator's two-sided target (target_low, target_high), or None: from a reference
    row (a mapping or a pandas row) that may lack the columns or hold NaN."""
    low, high = indicator.get("target_low"), indicator.get("target_high")
    if low is None or high is None or low != low or high != high:  # None or NaN
        return None
    return float(low), float(high)
