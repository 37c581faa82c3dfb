"""Bulk import of indicator observations from CSV or Excel (.xlsx) files.

The Import page and `python -m gdc_tracker import` share these steps:

1. `read_table(data, filename)`: the file as a DataFrame of text cells (nothing is guessed
   about types, so Namibia's "NA" stays a country). The index holds each row's number as
   the user sees it in a spreadsheet (header row 1, or later after a preamble such as the
   World Bank's four lines). A CSV is read as UTF-8 (with or without BOM) or UTF-16, else
   in the legacy code page of one of ITU's six languages that charset-normalizer detects
   (Windows-1252, -1251, -1256, GB18030...), and refused when the detection is unsure
   rather than stored garbled (see `_decode`); `read_as` names the encoding in words.
2. `guess_mapping(frame)`: which column holds what, long layout (one row per observation)
   or wide (one column per year, as World Bank and ITU downloads have it), from headers
   in ITU's six languages ("Country", "Pays", "País", "Страна", "البلد", "国家":
   HEADER_TRANSLATIONS). The user may change the mapping before the preview.
3. `preview(session, frame, mapping, by=..., today=...)`: every observation checked with
   the rules of gdc_tracker.entries and classified new, changed, unchanged or rejected,
   each rejection with its row number, column and reason. Reads the store in a few
   queries and writes nothing.
4. `commit(session, preview, by=..., state=...)`: writes the new and changed observations
   inside the caller's transaction, with one audit record per written row, one import
   batch (models.ImportBatch: the file's name and SHA-256, who, in which state, the counts)
   that every written entry points to, one summary record for the file and one bump of the
   data version. Nothing new or changed: nothing is written. Any failure propagates, so
   the caller's transaction rolls back whole.

Errors the importer raises (all are GdcTrackerError, so the UI explains them):

BulkImportError
├── UnreadableFile   not CSV or .xlsx, corrupt, binary, empty
├── FileTooLarge     over MAX_FILE_BYTES, MAX_ROWS observations or MAX_COLUMNS
├── SheetNeeded      a workbook of several sheets, and no sheet chosen
├── MappingError     the mapping names a missing column or lacks a required one
└── StoreChanged     the store changed between the preview and the commit (including
                     a cell another import or a form filled meanwhile: db's CellTaken)
(plus gdc_tracker.errors.NotAllowed when the user's role does not permit the import, and
its SessionExpired when the sign-in ended before the commit)

Countries are recognised by ISO alpha-3, ISO alpha-2 and names with the usual variants of
the UN, World Bank and Our World in Data, and by their names in ITU's six languages from
CLDR and pycountry's catalogues (see CountryResolver). Groupings of other
organisations (World Bank income groups, "Arab World", OWID continents) are rejected as
unknown countries, with the reason: only ITU regions are imported as regions.
"""

import codecs
import csv
import gettext
import hashlib
import io
import json
import math
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, Literal
from urllib.parse import urlparse
from xml.parsers import expat

import babel
import charset_normalizer
import pandas as pd
import pycountry
import sqlalchemy as sa
from sqlmodel import Session

from gdc_tracker import db, sdmx
from gdc_tracker.audit import record_change
from gdc_tracker.auth import Identity, authorize, require
from gdc_tracker.entries import (
    MAX_LENGTHS,
    disaggregation_problem,
    geography_level_problem,
    period_problem,
    value_problem,
)
from gdc_tracker.errors import CellTaken, GdcTrackerError, NotAllowed
from gdc_tracker.i18n import N_, _
from gdc_tracker.models import (
    NOT_LIVE_STATES,
    TOTAL,
    WORLD_CODE,
    AuditRecord,
    DataSource,
    Geography,
    GeographyKind,
    ImportBatch,
    Indicator,
    IndicatorKind,
    IndicatorMapping,
    ProgressEntry,
    ReviewState,
    Role,
    utc_now,
)
from gdc_tracker.periods import Period, PeriodError, parse_period

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
Progress = Callable[[float], None]


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


# 1. Reading a file


