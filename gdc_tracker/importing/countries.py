"""Which country or region a cell names: ISO codes, the usual variants, and the
names in ITU's six languages (`CountryResolver`)."""

import gettext
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache

import babel
import pycountry
import sqlalchemy as sa
from sqlmodel import Session, col

from gdc_tracker.i18n import _
from gdc_tracker.models import (
    WORLD_CODE,
    Geography,
    GeographyKind,
)


def normalise_name(text: str) -> str:
    """A country name reduced for matching: no case, accents, punctuation, "The" or "St.".

    Accents are the marks Unicode separates from their letter (é is e and a mark): they go
    in every script, so Russian й and ё match и and е, and Arabic أ matches ا. Letters stay
    whatever their script, so Cyrillic, Arabic and Chinese names keep their text; Latin
    names reduce as they always did ("Côte d’Ivoire" is "cote divoire").
    """
    without_apostrophes = re.sub("['\u2018\u2019\u02bc`\u00b4\u0640]", "", text)  # d’Ivoire
    decomposed = unicodedata.normalize("NFKD", without_apostrophes)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    lowered = bare.lower().replace("&", " and ")
    lowered = re.sub(r"\bst\b\.?", "saint", lowered)
    words = re.sub(r"[\W_]+", " ", lowered).strip()
    return re.sub(r"^the |(?<= )the$", "", words).strip()


# Codes other than ISO 3166 that real downloads use.
CODE_ALIASES = {
    "OWID_WRL": WORLD_CODE,
    "OWID_KOS": "XKX",
    "KOS": "XKX",
    "KSV": "XKX",
    "WBG": "PSE",
    "PSX": "PSE",
    "SDS": "SSD",
    "ZAR": "COD",
    "ROM": "ROU",
    "TMP": "TLS",
    "UK": "GBR",
    "EL": "GRC",
}
# Names beyond ISO 3166 and pycountry: the World Bank's, the UN's and Our World in Data's.
NAME_ALIASES: dict[str, tuple[str, ...]] = {
    WORLD_CODE: ("World", "Whole world"),
    "BOL": ("Bolivia", "Bolivia (Plurinational State of)"),
    "CIV": ("Cote d'Ivoire", "Ivory Coast"),
    "COD": (
        "Congo, Dem. Rep.",
        "Democratic Republic of the Congo",
        "Democratic Republic of Congo",
        "DR Congo",
        "Congo (Kinshasa)",
        "Congo, DR",
    ),
    "COG": ("Congo, Rep.", "Republic of the Congo", "Republic of Congo", "Congo (Brazzaville)"),
    "CPV": ("Cape Verde",),
    "CZE": ("Czechia", "Czech Republic"),
    "EGY": ("Egypt, Arab Rep.",),
    "FSM": ("Micronesia, Fed. Sts.", "Micronesia", "Micronesia (Federated States of)"),
    "GBR": ("United Kingdom", "Great Britain", "Britain"),
    "HKG": ("Hong Kong SAR, China", "Hong Kong, China", "China, Hong Kong SAR", "Hong Kong SAR"),
    "IRN": ("Iran, Islamic Rep.", "Iran (Islamic Republic of)"),
    "KGZ": ("Kyrgyz Republic",),
    "KOR": ("Korea, Rep.", "South Korea", "Republic of Korea", "Korea (Republic of)"),
    "LAO": ("Lao PDR", "Laos", "Lao People's Democratic Republic"),
    "MAC": ("Macao SAR, China", "Macau", "Macao, China", "China, Macao SAR", "Macao SAR"),
    "MDA": ("Moldova", "Republic of Moldova"),
    "MKD": ("Macedonia", "North Macedonia", "Macedonia, FYR"),
    "MMR": ("Burma",),
    "PRK": (
        "Korea, Dem. People's Rep.",
        "North Korea",
        "Democratic People's Republic of Korea",
        "Korea, DPR",
    ),
    "PSE": ("West Bank and Gaza", "Palestine", "State of Palestine", "Palestinian Territories"),
    "RUS": ("Russia", "Russian Federation"),
    "SRB": ("Republic of Serbia",),
    "SWZ": ("Swaziland", "Eswatini"),
    "SVK": ("Slovak Republic",),
    "SYR": ("Syrian Arab Republic", "Syria"),
    "TLS": ("East Timor", "Timor Leste"),
    "TUR": ("Turkey", "Turkiye"),
    "TZA": ("United Republic of Tanzania", "Tanzania"),
    "USA": ("United States of America", "United States", "USA"),
    "VAT": ("Holy See", "Vatican", "Vatican City"),
    "VEN": ("Venezuela, RB", "Venezuela", "Venezuela (Bolivarian Republic of)"),
    "VNM": ("Viet Nam", "Vietnam"),
    "XKX": ("Kosovo",),
    "YEM": ("Yemen, Rep.",),
}


