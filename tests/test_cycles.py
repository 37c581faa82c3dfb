"""Reporting cycles without Streamlit: the completeness board, the current cycle, and the
admins' writes (checks naming the field, stale edits, audit, nothing written on error),
on a store of the test's own (SQLite and PostgreSQL).

The cycle "2026 spring" runs from 1 January to 30 April 2026, updates due 31 March.
Alpha published an update in February (updated); Bravo submitted one in March
(submitted); Charlie has none (overdue once 31 March has passed); Delta published one
in December 2025, before the cycle (it does not count); Echo has a draft and a rejected
update in the window (neither counts); Foxtrot published one in April, after the due
date; Golf published one in February and submitted a newer one in March (updated, its
newest update submitted).
"""

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from gdc_tracker import cycles, db
from gdc_tracker.auth import Identity
from gdc_tracker.errors import NotAllowed, StaleEdit
from gdc_tracker.models import (
    AuditRecord,
    DataVersion,
    Geography,
    Initiative,
    ProgressEntry,
    ReportingCycle,
)
from gdc_tracker.views.cycles import update_cycle_view
from tests.factories import make_user

SPRING = {
    "name": "2026 spring",
    "starts_on": "2026-01-01",
    "ends_on": "2026-04-30",
    "due_on": "2026-03-31",
    "council_session": "Council 2026",
    "basis": "public",
    "source": "https://council.itu.int/2026/en/key-dates/",
}
AFTER_DUE = date(2026, 4, 15)
BEFORE_DUE = date(2026, 3, 1)
INITIATIVES = {  # slug: (lead sector, focal point)
    "alpha": ("ITU-D", "BDT Digital Networks"),
    "bravo": ("ITU-T", None),
    "charlie": ("ITU-D", "BDT Digital Networks"),
    "delta": ("ITU-R", None),
    "echo": ("ITU-T", None),
    "foxtrot": ("General Secretariat", None),
    "golf": ("ITU-D", None),
}


def _update(session: Session, slug: str, day: date, state: str, *, is_demo: bool = False) -> None:
    initiative = session.exec(select(Initiative).where(Initiative.slug == slug)).one()
    at = datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)
    session.add(
        ProgressEntry(
            initiative_id=initiative.id,
            period=f"{day.year}-Q1",
            year=day.year,
            period_end=date(day.year, 3, 31),
            status="ongoing",
            narrative="What happened.",
            review_state=state,
            is_demo=is_demo,
            created_at=at,
            updated_at=at,
        )
    )


@pytest.fixture
def admin(engine: Engine) -> Identity:
    return make_user(engine, "admin.one", "admin")


@pytest.fixture
def store(engine: Engine, admin: Identity) -> Engine:
    with db.session_scope(engine) as session:
        session.add(Geography(code="WLD", kind="world", name="World"))
        for slug, (sector, focal) in INITIATIVES.items():
            session.add(
                Initiative(slug=slug, name=slug.title(), lead_sector=sector, focal_point=focal)
            )
        session.flush()
        _update(session, "alpha", date(2026, 2, 10), "published", is_demo=True)
        _update(session, "bravo", date(2026, 3, 20), "submitted")
        _update(session, "delta", date(2025, 12, 20), "published")
        _update(session, "echo", date(2026, 2, 1), "draft")
        _update(session, "echo", date(2026, 2, 2), "rejected")
        _update(session, "foxtrot", date(2026, 4, 2), "published")
        _update(session, "golf", date(2026, 2, 12), "published")
        _update(session, "golf", date(2026, 3, 25), "submitted")
    with db.write_scope(engine) as session:
        cycles.add_cycle(session, SPRING, admin)
    return engine


@pytest.fixture
def session(store: Engine) -> Iterator[Session]:
    with db.session_scope(store) as session:
        yield session


# The board


