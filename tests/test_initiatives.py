"""The Initiatives page: its queries (on SQLite and PostgreSQL), its chart builders and
text, and the page itself opened from URLs."""

import csv
import io
import json
import re
import uuid
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
import yaml
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from gdc_tracker import bootstrap, db
from gdc_tracker.charts import initiatives as charts
from gdc_tracker.charts.base import status_scale
from gdc_tracker.models import (
    Indicator,
    IndicatorObjective,
    Initiative,
    InitiativeCountry,
    InitiativeObjective,
    InitiativePartner,
    InitiativeRegionalInitiative,
    Milestone,
    ProgressEntry,
    RegionalInitiative,
    ReviewState,
)
from gdc_tracker.queries import initiatives as queries
from gdc_tracker.queries.overview import objectives
from gdc_tracker.status import Thresholds
from gdc_tracker.views.reference import REFERENCE_SOURCE
from tests import apptest

F = queries.InitiativeFilters.build
TODAY = date(2026, 11, 23)
KIT = "digital-transformation-kit"

# Counts read from the reference file itself, not from the code under test.
REFERENCE = yaml.safe_load(
    (Path(__file__).resolve().parents[1] / "data" / "reference" / "initiatives.yaml").read_text(
        encoding="utf-8"
    )
)
ALL = len(REFERENCE)
ITU_T = sum(item["lead_sector"] == "ITU-T" for item in REFERENCE)
ONGOING_ITU_T = sum(i["lead_sector"] == "ITU-T" and i["status"] == "ongoing" for i in REFERENCE)
ONGOING = sum(item["status"] == "ongoing" for item in REFERENCE)
UNDATED = sum(item["start_date"] is None for item in REFERENCE)


def _objectives_of(item: dict) -> set[int]:
    return {item["objectives"]["primary"], *item["objectives"]["also"]}


ON_OBJECTIVE_5 = sum(5 in _objectives_of(item) for item in REFERENCE)
with (Path(__file__).resolve().parents[1] / "data" / "reference" / "objectives.csv").open(
    encoding="utf-8"
) as _file:
    OBJECTIVE_NAMES = {int(row["number"]): row["short_title"] for row in csv.DictReader(_file)}


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """One seeded store per backend for this module (seeding takes seconds); each test
    works inside a transaction that is rolled back, so what it adds never leaks."""
    admin, schema = None, None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('initiatives') / 'store.db'}"
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
    with store.connect() as connection:
        transaction = connection.begin()
        with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
            yield session
        transaction.rollback()


def slugs(session: Session, **chosen: object) -> list[str]:
    return list(queries.initiatives_table(session, filters=F(**chosen))["slug"])  # type: ignore[arg-type]


def add_initiative(
    session: Session,
    slug: str,
    *,
    name: str | None = None,
    objectives_: tuple[int, ...] = (),
    countries: tuple[str, ...] = (),
    regional: tuple[str, ...] = (),
    partners: tuple[str, ...] = (),
    **fields: object,
) -> Initiative:
    """A test initiative with its links; `regional` holds keys "CODE/CYCLE"."""
    initiative = Initiative(
        slug=slug, name=name or slug, lead_sector=fields.pop("lead_sector", "ITU-D"), **fields
    )
    session.add(initiative)
    session.flush()
    for i, number in enumerate(objectives_):
        session.add(
            InitiativeObjective(
                initiative_id=initiative.id, objective_number=number, is_primary=i == 0
            )
        )
    for code in countries:
        session.add(InitiativeCountry(initiative_id=initiative.id, geo_code=code))
    for key in regional:
        code, cycle = key.split("/")
        found = session.exec(
            select(RegionalInitiative).where(
                RegionalInitiative.code == code, RegionalInitiative.cycle == cycle
            )
        ).one()
        session.add(
            InitiativeRegionalInitiative(
                initiative_id=initiative.id, regional_initiative_id=found.id
            )
        )
    for partner in partners:
        session.add(InitiativePartner(initiative_id=initiative.id, partner=partner))
    session.flush()
    return initiative


