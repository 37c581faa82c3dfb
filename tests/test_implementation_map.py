"""The GDC Implementation Map: the GDC's commitments and the other frameworks as reference
data, the links of initiatives to them with their basis, and the map a delegate reads.

Expected counts come from the shipped CSV files, read here with the csv module, and from
links each test makes itself: never from the code under test.
"""

import csv
import io
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
import yaml
from sqlalchemy.engine import Engine
from sqlmodel import Session, delete, select

from gdc_tracker import db
from gdc_tracker.exports import to_csv_bytes
from gdc_tracker.framework_reference import (
    FrameworkDataError,
    commitment_items,
    framework_items,
    link_rows,
)
from gdc_tracker.models import (
    FrameworkItem,
    Initiative,
    InitiativeFrameworkLink,
    ReportingCycle,
)
from gdc_tracker.reference import REFERENCE_DIR, load_reference
from gdc_tracker.views.implementation import implementation_map_view, item_view
from gdc_tracker.views.initiatives import initiative_detail_view
from gdc_tracker.views.slides import params_json, slide_view


def shipped(name: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


COMMITMENTS = shipped("gdc_commitments.csv")
FRAMEWORKS = shipped("frameworks.csv")
LINKS = shipped("initiative_links.csv") if (REFERENCE_DIR / "initiative_links.csv").exists() else []
CYCLES = shipped("reporting_cycles.csv")


# 1. The reference data as shipped


def test_every_shipped_item_link_and_cycle_is_loaded(session: Session) -> None:
    stored = Counter(session.exec(select(FrameworkItem.framework)).all())
    expected = Counter(row["framework"] for row in FRAMEWORKS) + Counter({"gdc": len(COMMITMENTS)})
    assert stored == expected
    assert len(session.exec(select(InitiativeFrameworkLink)).all()) == len(LINKS)
    assert {c.name for c in session.exec(select(ReportingCycle))} == {r["name"] for r in CYCLES}


def test_every_gdc_row_names_the_copy_it_was_checked_against_and_links_the_text(
    session: Session,
) -> None:
    items = session.exec(select(FrameworkItem).where(FrameworkItem.framework == "gdc")).all()
    assert all(item.checked_against for item in items), "an unchecked row must not ship"
    assert {item.url for item in items} == {"https://undocs.org/A/RES/79/1"}
    actions = [item for item in items if item.kind == "action"]
    assert all(
        item.parent_code and item.code.startswith(f"{item.parent_code} (") for item in actions
    )


def test_every_shipped_link_carries_its_basis() -> None:
    for row in LINKS:
        assert row["basis"] in {"C25/52", "public", "editorial"}, row
        if row["basis"] == "C25/52":
            assert row["section"], row
        if row["basis"] == "public":
            assert row["url"].startswith("http"), row
        if row["basis"] == "editorial":
            assert row["note"], row


def test_seeding_again_adds_no_framework_row(session: Session) -> None:
    added = load_reference(session)
    assert not {"framework items", "framework links", "reporting cycles"} & set(added)


# 2. Rows a person could get wrong, named by file and row


def gdc_row(**changes: str) -> dict[str, str]:
    row = {
        "ref": "17",
        "paragraph": "17",
        "letter": "",
        "objective": "1",
        "topic": "Digital public goods",
        "kind": "commitment",
        "title": "Digital public goods commitments",
        "sdgs": "",
        "checked_against": "https://example.org/copy",
        "note": "",
    }
    return row | changes


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([gdc_row(ref="17(a)", letter="a", kind="action")], "row 2 (17(a)): ref must read like"),
        (
            [gdc_row(ref="17 (a)", letter="a", kind="action")],
            "row 2 (17 (a)): its paragraph 17 is not listed",
        ),
        ([gdc_row(objective="6")], "row 2 (17): objective must be 1 to 5"),
        ([gdc_row(), gdc_row(ref="17 (b)", letter="b")], "row 3 (17 (b)): kind must be 'action'"),
        ([gdc_row(title="")], "row 2 (17): title is empty"),
    ],
)
def test_a_wrong_gdc_row_is_refused_with_its_row(rows: list[dict[str, str]], message: str) -> None:
    with pytest.raises(FrameworkDataError, match=message.replace("(", r"\(").replace(")", r"\)")):
        commitment_items(rows)