@lru_cache(maxsize=1)
def _iso_names() -> dict[str, tuple[str, ...]]:
    """Every ISO 3166 country's alpha-3 with its names (pycountry)."""
    names: dict[str, tuple[str, ...]] = {}
    for country in pycountry.countries:
        found = [country.name] + [
            getattr(country, attribute, None) or ""
            for attribute in ("official_name", "common_name")
        ]
        names[country.alpha_3] = tuple(name for name in found if name)
    return names


# ITU's six languages, as CLDR (through Babel) and pycountry's ISO 3166 catalogues name
# them; Chinese in its simplified and traditional scripts.
NAME_LOCALES = ("en", "fr", "es", "ar", "zh_Hans", "zh_Hant", "ru")
_PYCOUNTRY_LOCALES = {"zh_Hans": "zh_CN", "zh_Hant": "zh_TW"}
_CLDR_CODES = {"001": WORLD_CODE, "XK": "XKX"}  # CLDR's world and Kosovo, in the store's codes


@lru_cache(maxsize=1)
def _names_in_languages() -> dict[str, frozenset[str]]:
    """Every country's names in ITU's six languages, normalised -> the codes they name.

    From CLDR's territory names (Babel) and the translations of pycountry's names, official
    names and common names (its gettext catalogues). A name with two codes names two
    countries in two languages: CountryResolver leaves it unresolved.
    """
    found: dict[str, set[str]] = {}

    def add(name: str, code: str) -> None:
        key = normalise_name(name)
        if key:
            found.setdefault(key, set()).add(code)

    for locale in NAME_LOCALES:
        for territory, name in babel.Locale.parse(locale).territories.items():
            country = pycountry.countries.get(alpha_2=territory) if len(territory) == 2 else None
            code = _CLDR_CODES.get(territory) or (country.alpha_3 if country else None)
            if code:
                add(name, code)
        catalogue = gettext.translation(
            "iso3166-1",
            pycountry.LOCALES_DIR,
            languages=[_PYCOUNTRY_LOCALES.get(locale, locale)],
            fallback=True,
        )
        for code, names in _iso_names().items():
            for name in names:
                add(catalogue.gettext(name), code)
    return {name: frozenset(codes) for name, codes in found.items()}


@lru_cache(maxsize=1)
def _iso_lookup() -> dict[str, str]:
    """Alpha-3, alpha-2 and normalised names of every ISO country -> alpha-3 (for messages)."""
    lookup: dict[str, str] = {}
    for country in pycountry.countries:
        lookup[country.alpha_3] = country.alpha_3
        lookup[country.alpha_2] = country.alpha_3
    for code, names in _iso_names().items():
        for name in names:
            lookup.setdefault(normalise_name(name), code)
    for name, codes in _names_in_languages().items():
        if len(codes) == 1:
            lookup.setdefault(name, next(iter(codes)))
    return lookup


# The World Bank's regional, income and lending groups (WLD, the world, is a geography of
# the store): rows of these are set aside and summarised, not rejected one by one.
WORLD_BANK_AGGREGATES = frozenset(
    "AFE AFW ARB CEB CSS EAP EAR EAS ECA ECS EMU EUU FCS HIC HPC IBD IBT IDA IDB IDX INX LAC "
    "LCN LDC LIC LMC LMY LTE MEA MIC MNA NAC OED OSS PRE PSS PST SAS SSA SSF SST TEA TEC TLA "
    "TMN TSA TSS UMC".split()
)
# Economies of World Bank files that are no ISO 3166 country (Channel Islands).
WORLD_BANK_TERRITORIES = frozenset({"CHI"})
AGGREGATE = "aggregate"  # Resolution.not_held: another organisation's grouping
TERRITORY = "territory"  # Resolution.not_held: a country or territory not tracked here