def read_table(data: bytes, filename: str, *, sheet: str | None = None) -> pd.DataFrame:
    """The table of a CSV or .xlsx file as text cells, indexed by file row number.

    A workbook of several sheets needs `sheet` (SheetNeeded says which there are; see
    `workbook_sheets`). `frame.attrs` says how it was read: filename, format, encoding,
    delimiter, sheet, header_row, skipped_lines (the preamble before the header),
    extra_columns (columns beyond the header that some rows fill) and checksum (SHA-256
    of `data`, hex).
    """
    if len(data) > MAX_FILE_BYTES:
        raise FileTooLarge(
            _(
                "The file is {size:.1f} MB; the limit is {limit} MB. Split it and import the parts."
            ).format(size=len(data) / 1024 / 1024, limit=MAX_FILE_BYTES // (1024 * 1024))
        )
    if not data.strip():
        raise UnreadableFile(_("The file is empty."))
    extension = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    is_zip = data.startswith(b"PK\x03\x04")
    if extension in (".xls", ".xlsm", ".xlsb", ".ods"):
        raise UnreadableFile(
            _("'{name}' is not an .xlsx file: save it as Excel workbook (.xlsx) or CSV.").format(
                name=filename
            )
        )
    if extension == ".xlsx" or (is_zip and extension in SUPPORTED_EXTENSIONS + ("",)):
        records, attrs = _xlsx_records(data, sheet)
    elif extension in SUPPORTED_EXTENSIONS or extension == "":
        records, attrs = _csv_records(data)
    else:
        raise UnreadableFile(
            _("'{name}': only CSV (.csv) and Excel (.xlsx) files can be imported.").format(
                name=filename
            )
        )
    frame = _to_frame(records)
    frame.attrs.update(attrs, filename=filename, checksum=hashlib.sha256(data).hexdigest())
    return frame


# The code pages a CSV in one of ITU's six languages comes in when it is not UTF-8, in
# the order that names a reading they agree on: those Excel for Windows saves "CSV" in
# (Windows-1252 for English, French and Spanish, Windows-1251 for Russian, Windows-1256
# for Arabic, GBK for simplified Chinese, read as GB18030 which holds it, and Big5 for
# traditional Chinese) and KOI8-R, Russian's own. The ISO 8859 pages are left out, being
# rare and too alike on short text: ISO 8859-15 differs from Windows-1252 in eight signs
# only (it would read "d´Ivoire" as "dŽIvoire"), 8859-5 and 8859-6 tie with Windows-1251
# and -1256 on a line or two; DOS and Mac pages likewise ("Côte" is "CÙte" in Mac Roman).
# Windows-1250 (Central Europe) is left out too, since it ties with Windows-1252 on most
# short Spanish and French files; a file in it reads as Windows-1252, with wrong letters
# that the preview's sample shows, named "Read as Western European (Windows-1252)".
LEGACY_ENCODINGS = ("cp1252", "cp1251", "koi8_r", "cp1256", "gb18030", "big5")
MAX_CHAOS = 0.1  # a legacy reading with more of its text looking garbled is refused
# charset-normalizer's own margins for a choice it settles by a tie-break (CharsetMatch's
# ordering): readings of different text closer than this are equally good.
_TIE_CHAOS = 0.005
_TIE_COHERENCE = 0.02
_SAMPLE_BYTES = 65_536  # of lines beyond ASCII, where the code pages differ
_SAMPLE_LINES = 1_024  # points of a large file from which a line beyond ASCII is read
_BEYOND_ASCII = re.compile(b"[\x80-\xff]")
_ASCII = bytes(range(128))
_LATIN = "A-Za-z\u00aa\u00b5\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
_OTHER = f"[^\\W\\d_{_LATIN}]"  # a letter of a script other than Latin
_NEXT_TO = f"[0-9{_LATIN}]"
_OTHER_RUN = re.compile(f"{_OTHER}+")
_LONE_OTHER = re.compile(f"(?<={_NEXT_TO}){_OTHER}(?!{_OTHER})|(?<!{_OTHER}){_OTHER}(?={_NEXT_TO})")
# A mark of the Cyrillic, Hebrew or Arabic script on a Latin letter ("Espaٌa": ñ read
# in Windows-1256), which counts as a lone letter of another script.
_MARK_ON_LATIN = re.compile(
    f"(?<=[{_LATIN}])[\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670]"
)
_C1_CONTROLS = re.compile("[\u0080-\u009f]")


def _binary_or_unknown() -> UnreadableFile:
    return UnreadableFile(
        _("The file holds binary data or an unknown text encoding: save it as CSV (UTF-8).")
    )


def _decode(data: bytes) -> tuple[str, str]:
    """The file's text and the codec it was read with; UnreadableFile when unsure.

    1. A byte order mark decides (UTF-8, UTF-16), and so do bytes that are valid UTF-8
       (pure ASCII among them): read as they always were.
    2. Bytes that are mostly UTF-8 with some that are not (a file pasted together from two
       encodings, or damaged) are refused, naming the first line that is not UTF-8: any
       single legacy reading would garble the rest.
    3. Otherwise charset-normalizer (`from_bytes`) reads the file in each of
       LEGACY_ENCODINGS, measured whole (a large file by its lines beyond ASCII, where the
       code pages differ: up to _SAMPLE_BYTES of them, spread over the file), with the
       chaos of each reading (the share of text that looks like mojibake) and its
       coherence (how well its letters fit a language). A reading is dropped when it holds
       control characters (U+0080-U+009F: no text has them), or when most of its runs of
       letters of a non-Latin script are single letters (or marks) against Latin letters
       or digits ("C魌e", "Cфte", "5癈", "Perْ": accents of Latin text that another code
       page took for its own letters, which charset-normalizer's statistics have too
       little text to rule out on a short file).
    4. The best remaining reading is used, unless the detection is unsure and the file is
       refused: no reading remains (binary data, or a code page of another language); the
       best has chaos above MAX_CHAOS; another reading of different text is as good by
       charset-normalizer's own margins (chaos within half a point and coherence within
       0.02, where its ranking falls back on a tie-break), as for a tiny file whose few
       accented bytes make a word in Windows-1252 and another in Windows-1251 or GB18030;
       or the best code page does not define a byte of a line left out of the sample.
    Readings of the same text are one reading, named by the first of their code pages in
    LEGACY_ENCODINGS.
    """
    if data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        if encoding == "utf-16" or b"\x00" in data:
            raise _binary_or_unknown() from error
        sample = _lines_beyond_ascii(data)
        if encoding == "utf-8-sig" or _mostly_utf8(sample[0]):
            raise UnreadableFile(
                _(
                    "The file is UTF-8 except on line {line}, which is in another encoding "
                    "(a file pasted together from two, or damaged): correct that line, or "
                    "save the whole file again as CSV UTF-8."
                ).format(line=_line_at(data, error.start))
            ) from error
        return _legacy_reading(data, *sample)
    if "\x00" in text:
        raise _binary_or_unknown()
    return text, encoding


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _mostly_utf8(data: bytes) -> bool:
    """Whether most bytes beyond ASCII form valid UTF-8 sequences (in a legacy code page
    they do only by chance: "Ã©" is no text anyone writes); of the file's sample."""
    beyond_ascii = len(data.translate(None, _ASCII))
    text = data.decode("utf-8", errors="replace")
    invalid = text.count("\ufffd")
    valid = len(text.encode("utf-8")) - (len(data) - beyond_ascii) - 3 * invalid
    return valid * 2 > beyond_ascii


def _plausible(text: str) -> bool:
    """False for a reading no text gives (see `_decode`, step 3)."""
    if _C1_CONTROLS.search(text):
        return False
    marks = len(_MARK_ON_LATIN.findall(text))
    runs = marks + len(_OTHER_RUN.findall(text))
    lone = marks + len(_LONE_OTHER.findall(text))
    return lone * 2 <= runs


def _lines_beyond_ascii(data: bytes) -> tuple[bytes, list[int]]:
    """What charset-normalizer reads, with the file's number of each of its lines: a file
    of up to _SAMPLE_BYTES whole (its statistics need the context on a short file), else
    lines beyond ASCII (the lines in ASCII read alike in every code page): the first after
    each of _SAMPLE_LINES points spread over the file, up to _SAMPLE_BYTES."""
    if len(data) <= _SAMPLE_BYTES:
        return data, list(range(1, data.count(b"\n") + 2))
    lines: list[bytes] = []
    numbers: list[int] = []
    stride = max(1, len(data) // _SAMPLE_LINES)
    position = counted = 0
    line = 1
    size = 0
    while size < _SAMPLE_BYTES and (found := _BEYOND_ASCII.search(data, position)):
        start = data.rfind(b"\n", 0, found.start()) + 1
        end = data.find(b"\n", found.start())
        end = len(data) if end < 0 else end
        line += data.count(b"\n", counted, start)
        counted = start
        lines.append(data[start:end])
        numbers.append(line)
        size += end - start + 1
        position = max(end + 1, start + stride)
    return b"\n".join(lines), numbers


def _legacy_reading(data: bytes, sample: bytes, line_numbers: list[int]) -> tuple[str, str]:
    """The text of a file that is not UTF-8, by the rule of `_decode` (steps 3 and 4), from
    its `sample` (see `_lines_beyond_ascii`)."""
    found = charset_normalizer.from_bytes(
        sample,
        steps=1,
        chunk_size=max(len(sample), 1),
        cp_isolation=list(LEGACY_ENCODINGS),
        enable_fallback=False,
    )
    readings = [match for match in found if _plausible(str(match))]
    if not readings:
        raise _binary_or_unknown()
    best = readings[0]
    if best.chaos > MAX_CHAOS:
        raise UnreadableFile(
            _(
                "The file's text encoding cannot be told for sure: read as {encoding}, "
                "{share:.0%} of its text looks garbled. Save it as CSV UTF-8 and import it "
                "again."
            ).format(encoding=encoding_in_words(_named(best)), share=best.chaos)
        )
    for rival in readings[1:]:
        if (
            abs(rival.chaos - best.chaos) < _TIE_CHAOS
            and abs(rival.coherence - best.coherence) <= _TIE_COHERENCE
            and str(rival) != str(best)
        ):
            line, ours, theirs = _first_difference(str(best), str(rival))
            raise UnreadableFile(
                _(
                    "The file's text encoding cannot be told for sure: line {line} reads "
                    "'{first}' in {first_encoding} but '{second}' in {second_encoding}. Save "
                    "it as CSV UTF-8 and import it again."
                ).format(
                    line=line_numbers[line - 1],
                    first=ours,
                    first_encoding=encoding_in_words(_named(best)),
                    second=theirs,
                    second_encoding=encoding_in_words(_named(rival)),
                )
            )
    encoding = min(
        (_named(match) for match in readings if str(match) == str(best)),
        key=LEGACY_ENCODINGS.index,
    )
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            _(
                "The file's text encoding cannot be told for sure: it reads as {encoding}, "
                "but line {line} holds bytes {encoding} does not define. Save it as CSV "
                "UTF-8 and import it again."
            ).format(encoding=encoding_in_words(encoding), line=_line_at(data, error.start))
        ) from error


def _named(match: "charset_normalizer.CharsetMatch") -> str:
    """The first code page in LEGACY_ENCODINGS that gives the reading's text."""
    names = [match.encoding, *(other.encoding for other in match.submatch)]
    return min(
        (name for name in names if name in LEGACY_ENCODINGS),
        key=LEGACY_ENCODINGS.index,
        default=match.encoding,
    )


def _first_difference(first: str, second: str) -> tuple[int, str, str]:
    """Where two readings of a file first differ: the line, and the word in each."""
    at, size = 0, min(len(first), len(second))
    while at + 4096 <= size and first[at : at + 4096] == second[at : at + 4096]:
        at += 4096
    while at < size and first[at] == second[at]:
        at += 1
    line = first.count("\n", 0, at) + 1

    def word(text: str) -> str:
        start = max(text.rfind(mark, 0, at) for mark in ',;\t|\n"') + 1
        ends = [end for mark in ',;\t|\r\n"' if (end := text.find(mark, at)) >= 0]
        return text[start : min(ends, default=len(text))][:40]

    return line, word(first), word(second)


def encoding_in_words(encoding: str) -> str:
    """The text encoding a file was read in, for the user: "Cyrillic (Windows-1251)"."""
    names = {
        "utf-8": _("Unicode (UTF-8)"),
        "utf-8-sig": _("Unicode (UTF-8 with a byte order mark)"),
        "utf-16": _("Unicode (UTF-16)"),
        "cp1252": _("Western European (Windows-1252)"),
        "cp1251": _("Cyrillic (Windows-1251)"),
        "koi8_r": _("Cyrillic (KOI8-R)"),
        "cp1256": _("Arabic (Windows-1256)"),
        "gb18030": _("Chinese, simplified (GB18030)"),
        "big5": _("Chinese, traditional (Big5)"),
    }
    return names.get(encoding, encoding)


def read_as(encoding: str) -> str:
    """How a file's text was read, as a sentence ("Read as Cyrillic (Windows-1251).");
    "" for a workbook, whose text has no encoding to choose."""
    if not encoding:
        return ""
    return _("Read as {encoding}.").format(encoding=encoding_in_words(encoding))


def _sniff_delimiter(text: str) -> str:
    """The delimiter giving the most rows of one consistent width (preambles are ignored)."""
    lines = text[:65_536].splitlines()[:40]
    sample = "\n".join(lines)
    best, best_score = ",", (False, 0, 0)
    for delimiter in (",", ";", "\t", "|"):
        try:
            widths = [
                len(row)
                for row in csv.reader(io.StringIO(sample), delimiter=delimiter)
                if any(cell.strip() for cell in row)
            ]
        except csv.Error:
            continue
        if not widths:
            continue
        width, count = Counter(widths).most_common(1)[0]
        score = (width > 1, count, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


Record = tuple[int, list[str]]  # (row number in the file, cells)


def _csv_records(data: bytes) -> tuple[list[Record], dict[str, Any]]:
    text, encoding = _decode(data)
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[Record] = []
    line = 0
    try:
        for row in reader:
            records.append((line + 1, row))
            line = reader.line_num
            if len(records) > MAX_ROWS + MAX_PREAMBLE_LINES + 1:
                raise FileTooLarge(_too_many_rows())
    except csv.Error as error:
        raise UnreadableFile(
            _("Line {line} cannot be read as CSV ({error}).").format(line=line + 1, error=error)
        ) from error
    return records, {"format": "csv", "encoding": encoding, "delimiter": delimiter}


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


def _xlsx_records(data: bytes, sheet: str | None) -> tuple[list[Record], dict[str, Any]]:
    """One sheet's rows: a streaming reader of the sheet XML (about four times faster than
    openpyxl), with openpyxl as the fallback for workbooks it does not expect."""
    try:
        return _fast_xlsx_records(data, sheet)
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
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return [title for title, _path in _worksheets(archive)[0]]
    except Exception:  # not a workbook the fast reader knows: openpyxl, else nothing
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


_MAX_UNZIPPED_BYTES = 15 * MAX_FILE_BYTES  # a "zip bomb" is refused before it is inflated
_DATE_FORMAT_IDS = frozenset([*range(14, 23), *range(27, 37), 45, 46, 47, *range(50, 59)])


def _local(name: str) -> str:
    return name.rpartition(":")[2]


def _parse_xml(
    stream: Any,
    start: Callable[..., None],
    end: Callable[[str], None],
    text: Callable[[str], None] | None = None,
) -> None:
    """Stream an XML part through expat (namespace prefixes are ignored by `_local`)."""
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    parser.ParseFile(stream)


def _text_collector(parts: list[str], flags: dict[str, bool]) -> Callable[[str], None]:
    """Keep the text of <v> and <t> elements, not of phonetic runs (<rPh>)."""

    def collect(text: str) -> None:
        if flags["in_text"] and not flags["in_phonetic"]:
            parts.append(text)

    return collect


def _worksheets(archive: zipfile.ZipFile) -> tuple[list[tuple[str, str]], bool]:
    """Each worksheet's title and path (chart sheets left out), and whether dates count
    from 1904."""
    sheets: list[tuple[str, str]] = []  # (relationship id, title)
    flags = {"date1904": False}

    def on_workbook(name: str, attrs: dict[str, str]) -> None:
        local = _local(name)
        if local == "sheet":
            relation = next((v for k, v in attrs.items() if _local(k) == "id"), "")
            sheets.append((relation, attrs.get("name", "")))
        elif local == "workbookPr":
            flags["date1904"] = attrs.get("date1904", "0").lower() in ("1", "true")

    _parse_xml(archive.open("xl/workbook.xml"), on_workbook, lambda name: None)
    targets: dict[str, str] = {}

    def on_rels(name: str, attrs: dict[str, str]) -> None:
        if _local(name) == "Relationship":
            targets[attrs.get("Id", "")] = attrs.get("Target", "")

    _parse_xml(archive.open("xl/_rels/workbook.xml.rels"), on_rels, lambda name: None)
    found = []
    for relation, title in sheets:
        target = targets[relation]
        path = target.lstrip("/") if target.startswith("/") else "xl/" + target
        if "chartsheets/" not in path:
            found.append((title, path))
    if not found:
        raise KeyError("no worksheet")
    return found, flags["date1904"]


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    strings: list[str] = []
    parts: list[str] = []
    flags = {"in_text": False, "in_phonetic": False}

    def start(name: str, attrs: dict[str, str]) -> None:
        local = _local(name)
        if local == "si":
            parts.clear()
        elif local == "t":
            flags["in_text"] = True
        elif local == "rPh":
            flags["in_phonetic"] = True

    def end(name: str) -> None:
        local = _local(name)
        if local == "si":
            strings.append("".join(parts))
        elif local == "t":
            flags["in_text"] = False
        elif local == "rPh":
            flags["in_phonetic"] = False

    _parse_xml(archive.open("xl/sharedStrings.xml"), start, end, _text_collector(parts, flags))
    return strings


def _is_date_format(code: str) -> bool:
    cleaned = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code).lower()
    return cleaned != "general" and bool(re.search(r"[dmyhs]", cleaned))


def _date_styles(archive: zipfile.ZipFile) -> frozenset[int]:
    """Indices of the cell styles that show a number as a date or time."""
    if "xl/styles.xml" not in archive.namelist():
        return frozenset()
    custom: dict[int, str] = {}
    style_formats: list[int] = []
    where = {"cellXfs": False}

    def start(name: str, attrs: dict[str, str]) -> None:
        local = _local(name)
        if local == "numFmt":
            custom[int(attrs.get("numFmtId", "0"))] = attrs.get("formatCode", "")
        elif local == "cellXfs":
            where["cellXfs"] = True
        elif local == "xf" and where["cellXfs"]:
            style_formats.append(int(attrs.get("numFmtId", "0")))

    def end(name: str) -> None:
        if _local(name) == "cellXfs":
            where["cellXfs"] = False

    _parse_xml(archive.open("xl/styles.xml"), start, end)
    return frozenset(
        index
        for index, format_id in enumerate(style_formats)
        if format_id in _DATE_FORMAT_IDS
        or (format_id in custom and _is_date_format(custom[format_id]))
    )


def _column_index(reference: str) -> int:
    index = 0
    for char in reference:
        if not char.isalpha():
            break
        index = index * 26 + (ord(char.upper()) - 64)
    return index - 1


def _serial_date(serial: float, date1904: bool) -> str:
    """An Excel date serial as ISO text, to the millisecond (a time alone below 1)."""
    base = datetime(1904, 1, 1) if date1904 else datetime(1899, 12, 30)
    try:
        moment = base + timedelta(milliseconds=round(serial * 86_400_000))
    except OverflowError:  # not a date Python can hold: keep the number
        return _cell_text(serial)
    return _cell_text(moment.time() if 0 <= serial < 1 and not date1904 else moment)


class _SheetReader:
    """Expat handlers that turn <row>/<c> elements into records of text cells."""

    def __init__(self, strings: list[str], date_styles: frozenset[int], date1904: bool) -> None:
        self.strings, self.date_styles, self.date1904 = strings, date_styles, date1904
        self.records: list[Record] = []
        self.cells: list[str] = []
        self.parts: list[str] = []
        self.flags = {"in_text": False, "in_phonetic": False}
        self.row_number = 0
        self.cell: tuple[int, str | None, str | None] = (0, None, None)

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = _local(name)
        if local == "c":
            reference = attrs.get("r")
            column = _column_index(reference) if reference else len(self.cells)
            self.cell = (column, attrs.get("t"), attrs.get("s"))
            self.parts.clear()
        elif local in ("v", "t"):
            self.flags["in_text"] = True
        elif local == "rPh":
            self.flags["in_phonetic"] = True
        elif local == "row":
            self.row_number = int(attrs.get("r") or self.row_number + 1)
            self.cells = []

    def end(self, name: str) -> None:
        local = _local(name)
        if local in ("v", "t"):
            self.flags["in_text"] = False
        elif local == "rPh":
            self.flags["in_phonetic"] = False
        elif local == "c":
            self._store_cell()
        elif local == "row":
            self.records.append((self.row_number, self.cells))
            if len(self.records) > MAX_ROWS + MAX_PREAMBLE_LINES + 1:
                raise FileTooLarge(_too_many_rows())

    def _store_cell(self) -> None:
        column, kind, style = self.cell
        raw = "".join(self.parts)
        if kind == "s":
            text = self.strings[int(raw)] if raw else ""
        elif kind == "b":
            text = "TRUE" if raw.strip() in ("1", "true") else "FALSE"
        elif kind in ("str", "inlineStr", "e", "d"):
            text = raw
        elif raw.strip():
            number = float(raw)
            if style and int(style) in self.date_styles and math.isfinite(number):
                text = _serial_date(number, self.date1904)
            else:
                text = _cell_text(number)
        else:
            text = ""
        if column >= MAX_COLUMNS:
            if text.strip():
                raise FileTooLarge(_too_many_columns())
            return
        if column >= len(self.cells):
            self.cells.extend([""] * (column - len(self.cells) + 1))
        self.cells[column] = text


def _fast_xlsx_records(
    data: bytes, sheet: str | None = None
) -> tuple[list[Record], dict[str, Any]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise UnreadableFile(
            _("This is not an Excel (.xlsx) file that can be read ({error}).").format(
                error=error.__class__.__name__
            )
        ) from error
    with archive:
        if sum(info.file_size for info in archive.infolist()) > _MAX_UNZIPPED_BYTES:
            raise FileTooLarge(
                _("The Excel file unpacks to more than {size} MB.").format(
                    size=_MAX_UNZIPPED_BYTES // (1024 * 1024)
                )
            )
        sheets, date1904 = _worksheets(archive)
        title, path = sheets[_chosen_sheet([t for t, _p in sheets], sheet)]
        reader = _SheetReader(_shared_strings(archive), _date_styles(archive), date1904)
        text = _text_collector(reader.parts, reader.flags)
        _parse_xml(archive.open(path), reader.start, reader.end, text)
    return reader.records, {"format": "xlsx", "sheet": title}


def _openpyxl_records(data: bytes, sheet: str | None = None) -> tuple[list[Record], dict[str, Any]]:
    import openpyxl  # the fallback reader, only for workbooks the fast reader does not expect

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
            if len(row) > MAX_COLUMNS and any(v is not None for v in row[MAX_COLUMNS:]):
                raise FileTooLarge(_too_many_columns())
            records.append((number, [_cell_text(v) for v in row[:MAX_COLUMNS]]))
            if len(records) > MAX_ROWS + MAX_PREAMBLE_LINES + 1:
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


def _too_many_columns() -> str:
    return _("The file has more than {columns:,} columns.").format(columns=MAX_COLUMNS)


def _filled(cells: list[str]) -> int:
    return sum(1 for cell in cells if cell.strip())


def _header_index(records: list[Record]) -> int:
    """Where the header is: the first row that is not a short preamble line.

    A preamble line (the World Bank's "Data Source", "Last Updated Date") has at most two
    filled cells and is at most half as wide as the widest of the first rows.
    """
    candidates = [i for i, (_, cells) in enumerate(records[:40]) if _filled(cells)]
    if not candidates:
        raise UnreadableFile(_("The file has no header row."))
    widest = max(_filled(records[i][1]) for i in candidates)
    for i in candidates[: MAX_PREAMBLE_LINES + 1]:
        filled = _filled(records[i][1])
        if filled > 2 or filled > widest / 2:
            return i
    return candidates[0]


def _column_names(header: list[str], width: int) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    for position in range(width):
        name = header[position].strip() if position < len(header) else ""
        name = name or f"Column {position + 1}"
        unique, copy = name, 2
        while unique in seen:
            unique, copy = f"{name} ({copy})", copy + 1
        seen.add(unique)
        names.append(unique)
    return names


def _to_frame(records: list[Record]) -> pd.DataFrame:
    start = _header_index(records)
    header_row, header = records[start]
    rows = [(n, cells) for n, cells in records[start + 1 :] if any(c.strip() for c in cells)]
    if len(rows) > MAX_ROWS:
        raise FileTooLarge(_too_many_rows())
    width = max([len(header)] + [len(cells) for _, cells in rows])
    if width > MAX_COLUMNS:
        raise FileTooLarge(_too_many_columns())
    names = _column_names(header, width)
    table = [cells + [""] * (width - len(cells)) for _, cells in rows]
    frame = pd.DataFrame(
        table or None,
        columns=names,
        index=pd.Index([n for n, _ in rows], name="row", dtype="int64"),
        dtype=object,
    )
    unnamed_empty = [
        name
        for position, name in enumerate(names)
        if (position >= len(header) or not header[position].strip())
        and not any(row[position].strip() for row in table)
    ]
    frame = frame.drop(columns=unnamed_empty)
    header_width = max((i + 1 for i, cell in enumerate(header) if cell.strip()), default=0)
    beyond_header = [name for name in names[header_width:] if name in frame.columns]
    frame.attrs.update(
        header_row=header_row, skipped_lines=header_row - 1, extra_columns=beyond_header
    )
    return frame


# 2. The column mapping


@dataclass(frozen=True)
class ColumnMapping:
    """Which column holds what. Column names are the file's headers.

    Long layout: one observation per row, in `value`, for the period in `period`.
    Wide layout: one observation per filled cell of the `year_columns`.
    The indicator is one code for the whole file (`indicator_code`), or comes from a
    column (`indicator`) of the file's own codes or names, each matched to a tracked
    indicator or skipped (`indicator_map`, see `indicator_choices`). A whole-file
    indicator is refused for a file whose indicator column holds several indicators:
    their rows would all be relabelled as the one. `country` holds codes or names;
    `country_name`, when a second column has the names, resolves rows with an empty code
    and is cross-checked against the code (so "Arab World" is never taken for ITU's ARB).
    """

    layout: Layout
    country: str | None
    country_name: str | None = None
    indicator: str | None = None
    indicator_code: str | None = None
    period: str | None = None
    value: str | None = None
    year_columns: tuple[str, ...] = ()
    disaggregation: str | None = None
    source: str | None = None
    evidence_url: str | None = None
    narrative: str | None = None
    default_source: str = ""  # the source of rows without a source cell (default: the file's)
    # What the user chose for the file's own indicators: (file's text, tracked code or SKIP).
    indicator_map: tuple[tuple[str, str], ...] = ()
    # SDMX-CSV (gdc_tracker.sdmx): the dimension columns that break values down (SEX, AGE,
    # URBANISATION, COMP_BREAKDOWN_n), the unit (UNIT_MEASURE and its label), the power of
    # ten the values are in (UNIT_MULT) and the observation status (OBS_STATUS).
    sdmx: bool = False
    breakdowns: tuple[str, ...] = ()
    unit: str | None = None
    unit_label: str | None = None
    unit_multiplier: str | None = None
    status: str | None = None

    def columns(self) -> list[str]:
        """Every column the mapping reads."""
        named = [
            self.country,
            self.country_name,
            self.indicator,
            self.disaggregation,
            self.source,
            self.evidence_url,
            self.narrative,
            self.unit,
            self.unit_label,
            self.unit_multiplier,
            self.status,
            *self.breakdowns,
        ]
        named += [self.period, self.value] if self.layout == "long" else list(self.year_columns)
        return [name for name in named if name]

    def check(self, frame: pd.DataFrame) -> None:
        """Raise MappingError naming every way this mapping does not fit `frame`."""
        problems = []
        if self.layout not in ("long", "wide"):
            problems.append(_("the layout must be long or wide"))
        missing = [name for name in self.columns() if name not in frame.columns]
        if missing:
            problems.append(
                _("no column named {names} in the file").format(
                    names=", ".join(f"'{name}'" for name in missing)
                )
            )
        if not (self.country or self.country_name):
            problems.append(_("choose the column with the countries"))
        if not (self.indicator or self.indicator_code):
            problems.append(_("choose the indicator, or the column with indicator codes"))
        elif self.indicator_code and self.indicator in frame.columns:
            found = file_indicators(frame, self.indicator)
            if len(found) > 1:
                problems.append(
                    _(
                        "column '{column}' holds {count:,} indicators ({names}): match each "
                        "to a tracked indicator or skip it, instead of importing every row "
                        "as {code}"
                    ).format(
                        column=self.indicator,
                        count=len(found),
                        names=_listed(list(found)),
                        code=self.indicator_code,
                    )
                )
        if self.layout == "long":
            if not self.period:
                problems.append(_("choose the column with the periods (years)"))
            if not self.value:
                problems.append(_("choose the column with the values"))
        elif self.layout == "wide":
            if not self.year_columns:
                problems.append(_("choose the year columns"))
            bad = [name for name in self.year_columns if header_period(name) is None]
            if bad:
                problems.append(
                    _("{names} are not years or periods").format(
                        names=", ".join(f"'{name}'" for name in bad)
                    )
                )
        if problems:
            text = "; ".join(problems)
            raise MappingError(text[0].upper() + text[1:] + ".")


_YEAR_HEADER = re.compile(r"^(?:YR)?(\d{4})(?:\.0)?(?:\s*\[YR\d{4}\])?$", re.IGNORECASE)
_PERIOD_HEADER = re.compile(r"^\d{4}-?(Q[1-4]|\d{2})$", re.IGNORECASE)


def header_period(name: object) -> Period | None:
    """The period a wide-layout header names: "2020", "2020.0", "2020 [YR2020]", "2024-Q3"."""
    text = str(name).strip()
    try:
        if match := _YEAR_HEADER.match(text):
            period = parse_period(match.group(1))
            return period if 1900 <= period.year <= 2100 else None
        if _PERIOD_HEADER.match(text):
            return parse_period(text)
    except PeriodError:
        return None
    return None


def _header_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(name).lower()).strip()


_CODE_HEADERS = (
    "country code",
    "countryiso3code",
    "iso3",
    "iso3 code",
    "iso 3",
    "iso alpha 3",
    "iso alpha3",
    "alpha 3",
    "alpha3",
    "country iso3",
    "iso code",
    "iso",
    "code",
    "geo code",
    "geo",
    "geography code",
    "economy code",
    "ref area",
    "area code",
    "country id",
    "region code",
)
_NAME_HEADERS = (
    "country",
    "country name",
    "entity",
    "economy",
    "geography",
    "country or area",
    "country territory",
    "area",
    "location",
    "name",
    "economy name",
    "ref area name",
    "region",
)
_PERIOD_HEADERS = ("year", "period", "time", "time period", "reporting period", "date", "yr")
_VALUE_HEADERS = ("value", "obs value", "observation value", "observation", "data value", "val")
_INDICATOR_HEADERS = (
    "indicator code",
    "indicator",
    "indicator id",
    "indicator name",
    "series code",
    "series",
    "series name",
)
_DISAGGREGATION_HEADERS = ("disaggregation", "breakdown", "dimension")
_SOURCE_HEADERS = ("source", "data source", "source name")
_EVIDENCE_HEADERS = ("evidence url", "evidence", "evidence link", "url", "link")
_NARRATIVE_HEADERS = ("narrative", "note", "notes", "comment", "comments", "remarks")


# The headers above in French, Spanish, Arabic, Chinese (simplified, then traditional)
# and Russian, by the English header they stand beside: each is tried right after its
# English word, so the order of preference stays the English one ("País" before
# "Región"). Written out as people head their tables (no library holds this); matched
# without case or accents, so "Año" and "ANO" are one header.
HEADER_TRANSLATIONS: dict[str, dict[str, tuple[str, ...]]] = {
    # Country codes
    "country code": {
        "fr": ("code pays", "code du pays"),
        "es": ("código de país", "código del país"),
        "ar": ("رمز البلد", "رمز الدولة"),
        "zh": ("国家代码", "國家代碼"),
        "ru": ("код страны",),
    },
    "iso code": {
        "fr": ("code ISO",),
        "es": ("código ISO",),
        "ar": ("رمز ISO",),
        "zh": ("ISO代码", "ISO 代码", "ISO代碼"),
        "ru": ("код ISO",),
    },
    "code": {
        "es": ("código",),
        "ar": ("الرمز", "رمز"),
        "zh": ("代码", "代碼"),
        "ru": ("код",),
    },
    # Country names
    "country": {
        "fr": ("pays",),
        "es": ("país",),
        "ar": ("البلد", "الدولة", "بلد", "دولة"),
        "zh": ("国家", "國家"),
        "ru": ("страна",),
    },
    "country name": {
        "fr": ("nom du pays", "nom de pays"),
        "es": ("nombre del país", "nombre de país"),
        "ar": ("اسم البلد", "اسم الدولة"),
        "zh": ("国家名称", "國家名稱"),
        "ru": ("название страны", "наименование страны"),
    },
    "economy": {
        "fr": ("économie",),
        "es": ("economía",),
        "ar": ("الاقتصاد",),
        "zh": ("经济体", "經濟體"),
        "ru": ("экономика",),
    },
    "geography": {
        "fr": ("géographie", "zone géographique"),
        "es": ("geografía", "zona geográfica"),
        "ar": ("المنطقة الجغرافية",),
        "zh": ("地理区域", "地理區域"),
        "ru": ("география",),
    },
    "country or area": {
        "fr": ("pays ou zone", "pays ou région"),
        "es": ("país o área", "país o zona"),
        "ar": ("البلد أو المنطقة",),
        "zh": ("国家或地区", "国家/地区", "國家或地區", "國家/地區"),
        "ru": ("страна или территория", "страна или район"),
    },
    "country territory": {
        "fr": ("pays ou territoire", "pays/territoire"),
        "es": ("país o territorio", "país/territorio"),
        "ar": ("البلد أو الإقليم",),
        "ru": ("страна/территория",),
    },
    "area": {
        "fr": ("zone",),
        "es": ("zona",),
        "ar": ("المنطقة",),
        "zh": ("地区", "地區"),
        "ru": ("территория",),
    },
    "location": {
        "fr": ("lieu", "localisation"),
        "es": ("ubicación", "lugar"),
        "ar": ("الموقع",),
        "zh": ("地点", "地點"),
        "ru": ("местоположение",),
    },
    "name": {
        "fr": ("nom",),
        "ar": ("الاسم",),
        "zh": ("名称", "名稱"),
        "ru": ("название", "наименование"),
    },
    "region": {
        "ar": ("الإقليم",),
        "zh": ("区域", "區域"),
        "ru": ("регион",),
    },
    # Periods
    "year": {
        "fr": ("année",),
        "es": ("año",),
        "ar": ("السنة", "العام", "سنة", "عام"),
        "zh": ("年份", "年度", "年"),
        "ru": ("год",),
    },
    "period": {
        "fr": ("période",),
        "es": ("período", "periodo"),
        "ar": ("الفترة",),
        "zh": ("时期", "期间", "時期", "期間"),
        "ru": ("период",),
    },
    "time": {
        "zh": ("时间", "時間"),
        "ru": ("время",),
    },
    "reporting period": {
        "fr": ("période de référence",),
        "es": ("período de referencia", "periodo de referencia"),
        "ar": ("الفترة المرجعية",),
        "zh": ("报告期", "報告期"),
        "ru": ("отчётный период",),
    },
    "date": {
        "es": ("fecha",),
        "ar": ("التاريخ",),
        "zh": ("日期",),
        "ru": ("дата",),
    },
    # Values
    "value": {
        "fr": ("valeur",),
        "es": ("valor",),
        "ar": ("القيمة", "قيمة"),
        "zh": ("数值", "數值", "值"),
        "ru": ("значение",),
    },
    "observation value": {
        "fr": ("valeur observée", "valeur de l'observation"),
        "es": ("valor observado", "valor de la observación"),
        "ar": ("القيمة المرصودة",),
        "zh": ("观测值", "觀測值"),
        "ru": ("наблюдаемое значение",),
    },
    # Indicators
    "indicator code": {
        "fr": ("code de l'indicateur", "code indicateur"),
        "es": ("código del indicador", "código de indicador"),
        "ar": ("رمز المؤشر",),
        "zh": ("指标代码", "指標代碼"),
        "ru": ("код показателя", "код индикатора"),
    },
    "indicator": {
        "fr": ("indicateur",),
        "es": ("indicador",),
        "ar": ("المؤشر", "مؤشر"),
        "zh": ("指标", "指標"),
        "ru": ("показатель", "индикатор"),
    },
    "indicator name": {
        "fr": ("nom de l'indicateur",),
        "es": ("nombre del indicador",),
        "ar": ("اسم المؤشر",),
        "zh": ("指标名称", "指標名稱"),
        "ru": ("название показателя", "наименование показателя"),
    },
    "series code": {
        "fr": ("code de la série",),
        "es": ("código de la serie",),
        "ar": ("رمز السلسلة",),
        "zh": ("系列代码", "系列代碼"),
        "ru": ("код ряда",),
    },
    "series": {
        "fr": ("série",),
        "es": ("serie",),
        "ar": ("السلسلة",),
        "zh": ("系列",),
        "ru": ("ряд данных",),
    },
    # Breakdowns
    "disaggregation": {
        "fr": ("ventilation", "désagrégation"),
        "es": ("desagregación",),
        "ar": ("التصنيف", "التفصيل"),
        "zh": ("分类", "分類", "细分", "細分"),
        "ru": ("дезагрегация", "разбивка"),
    },
    "breakdown": {
        "fr": ("répartition",),
        "es": ("desglose",),
    },
    "dimension": {
        "es": ("dimensión",),
        "ar": ("البعد",),
        "zh": ("维度", "維度"),
        "ru": ("измерение",),
    },
    # Sources
    "source": {
        "es": ("fuente",),
        "ar": ("المصدر", "مصدر"),
        "zh": ("来源", "來源"),
        "ru": ("источник",),
    },
    "data source": {
        "fr": ("source des données", "source de données"),
        "es": ("fuente de datos", "fuente de los datos"),
        "ar": ("مصدر البيانات",),
        "zh": ("数据来源", "資料來源"),
        "ru": ("источник данных",),
    },
    # Evidence links
    "evidence": {
        "fr": ("justificatif", "preuve"),
        "es": ("evidencia", "prueba"),
        "ar": ("الدليل",),
        "zh": ("证据", "證據"),
        "ru": ("подтверждение",),
    },
    "url": {
        "fr": ("adresse web",),
        "es": ("dirección web",),
        "zh": ("网址", "網址"),
        "ru": ("веб-адрес",),
    },
    "link": {
        "fr": ("lien",),
        "es": ("enlace", "vínculo"),
        "ar": ("الرابط", "رابط"),
        "zh": ("链接", "連結"),
        "ru": ("ссылка",),
    },
    # Notes
    "note": {
        "es": ("nota",),
        "ar": ("ملاحظة",),
        "zh": ("备注", "備註", "注释", "註釋"),
        "ru": ("примечание",),
    },
    "notes": {
        "es": ("notas",),
        "ar": ("ملاحظات", "الملاحظات"),
        "zh": ("说明", "說明"),
        "ru": ("примечания",),
    },
    "comment": {
        "fr": ("commentaire",),
        "es": ("comentario",),
        "ar": ("تعليق",),
        "zh": ("评论", "評論"),
        "ru": ("комментарий",),
    },
    "comments": {
        "fr": ("commentaires",),
        "es": ("comentarios",),
        "ar": ("تعليقات",),
        "ru": ("комментарии",),
    },
    "remarks": {
        "fr": ("remarque", "remarques"),
        "es": ("observaciones",),
        "ru": ("замечания",),
    },
}


def _header_words(name: str) -> str:
    """A header reduced for matching, in any script: no case, accents or punctuation."""
    decomposed = unicodedata.normalize("NFKD", str(name))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[\W_]+", " ", bare.lower()).strip()


@lru_cache(maxsize=32)
def _synonyms(english: tuple[str, ...]) -> tuple[str, ...]:
    """The English headers with their translations, each right after its English word."""
    found: list[str] = []
    for word in english:
        words = [word, *(w for ws in HEADER_TRANSLATIONS.get(word, {}).values() for w in ws)]
        found += [key for key in map(_header_words, words) if key not in found]
    return tuple(found)


def _pick(available: list[str], synonyms: Sequence[str]) -> str | None:
    keys = {_header_words(name): name for name in reversed(available)}
    for synonym in _synonyms(tuple(synonyms)):
        if synonym in keys:
            return keys[synonym]
    return None


def _sample(frame: pd.DataFrame, column: str, size: int = 200) -> list[str]:
    texts = (_cell_text(v).strip() for v in frame[column].head(size * 2).tolist())
    return [text for text in texts if text][:size]


def _mostly(values: list[str], test: Callable[[str], bool], share: float) -> bool:
    return bool(values) and sum(1 for v in values if test(v)) >= share * len(values)


def _is_number(text: str) -> bool:
    if text.lower() in NULL_MARKERS:
        return True
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def guess_mapping(
    frame: pd.DataFrame,
    *,
    layout: Layout | None = None,
    indicator_code: str | None = None,
    indicator_codes: Collection[str] | None = None,
) -> ColumnMapping:
    """A first guess from the headers (and a sample of the cells) that the user may change.

    `indicator_code` fixes the indicator for the whole file. A column whose header says
    it holds indicators ("Indicator", "Indicator Code", "Series", SDMX's "INDICATOR") is
    kept as the indicator column whatever it holds: its values are matched to tracked
    indicators (`indicator_choices`), and with a whole-file indicator it is what shows
    that a file of several indicators would be relabelled. `indicator_codes` is accepted
    for callers of earlier versions and no longer changes the guess.
    """
    columns = [str(name) for name in frame.columns]
    if sdmx.is_sdmx(columns) and layout in (None, "long"):
        return _sdmx_mapping(columns, indicator_code)
    taken: set[str] = set()

    def take(synonyms: Sequence[str]) -> str | None:
        name = _pick([c for c in columns if c not in taken], synonyms)
        if name:
            taken.add(name)
        return name

    year_columns = tuple(c for c in columns if header_period(c) is not None)
    taken.update(year_columns)
    country = take(_CODE_HEADERS)
    country_name = take(_NAME_HEADERS)
    if country is None:
        country, country_name = country_name, None
    if country is None:
        country = next(
            (
                c
                for c in columns
                if c not in taken
                and _mostly(_sample(frame, c), lambda v: bool(re.fullmatch(r"[A-Za-z]{3}", v)), 0.6)
            ),
            None,
        )
        taken.add(country or "")
    indicator = take(_INDICATOR_HEADERS)
    period = take(_PERIOD_HEADERS)
    value = take(_VALUE_HEADERS)
    extras = {
        "disaggregation": take(_DISAGGREGATION_HEADERS),
        "source": take(_SOURCE_HEADERS),
        "evidence_url": take(_EVIDENCE_HEADERS),
        "narrative": take(_NARRATIVE_HEADERS),
    }
    if value is None:
        numeric = [
            c for c in columns if c not in taken and _mostly(_sample(frame, c), _is_number, 0.8)
        ]
        value = numeric[-1] if numeric else None
    chosen: Layout = layout or (
        "wide" if len(year_columns) >= 2 or (year_columns and not value) else "long"
    )
    return ColumnMapping(
        layout=chosen,
        country=country,
        country_name=country_name,
        indicator=indicator,
        indicator_code=indicator_code,
        period=period if chosen == "long" else None,
        value=value if chosen == "long" else None,
        year_columns=year_columns if chosen == "wide" else (),
        **extras,
    )


def _sdmx_mapping(columns: list[str], indicator_code: str | None) -> ColumnMapping:
    """SDMX-CSV's columns are named by the standard: nothing to guess or to choose."""

    def named(name: str) -> str | None:
        return sdmx.column(columns, name)

    return ColumnMapping(
        layout="long",
        country=named("REF_AREA"),
        country_name=named("REF_AREA_LABEL"),
        indicator=named("INDICATOR"),
        indicator_code=indicator_code,
        period=named("TIME_PERIOD"),
        value=named("OBS_VALUE"),
        sdmx=True,
        breakdowns=sdmx.breakdown_columns(columns),
        unit=named("UNIT_MEASURE"),
        unit_label=named("UNIT_MEASURE_LABEL"),
        unit_multiplier=named("UNIT_MULT"),
        status=named("OBS_STATUS"),
    )


# Countries


def normalise_name(text: str) -> str:
    """A country name reduced for matching: no case, accents, punctuation, "The" or "St.".

    Accents are the marks Unicode separates from their letter (é is e and a mark): they go
    in every script, so Russian й and ё match и and е, and Arabic أ matches ا. Letters stay
    whatever their script, so Cyrillic, Arabic and Chinese names keep their text; Latin
    names reduce as they always did ("Côte d’Ivoire" is "cote divoire").
    """
    without_apostrophes = re.sub("['\u2018\u2019\u02bc`\u00b4\u0640]", "", text)  # d’Ivoire
    decomposed = unicodedata.normalize("NFKD", without_apostrophes)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    lowered = bare.lower().replace("&", " and ")
    lowered = re.sub(r"\bst\b\.?", "saint", lowered)
    words = re.sub(r"[\W_]+", " ", lowered).strip()
    return re.sub(r"^the |(?<= )the$", "", words).strip()


# Codes other than ISO 3166 that real downloads use.
CODE_ALIASES = {
    "OWID_WRL": WORLD_CODE,
    "OWID_KOS": "XKX",
    "KOS": "XKX",
    "KSV": "XKX",
    "WBG": "PSE",
    "PSX": "PSE",
    "SDS": "SSD",
    "ZAR": "COD",
    "ROM": "ROU",
    "TMP": "TLS",
    "UK": "GBR",
    "EL": "GRC",
}
# Names beyond ISO 3166 and pycountry: the World Bank's, the UN's and Our World in Data's.
NAME_ALIASES: dict[str, tuple[str, ...]] = {
    WORLD_CODE: ("World", "Whole world"),
    "BOL": ("Bolivia", "Bolivia (Plurinational State of)"),
    "CIV": ("Cote d'Ivoire", "Ivory Coast"),
    "COD": (
        "Congo, Dem. Rep.",
        "Democratic Republic of the Congo",
        "Democratic Republic of Congo",
        "DR Congo",
        "Congo (Kinshasa)",
        "Congo, DR",
    ),
    "COG": ("Congo, Rep.", "Republic of the Congo", "Republic of Congo", "Congo (Brazzaville)"),
    "CPV": ("Cape Verde",),
    "CZE": ("Czechia", "Czech Republic"),
    "EGY": ("Egypt, Arab Rep.",),
    "FSM": ("Micronesia, Fed. Sts.", "Micronesia", "Micronesia (Federated States of)"),
    "GBR": ("United Kingdom", "Great Britain", "Britain"),
    "HKG": ("Hong Kong SAR, China", "Hong Kong, China", "China, Hong Kong SAR", "Hong Kong SAR"),
    "IRN": ("Iran, Islamic Rep.", "Iran (Islamic Republic of)"),
    "KGZ": ("Kyrgyz Republic",),
    "KOR": ("Korea, Rep.", "South Korea", "Republic of Korea", "Korea (Republic of)"),
    "LAO": ("Lao PDR", "Laos", "Lao People's Democratic Republic"),
    "MAC": ("Macao SAR, China", "Macau", "Macao, China", "China, Macao SAR", "Macao SAR"),
    "MDA": ("Moldova", "Republic of Moldova"),
    "MKD": ("Macedonia", "North Macedonia", "Macedonia, FYR"),
    "MMR": ("Burma",),
    "PRK": (
        "Korea, Dem. People's Rep.",
        "North Korea",
        "Democratic People's Republic of Korea",
        "Korea, DPR",
    ),
    "PSE": ("West Bank and Gaza", "Palestine", "State of Palestine", "Palestinian Territories"),
    "RUS": ("Russia", "Russian Federation"),
    "SRB": ("Republic of Serbia",),
    "SWZ": ("Swaziland", "Eswatini"),
    "SVK": ("Slovak Republic",),
    "SYR": ("Syrian Arab Republic", "Syria"),
    "TLS": ("East Timor", "Timor Leste"),
    "TUR": ("Turkey", "Turkiye"),
    "TZA": ("United Republic of Tanzania", "Tanzania"),
    "USA": ("United States of America", "United States", "USA"),
    "VAT": ("Holy See", "Vatican", "Vatican City"),
    "VEN": ("Venezuela, RB", "Venezuela", "Venezuela (Bolivarian Republic of)"),
    "VNM": ("Viet Nam", "Vietnam"),
    "XKX": ("Kosovo",),
    "YEM": ("Yemen, Rep.",),
}


@lru_cache(maxsize=1)
def _iso_names() -> dict[str, tuple[str, ...]]:
    """Every ISO 3166 country's alpha-3 with its names (pycountry)."""
    names: dict[str, tuple[str, ...]] = {}
    for country in pycountry.countries:
        found = [country.name] + [
            getattr(country, attribute, None) or ""
            for attribute in ("official_name", "common_name")
        ]
        names[country.alpha_3] = tuple(name for name in found if name)
    return names


# ITU's six languages, as CLDR (through Babel) and pycountry's ISO 3166 catalogues name
# them; Chinese in its simplified and traditional scripts.
NAME_LOCALES = ("en", "fr", "es", "ar", "zh_Hans", "zh_Hant", "ru")
_PYCOUNTRY_LOCALES = {"zh_Hans": "zh_CN", "zh_Hant": "zh_TW"}
_CLDR_CODES = {"001": WORLD_CODE, "XK": "XKX"}  # CLDR's world and Kosovo, in the store's codes


@lru_cache(maxsize=1)
def _names_in_languages() -> dict[str, frozenset[str]]:
    """Every country's names in ITU's six languages, normalised -> the codes they name.

    From CLDR's territory names (Babel) and the translations of pycountry's names, official
    names and common names (its gettext catalogues). A name with two codes names two
    countries in two languages: CountryResolver leaves it unresolved.
    """
    found: dict[str, set[str]] = {}

    def add(name: str, code: str) -> None:
        key = normalise_name(name)
        if key:
            found.setdefault(key, set()).add(code)

    for locale in NAME_LOCALES:
        for territory, name in babel.Locale.parse(locale).territories.items():
            country = pycountry.countries.get(alpha_2=territory) if len(territory) == 2 else None
            code = _CLDR_CODES.get(territory) or (country.alpha_3 if country else None)
            if code:
                add(name, code)
        catalogue = gettext.translation(
            "iso3166-1",
            pycountry.LOCALES_DIR,
            languages=[_PYCOUNTRY_LOCALES.get(locale, locale)],
            fallback=True,
        )
        for code, names in _iso_names().items():
            for name in names:
                add(catalogue.gettext(name), code)
    return {name: frozenset(codes) for name, codes in found.items()}


@lru_cache(maxsize=1)
def _iso_lookup() -> dict[str, str]:
    """Alpha-3, alpha-2 and normalised names of every ISO country -> alpha-3 (for messages)."""
    lookup: dict[str, str] = {}
    for country in pycountry.countries:
        lookup[country.alpha_3] = country.alpha_3
        lookup[country.alpha_2] = country.alpha_3
    for code, names in _iso_names().items():
        for name in names:
            lookup.setdefault(normalise_name(name), code)
    for name, codes in _names_in_languages().items():
        if len(codes) == 1:
            lookup.setdefault(name, next(iter(codes)))
    return lookup


# The World Bank's regional, income and lending groups (WLD, the world, is a geography of
# the store): rows of these are set aside and summarised, not rejected one by one.
WORLD_BANK_AGGREGATES = frozenset(
    "AFE AFW ARB CEB CSS EAP EAR EAS ECA ECS EMU EUU FCS HIC HPC IBD IBT IDA IDB IDX INX LAC "
    "LCN LDC LIC LMC LMY LTE MEA MIC MNA NAC OED OSS PRE PSS PST SAS SSA SSF SST TEA TEC TLA "
    "TMN TSA TSS UMC".split()
)
# Economies of World Bank files that are no ISO 3166 country (Channel Islands).
WORLD_BANK_TERRITORIES = frozenset({"CHI"})
AGGREGATE = "aggregate"  # Resolution.not_held: another organisation's grouping
TERRITORY = "territory"  # Resolution.not_held: a country or territory not tracked here


@dataclass(frozen=True)
class Resolution:
    """A geography code, or why there is none. `not_held` says when the place is real but
    not one the tracker holds (AGGREGATE, TERRITORY): such rows are set aside and
    summarised, not rejected as errors of the file."""

    code: str | None
    reason: str | None = None
    not_held: str | None = None


class CountryResolver:
    """Turns what a file says about a place into a geography code of the store.

    Countries and the world resolve by code (ISO alpha-3, alpha-2, the aliases above) or by
    name (the store's, pycountry's and the aliases above, ignoring case, accents and
    punctuation, and their names in ITU's six languages: "Brasil", "Allemagne", "Россия",
    "مصر", "巴西"; see `_names_in_languages`). A name that means two countries (in two
    languages, or in a language and the English names) resolves to neither: the row is
    refused with both codes, as a code and a name that disagree are. ITU regions resolve
    by their code only: "Europe" or "Africa" in a download is a continent, not the ITU
    region, so a region's name is refused with the reason, and a region code whose name
    column says something else ("ARB", "Arab World") is refused too.
    """

    def __init__(
        self,
        geographies: Iterable[tuple[str, str, str, str | None]],
        *,
        world_bank_codes: bool = False,
    ) -> None:
        # World Bank codes (SDMX REF_AREA of Data360): ARB is the Arab World, not ITU's
        # Arab States, even without a name column to tell them apart.
        self.world_bank_codes = world_bank_codes
        self.kind: dict[str, str] = {}
        self.name: dict[str, str] = {}
        self.by_code: dict[str, str] = {}
        self.by_name: dict[str, str] = {}
        self.region_by_name: dict[str, str] = {}
        for code, kind, name, iso2 in geographies:
            self.kind[code] = kind
            self.name[code] = name
            self.by_code[code.upper()] = code
            if iso2 and kind == GeographyKind.COUNTRY:
                self.by_code.setdefault(iso2.upper(), code)
        for alias, code in CODE_ALIASES.items():
            if code in self.kind:
                self.by_code.setdefault(alias, code)
        for code, names in _iso_names().items():
            if self.kind.get(code) == GeographyKind.COUNTRY:
                for name in names:
                    self.by_name.setdefault(normalise_name(name), code)
        for code, name in self.name.items():
            if self.kind[code] == GeographyKind.REGION:
                self.region_by_name[normalise_name(name)] = code
            else:
                self.by_name[normalise_name(name)] = code
        for code, aliases in NAME_ALIASES.items():
            if code in self.kind:
                for alias in aliases:
                    self.by_name[normalise_name(alias)] = code
        # Names in the six languages: normalised name -> the codes, when more than one.
        self.ambiguous: dict[str, tuple[str, ...]] = {}
        for name, codes in _names_in_languages().items():
            english = self.by_name.get(name)
            meant = codes | {english} if english else codes
            if len(meant) > 1:
                self.ambiguous[name] = tuple(sorted(meant))
                self.by_name.pop(name, None)
            elif english is None:
                (code,) = meant
                if self.kind.get(code) in (GeographyKind.COUNTRY, GeographyKind.WORLD):
                    self.by_name[name] = code
        self._cache: dict[tuple[str, str], Resolution] = {}

    def _lookup(self, text: str) -> str | None:
        upper = text.upper()
        if upper in self.by_code:
            return self.by_code[upper]
        name = normalise_name(text)
        if name in self.by_name or name in self.ambiguous:
            return self.by_name.get(name)
        without_brackets = normalise_name(re.sub(r"[(\uff08].*?[)\uff09]", " ", text))
        return self.by_name.get(without_brackets)

    def _unknown(self, text: str, *, name: str = "", no_code: bool = False) -> str:
        """Why `text` is no geography of the store, as precisely as can be said."""
        normalised = normalise_name(text)
        if normalised in self.ambiguous:
            return _(
                "'{text}' names more than one country in ITU's languages ({codes}): give "
                "the country's ISO code instead"
            ).format(text=text, codes=", ".join(self.ambiguous[normalised]))
        country = _("'{text}' (no code given)").format(text=text) if no_code else f"'{text}'"
        if normalised in self.region_by_name:
            return _(
                "unknown country {country}: ITU regions are recognised by their code ({code}), "
                "so that a continent or another organisation's grouping is never taken for one"
            ).format(country=country, code=self.region_by_name[normalised])
        iso = _iso_lookup().get(text.upper()) or _iso_lookup().get(normalised)
        if iso is not None:
            return _(
                "unknown country {country}: {name} ({code}) is not among the geographies tracked"
            ).format(country=country, name=_iso_names()[iso][0], code=iso)
        if name:
            country = f"{country} ({name})"
        return _(
            "unknown country {country}: not an ISO 3166 code or country name the tracker knows "
            "(groupings such as World Bank regions and income groups are not imported)"
        ).format(country=country)

    def resolve(self, code_text: str, name_text: str = "") -> Resolution:
        key = (code_text, name_text)
        if key not in self._cache:
            self._cache[key] = self._resolve(code_text.strip(), name_text.strip())
        return self._cache[key]

    def _resolve(self, code_text: str, name_text: str) -> Resolution:
        found = self._resolve_text(code_text, name_text)
        if found.code is not None or not code_text:
            return found
        upper = code_text.upper()
        if upper in WORLD_BANK_AGGREGATES:
            return replace(found, not_held=AGGREGATE)
        iso = _iso_lookup().get(upper) if len(upper) == 3 else None
        if upper in WORLD_BANK_TERRITORIES or (iso is not None and iso not in self.kind):
            return replace(found, not_held=TERRITORY)
        return found

    def _resolve_text(self, code_text: str, name_text: str) -> Resolution:
        if self.world_bank_codes and code_text.upper() in WORLD_BANK_AGGREGATES:
            name = f" ({name_text})" if name_text and name_text != code_text else ""
            region = self.by_code.get(code_text.upper())
            if region is not None:
                return Resolution(
                    None,
                    _(
                        "'{code}'{name} is the World Bank's aggregate, not the ITU region "
                        "{region}: other organisations' groupings are not imported"
                    ).format(code=code_text, name=name, region=self.name[region]),
                )
            return Resolution(
                None,
                _(
                    "'{code}'{name} is a World Bank aggregate, not a geography the tracker holds"
                ).format(code=code_text, name=name),
            )
        if not code_text:
            if not name_text:
                return Resolution(None, _("empty country: give a code or a name"))
            found = self._lookup(name_text)
            if found is None:
                return Resolution(None, self._unknown(name_text, no_code=True))
            return Resolution(found)
        found = self._lookup(code_text)
        if found is None:
            return Resolution(None, self._unknown(code_text, name=name_text))
        if not name_text or name_text == code_text:
            return Resolution(found)
        if self.kind[found] == GeographyKind.REGION:
            if normalise_name(name_text) not in (normalise_name(self.name[found]), found.lower()):
                return Resolution(
                    None,
                    _(
                        "unknown country '{code}' ('{name}'): {found} is the code of the ITU "
                        "region {region}, and other organisations' groupings are not imported"
                    ).format(code=code_text, name=name_text, found=found, region=self.name[found]),
                )
            return Resolution(found)
        named = self._lookup(name_text)
        if named is not None and named != found:
            return Resolution(
                None,
                _(
                    "the code '{code}' ({found}) and the name '{name}' ({named}) name different "
                    "countries"
                ).format(code=code_text, found=found, name=name_text, named=named),
            )
        return Resolution(found)


def resolver_for(session: Session, *, world_bank_codes: bool = False) -> CountryResolver:
    rows = session.execute(
        sa.select(Geography.code, Geography.kind, Geography.name, Geography.iso2)
    ).all()
    return CountryResolver(
        ((row.code, row.kind, row.name, row.iso2) for row in rows),
        world_bank_codes=world_bank_codes,
    )


# Indicators: the file's own, matched to the tracked ones

SKIP = ""  # in ColumnMapping.indicator_map: the file's indicator is not imported
MatchedBy = Literal["whole file", "chosen", "stored", "code", "name", "none"]


def file_indicators(frame: pd.DataFrame, column: str) -> dict[str, int]:
    """The file's own indicators in `column` (text as written, without the spaces around
    it) with how many rows carry each, in the order they first appear."""
    found: dict[str, int] = {}
    for text in _texts(frame, column):
        key = text.strip()
        if key:
            found[key] = found.get(key, 0) + 1
    return found


def _listed(names: Sequence[str], limit: int = 5) -> str:
    """'A', 'B', 'C' (and how many more beyond `limit`)."""
    shown = ", ".join(f"'{name}'" for name in names[:limit])
    if len(names) <= limit:
        return shown
    return _("{names} and {count:,} more").format(names=shown, count=len(names) - limit)


def source_key(frame: pd.DataFrame, indicator_column: str) -> str:
    """The key under which the matches of a file's indicators are kept (IndicatorMapping).

    It is the indicator column's header with a fingerprint of the file's other headers
    (year columns and cells beyond the header left out). A publisher's download keeps
    its headers from one edition to the next while its file name changes (dates,
    versions), so the next edition finds what was confirmed for this one; a file of
    another shape starts afresh, since the same words may mean another indicator there.
    """
    extra = set(frame.attrs.get("extra_columns", ()))
    headers = sorted(
        {
            _source_header_key(str(name))
            for name in frame.columns
            if header_period(name) is None and name not in extra
        }
    )
    digest = hashlib.sha256("\n".join(headers).encode("utf-8")).hexdigest()[:16]
    return f"{_source_header_key(indicator_column)[:100]}#{digest}"


def _source_header_key(name: str) -> str:
    """A header as `source_key` keeps it: a header in Latin letters keeps the key of the
    first releases (so the matches confirmed then are found again); one with letters of
    another script is keyed by its own words, which that key reduced to nothing (every
    Russian or Chinese header would have been the same)."""
    if any(char.isalpha() and not _is_latin(char) for char in name):
        return _header_words(name)
    return _header_key(name)


def _is_latin(char: str) -> bool:
    """Latin script, or a letter before the Greek block ("º" of "Nº", "µ")."""
    return ord(char) < 0x0370 or unicodedata.name(char, "").startswith("LATIN")


@dataclass(frozen=True, slots=True)
class IndicatorChoice:
    """How one of the file's own indicators is imported: as a tracked indicator (`code`)
    or skipped (None), and why: the one indicator chosen for the whole file, chosen by
    the user, a match the user confirmed earlier for the same source, the tracked code
    itself, a tracked indicator's name, or nothing matched."""

    file_indicator: str
    rows: int
    code: str | None
    matched_by: MatchedBy


def _indicator_words(text: str) -> str:
    return " ".join(text.casefold().split())


def _stored_matches(session: Session, key: str) -> dict[str, str | None]:
    """The matches confirmed earlier for this source: file's text -> code (None: skip)."""
    rows = session.execute(
        sa.select(IndicatorMapping.file_indicator, Indicator.code)
        .outerjoin(Indicator, Indicator.id == IndicatorMapping.indicator_id)  # type: ignore[arg-type]
        .where(IndicatorMapping.source_key == key)
    ).all()
    return {row.file_indicator: row.code for row in rows}


def _tracked(session: Session) -> dict[str, Indicator]:
    """Every indicator of the store by its code in capitals."""
    return {
        indicator.code.upper(): indicator
        for indicator in session.execute(sa.select(Indicator)).scalars()
    }


def _match_indicators(
    found: dict[str, int],
    mapping: ColumnMapping,
    indicators: dict[str, Indicator],
    stored: dict[str, str | None],
) -> list[IndicatorChoice]:
    """Each file indicator's match: the user's choice, else a stored match, else the
    tracked code, else a tracked indicator's name (case and spacing aside), else none."""
    chosen = dict(mapping.indicator_map)
    by_name = {_indicator_words(i.name): i.code for i in indicators.values()}
    choices = []
    for text, rows in found.items():
        code: str | None
        how: MatchedBy
        if mapping.indicator_code:
            code, how = mapping.indicator_code.strip().upper(), "whole file"
        elif text in chosen:
            code, how = chosen[text].strip() or None, "chosen"
        elif text in stored:
            code, how = stored[text], "stored"
        elif text.upper() in indicators:
            code, how = text.upper(), "code"
        elif _indicator_words(text) in by_name:
            code, how = by_name[_indicator_words(text)], "name"
        else:
            code, how = None, "none"
        if code is not None:
            known = indicators.get(code.upper())
            if known is None:
                raise MappingError(
                    _("Unknown indicator '{code}' chosen for the file's '{text}'.").format(
                        code=code, text=text
                    )
                )
            code = known.code
        choices.append(IndicatorChoice(text, rows, code, how))
    return choices


def indicator_choices(
    session: Session, frame: pd.DataFrame, mapping: ColumnMapping
) -> list[IndicatorChoice]:
    """How each of the file's own indicators would be imported, for the user to confirm or
    change (in `mapping.indicator_map`); [] without an indicator column."""
    if not mapping.indicator or mapping.indicator not in frame.columns:
        return []
    found = file_indicators(frame, mapping.indicator)
    stored = _stored_matches(session, source_key(frame, mapping.indicator))
    return _match_indicators(found, mapping, _tracked(session), stored)


def _check_whole_file_indicator(
    choices: list[IndicatorChoice], mapping: ColumnMapping, automatic: list[IndicatorChoice]
) -> None:
    """Refuse one indicator for the whole file where the file's column names another."""
    if not mapping.indicator_code or not automatic:
        return
    [named] = automatic  # ColumnMapping.check refused a column of several indicators
    [chosen] = choices
    if named.code is not None and named.code != chosen.code:
        raise MappingError(
            _(
                "Column '{column}' says the file holds '{text}', which is {code} here, not "
                "{chosen}: choose {code}, or leave the indicator to the column."
            ).format(
                column=mapping.indicator,
                text=named.file_indicator,
                code=named.code,
                chosen=chosen.code,
            )
        )


# 3. The preview


@dataclass(frozen=True, slots=True)
class RowProblem:
    """Why (part of) a row is not imported, where the user can find it in the file."""

    row_number: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        return _("row {row}, column '{column}': {reason}").format(
            row=self.row_number, column=self.column, reason=self.reason
        )


_QUOTED = re.compile(r"'[^']*'")
_ROW_NUMBER = re.compile(r"\brow \d+")
_LEADING_PERIOD = re.compile(r"^\d{4}(?:-(?:Q[1-4]|\d{2}))?(?= )")


def _reason_kind(reason: str) -> str:
    """A reason without the cell's own text, so that rows rejected for the same reason
    group together: "'abc' is not a number" and "'x' is not a number" are one kind."""
    text = _QUOTED.sub("'…'", reason)
    text = _ROW_NUMBER.sub("row …", text)
    return _LEADING_PERIOD.sub("…", text)


@dataclass(frozen=True)
class ProblemGroup:
    """Rows rejected for one reason in one column."""

    column: str
    reason: str  # the reason, the cell's own text left out ('…')
    rows: list[int]
    example: RowProblem  # the first of them, as it is

    def rows_in_words(self, limit: int = 8) -> str:
        shown = ", ".join(str(n) for n in self.rows[:limit])
        if len(self.rows) <= limit:
            return shown
        return _("{rows} and {count:,} more").format(rows=shown, count=len(self.rows) - limit)


@dataclass(frozen=True, slots=True)
class Existing:
    """The live entry an observation would replace."""

    id: int
    version: int
    value: float | None
    review_state: str
    obs_status: str | None = None


Key = tuple[int, str, str, str]  # indicator id, geography, period, disaggregation


@dataclass(slots=True)
class Observation:
    """One value of the file that passed every check (and the entry it would replace)."""

    row_number: int
    column: str
    indicator_id: int
    indicator_code: str
    geo_code: str
    period: str
    year: int
    period_end: date
    value: float
    disaggregation: str
    source: str
    evidence_url: str | None
    narrative: str
    existing: Existing | None = None
    obs_status: str | None = None  # SDMX OBS_STATUS as the file gives it; None: not stated

    @property
    def key(self) -> Key:
        return (self.indicator_id, self.geo_code, self.period, self.disaggregation)


@dataclass
class SetAside:
    """Rows of one reason that the tracker has no cell for, set aside rather than rejected:
    World Bank aggregates, territories not tracked, breakdowns without a category here.
    They are summarised in one line (`line`), and every row stays listed (`problems`)."""

    kind: str  # AGGREGATE, TERRITORY, or one of sdmx's NO_CATEGORY, TWO_DIMENSIONS...
    detail: str = ""  # for a breakdown not tracked for the indicator: the dimension
    codes: dict[str, int] = field(default_factory=dict)  # code (or breakdown) -> rows
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.problems)

    def line(self) -> str:
        """'49 rows of 12 aggregates not tracked: AFE, AFW, …', in one sentence."""
        codes = _codes_listed(list(self.codes))
        rows, count = self.rows, len(self.codes)
        # (many rows of many codes, many rows of one code, one row) for each kind
        templates = {
            AGGREGATE: (
                _(
                    "{rows:,} rows of {count:,} aggregates not tracked (World Bank regions and "
                    "income groups): {codes}."
                ),
                _(
                    "{rows:,} rows of 1 aggregate not tracked (World Bank regions and income "
                    "groups): {codes}."
                ),
                _(
                    "1 row of an aggregate not tracked (World Bank regions and income groups): "
                    "{codes}."
                ),
            ),
            TERRITORY: (
                _(
                    "{rows:,} rows of {count:,} territories that are not tracked geographies: "
                    "{codes}."
                ),
                _("{rows:,} rows of 1 territory that is not a tracked geography: {codes}."),
                _("1 row of a territory that is not a tracked geography: {codes}."),
            ),
            sdmx.NO_CATEGORY: (
                _(
                    "{rows:,} rows of {count:,} breakdowns the tracker has no category for: "
                    "{codes}."
                ),
                _("{rows:,} rows of a breakdown the tracker has no category for: {codes}."),
                _("1 row of a breakdown the tracker has no category for: {codes}."),
            ),
            sdmx.TWO_DIMENSIONS: (
                _(
                    "{rows:,} rows broken down by two dimensions at once, which the tracker "
                    "does not hold: {codes}."
                ),
                _(
                    "{rows:,} rows broken down by two dimensions at once, which the tracker "
                    "does not hold: {codes}."
                ),
                _(
                    "1 row broken down by two dimensions at once, which the tracker does not "
                    "hold: {codes}."
                ),
            ),
            sdmx.NOT_TRACKED_FOR_INDICATOR: (
                _(
                    "{rows:,} rows: breakdown by {dimension} not tracked for this indicator "
                    "({codes})."
                ),
                _(
                    "{rows:,} rows: breakdown by {dimension} not tracked for this indicator "
                    "({codes})."
                ),
                _("1 row: breakdown by {dimension} not tracked for this indicator ({codes})."),
            ),
        }
        many, one_code, one_row = templates[self.kind]
        template = one_row if rows == 1 else one_code if count == 1 else many
        return template.format(rows=rows, count=count, codes=codes, dimension=self.detail)


