"""Tests for gdc_tracker.status (UNSD SDG Progress Chart method).

Expected rates are worked out by hand in the comments: CAGR = (end/start)^(1/years) - 1.
"""

import math
from pathlib import Path

import pandas as pd
import pytest
import yaml

from gdc_tracker.i18n import speaking
from gdc_tracker.status import (
    STATUS_ORDER,
    Assessment,
    ProgressStatus,
    Thresholds,
    assess,
    assess_frame,
    classify_ratio,
    rule_in_words,
    status_label,
)

# Higher-is-better series used by several tests: 50 (2020) -> 70 (2023), target 100 by 2030.
ON_TRACK_SERIES = [(2020, 50.0), (2023, 70.0)]


def _assess_to_100_by_2030(observations: list[tuple[int, float | None]]) -> Assessment:
    return assess(observations, target=100, target_year=2030)


# --- the four rated bands, higher is better ----------------------------------


def test_higher_is_better_growth_faster_than_required_is_on_track() -> None:
    # actual   = (70/50)^(1/3) - 1  = 1.4^0.3333 - 1 = 0.1187
    # required = (100/50)^(1/10) - 1 = 2^0.1 - 1      = 0.0718
    # ratio    = 0.1187 / 0.0718 = 1.65 >= 0.95 -> on track
    result = _assess_to_100_by_2030(ON_TRACK_SERIES)

    assert result.status is ProgressStatus.ON_TRACK
    assert result.method == "compound"
    assert result.actual_rate == pytest.approx(0.1187, abs=1e-4)
    assert result.required_rate == pytest.approx(0.0718, abs=1e-4)
    assert result.ratio == pytest.approx(1.654, abs=1e-3)
    assert (result.baseline_year, result.baseline_value) == (2020, 50.0)
    assert (result.latest_year, result.latest_value) == (2023, 70.0)
    assert result.explanation == (
        "From 50 in 2020 to 70 in 2023 the value grew 11.9 % a year. Reaching 100 by "
        "2030 needs growth of 7.2 % a year from 2020. Actual/required = 1.65: on track."
    )


def test_growth_at_about_half_the_required_rate_is_moderate_progress() -> None:
    # actual   = (44/40)^(1/4) - 1  = 1.1^0.25 - 1 = 0.0241
    # required = (60/40)^(1/10) - 1 = 1.5^0.1 - 1  = 0.0414
    # ratio    = 0.0241 / 0.0414 = 0.583, in [0.5, 0.95) -> moderate
    result = assess([(2020, 40.0), (2024, 44.0)], target=60, target_year=2030)

    assert result.status is ProgressStatus.MODERATE
    assert result.actual_rate == pytest.approx(0.0241, abs=1e-4)
    assert result.required_rate == pytest.approx(0.0414, abs=1e-4)
    assert result.ratio == pytest.approx(0.583, abs=1e-3)
    assert "Actual/required = 0.58: moderate progress." in result.explanation


def test_slow_growth_is_limited_progress() -> None:
    # actual   = (51/50)^(1/3) - 1  = 1.02^0.3333 - 1 = 0.0066
    # required = (80/50)^(1/10) - 1 = 1.6^0.1 - 1     = 0.0481
    # ratio    = 0.0066 / 0.0481 = 0.138, in [0, 0.5) -> limited
    result = assess([(2020, 50.0), (2023, 51.0)], target=80, target_year=2030)

    assert result.status is ProgressStatus.LIMITED
    assert result.actual_rate == pytest.approx(0.0066, abs=1e-4)
    assert result.required_rate == pytest.approx(0.0481, abs=1e-4)
    assert result.ratio == pytest.approx(0.138, abs=1e-3)


def test_no_change_is_limited_progress_not_deterioration() -> None:
    # actual = (50/50)^(1/3) - 1 = 0; ratio = 0 / 0.0481 = 0 -> limited (stagnation)
    result = assess([(2020, 50.0), (2023, 50.0)], target=80, target_year=2030)

    assert result.status is ProgressStatus.LIMITED
    assert result.actual_rate == 0
    assert result.ratio == 0
    assert "did not change" in result.explanation
    assert "Actual/required = 0.00: limited progress." in result.explanation


def test_moving_away_from_target_is_deterioration() -> None:
    # actual   = (45/50)^(1/3) - 1  = 0.9^0.3333 - 1 = -0.0345
    # required = (80/50)^(1/10) - 1 = 0.0481
    # ratio    = -0.0345 / 0.0481 = -0.717 < 0 -> deterioration
    result = assess([(2020, 50.0), (2023, 45.0)], target=80, target_year=2030)

    assert result.status is ProgressStatus.DETERIORATION
    assert result.actual_rate == pytest.approx(-0.0345, abs=1e-4)
    assert result.ratio == pytest.approx(-0.717, abs=1e-3)
    assert "fell 3.5 % a year" in result.explanation


# --- lower is better ---------------------------------------------------------


