"""Writing many entries and their audit records in a few statements."""

import json
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from gdc_tracker.auth import Identity
from gdc_tracker.i18n import _
from gdc_tracker.importing import limits
from gdc_tracker.importing.limits import _store_changed
from gdc_tracker.importing.observations import ImportPreview, Observation
from gdc_tracker.importing.preview import _live_entries
from gdc_tracker.models import (
    AuditRecord,
    ProgressEntry,
    ReviewState,
)

_TABLE = ProgressEntry.__table__  # type: ignore[attr-defined]  # SQLModel sets it; untyped
_AUDIT_TABLE = AuditRecord.__table__  # type: ignore[attr-defined]  # SQLModel sets it; untyped
_ENTRY_FIELDS = tuple(ProgressEntry.model_fields)


def _json_safe(values: dict[str, Any]) -> dict[str, Any]:
    """The same shape as gdc_tracker.audit.snapshot: ISO dates and times."""
    return {
        key: value.isoformat() if isinstance(value, date | datetime) else value
        for key, value in values.items()
    }


def _snapshot(values: dict[str, Any]) -> dict[str, Any]:
    """A row's values as gdc_tracker.audit.snapshot gives them: model order, ISO dates."""
    return _json_safe({name: values.get(name) for name in _ENTRY_FIELDS})


def _chunks(items: Sequence[Observation]) -> Iterator[Sequence[Observation]]:
    for start in range(0, len(items), limits.CHUNK_SIZE):
        yield items[start : start + limits.CHUNK_SIZE]


def _check_store_unchanged(session: Session, result: ImportPreview) -> None:
    """Refuse to write over what someone saved after the preview."""
    live = _live_entries(session, result.new + result.changed)
    moved = [o for o in result.new if o.key in live]
    moved += [
        o
        for o in result.changed
        if o.existing is None
        or live.get(o.key) is None
        or (live[o.key].id, live[o.key].version) != (o.existing.id, o.existing.version)
    ]
    if moved:
        first = min(moved, key=lambda o: o.row_number)
        raise _store_changed(
            _(
                "{count:,} of these values were saved by someone else in the meantime (first: "
                "row {row}, {geo} {period})"
            ).format(
                count=len(moved), row=first.row_number, geo=first.geo_code, period=first.period
            )
        )


@dataclass(frozen=True)
class _Writer:
    """Who writes, in which state, at which moment: shared by every step of one commit."""

    session: Session
    by: Identity
    state: ReviewState
    now: datetime
    batch_id: int  # the ImportBatch every entry this commit writes points to
    data_source_id: int | None = None  # the DataSource of the values; None: not known

    @property
    def connection(self) -> sa.Connection:
        return self.session.connection()

    def audit(self, action: str, entry_id: int, before: dict | None, after: dict) -> dict:
        return {
            "at": self.now,
            "user_id": self.by.user_id,
            "actor": self.by.username,
            "action": action,
            "entity": "progressentry",
            "entity_id": str(entry_id),
            "before": before,
            "after": after,
        }

    def rows_by_id(self, ids: Collection[int]) -> dict[int, dict[str, Any]]:
        """Whole entries, for the "before" of their audit records."""
        if not ids:
            return {}
        statement = sa.select(_TABLE).where(_TABLE.c.id.in_(sorted(ids)))
        return {row["id"]: dict(row) for row in self.connection.execute(statement).mappings()}

    def entry_row(self, o: Observation, supersedes: int | None) -> dict[str, Any]:
        """A new entry's columns in model order (as the audit snapshot lists them)."""
        published = self.state == ReviewState.PUBLISHED
        values = {
            "indicator_id": o.indicator_id,
            "geo_code": o.geo_code,
            "period": o.period,
            "year": o.year,
            "period_end": o.period_end,
            "value": o.value,
            "disaggregation": o.disaggregation,
            "narrative": o.narrative,
            "evidence_url": o.evidence_url,
            "source": o.source,
            "is_demo": False,
            "review_state": str(self.state),
            "author_id": self.by.user_id,
            "reviewer_id": self.by.user_id if published else None,
            "supersedes_id": supersedes,
            "import_batch_id": self.batch_id,
            "data_source_id": self.data_source_id,
            "obs_status": o.obs_status,
            "version": 1,
            "created_at": self.now,
            "updated_at": self.now,
        }
        return {name: values.get(name, _DEFAULTS.get(name)) for name in _ENTRY_FIELDS[1:]}

    def insert(
        self,
        observations: Sequence[Observation],
        *,
        correcting: dict[int, dict[str, Any]] | None = None,
    ) -> None:
        """Add entries: new ones, or corrections of the published entries in `correcting`."""
        originals = correcting or {}
        supersedes = [o.existing.id if o.existing and correcting else None for o in observations]
        rows = [self.entry_row(o, s) for o, s in zip(observations, supersedes, strict=True)]
        ids = _insert_rows(self.connection, rows)
        stamp = self.now.isoformat()
        audit = []
        for row, entry_id, original in zip(rows, ids, supersedes, strict=True):
            after = {"id": entry_id, **row}
            after.update(
                period_end=row["period_end"].isoformat(), created_at=stamp, updated_at=stamp
            )
            if original is None:
                audit.append(self.audit("import entry", entry_id, None, after))
            else:
                before = _snapshot(originals[original])
                audit.append(self.audit("propose correction", entry_id, before, after))
        _bulk_insert(self.connection, _AUDIT_TABLE, audit)

    def corrected_originals(self, observations: Sequence[Observation]) -> list[int]:
        """The published entries that these open corrections, once published, replace."""
        ids = [o.existing.id for o in observations if o.existing]
        return [
            row["supersedes_id"]
            for row in self.rows_by_id(ids).values()
            if row.get("supersedes_id") is not None
        ]

    def update(self, observations: Sequence[Observation]) -> None:
        """Change unpublished entries in place (version + 1)."""
        befores = self.rows_by_id([o.existing.id for o in observations if o.existing])
        published = self.state == ReviewState.PUBLISHED
        changes: list[dict[str, Any]] = [
            {
                "b_id": o.existing.id,
                "b_version": o.existing.version,
                "value": o.value,
                "source": o.source,
                "evidence_url": o.evidence_url,
                "narrative": o.narrative,
                "is_demo": False,
                "review_state": str(self.state),
                "review_note": None,
                "import_batch_id": self.batch_id,
                "data_source_id": self.data_source_id,
                "obs_status": o.obs_status,
                "reviewer_id": self.by.user_id
                if published
                else befores[o.existing.id]["reviewer_id"],
                "version": o.existing.version + 1,
                "updated_at": self.now,
            }
            for o in observations
            if o.existing is not None
        ]
        self._execute_update(changes)
        audit = []
        for change in changes:
            before = befores[change["b_id"]]
            after = before | {k: v for k, v in change.items() if not k.startswith("b_")}
            audit.append(
                self.audit("import correction", change["b_id"], _snapshot(before), _snapshot(after))
            )
        _bulk_insert(self.connection, _AUDIT_TABLE, audit)

    def supersede(self, originals: dict[int, dict[str, Any]]) -> None:
        """Retire published entries that a published correction replaces."""
        retired = [
            row for row in originals.values() if row["review_state"] == ReviewState.PUBLISHED
        ]
        if not retired:
            return
        changes = [
            {
                "b_id": row["id"],
                "b_version": row["version"],
                "review_state": str(ReviewState.SUPERSEDED),
                "version": row["version"] + 1,
                "updated_at": self.now,
            }
            for row in retired
        ]
        self._execute_update(changes)
        audit = [
            self.audit(
                "supersede entry",
                change["b_id"],
                _snapshot(row),
                _snapshot(row | {k: v for k, v in change.items() if not k.startswith("b_")}),
            )
            for row, change in zip(retired, changes, strict=True)
        ]
        _bulk_insert(self.connection, _AUDIT_TABLE, audit)

    def _execute_update(self, changes: list[dict[str, Any]]) -> None:
        """UPDATE ... WHERE id = b_id AND version = b_version for each change (optimistic)."""
        if not changes:
            return
        statement = (
            sa.update(_TABLE)
            .where(
                _TABLE.c.id == sa.bindparam("b_id"), _TABLE.c.version == sa.bindparam("b_version")
            )
            .values({name: sa.bindparam(name) for name in changes[0] if not name.startswith("b_")})
        )
        updated = self.connection.execute(statement, changes)
        sane = self.connection.dialect.supports_sane_multi_rowcount
        if sane and updated.rowcount != len(changes):
            raise _store_changed(_("entries changed while the import was being written"))