def _codes_listed(codes: Sequence[str], limit: int = 12) -> str:
    """AFE, AFW, ARB (and how many more beyond `limit`): codes, not quoted."""
    shown = ", ".join(codes[:limit])
    if len(codes) <= limit:
        return shown
    return _("{codes} and {count:,} more").format(codes=shown, count=len(codes) - limit)


NOT_STATED = "source not stated"  # the free-text source of a value whose source is unknown


@dataclass(frozen=True)
class SourceInfo:
    """The published dataset a file's values come from (models.DataSource, found or
    created by `key` when the import writes). An empty key: the source is not known, and
    the values keep no data source (never a made-up one)."""

    key: str
    organisation: str = ""
    dataset: str = ""
    release: str | None = None
    url: str | None = None
    licence: str | None = None
    accessed: date | None = None
    note: str | None = None

    @property
    def known(self) -> bool:
        return bool(self.key.strip())

    def citation(self) -> str:
        """The free-text source of rows without one: organisation, dataset, release."""
        if not self.known:
            return NOT_STATED
        if self.release:
            text = _("{organisation}, {dataset}, release {release}").format(
                organisation=self.organisation, dataset=self.dataset, release=self.release
            )
        else:
            text = _("{organisation}, {dataset}").format(
                organisation=self.organisation, dataset=self.dataset
            )
        return text[:_MAX_SOURCE]

    def check(self) -> None:
        """Raise MappingError naming each field that the store cannot keep."""
        if not self.known:
            return
        problems = []
        limits = {"key": 120, "organisation": 200, "dataset": 300, "release": 120}
        limits |= {"url": 500, "licence": 120}
        for name, limit in limits.items():
            text = getattr(self, name) or ""
            if len(text) > limit:
                problems.append(
                    _("the source's {field} is longer than {limit:,} characters").format(
                        field=name, limit=limit
                    )
                )
        for name in ("organisation", "dataset"):
            if not getattr(self, name).strip():
                problems.append(_("give the source's {field}").format(field=name))
        if self.url:
            parsed = urlparse(self.url)
            if parsed.scheme not in ("http", "https") or not parsed.netloc:
                problems.append(_("the source's url must be a full web address (https://...)"))
        if problems:
            text = "; ".join(problems)
            raise MappingError(text[0].upper() + text[1:] + ".")