# Queries: the table


def test_the_table_has_one_row_per_initiative_with_its_lists_joined(session: Session) -> None:
    table = queries.initiatives_table(session)
    total = session.exec(select(sa.func.count()).select_from(Initiative)).one()
    assert list(table.columns) == queries.TABLE_COLUMNS
    assert len(table) == total == ALL == 44
    assert table["slug"].is_unique
    academy = table.set_index("slug").loc["itu-academy"]
    assert academy["objectives"] == "1, 2"
    assert academy["primary_objective"] == 1
    kit = table.set_index("slug").loc[KIT]
    assert kit["regional_initiatives"] == "AMS2/2023-2025, AMS3/2023-2025"
    assert kit["partners"] == (
        "Economic Transformation Group of the United Nations System in El Salvador, UN Women"
    )
    assert kit["countries"] == 1
    assert table.set_index("slug").loc["giga", "last_update"] is not pd.NaT


def test_an_initiative_with_many_links_is_still_one_row(session: Session) -> None:
    add_initiative(
        session,
        "many-links",
        objectives_=(3, 1, 5),
        countries=("SLV", "BRA", "KEN"),
        regional=("AMS1/2023-2025", "AMS4/2023-2025"),
        partners=("Zeta", "alpha", "Beta"),
    )
    table = queries.initiatives_table(session).set_index("slug")
    assert len(table) == ALL + 1
    row = table.loc["many-links"]
    assert row["objectives"] == "1, 3, 5"
    assert row["primary_objective"] == 3
    assert row["partners"] == "alpha, Beta, Zeta"
    assert row["regional_initiatives"] == "AMS1/2023-2025, AMS4/2023-2025"
    assert row["countries"] == 3


def test_search_matches_name_summary_and_partner_case_insensitively(session: Session) -> None:
    assert slugs(session, q="giga") == ["giga"]
    assert slugs(session, q="GIGA") == ["giga"]
    assert slugs(session, q="unicef") == ["giga"]  # a partner
    assert "giga" in slugs(session, q="every school")  # the summary
    assert slugs(session, q="  giga  ") == ["giga"]


def test_search_treats_percent_and_underscore_as_plain_characters(session: Session) -> None:
    add_initiative(session, "percent", name="Reach 100% of schools")
    add_initiative(session, "underscore", name="Project snake_case")
    add_initiative(session, "backslash", name=r"Path C:\temp")
    assert slugs(session, q="%") == ["percent"]
    assert slugs(session, q="100%") == ["percent"]
    assert slugs(session, q="_") == ["underscore"]
    assert slugs(session, q="e_c") == ["underscore"]
    assert slugs(session, q="0% of") == ["percent"]
    assert slugs(session, q="\\") == ["backslash"]
    for text in ("/", "C:\\", "-t"):  # "/" is the escape character SQLAlchemy uses
        assert sorted(slugs(session, q=text)) == matching_by_hand(session, text)


def matching_by_hand(session: Session, text: str) -> list[str]:
    """The slugs whose name, summary or a partner contain `text`, found in Python."""
    partners = session.exec(
        select(Initiative.slug, InitiativePartner.partner).join(
            InitiativePartner, InitiativePartner.initiative_id == Initiative.id
        )
    ).all()
    found = {
        i.slug
        for i in session.exec(select(Initiative)).all()
        if text.casefold() in (i.name + " " + i.summary).casefold()
    }
    found |= {slug for slug, partner in partners if text.casefold() in partner.casefold()}
    return sorted(found)


def test_objective_filter_keeps_initiatives_linked_to_any_chosen_objective(
    session: Session,
) -> None:
    linked = session.exec(
        select(Initiative.slug)
        .join(InitiativeObjective, InitiativeObjective.initiative_id == Initiative.id)
        .where(InitiativeObjective.objective_number == 5)
    ).all()
    assert sorted(slugs(session, objective=["5"])) == sorted(linked)
    both = set(slugs(session, objective=["4", "5"]))
    assert both == set(linked) | set(slugs(session, objective=["4"]))
    assert slugs(session, objective=["x", "5"]) == slugs(session, objective=["5"])