def test_an_sdg_target_needs_its_goal_listed_first() -> None:
    target = {"framework": "sdg", "code": "9.c", "parent": "9", "title": "Access to ICT"}
    with pytest.raises(FrameworkDataError, match=r"frameworks.csv, row 2 \(9.c\): its goal 9"):
        framework_items([target])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"basis": "C25/52", "section": ""}, "needs its section"),
        ({"basis": "public", "url": ""}, "needs the page's address"),
        ({"basis": "editorial", "note": ""}, "needs a note saying why"),
        ({"basis": "not stated"}, "basis must be one of"),
        ({"code": "99 (z)"}, "no gdc item '99 (z)'"),
        ({"initiative": "no-such-initiative"}, "no initiative 'no-such-initiative'"),
    ],
)
def test_a_link_without_its_basis_is_refused(change: dict[str, str], message: str) -> None:
    row = {
        "initiative": "giga",
        "framework": "gdc",
        "code": "17 (a)",
        "basis": "editorial",
        "section": "",
        "url": "",
        "note": "fits",
    } | change
    with pytest.raises(
        FrameworkDataError, match=r"initiative_links.csv, row 2 .*" + re.escape(message)
    ):
        link_rows([row], {"giga"}, {("gdc", "17 (a)")})


def test_a_bad_link_file_leaves_the_store_as_it_was(tmp_path: Path, seeded_engine: Engine) -> None:
    folder = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, folder)
    with db.session_scope(seeded_engine) as session:
        session.exec(delete(InitiativeFrameworkLink))
        before = len(session.exec(select(FrameworkItem)).all())
    with (folder / "initiative_links.csv").open("w", encoding="utf-8") as handle:
        handle.write("initiative,framework,code,basis,section,url,note\n")
        handle.write("giga,gdc,17 (a),editorial,,,fits\n")
        handle.write("giga,gdc,99 (z),editorial,,,made up\n")
    with pytest.raises(FrameworkDataError, match=r"row 3 \(giga\): no gdc item '99 \(z\)'"):
        with db.session_scope(seeded_engine) as session:
            load_reference(session, folder)
    with db.session_scope(seeded_engine) as session:
        assert len(session.exec(select(InitiativeFrameworkLink)).all()) == 0
        assert len(session.exec(select(FrameworkItem)).all()) == before


# 3. The map, on links this test makes


@pytest.fixture
def linked(seeded_engine: Engine) -> Iterator[Session]:
    """The shipped items with three links of the test's own:
    Giga -> 17 (a) (editorial), EQUALS -> the whole of 17 (C25/52, section 1),
    the ITU-T AI standards -> 29 (c) (public information)."""
    with db.session_scope(seeded_engine) as session:
        session.exec(delete(InitiativeFrameworkLink))
        ids = dict(session.exec(select(Initiative.slug, Initiative.id)).all())
        items = dict(
            session.exec(
                select(FrameworkItem.code, FrameworkItem.id).where(FrameworkItem.framework == "gdc")
            ).all()
        )
        for slug, code, basis, extra in [
            ("giga", "17 (a)", "editorial", {"note": "open-source tools for schools"}),
            ("equals", "17", "C25/52", {"section": "section 1, Objective 1"}),
            ("itu-t-ai-standards", "29 (c)", "public", {"url": "https://www.itu.int/"}),
        ]:
            session.add(
                InitiativeFrameworkLink(
                    initiative_id=ids[slug], item_id=items[code], basis=basis, **extra
                )
            )
    with db.session_scope(seeded_engine) as session:
        yield session


def sector_of(session: Session, slug: str) -> str:
    return session.exec(select(Initiative.lead_sector).where(Initiative.slug == slug)).one()