def test_lower_is_better_falling_price_is_moderate_progress() -> None:
    # Broadband price, % of GNI per capita: 5.0 (2019) -> 4.0 (2023), target 2 by 2030.
    # actual   = (4/5)^(1/4) - 1  = 0.8^0.25 - 1   = -0.0543
    # required = (2/5)^(1/11) - 1 = 0.4^0.0909 - 1 = -0.0799
    # ratio    = -0.0543 / -0.0799 = 0.68, in [0.5, 0.95) -> moderate
    result = assess([(2019, 5.0), (2023, 4.0)], target=2, target_year=2030, higher_is_better=False)

    assert result.status is ProgressStatus.MODERATE
    assert result.actual_rate == pytest.approx(-0.0543, abs=1e-4)
    assert result.required_rate == pytest.approx(-0.0799, abs=1e-4)
    assert result.ratio == pytest.approx(0.679, abs=1e-3)
    assert result.explanation == (
        "From 5 in 2019 to 4 in 2023 the value fell 5.4 % a year. Reaching 2 by 2030 "
        "needs a fall of 8.0 % a year from 2019. Actual/required = 0.68: moderate progress."
    )


def test_lower_is_better_rising_series_is_deterioration() -> None:
    # actual   = (6/5)^(1/4) - 1 = 1.2^0.25 - 1 = +0.0466
    # required = -0.0799 (as above)
    # ratio    = 0.0466 / -0.0799 = -0.58 < 0 -> deterioration
    result = assess([(2019, 5.0), (2023, 6.0)], target=2, target_year=2030, higher_is_better=False)

    assert result.status is ProgressStatus.DETERIORATION
    assert result.actual_rate == pytest.approx(0.0466, abs=1e-4)
    assert result.ratio == pytest.approx(-0.584, abs=1e-3)
    assert "moving away from the target" in result.explanation


def test_lower_is_better_no_change_is_limited_progress() -> None:
    # actual = 0, required = -0.0799; 0 / -0.0799 is -0.0 in floating point, still limited.
    result = assess([(2019, 5.0), (2023, 5.0)], target=2, target_year=2030, higher_is_better=False)

    assert result.status is ProgressStatus.LIMITED
    assert result.ratio == 0
    assert "-0.00" not in result.explanation


# --- target met --------------------------------------------------------------


def test_latest_value_meeting_target_is_target_met() -> None:
    result = assess([(2020, 80.0), (2023, 101.0)], target=100, target_year=2030)

    assert result.status is ProgressStatus.TARGET_MET
    assert result.latest_value == 101.0
    assert "already meets the target of 100" in result.explanation


def test_single_observation_meeting_target_is_target_met() -> None:
    result = assess([(2023, 100.0)], target=100, target_year=2030)

    assert result.status is ProgressStatus.TARGET_MET
    assert (result.latest_year, result.latest_value) == (2023, 100.0)


def test_lower_is_better_value_exactly_at_target_is_target_met() -> None:
    result = assess([(2020, 3.0), (2023, 2.0)], target=2, target_year=2030, higher_is_better=False)

    assert result.status is ProgressStatus.TARGET_MET


def test_lower_is_better_value_at_or_below_target_is_target_met() -> None:
    result = assess([(2023, 1.8)], target=2, target_year=2030, higher_is_better=False)

    assert result.status is ProgressStatus.TARGET_MET
    assert "2 or less" in result.explanation


def test_target_met_without_target_year_is_still_target_met() -> None:
    result = assess([(2023, 120.0)], target=100, target_year=None)

    assert result.status is ProgressStatus.TARGET_MET


def test_baseline_met_target_but_latest_no_longer_does_is_deterioration() -> None:
    # 105 (2020) -> 98 (2023), target 100: required rate would point downwards,
    # so no ratio is computed; it is deterioration.
    result = assess([(2020, 105.0), (2023, 98.0)], target=100, target_year=2030)

    assert result.status is ProgressStatus.DETERIORATION
    assert result.ratio is None
    assert result.required_rate is None
    assert "no longer" in result.explanation


# --- insufficient data -------------------------------------------------------


def test_no_data_is_insufficient_data() -> None:
    result = _assess_to_100_by_2030([])

    assert result.status is ProgressStatus.INSUFFICIENT_DATA
    assert result.explanation == "No data has been reported yet."
    assert result.latest_year is None
    assert result.latest_value is None


def test_only_missing_values_is_no_data() -> None:
    result = _assess_to_100_by_2030([(2020, None), (2021, math.nan)])

    assert result.status is ProgressStatus.INSUFFICIENT_DATA
    assert result.explanation == "No data has been reported yet."


def test_single_observation_below_target_is_insufficient_data() -> None:
    result = _assess_to_100_by_2030([(2023, 67.0)])

    assert result.status is ProgressStatus.INSUFFICIENT_DATA
    assert result.explanation == (
        "Only one observation (2023): at least two years are needed to measure a trend."
    )
    assert (result.latest_year, result.latest_value) == (2023, 67.0)
    assert result.ratio is None