@dataclass(frozen=True)
class Resolution:
    """A geography code, or why there is none. `not_held` says when the place is real but
    not one the tracker holds (AGGREGATE, TERRITORY): such rows are set aside and
    summarised, not rejected as errors of the file."""

    code: str | None
    reason: str | None = None
    not_held: str | None = None


class CountryResolver:
    """Turns what a file says about a place into a geography code of the store.

    Countries and the world resolve by code (ISO alpha-3, alpha-2, the aliases above) or by
    name (the store's, pycountry's and the aliases above, ignoring case, accents and
    punctuation, and their names in ITU's six languages: "Brasil", "Allemagne", "Россия",
    "مصر", "巴西"; see `_names_in_languages`). A name that means two countries (in two
    languages, or in a language and the English names) resolves to neither: the row is
    refused with both codes, as a code and a name that disagree are. ITU regions resolve
    by their code only: "Europe" or "Africa" in a download is a continent, not the ITU
    region, so a region's name is refused with the reason, and a region code whose name
    column says something else ("ARB", "Arab World") is refused too.
    """

    def __init__(
        self,
        geographies: Iterable[tuple[str, str, str, str | None]],
        *,
        world_bank_codes: bool = False,
    ) -> None:
        # World Bank codes (SDMX REF_AREA of Data360): ARB is the Arab World, not ITU's
        # Arab States, even without a name column to tell them apart.
        self.world_bank_codes = world_bank_codes
        self.kind: dict[str, str] = {}
        self.name: dict[str, str] = {}
        self.by_code: dict[str, str] = {}
        self.by_name: dict[str, str] = {}
        self.region_by_name: dict[str, str] = {}
        for code, kind, name, iso2 in geographies:
            self.kind[code] = kind
            self.name[code] = name
            self.by_code[code.upper()] = code
            if iso2 and kind == GeographyKind.COUNTRY:
                self.by_code.setdefault(iso2.upper(), code)
        for alias, code in CODE_ALIASES.items():
            if code in self.kind:
                self.by_code.setdefault(alias, code)
        for code, names in _iso_names().items():
            if self.kind.get(code) == GeographyKind.COUNTRY:
                for name in names:
                    self.by_name.setdefault(normalise_name(name), code)
        for code, name in self.name.items():
            if self.kind[code] == GeographyKind.REGION:
                self.region_by_name[normalise_name(name)] = code
            else:
                self.by_name[normalise_name(name)] = code
        for code, aliases in NAME_ALIASES.items():
            if code in self.kind:
                for alias in aliases:
                    self.by_name[normalise_name(alias)] = code
        # Names in the six languages: normalised name -> the codes, when more than one.
        self.ambiguous: dict[str, tuple[str, ...]] = {}
        for name, codes in _names_in_languages().items():
            english = self.by_name.get(name)
            meant = codes | {english} if english else codes
            if len(meant) > 1:
                self.ambiguous[name] = tuple(sorted(meant))
                self.by_name.pop(name, None)
            elif english is None:
                (code,) = meant
                if self.kind.get(code) in (GeographyKind.COUNTRY, GeographyKind.WORLD):
                    self.by_name[name] = code
        self._cache: dict[tuple[str, str], Resolution] = {}

    def _lookup(self, text: str) -> str | None:
        upper = text.upper()
        if upper in self.by_code:
            return self.by_code[upper]
        name = normalise_name(text)
        if name in self.by_name or name in self.ambiguous:
            return self.by_name.get(name)
        without_brackets = normalise_name(re.sub(r"[(\uff08].*?[)\uff09]", " ", text))
        return self.by_name.get(without_brackets)

    def _unknown(self, text: str, *, name: str = "", no_code: bool = False) -> str:
        """Why `text` is no geography of the store, as precisely as can be said."""
        normalised = normalise_name(text)
        if normalised in self.ambiguous:
            return _(
                "'{text}' names more than one country in ITU's languages ({codes}): give "
                "the country's ISO code instead"
            ).format(text=text, codes=", ".join(self.ambiguous[normalised]))
        country = _("'{text}' (no code given)").format(text=text) if no_code else f"'{text}'"
        if normalised in self.region_by_name:
            return _(
                "unknown country {country}: ITU regions are recognised by their code ({code}), "
                "so that a continent or another organisation's grouping is never taken for one"
            ).format(country=country, code=self.region_by_name[normalised])
        iso = _iso_lookup().get(text.upper()) or _iso_lookup().get(normalised)
        if iso is not None:
            return _(
                "unknown country {country}: {name} ({code}) is not among the geographies tracked"
            ).format(country=country, name=_iso_names()[iso][0], code=iso)
        if name:
            country = f"{country} ({name})"
        return _(
            "unknown country {country}: not an ISO 3166 code or country name the tracker knows "
            "(groupings such as World Bank regions and income groups are not imported)"
        ).format(country=country)

    def resolve(self, code_text: str, name_text: str = "") -> Resolution:
        key = (code_text, name_text)
        if key not in self._cache:
            self._cache[key] = self._resolve(code_text.strip(), name_text.strip())
        return self._cache[key]

    def _resolve(self, code_text: str, name_text: str) -> Resolution:
        found = self._resolve_text(code_text, name_text)
        if found.code is not None or not code_text:
            return found
        upper = code_text.upper()
        if upper in WORLD_BANK_AGGREGATES:
            return replace(found, not_held=AGGREGATE)
        iso = _iso_lookup().get(upper) if len(upper) == 3 else None
        if upper in WORLD_BANK_TERRITORIES or (iso is not None and iso not in self.kind):
            return replace(found, not_held=TERRITORY)
        return found

    def _resolve_text(self, code_text: str, name_text: str) -> Resolution:
        if self.world_bank_codes and code_text.upper() in WORLD_BANK_AGGREGATES:
            name = f" ({name_text})" if name_text and name_text != code_text else ""
            region = self.by_code.get(code_text.upper())
            if region is not None:
                return Resolution(
                    None,
                    _(
                        "'{code}'{name} is the World Bank's aggregate, not the ITU region "
                        "{region}: other organisations' groupings are not imported"
                    ).format(code=code_text, name=name, region=self.name[region]),
                )
            return Resolution(
                None,
                _(
                    "'{code}'{name} is a World Bank aggregate, not a geography the tracker holds"
                ).format(code=code_text, name=name),
            )
        if not code_text:
            if not name_text:
                return Resolution(None, _("empty country: give a code or a name"))
            found = self._lookup(name_text)
            if found is None:
                return Resolution(None, self._unknown(name_text, no_code=True))
            return Resolution(found)
        found = self._lookup(code_text)
        if found is None:
            return Resolution(None, self._unknown(code_text, name=name_text))
        if not name_text or name_text == code_text:
            return Resolution(found)
        if self.kind[found] == GeographyKind.REGION:
            if normalise_name(name_text) not in (normalise_name(self.name[found]), found.lower()):
                return Resolution(
                    None,
                    _(
                        "unknown country '{code}' ('{name}'): {found} is the code of the ITU "
                        "region {region}, and other organisations' groupings are not imported"
                    ).format(code=code_text, name=name_text, found=found, region=self.name[found]),
                )
            return Resolution(found)
        named = self._lookup(name_text)
        if named is not None and named != found:
            return Resolution(
                None,
                _(
                    "the code '{code}' ({found}) and the name '{name}' ({named}) name different "
                    "countries"
                ).format(code=code_text, found=found, name=name_text, named=named),
            )
        return Resolution(found)


def resolver_for(session: Session, *, world_bank_codes: bool = False) -> CountryResolver:
    rows = session.execute(
        sa.select(
            col(Geography.code), col(Geography.kind), col(Geography.name), col(Geography.iso2)
        )
    ).all()
    return CountryResolver(
        ((row.code, row.kind, row.name, row.iso2) for row in rows),
        world_bank_codes=world_bank_codes,
    )


# Indicators: the file's own, matched to the tracked ones
