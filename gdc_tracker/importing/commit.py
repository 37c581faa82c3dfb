"""The commit: the new and changed values written in the caller's transaction."""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from gdc_tracker import db
from gdc_tracker.audit import record_change
from gdc_tracker.auth import Identity, authorize
from gdc_tracker.errors import CellTaken, NotAllowed
from gdc_tracker.i18n import N_, _
from gdc_tracker.importing.limits import Progress, _store_changed
from gdc_tracker.importing.observations import ImportPreview, Observation
from gdc_tracker.importing.sources import SourceInfo
from gdc_tracker.importing.writing import (
    _AUDIT_TABLE,
    _bulk_insert,
    _check_store_unchanged,
    _chunks,
    _json_safe,
    _Writer,
)
from gdc_tracker.models import (
    DataSource,
    ImportBatch,
    Indicator,
    IndicatorMapping,
    ReviewState,
    Role,
    utc_now,
)


@dataclass(frozen=True)
class ImportResult:
    """What a commit wrote. `corrections` of the `updated` were of published values: each is
    a new entry that supersedes the published one once it is published itself. `import_id`
    is the id of the import batch (as text), None when nothing was written."""

    filename: str
    import_id: str | None
    added: int
    updated: int
    unchanged: int
    rejected: int
    state: str
    corrections: int = 0

    @property
    def nothing_changed(self) -> bool:
        return self.added == 0 and self.updated == 0

    @property
    def message(self) -> str:
        if self.nothing_changed:
            return _(
                "Nothing changed: the store already holds these {unchanged:,} values "
                "({rejected:,} rejected)."
            ).format(unchanged=self.unchanged, rejected=self.rejected)
        text = _(
            "Imported {filename}: {added:,} added and {updated:,} updated as {state}, "
            "{unchanged:,} unchanged, {rejected:,} rejected."
        ).format(
            filename=self.filename,
            added=self.added,
            updated=self.updated,
            state=self.state,
            unchanged=self.unchanged,
            rejected=self.rejected,
        )
        if self.corrections and self.state == ReviewState.PUBLISHED:
            text += _(" {count:,} published values were superseded by the new ones.").format(
                count=self.corrections
            )
        elif self.corrections:
            text += _(
                " {count:,} of the updates correct published values, which stay published "
                "until a reviewer publishes the corrections."
            ).format(count=self.corrections)
        return text


# What an import does, by the state its entries are saved in (the refusal names it).
IMPORT_ACTIONS = {
    ReviewState.DRAFT: N_("import entries as draft"),
    ReviewState.SUBMITTED: N_("import entries as submitted"),
    ReviewState.PUBLISHED: N_("import entries as published"),
}


def _batch_summary(result: ImportPreview, state: ReviewState) -> dict[str, Any]:
    """What the file brought, for the batch and its audit record."""
    return {
        "filename": result.filename,
        "layout": result.mapping.layout,
        "indicators": result.indicator_codes,
        "state": str(state),
        **result.counts,
        "skipped": result.skipped_rows,
        "skipped_indicators": sorted(result.skipped),
        "set_aside": {
            group.kind + (f":{group.detail}" if group.detail else ""): group.rows
            for group in result.set_aside.values()
        },
        "data_source": result.source.key or None,
        "obs_status": result.status_counts(),
    }


def _add_batch(
    session: Session, result: ImportPreview, *, by: Identity, state: ReviewState, now: datetime
) -> int:
    """The import batch this commit's entries point to; its id."""
    batch = ImportBatch(
        file_name=result.filename[:255],
        checksum=result.checksum,
        indicator_codes=result.indicator_codes,
        review_state=str(state),
        summary=_batch_summary(result, state),
        created_by=by.user_id,
        created_at=now,
    )
    session.add(batch)
    session.flush()
    return int(batch.id or 0)