def test_no_target_is_insufficient_data_but_reports_latest_value() -> None:
    result = assess(ON_TRACK_SERIES, target=None, target_year=2030)

    assert result.status is ProgressStatus.INSUFFICIENT_DATA
    assert result.explanation == (
        "No target is set for this indicator, so progress cannot be rated."
    )
    assert (result.latest_year, result.latest_value) == (2023, 70.0)


def test_no_target_year_is_insufficient_data() -> None:
    result = assess(ON_TRACK_SERIES, target=100, target_year=None)

    assert result.status is ProgressStatus.INSUFFICIENT_DATA
    assert "No target year is set" in result.explanation
    assert result.latest_value == 70.0


def test_target_year_not_after_baseline_is_insufficient_data() -> None:
    result = assess(ON_TRACK_SERIES, target=100, target_year=2020)

    assert result.status is ProgressStatus.INSUFFICIENT_DATA
    assert "target year (2020) is not after the baseline year (2020)" in result.explanation


# --- input handling ----------------------------------------------------------


def test_none_and_nan_values_are_ignored() -> None:
    observations = [
        (2020, 50.0),
        (2021, None),
        (2022, math.nan),
        (2023, 70.0),
        (2024, math.nan),
    ]
    result = _assess_to_100_by_2030(observations)

    assert result == _assess_to_100_by_2030(ON_TRACK_SERIES)


def test_infinite_values_are_ignored() -> None:
    result = _assess_to_100_by_2030([(2020, 50.0), (2023, 70.0), (2024, math.inf)])

    assert result.latest_year == 2023


def test_unsorted_input_is_sorted_by_year() -> None:
    result = _assess_to_100_by_2030([(2023, 70.0), (2021, 55.0), (2020, 50.0)])

    assert (result.baseline_year, result.latest_year) == (2020, 2023)
    assert result.ratio == pytest.approx(1.654, abs=1e-3)


def test_duplicate_year_uses_last_value_given() -> None:
    result = _assess_to_100_by_2030([(2023, 90.0), (2020, 50.0), (2023, 70.0)])

    assert result.latest_value == 70.0
    assert result.ratio == pytest.approx(1.654, abs=1e-3)


def test_baseline_year_selects_first_observation_at_or_after_it() -> None:
    # Baseline 2019 -> first observation at or after it is 2020 (50), giving the
    # on-track example above. Without a baseline year the baseline would be 2015 (10):
    # actual = 7^(1/8) - 1 = 0.2754, required = 10^(1/15) - 1 = 0.1659.
    observations = [(2015, 10.0), (2018, 40.0), (2020, 50.0), (2023, 70.0)]

    chosen = assess(observations, target=100, target_year=2030, baseline_year=2019)
    earliest = assess(observations, target=100, target_year=2030)

    assert (chosen.baseline_year, chosen.baseline_value) == (2020, 50.0)
    assert chosen.actual_rate == pytest.approx(0.1187, abs=1e-4)
    assert (earliest.baseline_year, earliest.baseline_value) == (2015, 10.0)
    assert earliest.actual_rate == pytest.approx(0.2754, abs=1e-4)
    assert earliest.required_rate == pytest.approx(0.1659, abs=1e-4)


def test_baseline_year_leaving_one_observation_is_insufficient_data() -> None:
    result = assess([(2018, 40.0), (2023, 70.0)], target=100, target_year=2030, baseline_year=2020)

    assert result.status is ProgressStatus.INSUFFICIENT_DATA
    assert "Only one observation since the 2020 baseline (2023)" in result.explanation


def test_baseline_year_after_all_data_is_insufficient_data() -> None:
    result = assess(ON_TRACK_SERIES, target=100, target_year=2030, baseline_year=2024)

    assert result.status is ProgressStatus.INSUFFICIENT_DATA
    assert result.baseline_year is None
    assert result.latest_year == 2023


# --- linear method -----------------------------------------------------------


def test_zero_baseline_uses_linear_method() -> None:
    # 0 (2020) -> 3 (2023), target 20 by 2030; CAGR is undefined from zero.
    # actual = (3 - 0) / 3 = 1 a year; required = (20 - 0) / 10 = 2 a year
    # ratio = 1 / 2 = 0.5 -> moderate (exactly on the boundary)
    result = assess([(2020, 0.0), (2023, 3.0)], target=20, target_year=2030)

    assert result.method == "linear"
    assert result.actual_rate == pytest.approx(1.0)
    assert result.required_rate == pytest.approx(2.0)
    assert result.ratio == pytest.approx(0.5)
    assert result.status is ProgressStatus.MODERATE
    assert "linear" in result.explanation


def test_negative_values_use_linear_method() -> None:
    # Net change from -10 (2020) to -4 (2023), target 0 by 2030.
    # actual = (-4 - -10) / 3 = 2; required = (0 - -10) / 10 = 1; ratio = 2 -> on track
    result = assess([(2020, -10.0), (2023, -4.0)], target=0, target_year=2030)

    assert result.method == "linear"
    assert result.ratio == pytest.approx(2.0)
    assert result.status is ProgressStatus.ON_TRACK


