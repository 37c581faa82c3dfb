"""Every registered page, run as Streamlit runs it (AppTest), on a seeded store."""

import pytest
import sqlalchemy as sa
import streamlit as st
from streamlit.testing.v1 import AppTest

from gdc_tracker import db
from gdc_tracker.palette import INITIATIVE_ORDER
from gdc_tracker.ui.navigation import PAGES, PageSpec
from tests import apptest
from tests.conftest import PROJECT_ROOT


@pytest.fixture(autouse=True)
def app_store(seeded_app: str) -> str:
    return seeded_app


def open_page(spec: PageSpec, **query: str) -> AppTest:
    return apptest.open_page(spec.path, check=False, **query)


@pytest.mark.parametrize("spec", PAGES, ids=[p.title for p in PAGES])
def test_every_page_runs_without_an_exception_and_shows_its_title(spec: PageSpec) -> None:
    at = open_page(spec)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == spec.title


def reference_yaml(name: str) -> list[dict]:
    """A shipped reference file, read with PyYAML alone (not the product's loader)."""
    import yaml

    return yaml.safe_load((PROJECT_ROOT / "data" / "reference" / name).read_text("utf-8"))


def test_overview_shows_five_objective_cards_with_counts_from_the_store(app_store: str) -> None:
    at = open_page(PAGES[0])
    cards = [m.value for m in at.markdown if m.value.startswith("**Objective ")]
    assert len(cards) == 5
    assert cards[0].startswith("**Objective 1 · Digital divides")
    # The expected counts, read with SQL of the test's own, not the page's query.
    engine = db.make_engine(app_store)
    counts: dict[int, dict[str, int]] = {}
    with engine.connect() as connection:
        for number, status, initiatives in connection.execute(
            sa.text(
                "SELECT link.objective_number, initiative.status, COUNT(*) "
                "FROM initiativeobjective AS link "
                "JOIN initiative ON initiative.id = link.initiative_id "
                "GROUP BY link.objective_number, initiative.status"
            )
        ):
            counts.setdefault(number, {})[status] = initiatives
    engine.dispose()
    card_lines = [m.value for m in at.markdown if m.value.startswith("Initiatives: **")][:5]
    expected_lines = []
    for number in sorted(counts):
        parts = [f"{counts[number][s]} {s}" for s in INITIATIVE_ORDER if counts[number].get(s)]
        total = sum(counts[number].values())
        expected_lines.append(f"Initiatives: **{total}**  \n" + " · ".join(parts))
    assert len(expected_lines) == 5 and card_lines == expected_lines


def test_overview_labels_demo_data_and_shows_the_americas_panel() -> None:
    at = open_page(PAGES[0])
    assert any("Demo data" in info.value for info in at.info)
    panel_titles = [m.value for m in at.markdown if m.value.startswith("**AMS")]
    assert panel_titles == ["**AMS2 (2023-2025)**", "**AMS3 (2023-2025)**"]


def test_overview_headline_figures_come_from_the_store() -> None:
    at = open_page(PAGES[0])
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Initiatives"] == str(len(reference_yaml("initiatives.yaml")))
    assert metrics["Indicators"] == str(len(reference_yaml("indicators.yaml")))


def test_overview_charts_use_the_shared_status_palette() -> None:
    at = open_page(PAGES[0])
    specs = [chart.proto.spec for chart in at.get("vega_lite_chart")]
    assert len(specs) == 2
    assert all('"#0072B2"' in spec or '"#2084F3"' in spec for spec in specs)


def test_a_store_that_cannot_be_opened_gives_a_message_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(
        "GDC_TRACKER_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"
    )
    st.cache_resource.clear()
    at = open_page(PAGES[0])
    assert not at.exception
    assert "The store cannot be opened" in at.error[0].value
