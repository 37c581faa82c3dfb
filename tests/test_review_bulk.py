"""Decisions on many entries at once (gdc_tracker.reviewing): all or nothing, one reason
for all, four eyes, the role as the store holds it; on SQLite and PostgreSQL."""

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from gdc_tracker import db, entries, reviewing
from gdc_tracker.auth import Identity
from gdc_tracker.errors import NotAllowed, StaleEdit, ValidationFailed
from tests.factories import TODAY, internet_use, make_user
from tests.test_review_queue import Queue, add, build_queue


@pytest.fixture
def queue(engine: Engine) -> Queue:
    return build_queue(engine)


def states(engine: Engine) -> dict[int, tuple[str, int | None, str | None, int]]:
    """Every entry's (review_state, reviewer_id, review_note, version), by independent SQL."""
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT id, review_state, reviewer_id, review_note, version FROM progressentry")
        )
        return {int(r[0]): (r[1], r[2], r[3], int(r[4])) for r in rows}


def audit_count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(sa.text("SELECT count(*) FROM auditrecord")).scalar_one())


def decide(
    queue: Queue, ids: list[int], action: str, *, by: Identity | None = None, **options: object
) -> reviewing.Decided:
    """One decision in one write transaction, each entry at version 1 (as submitted)."""
    with db.write_scope(queue.engine) as session:
        return reviewing.review_many(
            session, [(i, 1) for i in ids], action, by=by or queue.reviewer, **options
        )


def test_a_bulk_publish_publishes_exactly_the_chosen_entries(queue: Queue) -> None:
    before = states(queue.engine)
    chosen = [queue.submitted[name] for name in ("slv21", "bra23", "giga")]
    decided = decide(queue, chosen, "publish")
    assert decided.count == 3 and list(decided.entry_ids) == chosen
    after = states(queue.engine)
    for entry_id in chosen:
        assert after[entry_id][:2] == ("published", queue.reviewer.user_id)
    unchanged = {i: s for i, s in before.items() if i not in chosen}
    assert {i: after[i] for i in unchanged} == unchanged


def test_a_bulk_reject_stores_the_one_reason_on_each_entry(queue: Queue) -> None:
    chosen = [queue.submitted["slv22"], queue.submitted["mob_mex"]]
    decide(queue, chosen, "reject", reason="  The source gives other figures.  ")
    after = states(queue.engine)
    for entry_id in chosen:
        assert after[entry_id][:3] == (
            "rejected",
            queue.reviewer.user_id,
            "The source gives other figures.",
        )


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_a_bulk_reject_needs_a_reason_and_changes_nothing_without_one(
    queue: Queue, reason: str
) -> None:
    before, audits = states(queue.engine), audit_count(queue.engine)
    chosen = [queue.submitted["slv22"], queue.submitted["mob_mex"]]
    with pytest.raises(ValidationFailed) as refused:
        decide(queue, chosen, "reject", reason=reason)
    assert refused.value.for_field("reason") == ["say why the entries are rejected"]
    assert states(queue.engine) == before and audit_count(queue.engine) == audits


def test_a_reason_longer_than_1000_characters_is_refused(queue: Queue) -> None:
    before = states(queue.engine)
    with pytest.raises(ValidationFailed) as refused:
        decide(queue, [queue.submitted["slv22"]], "reject", reason="x" * 1001)
    assert "at most 1,000 characters" in str(refused.value)
    assert states(queue.engine) == before
    decide(queue, [queue.submitted["slv22"]], "reject", reason="x" * 1000)  # the limit itself
    assert states(queue.engine)[queue.submitted["slv22"]][0] == "rejected"


