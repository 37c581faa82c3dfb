"""The append-only audit record and the data-version bump every write shares."""

from datetime import date, datetime
from typing import Any

from sqlmodel import Session, SQLModel

from gdc_tracker.db import bump_data_version
from gdc_tracker.models import AuditRecord


def snapshot(row: SQLModel | None) -> dict[str, Any] | None:
    """A JSON-safe copy of a row's values, for the before/after of an audit record."""
    if row is None:
        return None
    values = row.model_dump()
    return {
        key: value.isoformat() if isinstance(value, date | datetime) else value
        for key, value in values.items()
    }


def record_change(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: object,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    user_id: int | None = None,
) -> None:
    """Append an audit record and bump the data version, inside the caller's transaction
    (the public one too, unless the change is one only the secretariat reads)."""
    session.add(
        AuditRecord(
            user_id=user_id,
            actor=actor,
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            before=before,
            after=after,
        )
    )
    bump_data_version(session, public=seen_by_the_public(entity, before, after))


# What a reader of published data never sees: entries that are not published, before and
# after the change (a draft saved, submitted, rejected or withdrawn), and files imported
# as draft or submitted, which leave every published value as it was.
UNPUBLISHED_STATES = frozenset({"draft", "submitted", "rejected"})


def seen_by_the_public(
    entity: str, before: dict[str, Any] | None, after: dict[str, Any] | None
) -> bool:
    """Whether a change may alter what a reader of published data sees. When unsure, yes:
    a live screen that reruns for nothing costs a rerun; one that misses a change is wrong."""
    if entity == "progressentry":
        states = {snapshot.get("review_state") for snapshot in (before, after) if snapshot}
        return not states or not states <= UNPUBLISHED_STATES
    if entity == "import":
        return (after or {}).get("state") not in UNPUBLISHED_STATES
    return True
