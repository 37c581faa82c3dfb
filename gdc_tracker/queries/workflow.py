"""Reads for the secretariat: entries by state and author, the review queue, users, audit."""

from datetime import datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session, col

from gdc_tracker.models import (
    AuditRecord,
    Geography,
    ImportBatch,
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
            col(ProgressEntry.id),
            col(ProgressEntry.version),
            col(ProgressEntry.review_state),
            sa.func.coalesce(col(Indicator.name), col(Initiative.name)).label("subject"),
            col(Indicator.code).label("indicator_code"),
            col(Initiative.slug).label("initiative_slug"),
            col(ProgressEntry.geo_code),
            col(Geography.name).label("geography"),
            col(ProgressEntry.period),
            col(ProgressEntry.value),
            col(Indicator.unit),
            col(ProgressEntry.disaggregation),
            col(ProgressEntry.status),
            col(ProgressEntry.narrative),
            col(ProgressEntry.evidence_url),
            col(ProgressEntry.source),
            col(ProgressEntry.review_note),
            col(author.username).label("author"),
            col(ProgressEntry.updated_at),
            col(Initiative.status).label("published_status"),
            col(ProgressEntry.milestones_done),
        )
        .join(Indicator, col(Indicator.id) == ProgressEntry.indicator_id, isouter=True)
        .join(Initiative, col(Initiative.id) == ProgressEntry.initiative_id, isouter=True)
        .join(Geography, col(Geography.code) == ProgressEntry.geo_code)
        .join(author, col(author.id) == ProgressEntry.author_id, isouter=True)
    )


def entries_by_author(session: Session, *, user_id: int, limit: int = 200) -> pd.DataFrame:
    """The author's own entries, newest first, with review state and any rejection reason."""
    return frame(
        session,
        _entries_statement()
        .where(col(ProgressEntry.author_id) == user_id)
        .order_by(col(ProgressEntry.updated_at).desc())
        .limit(limit),
    )


# The review queue. Its queries read the submitted entries through the partial index
# ix_progressentry_submitted (updated_at, id), so they cost what the queue holds, not what
# the store holds. SQLite has no statistics (the app never runs ANALYZE) and takes a
# partial index only when the query repeats its condition word for word (a bound
# parameter is not the same words) and constrains its first column; left to itself it
# counted by scanning another index over every entry (50-90 ms at a million).
SUBMITTED_ONLY = sa.text("progressentry.review_state = 'submitted'")
EVER = datetime(1970, 1, 1)  # every entry was updated after it: the index's range
QUEUE_FILTERS = ("indicator", "geo", "author", "batch")


def _waiting(
    statement: sa.Select,
    *,
    indicator: str | None = None,
    geo: str | None = None,
    author: str | None = None,
    batch: int | None = None,
) -> sa.Select:
    """`statement` limited to submitted entries matching the queue's filters: an indicator
    code, a geography code, an author's username, an import batch id (None: any)."""
    statement = statement.where(SUBMITTED_ONLY, col(ProgressEntry.updated_at) >= EVER)
    if indicator:
        code = (
            sa.select(col(Indicator.id)).where(col(Indicator.code) == indicator).scalar_subquery()
        )
        statement = statement.where(col(ProgressEntry.indicator_id) == code)
    if geo:
        statement = statement.where(col(ProgressEntry.geo_code) == geo)
    if author:
        user_id = sa.select(col(User.id)).where(col(User.username) == author).scalar_subquery()
        # Through coalesce, not the column: the author index lists every entry an author
        # ever made, published ones included (100 ms for a prolific author on SQLite),
        # where the queue's index holds only what waits.
        statement = statement.where(sa.func.coalesce(ProgressEntry.author_id, 0) == user_id)
    if batch is not None:
        statement = statement.where(col(ProgressEntry.import_batch_id) == batch)
    return statement


def _published_value() -> sa.ScalarSelect:
    """The value published now for the same cell as the queued entry (None for a new one)."""
    current = sa.orm.aliased(ProgressEntry)
    return (
        sa.select(col(current.value))
        .where(
            col(current.indicator_id) == ProgressEntry.indicator_id,
            col(current.geo_code) == ProgressEntry.geo_code,
            col(current.period) == ProgressEntry.period,
            col(current.disaggregation) == ProgressEntry.disaggregation,
            col(current.review_state) == ReviewState.PUBLISHED,
            col(current.id) != ProgressEntry.id,
        )
        .limit(1)
        .scalar_subquery()
    )