_DEFAULTS = {
    name: info.get_default(call_default_factory=True)
    for name, info in ProgressEntry.model_fields.items()
}


def _insert_rows(connection: sa.Connection, rows: list[dict[str, Any]]) -> list[int]:
    """Insert entries in bulk; their ids, in the order of `rows`."""
    if connection.dialect.name == "postgresql":
        # Ids drawn from the sequence up front, then COPY: a multi-row INSERT ... RETURNING
        # of thousands of parameters costs psycopg seconds to parse.
        ids = (
            connection.execute(
                sa.text(
                    "SELECT nextval(pg_get_serial_sequence('progressentry', 'id')) "
                    "FROM generate_series(1, :count)"
                ),
                {"count": len(rows)},
            )
            .scalars()
            .all()
        )
        _bulk_insert(
            connection, _TABLE, [{"id": i, **row} for i, row in zip(ids, rows, strict=True)]
        )
        return [int(i) for i in ids]
    # RETURNING the key, not relying on the order of the rows: SQLite cannot promise an
    # order, and SQLAlchemy would then insert row by row. Keys are unique within a preview.
    key_columns = ("indicator_id", "geo_code", "period", "disaggregation")
    statement = sa.insert(_TABLE).returning(_TABLE.c.id, *(_TABLE.c[k] for k in key_columns))
    found = {tuple(r[1:]): r[0] for r in connection.execute(statement, rows).all()}
    return [found[tuple(row[k] for k in key_columns)] for row in rows]


def _bulk_insert(connection: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """INSERT many rows: PostgreSQL's COPY (ten times faster there), an executemany elsewhere.

    COPY runs on the same driver connection, so inside the caller's transaction.
    """
    if not rows:
        return
    if connection.dialect.name != "postgresql":
        connection.execute(sa.insert(table), rows)
        return
    columns = list(rows[0])
    json_columns = {column.name for column in table.columns if isinstance(column.type, sa.JSON)}
    quote = connection.dialect.identifier_preparer
    statement = "COPY {table} ({columns}) FROM STDIN".format(
        table=quote.format_table(table), columns=", ".join(quote.quote(c) for c in columns)
    )
    driver = connection.connection.driver_connection
    assert driver is not None
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(
                    [json.dumps(row[c]) if c in json_columns else row[c] for c in columns]
                )
    except connection.dialect.dbapi.Error as error:  # type: ignore[union-attr]  # a connected dialect has its DB-API
        # COPY bypasses SQLAlchemy: wrap the driver's error as SQLAlchemy would, so that
        # db.write_scope tells a cell taken meanwhile (CellTaken) or a lock wait (StoreBusy).
        raise sa.exc.DBAPIError.instance(
            statement,
            None,
            error,
            connection.dialect.dbapi.Error,  # type: ignore[union-attr]  # a connected dialect has its DB-API
        ) from error
