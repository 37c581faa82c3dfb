"""Each reader's own language: from the link, else the browser, else the configured default.

The expected words are read from the shipped catalogues with Babel's own .po reader, not
from the code that translates them; the French and Spanish words checked by hand are
the menu's.
"""

from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest

from gdc_tracker import catalogues, i18n, links
from gdc_tracker.config import ConfigError, load
from tests.apptest import open_page

pytestmark = pytest.mark.usefixtures("seeded_app")


def translation(language: str, message: str) -> str:
    return catalogues.read_catalogue(language)[message].string


def sidebar_links(at) -> list[tuple[str, str]]:
    """(label, query string) of each page link the sidebar draws."""
    found = []
    for element in at.sidebar.get("page_link"):
        proto = element.proto
        found.append((proto.label, getattr(proto, "query_string", "")))
    return found


def test_a_link_with_lang_opens_the_page_in_that_language():
    at = open_page("app.py", lang="fr")
    assert not at.exception
    assert at.title[0].value == translation("fr", "Overview")
    assert at.title[0].value != "Overview"


def test_the_address_keeps_the_language_so_a_copied_link_opens_in_it():
    at = open_page("pages/indicators.py", lang="es")
    assert at.query_params["lang"] == "es"
    menu = sidebar_links(at)
    assert (translation("es", "Indicators"), "lang=es") in menu


def test_an_unknown_language_falls_back_to_english_and_says_so_in_the_address():
    at = open_page("app.py", lang="xx")
    assert at.title[0].value == "Overview"
    assert at.query_params["lang"] == "en"


def test_the_sidebar_switch_changes_every_word_and_the_address():
    at = open_page("app.py", lang="en")
    switch = next(box for box in at.sidebar.selectbox if box.key == "frame__language")
    assert {"English", "Français", "Español"} <= set(switch.options)
    switch.set_value("es").run()
    assert at.title[0].value == translation("es", "Overview")
    assert at.query_params["lang"] == "es"
    assert translation("es", "Indicators") in [label for label, _ in sidebar_links(at)]


def test_menu_words_read_as_a_french_and_a_spanish_reader_expects():
    with i18n.speaking("fr"):
        assert i18n._("Indicators") == "Indicateurs"
        assert i18n._("Map") == "Carte"
    with i18n.speaking("es"):
        assert i18n._("Indicators") == "Indicadores"
        assert i18n._("Map") == "Mapa"


def test_links_the_app_makes_carry_the_language():
    with i18n.speaking("fr"):
        link = links.page_url("/indicators", {"indicator": "UMC_4G_COVERAGE", "geo": ["BRA"]})
    query = parse_qs(urlparse(link).query)
    assert query == {"indicator": ["UMC_4G_COVERAGE"], "geo": ["BRA"], "lang": ["fr"]}


def test_a_browser_language_is_matched_to_the_nearest_one_shipped():
    shipped = i18n.available_languages()
    assert i18n.negotiate("fr-CA", shipped) == "fr"
    assert i18n.negotiate("es-419", shipped) == "es"
    assert i18n.negotiate("de-DE", shipped) is None
    assert i18n.negotiate("", shipped) is None


def test_the_default_language_is_a_setting_checked_at_start(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[app]\ndefault_language = "es"\n')
    assert load(config, env={}).default_language == "es"
    config.write_text('[app]\ndefault_language = "de"\n')
    with pytest.raises(ConfigError, match="default_language"):
        load(config, env={})


def test_plurals_follow_each_languages_own_rule():
    """Russian has three forms (1 and 21; 2 to 4; 5 to 20), Chinese one, Arabic six; the
    forms are the catalogue's own, chosen by CLDR's rule for the count."""
    singular, plural = "{count} initiative", "{count} initiatives"
    forms = catalogues.read_catalogue("ru")[singular].string
    with i18n.speaking("ru"):
        assert i18n.ngettext(singular, plural, 1) == forms[0]
        assert i18n.ngettext(singular, plural, 21) == forms[0]
        assert i18n.ngettext(singular, plural, 3) == forms[1]
        assert i18n.ngettext(singular, plural, 11) == forms[2]
        assert len(set(forms)) == 3
    with i18n.speaking("zh"):
        assert i18n.ngettext(singular, plural, 1) == i18n.ngettext(singular, plural, 7)
    arabic = catalogues.read_catalogue("ar")[singular].string
    with i18n.speaking("ar"):
        assert i18n.ngettext(singular, plural, 2) == arabic[2]
        assert i18n.ngettext(singular, plural, 105) == arabic[3]  # 105 ends in 3 to 10
        assert i18n.ngettext(singular, plural, 100) == arabic[5]


def test_a_chart_legend_names_the_statuses_in_the_readers_language():
    """The Overview's indicator chart, drawn by Vega itself (vl-convert), in French: the
    legend reads the catalogue's words, the data keep their codes."""
    import vl_convert

    from gdc_tracker.charts.overview import status_bars

    counts = pd.DataFrame(
        {
            "objective_label": ["1. Digital divides", "1. Digital divides"],
            "status": ["on track", "deterioration"],
            "indicators": [3, 1],
            "status_rank": [1, 4],
        }
    )
    with i18n.speaking("fr"):
        chart = status_bars(counts, count="indicators", status_kind="progress", title="Indicateurs")
        spec = chart.to_dict()
    svg = vl_convert.vegalite_to_svg(spec)
    assert translation("fr", "on track") in svg
    assert translation("fr", "deterioration") in svg
    assert ">on track<" not in svg