def review_queue(
    session: Session,
    *,
    indicator: str | None = None,
    geo: str | None = None,
    author: str | None = None,
    batch: int | None = None,
    limit: int = 500,
    offset: int = 0,
) -> pd.DataFrame:
    """Submitted entries (indicator values and initiative updates), oldest first, one page
    of them, with the value published now for the same cell."""
    statement = (
        _entries_statement()
        .add_columns(
            _published_value().label("published_value"),
            col(ProgressEntry.author_id),
            col(ProgressEntry.import_batch_id),
        )
        .order_by(col(ProgressEntry.updated_at), col(ProgressEntry.id))
        .limit(limit)
        .offset(offset)
    )
    return frame(
        session, _waiting(statement, indicator=indicator, geo=geo, author=author, batch=batch)
    )


def review_queue_count(
    session: Session,
    *,
    indicator: str | None = None,
    geo: str | None = None,
    author: str | None = None,
    batch: int | None = None,
) -> int:
    """How many submitted entries match the filters: one COUNT, no rows loaded."""
    statement = sa.select(sa.func.count()).select_from(ProgressEntry)
    filtered = _waiting(statement, indicator=indicator, geo=geo, author=author, batch=batch)
    return int(session.execute(filtered).scalar_one())


def review_queue_keys(
    session: Session,
    *,
    indicator: str | None = None,
    geo: str | None = None,
    author: str | None = None,
    batch: int | None = None,
    limit: int | None = None,
) -> tuple[tuple[int, int], ...]:
    """(id, version) of the submitted entries matching the filters (the oldest `limit` of
    them), oldest first: what "select all matching" acts on, each at the version the
    reviewer was shown."""
    statement = (
        sa.select(col(ProgressEntry.id), col(ProgressEntry.version))
        .order_by(col(ProgressEntry.updated_at), col(ProgressEntry.id))
        .limit(limit)
    )
    filtered = _waiting(statement, indicator=indicator, geo=geo, author=author, batch=batch)
    return tuple((int(i), int(v)) for i, v in session.execute(filtered))


def review_facets(session: Session) -> dict[str, pd.DataFrame]:
    """What the queue's filters offer, each value with the number of entries waiting:
    indicators (code, name), geographies (code, name), authors (username, display_name)
    and import batches (id, file_name).

    One grouped pass over the waiting entries (the database counts them by indicator,
    geography, author and import together); each list sums those few groups and reads the
    names of the values that occur.
    """
    columns = (
        col(ProgressEntry.indicator_id),
        col(ProgressEntry.geo_code),
        col(ProgressEntry.author_id),
        col(ProgressEntry.import_batch_id),
    )
    groups = frame(
        session,
        _waiting(sa.select(*columns, sa.func.count().label("waiting"))).group_by(*columns),
    )

    def waiting_by(column: str, as_key: type) -> dict[object, int]:
        sums = groups.dropna(subset=[column]).groupby(column)["waiting"].sum()
        return {as_key(value): int(count) for value, count in sums.items()}

    return {
        "indicators": _named(
            session, waiting_by("indicator_id", int), Indicator.id, Indicator.code, Indicator.name
        ),
        "geographies": _named(
            session, waiting_by("geo_code", str), Geography.code, Geography.code, Geography.name
        ),
        "authors": _named(
            session, waiting_by("author_id", int), User.id, User.username, User.display_name
        ),
        "batches": _named(
            session,
            waiting_by("import_batch_id", int),
            ImportBatch.id,
            ImportBatch.id,
            ImportBatch.file_name,
        ),
    }


def _named(
    session: Session, waiting: dict[object, int], key: Any, value: Any, name: Any
) -> pd.DataFrame:
    """The value and name of each key in `waiting` with its count, sorted by name."""
    statement = sa.select(key.label("key"), value, name).where(key.in_(list(waiting)))
    named = frame(session, statement)
    named["waiting"] = [waiting[k] for k in named["key"]]
    return named.drop(columns="key").sort_values(named.columns[2]).reset_index(drop=True)


