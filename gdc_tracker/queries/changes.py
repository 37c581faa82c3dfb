"""What changed since a date (the last Council session, say): for the page and the slide.

Published entries added, published entries corrected, initiative statuses changed,
milestones passed or slipped, initiatives added. Entries added are counted per indicator
in SQL (there may be thousands); the rest are listed one by one.
"""

from datetime import UTC, date, datetime, time

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from gdc_tracker.models import (
    AuditRecord,
    Indicator,
    Initiative,
    Milestone,
    ProgressEntry,
    ReviewState,
)
from gdc_tracker.queries.overview import frame, published

COLUMNS = ["at", "kind", "subject", "detail"]
# How each kind of change is headed where it is counted (page, slide, exports).
CHANGE_LABELS = {
    "entries added": "Entries published",
    "entry corrected": "Corrections",
    "status changed": "Status changes",
    "milestone passed": "Milestones passed",
    "milestone slipped": "Milestones slipped",
    "initiative added": "Initiatives added",
}


def _start(since: date) -> datetime:
    return datetime.combine(since, time.min, tzinfo=UTC)


def entries_added(session: Session, *, since: date) -> pd.DataFrame:
    """indicator, entries, geographies, newest: published entries created since, per indicator."""
    subject = sa.func.coalesce(Indicator.name, Initiative.name)
    return frame(
        session,
        sa.select(
            subject.label("subject"),
            sa.func.count().label("entries"),
            sa.func.count(sa.distinct(ProgressEntry.geo_code)).label("geographies"),
            sa.func.max(ProgressEntry.created_at).label("newest"),
        )
        .join(Indicator, Indicator.id == ProgressEntry.indicator_id, isouter=True)
        .join(Initiative, Initiative.id == ProgressEntry.initiative_id, isouter=True)
        .where(published, ProgressEntry.created_at >= _start(since))
        .group_by(subject)
        .order_by(sa.func.count().desc()),
    )


def _audit(session: Session, *, since: date, entity: str, action: str) -> pd.DataFrame:
    return frame(
        session,
        sa.select(
            AuditRecord.at,
            AuditRecord.actor,
            AuditRecord.entity_id,
            AuditRecord.before,
            AuditRecord.after,
        )
        .where(
            AuditRecord.entity == entity,
            AuditRecord.action == action,
            AuditRecord.at >= _start(since),
        )
        .order_by(AuditRecord.at),
    )


def _corrections(session: Session, since: date) -> list[dict]:
    """Published values replaced by a published correction since the date.

    Read from the "supersede entry" records (written only when a correction is published),
    never from edits of drafts and submissions, which the public never saw.
    """
    records = _audit(session, since=since, entity="progressentry", action="supersede entry")
    if records.empty:
        return []
    originals = [int(i) for i in records["entity_id"]]
    replacements = dict(
        session.execute(
            sa.select(ProgressEntry.supersedes_id, ProgressEntry.value).where(
                ProgressEntry.supersedes_id.in_(originals),  # type: ignore[union-attr]
                ProgressEntry.review_state.in_(  # type: ignore[attr-defined]
                    (ReviewState.PUBLISHED, ReviewState.SUPERSEDED)
                ),
            )
        ).all()
    )
    rows = []
    for record in records.itertuples():
        before = record.before or {}
        rows.append(
            {
                "at": record.at,
                "kind": "entry corrected",
                "subject": f"entry {record.entity_id} "
                f"({before.get('geo_code')}, {before.get('period')})",
                "detail": f"{before.get('value')} → "
                f"{replacements.get(int(record.entity_id))} by {record.actor}",
            }
        )
    return rows


def _status_changes(session: Session, since: date) -> list[dict]:
    names = dict(
        session.execute(sa.select(sa.cast(Initiative.id, sa.String), Initiative.name)).all()
    )
    return [
        {
            "at": r.at,
            "kind": "status changed",
            "subject": names.get(r.entity_id, r.entity_id),
            "detail": f"{(r.before or {}).get('status')} → {(r.after or {}).get('status')}",
        }
        for r in _audit(
            session, since=since, entity="initiative", action="change status"
        ).itertuples()
    ]


def _milestones(session: Session, since: date, today: date) -> list[dict]:
    statement = (
        sa.select(
            Milestone.title,
            Milestone.due_date,
            Milestone.done,
            Milestone.done_date,
            Initiative.name,
        )
        .join(Initiative, Initiative.id == Milestone.initiative_id)
        .where(
            sa.or_(
                Milestone.done_date >= since,
                sa.and_(Milestone.due_date >= since, Milestone.due_date <= today),
            )
        )
    )
    rows = []
    for title, due, done, done_date, initiative in session.execute(statement).all():
        if done:
            rows.append(
                {
                    "at": _start(done_date or due),
                    "kind": "milestone passed",
                    "subject": initiative,
                    "detail": title,
                }
            )
        else:
            rows.append(
                {
                    "at": _start(due),
                    "kind": "milestone slipped",
                    "subject": initiative,
                    "detail": f"{title} (due {due})",
                }
            )
    return rows


def _initiatives_added(session: Session, since: date) -> list[dict]:
    statement = sa.select(Initiative.created_at, Initiative.name, Initiative.lead_sector).where(
        Initiative.created_at >= _start(since)
    )
    return [
        {"at": at, "kind": "initiative added", "subject": name, "detail": lead}
        for at, name, lead in session.execute(statement).all()
    ]


def changes_since(session: Session, *, since: date, today: date | None = None) -> pd.DataFrame:
    """at, kind, subject, detail: every change but new entries, newest first."""
    today = today or date.today()
    rows = (
        _corrections(session, since)
        + _status_changes(session, since)
        + _milestones(session, since, today)
        + _initiatives_added(session, since)
    )
    result = pd.DataFrame(rows, columns=COLUMNS)
    result["at"] = pd.to_datetime(result["at"], utc=True, format="mixed")
    return result.sort_values("at", ascending=False, kind="stable").reset_index(drop=True)


def change_summary(session: Session, *, since: date, today: date | None = None) -> pd.DataFrame:
    """kind, count: how many changes of each kind since the date."""
    added = entries_added(session, since=since)
    changes = changes_since(session, since=since, today=today)
    counts = changes.groupby("kind").size() if len(changes) else pd.Series(dtype=int)
    rows = [("entries added", int(added["entries"].sum()) if len(added) else 0)]
    kinds = (
        "entry corrected",
        "status changed",
        "milestone passed",
        "milestone slipped",
        "initiative added",
    )
    rows += [(kind, int(counts.get(kind, 0))) for kind in kinds]
    return pd.DataFrame(rows, columns=["kind", "count"])