UNKNOWN_SOURCE = SourceInfo(key="")


def source_of(
    organisation: str,
    dataset: str,
    *,
    key: str = "",
    release: str | None = None,
    url: str | None = None,
    licence: str | None = None,
    accessed: date | None = None,
    note: str | None = None,
) -> SourceInfo:
    """A SourceInfo from what a person typed; the key defaults to a slug of the others."""
    stated = (organisation.strip(), dataset.strip())
    if not any(stated) and not key.strip():
        return UNKNOWN_SOURCE
    key = key.strip() or sdmx.slug(" ".join([*stated, release or ""]))
    return SourceInfo(
        key=key,
        organisation=stated[0],
        dataset=stated[1],
        release=(release or "").strip() or None,
        url=(url or "").strip() or None,
        licence=(licence or "").strip() or None,
        accessed=accessed,
        note=note,
    )


_WDI_HEADERS = ("country name", "country code", "indicator name", "indicator code")


def propose_source(frame: pd.DataFrame, today: date) -> SourceInfo:
    """What a file says about where it comes from: an SDMX-CSV export names its database
    and distributor; a World Bank WDI download is recognised by its four columns and year
    columns (CC BY 4.0, the World Bank's licence for WDI). Otherwise UNKNOWN_SOURCE."""
    found = sdmx.proposed_source(frame, today)
    if found is not None:
        return SourceInfo(**vars(found), accessed=today)
    keys = [_header_key(str(c)) for c in frame.columns if header_period(c) is None]
    if sorted(keys) != sorted(_WDI_HEADERS):
        return UNKNOWN_SOURCE
    code_column = next(c for c in frame.columns if _header_key(str(c)) == "indicator code")
    name_column = next(c for c in frame.columns if _header_key(str(c)) == "indicator name")
    codes = list(file_indicators(frame, str(code_column)))
    names = list(file_indicators(frame, str(name_column)))
    if len(codes) != 1:
        return UNKNOWN_SOURCE
    [code] = codes
    release = today.isoformat()
    # Stored as the dataset's own name and note, in English whatever the importer's language.
    dataset = "World Development Indicators: {code} {name}".format(
        code=code, name=names[0] if len(names) == 1 else ""
    )
    return SourceInfo(
        key=sdmx.slug(f"wdi {code} {release}"),
        organisation="World Bank",
        dataset=dataset.strip()[:300],
        release=release,
        url=f"https://data.worldbank.org/indicator/{code}",
        licence="CC BY 4.0",
        accessed=today,
        note=f"World Bank WDI bulk download; the file states no release: accessed {release}.",
    )


