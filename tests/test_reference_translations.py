"""Reference data in the reader's language: objectives, regions, indicators and initiatives
from the translation files, country names from CLDR, English where no translation applies,
and Admin listing every field a reader sees in English."""

import csv
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from sqlmodel import Session, select

from gdc_tracker import db, translations
from gdc_tracker.i18n import OFFICIAL_LANGUAGES, speaking
from gdc_tracker.models import Geography, Indicator, Objective, ReferenceTranslation
from gdc_tracker.queries import overview
from gdc_tracker.queries.overview import frame
from gdc_tracker.reference import REFERENCE_DIR, read_reference
from gdc_tracker.translation_files import load_translations
from gdc_tracker.translations import TranslationFileError
from tests.apptest import open_page
from tests.factories import make_user

SHIPPED = REFERENCE_DIR / "translations"
LANGUAGES = [language for language in OFFICIAL_LANGUAGES if language != "en"]
FRENCH_TITLE = "Réduire toutes les fractures numériques (titre d'essai)"


def write_file(directory: Path, language: str, content: dict) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{language}.yaml"
    path.write_text(yaml.safe_dump({"language": language, **content}, allow_unicode=True))
    return path


@pytest.fixture
def store(seeded_engine):
    """A seeded store whose translations are only those a test loads."""
    with db.session_scope(seeded_engine) as session:
        session.execute(sa.delete(ReferenceTranslation))
        session.commit()
    return seeded_engine


def load(engine, directory: Path) -> int:
    with db.session_scope(engine) as session:
        added = load_translations(session, directory)
        session.commit()
    return added


def test_a_translated_title_reaches_every_query_in_that_language_only(store, tmp_path):
    write_file(tmp_path, "fr", {"objectives": {1: {"title": FRENCH_TITLE}}})
    assert load(store, tmp_path) == 1
    english = next(
        row["title"]
        for row in csv.DictReader((REFERENCE_DIR / "objectives.csv").open(encoding="utf-8"))
        if row["number"] == "1"
    )
    with db.session_scope(store) as session:
        with speaking("fr"):
            french = overview.objectives(session).set_index("number")["title"]
        with speaking("es"):
            spanish = overview.objectives(session).set_index("number")["title"]
        plain = overview.objectives(session).set_index("number")["title"]
    assert french[1] == FRENCH_TITLE
    assert spanish[1] == english  # no Spanish file: English, as stored
    assert plain[1] == english
    assert french[2] == plain[2]  # objective 2 has no French title in this file


def test_a_renamed_column_and_an_aliased_table_are_translated_too(store, tmp_path):
    write_file(tmp_path, "fr", {"objectives": {2: {"short_title": "Économie (essai)"}}})
    load(store, tmp_path)
    statement = sa.select(Objective.short_title.label("objective")).where(Objective.number == 2)
    with db.session_scope(store) as session, speaking("fr"):
        assert frame(session, statement)["objective"].tolist() == ["Économie (essai)"]


def test_country_names_come_from_cldr_in_the_readers_language(store):
    statement = sa.select(Geography.code, Geography.name).where(
        Geography.code.in_(["BRA", "DEU", "EGY"])
    )
    with db.session_scope(store) as session:
        with speaking("fr"):
            french = dict(frame(session, statement).itertuples(index=False))
        with speaking("es"):
            spanish = dict(frame(session, statement).itertuples(index=False))
        with speaking("ru"):
            russian = dict(frame(session, statement).itertuples(index=False))
    assert french == {"BRA": "Brésil", "DEU": "Allemagne", "EGY": "Égypte"}
    assert spanish["BRA"] == "Brasil" and spanish["DEU"] == "Alemania"
    assert russian["BRA"] == "Бразилия"


def test_when_the_english_changes_readers_see_the_english_and_admin_says_why(store, tmp_path):
    write_file(tmp_path, "fr", {"objectives": {1: {"title": FRENCH_TITLE}}})
    load(store, tmp_path)
    with db.session_scope(store) as session:
        objective = session.get(Objective, 1)
        objective.title = "A corrected English title"
        session.commit()
    with db.session_scope(store) as session:
        with speaking("fr"):
            titles = overview.objectives(session).set_index("number")["title"]
        table = translations.coverage(session, ["fr"])
    assert titles[1] == "A corrected English title"
    row = table[(table["subject"] == "objective") & (table["key"] == "1")]
    states = dict(zip(row["field"], row["state"], strict=True))
    assert states == {"title": "outdated", "short_title": "missing"}


def test_coverage_counts_every_field_of_every_row(store, tmp_path):
    write_file(
        tmp_path,
        "es",
        {"regions": {"AMS": {"name": "Américas"}}, "indicators": {}},
    )
    load(store, tmp_path)
    with db.session_scope(store) as session:
        table = translations.coverage(session, ["es"])
        indicators = session.exec(select(Indicator)).all()
    expected_indicator_fields = sum(bool(i.name) + bool(i.definition) for i in indicators)
    assert (table["subject"] == "indicator").sum() == expected_indicator_fields
    assert (table["subject"] == "region").sum() == 6  # the six ITU regions
    assert table["state"].value_counts()["translated"] == 1
    summary = translations.coverage_summary(table).set_index("subject")
    with speaking("en"):
        assert summary.loc["ITU regions", "translated"] == 1
        assert summary.loc["ITU regions", "missing"] == 5


