"""Checks for the country reference file data/reference/countries.csv."""

import math
import os
from pathlib import Path

import pandas as pd
import pycountry
import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
COUNTRIES_CSV = PROJECT_ROOT / "data" / "reference" / "countries.csv"
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
MLEDOZE_CSV = SHARED_DATA / "mledoze_countries.csv"

COLUMNS = ["iso3", "iso2", "name", "itu_region", "latitude", "longitude"]
ITU_REGIONS = {"AFR", "AMS", "ARB", "ASP", "CIS", "EUR"}

# Codes that pycountry (ISO 3166-1) does not know: Kosovo's user-assigned codes.
NON_ISO = {"XKX": "XK"}

# Non-member economies listed after the 194 member states.
NON_MEMBERS = {"PSE", "XKX", "HKG", "MAC"}

# ITU-D (BDT) regional groupings of the 194 member states, counted one by one:
# Africa 44, Americas 35, Arab States 21, Asia-Pacific 39 (38 + Palau),
# CIS 9, Europe 46 (including the Holy See, Georgia, Moldova and Ukraine).
MEMBER_REGION_COUNTS = {"AFR": 44, "AMS": 35, "ARB": 21, "ASP": 39, "CIS": 9, "EUR": 46}
# ...plus Palestine (ARB), Kosovo (EUR), Hong Kong and Macao (ASP).
REGION_COUNTS = {"AFR": 44, "AMS": 35, "ARB": 22, "ASP": 41, "CIS": 9, "EUR": 47}

ARAB_STATES = {
    "DZA", "BHR", "COM", "DJI", "EGY", "IRQ", "JOR", "KWT", "LBN", "LBY", "MRT",
    "MAR", "OMN", "QAT", "SAU", "SOM", "SDN", "SYR", "TUN", "ARE", "YEM", "PSE",
}  # fmt: skip
CIS_STATES = {"ARM", "AZE", "BLR", "KAZ", "KGZ", "RUS", "TJK", "TKM", "UZB"}

# A point in the country is compared with mledoze/countries' "latlng", a rough
# centre of the territory. Our point is usually the capital, which in large
# countries can sit far from the centre (Washington to the US centre is about
# 1,750 km; Ottawa to Canada's about 2,100 km; Canberra to Australia's about
# 1,800 km), so 2,500 km is allowed for every country. A point in the wrong
# country or a swapped lat/lon still fails for almost every entry.
MAX_DISTANCE_KM = 2500.0
EARTH_RADIUS_KM = 6371.0


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


@pytest.fixture(scope="module")
def countries() -> pd.DataFrame:
    return pd.read_csv(COUNTRIES_CSV, keep_default_na=False, dtype=str)


def test_header_and_row_count(countries: pd.DataFrame) -> None:
    assert list(countries.columns) == COLUMNS
    assert len(countries) == 198


def test_no_empty_fields(countries: pd.DataFrame) -> None:
    assert not (countries == "").any().any()


def test_sorted_by_iso3(countries: pd.DataFrame) -> None:
    assert list(countries["iso3"]) == sorted(countries["iso3"])


def test_codes_unique(countries: pd.DataFrame) -> None:
    assert countries["iso3"].is_unique
    assert countries["iso2"].is_unique


def test_regions_valid(countries: pd.DataFrame) -> None:
    assert set(countries["itu_region"]) <= ITU_REGIONS


def test_region_counts(countries: pd.DataFrame) -> None:
    assert countries["itu_region"].value_counts().to_dict() == REGION_COUNTS
    members = countries[~countries["iso3"].isin(NON_MEMBERS)]
    assert len(members) == 194
    assert members["itu_region"].value_counts().to_dict() == MEMBER_REGION_COUNTS


def test_specific_region_assignments(countries: pd.DataFrame) -> None:
    region = dict(zip(countries["iso3"], countries["itu_region"], strict=True))
    assert {c for c, r in region.items() if r == "ARB"} == ARAB_STATES
    assert {c for c, r in region.items() if r == "CIS"} == CIS_STATES
    for iso3 in ("MDA", "UKR", "GEO", "TUR", "ISR", "CYP", "VAT", "XKX"):
        assert region[iso3] == "EUR", iso3
    for iso3 in ("IRN", "HKG", "MAC"):
        assert region[iso3] == "ASP", iso3


def test_non_members_present(countries: pd.DataFrame) -> None:
    codes = set(countries["iso3"])
    assert NON_MEMBERS <= codes
    assert "TWN" not in codes


def test_codes_known_to_pycountry(countries: pd.DataFrame) -> None:
    for iso3, iso2 in zip(countries["iso3"], countries["iso2"], strict=True):
        if iso3 in NON_ISO:
            assert iso2 == NON_ISO[iso3]
            continue
        country = pycountry.countries.get(alpha_3=iso3)
        assert country is not None, iso3
        assert country.alpha_2 == iso2, iso3


def test_names_follow_pycountry(countries: pd.DataFrame) -> None:
    for iso3, name in zip(countries["iso3"], countries["name"], strict=True):
        if iso3 == "XKX":
            assert name == "Kosovo"
            continue
        country = pycountry.countries.get(alpha_3=iso3)
        assert name == (getattr(country, "common_name", None) or country.name), iso3


def test_coordinates_in_range(countries: pd.DataFrame) -> None:
    lat = countries["latitude"].astype(float)
    lon = countries["longitude"].astype(float)
    assert lat.between(-90, 90).all()
    assert lon.between(-180, 180).all()


def test_namibia_iso2_is_na(countries: pd.DataFrame) -> None:
    namibia = countries.loc[countries["iso3"] == "NAM", "iso2"]
    assert list(namibia) == ["NA"]


def test_points_near_mledoze_latlng(countries: pd.DataFrame) -> None:
    if not MLEDOZE_CSV.is_file():
        message = f"../shared/data not present: {MLEDOZE_CSV} is missing"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    mledoze = pd.read_csv(MLEDOZE_CSV, keep_default_na=False, dtype=str)
    latlng = dict(zip(mledoze["cca3"], mledoze["latlng"], strict=True))

    checked = 0
    too_far = []
    for row in countries.itertuples(index=False):
        if row.iso3 not in latlng or not latlng[row.iso3]:
            continue
        ref_lat, ref_lon = (float(v) for v in latlng[row.iso3].split(","))
        distance = great_circle_km(float(row.latitude), float(row.longitude), ref_lat, ref_lon)
        checked += 1
        if distance >= MAX_DISTANCE_KM:
            too_far.append(f"{row.iso3}: {distance:.0f} km")
    # Everything but Kosovo (which mledoze codes as UNK) is in the file.
    assert checked >= 197
    assert not too_far, too_far
