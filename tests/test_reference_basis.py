"""The basis of every initiative fact (data/reference/initiatives.yaml): what the file says,
what the loader refuses, and what it stores (on SQLite and PostgreSQL).

Expected values are read from the YAML file with PyYAML and from C25/52's wording, never
from the loader under test.
"""

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from gdc_tracker import db
from gdc_tracker.models import FactBasis, Initiative, Milestone
from gdc_tracker.reference import ReferenceDataError, fact_bases, load_reference

REFERENCE_DIR = Path(__file__).resolve().parents[1] / "data" / "reference"
FACTS = {
    "status",
    "start_date",
    "end_date",
    "partners",
    "lead_sector",
    "objectives",
    "regional_initiatives",
    "countries",
}
BASES = {"C25/52", "public", "editorial", "not stated"}


def initiatives() -> list[dict]:
    return yaml.safe_load((REFERENCE_DIR / "initiatives.yaml").read_text(encoding="utf-8"))


def spec(entry: object) -> dict:
    return {"basis": entry} if isinstance(entry, str) else dict(entry)  # type: ignore[call-overload]


def by_slug() -> dict[str, dict]:
    return {item["slug"]: item for item in initiatives()}


# What the file says


def test_every_initiative_gives_a_basis_for_every_fact() -> None:
    for item in initiatives():
        given = item.get("basis") or {}
        assert FACTS <= set(given), f"{item['slug']}: no basis for {FACTS - set(given)}"
        for fact, entry in given.items():
            found = spec(entry)
            assert found["basis"] in BASES, (item["slug"], fact)
            if found["basis"] == "C25/52":
                assert found.get("section"), (item["slug"], fact)
            if found["basis"] == "public":
                assert str(found.get("url", "")).startswith("http"), (item["slug"], fact)


def test_no_status_without_a_source_that_states_it() -> None:
    for item in initiatives():
        status = spec(item["basis"]["status"])
        if item["status"] == "not stated":
            assert status["basis"] == "not stated", item["slug"]
        else:
            # A status is C25/52's (quoted in the note) or public information, never assumed.
            assert status["basis"] in {"C25/52", "public"}, item["slug"]
            assert "“" in status.get("note", "") or status["basis"] == "public", item["slug"]


def test_statuses_follow_the_wording_of_c25_52() -> None:
    items = by_slug()
    # Named in lists or in the future tense: C25/52 gives no status.
    for slug in (
        "partner2connect",  # "ITU is identifying key initiatives, such as WSIS, P2C..."
        "early-warnings-for-all",
        "pact-action-24b",  # "ITU will contribute, as needed"
        "child-online-protection",  # "Member States will also be actively engaged"
        "cwg-internet",
        "wtdc",  # a conference among "existing mechanisms and/or milestones"
    ):
        assert items[slug]["status"] == "not stated", slug
    # The Americas page says the pilot was implemented, not whether work continues.
    assert items["digital-transformation-kit"]["status"] == "not stated"
    # "ITU is working with various stakeholders... This includes... connecting schools via Giga"
    assert items["giga"]["status"] == "ongoing"
    # "it will ... provide support to RCs and UNCTs": stated as future work.
    assert items["support-resident-coordinators"]["status"] == "planned"


def test_the_items_c25_52_names_are_in_the_data_with_their_section() -> None:
    items = by_slug()
    expected = {
        "wtdc": "section 2.1",
        "resilience-standards-policies": "section 1, Objective 1",
        "pact-wg-sdgs": "section 2.2",
        "pact-wg-ifa-reform": "section 2.2",
        "pact-wg-youth": "section 2.2",
        "pact-wg-un-governance-reform": "section 2.2",
        "outer-space-cooperation": "section 2.2",
        "support-resident-coordinators": "section 2.1",
    }
    for slug, section in expected.items():
        assert slug in items, slug
        assert items[slug]["source"] == f"C25/52, {section}", slug
    assert "World Telecommunication Development Conference" in items["wtdc"]["name"]
    assert "outer space" in items["pact-wg-un-governance-reform"]["summary"]
    assert "Resident Coordinators" in items["support-resident-coordinators"]["name"]


def test_the_working_group_briefings_are_its_milestones() -> None:
    wgdt = by_slug()["working-group-digital-technologies"]
    titles = " | ".join(m["title"] for m in wgdt["milestones"])
    for briefed in (
        "Group of Friends of Digital Technologies",
        "USCIB and ICC BASIS",
        "2024 Internet Governance Forum (IGF), Riyadh",
        "Freedom Online Coalition",
        "Inter-Agency Task Team on Science, Technology and Innovation",
    ):
        assert briefed in titles, briefed
    assert spec(wgdt["basis"]["milestones"])["section"] == "section 2.1"