def test_one_stale_entry_refuses_the_whole_decision_and_names_it(queue: Queue) -> None:
    stale = queue.submitted["bra23"]
    with db.session_scope(queue.engine) as session:  # its author corrects it meanwhile
        entries.correct_entry(
            session,
            stale,
            internet_use(geo_code="BRA", period="2023", value=71.0),
            expected_version=1,
            by=queue.first,
            submit=True,
            today=TODAY,
        )
    before, audits = states(queue.engine), audit_count(queue.engine)
    # The stale entry comes last: the two before it were already published in the
    # transaction when it was refused, and must not stay so.
    chosen = [queue.submitted["slv21"], queue.submitted["slv22"], stale]
    with pytest.raises(reviewing.EntryRefused) as refused:
        decide(queue, chosen, "publish")
    assert refused.value.entry_id == stale
    assert isinstance(refused.value.cause, StaleEdit)
    assert f"Entry #{stale} could not be published, so no entry was published" in str(refused.value)
    assert states(queue.engine) == before and audit_count(queue.engine) == audits


def test_an_entry_already_decided_by_someone_else_refuses_the_whole_decision(
    queue: Queue, engine: Engine
) -> None:
    colleague = make_user(engine, "reviewer.two", "reviewer")
    decide(queue, [queue.submitted["slv23"]], "publish", by=colleague)
    before = states(queue.engine)
    with pytest.raises(reviewing.EntryRefused) as refused:
        decide(queue, [queue.submitted["slv21"], queue.submitted["slv23"]], "publish")
    assert refused.value.entry_id == queue.submitted["slv23"]
    assert states(queue.engine) == before


def test_nothing_chosen_or_too_much_is_refused_with_the_field_named(queue: Queue) -> None:
    with pytest.raises(ValidationFailed) as refused:
        decide(queue, [], "publish")
    assert refused.value.for_field("selection") == ["choose at least one entry"]
    too_many = list(range(1, reviewing.MAX_ENTRIES + 2))
    with pytest.raises(ValidationFailed) as refused:
        decide(queue, too_many, "publish")
    assert "at most 1,000 entries at a time (this selection has 1,001)" in str(refused.value)


def test_an_entry_chosen_twice_is_decided_once(queue: Queue) -> None:
    entry_id = queue.submitted["slv21"]
    decided = decide(queue, [entry_id, entry_id], "publish")
    assert decided.entry_ids == (entry_id,)
    assert states(queue.engine)[entry_id][0] == "published"


def test_a_batch_publish_publishes_every_waiting_entry_of_the_import_and_only_those(
    queue: Queue,
) -> None:
    with queue.engine.connect() as connection:
        in_batch = sorted(
            int(i)
            for (i,) in connection.execute(
                sa.text(
                    "SELECT id FROM progressentry WHERE import_batch_id = :b "
                    "AND review_state = 'submitted'"
                ),
                {"b": queue.batch_id},
            )
        )
    assert in_batch == sorted([queue.submitted["mob_slv"], queue.submitted["mob_mex"]])
    before = states(queue.engine)
    with db.write_scope(queue.engine) as session:
        decided = reviewing.review_batch(session, queue.batch_id, "publish", by=queue.reviewer)
    assert sorted(decided.entry_ids) == in_batch
    after = states(queue.engine)
    assert {i for i in after if after[i] != before[i]} == set(in_batch)
    assert all(after[i][0] == "published" for i in in_batch)
    with queue.engine.connect() as connection:
        record = connection.execute(
            sa.text(
                "SELECT actor, action FROM auditrecord WHERE entity = 'importbatch' "
                "AND entity_id = :b"
            ),
            {"b": str(queue.batch_id)},
        ).one()
    assert tuple(record) == ("reviewer.one", "publish import")


def test_a_batch_reject_gives_every_entry_the_reason(queue: Queue) -> None:
    with db.write_scope(queue.engine) as session:
        reviewing.review_batch(
            session, queue.batch_id, "reject", by=queue.reviewer, reason="Wrong file."
        )
    after = states(queue.engine)
    for name in ("mob_slv", "mob_mex"):
        assert after[queue.submitted[name]][0:3:2] == ("rejected", "Wrong file.")


