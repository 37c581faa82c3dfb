"""What changed is trustworthy: loading data is a data load, never ITU adding initiatives;
new values are listed one by one with their source and publisher; indicator statuses that
move are counted; the default date is the last Council session."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select

from gdc_tracker import bootstrap, db, entries
from gdc_tracker.audit import record_change
from gdc_tracker.models import SYSTEM_ACTOR, CouncilSession, Initiative
from gdc_tracker.queries import changes
from gdc_tracker.queries.indicators import series_status
from gdc_tracker.reference import load_reference
from gdc_tracker.status import Thresholds, assess
from gdc_tracker.views.changes import changes_view
from tests.apptest import open_page
from tests.factories import TODAY, internet_use, make_user

COUNCIL_2025 = date(2025, 6, 17)  # C25/52's cover: Council 2025, 17-27 June 2025, Geneva
COUNCIL_2026 = date(2026, 4, 28)  # council.itu.int/2026: Council 2026, 28 April-8 May 2026


def yesterday() -> date:
    return datetime.now(UTC).date() - timedelta(days=1)


def counts(engine: Engine, since: date) -> dict[str, int]:
    with db.session_scope(engine) as session:
        summary = changes.change_summary(session, since=since)
    return dict(zip(summary["kind"], summary["count"], strict=True))


def publish(engine: Engine, **values: object) -> int:
    """An editor's value, published by a reviewer: its entry id."""
    editor = make_user(engine, f"editor.{values.get('period', 'x')}", "editor")
    reviewer = make_user(engine, f"reviewer.{values.get('period', 'x')}", "reviewer")
    with db.write_scope(engine) as session:
        entry = entries.add_entry(
            session, internet_use(**values), by=editor, submit=True, today=TODAY
        )
        entry_id = int(entry.id or 0)
    with db.write_scope(engine) as session:
        entries.review(session, entry_id, "publish", expected_version=1, by=reviewer)
    return entry_id


@pytest.fixture
def store(reference_engine: Engine) -> Engine:
    """Reference data only: no values yet."""
    return reference_engine


@pytest.fixture
def full_store(sqlite_url: str) -> Iterator[Engine]:
    """A store seeded as on first start: reference data, starter data and demo data."""
    engine = db.make_engine(sqlite_url)
    db.upgrade(engine)
    bootstrap.seed(engine, with_demo=True, with_starter=True)
    yield engine
    engine.dispose()


# 1. Data loads are not ITU's work


def test_a_freshly_seeded_store_adds_no_initiative_and_lists_its_data_loads(
    full_store: Engine,
) -> None:
    with full_store.connect() as connection:
        initiatives = connection.execute(sa.text("SELECT count(*) FROM initiative")).scalar()
    assert initiatives and initiatives > 20
    counted = counts(full_store, yesterday())
    assert counted["initiative added"] == 0
    with db.session_scope(full_store) as session:
        loads = changes.data_loads(session, since=yesterday())
        listed = changes.changes_since(session, since=yesterday())
    assert counted["data load"] == len(loads) >= 3
    assert {"reference data", "starter data file", "demo data"} <= set(loads["what"])
    reference = loads[loads["what"] == "reference data"].iloc[0]
    assert f"{initiatives} initiatives" in reference["detail"]
    assert "initiative added" not in listed["kind"].tolist()
    starter = loads[loads["what"] == "starter data file"]
    assert set(starter["by"]) == {"gdc-tracker"}
    assert (starter["rows"] > 0).all()


def test_an_initiative_a_person_creates_counts_as_added_and_a_load_does_not(
    store: Engine,
) -> None:
    # No command creates initiatives yet; this is the record such a command writes.
    editor = make_user(store, "editor.one", "editor")
    with db.write_scope(store) as session:
        for slug, actor in (("new-programme", editor.username), ("loaded", SYSTEM_ACTOR)):
            initiative = Initiative(slug=slug, name=slug.title(), lead_sector="ITU-D")
            session.add(initiative)
            session.flush()
            record_change(
                session,
                actor=actor,
                action="create initiative",
                entity="initiative",
                entity_id=initiative.id,
                after={"name": initiative.name, "lead_sector": "ITU-D"},
            )
    assert counts(store, yesterday())["initiative added"] == 1
    with db.session_scope(store) as session:
        listed = changes.changes_since(session, since=yesterday())
    added = listed[listed["kind"] == "initiative added"]
    assert added["subject"].tolist() == ["New-Programme"]
    assert "editor.one" in added["detail"].iloc[0]


# 2. New values, one by one


def test_a_published_value_is_listed_with_its_source_and_publisher(store: Engine) -> None:
    publish(store, period="2025", value=66.5)
    with db.session_scope(store) as session:
        values = changes.new_values(session, since=yesterday())
        total = changes.new_value_counts(session, since=yesterday())
    assert total == {"real": 1, "demo": 0}
    row = values.iloc[0]
    assert row["indicator"] == "Individuals using the Internet"
    assert row["country"] == "El Salvador"
    assert (row["period"], row["value"], row["unit"]) == ("2025", 66.5, "percent")
    assert row["source"] == "National statistics office"
    assert row["real_or_demo"] == "real"
    assert row["published_by"] == "reviewer.2025"
    assert row["published_at"].date() >= yesterday()
    assert counts(store, yesterday())["entries added"] == 1


def test_a_value_published_before_the_date_is_not_new(store: Engine) -> None:
    entry_id = publish(store, period="2024", value=61.0)
    with store.begin() as connection:
        connection.execute(
            sa.text("UPDATE progressentry SET created_at = :at, updated_at = :at WHERE id = :id"),
            {"at": datetime(2025, 1, 10, tzinfo=UTC), "id": entry_id},
        )
    with db.session_scope(store) as session:
        assert changes.new_values(session, since=COUNCIL_2025).empty
    assert counts(store, COUNCIL_2025)["entries added"] == 0