def _data_source_id(
    session: Session, source: SourceInfo, *, by: Identity, now: datetime
) -> int | None:
    """The DataSource of `source` by its key, added (with its audit record) the first time;
    None when the source is not known."""
    if not source.known:
        return None
    found = session.execute(
        sa.select(col(DataSource.id)).where(col(DataSource.key) == source.key)
    ).scalar_one_or_none()
    if found is not None:
        return int(found)
    row = DataSource(
        key=source.key,
        organisation=source.organisation,
        dataset=source.dataset,
        release=source.release,
        url=source.url,
        licence=source.licence,
        accessed=source.accessed,
        note=source.note,
        created_at=now,
    )
    session.add(row)
    session.flush()
    after = _json_safe(row.model_dump())
    audit = {
        "at": now,
        "user_id": by.user_id,
        "actor": by.username,
        "action": "add data source",
        "entity": "datasource",
        "entity_id": str(row.id),
        "before": None,
        "after": after,
    }
    _bulk_insert(session.connection(), _AUDIT_TABLE, [audit])
    return int(row.id or 0)


def _store_indicator_matches(
    session: Session, result: ImportPreview, *, by: Identity, now: datetime
) -> None:
    """Keep the matches the user chose for the file's indicators (IndicatorMapping), for
    the next import from the same source, each change with its audit record.

    A file indicator that is itself the tracked code needs no keeping; texts longer than
    the column are not kept (they are matched again next time)."""
    chosen = [c for c in result.indicator_choices if c.matched_by == "chosen"]
    chosen = [
        c
        for c in chosen
        if len(c.file_indicator) <= _MAX_FILE_INDICATOR
        and (c.code or "").upper() != c.file_indicator.upper()
    ]
    if not chosen:
        return
    ids = {
        row.code: row.id
        for row in session.execute(sa.select(col(Indicator.code), col(Indicator.id)))
    }
    kept = {
        row.file_indicator: row
        for row in session.execute(
            sa.select(IndicatorMapping).where(col(IndicatorMapping.source_key) == result.source_key)
        ).scalars()
    }
    audit = []
    for choice in chosen:
        indicator_id = ids[choice.code] if choice.code else None
        row = kept.get(choice.file_indicator)
        if row is not None and row.indicator_id == indicator_id:
            continue
        before = None if row is None else _mapping_snapshot(row)
        if row is None:
            row = IndicatorMapping(
                source_key=result.source_key, file_indicator=choice.file_indicator
            )
        row.indicator_id, row.confirmed_by, row.updated_at = indicator_id, by.user_id, now
        session.add(row)
        session.flush()
        audit.append(
            {
                "at": now,
                "user_id": by.user_id,
                "actor": by.username,
                "action": "confirm indicator match",
                "entity": "indicatormapping",
                "entity_id": str(row.id),
                "before": before,
                "after": _mapping_snapshot(row) | {"indicator_code": choice.code},
            }
        )
    _bulk_insert(session.connection(), _AUDIT_TABLE, audit)


_MAX_FILE_INDICATOR = int(IndicatorMapping.__table__.c.file_indicator.type.length)  # type: ignore[attr-defined]  # SQLModel sets __table__; untyped


def _mapping_snapshot(row: IndicatorMapping) -> dict[str, Any]:
    return _json_safe(
        {
            "id": row.id,
            "source_key": row.source_key,
            "file_indicator": row.file_indicator,
            "indicator_id": row.indicator_id,
            "confirmed_by": row.confirmed_by,
            "updated_at": row.updated_at,
        }
    )


