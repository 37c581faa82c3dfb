"""Checks for the country reference file data/reference/countries.csv."""

import math
from pathlib import Path

import pandas as pd
import pycountry
import pytest

from tests.conftest import unavailable

PROJECT_ROOT = Path(__file__).resolve().parents[1]
COUNTRIES_CSV = PROJECT_ROOT / "data" / "reference" / "countries.csv"
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
MLEDOZE_CSV = SHARED_DATA / "mledoze_countries.csv"

COLUMNS = ["iso3", "iso2", "name", "itu_region", "latitude", "longitude", "status"]
README = PROJECT_ROOT / "data" / "reference" / "README.md"
M49_CSV = SHARED_DATA / "all.csv"
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


# Names that no ISO form gives: ITU's names for the two territories, the UN's current short
# names of the Netherlands and the Holy See (ISO: "Netherlands", "Holy See (Vatican City
# State)"), and Kosovo, which ISO 3166 does not list.
NOT_FROM_ISO = {
    "HKG": "Hong Kong, China",
    "MAC": "Macao, China",
    "NLD": "Netherlands (Kingdom of the)",
    "VAT": "Holy See",
    "XKX": "Kosovo",
}


def un_style_forms(iso_name: str) -> set[str]:
    """The UN short-name forms of an ISO name: "Korea, Republic of" is "Republic of Korea",
    "Iran, Islamic Republic of" is "Iran (Islamic Republic of)"."""
    forms = {iso_name}
    if ", " in iso_name:
        head, tail = iso_name.split(", ", 1)
        tail = tail.removeprefix("The ")
        forms |= {f"{tail[0].upper()}{tail[1:]} {head}", f"{head} ({tail})"}
    return forms


def test_names_are_official_short_names_never_colloquial(countries: pd.DataFrame) -> None:
    for iso3, name in zip(countries["iso3"], countries["name"], strict=True):
        if iso3 in NOT_FROM_ISO:
            assert name == NOT_FROM_ISO[iso3], iso3
            continue
        country = pycountry.countries.get(alpha_3=iso3)
        official = {country.name, getattr(country, "official_name", country.name)}
        allowed = set().union(*(un_style_forms(n) for n in official))
        assert name in allowed, f"{iso3}: {name!r} is not one of {sorted(allowed)}"
        colloquial = getattr(country, "common_name", None)
        if colloquial and colloquial not in official:
            assert name != colloquial, f"{iso3}: {name!r} is the colloquial name"


def test_the_names_a_council_delegate_checks(countries: pd.DataFrame) -> None:
    name = dict(zip(countries["iso3"], countries["name"], strict=True))
    assert name["KOR"] == "Republic of Korea"
    assert name["PRK"] == "Democratic People's Republic of Korea"
    assert name["IRN"] == "Iran (Islamic Republic of)"
    assert name["VNM"] == "Viet Nam"
    assert name["LAO"] == "Lao People's Democratic Republic"
    assert name["SYR"] == "Syrian Arab Republic"
    assert name["TZA"] == "United Republic of Tanzania"
    assert name["BOL"] == "Bolivia (Plurinational State of)"
    assert name["VEN"] == "Venezuela (Bolivarian Republic of)"
    assert name["USA"] == "United States of America"
    assert name["GBR"] == "United Kingdom of Great Britain and Northern Ireland"


def test_names_match_the_un_m49_list(countries: pd.DataFrame) -> None:
    if not M49_CSV.is_file():
        message = f"../shared/data not present: {M49_CSV} is missing"
        unavailable(message)
    m49 = pd.read_csv(M49_CSV, keep_default_na=False, dtype=str)
    iso_names = dict(zip(m49["alpha-3"], m49["name"], strict=True))
    for iso3, name in zip(countries["iso3"], countries["name"], strict=True):
        if iso3 in NOT_FROM_ISO:
            continue
        country = pycountry.countries.get(alpha_3=iso3)
        forms = un_style_forms(iso_names[iso3]) | {getattr(country, "official_name", "")}
        assert name in forms, f"{iso3}: {name!r} is not a form of {iso_names[iso3]!r}"


def test_statuses_mark_territories_and_non_members(countries: pd.DataFrame) -> None:
    status = dict(zip(countries["iso3"], countries["status"], strict=True))
    assert set(status.values()) == {"member", "territory", "other"}
    assert {c for c, s in status.items() if s == "territory"} == {"HKG", "MAC"}
    assert {c for c, s in status.items() if s == "other"} == {"PSE", "XKX"}
    assert {c for c, s in status.items() if s != "member"} == NON_MEMBERS
    assert sum(s == "member" for s in status.values()) == 194


def test_the_kosovo_choice_is_documented() -> None:
    text = README.read_text(encoding="utf-8")
    assert "**Kosovo**" in text and "resolution 1244" in text and "`other`" in text


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
        unavailable(message)
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
