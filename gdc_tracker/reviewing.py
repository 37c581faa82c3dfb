"""Review decisions on many entries at once: a page of the queue, or a whole import.

Each decision is all or nothing. Every entry goes through `entries.review`, so the rules
(who may review, four eyes, the version the reviewer saw, the reason a rejection needs)
stay in one place; the first entry that is refused stops the action, and the caller's
transaction (`db.write_scope`) rolls back what the entries before it had done. The
refusal names that entry.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col

from gdc_tracker import entries
from gdc_tracker.audit import record_change
from gdc_tracker.auth import Identity, authorize
from gdc_tracker.errors import (
    FieldProblem,
    GdcTrackerError,
    NotAllowed,
    NotFound,
    ValidationFailed,
)
from gdc_tracker.i18n import _, ngettext
from gdc_tracker.models import ImportBatch, ProgressEntry, ReviewState, Role
from gdc_tracker.numbers import decimal_for_people

ACTIONS = ("publish", "reject")
MAX_REASON_LENGTH = entries.MAX_REASON_LENGTH
# The most entries one decision takes. A decision holds the write lock while it runs
# (measured at about 2.5 ms an entry on SQLite, 4.5 ms on PostgreSQL, a million entries in
# the store): 1,000 keeps it near 2.5-4.5 s, well inside the 10 s another writer waits.
MAX_ENTRIES = 1_000
# A version no entry has: an entry of an import the reviewer was not shown is stale.
UNSEEN_VERSION = 0


@dataclass(frozen=True)
class Decided:
    """What a bulk decision did: the action and the entries it applied to, in order."""

    action: str
    entry_ids: tuple[int, ...]

    @property
    def count(self) -> int:
        return len(self.entry_ids)


class EntryRefused(GdcTrackerError):
    """One entry of a decision on many was refused, so no entry was decided.

    `cause` is the refusal of that entry (StaleEdit with the newer values, NotAllowed,
    NotFound, ValidationFailed), for a caller that wants to show more of it.
    """

    def __init__(self, entry_id: int, action: str, cause: GdcTrackerError) -> None:
        super().__init__(entry_id, action, cause)
        self.entry_id = entry_id
        self.action = action
        self.cause = cause

    def __str__(self) -> str:
        if self.action == "publish":
            message = _("Entry #{id} could not be published, so no entry was published: {reason}")
        else:
            message = _("Entry #{id} could not be rejected, so no entry was rejected: {reason}")
        return message.format(id=self.entry_id, reason=self.cause)


def _checked_reason(action: str, reason: str, entry_count: int) -> str:
    """The one reason a rejection gives every entry: required, at most 1,000 characters."""
    reason = reason.strip() if action == "reject" else ""
    if action == "reject" and not reason:
        message = ngettext(
            "say why the entry is rejected", "say why the entries are rejected", entry_count
        )
        raise ValidationFailed([FieldProblem("reason", message)])
    if len(reason) > MAX_REASON_LENGTH:
        message = ngettext(
            "use at most {limit} character (this reason has {length})",
            "use at most {limit} characters (this reason has {length})",
            MAX_REASON_LENGTH,
        )
        shown = message.format(
            limit=decimal_for_people(MAX_REASON_LENGTH, "#,##0"),
            length=decimal_for_people(len(reason), "#,##0"),
        )
        raise ValidationFailed([FieldProblem("reason", shown)])
    return reason


def _distinct(pairs: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The (id, version) pairs in their order, each entry once."""
    seen: dict[int, int] = {}
    for entry_id, version in pairs:
        seen.setdefault(int(entry_id), int(version))
    return list(seen.items())


def review_many(
    session: Session,
    entry_ids_with_versions: Sequence[tuple[int, int]],
    action: str,
    *,
    by: Identity,
    reason: str = "",
    allow_own: bool = False,
) -> Decided:
    """Publish or reject every entry, each at the version the reviewer saw, or none.

    Runs inside the caller's transaction: raise, and the caller's rollback undoes the
    entries already decided. `allow_own` is the `review.allow_self_publish` setting.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown review action {action!r}")
    authorize(session, by, Role.REVIEWER, entries.REVIEW_PERMISSIONS[action])
    pairs = _distinct(entry_ids_with_versions)
    if not pairs:
        raise ValidationFailed([FieldProblem("selection", _("choose at least one entry"))])
    if len(pairs) > MAX_ENTRIES:
        message = ngettext(
            "choose at most {limit} entry at a time (this selection has {count}): "
            "filter the queue, or decide on the oldest {limit} first",
            "choose at most {limit} entries at a time (this selection has {count}): "
            "filter the queue, or decide on the oldest {limit} first",
            MAX_ENTRIES,
        )
        shown = message.format(
            limit=decimal_for_people(MAX_ENTRIES, "#,##0"),
            count=decimal_for_people(len(pairs), "#,##0"),
        )
        raise ValidationFailed([FieldProblem("selection", shown)])
    reason = _checked_reason(action, reason, len(pairs))
    for entry_id, version in pairs:
        try:
            entries.review(
                session,
                entry_id,
                action,
                expected_version=version,
                by=by,
                reason=reason,
                allow_own=allow_own,
            )
        except GdcTrackerError as error:
            raise EntryRefused(entry_id, action, error) from error
    return Decided(action=action, entry_ids=tuple(entry_id for entry_id, _version in pairs))


def waiting_in_batch(session: Session, batch_id: int) -> list[tuple[int, int]]:
    """(id, version) of the import's entries still waiting for review, oldest first."""
    rows = session.execute(
        sa.select(col(ProgressEntry.id), col(ProgressEntry.version))
        .where(
            col(ProgressEntry.import_batch_id) == batch_id,
            col(ProgressEntry.review_state) == ReviewState.SUBMITTED,
        )
        .order_by(col(ProgressEntry.id))
    )
    return [(int(entry_id), int(version)) for entry_id, version in rows]


def review_batch(
    session: Session,
    batch_id: int,
    action: str,
    *,
    by: Identity,
    reason: str = "",
    allow_own: bool = False,
    seen_versions: Mapping[int, int] | None = None,
) -> Decided:
    """Publish or reject every entry of an import that is still waiting for review.

    With `seen_versions` (entry id to the version the reviewer was shown), an entry changed
    since, or one the reviewer was not shown, refuses the whole action like a stale entry
    of `review_many`. One audit record for the import says what was decided on it.
    """
    batch = session.get(ImportBatch, batch_id)
    if batch is None:
        raise NotFound(_("Import {id} does not exist.").format(id=batch_id))
    waiting = waiting_in_batch(session, batch_id)
    if not waiting:
        raise NotAllowed(
            _("No entry of the import {name} is waiting for review.").format(name=batch.file_name)
        )
    if seen_versions is not None:
        waiting = [(i, seen_versions.get(i, UNSEEN_VERSION)) for i, _version in waiting]
    decided = review_many(session, waiting, action, by=by, reason=reason, allow_own=allow_own)
    record_change(
        session,
        actor=by.username,
        action=f"{action} import",
        entity="importbatch",
        entity_id=batch_id,
        after={
            "file_name": batch.file_name,
            "entry_ids": list(decided.entry_ids),
            "reason": reason.strip() if action == "reject" else None,
        },
        user_id=by.user_id,
    )
    return decided


__all__ = [
    "ACTIONS",
    "Decided",
    "EntryRefused",
    "review_batch",
    "review_many",
    "waiting_in_batch",
]
