"""What a Council member reads beside a status: the rule under the status charts, the
numbers inside an explanation, the ratio and the refused thresholds.

Every expected text is written out by hand from the rule it states (English, the source
language), so a changed word, bound or decimal fails here.
"""

import math

import pandas as pd
import pytest

from gdc_tracker.status import (
    ProgressStatus,
    Thresholds,
    _amount,
    _num,
    _ratio_text,
    assess,
    assess_frame,
    rule_in_words,
    target_band_of,
)

METHOD_PARAGRAPH = (
    "Status is computed from the data, never typed by hand. Following the UN Statistics "
    "Division's SDG Progress Chart method, the annual growth rate actually achieved since "
    "the baseline is compared with the annual growth rate needed to reach the target by "
    "the target year (compound annual growth rates; a linear rate is used when a value is "
    "zero or negative). **Ratio = actual rate ÷ required rate.**"
)
TARGET_MET_RULE = (
    "- **target met**: the latest value already meets the target; for a two-sided target "
    "(a band, such as gender parity within 0.98 to 1.02) only a value within the band meets "
    "it, and progress is measured on the distance to the band.\n"
)
INSUFFICIENT_RULE = (
    "- **insufficient data**: no target or target year, or fewer than two years of data "
    "from the baseline on.\n"
)


def _deterioration_rule(bound: str) -> str:
    return (
        f"- **deterioration**: ratio < {bound}, i.e. moving away from the target, or the "
        "baseline met the target but the latest value no longer does.\n"
    )


# --- the rule shown under the status charts -------------------------------------------


def test_the_rule_with_the_unsd_thresholds_reads_in_full() -> None:
    assert rule_in_words() == (
        f"{METHOD_PARAGRAPH}\n\n"
        f"{TARGET_MET_RULE}"
        "- **on track**: ratio ≥ 0.95.\n"
        "- **moderate progress**: ratio ≥ 0.5 and < 0.95.\n"
        "- **limited progress**: ratio ≥ 0 and < 0.5 (this includes no change).\n"
        f"{_deterioration_rule('0')}"
        f"{INSUFFICIENT_RULE}"
    )


def test_a_positive_lower_bound_no_longer_says_no_change_is_limited_progress() -> None:
    # No change is a ratio of 0: under a lower bound of 0.1 it is deterioration.
    assert rule_in_words(Thresholds(on_track=0.9, moderate=0.4, limited=0.1)) == (
        f"{METHOD_PARAGRAPH}\n\n"
        f"{TARGET_MET_RULE}"
        "- **on track**: ratio ≥ 0.9.\n"
        "- **moderate progress**: ratio ≥ 0.4 and < 0.9.\n"
        "- **limited progress**: ratio ≥ 0.1 and < 0.4.\n"
        f"{_deterioration_rule('0.1')}"
        f"{INSUFFICIENT_RULE}"
    )


@pytest.mark.parametrize(
    ("thresholds", "limited_rule"),
    [
        # A lower bound below zero still takes in no change (ratio 0).
        (
            Thresholds(on_track=0.95, moderate=0.5, limited=-0.2),
            "ratio ≥ -0.2 and < 0.5 (this includes no change).",
        ),
        # Moderate from 0 on: no change is moderate progress, not limited.
        (Thresholds(on_track=0.95, moderate=0.0, limited=-0.5), "ratio ≥ -0.5 and < 0."),
        # Bounds of 1 and more: no change is far below them.
        (Thresholds(on_track=3.0, moderate=2.0, limited=1.0), "ratio ≥ 1 and < 2."),
    ],
)
def test_the_limited_rule_mentions_no_change_only_where_a_ratio_of_0_is_limited(
    thresholds: Thresholds, limited_rule: str
) -> None:
    assert f"- **limited progress**: {limited_rule}\n" in rule_in_words(thresholds)


# --- numbers inside an explanation ------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (1234.5678, "1,234.568"),  # three decimals at most, thousands grouped
        (1.2345, "1.234"),  # one and more: decimals, not significant digits
        (1.0, "1"),
        (0.12345, "0.123"),  # below one: three significant digits
        (-0.5, "-0.5"),
        (0.000_012_3, "1.23E-05"),  # below 0.0001 three significant digits need an exponent
        (-0.0, "0"),  # a fall of nothing is no fall
        (0.0, "0"),
    ],
)
def test_values_are_written_to_three_decimals_or_three_significant_digits(
    value: float, written: str
) -> None:
    assert _num(value) == written


@pytest.mark.parametrize(
    ("rate", "written"),
    [
        (0.0004, "less than 0.1 %"),  # 0.04 % would round to 0.0 %, which reads as no change
        (0.0, "0.0 %"),
        (0.0005, "0.1 %"),  # 0.05 %: shown once it rounds to 0.1 %
        (0.005, "0.5 %"),
        (-0.026, "2.6 %"),  # a size: the sentence says whether it is a rise or a fall
        (12.3456, "1234.6 %"),
    ],
)
def test_compound_rates_are_percentages_to_one_decimal(rate: float, written: str) -> None:
    assert _amount(rate, "compound") == written