# 3. Indicator status changes


def test_a_country_moving_out_of_insufficient_data_is_a_status_change(store: Engine) -> None:
    publish(store, period="2023", value=60.0)
    publish(store, period="2025", value=66.5)
    with db.session_scope(store) as session:
        moved = changes.indicator_status_changes(session, since=yesterday())
        shown = series_status(
            session, code="UMC_INTERNET_USE", geo_codes=["SLV"], thresholds=Thresholds()
        )
    salvador = moved[moved["country"] == "El Salvador"]
    assert salvador["before"].tolist() == ["insufficient data"]
    assert salvador["after"].tolist() == shown["status"].tolist()
    assert shown["status"].iloc[0] != "insufficient data"
    assert salvador["source"].tolist() == ["National statistics office"]
    assert counts(store, yesterday())["indicator status changed"] == 1


def test_the_status_before_the_date_uses_only_the_values_public_then(store: Engine) -> None:
    old = [publish(store, period=period, value=value) for period, value in (("2023", 60.0),)]
    old.append(publish(store, period="2024", value=60.5))
    with store.begin() as connection:
        for entry_id in old:
            connection.execute(
                sa.text(
                    "UPDATE progressentry SET created_at = :at, updated_at = :at WHERE id = :id"
                ),
                {"at": datetime(2025, 1, 10, tzinfo=UTC), "id": entry_id},
            )
    publish(store, period="2025", value=95.0)
    rule = {"target": 100.0, "target_year": 2030, "baseline_year": 2023}
    expected_before = assess([(2023, 60.0), (2024, 60.5)], **rule).status
    expected_after = assess([(2023, 60.0), (2024, 60.5), (2025, 95.0)], **rule).status
    assert expected_before != expected_after, "the test needs a status that moves"
    with db.session_scope(store) as session:
        moved = changes.indicator_status_changes(session, since=COUNCIL_2025)
    assert moved[["before", "after"]].values.tolist() == [[expected_before, expected_after]]


def test_demo_status_changes_are_labelled_and_not_counted_as_real(full_store: Engine) -> None:
    with db.session_scope(full_store) as session:
        moved = changes.indicator_status_changes(session, since=date(2015, 1, 1))
    demo = moved[moved["real_or_demo"] == "demo"]
    assert len(demo) and set(demo["source"]) == {"demo data, not official statistics"}
    real = int((moved["real_or_demo"] == "real").sum())
    assert counts(full_store, date(2015, 1, 1))["indicator status changed"] == real


# 4. Council sessions


def test_the_council_session_the_documents_state_is_loaded_once(store: Engine) -> None:
    with db.session_scope(store) as session:
        rows = session.exec(select(CouncilSession)).all()
        assert [(r.name, r.starts_on, r.ends_on) for r in rows] == [
            ("Council 2025", COUNCIL_2025, date(2025, 6, 27)),
            ("Council 2026", COUNCIL_2026, date(2026, 5, 8)),
        ]
        assert {r.place for r in rows} == {"Geneva, Switzerland"}
        assert "C25/52" in rows[0].source
        assert "council sessions" not in load_reference(session)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 11, 23), COUNCIL_2026),
        (COUNCIL_2026, COUNCIL_2025),
        (date(2025, 6, 18), COUNCIL_2025),
        (COUNCIL_2025, None),
        (date(2024, 1, 1), None),
    ],
)
def test_previous_council_session_is_the_latest_one_started_before_today(
    store: Engine, today: date, expected: date | None
) -> None:
    with db.session_scope(store) as session:
        assert changes.previous_council_session(session, today=today) == expected


# 5. The view and the page


def test_the_view_carries_its_counts_title_filter_and_sources(store: Engine) -> None:
    publish(store, period="2023", value=60.0)
    publish(store, period="2025", value=66.5)
    with db.session_scope(store) as session:
        view = changes_view(session, since=yesterday())
    figures = {figure.label: figure.value for figure in view.figures}
    assert figures["Entries published"] == "2"
    assert figures["Indicator status changes"] == "1"
    assert figures["Initiatives added"] == "0"
    assert figures["Data loads"] == "1", "the reference data loaded with the store"
    day = yesterday()
    assert view.about.title == f"What changed since {day.day} {day:%B %Y}"
    assert view.about.filters == {"Since": f"{day.day} {day:%B %Y}"}
    assert view.about.sources == ("National statistics office",)
    assert not view.about.has_demo
    assert {"source", "real_or_demo"} <= set(view.data.columns)
    assert view.table[["kind", "subject"]].values.tolist() == [
        ["Indicator status change", "Individuals using the Internet — El Salvador"]
    ]


def test_the_page_starts_at_the_last_council_session(writable_app: Engine) -> None:
    at = open_page("pages/changes.py")
    assert not at.exception
    assert at.date_input[0].value == COUNCIL_2026, "the latest session begun before today"
    captions = [c.value for c in at.caption]
    assert "Since Council 2026 (28 April 2026)." in captions
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Initiatives added"] == "0"
    assert "Data loads" in metrics


def test_the_page_lists_a_data_load_apart(writable_app: Engine, tmp_path: Path) -> None:
    at = open_page("pages/changes.py", since=yesterday().isoformat())
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Initiatives added"] == "0"
    assert int(metrics["Data loads"]) >= 1
    loads = next(d.value for d in at.dataframe if "what" in d.value.columns)
    assert "reference data" in loads["what"].tolist()