@dataclass
class ImportPreview:
    """What an import would do. Counts are of observations: in the wide layout, one row
    holds one observation per filled year cell."""

    filename: str
    mapping: ColumnMapping
    rows_read: int
    checksum: str = ""  # SHA-256 of the file (hex), for the import batch
    new: list[Observation] = field(default_factory=list)
    changed: list[Observation] = field(default_factory=list)
    unchanged: list[Observation] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    rejected: int = 0  # observations rejected (a row may hold several, with one problem)
    source_key: str = ""  # where the matches of the file's indicators are kept
    indicator_choices: list[IndicatorChoice] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)  # file's indicator -> rows skipped
    # Rows the tracker has no cell for, by (kind, detail): summarised, not rejected.
    set_aside: dict[tuple[str, str], SetAside] = field(default_factory=dict)
    source: SourceInfo = UNKNOWN_SOURCE  # where the values come from (models.DataSource)
    status_labels: dict[str, str] = field(default_factory=dict)  # OBS_STATUS code -> label
    encoding: str = ""  # the codec the file's text was read with (see _decode); "" for .xlsx

    def read_as(self) -> str:
        """How the file's text was read, in words ("Read as Cyrillic (Windows-1251).")."""
        return read_as(self.encoding)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "new": len(self.new),
            "changed": len(self.changed),
            "unchanged": len(self.unchanged),
            "rejected": self.rejected,
        }

    @property
    def accepted(self) -> int:
        return len(self.new) + len(self.changed) + len(self.unchanged)

    @property
    def has_changes(self) -> bool:
        return bool(self.new or self.changed)

    @property
    def corrections(self) -> int:
        """Changed values that are published: the import adds corrections that supersede
        them when published, so they stay on the explore pages until then."""
        return sum(1 for o in self.changed if o.existing and o.existing.review_state == "published")

    @property
    def rejected_rows(self) -> int:
        return len({problem.row_number for problem in self.problems})

    @property
    def indicator_codes(self) -> list[str]:
        found = {o.indicator_code for o in self.new + self.changed + self.unchanged}
        return sorted(found)

    @property
    def skipped_rows(self) -> int:
        return sum(self.skipped.values())

    @property
    def set_aside_rows(self) -> int:
        return sum(group.rows for group in self.set_aside.values())

    def set_aside_lines(self) -> list[str]:
        """One sentence per reason rows were set aside, the most rows first."""
        groups = sorted(self.set_aside.values(), key=lambda g: -g.rows)
        return [group.line() for group in groups]

    def set_aside_frame(self) -> pd.DataFrame:
        """Every row set aside: row, column, value, reason."""
        problems = sorted(
            (p for group in self.set_aside.values() for p in group.problems),
            key=lambda p: p.row_number,
        )
        return pd.DataFrame(
            [(p.row_number, p.column, p.value, p.reason) for p in problems],
            columns=["row", "column", "value", "reason"],
        )

    def status_counts(self) -> dict[str, int]:
        """Accepted observations per observation status ("A", "E"...; "" not stated)."""
        found = Counter(o.obs_status or "" for o in self.new + self.changed + self.unchanged)
        return dict(found.most_common())

    def status_frame(self) -> pd.DataFrame:
        """The status counts for a table: status, its label, observations."""
        rows = [
            (code or _("not stated"), self.status_labels.get(code, ""), count)
            for code, count in self.status_counts().items()
        ]
        return pd.DataFrame(rows, columns=["status", "meaning", "observations"])

    def summary(self) -> str:
        counts = self.counts
        text = _(
            "{new:,} new, {changed:,} changed, {unchanged:,} unchanged, {rejected:,} rejected"
        ).format(**counts)
        if self.rejected_rows == 1:
            text += _(" (in 1 row)")
        elif self.rejected_rows:
            text += _(" (in {rows:,} rows)").format(rows=self.rejected_rows)
        skipped = self.skipped_message()
        if skipped:
            text = _("{counts}. {skipped}").format(counts=text, skipped=skipped)
        if self.set_aside:
            text = _("{counts}. {rows:,} rows set aside: the tracker has no cell for them.").format(
                counts=text.rstrip("."), rows=self.set_aside_rows
            )
        return text

    def skipped_message(self) -> str | None:
        """The rows of indicators not imported (not tracked, or skipped by choice)."""
        if not self.skipped:
            return None
        names = _listed(list(self.skipped))
        rows, count = self.skipped_rows, len(self.skipped)
        if rows == 1:
            return _("1 row of an indicator not tracked here was skipped: {names}.").format(
                names=names
            )
        if count == 1:
            return _("{rows:,} rows of 1 indicator not tracked here were skipped: {names}.").format(
                rows=rows, names=names
            )
        return _(
            "{rows:,} rows of {count:,} indicators not tracked here were skipped: {names}."
        ).format(rows=rows, count=count, names=names)

    def nothing_to_import(self) -> str | None:
        """Why importing this preview would write nothing, in a sentence; None if it writes."""
        if self.has_changes:
            return None
        if self.rows_read == 0:
            return _("The file has a header but no rows: there is nothing to import.")
        if self.accepted == 0 and self.rejected:
            return _(
                "Nothing to import: all {count:,} values of the file were rejected. Correct "
                "the rows listed and check the file again."
            ).format(count=self.rejected)
        if self.accepted == 0 and self.set_aside and not self.skipped:
            return _(
                "Nothing to import: the tracker has no cell for any row of the file (see the "
                "rows set aside)."
            )
        if self.accepted == 0 and self.skipped:
            return _(
                "Nothing to import: every row is of an indicator not tracked here. Match the "
                "file's indicators to tracked ones to import them."
            )
        if self.accepted == 0:
            return _("Nothing to import: the chosen columns hold no values.")
        return _("Nothing to import: every accepted value is already in the store.")

    def problem_groups(self) -> list["ProblemGroup"]:
        """The rejections grouped by column and reason (the cell's own text aside), the
        most frequent first."""
        grouped: dict[tuple[str, str], list[RowProblem]] = {}
        for problem in self.problems:
            key = (problem.column, _reason_kind(problem.reason))
            grouped.setdefault(key, []).append(problem)
        groups = [
            ProblemGroup(
                column=column,
                reason=kind,
                rows=sorted({p.row_number for p in problems}),
                example=problems[0],
            )
            for (column, kind), problems in grouped.items()
        ]
        return sorted(groups, key=lambda g: (-len(g.rows), g.rows[0]))

    def problem_groups_frame(self, rows_shown: int = 8) -> pd.DataFrame:
        """One line per reason, for a table: why, column, rows, an example, the row numbers."""
        lines = [
            (
                group.reason,
                group.column,
                len(group.rows),
                str(group.example),
                group.rows_in_words(rows_shown),
            )
            for group in self.problem_groups()
        ]
        return pd.DataFrame(
            lines, columns=["rejected because", "column", "rows", "for example", "row numbers"]
        )

    def problems_frame(self) -> pd.DataFrame:
        """The rejected rows for a table: row, column, value, reason."""
        return pd.DataFrame(
            [(p.row_number, p.column, p.value, p.reason) for p in self.problems],
            columns=["row", "column", "value", "reason"],
        )

    def observations_frame(self) -> pd.DataFrame:
        """Every accepted observation with what the import does to it."""
        columns = [
            "row",
            "column",
            "indicator",
            "geography",
            "period",
            "disaggregation",
            "value",
            "obs_status",
            "previous_value",
            "change",
        ]
        rows = [
            (
                o.row_number,
                o.column,
                o.indicator_code,
                o.geo_code,
                o.period,
                o.disaggregation,
                o.value,
                o.obs_status,
                o.existing.value if o.existing else None,
                change,
            )
            for change, group in (
                ("new", self.new),
                ("changed", self.changed),
                ("unchanged", self.unchanged),
            )
            for o in group
        ]
        return pd.DataFrame(rows, columns=columns).sort_values("row", kind="stable")