def test_region_filter_follows_countries_and_regional_initiatives(session: Session) -> None:
    add_initiative(session, "acts-in-kenya", countries=("KEN",))
    add_initiative(session, "under-ams4", regional=("AMS4/2023-2025",))
    assert slugs(session, region=["AFR"]) == ["acts-in-kenya"]
    assert sorted(slugs(session, region=["AMS"])) == sorted([KIT, "under-ams4"])
    assert len(slugs(session, region=["AMS", "AFR"])) == 3
    assert slugs(session, region=["EUR"]) == []


def test_regional_status_lead_partner_and_country_filters(session: Session) -> None:
    add_initiative(session, "paused-one", status="paused", lead_sector="ITU-R")
    assert slugs(session, regional=["AMS2/2023-2025"]) == [KIT]
    assert slugs(session, regional=["AMS1/2023-2025"]) == []
    assert slugs(session, regional=["not-a-key"]) == []
    assert slugs(session, status=["paused"]) == ["paused-one"]
    assert len(slugs(session, status=["ongoing", "paused"])) == ONGOING + 1
    lead = session.exec(
        select(sa.func.count()).select_from(Initiative).where(Initiative.lead_sector == "ITU-T")
    ).one()
    assert len(slugs(session, lead=["ITU-T"])) == lead == ITU_T
    assert slugs(session, partner=["UNICEF"]) == ["giga"]
    assert sorted(slugs(session, partner=["UN Women"])) == sorted(["equals", KIT])
    assert slugs(session, country=["SLV"]) == [KIT]


def test_filters_combine_so_that_every_one_applies(session: Session) -> None:
    ongoing_itu_t = slugs(session, status=["ongoing"], lead=["ITU-T"])
    assert len(ongoing_itu_t) == ONGOING_ITU_T
    assert slugs(session, status=["paused"], lead=["ITU-T"]) == []
    ai = set(slugs(session, objective=["5"], lead=["ITU-T"], status=["ongoing"]))
    assert ai == set(slugs(session, objective=["5"])) & set(ongoing_itu_t)
    assert slugs(session, q="giga", objective=["1"], partner=["UNICEF"]) == ["giga"]
    assert slugs(session, q="giga", objective=["5"]) == []
    empty = queries.initiatives_table(session, filters=F(q="nothing matches this"))
    assert empty.empty and list(empty.columns) == queries.TABLE_COLUMNS


def test_filter_options_offer_every_filter(session: Session) -> None:
    options = queries.options_by_param(queries.filter_options(session))
    assert set(options) == set(queries.FILTER_PARAMS)
    assert options["objective"]["1"] == "1. Digital divides"
    assert options["regional"]["AMS2/2023-2025"] == "AMS2 (2023-2025)"
    assert list(options["status"]) == ["planned", "ongoing", "completed", "paused", "not stated"]
    assert "UNICEF" in options["partner"]
    assert options["country"] == {"SLV": "El Salvador"}
    assert {"AFR", "AMS", "ARB", "ASP", "CIS", "EUR"} <= set(options["region"])


def test_facts_count_every_initiative_and_the_demo_updates(session: Session) -> None:
    facts = queries.initiative_facts(session)
    assert facts["total"] == ALL
    assert facts["demo_updates"] > 0
    assert facts["as_of"] is not None


# Queries: one initiative in detail


def detail(session: Session, slug: str) -> dict[str, pd.DataFrame]:
    return queries.initiative_detail(session, slug=slug, today=TODAY, thresholds=Thresholds())


def test_detail_of_giga_has_its_partner_link_objective_and_updates(session: Session) -> None:
    parts = detail(session, "giga")
    assert parts["profile"]["name"].tolist() == ["Giga"]
    assert parts["partners"]["partner"].tolist() == ["UNICEF"]
    assert parts["links"]["url"].tolist() == ["https://giga.global"]
    assert parts["objectives"][["number", "is_primary"]].values.tolist() == [[1, True]]
    assert len(parts["updates"]) >= 2 and parts["updates"]["is_demo"].all()
    assert parts["updates"]["period_end"].is_monotonic_decreasing