def test_the_old_notes_are_kept_in_the_basis() -> None:
    items = by_slug()
    assert "September 2019" in spec(items["giga"]["basis"]["start_date"])["note"]
    equals = spec(items["equals"]["basis"]["partners"])
    assert equals["basis"] == "public" and "not named in the seeds" in equals["note"]
    wtis = spec(items["wtis"]["basis"]["partners"])["note"]
    assert "UNESCO" in wtis and "not listed" in wtis


# What the loader refuses


def giga_with(**basis: object) -> dict:
    item = by_slug()["giga"]
    item["basis"] = {**item["basis"], **basis}
    return item


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"budget": "editorial"}, "initiatives.yaml, giga: basis of unknown fact 'budget'"),
        ({"status": {"basis": "rumour"}}, "initiatives.yaml, giga, basis of status: 'rumour'"),
        ({"partners": {"basis": "C25/52"}}, "giga, basis of partners: C25/52 needs the section"),
        ({"start_date": {"basis": "public"}}, "giga, basis of start_date: public information"),
        ({"status": "not stated"}, "giga, basis of status: the status is 'ongoing'"),
    ],
)
def test_a_wrong_basis_stops_the_load_naming_initiative_and_fact(
    change: dict, message: str
) -> None:
    with pytest.raises(ReferenceDataError) as raised:
        fact_bases(giga_with(**change))
    assert message in str(raised.value)


def test_a_missing_fact_stops_the_load_naming_it() -> None:
    item = by_slug()["giga"]
    del item["basis"]["countries"]
    with pytest.raises(ReferenceDataError, match="giga: no basis for fact 'countries'"):
        fact_bases(item)


def test_the_seed_refuses_a_file_with_a_wrong_basis_and_writes_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    directory = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, directory)
    path = directory / "initiatives.yaml"
    text = path.read_text(encoding="utf-8")
    broken = text.replace(
        '    objectives: {basis: C25/52, section: "section 1, Objective 1; section 2.1", '
        'note: "C25/52 lists Giga only under Objective 1."}',
        '    objectives: {basis: C25/52, note: "C25/52 lists Giga only under Objective 1."}',
    )
    assert broken != text
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="giga, basis of objectives"):
        with db.session_scope(engine) as session:
            load_reference(session, directory)
    with Session(engine) as session:
        assert session.exec(select(sa.func.count()).select_from(Initiative)).one() == 0


# What the loader stores


def stored_bases(session: Session) -> dict[tuple[str, str], FactBasis]:
    rows = session.exec(
        select(Initiative.slug, FactBasis).join(FactBasis, FactBasis.initiative_id == Initiative.id)
    ).all()
    return {(slug, row.fact): row for slug, row in rows}


def test_the_seed_stores_every_basis_and_a_reseed_keeps_them_and_adds_missing_ones(
    engine: Engine,
) -> None:
    expected = {
        (item["slug"], fact): spec(entry)
        for item in initiatives()
        for fact, entry in item["basis"].items()
    }
    with db.session_scope(engine) as session:
        added = load_reference(session)
    assert added["fact bases"] == len(expected)
    with Session(engine) as session:
        stored = stored_bases(session)
        assert set(stored) == set(expected)
        for key, row in stored.items():
            assert row.basis == expected[key]["basis"], key
            assert row.section == expected[key].get("section"), key
            assert row.url == expected[key].get("url"), key
        # An admin's edit of one basis, and one basis lost (an older store).
        stored[("giga", "lead_sector")].note = "Checked with ITU-D."
        session.add(stored[("giga", "lead_sector")])
        session.delete(stored[("wtis", "partners")])
        session.commit()
    with db.session_scope(engine) as session:
        again = load_reference(session)
    assert again == {"fact bases": 1}
    with Session(engine) as session:
        stored = stored_bases(session)
        assert len(stored) == len(expected)
        assert stored[("giga", "lead_sector")].note == "Checked with ITU-D."
        assert stored[("wtis", "partners")].basis == "not stated"


def test_the_seed_stores_the_statuses_as_the_file_gives_them(engine: Engine) -> None:
    file_statuses = {item["slug"]: item["status"] for item in initiatives()}
    with db.session_scope(engine) as session:
        load_reference(session)
    with Session(engine) as session:
        stored = dict(session.exec(select(Initiative.slug, Initiative.status)).all())
        undated = session.exec(
            select(sa.func.count()).select_from(Milestone).where(Milestone.due_date.is_(None))  # type: ignore[union-attr]
        ).one()
    assert stored == file_statuses
    assert sum(s == "not stated" for s in stored.values()) == 10
    assert undated == 5  # the five briefings of the Working Group on Digital Technologies
