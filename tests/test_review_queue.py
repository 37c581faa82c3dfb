"""The review queue's reads: filters, paging, counts, facets and imports waiting, each
checked against independent SQL on SQLite and PostgreSQL."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from gdc_tracker import bootstrap, db, entries
from gdc_tracker.auth import Identity
from gdc_tracker.entries import EntryDraft
from gdc_tracker.models import ImportBatch
from gdc_tracker.queries import workflow
from tests.factories import TODAY, internet_use, make_user

START = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
PREVIEW = {"new": 2, "changed": 0, "unchanged": 5, "rejected": 1}


@dataclass(frozen=True)
class Queue:
    """A store with entries in every state, by two authors, one import among them."""

    engine: Engine
    first: Identity  # editor.one
    second: Identity  # editor.two, who imported the file
    reviewer: Identity
    batch_id: int
    submitted: dict[str, int]  # a name for each submitted entry -> its id


def add(engine: Engine, draft: EntryDraft, by: Identity, *, submit: bool = True) -> int:
    with db.session_scope(engine) as session:
        return int(entries.add_entry(session, draft, by=by, submit=submit, today=TODAY).id or 0)


def make_batch(engine: Engine, by: Identity, entry_ids: list[int], name: str) -> int:
    """An import of `entry_ids` as the importer records one (ImportBatch and the link)."""
    with db.session_scope(engine) as session:
        batch = ImportBatch(
            file_name=name,
            checksum="0" * 64,
            indicator_codes=["UMC_MOBILE_OWNERSHIP"],
            review_state="submitted",
            summary=PREVIEW,
            created_by=by.user_id,
        )
        session.add(batch)
        session.flush()
        batch_id = int(batch.id or 0)
    with engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE progressentry SET import_batch_id = :b WHERE id IN :ids").bindparams(
                sa.bindparam("ids", expanding=True)
            ),
            {"b": batch_id, "ids": entry_ids},
        )
    return batch_id


def submitted_at(engine: Engine, order: list[int]) -> None:
    """Give the entries submission times in this order, a minute apart (not id order)."""
    with engine.begin() as connection:
        for minutes, entry_id in enumerate(order):
            connection.execute(
                sa.text("UPDATE progressentry SET updated_at = :at WHERE id = :id"),
                {"at": START + timedelta(minutes=minutes), "id": entry_id},
            )


def build_queue(engine: Engine) -> Queue:
    bootstrap.seed(engine, with_demo=False)
    first = make_user(engine, "editor.one", "editor")
    second = make_user(engine, "editor.two", "editor")
    reviewer = make_user(engine, "reviewer.one", "reviewer")
    mobile = {"indicator_code": "UMC_MOBILE_OWNERSHIP"}
    named = {
        "slv21": add(engine, internet_use(period="2021"), first),
        "slv22": add(engine, internet_use(period="2022"), first),
        "slv23": add(engine, internet_use(period="2023"), first),
        "bra23": add(engine, internet_use(geo_code="BRA", period="2023"), first),
        "giga": add(
            engine,
            EntryDraft(period="2025", initiative_slug="giga", status="ongoing", narrative="Q3"),
            first,
        ),
        "mob_slv": add(engine, internet_use(geo_code="SLV", period="2023", **mobile), second),
        "mob_mex": add(engine, internet_use(geo_code="MEX", period="2023", **mobile), second),
    }
    add(engine, internet_use(geo_code="ARG"), first, submit=False)  # a draft: not waiting
    published = add(engine, internet_use(geo_code="CHL"), first)
    with db.session_scope(engine) as session:
        entries.review(session, published, "publish", expected_version=1, by=reviewer)
    batch_id = make_batch(engine, second, [named["mob_slv"], named["mob_mex"]], "mobile.xlsx")
    order = ["mob_mex", "slv22", "giga", "bra23", "slv21", "mob_slv", "slv23"]
    submitted_at(engine, [named[name] for name in order])
    return Queue(engine, first, second, reviewer, batch_id, named)


@pytest.fixture
def queue(engine: Engine) -> Queue:
    return build_queue(engine)


# Independent SQL: what the queue must list, written without the code under test.
WAITING_SQL = """
SELECT e.id FROM progressentry e
LEFT JOIN indicator i ON i.id = e.indicator_id
LEFT JOIN "user" u ON u.id = e.author_id
WHERE e.review_state = 'submitted' {where}
ORDER BY e.updated_at, e.id
"""
WHERE_SQL = {
    "indicator": "AND i.code = :indicator",
    "geo": "AND e.geo_code = :geo",
    "author": "AND u.username = :author",
    "batch": "AND e.import_batch_id = :batch",
}


def waiting_ids(engine: Engine, **filters: object) -> list[int]:
    where = " ".join(WHERE_SQL[name] for name in filters)
    with engine.connect() as connection:
        rows = connection.execute(sa.text(WAITING_SQL.format(where=where)), filters)
        return [int(entry_id) for (entry_id,) in rows]


def listed(queue: Queue, **arguments: object) -> list[int]:
    with db.session_scope(queue.engine) as session:
        return [int(i) for i in workflow.review_queue(session, **arguments)["id"]]


def counted(queue: Queue, **filters: object) -> int:
    with db.session_scope(queue.engine) as session:
        return workflow.review_queue_count(session, **filters)


def test_the_queue_lists_every_submitted_entry_oldest_first(queue: Queue) -> None:
    names = {entry_id: name for name, entry_id in queue.submitted.items()}
    expected = ["mob_mex", "slv22", "giga", "bra23", "slv21", "mob_slv", "slv23"]
    assert [names[i] for i in listed(queue)] == expected
    assert listed(queue) == waiting_ids(queue.engine)
    assert counted(queue) == 7


def test_an_initiative_update_waits_in_the_queue_with_the_initiative_as_subject(
    queue: Queue,
) -> None:
    with db.session_scope(queue.engine) as session:
        rows = workflow.review_queue(session).set_index("id")
        giga_name = session.execute(sa.text("SELECT name FROM initiative WHERE slug = 'giga'"))
        expected = giga_name.scalar_one()
    row = rows.loc[queue.submitted["giga"]]
    assert row["subject"] == expected
    assert row["status"] == "ongoing"
    assert pd.isna(row["indicator_code"])


def test_pages_follow_each_other_without_gap_or_overlap(queue: Queue) -> None:
    pages = [listed(queue, limit=3, offset=offset) for offset in (0, 3, 6)]
    assert [len(page) for page in pages] == [3, 3, 1]
    assert pages[0] + pages[1] + pages[2] == waiting_ids(queue.engine)
    assert listed(queue, limit=3, offset=9) == []


@pytest.mark.parametrize(
    "filters",
    [
        {"indicator": "UMC_MOBILE_OWNERSHIP"},
        {"indicator": "UMC_INTERNET_USE"},
        {"geo": "SLV"},
        {"author": "editor.two"},
        {"author": "editor.one"},
        {"batch": "BATCH"},
        {"geo": "SLV", "author": "editor.one"},
        {"geo": "SLV", "indicator": "UMC_MOBILE_OWNERSHIP", "batch": "BATCH"},
        {"geo": "ARG"},  # only a draft there: nothing waits
    ],
)
def test_each_filter_lists_and_counts_what_independent_sql_finds(
    queue: Queue, filters: dict[str, object]
) -> None:
    filters = {k: queue.batch_id if v == "BATCH" else v for k, v in filters.items()}
    expected = waiting_ids(queue.engine, **filters)
    assert listed(queue, **filters) == expected
    assert counted(queue, **filters) == len(expected)
    with db.session_scope(queue.engine) as session:
        keys = workflow.review_queue_keys(session, **filters)
    assert [entry_id for entry_id, _version in keys] == expected


def test_a_filter_and_a_page_together(queue: Queue) -> None:
    everything = waiting_ids(queue.engine, author="editor.one")
    assert everything and len(everything) == 5
    second_page = listed(queue, author="editor.one", limit=2, offset=2)
    assert second_page == everything[2:4]


def test_the_keys_carry_each_entry_at_its_version(queue: Queue) -> None:
    with db.session_scope(queue.engine) as session:
        entries.correct_entry(
            session,
            queue.submitted["bra23"],
            internet_use(geo_code="BRA", period="2023", value=70.0),
            expected_version=1,
            by=queue.first,
            submit=True,
            today=TODAY,
        )
        keys = dict(workflow.review_queue_keys(session))
    with queue.engine.connect() as connection:
        stored = dict(
            connection.execute(
                sa.text("SELECT id, version FROM progressentry WHERE review_state = 'submitted'")
            ).all()
        )
    assert keys == stored
    assert keys[queue.submitted["bra23"]] == 2


FACET_SQL = {
    "indicators": (
        "SELECT i.code, count(*) FROM progressentry e JOIN indicator i ON i.id = e.indicator_id "
        "WHERE e.review_state = 'submitted' GROUP BY i.code"
    ),
    "geographies": (
        "SELECT e.geo_code, count(*) FROM progressentry e "
        "WHERE e.review_state = 'submitted' GROUP BY e.geo_code"
    ),
    "authors": (
        'SELECT u.username, count(*) FROM progressentry e JOIN "user" u ON u.id = e.author_id '
        "WHERE e.review_state = 'submitted' GROUP BY u.username"
    ),
    "batches": (
        "SELECT e.import_batch_id, count(*) FROM progressentry e "
        "WHERE e.review_state = 'submitted' AND e.import_batch_id IS NOT NULL "
        "GROUP BY e.import_batch_id"
    ),
}
FACET_KEY = {"indicators": "code", "geographies": "code", "authors": "username", "batches": "id"}


@pytest.mark.parametrize("facet", sorted(FACET_SQL))
def test_the_filter_choices_count_what_waits(queue: Queue, facet: str) -> None:
    with queue.engine.connect() as connection:
        expected = {str(k): int(n) for k, n in connection.execute(sa.text(FACET_SQL[facet]))}
    with db.session_scope(queue.engine) as session:
        found = workflow.review_facets(session)[facet]
    assert dict(zip(found[FACET_KEY[facet]].astype(str), found["waiting"], strict=True)) == (
        expected
    )


def test_the_facets_by_hand(queue: Queue) -> None:
    """The same as above, counted by hand from the store `build_queue` makes."""
    with db.session_scope(queue.engine) as session:
        facets = workflow.review_facets(session)
    indicators = dict(
        zip(facets["indicators"]["code"], facets["indicators"]["waiting"], strict=True)
    )
    assert indicators == {"UMC_INTERNET_USE": 4, "UMC_MOBILE_OWNERSHIP": 2}
    authors = dict(zip(facets["authors"]["username"], facets["authors"]["waiting"], strict=True))
    assert authors == {"editor.one": 5, "editor.two": 2}
    assert facets["batches"]["file_name"].tolist() == ["mobile.xlsx"]


def test_an_import_waits_as_one_batch_with_its_preview_until_all_of_it_is_decided(
    queue: Queue,
) -> None:
    with db.session_scope(queue.engine) as session:
        batches = workflow.import_batches_waiting(session)
    assert len(batches) == 1
    batch = batches.iloc[0]
    assert batch["id"] == queue.batch_id
    assert batch["file_name"] == "mobile.xlsx"
    assert batch["imported_by"] == "editor.two"
    assert batch["summary"] == PREVIEW
    assert batch["waiting"] == 2
    with db.session_scope(queue.engine) as session:
        entries.review(
            session, queue.submitted["mob_mex"], "publish", expected_version=1, by=queue.reviewer
        )
        assert workflow.import_batches_waiting(session)["waiting"].tolist() == [1]
        entries.review(
            session,
            queue.submitted["mob_slv"],
            "reject",
            expected_version=1,
            by=queue.reviewer,
            reason="Source unclear.",
        )
        assert workflow.import_batches_waiting(session).empty