def test_linear_rates_are_values_a_year() -> None:
    assert _amount(-2.5, "linear") == "2.5"
    assert _amount(0.0004, "linear") == "0.0004"


# --- the ratio --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ratio", "status", "thresholds", "written"),
    [
        (1.654, ProgressStatus.ON_TRACK, Thresholds(), "1.65"),
        # 0.949 rounds to 0.95, on track: three decimals keep it moderate.
        (0.949, ProgressStatus.MODERATE, Thresholds(), "0.949"),
        # Under a bound of 0.8, 0.7999 needs four decimals to stay moderate.
        (0.7999, ProgressStatus.MODERATE, Thresholds(on_track=0.8), "0.7999"),
        (-0.0001, ProgressStatus.DETERIORATION, Thresholds(), "-0.0001"),
        (-0.0, ProgressStatus.LIMITED, Thresholds(), "0.00"),
        # Within a millionth of the bound: all the digits, never "0.95" beside moderate.
        (0.949_999_99, ProgressStatus.MODERATE, Thresholds(), "0.94999999"),
        (0.949_999_94, ProgressStatus.MODERATE, Thresholds(), "0.94999994"),
    ],
)
def test_the_ratio_is_written_with_the_decimals_its_band_needs(
    ratio: float, status: ProgressStatus, thresholds: Thresholds, written: str
) -> None:
    assert _ratio_text(ratio, status, thresholds) == written


def test_no_change_towards_a_lower_target_is_a_ratio_of_plus_zero() -> None:
    # 10 -> 10 with 5 or less by 2025: actual 0.0, required negative, 0.0 / -x = -0.0.
    result = assess(
        [(2015, 10.0), (2020, 10.0)], target=5, target_year=2025, higher_is_better=False
    )

    assert result.status is ProgressStatus.LIMITED
    assert result.ratio == 0.0
    assert math.copysign(1.0, result.ratio) == 1.0  # a CSV never shows "-0.0"


def test_a_target_a_rounding_error_from_the_baseline_cannot_be_rated() -> None:
    # (1.0000000000000002 / 1) ** (1/10) is exactly 1.0 in floating point: no rate is
    # required, so there is no ratio to divide by.
    result = assess([(2015, 1.0), (2020, 0.9)], target=1.000_000_000_000_000_2, target_year=2025)

    assert result.status is ProgressStatus.INSUFFICIENT_DATA
    assert result.required_rate == 0.0
    assert result.actual_rate == pytest.approx(0.9**0.2 - 1)
    assert result.ratio is None
    assert result.method == "compound"
    assert result.explanation == (
        "From 1 in 2015 to 0.9 in 2020 the value fell 2.1 % a year. "
        "The required rate is zero, so progress cannot be rated."
    )


# --- thresholds an administrator sets ---------------------------------------------------


def test_equal_bounds_are_accepted_and_close_a_band() -> None:
    # moderate = on track: nothing is moderate any more; still a valid rule.
    thresholds = Thresholds(on_track=0.5, moderate=0.5, limited=0.5)

    assert "- **moderate progress**: ratio ≥ 0.5 and < 0.5.\n" in rule_in_words(thresholds)


def test_unordered_bounds_are_refused_with_the_rule_and_the_values() -> None:
    with pytest.raises(ValueError) as refused:
        Thresholds(on_track=0.5, moderate=0.9, limited=0.0)

    assert str(refused.value) == (
        "Thresholds must satisfy on_track >= moderate >= limited, got 0.5, 0.9, 0.0."
    )


def test_bounds_that_are_not_finite_are_refused_with_the_values() -> None:
    with pytest.raises(ValueError) as refused:
        Thresholds(on_track=math.inf, moderate=0.5, limited=0.0)

    assert str(refused.value) == "Thresholds must be finite numbers, got (inf, 0.5, 0.0)."


# --- explanations of the branches the whole-assessment cases do not reach ---------------
# Rates by hand: compound (end/start)^(1/years) - 1, linear (end - start)/years.

SERIES_50_TO_70 = [(2020, 50.0), (2023, 70.0)]


@pytest.mark.parametrize(
    ("observations", "target", "target_year", "higher_is_better", "explanation"),
    [
        (
            SERIES_50_TO_70,
            100,
            None,
            True,
            "No target year is set for this indicator, so progress cannot be rated.",
        ),
        (
            SERIES_50_TO_70,
            60,
            None,
            True,
            "The latest value, 70 in 2023, already meets the target of 60 or more.",
        ),
        (
            [(2020, 50.0), (2023, 30.0)],
            40,
            None,
            False,
            "The latest value, 30 in 2023, already meets the target of 40 or less.",
        ),
    ],
)
def test_without_a_target_year_only_a_target_already_met_is_rated(
    observations: list[tuple[int, float]],
    target: float,
    target_year: int | None,
    higher_is_better: bool,
    explanation: str,
) -> None:
    result = assess(
        observations, target=target, target_year=target_year, higher_is_better=higher_is_better
    )

    assert result.explanation == explanation