def import_batches_waiting(session: Session) -> pd.DataFrame:
    """Imports with entries still waiting for review, oldest first: id, file_name,
    indicator_codes, imported_by, created_at, summary (the preview's counts) and waiting."""
    waiting = (
        _waiting(sa.select(col(ProgressEntry.import_batch_id), sa.func.count().label("waiting")))
        .where(col(ProgressEntry.import_batch_id).is_not(None))
        .group_by(col(ProgressEntry.import_batch_id))
        .subquery()
    )
    importer = sa.orm.aliased(User)
    return frame(
        session,
        sa.select(
            col(ImportBatch.id),
            col(ImportBatch.file_name),
            col(ImportBatch.indicator_codes),
            col(importer.username).label("imported_by"),
            col(ImportBatch.created_at),
            col(ImportBatch.summary),
            waiting.c.waiting,
        )
        .join(waiting, waiting.c.import_batch_id == col(ImportBatch.id))
        .join(importer, col(importer.id) == ImportBatch.created_by, isouter=True)
        .order_by(col(ImportBatch.created_at), col(ImportBatch.id)),
    )


def entry_row(session: Session, *, entry_id: int) -> pd.DataFrame:
    return frame(session, _entries_statement().where(col(ProgressEntry.id) == entry_id))


def users(session: Session) -> pd.DataFrame:
    """username, display_name, email, role, is_active, created_at (never the hash)."""
    return frame(
        session,
        sa.select(
            col(User.id),
            col(User.username),
            col(User.display_name),
            col(User.email),
            col(User.role),
            col(User.is_active),
            col(User.created_at),
        ).order_by(col(User.username)),
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
        col(AuditRecord.id),
        col(AuditRecord.at),
        col(AuditRecord.actor),
        col(AuditRecord.action),
        col(AuditRecord.entity),
        col(AuditRecord.entity_id),
        col(AuditRecord.before),
        col(AuditRecord.after),
    )
    for column, value in (
        (col(AuditRecord.actor), actor),
        (col(AuditRecord.entity), entity),
        (col(AuditRecord.entity_id), entity_id),
        (col(AuditRecord.action), action),
    ):
        if value:
            statement = statement.where(column == value)
    if since is not None:
        statement = statement.where(col(AuditRecord.at) >= since)
    result = frame(session, statement.order_by(col(AuditRecord.id).desc()).limit(limit))
    result["at"] = pd.to_datetime(result["at"], utc=True, format="mixed")
    return result


def audit_choices(session: Session) -> dict[str, list[str]]:
    """The distinct actors, actions and entities, for the audit log's filters."""
    return {
        name: sorted(v for v in session.execute(sa.select(column).distinct()).scalars() if v)
        for name, column in (
            ("actor", col(AuditRecord.actor)),
            ("action", col(AuditRecord.action)),
            ("entity", col(AuditRecord.entity)),
        )
    }


def changelog(
    session: Session, *, entity: str, entity_ids: tuple[str, ...], limit: int = 50
) -> pd.DataFrame:
    """The audit records of some rows (an initiative, or an indicator's entries)."""
    statement = (
        sa.select(
            col(AuditRecord.at),
            col(AuditRecord.actor),
            col(AuditRecord.action),
            col(AuditRecord.entity_id),
            col(AuditRecord.before),
            col(AuditRecord.after),
        )
        .where(col(AuditRecord.entity) == entity, col(AuditRecord.entity_id).in_(entity_ids))
        .order_by(col(AuditRecord.id).desc())
        .limit(limit)
    )
    result = frame(session, statement)
    result["at"] = pd.to_datetime(result["at"], utc=True, format="mixed")
    return result