def commit(
    session: Session,
    result: ImportPreview,
    *,
    by: Identity,
    state: ReviewState | str = ReviewState.DRAFT,
    progress: Progress | None = None,
) -> ImportResult:
    """Write the preview's new and changed observations in the caller's transaction.

    Editors import as draft or submitted; reviewers and admins may also import as
    published. Who imports is checked against the store in this transaction, not taken from
    the page that made the preview: a role lowered, an account deactivated or a sign-in
    ended since then writes nothing. With nothing new or changed, nothing is written (no
    audit record, no data version bump). A failure raises and leaves the rollback to the
    caller's transaction (`db.write_scope`).
    """
    try:
        state = ReviewState(state)
    except ValueError:
        raise NotAllowed(_("Imports are saved as draft, submitted or published.")) from None
    if state == ReviewState.REJECTED:
        raise NotAllowed(_("Imports are saved as draft, submitted or published."))
    needed = Role.REVIEWER if state == ReviewState.PUBLISHED else Role.EDITOR
    by = authorize(session, by, needed, IMPORT_ACTIONS.get(state, N_("import progress entries")))
    outcome = ImportResult(
        filename=result.filename,
        import_id=None,
        added=len(result.new),
        updated=len(result.changed),
        unchanged=len(result.unchanged),
        rejected=result.rejected,
        state=str(state),
    )
    if not result.has_changes:
        if progress is not None:
            progress(1.0)
        return outcome
    _check_store_unchanged(session, result)
    now = utc_now()
    batch_id = _add_batch(session, result, by=by, state=state, now=now)
    _store_indicator_matches(session, result, by=by, now=now)
    source_id = _data_source_id(session, result.source, by=by, now=now)
    writer = _Writer(
        session=session, by=by, state=state, now=now, batch_id=batch_id, data_source_id=source_id
    )
    in_place: list[Observation] = []  # drafts, submissions: changed where they are
    over_published: list[Observation] = []  # published: a correction supersedes them
    for observation in result.changed:
        published = observation.existing and observation.existing.review_state == "published"
        (over_published if published else in_place).append(observation)
    total, written = len(result.new) + len(result.changed), 0

    def advance(chunk: Sequence[Observation]) -> None:
        nonlocal written
        written += len(chunk)
        if progress is not None:
            progress(written / total)

    for chunk in _chunks(result.new):
        writer.insert(chunk)
        advance(chunk)
    # A published replacement lands only after the entry it replaces has left the
    # published state: the database holds one published entry per cell at every statement.
    for chunk in _chunks(in_place):
        if state == ReviewState.PUBLISHED:
            writer.supersede(writer.rows_by_id(writer.corrected_originals(chunk)))
        writer.update(chunk)
        advance(chunk)
    for chunk in _chunks(over_published):
        originals = writer.rows_by_id([o.existing.id for o in chunk if o.existing])
        if state == ReviewState.PUBLISHED:
            writer.supersede(originals)
        writer.insert(chunk, correcting=originals)
        advance(chunk)
    record_change(
        session,
        actor=by.username,
        action="import file",
        entity="import",
        entity_id=batch_id,
        after={**_batch_summary(result, state), "checksum": result.checksum},
        user_id=by.user_id,
    )
    session.flush()
    return replace(outcome, import_id=str(batch_id), corrections=len(over_published))


def commit_to_store(
    engine: sa.Engine,
    result: ImportPreview,
    *,
    by: Identity,
    state: ReviewState | str = ReviewState.DRAFT,
    progress: Progress | None = None,
) -> ImportResult:
    """`commit` in a write transaction of its own, as the Import page and the CLI run it.

    The transaction takes the write lock first (db.write_scope), so a commit that starts
    while another is being written waits, then finds what that one saved. Where the
    database itself refuses a second live entry for a cell (a concurrent writer got there
    first, errors.CellTaken), the refusal is the same StoreChanged as a check that saw it:
    nothing was imported, and the file is to be previewed again.
    """
    scope = db.write_scope if result.has_changes else db.session_scope
    try:
        with scope(engine) as session:
            return commit(session, result, by=by, state=state, progress=progress)
    except CellTaken as error:
        raise _store_changed(
            _(
                "someone saved values for the same indicator, geography, period and "
                "disaggregation while this import was being written"
            )
        ) from error
