"""Files in ITU's six languages, imported as a Secretariat user uploads them: country names
and column headers in French, Spanish, Arabic, Chinese and Russian, CSVs in the legacy code
pages those languages are saved in, and files whose encoding cannot be told, refused with
the reason instead of stored garbled.

Expected country codes are ISO 3166 alpha-3 written out by hand; the legacy files are
written with Python's own encoders.
"""

import csv
import hashlib
import io
import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from gdc_tracker import db, importing
from gdc_tracker.auth import Identity
from gdc_tracker.models import GeographyKind
from tests.apptest import clear_streamlit_caches, open_page
from tests.factories import TODAY, make_user

INDICATOR = "UMC_INTERNET_USE"


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8", sep: str = ",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=sep, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


@pytest.fixture
def store(reference_template: Path, tmp_path: Path) -> Iterator[Engine]:
    """A store of its own with the reference data (a copy of the session's template)."""
    for suffix in ("", "-wal", "-shm"):
        source = reference_template.with_name(reference_template.name + suffix)
        if source.exists():
            shutil.copy(source, tmp_path / source.name)
    engine = db.make_engine(f"sqlite:///{tmp_path / reference_template.name}")
    yield engine
    engine.dispose()


@pytest.fixture
def editor(store: Engine) -> Identity:
    return make_user(store, "editor.one", "editor")


def check(engine: Engine, who: Identity, data: bytes, filename: str = "upload.csv"):  # noqa: ANN201
    """Read, guess the mapping (nothing chosen by hand) and preview, as the Import page does."""
    frame = importing.read_table(data, filename)
    mapping = importing.guess_mapping(frame)
    with db.session_scope(engine) as session:
        return frame, mapping, importing.preview(session, frame, mapping, by=who, today=TODAY)


def accepted(found: importing.ImportPreview) -> dict[int, str]:
    """Row number -> resolved country code of every observation the preview accepts."""
    rows = found.new + found.changed + found.unchanged
    return {o.row_number: o.geo_code for o in sorted(rows, key=lambda o: o.row_number)}


def import_file(engine: Engine, who: Identity, data: bytes) -> importing.ImportPreview:
    frame = importing.read_table(data, "upload.csv")
    with db.session_scope(engine) as session:
        found = importing.preview(
            session, frame, importing.guess_mapping(frame), by=who, today=TODAY
        )
        importing.commit(session, found, by=who)
    return found


def stored(engine: Engine) -> dict[str, tuple[float, str]]:
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT geo_code, value, narrative FROM progressentry")
        ).all()
    return {geo: (value, narrative) for geo, value, narrative in rows}


# Country names and headers


def test_a_spanish_file_as_excel_saves_it_imports_with_the_guessed_mapping(
    store: Engine, editor: Identity
) -> None:
    """Spanish Excel saves "CSV (delimitado por comas)" in Windows-1252 with semicolons."""
    data = csv_bytes(
        [
            ["País", "Indicador", "Año", "Valor"],
            ["Brasil", INDICATOR, "2023", "84.2"],
            ["Estados Unidos", INDICATOR, "2023", "93.1"],
            ["República Dominicana", INDICATOR, "2023", "85.2"],
        ],
        encoding="cp1252",
        sep=";",
    )
    frame, mapping, found = check(store, editor, data)
    assert frame.attrs["encoding"] == "cp1252"
    assert (mapping.country, mapping.indicator, mapping.period, mapping.value) == (
        "País",
        "Indicador",
        "Año",
        "Valor",
    )
    assert found.problems == []
    assert accepted(found) == {2: "BRA", 3: "USA", 4: "DOM"}
    import_file(store, editor, data)
    assert {geo: value for geo, (value, _) in stored(store).items()} == {
        "BRA": 84.2,
        "USA": 93.1,
        "DOM": 85.2,
    }


