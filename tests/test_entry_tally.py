"""The entry counts the database keeps (EntryTally) agree with the entries, whatever writes.

Overview's headline reads them instead of counting every entry, so a wrong tally would
show a wrong number to every visitor: each test compares it with a count made the long
way, on SQLite and on PostgreSQL.
"""

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import Engine

from gdc_tracker import db, entries, queries
from gdc_tracker.models import EntryTally, ProgressEntry
from tests.factories import TODAY, internet_use, make_user

KEY = (ProgressEntry.geo_code, ProgressEntry.review_state, ProgressEntry.is_demo)


def tally(engine: Engine) -> dict[tuple[str, str, bool], int]:
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(
                EntryTally.geo_code, EntryTally.review_state, EntryTally.is_demo, EntryTally.entries
            ).where(EntryTally.entries != 0)
        )
        return {(geo, state, bool(demo)): count for geo, state, demo, count in rows}


def counted(engine: Engine) -> dict[tuple[str, str, bool], int]:
    with engine.connect() as connection:
        rows = connection.execute(sa.select(*KEY, sa.func.count()).group_by(*KEY))
        return {(geo, state, bool(demo)): count for geo, state, demo, count in rows}


def test_seeding_the_demo_data_fills_the_tally(seeded_engine: Engine) -> None:
    expected = counted(seeded_engine)
    assert sum(expected.values()) > 1_000
    assert tally(seeded_engine) == expected


def test_the_review_cycle_and_corrections_move_entries_between_states(
    reference_engine: Engine,
) -> None:
    editor = make_user(reference_engine, "editor.one", "editor")
    reviewer = make_user(reference_engine, "reviewer.one", "reviewer")
    with db.session_scope(reference_engine) as session:
        kept = entries.add_entry(session, internet_use(), by=editor, submit=True, today=TODAY)
        refused = entries.add_entry(
            session, internet_use(geo_code="GTM"), by=editor, submit=True, today=TODAY
        )
        entries.add_entry(session, internet_use(geo_code="HND"), by=editor, today=TODAY)
    assert tally(reference_engine) == {
        ("SLV", "submitted", False): 1,
        ("GTM", "submitted", False): 1,
        ("HND", "draft", False): 1,
    }
    with db.session_scope(reference_engine) as session:
        entries.review(session, kept.id, "publish", expected_version=1, by=reviewer)
        entries.review(
            session, refused.id, "reject", expected_version=1, by=reviewer, reason="NSO?"
        )
    with db.session_scope(reference_engine) as session:
        correction = entries.correct_entry(
            session, kept.id, internet_use(value=67.5), expected_version=2, by=editor, submit=True
        )
    with db.session_scope(reference_engine) as session:
        entries.review(session, correction.id, "publish", expected_version=1, by=reviewer)
    assert (
        tally(reference_engine)
        == counted(reference_engine)
        == {
            ("SLV", "published", False): 1,
            ("SLV", "superseded", False): 1,
            ("GTM", "rejected", False): 1,
            ("HND", "draft", False): 1,
        }
    )
    with db.session_scope(reference_engine) as session:
        assert queries.headline(session)["published_entries"] == 1
        assert queries.headline(session)["geographies_with_data"] == 1


def test_statements_typed_by_hand_keep_it_too(seeded_engine: Engine) -> None:
    with seeded_engine.begin() as connection:
        connection.execute(
            sa.update(ProgressEntry)
            .where(ProgressEntry.geo_code == "BRA")
            .values(review_state="draft", narrative="re-opened")
        )
        connection.execute(
            sa.update(ProgressEntry).where(ProgressEntry.geo_code == "CHL").values(is_demo=False)
        )
        connection.execute(sa.delete(ProgressEntry).where(ProgressEntry.geo_code == "ARG"))
    expected = counted(seeded_engine)
    assert ("BRA", "draft", True) in expected and ("CHL", "published", False) in expected
    assert not any(geo == "ARG" for geo, _state, _demo in expected)
    assert tally(seeded_engine) == expected


def test_a_write_that_fails_leaves_the_tally_as_it_was(seeded_engine: Engine) -> None:
    before = tally(seeded_engine)
    with pytest.raises(RuntimeError), seeded_engine.begin() as connection:
        connection.execute(sa.delete(ProgressEntry).where(ProgressEntry.geo_code == "MEX"))
        raise RuntimeError("the import failed half-way")
    assert tally(seeded_engine) == before == counted(seeded_engine)


def test_upgrading_a_store_that_has_entries_counts_them(seeded_engine: Engine) -> None:
    expected = counted(seeded_engine)
    command.downgrade(db.alembic_config(seeded_engine), "0005")
    assert "entrytally" not in sa.inspect(seeded_engine).get_table_names()
    db.upgrade(seeded_engine)
    assert tally(seeded_engine) == expected


def test_recounting_repairs_a_tally_loaded_without_its_triggers(seeded_engine: Engine) -> None:
    with seeded_engine.begin() as connection:
        connection.execute(
            sa.update(EntryTally).where(EntryTally.geo_code == "BRA").values(entries=0)
        )
        connection.execute(sa.delete(EntryTally).where(EntryTally.geo_code == "MEX"))
    assert tally(seeded_engine) != counted(seeded_engine)
    version = db.read_data_version(seeded_engine)
    assert db.recount_entries(seeded_engine) == 2  # BRA's and MEX's published demo values
    assert tally(seeded_engine) == counted(seeded_engine)
    assert db.read_data_version(seeded_engine) == version + 1  # caches refresh
    assert db.recount_entries(seeded_engine) == 0
