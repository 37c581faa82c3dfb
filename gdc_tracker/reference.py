"""Reference data the app ships in data/reference, loaded into the store.

The files are meant to be edited by people (CSV and YAML), so loading them checks what a
person could get wrong: an unknown objective number, a regional initiative that does not
exist, a country code that is not in the country list. Loading is idempotent: rows already
in the store (by their natural key) are left as they are, so a reseed never overwrites
an admin's edits. A load is a data load, not ITU's work: its caller records it ("load
reference data", with the counts `load_reference` returns), and "What changed" lists it
apart from the initiatives people added.
"""

import csv
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any, cast

import yaml
from sqlmodel import Session, select

from gdc_tracker.framework_reference import FrameworkFiles, load_frameworks, read_framework_files
from gdc_tracker.i18n import _, ngettext
from gdc_tracker.models import (
    WORLD_CODE,
    Basis,
    CouncilSession,
    FactBasis,
    Geography,
    GeographyKind,
    Indicator,
    IndicatorObjective,
    IndicatorRegionalInitiative,
    Initiative,
    InitiativeCountry,
    InitiativeLink,
    InitiativeObjective,
    InitiativePartner,
    InitiativeRegionalInitiative,
    InitiativeStatus,
    LeadSector,
    Milestone,
    Objective,
    RegionalInitiative,
)
from gdc_tracker.translation_files import load_translations

REFERENCE_DIR = Path(__file__).resolve().parents[1] / "data" / "reference"

BASIS_FACTS = (
    "status",
    "start_date",
    "end_date",
    "partners",
    "lead_sector",
    "objectives",
    "regional_initiatives",
    "countries",
)
"""The facts of an initiative that must each state their basis."""
OPTIONAL_BASIS_FACTS = ("milestones",)
"""Facts whose basis may be given (the milestones' dates are often public information)."""


COUNTRY_STATUSES = ("member", "territory", "other")
"""countries.csv `status`: an ITU Member State, a territory (Hong Kong, China; Macao, China),
or another geography that is neither (Kosovo; the State of Palestine, an ITU observer)."""


class ReferenceDataError(ValueError):
    """A reference file holds something the store cannot accept; the message names it."""


@dataclass
class ReferenceData:
    objectives: list[dict[str, str]]
    regions: list[dict[str, str]]
    countries: list[dict[str, str]]
    regional_initiatives: list[dict[str, str]]
    initiatives: list[dict[str, Any]]
    indicators: list[dict[str, Any]]
    council_sessions: list[dict[str, str]] = field(default_factory=list)
    frameworks: FrameworkFiles = field(default_factory=lambda: FrameworkFiles([], [], [], []))
    added: dict[str, int] = field(default_factory=dict)


def _read_csv(path: Path) -> list[dict[str, str]]:
    # Plain csv, not pandas: "NA" is Namibia's ISO code, not a missing value.
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _read_optional_csv(path: Path) -> list[dict[str, str]]:
    """A reference file a store can do without (a test's own reference folder may lack it)."""
    return _read_csv(path) if path.exists() else []


