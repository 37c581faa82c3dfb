"""Tables and messages write numbers and dates as the reader's language does: the text a
reader sees in a table cell, and the counts inside sentences, by CLDR's rules (the
expected strings are CLDR's, typed here: French groups thousands with a narrow no-break
space and writes a decimal comma)."""

from datetime import date

import pandas as pd
import pyarrow as pa
import pytest
import streamlit as st

from gdc_tracker.i18n import _, ngettext, speaking
from gdc_tracker.table_formats import for_reader
from tests.apptest import open_page

NARROW_SPACE = "\u202f"


def cells(styled) -> list[list[str]]:
    """The text of each cell, as the Styler hands it to the table."""
    translated = styled._translate(False, False)  # what Styler.to_html renders from
    return [[cell["display_value"] for cell in row[1:]] for row in translated["body"]]


def test_numbers_follow_the_columns_decimals_in_the_readers_language():
    table = pd.DataFrame({"value": [1234.5, 67.35], "year": [2023, 2024]})
    config = {
        "value": st.column_config.NumberColumn("Value", format="%.2f"),
        "year": st.column_config.NumberColumn("Year", format="%d"),
    }
    with speaking("fr"):
        french, french_config = for_reader(table, config)
    with speaking("es"):
        spanish, _config = for_reader(table, config)
    with speaking("en"):
        english, _config = for_reader(table, config)
    assert cells(french) == [[f"1{NARROW_SPACE}234,50", "2023"], ["67,35", "2024"]]
    assert cells(spanish)[0] == ["1.234,50", "2023"]
    assert cells(english)[0] == ["1,234.50", "2023"]
    # The values stay numbers (a column still sorts by value), and Streamlit's own format
    # is dropped so that the table shows the text above.
    assert french.data["value"].tolist() == [1234.5, 67.35]
    assert "format" not in french_config["value"]["type_config"]
    assert french_config["value"]["label"] == "Value"


def test_dates_are_written_with_the_languages_month_names():
    table = pd.DataFrame({"when": [date(2025, 3, 3)]})
    written = {}
    for language in ("en", "fr", "es", "zh", "ru"):
        with speaking(language):
            written[language] = cells(for_reader(table, {})[0])[0][0]
    assert written == {
        "en": "Mar 3, 2025",
        "fr": "3 mars 2025",
        "es": "3 mar 2025",
        "zh": "2025年3月3日",
        "ru": "3 мар. 2025\u202fг.",
    }


def test_a_missing_value_is_an_empty_cell_not_nan():
    table = pd.DataFrame({"value": [1.5, None]})
    with speaking("fr"):
        assert cells(for_reader(table, {})[0]) == [["1,5"], [""]]


def test_text_and_true_or_false_columns_are_left_as_they_are():
    table = pd.DataFrame({"name": ["Brésil"], "done": [True]})
    shown, config = for_reader(table, {})
    assert shown is table and config == {}


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "23,963 published values are demo data"),
        ("fr", f"23{NARROW_SPACE}963 valeurs publiées"),
        ("es", "23.963 valores publicados"),
        ("ru", "23\u00a0963"),
    ],
)
def test_counts_inside_sentences_are_grouped_as_the_language_groups_them(language, expected):
    message = (
        "{demo:,} published values are demo data; {real:,} are real values, each with its source."
    )
    with speaking(language):
        sentence = _(message).format(demo=23963, real=6290)
    assert expected in sentence


def test_plural_messages_group_their_counts_too():
    with speaking("fr"):
        text = ngettext("{n:,} row", "{n:,} rows", 12345).format(n=12345)
    assert text.startswith(f"12{NARROW_SPACE}345")


def displayed(element) -> pd.DataFrame:
    """The text Streamlit's table shows for each cell (the Styler's display values)."""
    data = element.proto.arrow_data.styler.display_values
    return pa.ipc.open_stream(data).read_pandas()


def test_the_objectives_page_in_french_shows_french_numbers(seeded_app):
    at = open_page("pages/objectives.py", lang="fr", objective="1")
    assert not at.exception, [e.value for e in at.exception]
    tables = [t for t in at.dataframe if "latest_value" in t.value.columns]
    assert tables, "the indicators table"
    values = tables[0].value["latest_value"].dropna()
    shown = displayed(tables[0])
    column = list(tables[0].value.columns).index("latest_value")
    texts = [text for text in shown.iloc[:, column].tolist() if text]
    expected = [f"{value:.2f}".replace(".", ",") for value in values if value < 1000]
    assert texts[: len(expected)] == expected[: len(texts)]
    assert any("," in text for text in texts)


def test_empty_cells_are_empty_not_the_word_none():
    """A date not stated, a number not reported and a blank text stay blank cells, as in
    the Regional initiatives tables; the numbers beside them are still the reader's."""
    table = pd.DataFrame(
        {
            "name": ["Connect", "Skills"],
            "start_date": [None, None],
            "score": [82.207, None],
            "note": ["stated", None],
        },
        dtype=object,
    )
    with speaking("fr"):
        styled, _config = for_reader(table, {"name": "Initiative"})
    assert cells(styled) == [["Connect", "", "82,207", "stated"], ["Skills", "", "", ""]]


def test_a_table_too_large_to_style_keeps_its_values_and_shows_no_none(monkeypatch):
    """Past the size where styling costs more than the table is worth, the values reach the
    table as they are (numbers stay numbers) and a missing text is an empty cell."""
    import gdc_tracker.table_formats as table_formats

    monkeypatch.setattr(table_formats, "LARGEST_STYLED", 4)
    table = pd.DataFrame({"name": ["Connect", None, "Skills"], "score": [82.2, None, 1.5]})
    with speaking("fr"):
        shown, _config = for_reader(table, {})
    assert isinstance(shown, pd.DataFrame)
    assert shown["name"].tolist() == ["Connect", "", "Skills"]
    assert shown["score"].tolist()[0] == 82.2 and pd.isna(shown["score"].tolist()[1])