def test_the_board_says_who_reported_in_the_cycle(session: Session) -> None:
    board = cycles.cycle_board(session, "2026 spring", AFTER_DUE).set_index("slug")
    assert board["state"].to_dict() == {
        "alpha": "updated",
        "bravo": "submitted",
        "charlie": "overdue",
        "delta": "overdue",  # its update came before the cycle started
        "echo": "overdue",  # a draft and a rejected update are not updates
        "foxtrot": "overdue",  # published after the due date
        "golf": "updated",
    }
    assert board.loc["alpha", "last_update"] == date(2026, 2, 10)
    assert board.loc["alpha", "review_state"] == "published"
    assert board.loc["charlie", "review_state"] == "none"
    assert board.loc["charlie", "last_update"] is None
    # Golf's newest update is the submitted one; its published one makes it updated.
    assert board.loc["golf", "last_update"] == date(2026, 3, 25)
    assert board.loc["golf", "review_state"] == "submitted"


def test_the_board_lists_overdue_first_then_submitted_then_updated(session: Session) -> None:
    board = cycles.cycle_board(session, "2026 spring", AFTER_DUE)
    assert list(board["slug"]) == [
        "charlie",
        "delta",
        "echo",
        "foxtrot",
        "bravo",
        "alpha",
        "golf",
    ]


def test_before_the_due_date_an_initiative_without_update_is_due(session: Session) -> None:
    board = cycles.cycle_board(session, "2026 spring", BEFORE_DUE).set_index("slug")
    assert board.loc["charlie", "state"] == "due"
    assert board.loc["delta", "state"] == "due"
    assert board.loc["alpha", "state"] == "updated"


def test_the_board_names_who_answers_and_says_not_stated(session: Session) -> None:
    board = cycles.cycle_board(session, "2026 spring", AFTER_DUE).set_index("slug")
    assert board.loc["alpha", "focal_point"] == "BDT Digital Networks"
    assert board.loc["bravo", "focal_point"] == "not stated"
    assert board.loc["foxtrot", "lead_sector"] == "General Secretariat"


def test_the_view_counts_by_state_sector_and_focal_point(session: Session) -> None:
    view = update_cycle_view(session, cycle="2026 spring", today=AFTER_DUE)
    assert [(f.value, f.label) for f in view.figures] == [
        ("2", "initiatives updated (published)"),
        ("1", "submitted, awaiting review"),
        ("4", "overdue (due 31 March 2026)"),
    ]
    listed = view.sections[0]
    assert listed.heading == "Initiatives, overdue first"
    assert list(listed.data["State"])[:4] == ["overdue"] * 4  # the four overdue come first
    assert list(listed.data["Initiative"]) == list(view.data["Initiative"])
    sectors = view.sections[1].data.set_index("Lead sector")
    # ITU-D: Alpha and Golf updated, Charlie overdue.
    assert sectors.loc["ITU-D", ["Overdue", "Updated", "Initiatives"]].tolist() == [1, 2, 3]
    assert sectors.loc["ITU-T", ["Overdue", "Submitted, awaiting review"]].tolist() == [1, 1]
    focal = view.sections[2].data.set_index("Focal point")
    assert focal.loc["BDT Digital Networks", ["Overdue", "Updated"]].tolist() == [1, 1]
    assert focal.loc["not stated", "Initiatives"] == 5
    assert "State" in view.data.columns and "Focal point" in view.data.columns
    assert view.data.set_index("Initiative").loc["Alpha", "Real or demo"] == "demo"


def test_the_view_carries_its_cycle_sources_date_and_demo_notice(session: Session) -> None:
    view = update_cycle_view(session, cycle="2026 spring", today=AFTER_DUE)
    about = view.about
    assert about.title == "Reporting cycle 2026 spring · updates due 31 March 2026"
    assert about.filters["Reporting cycle"] == "2026 spring"
    assert "1 January 2026 to 31 March 2026" in about.filters["Updates counted"]
    assert any("C25/52" in source for source in about.sources)
    assert any(SPRING["source"] in source for source in about.sources)
    # The newest update counted is Golf's of 25 March (Foxtrot's of 2 April is too late).
    assert about.as_of == datetime(2026, 3, 25, 10, 0, tzinfo=UTC)
    assert about.demo_values == 1 and about.notice() is not None
    assert view.link == "/implementation?view=cycle&cycle=2026+spring&lang=en"


