"""The append-only audit record and the data-version bump every write shares."""

from datetime import date, datetime
from typing import Any

from sqlmodel import Session, SQLModel

from gdc_tracker.db import bump_data_version
from gdc_tracker.models import AuditRecord

SYSTEM_ACTOR = "system"


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
    """Append an audit record and bump the data version, inside the caller's transaction."""
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
    bump_data_version(session)