def test_loading_again_adds_nothing_and_keeps_a_correction_made_in_the_store(store, tmp_path):
    write_file(tmp_path, "fr", {"regions": {"AFR": {"name": "Afrique"}}})
    assert load(store, tmp_path) == 1
    with db.session_scope(store) as session:
        row = session.get(ReferenceTranslation, ("region", "AFR", "name", "fr"))
        row.text = "Région Afrique"
        session.commit()
    assert load(store, tmp_path) == 0
    with db.session_scope(store) as session:
        assert session.get(ReferenceTranslation, ("region", "AFR", "name", "fr")).text == (
            "Région Afrique"
        )


@pytest.mark.parametrize(
    ("content", "named"),
    [
        ({"indicators": {"NO_SUCH_CODE": {"name": "x"}}}, "NO_SUCH_CODE"),
        ({"objectives": {1: {"colour": "bleu"}}}, "colour"),
    ],
)
def test_a_file_naming_what_the_store_lacks_is_refused_with_its_name(
    store, tmp_path, content, named
):
    write_file(tmp_path, "fr", content)
    with db.session_scope(store) as session, pytest.raises(TranslationFileError) as error:
        load_translations(session, tmp_path)
    assert "fr.yaml" in str(error.value) and named in str(error.value)


def test_a_file_in_an_unknown_language_is_refused(store, tmp_path):
    path = write_file(tmp_path, "de", {"regions": {"EUR": {"name": "Europa"}}})
    with db.session_scope(store) as session, pytest.raises(TranslationFileError) as error:
        load_translations(session, tmp_path)
    assert path.name in str(error.value)


# The shipped translations


def english_fields() -> dict[tuple[str, str, str], str]:
    """(section, key, field) -> English, read from the shipped reference files."""
    data = read_reference()
    fields: dict[tuple[str, str, str], str] = {}
    for row in data.objectives:
        for field in ("title", "short_title"):
            fields[("objectives", row["number"], field)] = row[field]
    for row in data.regions:
        fields[("regions", row["code"], "name")] = row["name"]
    for row in data.regional_initiatives:
        if row["title"]:
            fields[("regional_initiatives", f"{row['code']}/{row['cycle']}", "title")] = row[
                "title"
            ]
    for item in data.indicators:
        fields[("indicators", item["code"], "name")] = item["name"]
        fields[("indicators", item["code"], "definition")] = item.get("definition") or ""
    for item in data.initiatives:
        fields[("initiatives", item["slug"], "name")] = item["name"]
        fields[("initiatives", item["slug"], "summary")] = item.get("summary") or ""
    return {key: text for key, text in fields.items() if text}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_shipped_reference_field_is_translated(language):
    content = yaml.safe_load((SHIPPED / f"{language}.yaml").read_text(encoding="utf-8"))
    assert content["language"] == language
    missing = [
        key
        for key in english_fields()
        if not str(_entry(content, key[0], key[1]).get(key[2]) or "")
    ]
    assert missing == []


def _entry(content: dict, section: str, key: str) -> dict:
    """A file's entry for `key`; YAML may read an objective's number as an integer."""
    entries = content.get(section) or {}
    return entries.get(key) or (entries.get(int(key)) if key.isdigit() else None) or {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_shipped_translations_keep_the_numbers_and_symbols_of_the_english(language):
    """A translation may reword, never change a figure, a year or a document symbol: every
    run of digits of the English is in the translation (decimal marks and thousands
    separators follow the language: "0.98" is "0,98" in Spanish, "1,000" is "1 000")."""
    content = yaml.safe_load((SHIPPED / f"{language}.yaml").read_text(encoding="utf-8"))
    changed = []
    for (section, key, field), english in english_fields().items():
        text = str(_entry(content, section, key).get(field, ""))
        lost = sorted(set(re.findall(r"\d+", english)) - set(re.findall(r"\d+", text)))
        if lost:
            changed.append((section, key, field, lost))
    assert changed == []


def test_the_shipped_store_has_every_translation_loaded(session: Session):
    table = translations.coverage(session)
    assert set(table["state"]) == {"translated"}
    assert set(table["language"]) == set(LANGUAGES)


# Pages


def test_objectives_page_in_french_shows_the_shipped_french_title(seeded_app):
    french = yaml.safe_load((SHIPPED / "fr.yaml").read_text(encoding="utf-8"))
    at = open_page("pages/objectives.py", lang="fr", objective="1")
    assert not at.exception
    page_text = " ".join(
        str(element.value) for element in [*at.markdown, *at.title, *at.header, *at.subheader]
    )
    selectbox_labels = " ".join(" ".join(box.options) for box in at.selectbox)
    shown = page_text + " " + selectbox_labels
    objective = _entry(french, "objectives", "1")
    assert objective["short_title"] in shown or objective["title"] in shown


def test_admin_translations_tab_lists_what_readers_see_in_english(writable_app, tmp_path):
    """With one field translated out of all, Admin counts the others and lists them."""
    with db.session_scope(writable_app) as session:
        session.execute(sa.delete(ReferenceTranslation))
        session.commit()
        fields = len(translations.coverage(session, ["fr"]))
    write_file(tmp_path, "fr", {"regions": {"AFR": {"name": "Afrique"}}})
    load(writable_app, tmp_path)
    admin = make_user(writable_app, "admin.translations", "admin")
    at = open_page("pages/admin.py", identity=admin, tab="translations")
    assert not at.exception, [e.value for e in at.exception]
    assert "Translations of the reference data" in [header.value for header in at.header]
    in_english = len(LANGUAGES) * fields - 1
    assert f"{in_english:,} fields shown in English" in [s.value for s in at.subheader]
    listed = at.dataframe[-1].value
    assert len(listed) == in_english
    assert "Afrique" not in set(listed["text"].dropna())