def _value_cells(frame: pd.DataFrame, mapping: ColumnMapping) -> list[str]:
    """Every cell the mapping reads a value from (the value column, or each year's)."""
    columns = [mapping.value] if mapping.layout == "long" else list(mapping.year_columns)
    return [cell for column in columns for cell in _texts(frame, column)]


def _texts(frame: pd.DataFrame, column: str | None) -> list[str]:
    if not column:
        return [""] * len(frame)
    return [v if type(v) is str else _cell_text(v) for v in frame[column].tolist()]


def _row_numbers(frame: pd.DataFrame) -> list[int]:
    if frame.index.name == "row" and pd.api.types.is_integer_dtype(frame.index):
        return [int(n) for n in frame.index]
    return list(range(2, len(frame) + 2))  # a frame built by hand: header is row 1


# A number as French, Spanish or Russian spreadsheets write it: "84,2", "1.234,5", "1 234,5".
_COMMA_DECIMAL = re.compile(r"[-+]?(?:\d{1,3}(?:[.\u00a0\u202f ]\d{3})+|\d+)(?:,\d+)?")
# A comma followed by anything but three digits can only be a decimal comma ("84,25").
_ONLY_A_DECIMAL_COMMA = re.compile(r"[-+]?\d+,(?:\d{1,2}|\d{4,})")