def test_ratio_just_below_a_threshold_is_not_rounded_up_in_explanation() -> None:
    # Linear: actual = 2.847 / 3 = 0.949, required = 10 / 10 = 1, ratio 0.949 -> moderate.
    # Two decimals would print "0.95", which reads as on track.
    result = assess([(2020, 0.0), (2023, 2.847)], target=10, target_year=2030)

    assert result.status is ProgressStatus.MODERATE
    assert "Actual/required = 0.949: moderate progress." in result.explanation


# --- thresholds and wording --------------------------------------------------


def test_custom_thresholds_change_the_band() -> None:
    # Same series as the moderate example: ratio 0.583.
    lenient = Thresholds(on_track=0.5, moderate=0.25)
    result = assess([(2020, 40.0), (2024, 44.0)], target=60, target_year=2030, thresholds=lenient)

    assert result.status is ProgressStatus.ON_TRACK


def test_custom_limited_threshold_turns_slow_growth_into_deterioration() -> None:
    # Same series as the limited example: ratio 0.138 < 0.2.
    strict = Thresholds(limited=0.2)
    result = assess([(2020, 50.0), (2023, 51.0)], target=80, target_year=2030, thresholds=strict)

    assert result.status is ProgressStatus.DETERIORATION


def test_thresholds_out_of_order_are_rejected() -> None:
    with pytest.raises(ValueError):
        Thresholds(on_track=0.4, moderate=0.5)


@pytest.mark.parametrize(
    ("ratio", "expected"),
    [
        (0.95, ProgressStatus.ON_TRACK),
        (0.9499, ProgressStatus.MODERATE),
        (0.5, ProgressStatus.MODERATE),
        (0.4999, ProgressStatus.LIMITED),
        (0.0, ProgressStatus.LIMITED),
        (-0.0001, ProgressStatus.DETERIORATION),
    ],
)
def test_classify_ratio_boundaries_follow_unsd_chart(
    ratio: float, expected: ProgressStatus
) -> None:
    assert classify_ratio(ratio) is expected


def test_rule_in_words_mentions_every_status_label() -> None:
    text = rule_in_words()

    for status in ProgressStatus:
        assert status.value in text
    assert "0.95" in text
    assert "0.5" in text


def test_rule_in_words_reflects_custom_thresholds() -> None:
    text = rule_in_words(Thresholds(on_track=0.9, moderate=0.4))

    assert "0.9" in text
    assert "0.4" in text
    assert "0.95" not in text


def test_status_order_contains_every_status_once_best_first() -> None:
    assert len(STATUS_ORDER) == len(set(STATUS_ORDER)) == len(ProgressStatus)
    assert set(STATUS_ORDER) == set(ProgressStatus)
    assert STATUS_ORDER[0] is ProgressStatus.TARGET_MET
    assert STATUS_ORDER[-1] is ProgressStatus.INSUFFICIENT_DATA


# --- pandas helper -----------------------------------------------------------


def test_assess_frame_matches_assess_and_skips_missing_values() -> None:
    frame = pd.DataFrame(
        {
            "year": pd.array([2023, 2020, 2021, None], dtype="Int64"),
            "value": pd.array([70.0, 50.0, None, 80.0], dtype="Float64"),
        }
    )

    result = assess_frame(frame, target=100, target_year=2030)

    assert result == _assess_to_100_by_2030(ON_TRACK_SERIES)


def test_assess_frame_passes_on_which_way_is_better() -> None:
    """A falling broadband price, read from a frame as the Indicators page reads it: 5.0
    (2019) -> 4.0 (2023), target 2 by 2030, lower is better. 4.0 is above the target, so
    it is not met; the fall is 0.68 of the one needed (worked out in
    test_lower_is_better_falling_price_is_moderate_progress): moderate progress."""
    frame = pd.DataFrame({"year": [2019, 2023], "value": [5.0, 4.0]})

    result = assess_frame(frame, target=2, target_year=2030, higher_is_better=False)

    assert result.status is ProgressStatus.MODERATE
    assert result.ratio == pytest.approx(0.679, abs=1e-3)


def test_assess_frame_without_value_column_raises_naming_it() -> None:
    with pytest.raises(KeyError, match=r"Frame lacks column\(s\): value\."):
        assess_frame(pd.DataFrame({"year": [2020]}), target=100, target_year=2030)


@pytest.mark.parametrize(
    "options",
    [
        {"baseline_year": 2021},  # the baseline moves from 2020 to 2021
        {"thresholds": Thresholds(on_track=2.0, moderate=1.5, limited=0.0)},
        {"target": 1.0, "target_band": (0.98, 1.02)},  # 0.7 is outside the parity band
    ],
    ids=["baseline year", "thresholds", "target band"],
)
def test_assess_frame_passes_every_option_on(options: dict) -> None:
    """Each option changes the result of assess() on this series, and assess_frame gives
    the same result as assess() with it: it is passed on, not dropped."""
    series = [(2020, 0.5), (2021, 0.55), (2023, 0.7)]
    frame = pd.DataFrame({"year": [y for y, _ in series], "value": [v for _, v in series]})
    arguments = {"target": 1.0, "target_year": 2030, **options}

    with_option = assess(series, **arguments)

    assert with_option != assess(series, target=1.0, target_year=2030)
    assert assess_frame(frame, **arguments) == with_option


