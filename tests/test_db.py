"""The store on SQLite and PostgreSQL: migrations, seeding, the data version, constraints."""

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel, select

from gdc_tracker import bootstrap, db, demo, entries
from gdc_tracker.models import (
    AuditRecord,
    Geography,
    Indicator,
    Initiative,
    InitiativeObjective,
    Objective,
    ProgressEntry,
    RegionalInitiative,
)
from tests.factories import TODAY, internet_use, make_user


def test_migrations_take_an_empty_database_to_head(database_url: str) -> None:
    engine = db.make_engine(database_url)
    assert db.is_empty(engine)
    db.upgrade(engine)
    assert db.current_revision(engine) == db.head_revision()
    assert {"progressentry", "indicator", "initiative", "auditrecord"} <= set(
        sa.inspect(engine).get_table_names()
    )
    engine.dispose()


def test_models_and_migrations_agree(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []


def test_data_version_starts_at_zero_and_moves_with_each_write(engine: Engine) -> None:
    assert db.read_data_version(engine) == 0
    bootstrap.seed(engine, with_demo=False)
    after_reference = db.read_data_version(engine)
    assert after_reference == 1
    bootstrap.seed(engine, with_demo=True)
    assert db.read_data_version(engine) == after_reference + 1


def test_a_failed_write_leaves_the_data_version_where_it_was(engine: Engine) -> None:
    before = db.read_data_version(engine)
    with pytest.raises(sa.exc.IntegrityError), db.session_scope(engine) as session:
        db.bump_data_version(session)
        session.add(Objective(number=1, title="A", short_title="A"))
        session.add(Objective(number=1, title="B", short_title="B"))
        session.flush()
    assert db.read_data_version(engine) == before


def test_seeding_loads_the_reference_frameworks(seeded_engine: Engine) -> None:
    with db.session_scope(seeded_engine) as session:
        assert session.exec(select(sa.func.count()).select_from(Objective)).one() == 5
        regions = session.exec(select(Geography.code).where(Geography.kind == "region")).all()
        assert sorted(regions) == ["AFR", "AMS", "ARB", "ASP", "CIS", "EUR"]
        codes = session.exec(
            select(RegionalInitiative.code).order_by(RegionalInitiative.code)
        ).all()
        assert codes == ["AMS1", "AMS2", "AMS3", "AMS4"]
        assert session.exec(select(sa.func.count()).select_from(Initiative)).one() >= 25
        assert session.exec(select(sa.func.count()).select_from(Indicator)).one() >= 12
        el_salvador = session.get(Geography, "SLV")
        assert el_salvador is not None and el_salvador.region_code == "AMS"


def test_every_initiative_has_exactly_one_primary_objective(seeded_engine: Engine) -> None:
    with db.session_scope(seeded_engine) as session:
        primaries = session.execute(
            sa.select(InitiativeObjective.initiative_id, sa.func.count())
            .where(InitiativeObjective.is_primary)
            .group_by(InitiativeObjective.initiative_id)
        ).all()
        initiatives = session.exec(select(sa.func.count()).select_from(Initiative)).one()
    assert len(primaries) == initiatives
    assert all(count == 1 for _, count in primaries)


def test_seeding_twice_adds_nothing_the_second_time(seeded_engine: Engine) -> None:
    with db.session_scope(seeded_engine) as session:
        entries = session.exec(select(sa.func.count()).select_from(ProgressEntry)).one()
    report = bootstrap.seed(seeded_engine, with_demo=True)
    assert report.reference_rows == {} and report.demo_rows == 0
    with db.session_scope(seeded_engine) as session:
        assert session.exec(select(sa.func.count()).select_from(ProgressEntry)).one() == entries


def test_demo_entries_are_flagged_sourced_and_audited(seeded_engine: Engine) -> None:
    with db.session_scope(seeded_engine) as session:
        not_demo = session.exec(
            select(sa.func.count()).select_from(ProgressEntry).where(~ProgressEntry.is_demo)
        ).one()
        sources = session.exec(select(ProgressEntry.source).distinct()).all()
        audit = session.exec(select(AuditRecord.action).order_by(AuditRecord.id)).all()
    assert not_demo == 0
    assert sources == [demo.DEMO_SOURCE]
    assert audit == ["load reference data", "seed demo data"]


def test_an_entry_must_name_an_indicator_or_an_initiative(engine: Engine) -> None:
    bootstrap.seed(engine, with_demo=False)
    with pytest.raises(sa.exc.IntegrityError), db.session_scope(engine) as session:
        session.execute(
            sa.insert(ProgressEntry).values(
                geo_code="WLD",
                period="2024",
                year=2024,
                period_end=sa.func.current_date(),
                disaggregation="total",
                narrative="",
                source="",
                is_demo=False,
                review_state="draft",
                version=1,
                created_at=sa.func.current_timestamp(),
                updated_at=sa.func.current_timestamp(),
            )
        )


def test_an_entry_for_an_unknown_country_is_refused(engine: Engine) -> None:
    bootstrap.seed(engine, with_demo=False)
    with db.session_scope(engine) as session:
        indicator_id = session.exec(select(Indicator.id)).first()
    with pytest.raises(sa.exc.IntegrityError), db.session_scope(engine) as session:
        session.add(
            ProgressEntry(
                indicator_id=indicator_id,
                geo_code="ZZZ",
                period="2024",
                year=2024,
                period_end=sa.func.current_date(),
                value=1.0,
            )
        )
        session.flush()


def test_prepare_store_creates_and_seeds_a_new_database(database_url: str) -> None:
    from gdc_tracker.config import Settings

    engine = bootstrap.prepare_store(Settings(database_url=database_url, seed_demo_data=True))
    with db.session_scope(engine) as session:
        assert session.exec(select(sa.func.count()).select_from(Objective)).one() == 5
        assert demo.has_demo_data(session)
    engine.dispose()


def test_prepare_store_refuses_a_database_behind_the_latest_schema(sqlite_url: str) -> None:
    from gdc_tracker.config import Settings

    engine = db.make_engine(sqlite_url)
    db.upgrade(engine)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = 'old'"))
    with pytest.raises(db.DatabaseError, match="python -m gdc_tracker db upgrade"):
        bootstrap.prepare_store(Settings(database_url=sqlite_url))


def test_prepare_store_reports_an_unreachable_server_clearly() -> None:
    from gdc_tracker.config import Settings

    url = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"
    with pytest.raises(db.DatabaseError, match="Cannot open the database"):
        bootstrap.prepare_store(Settings(database_url=url))


def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_url: str) -> None:
    engine = db.make_engine(sqlite_url)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert (
            connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == db.SQLITE_BUSY_TIMEOUT_MS
        )