def test_the_map_counts_links_at_their_level_and_through_the_paragraph(linked: Session) -> None:
    view = implementation_map_view(linked, framework="gdc", columns="sector")
    totals = dict(zip(view.data["code"], view.data["total"], strict=True))
    assert totals["17"] == 2  # EQUALS on the paragraph, Giga through 17 (a)
    assert totals["17 (a)"] == 2  # Giga itself, EQUALS through the whole paragraph
    assert totals["17 (c)"] == 1  # EQUALS through the whole paragraph
    assert totals["29 (c)"] == 1 and totals["29"] == 1
    assert totals["29 (a)"] == 0 and totals["42"] == 0
    giga, equals = sector_of(linked, "giga"), sector_of(linked, "equals")
    row = view.data.set_index("code").loc["17"]
    assert row[giga] + (row[equals] if equals != giga else 0) == 2


def test_the_map_lists_every_item_with_no_itu_action(linked: Session) -> None:
    view = implementation_map_view(linked, framework="gdc", columns="sector")
    reached = {"17", "17 (a)", "17 (c)", "17 (d)", "17 (f)", "29", "29 (c)"}
    reached |= {r["ref"] for r in COMMITMENTS if r["paragraph"] == "17"}
    expected = [r["ref"] for r in COMMITMENTS if r["ref"] not in reached]
    assert list(view.table["code"]) == expected
    assert list(view.data.loc[view.data["no_itu_action"], "code"]) == expected
    figures = {f.label: f.value for f in view.figures}
    paragraphs = [r for r in COMMITMENTS if not r["letter"]]
    assert figures["commitment paragraphs"] == str(len(paragraphs))
    assert figures["lettered actions"] == str(len(COMMITMENTS) - len(paragraphs))
    assert figures["paragraphs with no ITU action"] == str(
        len([r for r in paragraphs if r["ref"] in expected])
    )
    assert figures["links stated in C25/52"] == "1"
    assert figures["links from public information"] == "1"
    assert figures["editorial links"] == "1"
    assert view.summary.startswith(f"{len(expected)} of the {len(COMMITMENTS)} items (GDC")


def test_the_map_of_one_objective_shows_its_items_only(linked: Session) -> None:
    view = implementation_map_view(linked, framework="gdc", objective=3, level="paragraphs")
    assert list(view.data["code"]) == [
        r["ref"] for r in COMMITMENTS if r["objective"] == "3" and not r["letter"]
    ]
    assert view.about.filters["GDC objective"].startswith("3. ")
    assert view.link == (
        "/implementation?framework=gdc&columns=sector&level=paragraphs&objective=3&lang=en"
    )


def test_the_map_names_its_sources_and_never_passes_an_editorial_link_as_itus(
    linked: Session,
) -> None:
    view = implementation_map_view(linked, framework="gdc", columns="region")
    sources = view.about.sources
    assert sources[0].startswith("United Nations General Assembly resolution A/RES/79/1")
    assert "ITU Council document C25/52" in sources
    assert "public information: https://www.itu.int/" in sources
    assert "GDC Tracker's editorial links (not stated by ITU)" in sources
    links = view.sections[1].data.set_index("itu_action")
    assert links.loc["Giga", "basis"] == "editorial choice"
    assert links.loc["EQUALS Global Partnership", "basis"] == "C25/52, section 1, Objective 1"
    assert not view.about.has_demo


def test_the_map_csv_carries_its_title_filters_and_sources(linked: Session) -> None:
    view = implementation_map_view(linked, framework="gdc", columns="initiative")
    data = to_csv_bytes(view.data, view.about, name="implementation_map")
    lines = dict(pd.read_csv(io.BytesIO(data), nrows=5, header=None).values.tolist())
    assert lines["Title"] == "GDC Implementation Map · GDC commitments and actions by ITU action"
    assert lines["Filters"] == (
        "Framework: GDC commitments and actions; Columns: ITU action; "
        "Rows: Every commitment and its lettered actions"
    )
    assert "A/RES/79/1" in lines["Sources"] and "editorial links" in lines["Sources"]
    table = pd.read_csv(io.BytesIO(data), skiprows=6, keep_default_na=False)
    assert list(table["code"]) == [r["ref"] for r in COMMITMENTS]
    assert table.set_index("code").loc["17 (a)", "Giga"] == 1