def test_a_french_file_resolves_french_names(store: Engine, editor: Identity) -> None:
    data = "\ufeff" + (
        "Pays;Indicateur;Année;Valeur;Remarque\r\n"
        "Brésil;UMC_INTERNET_USE;2022;81.3;Estimation de l'UIT\r\n"
        "Allemagne;UMC_INTERNET_USE;2022;91.4;\r\n"
        "Côte d’Ivoire;UMC_INTERNET_USE;2022;38.4;Données provisoires\r\n"
        "États-Unis;UMC_INTERNET_USE;2022;92.0;\r\n"
    )
    frame, mapping, found = check(store, editor, data.encode("utf-8"))
    assert frame.attrs["encoding"] == "utf-8-sig"
    assert (mapping.country, mapping.period, mapping.value, mapping.narrative) == (
        "Pays",
        "Année",
        "Valeur",
        "Remarque",
    )
    assert accepted(found) == {2: "BRA", 3: "DEU", 4: "CIV", 5: "USA"}
    assert [o.narrative for o in found.new][0] == "Estimation de l'UIT"


RUSSIAN = [
    ["Страна", "Показатель", "Год", "Значение", "Примечание"],
    ["Россия", INDICATOR, "2023", "92.2", "Оценка МСЭ"],
    ["Германия", INDICATOR, "2023", "93.5", "Предварительные данные"],
    ["Бразилия", INDICATOR, "2023", "84.2", "Обследование домохозяйств"],
    ["Казахстан", INDICATOR, "2023", "92.3", ""],
]
ARABIC = [
    ["البلد", "المؤشر", "السنة", "القيمة", "ملاحظة"],
    ["مصر", INDICATOR, "2023", "72.2", "تقدير الاتحاد"],
    ["المغرب", INDICATOR, "2023", "91.0", "بيانات أولية"],
    ["الأردن", INDICATOR, "2023", "92.5", "مسح الأسر المعيشية"],
    ["المملكة العربية السعودية", INDICATOR, "2023", "100", ""],
]
CHINESE = [
    ["国家", "指标", "年份", "数值", "备注"],
    ["中国", INDICATOR, "2023", "77.5", "国际电联估计"],
    ["巴西", INDICATOR, "2023", "84.2", "初步数据"],
    ["德国", INDICATOR, "2023", "93.5", "住户调查"],
    ["美国", INDICATOR, "2023", "93.1", ""],
]


@pytest.mark.parametrize(
    ("rows", "encoding", "codes"),
    [
        (RUSSIAN, "cp1251", ["RUS", "DEU", "BRA", "KAZ"]),
        (RUSSIAN, "koi8_r", ["RUS", "DEU", "BRA", "KAZ"]),
        (ARABIC, "cp1256", ["EGY", "MAR", "JOR", "SAU"]),
        (CHINESE, "utf-8", ["CHN", "BRA", "DEU", "USA"]),
        (CHINESE, "gb18030", ["CHN", "BRA", "DEU", "USA"]),
    ],
)
def test_a_file_in_its_languages_code_page_comes_back_intact(
    store: Engine, editor: Identity, rows: list[list[str]], encoding: str, codes: list[str]
) -> None:
    data = csv_bytes(rows, encoding=encoding)
    frame, mapping, found = check(store, editor, data)
    assert frame.attrs["encoding"] == encoding
    assert list(frame.columns) == rows[0]
    assert frame.values.tolist() == rows[1:]
    header = rows[0]
    assert (mapping.country, mapping.indicator, mapping.period, mapping.value) == tuple(header[:4])
    assert mapping.narrative == header[4]
    assert found.problems == []
    assert accepted(found) == {2: codes[0], 3: codes[1], 4: codes[2], 5: codes[3]}
    import_file(store, editor, data)
    assert {geo: narrative for geo, (_, narrative) in stored(store).items()} == {
        code: row[4] for code, row in zip(codes, rows[1:], strict=True)
    }


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (["Code pays", "Pays", "Indicateur", "Année", "Valeur", "Source", "Remarque"], "fr"),
        (["Código de país", "País", "Indicador", "Año", "Valor", "Fuente", "Nota"], "es"),
        (["رمز البلد", "البلد", "المؤشر", "السنة", "القيمة", "المصدر", "ملاحظة"], "ar"),
        (["国家代码", "国家", "指标", "年份", "数值", "来源", "备注"], "zh"),
        (["Код страны", "Страна", "Показатель", "Год", "Значение", "Источник", "Примечание"], "ru"),
    ],
)
def test_headers_in_each_language_are_recognised(header: list[str], language: str) -> None:
    data = csv_bytes([header, ["BRA", "Brazil", INDICATOR, "2023", "84.2", "ITU", ""]])
    mapping = importing.guess_mapping(importing.read_table(data, f"{language}.csv"))
    assert (
        mapping.country,
        mapping.country_name,
        mapping.indicator,
        mapping.period,
        mapping.value,
        mapping.source,
        mapping.narrative,
    ) == tuple(header), language


