"""Reading a file: a CSV in any of ITU's languages' encodings, or a workbook, as a
DataFrame of text cells with each row's number as the user sees it."""

import codecs
import csv
import hashlib
import io
import re
from collections import Counter
from typing import Any

import charset_normalizer
import pandas as pd

from gdc_tracker.i18n import _
from gdc_tracker.importing import limits
from gdc_tracker.importing.limits import (
    MAX_PREAMBLE_LINES,
    SUPPORTED_EXTENSIONS,
    FileTooLarge,
    Record,
    UnreadableFile,
    _too_many_columns,
    _too_many_rows,
)
from gdc_tracker.importing.spreadsheets import _xlsx_records


def read_table(data: bytes, filename: str, *, sheet: str | None = None) -> pd.DataFrame:
    """The table of a CSV or .xlsx file as text cells, indexed by file row number.

    A workbook of several sheets needs `sheet` (SheetNeeded says which there are; see
    `workbook_sheets`). `frame.attrs` says how it was read: filename, format, encoding,
    delimiter, sheet, header_row, skipped_lines (the preamble before the header),
    extra_columns (columns beyond the header that some rows fill) and checksum (SHA-256
    of `data`, hex).
    """
    if len(data) > limits.MAX_FILE_BYTES:
        raise FileTooLarge(
            _(
                "The file is {size:.1f} MB; the limit is {limit} MB. Split it and import the parts."
            ).format(size=len(data) / 1024 / 1024, limit=limits.MAX_FILE_BYTES // (1024 * 1024))
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
            if len(records) > limits.MAX_ROWS + MAX_PREAMBLE_LINES + 1:
                raise FileTooLarge(_too_many_rows())
    except csv.Error as error:
        raise UnreadableFile(
            _("Line {line} cannot be read as CSV ({error}).").format(line=line + 1, error=error)
        ) from error
    return records, {"format": "csv", "encoding": encoding, "delimiter": delimiter}


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
    if len(rows) > limits.MAX_ROWS:
        raise FileTooLarge(_too_many_rows())
    width = max([len(header)] + [len(cells) for _, cells in rows])
    if width > limits.MAX_COLUMNS:
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