def _read_yaml(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        items = yaml.safe_load(handle) or []
    if not isinstance(items, list):
        raise ReferenceDataError(_("{file}: expected a list of items").format(file=path.name))
    return items


def read_reference(directory: Path = REFERENCE_DIR) -> ReferenceData:
    return ReferenceData(
        objectives=_read_csv(directory / "objectives.csv"),
        regions=_read_csv(directory / "itu_regions.csv"),
        countries=_read_csv(directory / "countries.csv"),
        regional_initiatives=_read_csv(directory / "regional_initiatives.csv"),
        initiatives=_read_yaml(directory / "initiatives.yaml"),
        indicators=_read_yaml(directory / "indicators.yaml"),
        council_sessions=_read_optional_csv(directory / "council_sessions.csv"),
        frameworks=read_framework_files(directory),
    )


def _as_date(value: Any, where: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as error:
        raise ReferenceDataError(
            _("{where}: '{value}' is not a date (YYYY-MM-DD)").format(where=where, value=value)
        ) from error


def _check_choice(value: Any, choices: type[Enum], where: str) -> str:
    allowed = [str(member) for member in choices]
    if value not in allowed:
        raise ReferenceDataError(
            _("{where}: '{value}' is not one of {allowed}").format(
                where=where, value=value, allowed=", ".join(allowed)
            )
        )
    return str(value)


def _objective_numbers(item: dict[str, Any], where: str) -> list[tuple[int, bool]]:
    objectives = item.get("objectives") or {}
    if isinstance(objectives, list):  # indicators list plain numbers
        numbers = [(int(n), False) for n in objectives]
    else:
        primary = objectives.get("primary")
        numbers = [(int(primary), True)] if primary is not None else []
        numbers += [(int(n), False) for n in objectives.get("also") or [] if n != primary]
    for number, _primary in numbers:
        if number not in range(1, 6):
            raise ReferenceDataError(
                _("{where}: objective {number} does not exist (1-5)").format(
                    where=where, number=number
                )
            )
    return numbers


@dataclass(frozen=True)
class Fact:
    """The basis of one fact as read from initiatives.yaml."""

    fact: str
    basis: str
    section: str | None = None
    url: str | None = None
    note: str | None = None


def _one_basis(fact: str, entry: Any, where: str) -> Fact:
    """`entry` is the basis word alone or a mapping {basis, section, url, note}."""
    spec = {"basis": entry} if isinstance(entry, str) else entry
    if not isinstance(spec, dict):
        raise ReferenceDataError(
            _("{where}, basis of {fact}: expected a basis or a mapping").format(
                where=where, fact=fact
            )
        )
    unknown = set(spec) - {"basis", "section", "url", "note"}
    if unknown:
        raise ReferenceDataError(
            ngettext(
                "{where}, basis of {fact}: unknown key {keys}",
                "{where}, basis of {fact}: unknown keys {keys}",
                len(unknown),
            ).format(where=where, fact=fact, keys=", ".join(sorted(unknown)))
        )
    basis = _check_choice(
        spec.get("basis"), Basis, _("{where}, basis of {fact}").format(where=where, fact=fact)
    )
    found = Fact(
        fact=fact,
        basis=basis,
        section=(str(spec["section"]).strip() or None) if spec.get("section") else None,
        url=(str(spec["url"]).strip() or None) if spec.get("url") else None,
        note=(str(spec["note"]).strip() or None) if spec.get("note") else None,
    )
    if basis == Basis.C25_52 and not found.section:
        raise ReferenceDataError(
            _("{where}, basis of {fact}: C25/52 needs the section").format(where=where, fact=fact)
        )
    if basis == Basis.PUBLIC and not (found.url or "").startswith(("https://", "http://")):
        raise ReferenceDataError(
            _("{where}, basis of {fact}: public information needs a url").format(
                where=where, fact=fact
            )
        )
    return found


def fact_bases(item: dict[str, Any]) -> list[Fact]:
    """The basis of every fact of one initiative from initiatives.yaml, checked: every fact
    in BASIS_FACTS present, no unknown fact, a section for C25/52 and a url for public
    information, and a status that is "not stated" exactly when its basis is."""
    where = f"initiatives.yaml, {item.get('slug')}"
    given = item.get("basis")
    if not isinstance(given, dict):
        raise ReferenceDataError(
            _("{where}: no basis: give one for each of {facts}").format(
                where=where, facts=", ".join(BASIS_FACTS)
            )
        )
    unknown = [fact for fact in given if fact not in BASIS_FACTS + OPTIONAL_BASIS_FACTS]
    if unknown:
        raise ReferenceDataError(
            _("{where}: basis of unknown fact '{fact}' (known: {known})").format(
                where=where, fact=unknown[0], known=", ".join(BASIS_FACTS + OPTIONAL_BASIS_FACTS)
            )
        )
    missing = [fact for fact in BASIS_FACTS if fact not in given]
    if missing:
        raise ReferenceDataError(
            _("{where}: no basis for fact '{fact}'").format(where=where, fact=missing[0])
        )
    facts = [_one_basis(fact, entry, where) for fact, entry in given.items()]
    status_basis = next(f.basis for f in facts if f.fact == "status")
    unstated = item.get("status") == InitiativeStatus.NOT_STATED
    if unstated != (status_basis == Basis.NOT_STATED):
        raise ReferenceDataError(
            _(
                "{where}, basis of status: the status is '{status}' but its basis is '{basis}' "
                "(use status and basis 'not stated' together, or neither)"
            ).format(where=where, status=item.get("status"), basis=status_basis)
        )
    return facts


def target_band(item: dict[str, Any], where: str) -> tuple[float, float] | None:
    """An indicator's two-sided target (`target: {band: [low, high]}`), or None.

    A value within [low, high] meets the target (gender parity: 0.98 to 1.02); the band
    must hold the target value itself.
    """
    band = (item.get("target") or {}).get("band")
    if band is None:
        return None
    if not isinstance(band, list) or len(band) != 2:
        raise ReferenceDataError(_("{where}: target band must be [low, high]").format(where=where))
    low, high = (float(v) for v in band)
    value = (item.get("target") or {}).get("value")
    if not low < high or (value is not None and not low <= float(value) <= high):
        raise ReferenceDataError(
            _(
                "{where}: target band [{low}, {high}] must be low < high and hold the target "
                "{value}"
            ).format(where=where, low=low, high=high, value=value)
        )
    return low, high


class _Loader:
    """Adds what is missing, remembering keys so links resolve without extra queries."""

    def __init__(self, session: Session, data: ReferenceData) -> None:
        self.session = session
        self.data = data
        self.added: dict[str, int] = {}

    def _count(self, what: str) -> None:
        self.added[what] = self.added.get(what, 0) + 1

    def load(self) -> dict[str, int]:
        self._objectives()
        self._geographies()
        self.session.flush()
        regional = self._regional_initiatives()
        self.session.flush()
        self._initiatives(regional)
        self.session.flush()
        self._fact_bases()
        self._indicators(regional)
        self._council_sessions()
        self.session.flush()
        load_frameworks(self.session, self.data.frameworks, self._count)
        self.session.flush()
        return self.added

    def _objectives(self) -> None:
        existing = set(self.session.exec(select(Objective.number)).all())
        for row in self.data.objectives:
            if int(row["number"]) not in existing:
                self.session.add(
                    Objective(
                        number=int(row["number"]),
                        title=row["title"],
                        short_title=row["short_title"],
                    )
                )
                self._count("objectives")

    def _geographies(self) -> None:
        existing = set(self.session.exec(select(Geography.code)).all())
        rows: list[Geography] = [Geography(code=WORLD_CODE, kind=GeographyKind.WORLD, name="World")]
        rows += [
            Geography(code=r["code"], kind=GeographyKind.REGION, name=r["name"])
            for r in self.data.regions
        ]
        region_codes = {r["code"] for r in self.data.regions}
        for r in self.data.countries:
            if r["itu_region"] not in region_codes:
                raise ReferenceDataError(
                    _("countries.csv, {code}: unknown ITU region").format(code=r["iso3"])
                )
            if r.get("status") not in COUNTRY_STATUSES:
                raise ReferenceDataError(
                    _("countries.csv, {code}: status '{status}' is not one of {allowed}").format(
                        code=r["iso3"], status=r.get("status"), allowed=", ".join(COUNTRY_STATUSES)
                    )
                )
            rows.append(
                Geography(
                    code=r["iso3"],
                    kind=GeographyKind.COUNTRY,
                    name=r["name"],
                    iso2=r["iso2"] or None,
                    region_code=r["itu_region"],
                    latitude=float(r["latitude"]),
                    longitude=float(r["longitude"]),
                    status=r["status"],
                )
            )
        for geography in rows:
            if geography.code not in existing:
                self.session.add(geography)
                self._count("geographies")

    def _regional_initiatives(self) -> dict[str, int]:
        keyed = {ri.key: ri for ri in self.session.exec(select(RegionalInitiative)).all()}
        for row in self.data.regional_initiatives:
            key = f"{row['code']}/{row['cycle']}"
            if key not in keyed:
                keyed[key] = RegionalInitiative(
                    code=row["code"],
                    cycle=row["cycle"],
                    region_code=row["region"],
                    title=row.get("title") or None,
                    note=row.get("note") or None,
                )
                self.session.add(keyed[key])
                self._count("regional initiatives")
        self.session.flush()
        return {key: ri.id for key, ri in keyed.items() if ri.id is not None}

    def _regional_ids(
        self, item: dict[str, Any], regional: dict[str, int], where: str
    ) -> list[int]:
        ids = []
        for key in item.get("regional_initiatives") or []:
            if key not in regional:
                raise ReferenceDataError(
                    _("{where}: regional initiative '{key}' does not exist").format(
                        where=where, key=key
                    )
                )
            ids.append(regional[key])
        return ids

    def _initiatives(self, regional: dict[str, int]) -> None:
        existing = set(self.session.exec(select(Initiative.slug)).all())
        countries = {r["iso3"] for r in self.data.countries}
        for item in self.data.initiatives:
            where = f"initiatives.yaml, {item.get('slug')}"
            fact_bases(item)  # checked for every item, also those already in the store
            if item["slug"] in existing:
                continue
            initiative = Initiative(
                slug=item["slug"],
                name=item["name"],
                summary=(item.get("summary") or "").strip(),
                lead_sector=_check_choice(item.get("lead_sector"), LeadSector, where),
                status=_check_choice(item.get("status"), InitiativeStatus, where),
                start_date=_as_date(item.get("start_date"), where),
                end_date=_as_date(item.get("end_date"), where),
                source=item.get("source"),
                note=item.get("note"),
                focal_point=item.get("focal_point") or None,
            )
            self.session.add(initiative)
            self.session.flush()
            assert initiative.id is not None
            for number, is_primary in _objective_numbers(item, where):
                self.session.add(
                    InitiativeObjective(
                        initiative_id=initiative.id, objective_number=number, is_primary=is_primary
                    )
                )
            for ri_id in self._regional_ids(item, regional, where):
                self.session.add(
                    InitiativeRegionalInitiative(
                        initiative_id=initiative.id, regional_initiative_id=ri_id
                    )
                )
            for code in item.get("countries") or []:
                if code not in countries:
                    raise ReferenceDataError(
                        _("{where}: country '{code}' is not in countries.csv").format(
                            where=where, code=code
                        )
                    )
                self.session.add(InitiativeCountry(initiative_id=initiative.id, geo_code=code))
            for partner in dict.fromkeys(item.get("partners") or []):
                self.session.add(InitiativePartner(initiative_id=initiative.id, partner=partner))
            for link in item.get("links") or []:
                self.session.add(
                    InitiativeLink(
                        initiative_id=initiative.id, label=link["label"], url=link["url"]
                    )
                )
            for milestone in item.get("milestones") or []:
                self.session.add(
                    Milestone(
                        initiative_id=initiative.id,
                        title=milestone["title"],
                        due_date=_as_date(milestone.get("due"), where),
                        done=bool(milestone.get("done")),
                    )
                )
            self._count("initiatives")

    def _fact_bases(self) -> None:
        """Add the basis of each fact the store lacks (an older store gets them on reseed;
        a basis already stored, perhaps edited, is kept)."""
        # Rows read back from the store, so each has its id.
        ids = cast(
            dict[str, int], dict(self.session.exec(select(Initiative.slug, Initiative.id)).all())
        )
        stored = set(self.session.exec(select(FactBasis.initiative_id, FactBasis.fact)).all())
        for item in self.data.initiatives:
            initiative_id = ids[item["slug"]]
            for fact in fact_bases(item):
                if (initiative_id, fact.fact) in stored:
                    continue
                self.session.add(
                    FactBasis(
                        initiative_id=initiative_id,
                        fact=fact.fact,
                        basis=fact.basis,
                        section=fact.section,
                        url=fact.url,
                        note=fact.note,
                    )
                )
                self._count("fact bases")

    def _indicators(self, regional: dict[str, int]) -> None:
        existing = set(self.session.exec(select(Indicator.code)).all())
        for item in self.data.indicators:
            where = f"indicators.yaml, {item.get('code')}"
            band = target_band(item, where)
            if item["code"] in existing:
                continue
            baseline = item.get("baseline") or {}
            target = item.get("target") or {}
            bounds = item.get("bounds") or {}
            indicator = Indicator(
                code=item["code"],
                name=item["name"],
                unit=item["unit"],
                direction=item["direction"],
                kind=item.get("kind") or "outcome",
                source=item.get("source") or "",
                definition=(item.get("definition") or "").strip(),
                baseline_value=baseline.get("value"),
                baseline_year=baseline.get("year"),
                target_value=target.get("value"),
                target_year=target.get("year"),
                min_value=bounds.get("min"),
                max_value=bounds.get("max"),
                disaggregations=list(item.get("disaggregations") or []),
                geographies=list(item.get("geographies") or ["world"]),
                note=item.get("note"),
            )
            if band is not None:
                indicator.target_low, indicator.target_high = band
            self.session.add(indicator)
            self.session.flush()
            assert indicator.id is not None
            for number, _primary in _objective_numbers(item, where):
                self.session.add(
                    IndicatorObjective(indicator_id=indicator.id, objective_number=number)
                )
            for ri_id in self._regional_ids(item, regional, where):
                self.session.add(
                    IndicatorRegionalInitiative(
                        indicator_id=indicator.id, regional_initiative_id=ri_id
                    )
                )
            self._count("indicators")

    def _council_sessions(self) -> None:
        existing = set(self.session.exec(select(CouncilSession.name)).all())
        for row in self.data.council_sessions:
            where = f"council_sessions.csv, {row.get('name')}"
            starts = _as_date(row.get("starts_on"), where)
            ends = _as_date(row.get("ends_on"), where)
            if starts is None or ends is None or ends < starts:
                raise ReferenceDataError(
                    _("{where}: needs starts_on and a later or equal ends_on").format(where=where)
                )
            if not (row.get("source") or "").strip():
                raise ReferenceDataError(
                    _("{where}: name the document that states the session").format(where=where)
                )
            if row["name"] in existing:
                continue
            self.session.add(
                CouncilSession(
                    name=row["name"],
                    starts_on=starts,
                    ends_on=ends,
                    place=(row.get("place") or "").strip(),
                    source=row["source"].strip(),
                )
            )
            self._count("council sessions")


def country_statuses(directory: Path = REFERENCE_DIR) -> dict[str, str]:
    """ISO alpha-3 -> member, territory or other, from the shipped countries.csv (the store
    does not hold it yet)."""
    return {row["iso3"]: row["status"] for row in _read_csv(directory / "countries.csv")}


def load_reference(session: Session, directory: Path = REFERENCE_DIR) -> dict[str, int]:
    """Add the reference rows the store lacks, and their translations; return how many of
    each kind were added."""
    added = _Loader(session, read_reference(directory)).load()
    translated = load_translations(session, directory / "translations")
    if translated:
        added["translations"] = translated
    return added