def test_no_header_word_stands_for_two_fields() -> None:
    fields = {
        "country code": importing.headers._CODE_HEADERS,
        "country name": importing.headers._NAME_HEADERS,
        "period": importing.headers._PERIOD_HEADERS,
        "value": importing.headers._VALUE_HEADERS,
        "indicator": importing.headers._INDICATOR_HEADERS,
        "disaggregation": importing.headers._DISAGGREGATION_HEADERS,
        "source": importing.headers._SOURCE_HEADERS,
        "evidence": importing.headers._EVIDENCE_HEADERS,
        "narrative": importing.headers._NARRATIVE_HEADERS,
    }
    meaning: dict[str, set[str]] = {}
    for field, english in fields.items():
        for word in importing.headers._synonyms(english):
            meaning.setdefault(word, set()).add(field)
    assert {word: found for word, found in meaning.items() if len(found) > 1} == {}
    assert set(importing.HEADER_TRANSLATIONS) <= {w for e in fields.values() for w in e}


def test_the_country_header_wins_over_a_region_header_in_any_language() -> None:
    """As "Country" beats "Region" in English, "País" beats "Región"."""
    data = csv_bytes([["Región", "País", "Año", "Valor"], ["AMS", "Brasil", "2023", "84.2"]])
    mapping = importing.guess_mapping(importing.read_table(data, "es.csv"))
    assert mapping.country == "País"


def test_names_in_non_latin_scripts_survive_the_matching_normalisation() -> None:
    assert importing.normalise_name("Côte d’Ivoire") == "cote divoire"  # as before
    assert importing.normalise_name("РОССИЯ") == importing.normalise_name("Россия") == "россия"
    assert importing.normalise_name("Соединённое Королевство") == "соединенное королевство"
    assert importing.normalise_name("الأردن") == importing.normalise_name("الاردن")
    assert importing.normalise_name("中国") == "中国"


def resolver(*geographies: tuple[str, str, str]) -> importing.CountryResolver:
    return importing.CountryResolver(
        (code, GeographyKind.COUNTRY, name, iso2) for code, name, iso2 in geographies
    )


def test_names_resolve_in_all_six_languages() -> None:
    places = resolver(("DEU", "Germany", "DE"), ("EGY", "Egypt", "EG"), ("CHN", "China", "CN"))
    for name in ("Germany", "Allemagne", "Alemania", "ألمانيا", "德国", "德國", "Германия"):
        assert places.resolve("", name).code == "DEU", name
    for name in ("Egypt", "Égypte", "Egipto", "مصر", "埃及", "Египет"):
        assert places.resolve("", name).code == "EGY", name
    assert places.resolve("", "中华人民共和国").code == "CHN"  # the official name, in Chinese


def test_a_name_that_means_two_countries_resolves_to_neither() -> None:
    """A store naming France "Allemagne" (Germany in French): the name is ambiguous, so a
    row giving only that name is refused with both codes; a code still decides."""
    places = resolver(("FRA", "Allemagne", "FR"), ("DEU", "Germany", "DE"))
    found = places.resolve("", "Allemagne")
    assert found.code is None
    assert "DEU, FRA" in (found.reason or "")
    assert places.resolve("DEU", "Allemagne").code == "DEU"
    assert places.resolve("", "Germany").code == "DEU"