def test_one_observation_since_the_baseline_year_names_both_years() -> None:
    result = assess([(2018, 5.0), (2021, 7.0)], target=100, target_year=2030, baseline_year=2020)

    assert result.status is ProgressStatus.INSUFFICIENT_DATA
    assert result.explanation == (
        "Only one observation since the 2020 baseline (2021): at least two years are needed "
        "to measure a trend."
    )


def test_an_unchanged_value_is_limited_progress_in_words() -> None:
    # required = 2^(1/10) - 1 = 7.2 %; actual 0, ratio 0.
    result = assess([(2020, 50.0), (2023, 50.0)], target=100, target_year=2030)

    assert result.explanation == (
        "From 50 in 2020 to 50 in 2023 the value did not change. Reaching 100 by 2030 needs "
        "growth of 7.2 % a year from 2020. Actual/required = 0.00: limited progress."
    )


def test_a_linear_rise_of_less_than_one_a_year_is_a_rise() -> None:
    # A baseline of 0 takes the linear method: actual (1 - 0)/2 = 0.5, required 10/10 = 1.
    result = assess([(2020, 0.0), (2022, 1.0)], target=10, target_year=2030)

    assert result.method == "linear"
    assert result.explanation == (
        "From 0 in 2020 to 1 in 2022 the value rose by 0.5 a year. Reaching 10 by 2030 needs "
        "a rise of 1 a year from 2020. A linear trend is used because a value is zero or "
        "negative. Actual/required = 0.50: moderate progress."
    )


def test_once_the_target_year_has_passed_a_fall_was_needed() -> None:
    # actual = 0.8^(1/10) - 1 = -2.2 %; required = 0.5^(1/5) - 1 = -12.9 %;
    # ratio = 0.02207 / 0.12945 = 0.17.
    result = assess([(2015, 10.0), (2025, 8.0)], target=5, target_year=2020, higher_is_better=False)

    assert result.explanation == (
        "From 10 in 2015 to 8 in 2025 the value fell 2.2 % a year. Reaching 5 by 2020 needed "
        "a fall of 12.9 % a year from 2015. Actual/required = 0.17: limited progress."
    )


def test_once_the_target_year_has_passed_a_linear_rise_was_needed() -> None:
    # actual (4 - 0)/10 = 0.4, required (10 - 0)/5 = 2, ratio 0.2.
    result = assess([(2015, 0.0), (2025, 4.0)], target=10, target_year=2020)

    assert result.explanation == (
        "From 0 in 2015 to 4 in 2025 the value rose by 0.4 a year. Reaching 10 by 2020 needed "
        "a rise of 2 a year from 2015. A linear trend is used because a value is zero or "
        "negative. Actual/required = 0.20: limited progress."
    )


def test_a_baseline_that_met_the_target_on_the_linear_method_says_so() -> None:
    # 0 meets "-1 or more"; -2 no longer does. actual (-2 - 0)/5 = -0.4 a year.
    result = assess([(2015, 0.0), (2020, -2.0)], target=-1, target_year=2030)

    assert result.status is ProgressStatus.DETERIORATION
    assert result.method == "linear"
    assert result.actual_rate == pytest.approx(-0.4)
    assert result.explanation == (
        "From 0 in 2015 to -2 in 2020 the value fell by 0.4 a year. A linear trend is used "
        "because a value is zero or negative. The baseline already met the target of -1, but "
        "the latest value no longer does: deterioration."
    )


def test_no_data_at_all_is_insufficient_data_on_the_default_method() -> None:
    result = assess([], target=100, target_year=2030)

    assert result.status is ProgressStatus.INSUFFICIENT_DATA
    assert result.explanation == "No data has been reported yet."
    assert result.method == "compound"


def test_a_frame_without_either_column_names_both() -> None:
    with pytest.raises(KeyError) as refused:
        assess_frame(pd.DataFrame({"country": ["BRA"]}), target=100, target_year=2030)

    assert refused.value.args[0] == "Frame lacks column(s): value, year."


# --- a two-sided target read from a reference row ---------------------------------------


@pytest.mark.parametrize(
    ("row", "band"),
    [
        ({"target_low": 0.98, "target_high": 1.02}, (0.98, 1.02)),
        ({"target_low": 1, "target_high": 2}, (1.0, 2.0)),
        (pd.Series({"target_low": 0.98, "target_high": 1.02, "target": None}), (0.98, 1.02)),
        ({"target": 100}, None),  # a one-sided target has no band
        ({"target_low": 0.98}, None),
        ({"target_low": None, "target_high": 1.02}, None),
        ({"target_low": 0.98, "target_high": None}, None),
        (pd.Series({"target_low": float("nan"), "target_high": 1.02}), None),
        (pd.Series({"target_low": 0.98, "target_high": float("nan")}), None),
    ],
)
def test_a_band_needs_both_edges(row: object, band: tuple[float, float] | None) -> None:
    found = target_band_of(row)

    assert found == band
    if found is not None:
        assert all(isinstance(edge, float) for edge in found)