def test_detail_carries_the_basis_of_every_fact_as_the_reference_file_gives_it(
    session: Session,
) -> None:
    giga = next(item for item in REFERENCE if item["slug"] == "giga")
    basis = detail(session, "giga")["basis"].set_index("fact")
    assert set(basis.index) == set(giga["basis"])
    assert basis.loc["status", "basis"] == "C25/52"
    assert basis.loc["status", "section"] == giga["basis"]["status"]["section"]
    assert basis.loc["start_date", "url"] == "https://giga.global"
    assert basis.loc["end_date", "basis"] == "not stated"
    assert basis.loc["lead_sector", "basis"] == "editorial"


def test_basis_captions_name_the_section_link_the_page_and_keep_the_note() -> None:
    basis = pd.DataFrame(
        {
            "fact": ["status", "start_date", "lead_sector", "end_date"],
            "basis": ["C25/52", "public", "editorial", "not stated"],
            "section": ["section 2.1", None, None, None],
            "url": [None, "https://example.org/x", None, None],
            "note": [None, "Year-level: *2016*.", "ITU-D is an assumption.", None],
        }
    )
    captions = charts.fact_captions(basis)
    assert captions["status"] == "basis: C25/52, section 2\\.1"
    assert captions["start_date"].startswith(
        "basis: public information, [source](https://example.org/x)"
    )
    assert captions["start_date"].endswith(" · Year\\-level\\: \\*2016\\*\\.")
    assert captions["lead_sector"].startswith("basis: editorial choice · ")
    assert captions["end_date"] == "basis: not stated in any source"
    assert charts.caption_of(captions, "countries") == "basis not recorded"


def test_detail_of_an_unknown_slug_is_empty_in_every_part(session: Session) -> None:
    parts = detail(session, "no-such-initiative")
    assert all(frame.empty for frame in parts.values())
    assert "name" in parts["profile"].columns


def test_detail_shows_only_published_updates(session: Session) -> None:
    giga = session.exec(select(Initiative).where(Initiative.slug == "giga")).one()
    before = len(detail(session, "giga")["updates"])
    session.add(
        ProgressEntry(
            initiative_id=giga.id,
            period="2026-Q1",
            year=2026,
            period_end=date(2026, 3, 31),
            narrative="A draft nobody reviewed",
            review_state=ReviewState.DRAFT,
        )
    )
    session.flush()
    updates = detail(session, "giga")["updates"]
    assert len(updates) == before
    assert "A draft nobody reviewed" not in updates["narrative"].tolist()


def test_milestones_are_done_due_or_slipped(session: Session) -> None:
    initiative = add_initiative(session, "with-milestones", objectives_=(2,))
    for title, due, done in [
        ("Late", TODAY - timedelta(days=1), False),
        ("Ahead", TODAY + timedelta(days=30), False),
        ("Finished", TODAY - timedelta(days=90), True),
        ("Undated", None, False),
    ]:
        session.add(Milestone(initiative_id=initiative.id, title=title, due_date=due, done=done))
    session.flush()
    states = detail(session, "with-milestones")["milestones"].set_index("title")["state"]
    assert states.to_dict() == {
        "Late": "slipped",
        "Ahead": "due",
        "Finished": "done",
        "Undated": "due",
    }
    listed = queries.milestones(session, filters=F(q="with-milestones"), today=TODAY)
    assert sorted(listed["title"]) == ["Ahead", "Finished", "Late", "Undated"]