def test_the_chart_stacks_the_states_by_lead_sector(session: Session) -> None:
    chart = update_cycle_view(session, cycle="2026 spring", today=AFTER_DUE).chart
    assert chart is not None and chart["mark"]["type"] == "bar"
    assert chart["encoding"]["y"]["field"] == "lead_sector"
    assert chart["encoding"]["x"]["stack"] == "zero"
    assert "legend" in chart["encoding"]["color"]
    rows = next(iter(chart["datasets"].values()))
    itu_d = {r["state"]: r["count"] for r in rows if r["lead_sector"] == "ITU-D"}
    assert itu_d == {"overdue": 1, "updated": 2}


def test_with_no_cycle_stored_the_view_says_an_admin_adds_one(engine: Engine) -> None:
    with db.session_scope(engine) as session:
        view = update_cycle_view(session, today=AFTER_DUE)
    assert view.problem == "No reporting cycle is stored: an admin adds one on the Admin page."
    assert view.chart is None


# The current cycle


def _add(store: Engine, admin: Identity, **fields: str) -> None:
    with db.write_scope(store) as session:
        cycles.add_cycle(session, {**SPRING, **fields}, admin)


def test_the_current_cycle_is_the_one_under_way_else_the_latest_started(
    store: Engine, session: Session, admin: Identity
) -> None:
    _add(
        store,
        admin,
        name="2025 autumn",
        starts_on="2025-07-01",
        ends_on="2025-12-31",
        due_on="2025-12-01",
    )
    _add(
        store,
        admin,
        name="2026 autumn",
        starts_on="2026-07-01",
        ends_on="2026-12-31",
        due_on="2026-12-01",
    )

    def current(day: date) -> str | None:
        cycle = cycles.current_cycle(session, day)
        return cycle.name if cycle else None

    assert current(date(2025, 9, 1)) == "2025 autumn"
    assert current(date(2026, 2, 1)) == "2026 spring"
    assert current(date(2026, 6, 1)) == "2026 spring"  # between cycles: the latest started
    assert current(date(2025, 1, 1)) is None  # before any cycle


def test_of_two_cycles_under_way_the_later_started_is_current(
    store: Engine, session: Session, admin: Identity
) -> None:
    _add(
        store,
        admin,
        name="2026 special",
        starts_on="2026-02-01",
        ends_on="2026-03-01",
        due_on="2026-03-01",
    )
    cycle = cycles.current_cycle(session, date(2026, 2, 15))
    assert cycle is not None and cycle.name == "2026 special"


def test_the_view_shows_the_current_cycle_by_default(session: Session) -> None:
    view = update_cycle_view(session, today=AFTER_DUE)
    assert view.about.filters["Reporting cycle"] == "2026 spring"


# Writes: checks, authorisation, versions, audit


def _written(store: Engine) -> tuple[int, int, int]:
    """Cycles, audit records and the data version: what a write changes."""
    with db.session_scope(store) as session:
        count = session.execute(sa.select(sa.func.count()).select_from(ReportingCycle)).scalar()
        audit = session.execute(sa.select(sa.func.count()).select_from(AuditRecord)).scalar()
        version = session.execute(sa.select(DataVersion.version)).scalar()
    return int(count or 0), int(audit or 0), int(version or 0)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": "  "}, "name", "give the cycle a name"),
        ({"name": "2026 spring"}, "name", "exists already"),
        ({"starts_on": "2026-13-01"}, "starts_on", "YYYY-MM-DD"),
        ({"due_on": "31/03/2026"}, "due_on", "YYYY-MM-DD"),
        ({"due_on": "2025-12-31"}, "due_on", "due before the cycle starts"),
        ({"ends_on": "2025-12-31"}, "ends_on", "end before it starts"),
        ({"basis": "rumour"}, "basis", "public, editorial, C25/52"),
    ],
)
def test_a_refused_cycle_names_the_field_and_writes_nothing(
    store: Engine, admin: Identity, fields: dict[str, str], field: str, message: str
) -> None:
    before = _written(store)
    new = {**SPRING, "name": "2027 spring", **fields}
    with pytest.raises(ValueError, match=f"{field}: .*{message}") as refused:
        with db.write_scope(store) as session:
            cycles.add_cycle(session, new, admin)
    assert isinstance(refused.value, cycles.CycleRefused)
    assert refused.value.for_field(field)
    assert _written(store) == before


