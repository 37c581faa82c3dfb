"""Reads for the secretariat: entries by state and author, the review queue, users, audit."""

from datetime import datetime

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from gdc_tracker.models import (
    AuditRecord,
    Geography,
    Indicator,
    Initiative,
    ProgressEntry,
    ReviewState,
    User,
)
from gdc_tracker.queries.overview import frame

author = sa.orm.aliased(User)


def _entries_statement() -> sa.Select:
    return (
        sa.select(
            ProgressEntry.id,
            ProgressEntry.version,
            ProgressEntry.review_state,
            sa.func.coalesce(Indicator.name, Initiative.name).label("subject"),
            Indicator.code.label("indicator_code"),
            Initiative.slug.label("initiative_slug"),
            ProgressEntry.geo_code,
            Geography.name.label("geography"),  # type: ignore[attr-defined]
            ProgressEntry.period,
            ProgressEntry.value,
            Indicator.unit,
            ProgressEntry.disaggregation,
            ProgressEntry.status,
            ProgressEntry.narrative,
            ProgressEntry.evidence_url,
            ProgressEntry.source,
            ProgressEntry.review_note,
            author.username.label("author"),
            ProgressEntry.updated_at,
        )
        .join(Indicator, Indicator.id == ProgressEntry.indicator_id, isouter=True)
        .join(Initiative, Initiative.id == ProgressEntry.initiative_id, isouter=True)
        .join(Geography, Geography.code == ProgressEntry.geo_code)
        .join(author, author.id == ProgressEntry.author_id, isouter=True)
    )


def entries_by_author(session: Session, *, user_id: int, limit: int = 200) -> pd.DataFrame:
    """The author's own entries, newest first, with review state and any rejection reason."""
    return frame(
        session,
        _entries_statement()
        .where(ProgressEntry.author_id == user_id)
        .order_by(ProgressEntry.updated_at.desc())
        .limit(limit),
    )


def review_queue(session: Session, *, limit: int = 500) -> pd.DataFrame:
    """Submitted entries, oldest first, with the currently published value for the same cell."""
    current = sa.orm.aliased(ProgressEntry)
    published_value = (
        sa.select(current.value)
        .where(
            current.indicator_id == ProgressEntry.indicator_id,
            current.geo_code == ProgressEntry.geo_code,
            current.period == ProgressEntry.period,
            current.disaggregation == ProgressEntry.disaggregation,
            current.review_state == ReviewState.PUBLISHED,
            current.id != ProgressEntry.id,
        )
        .limit(1)
        .scalar_subquery()
    )
    statement = (
        _entries_statement()
        .add_columns(published_value.label("published_value"))
        .where(ProgressEntry.review_state == ReviewState.SUBMITTED)
        .order_by(ProgressEntry.updated_at, ProgressEntry.id)
        .limit(limit)
    )
    return frame(session, statement)


def entry_row(session: Session, *, entry_id: int) -> pd.DataFrame:
    return frame(session, _entries_statement().where(ProgressEntry.id == entry_id))


def users(session: Session) -> pd.DataFrame:
    """username, display_name, email, role, is_active, created_at (never the hash)."""
    return frame(
        session,
        sa.select(
            User.id,
            User.username,
            User.display_name,
            User.email,
            User.role,
            User.is_active,
            User.created_at,
        ).order_by(User.username),
    )


def audit_log(
    session: Session,
    *,
    actor: str | None = None,
    entity: str | None = None,
    entity_id: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    limit: int = 1_000,
) -> pd.DataFrame:
    """at, actor, action, entity, entity_id, before, after: newest first."""
    statement = sa.select(
        AuditRecord.id,
        AuditRecord.at,
        AuditRecord.actor,
        AuditRecord.action,
        AuditRecord.entity,
        AuditRecord.entity_id,
        AuditRecord.before,
        AuditRecord.after,
    )
    for column, value in (
        (AuditRecord.actor, actor),
        (AuditRecord.entity, entity),
        (AuditRecord.entity_id, entity_id),
        (AuditRecord.action, action),
    ):
        if value:
            statement = statement.where(column == value)
    if since is not None:
        statement = statement.where(AuditRecord.at >= since)
    result = frame(session, statement.order_by(AuditRecord.id.desc()).limit(limit))
    result["at"] = pd.to_datetime(result["at"], utc=True, format="mixed")
    return result


def audit_choices(session: Session) -> dict[str, list[str]]:
    """The distinct actors, actions and entities, for the audit log's filters."""
    return {
        name: sorted(v for v in session.execute(sa.select(column).distinct()).scalars() if v)
        for name, column in (
            ("actor", AuditRecord.actor),
            ("action", AuditRecord.action),
            ("entity", AuditRecord.entity),
        )
    }