# Two-sided targets: gender parity is a band (0.98 to 1.02), not "1.0 or more".

PARITY_BAND = (0.98, 1.02)


def assess_parity(observations: list[tuple[int, float]]) -> Assessment:
    return assess(observations, target=1.0, target_year=2030, target_band=PARITY_BAND)


def test_overshooting_parity_is_not_target_met() -> None:
    # 1.1: ten women online for every nine men, outside the band on the other side.
    result = assess_parity([(2023, 0.92), (2025, 1.1)])
    assert result.status != ProgressStatus.TARGET_MET
    # 0.06 below the band in 2023, 0.08 above it in 2025: the gap widened.
    assert result.status == ProgressStatus.DETERIORATION
    assert result.actual_rate == pytest.approx((0.06 - 0.08) / 2)
    assert result.required_rate == pytest.approx(0.06 / 7)
    assert "within the target band 0.98 to 1.02" in result.explanation


def test_a_score_within_the_band_meets_the_parity_target_on_either_side_of_one() -> None:
    for latest in (0.98, 0.995, 1.0, 1.02):
        assert assess_parity([(2023, 0.92), (2025, latest)]).status == ProgressStatus.TARGET_MET
    assert assess_parity([(2023, 0.92), (2025, 1.021)]).status != ProgressStatus.TARGET_MET


def test_progress_towards_the_band_is_the_gap_closed_against_the_gap_to_close() -> None:
    # 0.92 to 0.95 in two years: 0.015 a year of the 0.06/7 a year needed by 2030.
    result = assess_parity([(2023, 0.92), (2025, 0.95)])
    assert result.ratio == pytest.approx(0.015 / (0.06 / 7))
    assert result.status == ProgressStatus.ON_TRACK
    # From above the band: 1.10 to 1.09 in two years closes 0.005 a year of 0.08/7 needed.
    above = assess_parity([(2023, 1.10), (2025, 1.09)])
    assert above.ratio == pytest.approx(0.005 / (0.08 / 7))
    assert above.status == ProgressStatus.LIMITED


def test_leaving_the_band_after_a_baseline_within_it_is_deterioration() -> None:
    result = assess_parity([(2023, 1.0), (2025, 0.9)])
    assert result.status == ProgressStatus.DETERIORATION
    assert "was within the target band" in result.explanation


def test_without_a_band_the_one_sided_rule_is_unchanged() -> None:
    assert assess([(2023, 0.92), (2025, 1.1)], target=1.0, target_year=2030).status == (
        ProgressStatus.TARGET_MET
    )


def test_the_parity_indicator_declares_its_band_in_the_reference_file() -> None:
    indicators = yaml.safe_load(
        (Path(__file__).resolve().parents[1] / "data/reference/indicators.yaml").read_text(
            encoding="utf-8"
        )
    )
    parity = next(i for i in indicators if i["code"] == "UMC_GENDER_PARITY_INTERNET")
    assert parity["target"]["band"] == [0.98, 1.02]
    assert "above 1.0 count as target met" not in parity["note"]


# --- in the reader's language --------------------------------------------------------


def test_a_status_is_shown_in_its_english_words_and_stored_as_its_value() -> None:
    assert [status_label(status) for status in STATUS_ORDER] == [
        "target met",
        "on track",
        "moderate progress",
        "limited progress",
        "deterioration",
        "insufficient data",
    ]
    assert status_label("no such status") == "no such status"


def test_an_explanation_in_french_writes_its_numbers_as_french_readers_do() -> None:
    # 11.9 % a year needed 7.2 %: a ratio of 1.65 (as in the English explanation above).
    with speaking("fr"):
        result = _assess_to_100_by_2030(ON_TRACK_SERIES)
    assert result.status is ProgressStatus.ON_TRACK  # the stored status does not change
    assert "11,9" in result.explanation and "7,2" in result.explanation
    assert "1,65" in result.explanation and "11.9" not in result.explanation


def test_a_value_of_a_thousand_or_more_is_grouped_as_the_reader_groups_thousands() -> None:
    met = [(2020, 900.0), (2023, 1234.5)]
    assert "1,234.5 in 2023" in assess(met, target=1000, target_year=2030).explanation
    with speaking("fr"):
        # CLDR's French groups thousands with a narrow no-break space and writes a comma.
        assert "1\u202f234,5" in assess(met, target=1000, target_year=2030).explanation


# --- whole assessments, worked out by hand ------------------------------------------------
#
# Each case gives what a reader sees (status, the whole explanation) and the figures behind
# it. Gaps to the parity band 0.98-1.02: 0.92 is 0.06 below, 0.95 0.03, 0.90 0.08.


def assert_rates(result: Assessment, expected: tuple[float | None, ...]) -> None:
    """Actual rate, required rate and ratio as worked out by hand (None: not computed)."""
    found = (result.actual_rate, result.required_rate, result.ratio)
    for value, wanted in zip(found, expected, strict=True):
        assert value == (None if wanted is None else pytest.approx(wanted))


