"""What a file may hold, the longest texts an entry keeps, and the errors an import
raises."""

from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from typing import Literal

from gdc_tracker.entries import (
    MAX_LENGTHS,
)
from gdc_tracker.errors import GdcTrackerError
from gdc_tracker.i18n import _

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000  # observations (rows of a long file, filled year cells of a wide one)
MAX_COLUMNS = 1_000
MAX_PREAMBLE_LINES = 10  # lines before the header that are skipped (World Bank: 4)
CHUNK_SIZE = 2_000  # rows per INSERT/UPDATE statement in commit
VALUE_TOLERANCE = 1e-9  # values closer than this are the same value
SUPPORTED_EXTENSIONS = (".csv", ".tsv", ".txt", ".xlsx")
# Cells that mean "no value": an error in an import, never a zero.
NULL_MARKERS = frozenset(
    {"null", "n/a", "#n/a", "na", "nan", "none", "nil", "..", "...", "-", "--", "—", "–"}
)
Layout = Literal["long", "wide"]
Progress = Callable[[float], object]  # what it returns is not used


class BulkImportError(GdcTrackerError):
    """Base of every error the importer raises about a file, a mapping or the store."""


class UnreadableFile(BulkImportError):
    """The file is not a CSV or Excel (.xlsx) file this importer can read."""


class FileTooLarge(BulkImportError):
    """The file is over one of the limits (size, observations, columns)."""


class MappingError(BulkImportError):
    """The column mapping does not fit the file (missing or unknown columns)."""


class SheetNeeded(BulkImportError):
    """The workbook has several sheets and nobody said which one to import."""

    def __init__(self, sheets: Sequence[str]) -> None:
        self.sheets = list(sheets)
        super().__init__(
            _("The workbook has {count} sheets ({names}): choose the one to import.").format(
                count=len(self.sheets), names=", ".join(f"'{name}'" for name in self.sheets)
            )
        )


class StoreChanged(BulkImportError):
    """Someone changed the same entries between the preview and the commit."""


def _store_changed(detail: str) -> StoreChanged:
    """The one message of a commit refused because the store moved since the preview."""
    return StoreChanged(
        _(
            "The store changed since your preview: {detail}. Nothing was imported. "
            "Preview the file again."
        ).format(detail=detail)
    )


def limits_in_words() -> str:
    """The limits, for the upload form and the CLI help."""
    return _(
        "CSV or Excel (.xlsx) files up to {size} MB and {rows:,} observations, "
        "{columns:,} columns at most."
    ).format(size=MAX_FILE_BYTES // (1024 * 1024), rows=MAX_ROWS, columns=MAX_COLUMNS)


Record = tuple[int, list[str]]  # (row number in the file, cells)


def _too_many_rows() -> str:
    return _("The file has more than {rows:,} observations: split it and import the parts.").format(
        rows=MAX_ROWS
    )


def _cell_text(value: object) -> str:
    """A spreadsheet value as the text a person would type (2020.0 -> "2020")."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value != value:
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _too_many_columns() -> str:
    return _("The file has more than {columns:,} columns.").format(columns=MAX_COLUMNS)


# The longest texts an entry keeps: the same limits as the Update form's.
_MAX_SOURCE = MAX_LENGTHS["source"]
_MAX_EVIDENCE = MAX_LENGTHS["evidence_url"]
_MAX_NARRATIVE = MAX_LENGTHS["narrative"]


def _too_long(limit: int) -> str:
    return _("longer than the {limit:,} characters the store keeps: shorten it").format(limit=limit)


def _long_text(text: str) -> str:
    """The start of a text too long to show whole, with its length."""
    return _("{start}… ({count:,} characters)").format(start=text[:60], count=len(text))