def test_only_admins_add_cycles(store: Engine) -> None:
    editor = make_user(store, "editor.one", "editor")
    before = _written(store)
    with pytest.raises(NotAllowed, match="admin"):
        with db.write_scope(store) as session:
            cycles.add_cycle(session, {**SPRING, "name": "2027 spring"}, editor)
    assert _written(store) == before


def test_an_added_cycle_is_audited_and_moves_the_data_version(
    store: Engine, admin: Identity
) -> None:
    count, audit, version = _written(store)
    _add(
        store,
        admin,
        name="2027 spring",
        starts_on="2027-01-01",
        ends_on="2027-04-30",
        due_on="2027-03-31",
    )
    assert _written(store)[:2] == (count + 1, audit + 1)
    assert _written(store)[2] > version
    with db.session_scope(store) as session:
        record = session.exec(select(AuditRecord).order_by(AuditRecord.id.desc())).first()  # type: ignore[union-attr]
    assert record is not None and record.action == "add reporting cycle"
    assert record.actor == "admin.one" and record.after is not None
    assert record.after["due_on"] == "2027-03-31"


def test_an_edit_changes_the_fields_given_and_is_audited(store: Engine, admin: Identity) -> None:
    with db.write_scope(store) as session:
        edited = cycles.edit_cycle(session, "2026 spring", {"due_on": "2026-04-10"}, 1, admin)
        assert edited.version == 2
    with db.session_scope(store) as session:
        cycle = cycles.get_cycle(session, "2026 spring")
        record = session.exec(
            select(AuditRecord).where(AuditRecord.action == "edit reporting cycle")
        ).one()
    assert cycle.due_on == date(2026, 4, 10) and cycle.starts_on == date(2026, 1, 1)
    assert cycle.source == SPRING["source"]  # not given, kept
    assert record.before is not None and record.after is not None
    assert (record.before["due_on"], record.after["due_on"]) == ("2026-03-31", "2026-04-10")


def test_a_stale_edit_is_refused_and_keeps_the_newer_values(store: Engine, admin: Identity) -> None:
    other = make_user(store, "admin.two", "admin")
    with db.write_scope(store) as session:
        cycles.edit_cycle(session, "2026 spring", {"source": "their source"}, 1, other)
    before = _written(store)
    with pytest.raises(StaleEdit) as stale:
        with db.write_scope(store) as session:
            cycles.edit_cycle(session, "2026 spring", {"due_on": "2026-04-10"}, 1, admin)
    assert stale.value.current["version"] == 2
    assert stale.value.current["source"] == "their source"
    assert _written(store) == before
    with db.session_scope(store) as session:
        assert cycles.get_cycle(session, "2026 spring").due_on == date(2026, 3, 31)


def test_an_edit_that_breaks_the_dates_names_the_field_and_writes_nothing(
    store: Engine, admin: Identity
) -> None:
    before = _written(store)
    with pytest.raises(cycles.CycleRefused, match="ends_on"):
        with db.write_scope(store) as session:
            cycles.edit_cycle(session, "2026 spring", {"ends_on": "2025-06-30"}, 1, admin)
    assert _written(store) == before