def writes_decimal_comma(cells: Sequence[str]) -> bool:
    """Whether the value cells of a file write decimals with a comma ("84,2").

    Decided for the whole file, never cell by cell: every filled cell must read as such a
    number, and at least one must be a decimal comma beyond doubt (a comma not followed by
    exactly three digits, which "1,234" in an English file is). A file of "1,234" and
    "5,678" alone stays refused, with the message that says how to write it.
    """
    filled = [cell.strip() for cell in cells if cell.strip()]
    if not filled or not any("," in cell for cell in filled):
        return False
    if not all(_COMMA_DECIMAL.fullmatch(cell.rstrip("%").strip()) for cell in filled):
        return False
    return any(_ONLY_A_DECIMAL_COMMA.fullmatch(cell.rstrip("%").strip()) for cell in filled)


def _decimal_point(text: str) -> str:
    """The number with its thousands marks out and its decimal comma a point (1234.5)."""
    for mark in (".", "\u00a0", "\u202f", " "):
        text = text.replace(mark, "")
    return text.replace(",", ".")


def _parse_value(
    text: str, unit: str, decimal_comma: bool = False
) -> tuple[float | None, str | None]:
    cleaned = text.strip()
    if not cleaned:
        return None, _("empty value")
    if cleaned.lower() in NULL_MARKERS:
        return None, _(
            "'{text}' marks a missing value (NULL), not a number: leave the row out"
        ).format(text=cleaned)
    if unit == "percent" and cleaned.endswith("%"):
        cleaned = cleaned[:-1].strip()
    if decimal_comma and _COMMA_DECIMAL.fullmatch(cleaned):
        cleaned = _decimal_point(cleaned)
    if "," in cleaned or "_" in cleaned:
        return None, _(
            "'{text}' is not a number: write it with a decimal point and no thousands separators"
        ).format(text=cleaned)
    try:
        number = float(cleaned)
    except ValueError:
        return None, _("'{text}' is not a number").format(text=cleaned)
    if not math.isfinite(number):
        return None, _("'{text}' is not a number").format(text=cleaned)
    return number, None


def _disaggregation_text(text: str) -> str:
    cleaned = re.sub(r"\s*:\s*", ":", text.strip().lower())
    return TOTAL if cleaned in ("", TOTAL) else cleaned


@dataclass
class _Context:
    """What the preview checks against, read from the store once."""

    indicators: dict[str, Indicator]
    resolver: CountryResolver
    today: date
    default_source: str
    period_cache: dict[str, tuple[Period | None, str | None]] = field(default_factory=dict)
    decimal_comma: bool = False  # the file writes "84,2" (writes_decimal_comma)

    def period(self, text: str) -> tuple[Period | None, str | None]:
        if text not in self.period_cache:
            try:
                period = parse_period(text) if text.strip() else None
            except PeriodError as error:
                self.period_cache[text] = (None, str(error))
            else:
                if period is None:
                    self.period_cache[text] = (None, _("empty period"))
                else:
                    self.period_cache[text] = (period, period_problem(period, self.today))
        return self.period_cache[text]


# The longest texts an entry keeps: the same limits as the Update form's.
_MAX_SOURCE = MAX_LENGTHS["source"]
_MAX_EVIDENCE = MAX_LENGTHS["evidence_url"]
_MAX_NARRATIVE = MAX_LENGTHS["narrative"]


def _too_long(limit: int) -> str:
    return _("longer than the {limit:,} characters the store keeps: shorten it").format(limit=limit)


def _long_text(text: str) -> str:
    """The start of a text too long to show whole, with its length."""
    return _("{start}… ({count:,} characters)").format(start=text[:60], count=len(text))


@dataclass(frozen=True, slots=True)
class _RowFacts:
    """What a row says about its country, indicator and breakdown, checked once per
    distinct combination (a file repeats them on many rows)."""

    geo: str
    indicator: Indicator | None
    disaggregation: str
    evidence_url: str | None
    problems: tuple[tuple[str, str, str], ...]  # (column, value, reason): reject the whole row
    # Set the whole row aside (no cell for it here): (kind, detail, code, column, reason).
    set_aside: tuple[str, str, str, str, str] | None = None
    # The indicator's values read once: ORM attribute access is slow in a 200,000-row loop.
    indicator_id: int = 0
    indicator_code: str = ""
    unit: str = ""
    low: float | None = None
    high: float | None = None