BAND_CASES = {
    "within the band, no target year": (
        {"observations": [(2023, 0.92), (2025, 1.0)], "target_year": None},
        ProgressStatus.TARGET_MET,
        "The latest value, 1 in 2025, is within the target band 0.98 to 1.02.",
        (None, None, None),
    ),
    "within the band set for a year": (
        {"observations": [(2023, 0.92), (2025, 1.0)], "target_year": 2030},
        ProgressStatus.TARGET_MET,
        "The latest value, 1 in 2025, is within the target band 0.98 to 1.02 set for 2030.",
        (None, None, None),
    ),
    "outside the band, no target year": (
        {"observations": [(2023, 0.92), (2025, 0.95)], "target_year": None},
        ProgressStatus.INSUFFICIENT_DATA,
        "No target year is set for this indicator, so progress cannot be rated.",
        (None, None, None),
    ),
    "one observation": (
        {"observations": [(2025, 0.95)], "target_year": 2030},
        ProgressStatus.INSUFFICIENT_DATA,
        "Fewer than two observations: at least two years are needed to measure a trend.",
        (None, None, None),
    ),
    "one observation since the baseline year": (
        {"observations": [(2023, 0.9), (2025, 0.95)], "target_year": 2030, "baseline_year": 2024},
        ProgressStatus.INSUFFICIENT_DATA,
        "Fewer than two observations since the 2024 baseline: at least two years are needed "
        "to measure a trend.",
        (None, None, None),
    ),
    "target year at the baseline year": (
        {"observations": [(2023, 0.92), (2025, 0.95)], "target_year": 2023},
        ProgressStatus.INSUFFICIENT_DATA,
        "The target year (2023) is not after the baseline year (2023), so the rate needed to "
        "reach the target cannot be computed.",
        (None, None, None),
    ),
    "left the band": (
        {"observations": [(2023, 1.0), (2025, 0.9)], "target_year": 2030},
        ProgressStatus.DETERIORATION,
        "The baseline, 1 in 2023, was within the target band 0.98 to 1.02, but the latest "
        "value is 0.9 in 2025 (0.08 outside the band): deterioration.",
        (None, None, None),
    ),
    # 0.06 to 0.03 in two years: 0.015 a year, of 0.06 / 7 = 0.00857 needed; 1.75.
    "closing the gap": (
        {"observations": [(2023, 0.92), (2025, 0.95)], "target_year": 2030},
        ProgressStatus.ON_TRACK,
        "The target is a value within the target band 0.98 to 1.02. From 0.92 in 2023 (0.06 "
        "outside the band) to 0.95 in 2025 (0.03 outside the band) the distance to the band "
        "narrowed by 0.015 a year. Reaching the band by 2030 needs closing it by 0.00857 a "
        "year. Actual/required = 1.75: on track.",
        (0.015, 0.06 / 7, 1.75),
    ),
    # The target year has passed: 0.06 in one year was needed; 0.015 / 0.06 = 0.25.
    "closing the gap too late": (
        {"observations": [(2023, 0.92), (2025, 0.95)], "target_year": 2024},
        ProgressStatus.LIMITED,
        "The target is a value within the target band 0.98 to 1.02. From 0.92 in 2023 (0.06 "
        "outside the band) to 0.95 in 2025 (0.03 outside the band) the distance to the band "
        "narrowed by 0.015 a year. Reaching the band by 2024 needed closing it by 0.06 a "
        "year. Actual/required = 0.25: limited progress.",
        (0.015, 0.06, 0.25),
    ),
    # The target year is the latest year: it has come, so the rate "needed". 0.06 to 0.02
    # in two years: 0.02 a year of the 0.03 needed; 0.67.
    "closing the gap by the latest year": (
        {"observations": [(2023, 0.92), (2025, 0.96)], "target_year": 2025},
        ProgressStatus.MODERATE,
        "The target is a value within the target band 0.98 to 1.02. From 0.92 in 2023 (0.06 "
        "outside the band) to 0.96 in 2025 (0.02 outside the band) the distance to the band "
        "narrowed by 0.02 a year. Reaching the band by 2025 needed closing it by 0.03 a "
        "year. Actual/required = 0.67: moderate progress.",
        (0.02, 0.03, 2 / 3),
    ),
    # The same 1.75 as "closing the gap", rated by stricter thresholds.
    "closing the gap, strict thresholds": (
        {
            "observations": [(2023, 0.92), (2025, 0.95)],
            "target_year": 2030,
            "thresholds": Thresholds(on_track=2.0, moderate=1.5, limited=0.0),
        },
        ProgressStatus.MODERATE,
        "The target is a value within the target band 0.98 to 1.02. From 0.92 in 2023 (0.06 "
        "outside the band) to 0.95 in 2025 (0.03 outside the band) the distance to the band "
        "narrowed by 0.015 a year. Reaching the band by 2030 needs closing it by 0.00857 a "
        "year. Actual/required = 1.75: moderate progress.",
        (0.015, 0.06 / 7, 1.75),
    ),
    "the gap unchanged": (
        {"observations": [(2023, 0.92), (2025, 0.92)], "target_year": 2030},
        ProgressStatus.LIMITED,
        "The target is a value within the target band 0.98 to 1.02. From 0.92 in 2023 (0.06 "
        "outside the band) to 0.92 in 2025 (0.06 outside the band) the distance to the band "
        "did not change. Reaching the band by 2030 needs closing it by 0.00857 a year. "
        "Actual/required = 0.00: limited progress.",
        (0.0, 0.06 / 7, 0.0),
    ),
    # 0.06 to 0.08: -0.01 a year; -0.01 / 0.00857 = -1.17.
    "the gap widening": (
        {"observations": [(2023, 0.92), (2025, 0.90)], "target_year": 2030},
        ProgressStatus.DETERIORATION,
        "The target is a value within the target band 0.98 to 1.02. From 0.92 in 2023 (0.06 "
        "outside the band) to 0.9 in 2025 (0.08 outside the band) the distance to the band "
        "widened by 0.01 a year. Reaching the band by 2030 needs closing it by 0.00857 a "
        "year. Actual/required = -1.17: deterioration (moving away from the target).",
        (-0.01, 0.06 / 7, -0.01 / (0.06 / 7)),
    ),
}


