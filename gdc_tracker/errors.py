"""What can go wrong when someone changes the store, as exceptions the UI can explain.

GdcTrackerError
├── ValidationFailed     one or more fields are wrong; each problem names its field
├── DuplicateEntry       the same indicator, geography, period and disaggregation exists
├── StaleEdit            someone saved since this edit started; carries their values
├── NotAllowed           the user's role does not permit the action
│   └── SessionExpired   the sign-in ended before the write was sent
├── NotFound             the entry, initiative or user does not exist
├── CellTaken            another writer saved a live entry for the same cell meanwhile
└── StoreBusy            another change held the store longer than a write may wait
"""

from dataclasses import dataclass, field
from typing import Any

from gdc_tracker.i18n import _


class GdcTrackerError(Exception):
    """Base of every error a person can act on."""


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


@dataclass
class ValidationFailed(GdcTrackerError):
    problems: list[FieldProblem] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(str(p) for p in self.problems)

    def for_field(self, name: str) -> list[str]:
        return [p.message for p in self.problems if p.field == name]


@dataclass
class DuplicateEntry(GdcTrackerError):
    existing_id: int
    existing: dict[str, Any]

    def __str__(self) -> str:
        return _(
            "An entry for the same indicator, geography, period and disaggregation already "
            "exists (entry {id}). Correct that entry instead of adding another."
        ).format(id=self.existing_id)


@dataclass
class StaleEdit(GdcTrackerError):
    current: dict[str, Any]

    def __str__(self) -> str:
        return _(
            "Someone saved this record since you opened it (now version {version}). Your "
            "changes were not saved; review the newer values and apply your change again."
        ).format(version=self.current.get("version"))


class NotAllowed(GdcTrackerError):
    """The user's role does not permit this action."""


class SessionExpired(NotAllowed):
    """The sign-in behind this write ended (idle timeout) before the write arrived."""


class NotFound(GdcTrackerError):
    """The record does not exist (any more)."""


class CellTaken(GdcTrackerError):
    """The database refused a second live entry for a cell: someone else saved one while
    this write was under way (its duplicate check ran before theirs had landed)."""

    def __str__(self) -> str:
        return _(
            "Someone saved a value for the same indicator, geography, period and "
            "disaggregation while you were working. Nothing was saved. Open their entry to "
            "correct it, or check your values and save again."
        )


class StoreBusy(GdcTrackerError):
    """Another change kept the store locked for longer than a write waits."""

    def __str__(self) -> str:
        return _(
            "The store is busy with another change, so nothing was saved. "
            "Try again in a few seconds."
        )