def test_linked_indicators_share_an_objective_and_carry_a_status(session: Session) -> None:
    linked = detail(session, "giga")["indicators"]
    under_1 = session.exec(
        select(Indicator.code)
        .join(IndicatorObjective, IndicatorObjective.indicator_id == Indicator.id)
        .where(IndicatorObjective.objective_number == 1, Indicator.is_active)
    ).all()
    assert sorted(linked["code"]) == sorted(under_1)
    assert list(linked.columns) == queries.INDICATOR_COLUMNS
    assert linked["status"].notna().all()
    assert linked["objectives"].str.contains("1").all()
    assert linked["is_demo"].any()


# Queries: the map


def test_objective_links_honour_the_filters_and_mark_the_primary(session: Session) -> None:
    links = queries.objective_links(session)
    assert (
        len(links) == session.exec(select(sa.func.count()).select_from(InitiativeObjective)).one()
    )
    assert links.groupby("slug")["is_primary"].sum().eq(1).all()
    only_5 = queries.objective_links(session, filters=F(objective=["5"]))
    assert set(only_5["slug"]) == set(slugs(session, objective=["5"]))
    kit = queries.objective_links(session, filters=F(country=["SLV"]))
    assert kit[["objective_number", "is_primary"]].values.tolist() == [[1, False], [2, True]]


def test_regional_links_honour_the_filters(session: Session) -> None:
    links = queries.regional_links(session)
    assert links["regional_key"].tolist() == ["AMS2/2023-2025", "AMS3/2023-2025"]
    assert queries.regional_links(session, filters=F(lead=["ITU-T"])).empty


# Charts


@pytest.fixture
def seeded_links(session: Session) -> tuple[pd.DataFrame, pd.DataFrame]:
    return queries.objective_links(session), objectives(session)