def test_names_are_resolved_once_per_distinct_value(
    store: Engine, editor: Identity, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, str]] = []
    resolve = importing.CountryResolver._resolve

    def counted(self: importing.CountryResolver, code: str, name: str) -> importing.Resolution:
        calls.append((code, name))
        return resolve(self, code, name)

    monkeypatch.setattr(importing.CountryResolver, "_resolve", counted)
    names = ["Brasil", "Allemagne", "Россия"]
    rows = [["País", "Indicador", "Año", "Valor"]]
    rows += [[names[i % 3], INDICATOR, str(2000 + i // 3 % 26), "50"] for i in range(600)]
    _frame, _mapping, found = check(store, editor, csv_bytes(rows))
    assert (found.rows_read, len(found.new)) == (600, 78)  # the rest repeat a cell
    assert sorted(calls) == sorted((name, "") for name in names)  # the names are the country column


def test_the_indicator_matches_of_a_cyrillic_file_are_kept_by_its_own_headers() -> None:
    """Matches confirmed for one file shape are not offered for another: headers in
    Cyrillic keep their words in the key, where English headers keep the key they had."""
    first = importing.read_table(csv_bytes([["Страна", "Показатель", "Значение"]]), "a.csv")
    second = importing.read_table(csv_bytes([["Регион", "Показатель", "Значение"]]), "b.csv")
    assert importing.source_key(first, "Показатель") != importing.source_key(second, "Показатель")
    english = importing.read_table(csv_bytes([["Country", "Indicator", "Value"]]), "c.csv")
    digest = hashlib.sha256(b"country\nindicator\nvalue").hexdigest()[:16]
    assert importing.source_key(english, "Indicator") == f"indicator#{digest}"


# Encodings


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (b"Country,Year,Value\nSLV,2020,1\n", "utf-8"),
        ("Country,Year,Value\nCôte d'Ivoire,2020,1\n".encode(), "utf-8"),
        ("\ufeffCountry,Year,Value\nCôte d'Ivoire,2020,1\n".encode(), "utf-8-sig"),
        ("Country,Year,Value\nCôte d'Ivoire,2020,1\n".encode("utf-16"), "utf-16"),
        ("Country,Year,Value\nCôte d'Ivoire,2020,1\n".encode("cp1252"), "cp1252"),
        ("Country,Year,Value,Note\nSLV,2020,1,ITU’s estimate: 5 °C\n".encode("cp1252"), "cp1252"),
    ],
)
def test_unicode_and_short_western_files_read_as_before(data: bytes, encoding: str) -> None:
    frame = importing.read_table(data, "x.csv")
    assert frame.attrs["encoding"] == encoding
    assert frame.iloc[0, 0] in ("SLV", "Côte d'Ivoire")


def test_a_large_file_is_read_by_its_few_lines_beyond_ascii() -> None:
    """100,000 rows in ASCII and one note in Russian near the end (Windows-1251), or one
    French name (Windows-1252): the detection reads the lines that differ."""
    rows = [["Country", "Year", "Value", "Note"]]
    rows += [["SLV", str(2000 + i % 25), "1", f"note {i}"] for i in range(100_000)]
    russian = [*rows[:90_000], ["RUS", "2020", "1", "Оценка МСЭ по данным обследования"]]
    frame = importing.read_table(csv_bytes(russian + rows[90_000:], "cp1251"), "x.csv")
    assert frame.attrs["encoding"] == "cp1251"
    assert frame.loc[90_001, "Note"] == "Оценка МСЭ по данным обследования"
    french = [*rows[:90_000], ["Côte d’Ivoire", "2020", "1", ""]]
    frame = importing.read_table(csv_bytes(french + rows[90_000:], "cp1252"), "x.csv")
    assert frame.attrs["encoding"] == "cp1252"
    assert frame.loc[90_001, "Country"] == "Côte d’Ivoire"


def test_random_bytes_are_refused_as_no_text() -> None:
    data = bytes(random.Random(20261123).randrange(1, 256) for _ in range(2_000))  # no NUL
    with pytest.raises(importing.UnreadableFile, match="binary data or an unknown text encoding"):
        importing.read_table(data, "upload.csv")


def test_a_tiny_file_whose_bytes_make_a_word_in_several_code_pages_is_refused() -> None:
    data = b"Country,Year,Value\n\xc0\xe1,2020,1\n"
    readings = {name: data[19:21].decode(name) for name in ("cp1252", "cp1251", "gb18030")}
    assert readings == {"cp1252": "Àá", "cp1251": "Аб", "gb18030": "泪"}
    assert all(word.isalpha() for word in readings.values())  # a word in each: undecidable
    with pytest.raises(importing.UnreadableFile, match="cannot be told for sure: line 2") as error:
        importing.read_table(data, "upload.csv")
    assert "CSV UTF-8" in str(error.value)


def test_a_utf8_file_with_one_line_in_another_encoding_is_refused_naming_the_line() -> None:
    good = csv_bytes(
        [["País", "Año", "Valor"], *[["México", str(2000 + i), "1"] for i in range(20)]]
    )
    data = good + "Panamá,2021,1\r\n".encode("cp1252")
    with pytest.raises(importing.UnreadableFile, match="UTF-8 except on line 22"):
        importing.read_table(data, "upload.csv")


def test_the_preview_says_how_the_file_was_read(store: Engine, editor: Identity) -> None:
    _frame, _mapping, found = check(store, editor, csv_bytes(RUSSIAN, encoding="cp1251"))
    assert found.encoding == "cp1251"
    assert found.read_as() == "Read as Cyrillic (Windows-1251)."
    _frame, _mapping, found = check(store, editor, csv_bytes(CHINESE, encoding="gb18030"))
    assert found.read_as() == "Read as Chinese, simplified (GB18030)."
    _frame, _mapping, found = check(store, editor, csv_bytes(RUSSIAN))
    assert found.read_as() == "Read as Unicode (UTF-8)."


def test_the_import_page_names_the_encoding_and_refuses_an_undecided_file(
    store: Engine, editor: Identity, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GDC_TRACKER_DATABASE_URL", str(store.url))
    clear_streamlit_caches()
    try:
        at = open_page("pages/import.py", identity=editor)
        upload = csv_bytes(ARABIC, encoding="cp1256")
        at.file_uploader(key="import__file").upload("arabic.csv", upload).run()
        next(b for b in at.button if b.key == "import__check").click().run()
        assert not at.exception
        assert any(c.value == "Read as Arabic (Windows-1256)." for c in at.caption)
        assert {m.label: m.value for m in at.metric}["New"] == "4"
        at = open_page("pages/import.py", identity=editor)
        tiny = b"Country,Year,Value\n\xc0\xe1,2020,1\n"
        at.file_uploader(key="import__file").upload("tiny.csv", tiny).run()
        assert any("cannot be told for sure" in e.value for e in at.error)
    finally:
        clear_streamlit_caches()


# Decimal commas, as French and Spanish spreadsheets write numbers


def test_a_spanish_file_with_decimal_commas_stores_the_numbers_it_means(
    store: Engine, editor: Identity
) -> None:
    """Spanish Excel writes 84.2 as "84,2" in a semicolon CSV; 1234.5 as "1.234,5"."""
    data = csv_bytes(
        [
            ["País", "Indicador", "Año", "Valor"],
            ["Brasil", INDICATOR, "2023", "84,2"],
            ["Estados Unidos", INDICATOR, "2023", "93,15"],
            ["República Dominicana", INDICATOR, "2023", "85"],
        ],
        encoding="cp1252",
        sep=";",
    )
    import_file(store, editor, data)
    values = {geo: value for geo, (value, _narrative) in stored(store).items()}
    assert values == {"BRA": 84.2, "USA": 93.15, "DOM": 85.0}


def test_a_comma_that_may_be_a_thousands_mark_is_refused_not_guessed(
    store: Engine, editor: Identity
) -> None:
    """ "1,234" is 1234 to an English reader and 1.234 to a Spanish one: the row is
    refused with the way to write it, never stored as either."""
    data = csv_bytes(
        [["Country", "Indicator", "Year", "Value"], ["BRA", INDICATOR, "2023", "1,234"]]
    )
    _frame, _mapping, found = check(store, editor, data)
    assert accepted(found) == {}
    reasons = " ".join(problem.reason for problem in found.problems)
    assert "decimal point" in reasons


def test_the_decimal_comma_is_decided_for_the_whole_file():
    decide = importing.writes_decimal_comma
    assert decide(["84,2", "93", "1.234,5"])
    assert decide(["12,50 %", "7"])
    assert not decide(["84.2", "93.1"])  # decimal points
    assert not decide(["1,234", "5,678"])  # may be thousands marks: undecided, refused
    assert not decide(["84,2", "93.1"])  # mixed: refused cell by cell, not reinterpreted