def test_audit_records_cannot_be_changed_or_deleted(seeded_engine: Engine) -> None:
    with seeded_engine.connect() as connection:
        count = connection.execute(sa.text("SELECT count(*) FROM auditrecord")).scalar()
    for statement in ("UPDATE auditrecord SET actor = 'someone else'", "DELETE FROM auditrecord"):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            with seeded_engine.begin() as connection:
                connection.execute(sa.text(statement))
    with seeded_engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM auditrecord")).scalar() == count
        actors = connection.execute(sa.text("SELECT DISTINCT actor FROM auditrecord")).scalars()
        assert list(actors) == ["system"]


def test_migrations_downgrade_to_empty_and_up_again(database_url: str) -> None:
    from alembic import command

    engine = db.make_engine(database_url)
    db.upgrade(engine)
    command.downgrade(db.alembic_config(engine), "base")
    assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
    db.upgrade(engine)
    assert db.current_revision(engine) == db.head_revision()
    engine.dispose()


def test_upgrading_a_sqlite_store_with_entries_adds_the_correction_link_in_place(
    reference_template: Path, tmp_path: Path
) -> None:
    """0004 must not copy progressentry (batch mode did: minutes on a million entries):
    the table keeps its first page, every entry survives, and the new link is declared."""
    from alembic import command

    copy = tmp_path / "store.db"
    shutil.copy(reference_template, copy)
    engine = db.make_engine(f"sqlite:///{copy}")
    editor = make_user(engine, "editor", "editor")
    with db.session_scope(engine) as session:
        for geo_code in ("SLV", "BRA", "CHL"):
            entries.add_entry(session, internet_use(geo_code=geo_code), by=editor, today=TODAY)
    command.downgrade(db.alembic_config(engine), "0003")
    facts = (
        "SELECT rootpage, (SELECT count(*) FROM progressentry) FROM sqlite_master "
        "WHERE name = 'progressentry'"
    )
    with engine.connect() as connection:
        before = tuple(connection.execute(sa.text(facts)).one())
    assert before[1] > 0
    command.upgrade(db.alembic_config(engine), "head")
    with engine.connect() as connection:
        assert tuple(connection.execute(sa.text(facts)).one()) == before
    links = [
        (link["constrained_columns"], link["referred_table"], link["referred_columns"])
        for link in sa.inspect(engine).get_foreign_keys("progressentry")
    ]
    assert (["supersedes_id"], "progressentry", ["id"]) in links
    engine.dispose()