@pytest.mark.parametrize("case", BAND_CASES)
def test_a_two_sided_target_in_full(case: str) -> None:
    case_arguments, status, explanation, (actual, required, ratio) = BAND_CASES[case]
    given = dict(case_arguments)  # the case stays whole for the next run
    observations = given.pop("observations")
    result = assess(observations, target=1.0, target_band=PARITY_BAND, **given)
    assert result.status == status
    assert result.explanation == explanation
    assert result.method == "linear"
    assert_rates(result, (actual, required, ratio))
    baseline = [o for o in observations if o[0] >= (given.get("baseline_year") or 0)]
    assert (result.baseline_year, result.baseline_value) == baseline[0]
    assert (result.latest_year, result.latest_value) == observations[-1]


ONE_SIDED_CASES = {
    # The baseline year is the year of an observation: that observation is the baseline.
    # (70/50)^(1/3) - 1 = 11.9 %, 2^(1/10) - 1 = 7.2 %: ratio 1.65.
    "an observation in the baseline year": (
        {"observations": [(2019, 40.0), (2020, 50.0), (2023, 70.0)], "baseline_year": 2020},
        ProgressStatus.ON_TRACK,
        "From 50 in 2020 to 70 in 2023 the value grew 11.9 % a year. Reaching 100 by 2030 "
        "needs growth of 7.2 % a year from 2020. Actual/required = 1.65: on track.",
        "compound",
        (1.4 ** (1 / 3) - 1, 2**0.1 - 1, (1.4 ** (1 / 3) - 1) / (2**0.1 - 1)),
    ),
    # A zero value: the linear method. 0 to 30 in three years is 10 a year, and 100 by
    # 2030 needs 100 / 10 = 10 a year: ratio 1.
    "a zero baseline value": (
        {"observations": [(2020, 0.0), (2023, 30.0)]},
        ProgressStatus.ON_TRACK,
        "From 0 in 2020 to 30 in 2023 the value rose by 10 a year. Reaching 100 by 2030 needs "
        "a rise of 10 a year from 2020. A linear trend is used because a value is zero or "
        "negative. Actual/required = 1.00: on track.",
        "linear",
        (10.0, 10.0, 1.0),
    ),
    # A zero target, lower is better: 10 to 7 in three years is a fall of 1 a year, and
    # 0 by 2030 needs (0 - 10) / 10 = a fall of 1 a year: ratio 1.
    "a zero target, lower is better": (
        {"observations": [(2020, 10.0), (2023, 7.0)], "target": 0.0, "higher_is_better": False},
        ProgressStatus.ON_TRACK,
        "From 10 in 2020 to 7 in 2023 the value fell by 1 a year. Reaching 0 by 2030 needs a "
        "fall of 1 a year from 2020. A linear trend is used because a value is zero or "
        "negative. Actual/required = 1.00: on track.",
        "linear",
        (-1.0, -1.0, 1.0),
    ),
    # The target year has passed: 100 by 2022 needed 2^(1/2) - 1 = 41.4 % a year;
    # 11.9 / 41.4 = 0.29.
    "a target year already past": (
        {"observations": [(2020, 50.0), (2023, 70.0)], "target_year": 2022},
        ProgressStatus.LIMITED,
        "From 50 in 2020 to 70 in 2023 the value grew 11.9 % a year. Reaching 100 by 2022 "
        "needed growth of 41.4 % a year from 2020. Actual/required = 0.29: limited progress.",
        "compound",
        (1.4 ** (1 / 3) - 1, 2**0.5 - 1, (1.4 ** (1 / 3) - 1) / (2**0.5 - 1)),
    ),
    # The target year is the latest year: it has come, so the rate "needed".
    # 100 by 2023 needed 2^(1/3) - 1 = 26.0 % a year; 11.9 / 26.0 = 0.46.
    "the target year is the latest year": (
        {"observations": [(2020, 50.0), (2023, 70.0)], "target_year": 2023},
        ProgressStatus.LIMITED,
        "From 50 in 2020 to 70 in 2023 the value grew 11.9 % a year. Reaching 100 by 2023 "
        "needed growth of 26.0 % a year from 2020. Actual/required = 0.46: limited progress.",
        "compound",
        (1.4 ** (1 / 3) - 1, 2 ** (1 / 3) - 1, (1.4 ** (1 / 3) - 1) / (2 ** (1 / 3) - 1)),
    ),
    # (90/100)^(1/3) - 1 = -3.5 % a year, from a baseline that met the target of 95.
    "a baseline that met the target": (
        {"observations": [(2020, 100.0), (2023, 90.0)], "target": 95.0},
        ProgressStatus.DETERIORATION,
        "From 100 in 2020 to 90 in 2023 the value fell 3.5 % a year. The baseline already met "
        "the target of 95, but the latest value no longer does: deterioration.",
        "compound",
        (0.9 ** (1 / 3) - 1, None, None),
    ),
    # Lower is better, no zero: compound. (4/6)^(1/2) - 1 = -18.4 % a year, and 1 by 2030
    # needs (1/6)^(1/10) - 1 = -16.4 % a year: ratio 18.35 / 16.40 = 1.12.
    "lower is better, compound": (
        {"observations": [(2020, 6.0), (2022, 4.0)], "target": 1.0, "higher_is_better": False},
        ProgressStatus.ON_TRACK,
        "From 6 in 2020 to 4 in 2022 the value fell 18.4 % a year. Reaching 1 by 2030 needs a "
        "fall of 16.4 % a year from 2020. Actual/required = 1.12: on track.",
        "compound",
        ((4 / 6) ** 0.5 - 1, (1 / 6) ** 0.1 - 1, ((4 / 6) ** 0.5 - 1) / ((1 / 6) ** 0.1 - 1)),
    ),
    # The baseline year comes after every observation: no trend from it.
    "no data since the baseline year": (
        {"observations": [(2018, 40.0), (2019, 45.0)], "baseline_year": 2020},
        ProgressStatus.INSUFFICIENT_DATA,
        "No data has been reported from the baseline year 2020 on (latest: 2019), so no "
        "trend can be measured.",
        "compound",
        (None, None, None),
    ),
    "the target met, higher is better": (
        {"observations": [(2020, 50.0), (2023, 102.0)]},
        ProgressStatus.TARGET_MET,
        "The latest value, 102 in 2023, already meets the target of 100 or more set for 2030.",
        "compound",
        (None, None, None),
    ),
    "the target met, lower is better": (
        {"observations": [(2020, 10.0), (2023, 1.5)], "target": 2.0, "higher_is_better": False},
        ProgressStatus.TARGET_MET,
        "The latest value, 1.5 in 2023, already meets the target of 2 or less set for 2030.",
        "compound",
        (None, None, None),
    ),
    # Values under one are still positive: compound. (0.8/0.5)^(1/3) - 1 = 17.0 % a year,
    # 1 by 2030 needs 2^(1/10) - 1 = 7.2 %: ratio 16.96 / 7.18 = 2.36.
    "values under one": (
        {"observations": [(2020, 0.5), (2023, 0.8)], "target": 1.0},
        ProgressStatus.ON_TRACK,
        "From 0.5 in 2020 to 0.8 in 2023 the value grew 17.0 % a year. Reaching 1 by 2030 "
        "needs growth of 7.2 % a year from 2020. Actual/required = 2.36: on track.",
        "compound",
        (1.6 ** (1 / 3) - 1, 2**0.1 - 1, (1.6 ** (1 / 3) - 1) / (2**0.1 - 1)),
    ),
    # A zero latest value: linear. 10 to 0 in three years falls 3.333 a year, 100 by 2030
    # needs a rise of 9 a year: ratio -0.37.
    "a zero latest value": (
        {"observations": [(2020, 10.0), (2023, 0.0)]},
        ProgressStatus.DETERIORATION,
        "From 10 in 2020 to 0 in 2023 the value fell by 3.333 a year. Reaching 100 by 2030 "
        "needs a rise of 9 a year from 2020. A linear trend is used because a value is zero "
        "or negative. Actual/required = -0.37: deterioration (moving away from the target).",
        "linear",
        (-10 / 3, 9.0, -10 / 27),
    ),
}


@pytest.mark.parametrize("case", ONE_SIDED_CASES)
def test_a_one_sided_target_in_full(case: str) -> None:
    given, status, explanation, method, expected = ONE_SIDED_CASES[case]
    arguments = {"target": 100.0, "target_year": 2030, **given}
    result = assess(arguments.pop("observations"), **arguments)
    assert result.status == status
    assert result.explanation == explanation
    assert result.method == method
    assert_rates(result, expected)
