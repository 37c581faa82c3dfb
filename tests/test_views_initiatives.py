"""The Initiatives page's views, without Streamlit: the filters in words, the documents
the initiatives cite, counts of initiatives, the maps and one initiative in detail.

Expected values come from the reference files (data/reference/initiatives.yaml,
objectives.csv, itu_regions.csv, countries.csv, regional_initiatives.csv), read here.
"""

import csv
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from sqlalchemy.engine import Engine
from sqlmodel import Session

from gdc_tracker import bootstrap, db
from gdc_tracker.queries.initiatives import InitiativeFilters
from gdc_tracker.views.initiatives import (
    initiative_detail_view,
    initiatives_view,
    regional_matrix_view,
    timeline_view,
)
from gdc_tracker.views.objective_matrix import objective_matrix_view
from gdc_tracker.views.reference import REFERENCE_SOURCE

F = InitiativeFilters.build
TODAY = date(2026, 11, 23)
DATA = Path(__file__).resolve().parents[1] / "data" / "reference"
REFERENCE = yaml.safe_load((DATA / "initiatives.yaml").read_text(encoding="utf-8"))


def _csv(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as file:
        return list(csv.DictReader(file))


OBJECTIVES = {int(row["number"]): row["short_title"] for row in _csv("objectives.csv")}
REGIONS = {row["code"]: row["name"] for row in _csv("itu_regions.csv")}
COUNTRY_REGION = {row["iso3"]: row["itu_region"] for row in _csv("countries.csv")}
REGIONAL_REGION = {
    f"{r['code']}/{r['cycle']}": r["region"] for r in _csv("regional_initiatives.csv")
}
DTK_PAGE = "https://www.itu.int/en/ITU-D/Regional-Presence/Americas/Pages/ACTVTS/DTK/DTK-AMS.aspx"


def _objectives_of(item: dict) -> set[int]:
    return {item["objectives"]["primary"], *item["objectives"]["also"]}


def _in_region(item: dict, region: str) -> bool:
    return any(COUNTRY_REGION[c] == region for c in item["countries"]) or any(
        REGIONAL_REGION[k] == region for k in item["regional_initiatives"]
    )


def expected(*, objective: int | None = None, region: str | None = None, **facts: str) -> int:
    """How many initiatives of the reference file match, counted from the file itself."""
    return sum(
        (objective is None or objective in _objectives_of(item))
        and (region is None or _in_region(item, region))
        and all(item[fact] == value for fact, value in facts.items())
        for item in REFERENCE
    )


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """One store per backend with the reference and demo data, read only by these tests."""
    admin, schema = None, None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('initiative_views') / 'store.db'}"
    else:
        server = request.getfixturevalue("postgres_server")
        schema = f"t_{uuid.uuid4().hex[:12]}"
        admin = sa.create_engine(server)
        with admin.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        separator = "&" if "?" in server else "?"
        url = f"{server}{separator}options=-csearch_path%3D{schema}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    bootstrap.seed(engine, with_demo=True)
    yield engine
    engine.dispose()
    if admin is not None:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def session(store: Engine) -> Iterator[Session]:
    with db.session_scope(store) as session:
        yield session


def test_filters_chosen_by_code_are_named_in_words(session: Session) -> None:
    about = initiatives_view(session, filters=F(objective=["3"], region=["AMS"])).about
    assert about.filters == {"GDC objective": f"3. {OBJECTIVES[3]}", "ITU region": REGIONS["AMS"]}
    assert about.filters_text() == f"GDC objective: 3. {OBJECTIVES[3]}; ITU region: Americas"


def test_every_filter_is_named_in_words(session: Session) -> None:
    chosen = F(
        q="kit",
        objective=["2", "1"],
        regional=["AMS2/2023-2025"],
        status=["not stated"],
        lead=["ITU-D"],
        partner=["UNICEF"],
        country=["SLV"],
    )
    assert initiatives_view(session, filters=chosen).about.filters == {
        "Search": "“kit”",
        "GDC objective": f"2. {OBJECTIVES[2]}, 1. {OBJECTIVES[1]}",
        "Regional initiative": "AMS2 (2023-2025)",
        "Status": "not stated",
        "Lead sector": "ITU-D",
        "Partner": "UNICEF",
        "Country": "El Salvador",
    }


def test_no_filter_says_none(session: Session) -> None:
    about = initiatives_view(session).about
    assert about.filters == {} and about.filters_text() == "none"


@pytest.mark.parametrize(
    ("chosen", "count"),
    [
        ({}, expected()),
        ({"objective": ["3"]}, expected(objective=3)),
        ({"objective": ["2"], "region": ["AMS"]}, expected(objective=2, region="AMS")),
        ({"objective": ["3"], "region": ["AMS"]}, expected(objective=3, region="AMS")),
        (
            {"status": ["ongoing"], "lead": ["ITU-T"]},
            expected(status="ongoing", lead_sector="ITU-T"),
        ),
    ],
)
def test_the_table_counts_the_initiatives_of_the_reference_file(
    session: Session, chosen: dict[str, list[str]], count: int
) -> None:
    view = initiatives_view(session, filters=F(**chosen))
    assert len(view.data) == count == view.about.values
    assert [f.value for f in view.figures] == [str(count), str(len(REFERENCE))]
    assert view.summary == f"{count} of {len(REFERENCE)} initiatives"
    assert bool(view.problem) == (count == 0)