def indicator_changelog(session: Session, *, indicator_code: str, limit: int = 50) -> pd.DataFrame:
    """Audit records of the entries of one indicator (people's edits, not the demo seed)."""
    ids = (
        sa.select(sa.cast(col(ProgressEntry.id), sa.String))
        .join(Indicator, col(Indicator.id) == ProgressEntry.indicator_id)
        .where(col(Indicator.code) == indicator_code)
    )
    statement = (
        sa.select(
            col(AuditRecord.at),
            col(AuditRecord.actor),
            col(AuditRecord.action),
            col(AuditRecord.entity_id),
            col(AuditRecord.before),
            col(AuditRecord.after),
        )
        .where(col(AuditRecord.entity) == "progressentry", col(AuditRecord.entity_id).in_(ids))
        .order_by(col(AuditRecord.id).desc())
        .limit(limit)
    )
    result = frame(session, statement)
    result["at"] = pd.to_datetime(result["at"], utc=True, format="mixed")
    return result


def initiative_changelog(session: Session, *, slug: str, limit: int = 50) -> pd.DataFrame:
    """Audit records of one initiative and of its narrative entries and milestones."""
    from gdc_tracker.models import Milestone

    initiative_id = session.execute(
        sa.select(col(Initiative.id)).where(col(Initiative.slug) == slug)
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
            col(AuditRecord.at),
            col(AuditRecord.actor),
            col(AuditRecord.action),
            col(AuditRecord.entity),
            col(AuditRecord.entity_id),
            col(AuditRecord.before),
            col(AuditRecord.after),
        )
        .where(
            sa.or_(
                sa.and_(
                    col(AuditRecord.entity) == "initiative",
                    col(AuditRecord.entity_id) == str(initiative_id),
                ),
                sa.and_(
                    col(AuditRecord.entity) == "progressentry",
                    col(AuditRecord.entity_id).in_(entry_ids),
                ),
                sa.and_(
                    col(AuditRecord.entity) == "milestone",
                    col(AuditRecord.entity_id).in_(milestone_ids),
                ),
            )
        )
        .order_by(col(AuditRecord.id).desc())
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
                col(Indicator.code),
                col(Indicator.name),
                col(Indicator.unit),
                col(Indicator.kind),
                col(Indicator.min_value),
                col(Indicator.max_value),
                col(Indicator.disaggregations),
                col(Indicator.geographies),
            )
            .where(col(Indicator.is_active))
            .order_by(col(Indicator.name)),
        ),
        "geographies": frame(
            session,
            sa.select(col(Geography.code), col(Geography.name), col(Geography.kind)).order_by(
                col(Geography.kind).desc(), col(Geography.name)
            ),
        ),
        "initiatives": frame(
            session,
            sa.select(
                col(Initiative.slug),
                col(Initiative.name),
                col(Initiative.status),
                col(Initiative.version),
            ).order_by(col(Initiative.name)),
        ),
    }


def milestone_titles(session: Session, *, ids: tuple[int, ...]) -> list[str]:
    """The titles of these milestones, by due date: what an initiative update marks done."""
    from gdc_tracker.models import Milestone

    if not ids:
        return []
    return list(
        session.execute(
            sa.select(col(Milestone.title))
            .where(col(Milestone.id).in_(ids))
            .order_by(col(Milestone.due_date), col(Milestone.id))
        ).scalars()
    )


def pending_initiative_updates(session: Session, *, slug: str) -> pd.DataFrame:
    """id, status, review_state, author: updates of the initiative not yet decided."""
    return frame(
        session,
        sa.select(
            col(ProgressEntry.id),
            col(ProgressEntry.status),
            col(ProgressEntry.review_state),
            col(author.username).label("author"),
        )
        .join(Initiative, col(Initiative.id) == ProgressEntry.initiative_id)
        .join(author, col(author.id) == ProgressEntry.author_id, isouter=True)
        .where(
            col(Initiative.slug) == slug,
            col(ProgressEntry.review_state).in_((ReviewState.DRAFT, ReviewState.SUBMITTED)),
        )
        .order_by(col(ProgressEntry.id)),
    )


def milestones(session: Session, *, slug: str) -> pd.DataFrame:
    """id, title, due_date, done, done_date of one initiative's milestones."""
    from gdc_tracker.models import Milestone

    return frame(
        session,
        sa.select(
            col(Milestone.id),
            col(Milestone.title),
            col(Milestone.due_date),
            col(Milestone.done),
            col(Milestone.done_date),
        )
        .join(Initiative, col(Initiative.id) == Milestone.initiative_id)
        .where(col(Initiative.slug) == slug)
        .order_by(col(Milestone.due_date)),
    )
