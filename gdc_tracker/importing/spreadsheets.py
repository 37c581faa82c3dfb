"""Reading .xlsx workbooks: calamine, with openpyxl for what calamine refuses."""

import io
import zipfile
from collections.abc import Sequence
from typing import Any

from python_calamine import CalamineWorkbook, SheetTypeEnum

from gdc_tracker.i18n import _
from gdc_tracker.importing import limits
from gdc_tracker.importing.limits import (
    MAX_PREAMBLE_LINES,
    SUPPORTED_EXTENSIONS,
    BulkImportError,
    FileTooLarge,
    Record,
    SheetNeeded,
    UnreadableFile,
    _cell_text,
    _too_many_columns,
    _too_many_rows,
)


def _xlsx_records(data: bytes, sheet: str | None) -> tuple[list[Record], dict[str, Any]]:
    """One sheet's rows, read by calamine (Rust: on the 10,000-row benchmark file 89 ms,
    against 315 ms for the streaming XML reader it replaces and 1,233 ms for openpyxl's
    read-only mode), with openpyxl as the fallback for a workbook calamine refuses."""
    _check_unpacked_size(data)
    try:
        return _calamine_records(data, sheet)
    except BulkImportError:
        raise
    except Exception:  # an unusual but maybe valid workbook: let openpyxl try
        return _openpyxl_records(data, sheet)


def workbook_sheets(data: bytes, filename: str) -> list[str]:
    """The names of a workbook's worksheets, in order; [] for a CSV or an unreadable file
    (whose reading then says what is wrong with it)."""
    extension = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if not data.startswith(b"PK\x03\x04") or extension not in SUPPORTED_EXTENSIONS + ("",):
        return []
    try:
        return _calamine_worksheets(CalamineWorkbook.from_filelike(io.BytesIO(data)))
    except Exception:  # not a workbook calamine knows: openpyxl, else nothing
        try:
            import openpyxl

            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
            try:
                return [sheet.title for sheet in workbook.worksheets]
            finally:
                workbook.close()
        except Exception:
            return []


def _chosen_sheet(titles: Sequence[str], sheet: str | None) -> int:
    """Which of the workbook's sheets to read: the only one, or the one asked for."""
    if sheet is None:
        if len(titles) > 1:
            raise SheetNeeded(titles)
        return 0
    if sheet not in titles:
        raise UnreadableFile(
            _("The workbook has no sheet named '{sheet}'; its sheets are {names}.").format(
                sheet=sheet, names=", ".join(f"'{name}'" for name in titles)
            )
        )
    return list(titles).index(sheet)


_MAX_UNZIPPED_BYTES = 15 * limits.MAX_FILE_BYTES  # a "zip bomb" is refused before it is inflated


def _unreadable(error: Exception) -> UnreadableFile:
    return UnreadableFile(
        _("This is not an Excel (.xlsx) file that can be read ({error}).").format(
            error=error.__class__.__name__
        )
    )


def _check_unpacked_size(data: bytes) -> None:
    """Refuse a workbook that would unpack to more than `_MAX_UNZIPPED_BYTES`, from the
    sizes its zip directory states, before anything is inflated."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as error:
        raise _unreadable(error) from error
    if unpacked > _MAX_UNZIPPED_BYTES:
        raise FileTooLarge(
            _("The Excel file unpacks to more than {size} MB.").format(
                size=_MAX_UNZIPPED_BYTES // (1024 * 1024)
            )
        )


def _calamine_worksheets(book: CalamineWorkbook) -> list[str]:
    """The worksheets' names, in order (chart and dialog sheets hold no cells to read)."""
    return [sheet.name for sheet in book.sheets_metadata if sheet.typ == SheetTypeEnum.WorkSheet]


def _calamine_records(data: bytes, sheet: str | None) -> tuple[list[Record], dict[str, Any]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    titles = _calamine_worksheets(book)
    title = titles[_chosen_sheet(titles, sheet)]
    cells = book.get_sheet_by_name(title)
    # The used range ends at the last filled cell: a sheet wider or longer than the limits
    # is refused before its grid is built (one cell far out would otherwise make it huge).
    if cells.end is not None:
        last_row, last_column = cells.end
        if last_column >= limits.MAX_COLUMNS:
            raise FileTooLarge(_too_many_columns())
        if last_row >= limits.MAX_ROWS + MAX_PREAMBLE_LINES + 1:
            raise FileTooLarge(_too_many_rows())
    # From A1, so that each record's number is the row number the user sees.
    grid = cells.to_python(skip_empty_area=False)
    records = [(number, [_cell_text(v) for v in row]) for number, row in enumerate(grid, 1)]
    return records, {"format": "xlsx", "sheet": title}


def _openpyxl_records(data: bytes, sheet: str | None = None) -> tuple[list[Record], dict[str, Any]]:
    import openpyxl  # the fallback reader, only for workbooks calamine refuses

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # zip, XML and openpyxl errors alike: the file is unreadable
        raise UnreadableFile(
            _("This is not an Excel (.xlsx) file that can be read ({error}).").format(
                error=error.__class__.__name__
            )
        ) from error
    try:
        worksheets = workbook.worksheets
        chosen = worksheets[_chosen_sheet([w.title for w in worksheets], sheet)]
        chosen.reset_dimensions()  # a stated size of a million rows must not pad the reading
        records: list[Record] = []
        for number, row in enumerate(chosen.iter_rows(values_only=True), start=1):
            if len(row) > limits.MAX_COLUMNS and any(
                v is not None for v in row[limits.MAX_COLUMNS :]
            ):
                raise FileTooLarge(_too_many_columns())
            records.append((number, [_cell_text(v) for v in row[: limits.MAX_COLUMNS]]))
            if len(records) > limits.MAX_ROWS + MAX_PREAMBLE_LINES + 1:
                raise FileTooLarge(_too_many_rows())
        title = chosen.title
    except BulkImportError:
        raise
    except Exception as error:  # a corrupt sheet fails while it streams
        raise UnreadableFile(
            _("The Excel file is damaged ({error}).").format(error=error.__class__.__name__)
        ) from error
    finally:
        workbook.close()
    return records, {"format": "xlsx", "sheet": title}