def test_a_click_on_a_row_is_a_selection_of_its_code(linked: Session) -> None:
    spec = implementation_map_view(linked, framework="gdc").chart
    assert spec is not None
    params = spec.get("params", []) + [
        p for part in spec["hconcat"] for p in part.get("params", [])
    ]
    assert any(p["name"] == "pick" and p["select"]["fields"] == ["code"] for p in params)


def test_an_item_opens_with_its_actions_their_basis_and_its_indicators(linked: Session) -> None:
    view = item_view(linked, framework="gdc", code="17 (a)")
    assert not view.problem
    actions = view.data.set_index("itu_action")
    assert set(actions.index) == {"Giga", "EQUALS Global Partnership"}
    assert actions.loc["Giga", "linked_to"] == "17 (a)" and actions.loc["Giga", "direct"]
    assert actions.loc["EQUALS Global Partnership", "linked_to"] == "17"
    assert "Official text: https://undocs.org/A/RES/79/1" in view.bullets
    indicators = view.sections[0]
    assert indicators.heading == "Indicators under objective 1" and len(indicators.data)
    giga_updates = linked.execute(
        sa.text(
            "SELECT count(*) FROM progressentry e JOIN initiative i ON i.id = e.initiative_id "
            "WHERE i.slug = 'giga' AND e.review_state = 'published' AND e.is_demo"
        )
    ).scalar()
    if giga_updates:  # the demo store gives Giga demo updates: the item says so
        assert actions.loc["Giga", "real_or_demo"] == "demo"
        assert view.about.has_demo and "Demo data, not official statistics" in view.about.notice()


def test_an_unknown_item_says_so(linked: Session) -> None:
    view = item_view(linked, framework="gdc", code="99 (z)")
    assert view.problem == "There is no item “99 (z)” in GDC commitments and actions."


def test_the_map_is_a_slide_of_its_paragraphs(linked: Session) -> None:
    view = slide_view(
        linked,
        kind="implementation_map",
        params=params_json({"framework": "wsis", "columns": "region"}),
    )
    assert view.kind == "implementation_map" and view.chart is not None
    assert list(view.data["code"]) == [r["code"] for r in FRAMEWORKS if r["framework"] == "wsis"]
    assert view.about.filters["Framework"] == "WSIS action lines"


def test_an_initiative_shows_what_it_serves_with_each_links_basis(session: Session) -> None:
    giga = [row for row in LINKS if row["initiative"] == "giga"]
    view = initiative_detail_view(session, slug="giga", today=date.today()).frameworks
    assert view is not None and not view.problem
    shown = view.data
    assert sorted(zip(shown["Reference"], shown["Why"], strict=True)) == sorted(
        (row["code"], row["note"]) for row in giga
    )
    public = [row for row in giga if row["basis"] == "public"]
    for row in public:
        basis = shown.loc[shown["Reference"] == row["code"], "Basis of the link"].item()
        assert row["url"] in basis
    editorial = shown.loc[
        shown["Reference"].isin([r["code"] for r in giga if r["basis"] == "editorial"])
    ]
    assert set(editorial["Basis of the link"]) == {"editorial choice"}
    assert "GDC Tracker's editorial links (not stated by ITU)" in view.about.sources


def test_the_regional_initiatives_are_rows_with_the_basis_their_initiatives_give(
    session: Session,
) -> None:
    regional = shipped("regional_initiatives.csv")
    initiatives = yaml.safe_load((REFERENCE_DIR / "initiatives.yaml").read_text(encoding="utf-8"))
    under = Counter(key for item in initiatives for key in item.get("regional_initiatives") or [])
    view = implementation_map_view(session, framework="ri", columns="initiative")
    expected = {f"{r['code']} ({r['cycle']})": under[f"{r['code']}/{r['cycle']}"] for r in regional}
    assert dict(zip(view.data["code"], view.data["total"], strict=True)) == expected
    assert view.about.filters["Framework"] == "ITU-D regional initiatives"
    linked = next(code for code, n in expected.items() if n)
    actions = item_view(session, framework="ri", code=linked).data
    assert len(actions) == expected[linked]
    assert all(basis for basis in actions["basis"])
