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
from typing import Any, cast

import sqlalchemy as sa
from sqlmodel import Session, col, select

from gdc_tracker.audit import record_change, snapshot
from gdc_tracker.auth import Identity, authorize
from gdc_tracker.entries import EntryDraft, add_entry, too_long
from gdc_tracker.errors import FieldProblem, NotFound, StaleEdit, ValidationFailed
from gdc_tracker.framework_reference import LINK_BASES, unsupported_basis
from gdc_tracker.i18n import N_, _
from gdc_tracker.models import FactBasis, Initiative, ProgressEntry, Role, utc_now


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
        raise NotFound(_("initiative '{slug}' does not exist").format(slug=slug))
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
    by = authorize(session, by, Role.EDITOR, N_("update initiatives"))
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


FOCAL_POINT_BASES = tuple(str(basis) for basis in LINK_BASES)
FOCAL_POINT_MAX = 200


def _focal_point_problems(
    focal_point: str, basis: str, section: str, url: str, note: str
) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if len(focal_point) > FOCAL_POINT_MAX:
        problems.append(FieldProblem("focal_point", too_long(FOCAL_POINT_MAX)))
    if not focal_point:
        return problems  # clearing it: "not stated" needs no basis
    gap = unsupported_basis(basis, section, url, note)
    return [*problems, FieldProblem(*gap)] if gap else problems


def set_focal_point(
    session: Session,
    slug: str,
    *,
    focal_point: str,
    basis: str = "",
    section: str = "",
    url: str = "",
    note: str = "",
    expected_version: int,
    by: Identity,
) -> Initiative:
    """Record who answers for the initiative's updates (admins only), with the basis of
    that fact like every other: stated in C25/52 (section), public information (url) or
    an editorial choice (note). An empty focal point clears it back to "not stated".

    Refused (StaleEdit) when the initiative changed since `expected_version`; nothing is
    written when a field is wrong (ValidationFailed names it).
    """
    by = authorize(session, by, Role.ADMIN, N_("set focal points"))
    initiative = get_initiative(session, slug)
    if initiative.version != expected_version:
        raise StaleEdit(current=snapshot(initiative) or {})
    focal_point, section, url, note = (v.strip() for v in (focal_point, section, url, note))
    problems = _focal_point_problems(focal_point, basis, section, url, note)
    if problems:
        raise ValidationFailed(problems)
    before = snapshot(initiative)
    claimed = session.execute(
        sa.update(Initiative)
        .where(col(Initiative.id) == initiative.id, col(Initiative.version) == expected_version)
        .values(
            focal_point=focal_point or None,
            version=col(Initiative.version) + 1,
            updated_at=utc_now(),
        )
    )
    if cast(sa.CursorResult[Any], claimed).rowcount == 0:  # an UPDATE's result
        session.refresh(initiative)
        raise StaleEdit(current=snapshot(initiative) or {})
    initiative_id = cast(int, initiative.id)  # read from the store: it has its id
    _record_focal_point_basis(session, initiative_id, focal_point, basis, section, url, note)
    session.refresh(initiative)
    record_change(
        session,
        actor=by.username,
        action="set focal point",
        entity="initiative",
        entity_id=initiative.id,
        before=before,
        after=snapshot(initiative),
        user_id=by.user_id,
    )
    return initiative


def _record_focal_point_basis(
    session: Session,
    initiative_id: int,
    focal_point: str,
    basis: str,
    section: str,
    url: str,
    note: str,
) -> None:
    stored = session.exec(
        select(FactBasis).where(
            FactBasis.initiative_id == initiative_id, FactBasis.fact == "focal_point"
        )
    ).first()
    if not focal_point:
        if stored is not None:
            session.delete(stored)
        return
    fact = stored or FactBasis(initiative_id=initiative_id, fact="focal_point", basis=basis)
    fact.basis = basis
    fact.section = section or None
    fact.url = url or None
    fact.note = note or None
    session.add(fact)
