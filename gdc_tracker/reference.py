"""Reference data the app ships in data/reference, loaded into the store.

The files are meant to be edited by people (CSV and YAML), so loading them checks what a
person could get wrong: an unknown objective number, a regional initiative that does not
exist, a country code that is not in the country list. Loading is idempotent: rows already
in the store (by their natural key) are left as they are, so a reseed never overwrites
an admin's edits.
"""

import csv
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from sqlmodel import Session, select

from gdc_tracker.models import (
    WORLD_CODE,
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

REFERENCE_DIR = Path(__file__).resolve().parents[1] / "data" / "reference"


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
    added: dict[str, int] = field(default_factory=dict)


def _read_csv(path: Path) -> list[dict[str, str]]:
    # Plain csv, not pandas: "NA" is Namibia's ISO code, not a missing value.
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _read_yaml(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        items = yaml.safe_load(handle) or []
    if not isinstance(items, list):
        raise ReferenceDataError(f"{path.name}: expected a list of items")
    return items


def read_reference(directory: Path = REFERENCE_DIR) -> ReferenceData:
    return ReferenceData(
        objectives=_read_csv(directory / "objectives.csv"),
        regions=_read_csv(directory / "itu_regions.csv"),
        countries=_read_csv(directory / "countries.csv"),
        regional_initiatives=_read_csv(directory / "regional_initiatives.csv"),
        initiatives=_read_yaml(directory / "initiatives.yaml"),
        indicators=_read_yaml(directory / "indicators.yaml"),
    )


def _as_date(value: Any, where: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as error:
        raise ReferenceDataError(f"{where}: '{value}' is not a date (YYYY-MM-DD)") from error


def _check_choice(value: Any, choices: type, where: str) -> str:
    allowed = [str(member) for member in choices]  # type: ignore[attr-defined]
    if value not in allowed:
        raise ReferenceDataError(f"{where}: '{value}' is not one of {', '.join(allowed)}")
    return str(value)


def _objective_numbers(item: dict[str, Any], where: str) -> list[tuple[int, bool]]:
    objectives = item.get("objectives") or {}
    if isinstance(objectives, list):  # indicators list plain numbers
        numbers = [(int(n), False) for n in objectives]
    else:
        primary = objectives.get("primary")
        numbers = [(int(primary), True)] if primary is not None else []
        numbers += [(int(n), False) for n in objectives.get("also") or [] if n != primary]
    for number, _ in numbers:
        if number not in range(1, 6):
            raise ReferenceDataError(f"{where}: objective {number} does not exist (1-5)")
    return numbers


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
        self._indicators(regional)
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
                raise ReferenceDataError(f"countries.csv, {r['iso3']}: unknown ITU region")
            rows.append(
                Geography(
                    code=r["iso3"],
                    kind=GeographyKind.COUNTRY,
                    name=r["name"],
                    iso2=r["iso2"] or None,
                    region_code=r["itu_region"],
                    latitude=float(r["latitude"]),
                    longitude=float(r["longitude"]),
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
                raise ReferenceDataError(f"{where}: regional initiative '{key}' does not exist")
            ids.append(regional[key])
        return ids

    def _initiatives(self, regional: dict[str, int]) -> None:
        existing = set(self.session.exec(select(Initiative.slug)).all())
        countries = {r["iso3"] for r in self.data.countries}
        for item in self.data.initiatives:
            where = f"initiatives.yaml, {item.get('slug')}"
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
                    raise ReferenceDataError(f"{where}: country '{code}' is not in countries.csv")
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

    def _indicators(self, regional: dict[str, int]) -> None:
        existing = set(self.session.exec(select(Indicator.code)).all())
        for item in self.data.indicators:
            where = f"indicators.yaml, {item.get('code')}"
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
            self.session.add(indicator)
            self.session.flush()
            assert indicator.id is not None
            for number, _ in _objective_numbers(item, where):
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


def load_reference(session: Session, directory: Path = REFERENCE_DIR) -> dict[str, int]:
    """Add the reference rows the store lacks; return how many of each kind were added."""
    return _Loader(session, read_reference(directory)).load()