def test_each_row_carries_its_source_and_the_basis_of_its_facts(session: Session) -> None:
    rows = initiatives_view(session).data.set_index("slug")
    for item in REFERENCE:
        assert rows.loc[item["slug"], "source"] == item["source"]
    giga = rows.loc["giga", "basis"]
    assert "start_date: public information, https://giga.global" in giga
    assert "end_date: not stated in any source" in giga
    assert "lead_sector: editorial choice" in giga
    assert "status: C25/52, section 1, Objective 1" in giga


def test_the_table_names_the_documents_and_pages_its_initiatives_cite(session: Session) -> None:
    about = initiatives_view(session).about
    assert about.sources[0] == REFERENCE_SOURCE  # most initiatives cite C25/52
    dtk = next(i for i in REFERENCE if i["slug"] == "digital-transformation-kit")
    assert dtk["source"] in about.sources and DTK_PAGE in about.sources
    assert "https://giga.global" in about.sources
    assert about.as_of is not None and about.notice() is None  # facts are never demo


def test_a_filtered_table_names_only_what_its_initiatives_cite(session: Session) -> None:
    about = initiatives_view(session, filters=F(q="giga")).about
    assert about.sources == (REFERENCE_SOURCE, "https://giga.global")


def test_the_objectives_matrix_keeps_its_plain_call_and_takes_filters(session: Session) -> None:
    everything = objective_matrix_view(session)
    assert everything.title == "Initiatives and the five objectives"
    assert everything.about.filters == {}
    assert everything.data["slug"].nunique() == len(REFERENCE)
    assert everything.link == "/initiatives?view=matrix&lang=en"
    itu_t = objective_matrix_view(session, filters=F(lead=["ITU-T"]))
    assert itu_t.about.filters == {"Lead sector": "ITU-T"}
    assert itu_t.data["slug"].nunique() == expected(lead_sector="ITU-T")
    assert itu_t.chart is not None and itu_t.link == "/initiatives?lead=ITU-T&view=matrix&lang=en"


def test_the_map_names_what_the_objective_links_rest_on(session: Session) -> None:
    sources = objective_matrix_view(session, filters=F(q="transformation kit")).about.sources
    # the kit's objectives are an editorial choice: its own page is not their source
    dtk = next(i for i in REFERENCE if i["slug"] == "digital-transformation-kit")
    assert sources == (dtk["source"],)


def test_a_map_of_nothing_or_of_too_many_says_why_and_draws_nothing(session: Session) -> None:
    nothing = objective_matrix_view(session, filters=F(q="no initiative is called this"))
    assert nothing.chart is None and nothing.problem.startswith("No initiative matches")
    crowded = objective_matrix_view(session, row_limit=len(REFERENCE) - 1)
    assert crowded.chart is None
    assert crowded.problem.startswith(f"{len(REFERENCE)} initiatives are too many")


def test_the_regional_matrix_counts_the_initiatives_serving_each(session: Session) -> None:
    view = regional_matrix_view(session, filters=F(region=["AMS"]))
    serving = sum(bool(item["regional_initiatives"]) for item in REFERENCE)
    assert view.chart is not None and view.data["slug"].nunique() == serving
    assert view.about.filters == {"ITU region": REGIONS["AMS"]}
    assert DTK_PAGE in view.about.sources
    empty = regional_matrix_view(session, filters=F(lead=["ITU-T"]))
    assert empty.chart is None and "regional initiative" in empty.problem


def test_the_timeline_lists_the_initiatives_without_a_start_date(session: Session) -> None:
    view = timeline_view(session, today=TODAY)
    undated = sorted(i["name"] for i in REFERENCE if i["start_date"] is None)
    assert sorted(view.bullets) == undated
    assert len(view.data) == len(REFERENCE) - len(undated)
    assert view.chart is not None


def test_the_detail_of_giga_carries_its_facts_basis_and_demo_updates(session: Session) -> None:
    giga = next(i for i in REFERENCE if i["slug"] == "giga")
    detail = initiative_detail_view(session, slug="giga", today=TODAY)
    assert detail.name == giga["name"] and not detail.problem
    facts = {fact.label: fact for fact in detail.facts}
    assert facts["Status"].value == giga["status"]
    assert facts["Status"].basis.startswith("basis: C25/52")
    assert facts["Start"].value == f"{giga['start_date']:%d %b %Y}"
    assert detail.about.sources == (REFERENCE_SOURCE, "https://giga.global")
    assert detail.updates is not None and detail.updates.about.has_demo
    assert set(detail.updates.data["data"]) == {"demo"}
    assert detail.indicators is not None and len(detail.indicators.data)
    assert detail.indicators.data["source"].str.len().gt(0).all()


def test_an_unknown_initiative_says_so(session: Session) -> None:
    detail = initiative_detail_view(session, slug="no-such-thing", today=TODAY)
    assert detail.problem.startswith("There is no initiative “no-such-thing”")
