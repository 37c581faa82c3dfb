"""Reporting cycles, read: which initiatives reported in a cycle, and who answers for each.

A cycle asks every initiative for an update between its start and its due date: a
progress entry of the initiative, submitted or published, created in that window. The
board says per initiative whether it was updated (published), submitted (awaiting
review), overdue (nothing, and the due date has passed) or due (nothing yet). The
admins' edits of cycles are in gdc_tracker.cycles.
"""

from datetime import UTC, date, datetime, time, timedelta

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session, col, select

from gdc_tracker.errors import NotFound
from gdc_tracker.i18n import N_, _
from gdc_tracker.models import (
    AuditRecord,
    FactBasis,
    Initiative,
    ProgressEntry,
    ReportingCycle,
    ReviewState,
)
from gdc_tracker.queries.overview import frame
from gdc_tracker.views import newest

UPDATED, SUBMITTED, OVERDUE, DUE = "updated", "submitted", "overdue", "due"
STATES = (OVERDUE, DUE, SUBMITTED, UPDATED)  # the board's order: what needs action first
NONE = "none"  # no update in the cycle
CYCLE_ENTITY = "reportingcycle"  # how the audit log names a cycle
# Translators: the focal point of an initiative that has none recorded.
NOT_STATED = N_("not stated")  # an initiative with no focal point recorded
BOARD_COLUMNS = [
    "name",
    "slug",
    "lead_sector",
    "focal_point",
    "status",
    "last_update",
    "review_state",
    "is_demo",
    "updated_at",
    "state",
]


def cycles(session: Session) -> pd.DataFrame:
    """Every cycle, newest start first, with its version (for the edit form)."""
    return frame(
        session,
        sa.select(
            col(ReportingCycle.name),
            col(ReportingCycle.starts_on),
            col(ReportingCycle.ends_on),
            col(ReportingCycle.due_on),
            col(ReportingCycle.council_session),
            col(ReportingCycle.basis),
            col(ReportingCycle.source),
            col(ReportingCycle.note),
            col(ReportingCycle.version),
        ).order_by(col(ReportingCycle.starts_on).desc(), col(ReportingCycle.name)),
    )


def cycles_as_of(session: Session) -> datetime | None:
    """When the cycles last changed: the newest audit record of an admin's edit or of a
    reference load (the two ways cycles are written)."""
    latest = session.execute(
        sa.select(sa.func.max(AuditRecord.at)).where(
            col(AuditRecord.entity).in_([CYCLE_ENTITY, "reference"])
        )
    ).scalar()
    return newest([latest])


def get_cycle(session: Session, name: str) -> ReportingCycle:
    cycle = session.exec(select(ReportingCycle).where(ReportingCycle.name == name)).first()
    if cycle is None:
        raise NotFound(_("There is no reporting cycle “{name}”.").format(name=name))
    return cycle


def current_cycle(session: Session, today: date) -> ReportingCycle | None:
    """The cycle under way today (the latest to start, if several are), else the latest
    that started before today, else None."""
    started = select(ReportingCycle).order_by(
        col(ReportingCycle.starts_on).desc(),
        col(ReportingCycle.id).desc(),
    )
    running = started.where(ReportingCycle.starts_on <= today, ReportingCycle.ends_on >= today)
    return (
        session.exec(running).first()
        or session.exec(started.where(ReportingCycle.starts_on < today)).first()
    )


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def _updates(session: Session, cycle: ReportingCycle) -> pd.DataFrame:
    """initiative_id, review_state, is_demo, last_update, updated_at: per initiative, review
    state and demo flag, the newest update created in the cycle's window (UTC days)."""
    entry = ProgressEntry
    keys = (col(entry.initiative_id), col(entry.review_state), col(entry.is_demo))
    statement = (
        sa.select(
            *keys,
            sa.func.max(col(entry.created_at)).label("last_update"),
            sa.func.max(col(entry.updated_at)).label("updated_at"),
        )
        .where(
            col(entry.initiative_id).is_not(None),
            col(entry.indicator_id).is_(None),
            col(entry.review_state).in_([ReviewState.SUBMITTED, ReviewState.PUBLISHED]),
            col(entry.created_at) >= _start_of(cycle.starts_on),
            col(entry.created_at) < _start_of(cycle.due_on + timedelta(days=1)),
        )
        .group_by(*keys)
    )
    updates = frame(session, statement).astype({"initiative_id": "int64"})
    for column in ("last_update", "updated_at"):
        updates[column] = pd.to_datetime(updates[column], utc=True, format="mixed")
    return updates


def _newest_per_initiative(updates: pd.DataFrame) -> pd.DataFrame:
    """initiative_id, review_state, is_demo, last_update, updated_at, any_published: per
    initiative that reported, its newest update, and whether any of them is published."""
    newest = updates.sort_values("last_update", kind="stable").groupby("initiative_id").tail(1)
    published = updates.assign(published=updates["review_state"] == ReviewState.PUBLISHED)
    summary = published.groupby("initiative_id", as_index=False).agg(
        updated_at=("updated_at", "max"), any_published=("published", "any")
    )
    return newest.drop(columns="updated_at").merge(summary, on="initiative_id")


def state_of(any_published: bool, any_submitted: bool, due_on: date, today: date) -> str:
    if any_published:
        return UPDATED
    if any_submitted:
        return SUBMITTED
    return OVERDUE if due_on < today else DUE


def cycle_board(session: Session, name: str, today: date) -> pd.DataFrame:
    """`BOARD_COLUMNS`, one row per initiative: who answers for it, its newest update in
    the cycle (date, review state, demo or not; "none" when there is none) and its state,
    overdue first, then due, submitted and updated, by name within each."""
    cycle = get_cycle(session, name)
    initiatives = frame(
        session,
        sa.select(
            col(Initiative.id),
            col(Initiative.name),
            col(Initiative.slug),
            col(Initiative.lead_sector),
            col(Initiative.focal_point),
            col(Initiative.status),
        ),
    )
    newest = _newest_per_initiative(_updates(session, cycle))
    board = initiatives.merge(newest, left_on="id", right_on="initiative_id", how="left")
    reported = board["review_state"].notna()
    published = board["any_published"].eq(True)
    board = board.assign(
        focal_point=board["focal_point"].fillna(_(NOT_STATED)),
        last_update=[stamp.date() if pd.notna(stamp) else None for stamp in board["last_update"]],
        review_state=board["review_state"].fillna(NONE),
        is_demo=board["is_demo"].eq(True),
        state=[
            state_of(bool(was_published), bool(has), cycle.due_on, today)
            for was_published, has in zip(published, reported, strict=True)
        ],
    )
    order = board["state"].map({state: rank for rank, state in enumerate(STATES)})
    board = board.assign(order=order).sort_values(["order", "name"], kind="stable")
    return board[BOARD_COLUMNS].reset_index(drop=True)


# Writing (admins)


def focal_points(session: Session) -> pd.DataFrame:
    """slug, name, lead_sector, focal_point, version, basis, section, url, note: every
    initiative with who answers for its updates (None: not stated) and that fact's basis."""
    return frame(
        session,
        sa.select(
            col(Initiative.slug),
            col(Initiative.name),
            col(Initiative.lead_sector),
            col(Initiative.focal_point),
            col(Initiative.version),
            col(FactBasis.basis),
            col(FactBasis.section),
            col(FactBasis.url),
            col(FactBasis.note),
        )
        .join(
            FactBasis,
            sa.and_(
                col(FactBasis.initiative_id) == Initiative.id, col(FactBasis.fact) == "focal_point"
            ),
            isouter=True,
        )
        .order_by(col(Initiative.name)),
    )
