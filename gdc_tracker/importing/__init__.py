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

The parts, in the order a file goes through them: `limits` (what a file may hold, the
errors), `files` and `spreadsheets` (reading), `headers` and `mapping` (which column holds
what), `countries`, `indicators` and `sources` (what the cells name), `observations` and
`rows` (each row checked), `preview` (classified against the store), `writing` and
`commit` (written in one transaction).
"""

from gdc_tracker.importing.commit import ImportResult, commit, commit_to_store
from gdc_tracker.importing.countries import (
    CountryResolver,
    Resolution,
    normalise_name,
    resolver_for,
)
from gdc_tracker.importing.files import encoding_in_words, read_as, read_table
from gdc_tracker.importing.headers import HEADER_TRANSLATIONS, header_period
from gdc_tracker.importing.indicators import IndicatorChoice, indicator_choices, source_key
from gdc_tracker.importing.limits import (
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    BulkImportError,
    FileTooLarge,
    MappingError,
    SheetNeeded,
    StoreChanged,
    UnreadableFile,
    limits_in_words,
)
from gdc_tracker.importing.mapping import SKIP, ColumnMapping, file_indicators, guess_mapping
from gdc_tracker.importing.observations import (
    Existing,
    ImportPreview,
    Observation,
    ProblemGroup,
    RowProblem,
    SetAside,
)
from gdc_tracker.importing.preview import UnitMismatch, preview
from gdc_tracker.importing.rows import writes_decimal_comma
from gdc_tracker.importing.sources import (
    NOT_STATED,
    UNKNOWN_SOURCE,
    SourceInfo,
    propose_source,
    source_of,
)
from gdc_tracker.importing.spreadsheets import workbook_sheets

__all__ = [
    "BulkImportError",
    "ColumnMapping",
    "CountryResolver",
    "Existing",
    "FileTooLarge",
    "HEADER_TRANSLATIONS",
    "ImportPreview",
    "ImportResult",
    "IndicatorChoice",
    "MAX_COLUMNS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "MappingError",
    "NOT_STATED",
    "Observation",
    "ProblemGroup",
    "Resolution",
    "RowProblem",
    "SKIP",
    "SetAside",
    "SheetNeeded",
    "SourceInfo",
    "StoreChanged",
    "UNKNOWN_SOURCE",
    "UnitMismatch",
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
    "writes_decimal_comma",
]
