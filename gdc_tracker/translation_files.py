"""Loading the translation files (`data/reference/translations/<language>.yaml`) into the
store: the write side of gdc_tracker.translations, run with the reference data.

Each file gives, per section (objectives, regions, regional initiatives, indicators,
initiatives), the translated fields of a row by its key; a translation is stored with the
English it translates, so it applies only while that English is unchanged.
"""

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from sqlmodel import Session, col

from gdc_tracker.i18n import OFFICIAL_LANGUAGES, _
from gdc_tracker.models import ReferenceTranslation, TranslationBasis
from gdc_tracker.translations import (
    SOURCE_LANGUAGE,
    SUBJECTS,
    TRANSLATIONS_DIR,
    Subject,
    TranslationFileError,
    forget,
    subject_rows,
)


def read_translation_file(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        content = yaml.safe_load(handle) or {}
    language = content.get("language")
    if language not in OFFICIAL_LANGUAGES or language == SOURCE_LANGUAGE:
        raise TranslationFileError(
            _("{file}: language must be one of {languages}").format(
                file=path.name, languages=", ".join(OFFICIAL_LANGUAGES[1:])
            )
        )
    return content


def _entries(
    content: dict[str, Any], subject: Subject, file: str
) -> Iterable[tuple[str, str, dict[str, Any]]]:
    """(key, field, entry) of every translated field of one section of a file."""
    for key, entry in (content.get(subject.section) or {}).items():
        for field, text in entry.items():
            if field in ("basis", "source"):
                continue
            if field not in subject.fields:
                raise TranslationFileError(
                    _("{file}: {section} {key}: no field {field} to translate").format(
                        file=file, section=subject.section, key=key, field=field
                    )
                )
            if text:
                yield str(key), field, entry


def _translation_rows(
    session: Session, content: dict[str, Any], file: str
) -> Iterable[ReferenceTranslation]:
    language = content["language"]
    default_basis = content.get("basis", TranslationBasis.EDITORIAL)
    for subject in SUBJECTS.values():
        rows = subject_rows(session, subject)
        for key, field, entry in _entries(content, subject, file):
            if key not in rows:
                raise TranslationFileError(
                    _("{file}: {section} {key}: no such row in the store").format(
                        file=file, section=subject.section, key=key
                    )
                )
            english = getattr(rows[key], field)
            if not english:
                continue
            yield ReferenceTranslation(
                subject=subject.name,
                key=key,
                field=field,
                language=language,
                text=str(entry[field]).strip(),
                source_text=english,
                basis=entry.get("basis", default_basis),
                source=entry.get("source"),
            )


def load_translations(session: Session, directory: Path = TRANSLATIONS_DIR) -> int:
    """Add the translations the store lacks, from every `<language>.yaml` of `directory`;
    return how many were added. A translation already in the store (perhaps corrected
    there) is kept as it is."""
    if not directory.is_dir():
        return 0
    existing = set(
        session.execute(
            sa.select(
                col(ReferenceTranslation.subject),
                col(ReferenceTranslation.key),
                col(ReferenceTranslation.field),
                col(ReferenceTranslation.language),
            )
        ).all()
    )
    added = 0
    for path in sorted(directory.glob("*.yaml")):
        content = read_translation_file(path)
        for row in _translation_rows(session, content, path.name):
            if (row.subject, row.key, row.field, row.language) not in existing:
                session.add(row)
                added += 1
    forget(session)
    return added
