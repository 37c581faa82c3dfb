"""The write side of initiatives: status, narrative and milestones in one saved update.

An update is a progress entry of the initiative: the narrative, the status it proposes
and the milestones it marks done. It goes through review like any entry (draft,
submitted, published or rejected; corrected or withdrawn by its author), and only when
it is published does the initiative's status change and do its milestones count as done
(`entries.review`). Until then the explore pages, exports and slides show the initiative
as it was: a draft never reaches the public.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from gdc_tracker.auth import Identity, authorize
from gdc_tracker.entries import EntryDraft, add_entry
from gdc_tracker.errors import NotFound, StaleEdit
from gdc_tracker.models import Initiative, ProgressEntry, Role


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


def draft_of(update: InitiativeUpdate) -> EntryDraft:
    """The update as the entry it is saved as."""
    return EntryDraft(
        period=update.period,
        initiative_slug=update.slug,
        status=update.status,
        narrative=update.narrative,
        evidence_url=update.evidence_url,
        milestones_done=tuple(sorted(update.milestones_done)),
    )


def save_update(
    session: Session,
    update: InitiativeUpdate,
    *,
    expected_version: int,
    by: Identity,
    submit: bool = False,
    today: date | None = None,
) -> ProgressEntry:
    """Save an editor's update as a draft or submitted entry of the initiative.

    A proposed status change is refused (StaleEdit) if the initiative changed since the
    editor opened it (a published update, an admin's edit): the editor proposes a change
    from what they saw, never over what they did not. A narrative alone never overwrites
    anything (it is a new entry).
    """
    by = authorize(session, by, Role.EDITOR, "update initiatives")
    initiative = get_initiative(session, update.slug)
    if update.status != initiative.status and initiative.version != expected_version:
        raise StaleEdit(
            current={
                "status": initiative.status,
                "version": initiative.version,
                "name": initiative.name,
            }
        )
    return add_entry(session, draft_of(update), by=by, submit=submit, today=today)