class _Reader:
    """Reads the mapped cells row by row into observations and problems."""

    def __init__(self, context: _Context, mapping: ColumnMapping, result: ImportPreview) -> None:
        self.context = context
        self.mapping = mapping
        self.result = result
        self.accepted: list[Observation] = []
        self.first_row: dict[Key, int] = {}
        self.facts: dict[tuple[str, ...], _RowFacts] = {}

    def _count(self, rejected: int) -> None:
        self.result.rejected += rejected
        if len(self.accepted) + self.result.rejected > MAX_ROWS:
            raise FileTooLarge(_too_many_rows())

    def skip(self, file_indicator: str) -> None:
        """A row of an indicator not imported: counted, never relabelled."""
        skipped = self.result.skipped
        skipped[file_indicator] = skipped.get(file_indicator, 0) + 1

    def put_aside(self, row: int, why: tuple[str, str, str, str, str]) -> None:
        """A row the tracker has no cell for: summarised with its reason, not rejected."""
        kind, detail, code, column, reason = why
        group = self.result.set_aside.setdefault((kind, detail), SetAside(kind, detail))
        group.codes[code] = group.codes.get(code, 0) + 1
        group.problems.append(RowProblem(row, column, code, reason))

    def reject(self, row: int, problems: Iterable[tuple[str, str, str]], observations: int) -> None:
        """Record the problems of a row; its `observations` are rejected (counted once)."""
        for column, text, reason in problems:
            self.result.problems.append(RowProblem(row, column, text, reason))
        self._count(observations)

    def row_facts(
        self, code: str, name: str, indicator: str, breakdown: "str | sdmx.Breakdown", evidence: str
    ) -> _RowFacts:
        key = (code, name, indicator, breakdown, evidence)
        if key not in self.facts:
            self.facts[key] = self._check_row(code, name, indicator, breakdown, evidence)
        return self.facts[key]

    def _breakdown_aside(
        self, breakdown: sdmx.Breakdown, indicator: Indicator | None
    ) -> tuple[str, str, str, str, str] | None:
        """Why an SDMX row's breakdown has no cell here: no category for it, two
        dimensions at once, or a dimension the indicator does not track."""
        column = ", ".join(self.mapping.breakdowns)
        if breakdown.set_aside == sdmx.NO_CATEGORY:
            reason = _("the tracker has no category for the breakdown {codes}").format(
                codes=breakdown.codes
            )
            return (sdmx.NO_CATEGORY, "", breakdown.codes, column, reason)
        if breakdown.set_aside == sdmx.TWO_DIMENSIONS:
            reason = _(
                "broken down by {codes} at once: the tracker holds one breakdown at a time"
            ).format(codes=breakdown.codes)
            return (sdmx.TWO_DIMENSIONS, "", breakdown.codes, column, reason)
        dimension = breakdown.dimension
        if indicator is not None and dimension and dimension not in indicator.disaggregations:
            reason = _("breakdown by {dimension} not tracked for {indicator}").format(
                dimension=dimension, indicator=indicator.code
            )
            code = f"{indicator.code} {breakdown.codes}"
            return (sdmx.NOT_TRACKED_FOR_INDICATOR, dimension, code, column, reason)
        return None

    def _check_row(
        self,
        code: str,
        name: str,
        indicator_text: str,
        breakdown: "str | sdmx.Breakdown",
        evidence: str,
    ) -> _RowFacts:
        mapping = self.mapping
        problems: list[tuple[str, str, str]] = []
        resolution = self.context.resolver.resolve(code, name)
        country_column = (
            (mapping.country or "") if code or not mapping.country_name else mapping.country_name
        )
        if resolution.not_held:
            aside = (resolution.not_held, "", code or name, country_column, resolution.reason or "")
            return _RowFacts("", None, TOTAL, None, (), set_aside=aside)
        if resolution.code is None:
            problems.append((country_column, code or name, resolution.reason or ""))
        indicator_column = mapping.indicator or _("indicator")
        indicator = self.context.indicators.get(indicator_text.upper())
        if indicator is None:
            reason = (
                _("unknown indicator '{code}'").format(code=indicator_text)
                if indicator_text
                else _("empty indicator")
            )
            problems.append((indicator_column, indicator_text, reason))
        elif not indicator.is_active:
            reason = _("'{code}' is no longer in use").format(code=indicator.code)
            problems.append((indicator_column, indicator_text, reason))
        if isinstance(breakdown, sdmx.Breakdown):
            aside = self._breakdown_aside(breakdown, indicator)
            if aside is not None:
                return _RowFacts("", None, TOTAL, None, (), set_aside=aside)
            breakdown = breakdown.disaggregation
        disaggregation = _disaggregation_text(breakdown)
        evidence_column = mapping.evidence_url or "evidence_url"
        if indicator is not None:
            if message := disaggregation_problem(indicator, disaggregation):
                problems.append((mapping.disaggregation or "disaggregation", breakdown, message))
            kind = self.context.resolver.kind.get(resolution.code or "")
            if kind and (message := geography_level_problem(indicator, kind)):
                problems.append((country_column, code or name, message))
            if indicator.kind == IndicatorKind.OUTPUT and not evidence:
                reason = _("an evidence link is required for what ITU's actions deliver")
                problems.append((evidence_column, "", reason))
        if evidence:
            parsed = urlparse(evidence)
            if parsed.scheme not in ("http", "https") or not parsed.netloc:
                reason = _("enter a full web address (https://...)")
                problems.append((evidence_column, evidence, reason))
            elif len(evidence) > _MAX_EVIDENCE:
                reason = _too_long(_MAX_EVIDENCE)
                problems.append((evidence_column, _long_text(evidence), reason))
        facts = _RowFacts(
            geo=resolution.code or "",
            indicator=indicator,
            disaggregation=disaggregation,
            evidence_url=evidence or None,
            problems=tuple(problems),
        )
        if indicator is None or problems:
            return facts
        return replace(
            facts,
            indicator_id=int(indicator.id or 0),
            indicator_code=indicator.code,
            unit=indicator.unit,
            low=indicator.min_value,
            high=indicator.max_value,
        )

    def cell(
        self,
        number: int,
        facts: _RowFacts,
        extras: tuple[str, str],
        period_cell: tuple[str, str, Period | None, str | None],
        value_cell: tuple[str, str],
        status: str | None = None,
    ) -> None:
        """Check one value of a row whose facts passed; accept it or record why not."""
        period_column, period_text, period, period_reason = period_cell
        value_column, value_text = value_cell
        value, value_reason = _parse_value(value_text, facts.unit, self.context.decimal_comma)
        low, high = facts.low, facts.high
        if value is not None and (
            (low is not None and value < low) or (high is not None and value > high)
        ):
            assert facts.indicator is not None
            message = value_problem(facts.indicator, value)
            value_reason = _("out of range: {reason}").format(reason=message)
        problems = []
        if period_reason:
            problems.append((period_column, period_text, period_reason))
        if value_reason:
            problems.append((value_column, value_text.strip(), value_reason))
        if problems:
            self.reject(number, problems, 1)
            return
        assert period is not None and value is not None
        key = (facts.indicator_id, facts.geo, period.label, facts.disaggregation)
        first = self.first_row.get(key)
        if first is not None:
            reason = _(
                "duplicate within the file: row {first} has the same indicator, country, "
                "period and disaggregation"
            ).format(first=first)
            self.reject(number, [(value_column, value_text.strip(), reason)], 1)
            return
        self.first_row[key] = number
        source, narrative = extras
        self.accepted.append(
            Observation(
                row_number=number,
                column=value_column,
                indicator_id=facts.indicator_id,
                indicator_code=facts.indicator_code,
                geo_code=facts.geo,
                period=period.label,
                year=period.year,
                period_end=period.end,
                value=value,
                disaggregation=facts.disaggregation,
                source=source or self.context.default_source,
                evidence_url=facts.evidence_url,
                narrative=narrative,
                obs_status=status,
            )
        )
        self._count(0)

    def read(self, frame: pd.DataFrame, progress: Progress | None) -> None:
        mapping = self.mapping
        numbers = _row_numbers(frame)
        codes = _texts(frame, mapping.country)
        names = _texts(
            frame, None if mapping.country_name == mapping.country else mapping.country_name
        )
        indicators = _texts(frame, None if mapping.indicator_code else mapping.indicator)
        breakdowns = _texts(frame, mapping.disaggregation)
        evidence = _texts(frame, mapping.evidence_url)
        sources = _texts(frame, mapping.source)
        narratives = _texts(frame, mapping.narrative)
        multipliers = _texts(frame, mapping.unit_multiplier)
        statuses = _texts(frame, mapping.status)
        dimensions = [_texts(frame, name) for name in mapping.breakdowns]
        breakdown_of: dict[tuple[str, ...], sdmx.Breakdown] = {}
        fixed = (mapping.indicator_code or "").strip()
        matched = {c.file_indicator: c.code for c in self.result.indicator_choices}
        beyond = _cells_beyond_header(frame, mapping)
        if mapping.layout == "long":
            value_columns = [(mapping.value or "", None, _texts(frame, mapping.value))]
            periods = _texts(frame, mapping.period)
        else:
            value_columns = [
                (name, header_period(name), _texts(frame, name)) for name in mapping.year_columns
            ]
            wide_reasons = {
                name: period_problem(period, self.context.today) if period else None
                for name, period, _cells in value_columns
            }
        step = max(1, len(numbers) // 50)
        for i, number in enumerate(numbers):
            if progress is not None and i % step == 0:
                progress(i / len(numbers))
            filled = [
                (name, period, cells[i])
                for name, period, cells in value_columns
                if cells[i].strip()
            ]
            if mapping.layout == "long":
                if not (filled or codes[i].strip() or names[i].strip() or periods[i].strip()):
                    continue  # nothing in the mapped columns: a blank line, not an observation
                filled = filled or [(mapping.value or "", None, "")]
            elif not filled:
                continue  # empty year cells in the wide layout are absent observations
            written = indicators[i].strip()
            tracked = fixed or (matched.get(written) if written else "")
            if tracked is None:
                self.skip(written)
                continue
            if overflow := next(((n, c[i]) for n, c in beyond if c[i].strip()), None):
                problem = (overflow[0], overflow[1].strip(), _beyond_header(frame))
                self.reject(number, [problem], len(filled))
                continue
            breakdown: str | sdmx.Breakdown = breakdowns[i].strip()
            if mapping.sdmx:
                written_codes = tuple(cells[i] for cells in dimensions)
                if written_codes not in breakdown_of:
                    pairs = tuple(zip(mapping.breakdowns, written_codes, strict=True))
                    breakdown_of[written_codes] = sdmx.read_breakdown(pairs)
                breakdown = breakdown_of[written_codes]
            facts = self.row_facts(
                codes[i].strip(), names[i].strip(), tracked, breakdown, evidence[i].strip()
            )
            if facts.set_aside:
                self.put_aside(number, facts.set_aside)
                continue
            if facts.problems:
                self.reject(number, facts.problems, len(filled))
                continue
            extras = (sources[i].strip(), narratives[i].strip())
            if too_long := _text_problems(mapping, *extras):
                self.reject(number, too_long, len(filled))
                continue
            status = statuses[i].strip() or None
            for name, period, text in filled:
                if mapping.layout == "long":
                    period_text = periods[i].strip()
                    found, reason = self.context.period(period_text)
                    period_cell = (mapping.period or "", period_text, found, reason)
                else:
                    period_cell = (name, name, period, wide_reasons[name])
                text, power_problem = sdmx.scaled(text, multipliers[i])
                if power_problem:
                    column = mapping.unit_multiplier or ""
                    self.reject(number, [(column, multipliers[i].strip(), power_problem)], 1)
                    continue
                self.cell(number, facts, extras, period_cell, (name, text), status)
        if progress is not None:
            progress(1.0)


def _cells_beyond_header(
    frame: pd.DataFrame, mapping: ColumnMapping
) -> list[tuple[str, list[str]]]:
    """The columns beyond the header's last name that the mapping does not read, with
    their cells: a row that fills one does not fit the header."""
    read = set(mapping.columns())
    names = [n for n in frame.attrs.get("extra_columns", ()) if n in frame.columns]
    return [(name, _texts(frame, name)) for name in names if name not in read]


def _beyond_header(frame: pd.DataFrame) -> str:
    if frame.attrs.get("format") == "csv":
        return _(
            "the row has more cells than the header has columns: a value with the "
            "delimiter in it (such as a decimal comma, 81,5) must be in quotes, or it "
            "splits in two. The row is not imported"
        )
    return _(
        "the row fills cells beyond the header's last column, which no column name "
        "describes. The row is not imported"
    )


def _text_problems(
    mapping: ColumnMapping, source: str, narrative: str
) -> list[tuple[str, str, str]]:
    """The source and narrative of a row that are longer than an entry keeps."""
    problems = []
    for column, text, limit in (
        (mapping.source or "source", source, _MAX_SOURCE),
        (mapping.narrative or "narrative", narrative, _MAX_NARRATIVE),
    ):
        if len(text) > limit:
            problems.append((column, _long_text(text), _too_long(limit)))
    return problems


def _live_entries(session: Session, observations: Sequence[Observation]) -> dict[Key, Existing]:
    """The live entries for the keys of `observations`, in one query. Where a published entry
    has a pending correction, the correction is the one an import compares with and changes.

    Rejected, superseded and withdrawn entries are not live (models.NOT_LIVE_STATES): an
    import never compares with them, changes them or brings them back; their cell takes a
    new entry, beside them.
    """
    if not observations:
        return {}
    indicator_ids = sorted({o.indicator_id for o in observations})
    geo_codes = sorted({o.geo_code for o in observations})
    years = [o.year for o in observations]
    statement = (
        sa.select(
            ProgressEntry.id,
            ProgressEntry.indicator_id,
            ProgressEntry.geo_code,
            ProgressEntry.period,
            ProgressEntry.disaggregation,
            ProgressEntry.value,
            ProgressEntry.version,
            ProgressEntry.review_state,
            ProgressEntry.obs_status,
        )
        .where(
            ProgressEntry.indicator_id.in_(indicator_ids),  # type: ignore[union-attr]
            ProgressEntry.geo_code.in_(geo_codes),  # type: ignore[attr-defined]
            ProgressEntry.year.between(min(years), max(years)),  # type: ignore[attr-defined]
            ProgressEntry.review_state.not_in(NOT_LIVE_STATES),  # type: ignore[attr-defined]
        )
        .order_by(ProgressEntry.id)  # type: ignore[arg-type]
    )
    found: dict[Key, Existing] = {}
    for row in session.execute(statement):
        key = (row.indicator_id, row.geo_code, row.period, row.disaggregation)
        if key not in found or found[key].review_state == ReviewState.PUBLISHED:
            found[key] = Existing(row.id, row.version, row.value, row.review_state, row.obs_status)
    return found


def _same(a: float | None, b: float) -> bool:
    return a is not None and abs(a - b) <= VALUE_TOLERANCE


def _unchanged(existing: Existing, observation: Observation) -> bool:
    """The same value, and no other observation status (a file that states none keeps
    the stored one)."""
    status = observation.obs_status
    return _same(existing.value, observation.value) and (
        status is None or status == existing.obs_status
    )


class UnitMismatch(MappingError):
    """The file's unit (SDMX UNIT_MEASURE) is not the unit of the indicator it is mapped to."""


def _check_units(
    frame: pd.DataFrame,
    mapping: ColumnMapping,
    choices: Sequence[IndicatorChoice],
    indicators: dict[str, Indicator],
) -> None:
    """Refuse the file when the unit of any of its indicators does not fit the tracked
    indicator it is imported as, naming both units."""
    if not (mapping.unit or mapping.unit_label):
        return
    codes = _texts(frame, mapping.unit)
    labels = _texts(frame, mapping.unit_label)
    texts = _texts(frame, None if mapping.indicator_code else mapping.indicator)
    fixed = (mapping.indicator_code or "").strip().upper()
    matched = {c.file_indicator: c.code for c in choices}
    seen: set[tuple[str, str, str]] = set()
    for text, code, label in zip(texts, codes, labels, strict=True):
        key = (text.strip(), code.strip(), label.strip())
        if key in seen:
            continue
        seen.add(key)
        target = fixed or matched.get(key[0]) or ""
        indicator = indicators.get(target.upper())
        if indicator is None:
            continue
        problem = sdmx.unit_problem(key[1], key[2], indicator.unit)
        if problem:
            raise UnitMismatch(
                _(
                    "The file cannot be imported as {code}: {problem}. Nothing was imported; "
                    "choose an indicator measured in the file's unit."
                ).format(code=indicator.code, problem=problem)
            )


def _world_bank_codes(frame: pd.DataFrame, mapping: ColumnMapping) -> bool:
    """Whether the file's places are World Bank codes: SDMX from Data360, or a country
    column holding World Bank aggregates (AFE, HIC...). Then ARB is the Arab World, not
    ITU's Arab States, even where no name column tells them apart."""
    if mapping.sdmx:
        return True
    codes = {text.strip().upper() for text in _texts(frame, mapping.country)}
    return bool(codes & (WORLD_BANK_AGGREGATES - {"ARB"}))


def _status_labels(frame: pd.DataFrame, mapping: ColumnMapping) -> dict[str, str]:
    """OBS_STATUS codes with the file's own label (OBS_STATUS_LABEL), where it has one."""
    if not mapping.status:
        return {}
    label_column = sdmx.column([str(c) for c in frame.columns], "OBS_STATUS_LABEL")
    labels = _texts(frame, label_column)
    found: dict[str, str] = {}
    for code, label in zip(_texts(frame, mapping.status), labels, strict=True):
        if code.strip() and code.strip() not in found:
            found[code.strip()] = label.strip()
    return found


def _checksum(frame: pd.DataFrame) -> str:
    """The SHA-256 of the file `frame` was read from; of its cells for a frame built in code."""
    known = frame.attrs.get("checksum")
    if known:
        return str(known)
    return hashlib.sha256(frame.to_csv().encode("utf-8")).hexdigest()


def preview(
    session: Session,
    frame: pd.DataFrame,
    mapping: ColumnMapping,
    *,
    by: Identity,
    today: date | None = None,
    filename: str | None = None,
    progress: Progress | None = None,
    source: SourceInfo | None = None,
) -> ImportPreview:
    """Check every observation of `frame` and say what an import would do; writes nothing.

    `source` is the dataset the values come from; None: what the file says of itself
    (`propose_source`), UNKNOWN_SOURCE: not known. A file whose unit does not fit the
    indicator it is imported as is refused (UnitMismatch)."""
    require(by, Role.EDITOR, N_("import progress entries"))
    mapping.check(frame)
    today = today or date.today()
    source = propose_source(frame, today) if source is None else source
    source.check()
    filename = filename or str(frame.attrs.get("filename", "")) or "import"
    indicators = _tracked(session)
    if mapping.indicator_code:
        fixed = indicators.get(mapping.indicator_code.strip().upper())
        if fixed is None:
            raise MappingError(_("Unknown indicator '{code}'.").format(code=mapping.indicator_code))
        if not fixed.is_active:
            raise MappingError(_("'{code}' is no longer in use.").format(code=fixed.code))
    key, choices = "", []
    if mapping.indicator:
        key = source_key(frame, mapping.indicator)
        found = file_indicators(frame, mapping.indicator)
        stored = _stored_matches(session, key)
        choices = _match_indicators(found, mapping, indicators, stored)
        automatic = replace(mapping, indicator_code=None, indicator_map=())
        _check_whole_file_indicator(
            choices, mapping, _match_indicators(found, automatic, indicators, stored)
        )
    _check_units(frame, mapping, choices, indicators)
    context = _Context(
        indicators=indicators,
        resolver=resolver_for(session, world_bank_codes=_world_bank_codes(frame, mapping)),
        today=today,
        default_source=(mapping.default_source.strip() or source.citation())[:_MAX_SOURCE],
    )
    result = ImportPreview(
        filename=filename,
        mapping=mapping,
        rows_read=len(frame),
        checksum=_checksum(frame),
        source_key=key,
        indicator_choices=choices,
        source=source,
        status_labels=_status_labels(frame, mapping),
        encoding=str(frame.attrs.get("encoding", "")),
    )
    context.decimal_comma = writes_decimal_comma(_value_cells(frame, mapping))
    reader = _Reader(context, mapping, result)
    reader.read(frame, progress)
    live = _live_entries(session, reader.accepted)
    for observation in reader.accepted:
        existing = live.get(observation.key)
        if existing is None:
            result.new.append(observation)
        elif _unchanged(existing, observation):
            observation.existing = existing
            result.unchanged.append(observation)
        else:
            observation.existing = existing
            result.changed.append(observation)
    result.problems.sort(key=lambda p: p.row_number)
    return result


# 4. The commit


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


_TABLE = ProgressEntry.__table__  # type: ignore[attr-defined]
_AUDIT_TABLE = AuditRecord.__table__  # type: ignore[attr-defined]
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
    for start in range(0, len(items), CHUNK_SIZE):
        yield items[start : start + CHUNK_SIZE]


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
        changes = [
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
    except connection.dialect.dbapi.Error as error:  # type: ignore[union-attr]
        # COPY bypasses SQLAlchemy: wrap the driver's error as SQLAlchemy would, so that
        # db.write_scope tells a cell taken meanwhile (CellTaken) or a lock wait (StoreBusy).
        raise sa.exc.DBAPIError.instance(
            statement,
            None,
            error,
            connection.dialect.dbapi.Error,  # type: ignore[union-attr]
        ) from error


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
        sa.select(DataSource.id).where(DataSource.key == source.key)
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
    ids = {row.code: row.id for row in session.execute(sa.select(Indicator.code, Indicator.id))}
    kept = {
        row.file_indicator: row
        for row in session.execute(
            sa.select(IndicatorMapping).where(IndicatorMapping.source_key == result.source_key)
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


_MAX_FILE_INDICATOR = int(IndicatorMapping.__table__.c.file_indicator.type.length)  # type: ignore[attr-defined]


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


__all__ = [
    "MAX_COLUMNS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "BulkImportError",
    "ColumnMapping",
    "CountryResolver",
    "FileTooLarge",
    "ImportPreview",
    "ImportResult",
    "IndicatorChoice",
    "MappingError",
    "Observation",
    "ProblemGroup",
    "RowProblem",
    "SetAside",
    "SheetNeeded",
    "SourceInfo",
    "UNKNOWN_SOURCE",
    "UnitMismatch",
    "StoreChanged",
    "UnreadableFile",
    "commit",
    "commit_to_store",
    "encoding_in_words",
    "file_indicators",
    "guess_mapping",
    "header_period",
    "indicator_choices",
    "limits_in_words",
    "normalise_name",
    "preview",
    "propose_source",
    "read_as",
    "read_table",
    "resolver_for",
    "source_key",
    "source_of",
    "workbook_sheets",
]
