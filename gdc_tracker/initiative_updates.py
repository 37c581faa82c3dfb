"""The write side of initiatives: status, narrative and milestones in one saved update.

An update changes the initiative's status (checked against the version the editor
started from), records the narrative as a progress entry of the initiative (draft or
submitted, reviewed like any entry) and marks milestones done, all in one transaction
with one audit record per changed row.
"""

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from gdc_tracker.audit import record_change, snapshot
from gdc_tracker.auth import Identity, require
from gdc_tracker.entries import EntryDraft, add_entry
from gdc_tracker.errors import NotFound, StaleEdit
from gdc_tracker.models import Initiative, InitiativeStatus, Milestone, ProgressEntry, Role, utc_now


@dataclass(frozen=True)
class InitiativeUpdate:
    slug: str
    status: str
    narrative: str
    period: str
    evidence_url: str | None = None
    milestones_done: frozenset[int] = field(default_factory=frozenset)


def get_initiative(session: Session, slug: str) -> Initiative:
    initiative = session.exec(select(Initiative).where(Initiative.slug == slug)).first()
    if initiative is None:
        raise NotFound(f"initiative '{slug}' does not exist")
    return initiative


def save_update(
    session: Session,
    update: InitiativeUpdate,
    *,
    expected_version: int,
    by: Identity,
    submit: bool = False,
    today: date | None = None,
) -> ProgressEntry:
    """Apply an editor's update.

    A status change is refused (StaleEdit) if the initiative's status was changed since the
    editor opened it; a narrative alone never overwrites anything (it is a new entry).
    """
    require(by, Role.EDITOR, "update initiatives")
    initiative = get_initiative(session, update.slug)
    entry = add_entry(
        session,
        EntryDraft(
            period=update.period,
            initiative_slug=update.slug,
            status=update.status,
            narrative=update.narrative,
            evidence_url=update.evidence_url,
        ),
        by=by,
        submit=submit,
        today=today,
    )
    if update.status != initiative.status:
        before = snapshot(initiative)
        claimed = session.execute(
            sa.update(Initiative)
            .where(Initiative.id == initiative.id, Initiative.version == expected_version)
            .values(
                status=InitiativeStatus(update.status),
                version=Initiative.version + 1,
                updated_at=utc_now(),
            )
        )
        if claimed.rowcount == 0:  # type: ignore[attr-defined]
            session.refresh(initiative)
            raise StaleEdit(current=snapshot(initiative) or {})
        session.refresh(initiative)
        record_change(
            session,
            actor=by.username,
            action="change status",
            entity="initiative",
            entity_id=initiative.id,
            before=before,
            after=snapshot(initiative),
            user_id=by.user_id,
        )
    for milestone in session.exec(
        select(Milestone).where(Milestone.initiative_id == initiative.id, Milestone.done.is_(False))
    ):  # type: ignore[attr-defined]
        if milestone.id in update.milestones_done:
            before = snapshot(milestone)
            milestone.done, milestone.done_date = True, today or date.today()
            milestone.version += 1
            session.add(milestone)
            session.flush()
            record_change(
                session,
                actor=by.username,
                action="milestone done",
                entity="milestone",
                entity_id=milestone.id,
                before=before,
                after=snapshot(milestone),
                user_id=by.user_id,
            )
    return entry
