"""The deck and the report as a recipient opens them: LibreOffice turns them into PDF and
PNG pages, and pdftotext reads what is printed on each page.

Expected values come from the public file the starter data was imported from
(data/starter), not from the code under test.
"""

import csv
import math
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from gdc_tracker import bootstrap, db, decks
from gdc_tracker.decks import DeckContent, Slide
from gdc_tracker.reports import deck_pptx, gather_report, report_docx
from gdc_tracker.reports.deck import COUNTRIES_PER_SLIDE, deck_slides
from gdc_tracker.status import Thresholds
from tests.factories import make_user

PROJECT = Path(__file__).resolve().parents[1]
MAP_YEAR = 2022
DECK = DeckContent(
    slug="council-room",
    title="Council working group",
    slides=(
        Slide("objective", {"objective": "1"}),
        Slide("indicator", {"indicator": "UMC_4G_COVERAGE", "geo": ["WLD", "AMS"]}),
        Slide("map", {"indicator": "UMC_INTERNET_USE", "year": str(MAP_YEAR)}),
        Slide("regional", {"ri": "AMS3/2023-2025"}),
        Slide("objective_matrix", {}),
        Slide("changes", {"since": "2020-01-01"}),
        Slide("implementation_map", {"framework": "gdc", "columns": "sector"}),
        Slide("data_gaps", {"indicator": "UMC_INTERNET_USE", "by": "region"}),
        Slide("update_cycle", {}),
    ),
)
DEMO_NOTICE = "Demo data, not official statistics"

needs_office = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice (soffice) and poppler (pdftotext) read the files: apt-get install "
    "libreoffice-impress libreoffice-writer poppler-utils",
)


def countries_with_a_value(year: int) -> set[str]:
    """ISO3 codes of the store's countries with a value in `year`, read from the WDI file."""
    wdi = pd.read_csv(next((PROJECT / "data" / "starter").glob("API_IT.NET.USER.ZS*.csv")))
    countries = pd.read_csv(PROJECT / "data" / "reference" / "countries.csv")
    with_value = set(wdi.loc[wdi[str(year)].notna(), "Country Code"])
    return with_value & set(countries["iso3"])


def to_pdf(document: Path) -> Path:
    subprocess.run(
        [
            "soffice",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(document.parent),
            document,
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    return document.with_suffix(".pdf")


def pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return [" ".join(page.split()) for page in text.split("\f") if page.strip()]


def png_pages(pdf: Path) -> list[Path]:
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(pdf.with_suffix(""))], check=True)
    return sorted(pdf.parent.glob(f"{pdf.stem}-*.png"))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("rendered")
    url = f"sqlite:///{folder / 'store.db'}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    bootstrap.seed(engine, with_demo=True, with_starter=True)  # as the first start does
    with db.session_scope(engine) as session:
        decks.save_deck(session, DECK, by=make_user(engine, "presenter", "editor"))
    with db.session_scope(engine) as session:
        specs = deck_slides(session, decks.load_deck(session, DECK.slug), thresholds=Thresholds())
        report = gather_report(session, thresholds=Thresholds(), objective_numbers=(1, 3))
    deck_file, report_file = folder / "deck.pptx", folder / "report.docx"
    deck_file.write_bytes(deck_pptx(specs, title=DECK.title, subtitle="ITU"))
    report_file.write_bytes(report_docx(report))
    engine.dispose()
    return {"deck": to_pdf(deck_file), "report": to_pdf(report_file)}


@needs_office
def test_the_deck_opens_with_a_page_per_slide_and_the_map_lists_every_country(
    rendered: dict[str, Path],
) -> None:
    pages = pdf_pages(rendered["deck"])
    countries = countries_with_a_value(MAP_YEAR)
    country_pages = math.ceil(len(countries) / COUNTRIES_PER_SLIDE)
    assert len(pages) == 1 + len(DECK.slides) + country_pages  # the title slide first
    assert len(png_pages(rendered["deck"])) == len(pages)
    map_page = pages[3]
    assert f"Individuals using the Internet, {MAP_YEAR}" in map_page
    assert f"{len(countries)} / " in map_page  # countries with a value, of all in the store
    assert "World Bank" in map_page and "CC BY 4.0" in map_page
    assert DEMO_NOTICE not in map_page  # every value drawn is real
    listed = " ".join(pages[4 : 4 + country_pages])
    assert f"all {len(countries)} countries" in listed
    for name in ("Bahrain", "Chad", "El Salvador", "Burundi"):
        assert name in listed


@pytest.mark.parametrize("number, kind", [(2, "objective"), (3, "indicator")])
@needs_office
def test_slides_with_demo_values_say_so_and_lend_them_no_source(
    rendered: dict[str, Path], number: int, kind: str
) -> None:
    page = pdf_pages(rendered["deck"])[number - 1]
    assert DEMO_NOTICE in page, kind
    if kind == "indicator":  # 4G coverage has demo values only here
        assert "ITU World Telecommunication/ICT Indicators Database" not in page
        assert "demo data, not official statistics" in page.lower()


@needs_office
def test_the_title_slide_warns_and_no_slide_prints_a_float_year_or_an_empty_date(
    rendered: dict[str, Path],
) -> None:
    pages = pdf_pages(rendered["deck"])
    assert "demo data, not official statistics" in pages[0].lower()
    for page in pages:
        assert not re.search(r"\b(19|20)\d\d\.0\b", page), page[:200]
        assert not re.search(r"As of\s*$", page)
        assert "Source: not stated" not in page


@needs_office
def test_the_what_changed_slide_shows_its_counts_and_items(rendered: dict[str, Path]) -> None:
    page = next(p for p in pdf_pages(rendered["deck"]) if p.startswith("What changed since"))
    assert re.search(r"\d[\d,]*: Entries published", page), page[:400]


@needs_office
def test_the_implementation_map_slide_counts_the_commitments_and_names_its_sources(
    rendered: dict[str, Path],
) -> None:
    with (PROJECT / "data" / "reference" / "gdc_commitments.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    paragraphs = [row for row in rows if not row["letter"]]
    page = next(p for p in pdf_pages(rendered["deck"]) if p.startswith("GDC Implementation Map"))
    assert f"{len(paragraphs)}: commitment paragraphs" in page
    assert f"{len(rows) - len(paragraphs)}: lettered actions" in page
    assert "A/RES/79/1" in page and "editorial links (not stated by ITU)" in page
    assert DEMO_NOTICE not in page  # counts of links, no statistic


@needs_office
def test_the_gap_and_cycle_slides_carry_their_titles_and_dates(rendered: dict[str, Path]) -> None:
    pages = pdf_pages(rendered["deck"])
    gaps = next(p for p in pages if p.startswith("Data gaps"))
    assert "Individuals using the Internet" in gaps and "World Bank" in gaps
    cycle = next(p for p in pages if p.startswith("Reporting cycle"))
    assert "updates due" in cycle and "As of" in cycle


@needs_office
def test_the_report_names_the_real_source_and_marks_demo_sections(
    rendered: dict[str, Path],
) -> None:
    pages = pdf_pages(rendered["report"])
    text = " ".join(pages)
    assert len(pages) >= 2
    assert "World Bank" in text
    assert "demo data, not official statistics" in text.lower()
