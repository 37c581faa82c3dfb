"""Corrections to data/reference/indicators.yaml from a reading of C25/52: baselines that
measure what the definition says, the AI-standards figures side by side, the parity band.

Expected values are read from the YAML with PyYAML or from C25/52's text.
"""

from pathlib import Path

import pytest
import yaml

from gdc_tracker.reference import ReferenceDataError, target_band

REFERENCE_DIR = Path(__file__).resolve().parents[1] / "data" / "reference"


def indicators() -> dict[str, dict]:
    items = yaml.safe_load((REFERENCE_DIR / "indicators.yaml").read_text(encoding="utf-8"))
    return {item["code"]: item for item in items}


def test_internet_use_is_defined_for_the_population_its_baseline_covers() -> None:
    internet = indicators()["UMC_INTERNET_USE"]
    # ITU Facts and Figures 2023: 67 % of the world's *population* used the Internet.
    assert internet["baseline"] == {"value": 67.0, "year": 2023}
    assert "aged 15" not in internet["name"] and "15+" not in internet["name"]
    assert "aged 15 and over who" not in internet["definition"]
    assert "whole population" in internet["definition"]
    assert "definition was changed" in internet["note"]


def test_mobile_ownership_is_defined_for_the_age_group_of_its_baseline() -> None:
    mobile = indicators()["UMC_MOBILE_OWNERSHIP"]
    # ITU Facts and Figures 2023: 78 % of the population aged 10 and over owned a mobile phone.
    assert mobile["baseline"] == {"value": 78.0, "year": 2023}
    assert "aged 10 and over" in mobile["definition"]
    assert "aged 10 and over" in mobile["note"]


def test_the_150_ai_standards_in_development_stand_next_to_the_165_approved() -> None:
    found = indicators()
    # C25/52, section 1, Objective 5: "over 165 AI standards and 150 more in development".
    assert found["ITUT_AI_STANDARDS_APPROVED"]["baseline"] == {"value": 165, "year": 2025}
    in_development = found["ITUT_AI_STANDARDS_IN_DEVELOPMENT"]
    assert in_development["baseline"] == {"value": 150, "year": 2025}
    assert in_development["target"] is None
    assert "150 more in development" in in_development["note"]
    assert "ITUT_AI_STANDARDS_IN_DEVELOPMENT" in found["ITUT_AI_STANDARDS_APPROVED"]["note"]


def test_the_parity_band_is_read_and_a_band_not_holding_its_target_is_refused() -> None:
    parity = indicators()["UMC_GENDER_PARITY_INTERNET"]
    assert target_band(parity, "parity") == (0.98, 1.02)
    assert target_band(indicators()["UMC_INTERNET_USE"], "use") is None
    wrong = {**parity, "target": {"value": 1.0, "year": 2030, "band": [1.02, 1.05]}}
    with pytest.raises(ReferenceDataError, match="UMC_GENDER_PARITY_INTERNET: target band"):
        target_band(wrong, "indicators.yaml, UMC_GENDER_PARITY_INTERNET")