def changelog(
    session: Session, *, entity: str, entity_ids: tuple[str, ...], limit: int = 50
) -> pd.DataFrame:
    """The audit records of some rows (an initiative, or an indicator's entries)."""
    statement = (
        sa.select(
            AuditRecord.at,
            AuditRecord.actor,
            AuditRecord.action,
            AuditRecord.entity_id,
            AuditRecord.before,
            AuditRecord.after,
        )
        .where(AuditRecord.entity == entity, AuditRecord.entity_id.in_(entity_ids))  # type: ignore[attr-defined]
        .order_by(AuditRecord.id.desc())
        .limit(limit)
    )
    result = frame(session, statement)
    result["at"] = pd.to_datetime(result["at"], utc=True, format="mixed")
    return result


def indicator_changelog(session: Session, *, indicator_code: str, limit: int = 50) -> pd.DataFrame:
    """Audit records of the entries of one indicator (people's edits, not the demo seed)."""
    ids = (
        sa.select(sa.cast(ProgressEntry.id, sa.String))
        .join(Indicator, Indicator.id == ProgressEntry.indicator_id)
        .where(Indicator.code == indicator_code)
    )
    statement = (
        sa.select(
            AuditRecord.at,
            AuditRecord.actor,
            AuditRecord.action,
            AuditRecord.entity_id,
            AuditRecord.before,
            AuditRecord.after,
        )
        .where(AuditRecord.entity == "progressentry", AuditRecord.entity_id.in_(ids))  # type: ignore[attr-defined]
        .order_by(AuditRecord.id.desc())
        .limit(limit)
    )
    result = frame(session, statement)
    result["at"] = pd.to_datetime(result["at"], utc=True, format="mixed")
    return result


def initiative_changelog(session: Session, *, slug: str, limit: int = 50) -> pd.DataFrame:
    """Audit records of one initiative and of its narrative entries and milestones."""
    from gdc_tracker.models import Milestone

    initiative_id = session.execute(
        sa.select(Initiative.id).where(Initiative.slug == slug)
    ).scalar()
    if initiative_id is None:
        return changelog(session, entity="initiative", entity_ids=("-",), limit=limit)
    entry_ids = sa.select(sa.cast(ProgressEntry.id, sa.String)).where(
        ProgressEntry.initiative_id == initiative_id
    )
    milestone_ids = sa.select(sa.cast(Milestone.id, sa.String)).where(
        Milestone.initiative_id == initiative_id
    )
    statement = (
        sa.select(
            AuditRecord.at,
            AuditRecord.actor,
            AuditRecord.action,
            AuditRecord.entity,
            AuditRecord.entity_id,
            AuditRecord.before,
            AuditRecord.after,
        )
        .where(
            sa.or_(
                sa.and_(
                    AuditRecord.entity == "initiative", AuditRecord.entity_id == str(initiative_id)
                ),
                sa.and_(
                    AuditRecord.entity == "progressentry", AuditRecord.entity_id.in_(entry_ids)
                ),  # type: ignore[attr-defined]
                sa.and_(
                    AuditRecord.entity == "milestone", AuditRecord.entity_id.in_(milestone_ids)
                ),  # type: ignore[attr-defined]
            )
        )
        .order_by(AuditRecord.id.desc())
        .limit(limit)
    )
    result = frame(session, statement)
    result["at"] = pd.to_datetime(result["at"], utc=True, format="mixed")
    return result


def form_choices(session: Session) -> dict[str, pd.DataFrame]:
    """What the entry forms offer: active indicators, geographies, initiatives."""
    return {
        "indicators": frame(
            session,
            sa.select(
                Indicator.code,
                Indicator.name,
                Indicator.unit,
                Indicator.kind,
                Indicator.min_value,
                Indicator.max_value,
                Indicator.disaggregations,
                Indicator.geographies,
            )
            .where(Indicator.is_active)
            .order_by(Indicator.name),
        ),
        "geographies": frame(
            session,
            sa.select(Geography.code, Geography.name, Geography.kind).order_by(
                Geography.kind.desc(), Geography.name
            ),
        ),  # type: ignore[attr-defined]
        "initiatives": frame(
            session,
            sa.select(
                Initiative.slug, Initiative.name, Initiative.status, Initiative.version
            ).order_by(Initiative.name),
        ),
    }


def milestones(session: Session, *, slug: str) -> pd.DataFrame:
    """id, title, due_date, done, done_date of one initiative's milestones."""
    from gdc_tracker.models import Milestone

    return frame(
        session,
        sa.select(
            Milestone.id, Milestone.title, Milestone.due_date, Milestone.done, Milestone.done_date
        )
        .join(Initiative, Initiative.id == Milestone.initiative_id)
        .where(Initiative.slug == slug)
        .order_by(Milestone.due_date),
    )