def test_objective_matrix_marks_primary_links_apart_on_every_objective(
    seeded_links: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    links, reference = seeded_links
    spec = charts.objective_matrix(links, reference).to_dict()
    totals, matrix = spec["vconcat"]
    assert matrix["mark"]["type"] == "point"
    encoding = matrix["encoding"]
    assert encoding["x"]["field"] == "objective_label" and encoding["x"]["type"] == "nominal"
    assert encoding["y"]["field"] == "name" and encoding["y"]["type"] == "nominal"
    assert encoding["x"]["scale"]["domain"] == [
        "1. Digital divides",
        "2. Digital economy",
        "3. Safe digital space",
        "4. Data governance",
        "5. AI governance",
    ]
    for channel in ("shape", "fill"):
        assert encoding[channel]["field"] == "link"
        assert encoding[channel]["scale"]["domain"] == ["primary", "secondary"]
    assert encoding["shape"]["scale"]["range"] == ["square", "circle"]
    bars, labels = totals["layer"]
    assert bars["mark"]["type"] == "bar" and bars["encoding"]["y"]["type"] == "quantitative"
    assert labels["mark"]["type"] == "text"


def test_objective_totals_count_every_objective_even_without_actions() -> None:
    links = pd.DataFrame(
        {
            "slug": ["a", "a", "b"],
            "name": ["A", "A", "B"],
            "objective_number": [1, 3, 1],
            "is_primary": [True, False, True],
        }
    )
    reference = pd.DataFrame({"number": [1, 2, 3], "short_title": ["One", "Two", "Three"]})
    totals = charts.objective_totals(links, reference)
    assert totals[["objective_number", "primary", "secondary", "total"]].values.tolist() == [
        [1, 2, 0, 2],
        [2, 0, 0, 0],
        [3, 0, 1, 1],
    ]
    assert charts.objective_summary(links, reference).startswith(
        "Objective 1 has the most actions (2), objective 2 the fewest (0)"
    )


def test_objective_summary_names_where_actions_concentrate(
    seeded_links: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    links, reference = seeded_links
    totals = charts.objective_totals(links, reference).set_index("objective_number")["total"]
    summary = charts.objective_summary(links, reference)
    top = int(totals.idxmax())
    assert summary.startswith(f"Objective {top} has the most actions ({totals.max()})")
    assert f"the fewest ({totals.min()})" in summary
    assert charts.objective_summary(links.iloc[0:0], reference).startswith("No initiative")


def test_regional_matrix_gives_every_regional_initiative_a_column(session: Session) -> None:
    links = queries.regional_links(session)
    keys = [f"AMS{n}/2023-2025" for n in range(1, 5)]
    spec = charts.regional_matrix(links, keys).to_dict()
    assert spec["mark"]["type"] == "square"
    assert spec["encoding"]["x"]["scale"]["domain"] == keys
    assert spec["encoding"]["x"]["type"] == "nominal"
    assert spec["encoding"]["y"]["type"] == "nominal"
    summary = charts.regional_summary(links, keys)
    assert summary.startswith("AMS2/2023-2025: 1 initiative; AMS3/2023-2025: 1 initiative")
    assert "none under AMS1/2023-2025, AMS4/2023-2025" in summary


def test_timeline_draws_dated_initiatives_as_bars_and_milestones_as_points(
    session: Session,
) -> None:
    rows = queries.initiatives_table(session)
    milestones = queries.milestones(session, today=TODAY)
    bars, points, undated = charts.timeline_frames(rows, milestones, TODAY)
    assert len(bars) + len(undated) == len(rows)
    assert len(bars) == rows["start_date"].notna().sum() == 12
    assert (bars.loc[bars["end_known"] == "open (to today)", "end"] == pd.Timestamp(TODAY)).all()
    assert len(points) == 6
    spec = charts.timeline(bars, points, TODAY).to_dict()
    spans, marks, today = spec["layer"]
    assert spans["mark"]["type"] == "bar"
    assert spans["encoding"]["x"]["type"] == "temporal"
    assert spans["encoding"]["x2"]["field"] == "end"
    assert spans["encoding"]["color"]["scale"] == status_scale("initiative").to_dict()
    assert marks["mark"]["type"] == "point"
    assert marks["encoding"]["shape"]["field"] == "state"
    assert today["mark"]["type"] == "rule"
    summary = charts.timeline_summary(bars, points, undated)
    assert summary == (
        "12 initiatives have a start date, from 2001 to 2024 (12 with no end date); "
        "6 dated milestones (6 done, 0 due, 0 slipped); "
        f"{UNDATED} initiatives have no start date recorded."
    )
    assert UNDATED == 32  # 44 initiatives, 12 with a start date


def test_escaped_markdown_shows_text_as_written() -> None:
    text = "*bold* _it_ [link](javascript:alert(1)) <b>x</b> $x$ :red[no] # h"
    escaped = charts.escape_markdown(text)
    assert re.search(r"(?<!\\)[*_\[\]()<>$#:`]", escaped) is None  # all escaped
    assert escaped.replace("\\", "") == text
    assert charts.escape_markdown(None) == ""


def test_detail_links_show_their_address_and_only_link_web_addresses() -> None:
    empty = pd.DataFrame
    parts = {
        "objectives": pd.DataFrame(
            {"number": [2, 1], "short_title": ["Economy", "Divides"], "is_primary": [True, False]}
        ),
        "regional": empty(columns=["regional_key", "title"]),
        "countries": pd.DataFrame({"name": ["El Salvador"]}),
        "partners": pd.DataFrame({"partner": ["UN *Women*"]}),
        "links": pd.DataFrame(
            {
                "label": ["Site", "Bad"],
                "url": ["https://example.org/a_(b)", "javascript:alert(1)"],
            }
        ),
    }
    text = charts.detail_markdown(parts)
    assert text["objectives"].splitlines()[0] == "- 2\\. Economy · **primary** ★"
    assert "primary" not in text["objectives"].splitlines()[1]
    assert text["partners"] == "- UN \\*Women\\*"
    assert "[Site](https://example.org/a_%28b%29) `https://example.org/a_(b)`" in text["links"]
    assert "](javascript" not in text["links"]
    assert text["regional"] == "None"
    assert text["countries"] == "El Salvador"


# The page


@pytest.fixture(autouse=True)
def app_store(seeded_app: str) -> str:
    return seeded_app


def open_page(**query: str | list[str]) -> AppTest:
    return apptest.open_page("pages/initiatives.py", **query)


def count_line(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.endswith("initiatives"))


def test_page_lists_all_initiatives_with_a_count() -> None:
    at = open_page()
    assert at.title[0].value == "Initiatives"
    assert count_line(at) == f"**{ALL}** of {ALL} initiatives"
    assert len(at.dataframe[0].value) == ALL


def test_page_search_from_the_url() -> None:
    at = open_page(q="giga")
    assert count_line(at) == f"**1** of {ALL} initiatives"
    assert at.dataframe[0].value["name"].tolist() == ["Giga"]
    assert at.text_input(key="url__q").value == "giga"


def test_page_objective_filter_from_the_url() -> None:
    at = open_page(objective="5")
    table = at.dataframe[0].value
    assert count_line(at) == f"**{ON_OBJECTIVE_5}** of {ALL} initiatives"
    assert table["objectives"].str.split(", ").map(lambda o: "5" in o).all()


def test_page_status_and_lead_filters_from_the_url() -> None:
    at = open_page(status="ongoing", lead="ITU-T")
    table = at.dataframe[0].value
    assert len(table) == ONGOING_ITU_T
    assert set(table["lead_sector"]) == {"ITU-T"} and set(table["status"]) == {"ongoing"}


def test_page_opens_the_detail_of_giga_with_its_partners() -> None:
    at = open_page(initiative="giga")
    assert at.header[0].value == "Giga"
    partners = next(m.value for m in at.markdown if m.value.startswith("**Partners**"))
    assert "UNICEF" in partners
    links = next(m.value for m in at.markdown if m.value.startswith("**Links**"))
    assert "[Giga](https://giga.global) `https://giga.global`" in links
    assert {"period", "narrative", "data"} <= set(at.dataframe[0].value.columns)
    assert (at.dataframe[0].value["data"] == "demo").all()
    assert any("Demo data" in c.value for c in at.caption)


def test_page_shows_each_fact_with_its_basis_and_the_notes() -> None:
    at = open_page(initiative="early-warnings-for-all")
    statuses = {m.label: m.value for m in at.metric}
    assert statuses["Status"] == "not stated"
    captions = [c.value for c in at.caption]
    assert any(
        c.startswith("basis: not stated in any source · C25/52 \\(section 2\\.2\\)")
        for c in captions
    )
    assert any(
        c.startswith("basis: public information, [source](https://www.un.org/en/climatechange/")
        and "Year\\-level" in c
        for c in captions
    )
    assert any(c.startswith("basis: editorial choice · ") for c in captions)


def test_page_shows_the_general_note_of_an_initiative() -> None:
    at = open_page(initiative="working-group-digital-technologies")
    assert any(m.value.startswith("**Note:** The GDC Implementation Map") for m in at.markdown)
    assert any(c.value.startswith("basis: C25/52, section 2\\.1") for c in at.caption)


def test_choosing_an_initiative_opens_it_and_puts_it_in_the_url() -> None:
    at = open_page()
    at.selectbox(key="url__initiative").set_value("equals").run()
    assert not at.exception
    assert at.query_params["initiative"] in ("equals", ["equals"])
    assert at.header[0].value == "EQUALS Global Partnership"


def test_page_with_an_unknown_slug_says_so_and_shows_the_table() -> None:
    at = open_page(initiative="no-such-thing")
    assert "“no-such-thing”" in at.warning[0].value.replace("\\", "")  # shown as text
    assert count_line(at) == f"**{ALL}** of {ALL} initiatives"


def test_page_matrix_view_shows_both_matrices_and_the_summary() -> None:
    at = open_page(view="matrix")
    specs = [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]
    assert len(specs) == 2
    assert "vconcat" in specs[0]
    assert any(c.value.startswith("Objective 1 has the most actions") for c in at.caption)


def test_a_link_to_the_old_map_view_opens_the_objectives_matrix() -> None:
    at = open_page(view="map")
    assert at.query_params["view"] in ("matrix", ["matrix"])
    assert at.selectbox(key="url__view").value == "matrix"
    assert len(at.get("vega_lite_chart")) == 2


def test_page_matrix_view_honours_the_filters() -> None:
    at = open_page(view="matrix", lead="ITU-T")
    specs = [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]
    assert len(specs) == 1  # no ITU-T initiative serves a regional initiative
    summary = next(c.value for c in at.caption if c.value.startswith("Objective "))
    assert f"; {ITU_T} initiatives," in summary
    assert any("regional initiative" in i.value for i in at.info)


def test_page_timeline_view_draws_and_lists_the_undated() -> None:
    at = open_page(view="timeline")
    assert len(at.get("vega_lite_chart")) == 1
    assert any(m.value.startswith(f"**No start date recorded ({UNDATED}):**") for m in at.markdown)


def test_page_shows_a_slug_from_the_url_as_text_only() -> None:
    at = open_page(initiative="[click](https://evil.example) <b>x</b>")
    warning = at.warning[0].value
    assert "[click](" not in warning and "<b>" not in warning
    assert count_line(at) == f"**{ALL}** of {ALL} initiatives"


def test_page_ignores_unknown_codes_in_the_url() -> None:
    at = open_page(objective="9", status="bogus", view="nowhere", region="XYZ")
    assert count_line(at) == f"**{ALL}** of {ALL} initiatives"


def test_page_shows_an_empty_state_when_nothing_matches() -> None:
    at = open_page(q="no initiative is called this", view="matrix")
    assert any("No initiative matches" in i.value for i in at.info)
    assert not at.get("vega_lite_chart")


# The page's files: the title and the filters in words, the documents the initiatives cite


def preamble(data: bytes) -> dict[str, str]:
    return dict(pd.read_csv(io.BytesIO(data), nrows=5, header=None).values.tolist())


def test_the_table_csv_starts_with_its_title_and_the_filters_in_words(
    offered: dict[str, Callable[[], bytes]],
) -> None:
    open_page(objective="5", lead="ITU-T")
    data = offered["initiatives.csv"]()
    lines = preamble(data)
    assert lines["Title"] == "Initiatives"
    assert lines["Filters"] == f"GDC objective: 5. {OBJECTIVE_NAMES[5]}; Lead sector: ITU-T"
    assert lines["Sources"].startswith(REFERENCE_SOURCE)
    table = pd.read_csv(io.BytesIO(data), skiprows=6)
    wanted = [i for i in REFERENCE if 5 in _objectives_of(i) and i["lead_sector"] == "ITU-T"]
    assert sorted(table["slug"]) == sorted(i["slug"] for i in wanted)
    assert dict(zip(table["slug"], table["source"], strict=True)) == {
        i["slug"]: i["source"] for i in wanted
    }
    assert table["basis"].str.contains("status: ").all()


def test_the_map_image_and_data_name_the_filters_in_words(
    offered: dict[str, Callable[[], bytes]],
) -> None:
    open_page(view="matrix", objective="3")
    lines = preamble(offered["initiatives_by_objective.csv"]())
    assert lines["Title"] == "Initiatives and the five objectives"
    assert lines["Filters"] == f"GDC objective: 3. {OBJECTIVE_NAMES[3]}"
    svg = offered["initiatives_by_objective.svg"]().decode("utf-8")
    assert f"Filters: GDC objective: 3. {OBJECTIVE_NAMES[3]}" in svg
    assert "Filters: objective: 3" not in svg  # the URL's code, as before


def test_the_updates_csv_of_giga_marks_each_demo_update_as_demo(
    offered: dict[str, Callable[[], bytes]],
) -> None:
    open_page(initiative="giga")
    data = offered["updates.csv"]()
    lines = preamble(data)
    assert lines["Title"] == "Latest updates · Giga"
    assert lines["Notice"].startswith("Demo data, not official statistics")
    table = pd.read_csv(io.BytesIO(data), skiprows=6)
    assert len(table) and set(table["real_or_demo"]) == {"demo"}
    assert set(table["source"]) == {"demo data, not official statistics"}
