"""Reporting cycles, written: the admins' additions and edits of cycles.

Adding and editing a cycle run in the caller's one transaction (`db.write_scope`): the
role is checked there (admins only), every field is checked before anything is written,
an edit carries the version it started from (StaleEdit when someone saved since), and
the audit record and the data-version bump land with the change or not at all. What a
cycle's board shows is read by gdc_tracker.queries.cycles, whose names this module
gives too, so that callers find a cycle's reading and writing in one place.
"""

from collections.abc import Mapping
from datetime import date
from typing import Any, cast

import sqlalchemy as sa
from sqlmodel import Session, col, select

from gdc_tracker.audit import record_change, snapshot
from gdc_tracker.auth import Identity, authorize
from gdc_tracker.entries import too_long
from gdc_tracker.errors import FieldProblem, StaleEdit, ValidationFailed
from gdc_tracker.i18n import N_, _
from gdc_tracker.models import (
    Basis,
    ReportingCycle,
    Role,
    basis_label,
)
from gdc_tracker.queries.cycles import (
    BOARD_COLUMNS,
    CYCLE_ENTITY,
    DUE,
    NONE,
    NOT_STATED,
    OVERDUE,
    STATES,
    SUBMITTED,
    UPDATED,
    current_cycle,
    cycle_board,
    cycles,
    cycles_as_of,
    focal_points,
    get_cycle,
    state_of,
)

BASES = (str(Basis.PUBLIC), str(Basis.EDITORIAL), str(Basis.C25_52))
FIELDS = (
    "name",
    "starts_on",
    "ends_on",
    "due_on",
    "council_session",
    "basis",
    "source",
    "note",
)
DATES = ("starts_on", "ends_on", "due_on")
MAX_LENGTHS = {"name": 120, "council_session": 120, "source": 300, "note": 2_000}


class CycleRefused(ValidationFailed, ValueError):
    """A cycle's fields cannot be stored: each problem names its field."""


def _date_of(value: object) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _checked(
    session: Session, fields: Mapping[str, object], *, excluding: int | None = None
) -> dict[str, Any]:
    """The cycle's values, or CycleRefused naming each field that is wrong."""
    problems: list[FieldProblem] = []
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        problems += [
            FieldProblem(
                name, _("“{field}” is not a field of a reporting cycle").format(field=name)
            )
            for name in unknown
        ]
    values: dict[str, Any] = {name: _text(fields.get(name)) for name in FIELDS if name not in DATES}
    if not values["name"]:
        problems.append(FieldProblem("name", _("give the cycle a name")))
    elif _name_taken(session, values["name"], excluding):
        taken = _("a cycle named “{name}” exists already").format(name=values["name"])
        problems.append(FieldProblem("name", taken))
    for name, limit in MAX_LENGTHS.items():
        if len(values[name]) > limit:
            problems.append(FieldProblem(name, too_long(limit)))
    for name in DATES:
        values[name] = _date_of(fields.get(name))
        if values[name] is None:
            problems.append(FieldProblem(name, _("enter a date as YYYY-MM-DD (2026-01-31)")))
    problems += _order_problems(values)
    if values["basis"] not in BASES:
        bases = ", ".join(basis_label(basis) for basis in BASES)
        problems.append(FieldProblem("basis", _("choose one of {bases}").format(bases=bases)))
    if problems:
        raise CycleRefused(problems)
    return values | {
        "council_session": values["council_session"] or None,
        "note": values["note"] or None,
    }


def _order_problems(values: Mapping[str, Any]) -> list[FieldProblem]:
    starts, ends, due = (values[name] for name in DATES)
    problems = []
    if starts and ends and ends < starts:
        problems.append(FieldProblem("ends_on", _("the cycle cannot end before it starts")))
    if starts and due and due < starts:
        early = _("updates cannot be due before the cycle starts")
        problems.append(FieldProblem("due_on", early))
    return problems


def _name_taken(session: Session, name: str, excluding: int | None) -> bool:
    statement = select(ReportingCycle.id).where(ReportingCycle.name == name)
    if excluding is not None:
        statement = statement.where(ReportingCycle.id != excluding)
    return session.exec(statement).first() is not None


def add_cycle(session: Session, fields: Mapping[str, object], by: Identity) -> ReportingCycle:
    """Store a new cycle (admins only), with its audit record."""
    by = authorize(session, by, Role.ADMIN, N_("add reporting cycles"))
    cycle = ReportingCycle(**_checked(session, fields))
    session.add(cycle)
    session.flush()
    record_change(
        session,
        actor=by.username,
        action="add reporting cycle",
        entity=CYCLE_ENTITY,
        entity_id=cycle.id,
        after=snapshot(cycle),
        user_id=by.user_id,
    )
    return cycle


def edit_cycle(
    session: Session,
    name: str,
    fields: Mapping[str, object],
    expected_version: int,
    by: Identity,
) -> ReportingCycle:
    """Change the cycle `name` (admins only): the fields given replace the stored ones.

    Refused (StaleEdit, with the stored values) when someone saved the cycle since
    `expected_version`; the check is an UPDATE ... WHERE version = expected, so of two
    admins saving at once exactly one succeeds.
    """
    by = authorize(session, by, Role.ADMIN, N_("edit reporting cycles"))
    cycle = get_cycle(session, name)
    if cycle.version != expected_version:
        raise StaleEdit(current=snapshot(cycle) or {})
    before = snapshot(cycle)
    stored = {field: getattr(cycle, field) for field in FIELDS}
    values = _checked(session, {**stored, **fields}, excluding=cycle.id)
    claimed = session.execute(
        sa.update(ReportingCycle)
        .where(col(ReportingCycle.id) == cycle.id, col(ReportingCycle.version) == expected_version)
        .values(**values, version=col(ReportingCycle.version) + 1)
    )
    if cast(sa.CursorResult[Any], claimed).rowcount == 0:  # an UPDATE's result
        session.refresh(cycle)
        raise StaleEdit(current=snapshot(cycle) or {})
    session.refresh(cycle)
    record_change(
        session,
        actor=by.username,
        action="edit reporting cycle",
        entity=CYCLE_ENTITY,
        entity_id=cycle.id,
        before=before,
        after=snapshot(cycle),
        user_id=by.user_id,
    )
    return cycle


__all__ = [
    "BASES",
    "BOARD_COLUMNS",
    "CYCLE_ENTITY",
    "DUE",
    "FIELDS",
    "NONE",
    "NOT_STATED",
    "OVERDUE",
    "STATES",
    "SUBMITTED",
    "UPDATED",
    "CycleRefused",
    "add_cycle",
    "current_cycle",
    "cycle_board",
    "cycles",
    "cycles_as_of",
    "edit_cycle",
    "focal_points",
    "get_cycle",
    "state_of",
]