def test_a_batch_changed_since_the_reviewer_saw_it_is_refused_whole(queue: Queue) -> None:
    seen = {queue.submitted["mob_slv"]: 1, queue.submitted["mob_mex"]: 1}
    with db.session_scope(queue.engine) as session:  # the importer corrects one meanwhile
        entries.correct_entry(
            session,
            queue.submitted["mob_mex"],
            internet_use(geo_code="MEX", period="2023", indicator_code="UMC_MOBILE_OWNERSHIP"),
            expected_version=1,
            by=queue.second,
            submit=True,
            today=TODAY,
        )
    before = states(queue.engine)
    with pytest.raises(reviewing.EntryRefused) as refused, db.write_scope(queue.engine) as session:
        reviewing.review_batch(
            session, queue.batch_id, "publish", by=queue.reviewer, seen_versions=seen
        )
    assert refused.value.entry_id == queue.submitted["mob_mex"]
    assert states(queue.engine) == before


def test_a_batch_with_nothing_waiting_says_so(queue: Queue) -> None:
    with db.write_scope(queue.engine) as session:
        reviewing.review_batch(session, queue.batch_id, "publish", by=queue.reviewer)
    with pytest.raises(NotAllowed) as refused, db.write_scope(queue.engine) as session:
        reviewing.review_batch(session, queue.batch_id, "publish", by=queue.reviewer)
    assert "No entry of the import mobile.xlsx is waiting for review." == str(refused.value)


# Four eyes: by default a reviewer does not decide on what she entered herself.


@pytest.fixture
def own_entry(queue: Queue) -> int:
    """An entry the reviewer entered and submitted herself."""
    return add(queue.engine, internet_use(geo_code="COL", period="2023"), queue.reviewer)


@pytest.mark.parametrize("action", ["publish", "reject"])
def test_a_reviewer_cannot_decide_on_her_own_entry_by_default(
    queue: Queue, own_entry: int, action: str
) -> None:
    before = states(queue.engine)
    with pytest.raises(reviewing.EntryRefused) as refused:
        decide(queue, [queue.submitted["slv21"], own_entry], action, reason="Mine.")
    assert refused.value.entry_id == own_entry
    assert isinstance(refused.value.cause, NotAllowed)
    assert "another reviewer must" in str(refused.value)
    assert states(queue.engine) == before


def test_with_self_publishing_allowed_she_can_publish_her_own_entry(
    queue: Queue, own_entry: int
) -> None:
    decide(queue, [own_entry], "publish", allow_own=True)
    assert states(queue.engine)[own_entry][:2] == ("published", queue.reviewer.user_id)


def test_another_reviewer_publishes_her_entry(queue: Queue, own_entry: int, engine: Engine) -> None:
    colleague = make_user(engine, "reviewer.two", "reviewer")
    decide(queue, [own_entry], "publish", by=colleague)
    assert states(queue.engine)[own_entry][:2] == ("published", colleague.user_id)


# The role is the one the store holds when the decision is written.


def demote(engine: Engine, username: str, role: str) -> None:
    with engine.begin() as connection:
        connection.execute(
            sa.text('UPDATE "user" SET role = :role WHERE username = :name'),
            {"role": role, "name": username},
        )


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_a_reviewer_demoted_since_she_signed_in_cannot_decide(queue: Queue, role: str) -> None:
    demote(queue.engine, "reviewer.one", role)
    before = states(queue.engine)
    with pytest.raises(NotAllowed) as refused:
        decide(queue, [queue.submitted["slv21"]], "publish")  # her identity still says reviewer
    assert f"Your role is now {role}" in str(refused.value)
    assert states(queue.engine) == before
    with pytest.raises(NotAllowed):
        with db.write_scope(queue.engine) as session:
            reviewing.review_batch(session, queue.batch_id, "publish", by=queue.reviewer)
    assert states(queue.engine) == before
