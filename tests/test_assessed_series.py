"""Every series assessed at once (queries.overview.assess_indicators), which Overview's
cards and status chart both ask for in one run: a repeated question gets the same answer,
a changed value or language a new one, and no caller can spoil another's copy.

Expected statuses are worked out by hand: 50 (2020) -> 70 (2023) towards 100 by 2030 grows
11.9 % a year against the 7.2 % required (on track); 50 -> 51 grows 0.7 % (ratio 0.09:
limited progress, between 0 and the moderate threshold of 0.5).
"""

import pandas as pd

from gdc_tracker.i18n import speaking
from gdc_tracker.queries.overview import assess_indicators
from gdc_tracker.status import DEFAULT_THRESHOLDS, Thresholds

REFERENCE = pd.DataFrame(
    {
        "id": [1],
        "code": ["UMC_INTERNET_USE"],
        "name": ["Internet use"],
        "unit": ["percent"],
        "direction": ["higher_is_better"],
        "kind": ["synthetic"],
        "source": ["ITU"],
        "baseline_value": [None],
        "baseline_year": [None],
        "target_value": [100.0],
        "target_year": [2030],
        "target_low": [None],
        "target_high": [None],
    }
)


def world_values(latest: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator_id": [1, 1],
            "geo_code": ["WLD", "WLD"],
            "year": [2020, 2023],
            "value": [50.0, latest],
        }
    )


def status_of(assessed: pd.DataFrame) -> str:
    return assessed.loc[0, "status"]


def test_the_same_series_give_the_same_statuses_twice() -> None:
    first = assess_indicators(REFERENCE, world_values(70.0), DEFAULT_THRESHOLDS)
    second = assess_indicators(REFERENCE, world_values(70.0), DEFAULT_THRESHOLDS)
    assert status_of(first) == status_of(second) == "on track"
    pd.testing.assert_frame_equal(first, second)


def test_a_changed_value_is_assessed_anew() -> None:
    assert status_of(assess_indicators(REFERENCE, world_values(70.0), DEFAULT_THRESHOLDS)) == (
        "on track"
    )
    assert status_of(assess_indicators(REFERENCE, world_values(51.0), DEFAULT_THRESHOLDS)) == (
        "limited progress"
    )


def test_other_thresholds_are_assessed_anew() -> None:
    strict = Thresholds(on_track=2.0, moderate=1.5, limited=0.0)  # ratio 1.65: moderate
    assert status_of(assess_indicators(REFERENCE, world_values(70.0), DEFAULT_THRESHOLDS)) == (
        "on track"
    )
    assert (
        status_of(assess_indicators(REFERENCE, world_values(70.0), strict)) == "moderate progress"
    )


def test_the_explanation_is_in_the_language_asked_for() -> None:
    with speaking("en"):
        english = assess_indicators(REFERENCE, world_values(70.0), DEFAULT_THRESHOLDS)
    with speaking("fr"):
        french = assess_indicators(REFERENCE, world_values(70.0), DEFAULT_THRESHOLDS)
    assert "11.9 % a year" in english.loc[0, "explanation"]
    assert "11,9\u00a0% par an" in french.loc[0, "explanation"]


def test_a_caller_changing_its_copy_changes_no_one_elses() -> None:
    mine = assess_indicators(REFERENCE, world_values(70.0), DEFAULT_THRESHOLDS)
    mine.loc[0, "status"] = "target met"
    theirs = assess_indicators(REFERENCE, world_values(70.0), DEFAULT_THRESHOLDS)
    assert status_of(theirs) == "on track"
