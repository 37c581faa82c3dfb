"""The Implementation Map page as a delegate uses it: the map in the URL, an item opened,
the downloads with their sources, the data gaps and the update cycle."""

import csv
import io
import json
from collections.abc import Callable, Iterator
from datetime import date

import pandas as pd
import pytest
import yaml

from gdc_tracker.reference import REFERENCE_DIR
from tests.apptest import open_page

PAGE = "pages/implementation.py"


def shipped(name: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


COMMITMENTS = shipped("gdc_commitments.csv")
LINKS = shipped("initiative_links.csv")


@pytest.fixture(autouse=True)
def _store(seeded_app: str) -> Iterator[None]:
    yield


def metrics(at: object) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}  # type: ignore[attr-defined]


def chart_rows(at: object) -> list[str]:
    """The items a reader can open: one per row of the heat-map, in its order."""
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)  # type: ignore[attr-defined]
    assert spec["params"][0]["name"] == "pick"  # a click on a row opens it
    options = at.selectbox(key="url__item").options  # type: ignore[attr-defined]
    return [option.split(" · ")[0] for option in options[1:]]


def test_the_map_shows_every_recorded_commitment_and_counts_them() -> None:
    at = open_page(PAGE)
    assert not at.exception
    assert at.title[0].value == "GDC Implementation Map"
    paragraphs = [r for r in COMMITMENTS if not r["letter"]]
    figures = metrics(at)
    assert figures["commitment paragraphs"] == str(len(paragraphs))
    assert figures["lettered actions"] == str(len(COMMITMENTS) - len(paragraphs))
    gdc_links = bases_of(LINKS, "gdc")
    assert figures["links stated in C25/52"] == str(gdc_links["C25/52"])
    assert figures["editorial links"] == str(gdc_links["editorial"])
    assert chart_rows(at) == [r["ref"] for r in COMMITMENTS]


def bases_of(rows: list[dict[str, str]], framework: str) -> dict[str, int]:
    counts: dict[str, int] = {"C25/52": 0, "public": 0, "editorial": 0}
    for row in rows:
        if row["framework"] == framework:
            counts[row["basis"]] += 1
    return counts


def test_an_item_in_the_url_opens_with_its_actions() -> None:
    linked = [r for r in LINKS if r["framework"] == "gdc"]
    code = linked[0]["code"] if linked else COMMITMENTS[1]["ref"]
    at = open_page(PAGE, item=code)
    assert not at.exception
    title = next(r["title"] for r in COMMITMENTS if r["ref"] == code)
    assert any(s.value.startswith(f"{code} · {title[:20]}") for s in [*at.header, *at.subheader])
    shown = [m.value.replace("\\", "") for m in at.markdown]  # as Markdown renders it
    assert "- Official text: https://undocs.org/A/RES/79/1" in shown
    paragraph = code.split(" ")[0]
    slugs = {r["initiative"] for r in linked if r["code"] in (code, paragraph)}
    names = {
        item["slug"]: item["name"]
        for item in yaml.safe_load((REFERENCE_DIR / "initiatives.yaml").read_text(encoding="utf-8"))
    }
    actions = at.dataframe[0].value  # the item is drawn above the map
    assert set(actions["itu_action"]) == {names[slug] for slug in slugs}


def test_the_wsis_view_lists_the_action_lines_by_region() -> None:
    at = open_page(PAGE, framework="wsis", columns="region")
    assert not at.exception
    assert chart_rows(at) == [f"C{n}" for n in range(1, 12)]
    assert "lettered actions" not in metrics(at)


def test_the_map_csv_names_its_view_and_sources(offered: dict[str, Callable[[], bytes]]) -> None:
    open_page(PAGE, framework="gdc", columns="initiative", objective="3")
    data = offered["implementation_map.csv"]()
    lines = dict(pd.read_csv(io.BytesIO(data), nrows=5, header=None).values.tolist())
    assert lines["Title"] == "GDC Implementation Map · GDC commitments and actions by ITU action"
    assert "GDC objective: 3. Safe digital space" in lines["Filters"]
    assert lines["Sources"].startswith("United Nations General Assembly resolution A/RES/79/1")
    table = pd.read_csv(io.BytesIO(data), skiprows=6, keep_default_na=False)
    assert list(table["code"]) == [r["ref"] for r in COMMITMENTS if r["objective"] == "3"]


def test_the_data_gaps_screen_says_its_values_are_demo() -> None:
    at = open_page(PAGE, view="gaps", indicator="UMC_INTERNET_USE", by="country")
    assert not at.exception
    figures = metrics(at)
    assert set(figures) == {
        "of country-years have a published real value",
        "country-years have demo values only",
        "country-years have no value",
    }
    assert figures["of country-years have a published real value"] == "0%"  # demo store
    assert int(figures["country-years have demo values only"].replace(",", "")) > 0
    assert any("Demo data, not official statistics" in c.value for c in at.caption)


def test_the_update_cycle_screen_opens_on_the_current_cycle() -> None:
    at = open_page(PAGE, view="cycle")
    assert not at.exception
    today = date.today().isoformat()
    running = [
        r for r in shipped("reporting_cycles.csv") if r["starts_on"] <= today <= r["ends_on"]
    ]
    started = [r for r in shipped("reporting_cycles.csv") if r["starts_on"] < today]
    current = max(running or started, key=lambda r: r["starts_on"])["name"]
    assert at.selectbox(key="url__cycle").value == current
