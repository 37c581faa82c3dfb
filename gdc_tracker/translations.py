"""Reference data in the reader's language: objectives, regions, regional initiatives,
indicators and initiatives, and country names.

The store keeps every reference row in English, the language of the source documents.
Translations live beside them in `ReferenceTranslation`, one row per field and language,
each with the English it translates: a translation applies only while that English is
unchanged, so an edited definition shows in English (and Admin says so) until it is
translated again, never with a stale translation. Country names need no row: they come
from CLDR through Babel.

Queries apply translations in one place, `in_reader_language`, which `queries.overview.frame`
calls on every result: a column read straight from a translatable column (`Objective.title`,
`Indicator.name`...) is mapped to the reader's language, whatever the query's shape. Code
that reads a row object instead asks `localized`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import babel
import pandas as pd
import pycountry
import sqlalchemy as sa
from sqlmodel import Session, col, select

from gdc_tracker.i18n import N_, OFFICIAL_LANGUAGES, current_language, language_name, word_for
from gdc_tracker.models import (
    WORLD_CODE,
    Geography,
    GeographyKind,
    Indicator,
    Initiative,
    Objective,
    ReferenceTranslation,
    RegionalInitiative,
    translation_basis_label,
)

SOURCE_LANGUAGE = "en"
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "data" / "reference" / "translations"


@dataclass(frozen=True)
class Subject:
    """A kind of reference row that carries translations: its table, the fields translated,
    and how its key is written in the translation files."""

    name: str
    model: type
    fields: tuple[str, ...]
    section: str  # the section of a translation file


SUBJECTS: dict[str, Subject] = {
    subject.name: subject
    for subject in (
        Subject("objective", Objective, ("title", "short_title"), "objectives"),
        Subject("region", Geography, ("name",), "regions"),
        Subject("regional_initiative", RegionalInitiative, ("title",), "regional_initiatives"),
        Subject("indicator", Indicator, ("name", "definition"), "indicators"),
        Subject("initiative", Initiative, ("name", "summary"), "initiatives"),
    )
}
# (table, column) a query may select -> the subjects whose translations it takes.
TRANSLATED_COLUMNS: dict[tuple[str, str], tuple[str, ...]] = {
    ("objective", "title"): ("objective",),
    ("objective", "short_title"): ("objective",),
    ("geography", "name"): ("region",),
    ("regionalinitiative", "title"): ("regional_initiative",),
    ("indicator", "name"): ("indicator",),
    ("indicator", "definition"): ("indicator",),
    ("initiative", "name"): ("initiative",),
    ("initiative", "summary"): ("initiative",),
}


class TranslationFileError(ValueError):
    """A translation file names a row, field or language the store does not know."""


# Reading: English -> the reader's language


def _translations(session: Session, language: str) -> dict[tuple[str, str], dict[str, str]]:
    """(subject, field) -> {English: text} for `language`, read once per session."""
    cache: dict[str, Any] = session.info.setdefault("reference_translations", {})
    if language not in cache:
        rows = session.execute(
            sa.select(
                col(ReferenceTranslation.subject),
                col(ReferenceTranslation.field),
                col(ReferenceTranslation.source_text),
                col(ReferenceTranslation.text),
            ).where(col(ReferenceTranslation.language) == language)
        ).all()
        found: dict[tuple[str, str], dict[str, str]] = {}
        for subject, field, english, text in rows:
            found.setdefault((subject, field), {})[english] = text
        cache[language] = found
    return cache[language]


def forget(session: Session) -> None:
    """Drop what `session` has read, after a translation was written through it."""
    session.info.pop("reference_translations", None)
    session.info.pop("country_names", None)


@lru_cache(maxsize=16)
def cldr_country_names(language: str) -> dict[str, str]:
    """English country name (pycountry's, as the store holds most of them) is not a safe
    key: the store's names are ITU's. So: ISO alpha-3 -> CLDR name in `language`."""
    territories = babel.Locale.parse(language).territories
    names: dict[str, str] = {}
    for territory, name in territories.items():
        if territory == "XK":
            names["XKX"] = name
            continue
        country = pycountry.countries.get(alpha_2=territory) if len(territory) == 2 else None
        if country is not None:
            names[country.alpha_3] = name
    names[WORLD_CODE] = territories.get("001", "World")
    return names


def _country_names(session: Session, language: str) -> dict[str, str]:
    """English name of each country in the store -> its CLDR name in `language`."""
    cache: dict[str, Any] = session.info.setdefault("country_names", {})
    if language not in cache:
        cldr = cldr_country_names(language)
        rows = session.execute(
            sa.select(col(Geography.code), col(Geography.name)).where(
                col(Geography.kind).in_([GeographyKind.COUNTRY, GeographyKind.WORLD])
            )
        ).all()
        cache[language] = {name: cldr[code] for code, name in rows if code in cldr}
    return cache[language]


def _mapping(session: Session, table: str, column: str, language: str) -> dict[str, str]:
    """English -> `language` for values read from `table.column`."""
    found = _translations(session, language)
    mapping: dict[str, str] = {}
    if (table, column) == ("geography", "name"):
        mapping |= _country_names(session, language)
    for subject in TRANSLATED_COLUMNS[(table, column)]:
        mapping |= found.get((subject, column), {})  # a column is named as its field
    return mapping


def _sources_of(column: Any) -> list[tuple[str, str]]:
    """The translatable (table, column)s a selected expression shows as they are: a column,
    a labelled column, or a coalesce of such columns (an indicator's name, else an
    initiative's); [] for anything computed."""
    while isinstance(column, sa.sql.elements.Label):
        column = column.element
    if isinstance(column, sa.sql.functions.coalesce):
        sources = [_sources_of(clause) for clause in column.clauses]
        return [source for found in sources for source in found] if all(sources) else []
    table = getattr(column, "table", None)
    if table is None or not isinstance(column, sa.sql.elements.ColumnElement):
        return []
    while isinstance(table, sa.sql.expression.Alias):
        table = table.element
    key = (str(getattr(table, "name", "")), str(getattr(column, "name", "")))
    return [key] if key in TRANSLATED_COLUMNS else []


def in_reader_language(
    session: Session, statement: sa.Executable, table: pd.DataFrame
) -> pd.DataFrame:
    """`table`, the result of `statement`, with each column read from a translatable column
    in the reader's language (English where no translation applies)."""
    language = current_language()
    if language == SOURCE_LANGUAGE or table.empty:
        return table
    selected = getattr(statement, "selected_columns", None)
    if selected is None:
        return table
    for name, column in zip(table.columns, selected, strict=False):
        mapping: dict[str, str] = {}
        for source in _sources_of(column):
            mapping |= _mapping(session, *source, language)
        if mapping:
            table[name] = table[name].map(lambda value, m=mapping: m.get(value, value))
    return table


def localized(session: Session, row: Any, field: str, language: str | None = None) -> str:
    """`row.<field>` (an Objective, Indicator, Initiative...) in the reader's language."""
    english = getattr(row, field)
    language = language or current_language()
    if language == SOURCE_LANGUAGE or not english:
        return english
    table = row.__table__.name
    if (table, field) not in TRANSLATED_COLUMNS:
        return english
    return _mapping(session, table, field, language).get(english, english)


def localize_names(session: Session, names: Mapping[Any, str], table: str, column: str) -> dict:
    """A {key: English} mapping (from a query of `table.column`) in the reader's language."""
    language = current_language()
    if language == SOURCE_LANGUAGE:
        return dict(names)
    mapping = _mapping(session, table, column, language)
    return {key: mapping.get(name, name) for key, name in names.items()}


# Loading: the translation files -> the store


def subject_rows(session: Session, subject: Subject) -> dict[str, Any]:
    """The store's rows of `subject`, by the key the translation files use."""
    # Rows of the subject's own model: each branch reads the fields of that model.
    rows: Sequence[Any] = session.exec(select(subject.model)).all()
    if subject.name == "objective":
        return {str(row.number): row for row in rows}
    if subject.name == "region":
        return {row.code: row for row in rows if row.kind == GeographyKind.REGION}
    if subject.name == "regional_initiative":
        return {f"{row.code}/{row.cycle}": row for row in rows}
    if subject.name == "indicator":
        return {row.code: row for row in rows}
    return {row.slug: row for row in rows}


# Coverage: what Admin shows


def coverage(session: Session, languages: Iterable[str] | None = None) -> pd.DataFrame:
    """subject, key, field, language, english, text, state, basis, source: one row per
    translatable field of every reference row and language. `state` is "translated",
    "missing" (readers see the English) or "outdated" (the English changed since the
    translation: readers see the English)."""
    languages = [lang for lang in (languages or OFFICIAL_LANGUAGES) if lang != SOURCE_LANGUAGE]
    stored = {
        (row.subject, row.key, row.field, row.language): row
        for row in session.exec(select(ReferenceTranslation)).all()
    }
    records: list[dict[str, Any]] = []
    for subject in SUBJECTS.values():
        for key, row in subject_rows(session, subject).items():
            for field in subject.fields:
                english = getattr(row, field)
                if not english:
                    continue
                for language in languages:
                    records.append(_coverage_record(subject, key, field, language, english, stored))
    return pd.DataFrame.from_records(
        records,
        columns=[
            "subject",
            "key",
            "field",
            "language",
            "english",
            "text",
            "state",
            "basis",
            "source",
        ],
    )


def _coverage_record(
    subject: Subject,
    key: str,
    field: str,
    language: str,
    english: str,
    stored: dict[tuple[str, str, str, str], ReferenceTranslation],
) -> dict[str, Any]:
    found = stored.get((subject.name, key, field, language))
    if found is None:
        state, text, basis, source = "missing", None, None, None
    else:
        state = "translated" if found.source_text == english else "outdated"
        text, basis, source = found.text, found.basis, found.source
    return {
        "subject": subject.name,
        "key": key,
        "field": field,
        "language": language,
        "english": english,
        "text": text,
        "state": state,
        "basis": basis,
        "source": source,
    }


STATE_WORDS: dict[str, str] = {
    "translated": N_("translated"),
    "missing": N_("not translated: readers see the English"),
    "outdated": N_("English changed since: readers see the English"),
}
SUBJECT_LABELS: dict[str, str] = {
    "objective": N_("GDC objectives"),
    "region": N_("ITU regions"),
    "regional_initiative": N_("Regional initiatives"),
    "indicator": N_("Indicators"),
    "initiative": N_("Initiatives"),
}
FIELD_WORDS: dict[str, str] = {
    "title": N_("title"),
    "short_title": N_("short title"),
    "name": N_("name"),
    "definition": N_("definition"),
    "summary": N_("summary"),
}


def coverage_summary(table: pd.DataFrame) -> pd.DataFrame:
    """language, subject, translated, missing, outdated: counts of fields, from `coverage`,
    with each language and subject in words."""
    counts = (
        table.groupby(["language", "subject"], sort=False)["state"]
        .value_counts()
        .unstack(fill_value=0)
        .reindex(columns=list(STATE_WORDS), fill_value=0)
        .reset_index()
    )
    counts["language"] = counts["language"].map(language_name)
    counts["subject"] = counts["subject"].map(lambda code: word_for(code, SUBJECT_LABELS))
    return counts.rename_axis(columns=None)


def coverage_rows(table: pd.DataFrame) -> pd.DataFrame:
    """`coverage` in words, for a reader: what, which field, the English, the translation,
    its state and its basis."""
    shown = table.copy()
    shown["language"] = shown["language"].map(language_name)
    shown["subject"] = shown["subject"].map(lambda code: word_for(code, SUBJECT_LABELS))
    shown["field"] = shown["field"].map(lambda code: word_for(code, FIELD_WORDS))
    shown["state"] = shown["state"].map(lambda code: word_for(code, STATE_WORDS))
    shown["basis"] = shown["basis"].map(
        lambda code: translation_basis_label(code) if isinstance(code, str) else ""
    )
    return shown
