"""The Word report and the PowerPoint deck for a reader of Arabic run right to left, as
the PDF does; for a reader of Chinese they name a Chinese font; for everyone else they
are as they were.

The files are built from the shared seeded store in the reader's language, opened again
with python-docx and python-pptx, and, where LibreOffice is installed, printed to PDF and
read back by poppler: the Arabic words come out, and they stand on the right.
"""

import io
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import docx
import pptx
import pytest
from docx.oxml.ns import qn
from lxml import etree
from pptx.enum.shapes import MSO_SHAPE_TYPE

from gdc_tracker import db
from gdc_tracker.i18n import _, speaking
from gdc_tracker.reports import gather_report, report_docx, report_pptx
from gdc_tracker.reports.common import report_title
from gdc_tracker.reports.scripts import reads_right_to_left
from gdc_tracker.status import DEFAULT_THRESHOLDS
from tests.test_deck_render import needs_office, to_pdf

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
ARABIC_FONT = "Noto Sans Arabic"
CHINESE_FONT = "Noto Sans CJK SC"
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
WORD_BOX = re.compile(
    r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>'
)


def build(store_url: str, language: str) -> dict[str, bytes]:
    """The report as Word and as PowerPoint, gathered and written in `language`."""
    engine = db.make_engine(store_url)
    with speaking(language), db.session_scope(engine) as session:
        data = gather_report(session, thresholds=DEFAULT_THRESHOLDS)
        files = {"docx": report_docx(data), "pptx": report_pptx(data)}
    engine.dispose()
    return files


@pytest.fixture(scope="module")
def arabic(seeded_sqlite_file: str) -> dict[str, bytes]:
    return build(seeded_sqlite_file, "ar")


@pytest.fixture(scope="module")
def arabic_words() -> Iterator[dict[str, str]]:
    with speaking("ar"):
        yield {"title": report_title(), "summary": _("Summary")}


# --- the files, opened again ----------------------------------------------------------------


def word_stories(document: docx.document.Document) -> list[etree._Element]:
    """The body and the footer of a report: everything a reader sees printed."""
    return [document.element.body, document.sections[0].footer._element]


def test_every_paragraph_run_and_table_of_the_arabic_report_reads_right_to_left(
    arabic: dict[str, bytes],
) -> None:
    document = docx.Document(io.BytesIO(arabic["docx"]))
    arabic_runs = 0
    for story in word_stories(document):
        for paragraph in story.iter(qn("w:p")):
            assert paragraph.pPr is not None and paragraph.pPr.find(qn("w:bidi")) is not None
            # Start alignment, the right edge of a w:bidi paragraph (w:jc "right" is the left).
            assert paragraph.pPr.jc_val in (None, docx.enum.text.WD_ALIGN_PARAGRAPH.CENTER)
        for run in story.iter(qn("w:r")):
            properties = run.rPr
            assert properties.rFonts.get(qn("w:cs")) == ARABIC_FONT
            if reads_right_to_left(run.text):
                arabic_runs += 1
                assert properties.rtl is not None, run.text
            if properties.sz is not None:  # Word sizes Arabic by w:szCs
                size = properties.find(qn("w:szCs"))
                assert size is not None and size.get(qn("w:val")) == properties.sz.get(qn("w:val"))
            if properties.b is not None:  # and bolds it by w:bCs
                assert properties.bCs is not None
    assert arabic_runs > 50
    assert document.tables
    for table in document.tables:
        assert table._tbl.tblPr.find(qn("w:bidiVisual")) is not None
    defaults = document.styles.element.find(qn("w:docDefaults"))
    assert defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}").get(
        qn("w:bidi")
    ) == ("ar-SA")


def test_every_paragraph_and_table_of_the_arabic_deck_reads_right_to_left(
    arabic: dict[str, bytes],
) -> None:
    deck = pptx.Presentation(io.BytesIO(arabic["pptx"]))
    tables = 0
    for slide in deck.slides:
        for paragraph in slide._element.iter(f"{A}p"):
            if not "".join(paragraph.itertext()).strip():
                continue
            properties = paragraph.find(f"{A}pPr")
            assert properties is not None
            assert (properties.get("rtl"), properties.get("algn")) == ("1", "r")
        for run in slide._element.iter(f"{A}r"):
            assert run.find(f"{A}rPr/{A}cs").get("typeface") == ARABIC_FONT
            if reads_right_to_left(run.text):
                assert run.find(f"{A}rPr").get("lang") == "ar-SA", run.text
        for table in slide._element.iter(f"{A}tbl"):
            tables += 1
            assert table.find(f"{A}tblPr").get("rtl") == "1"
    assert tables


@pytest.mark.parametrize("language", ["ar", "en", "ru"])
def test_an_objective_slide_starts_on_the_right_only_for_a_right_to_left_reader(
    arabic: dict[str, bytes], seeded_sqlite_file: str, language: str
) -> None:
    """English reads the chart first, on the left; Arabic reads it first, on the right."""
    files = arabic if language == "ar" else build(seeded_sqlite_file, language)
    slide = pptx.Presentation(io.BytesIO(files["pptx"])).slides[1]
    (picture,) = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    (table,) = [s for s in slide.shapes if s.has_table]
    assert (picture.left > table.left) is (language == "ar")


@pytest.mark.parametrize("language", ["en", "fr", "zh"])
def test_other_languages_carry_nothing_right_to_left(
    seeded_sqlite_file: str, language: str
) -> None:
    files = build(seeded_sqlite_file, language)
    document = docx.Document(io.BytesIO(files["docx"]))
    for story in [*word_stories(document), document.styles.element]:
        for tag in ("w:bidi", "w:rtl", "w:bidiVisual"):
            assert story.find(f".//{qn(tag)}") is None, (language, tag)
    deck = pptx.Presentation(io.BytesIO(files["pptx"]))
    for slide in deck.slides:
        assert not slide._element.xpath(".//a:pPr[@rtl] | .//a:tblPr[@rtl] | .//a:cs")
        assert not slide._element.xpath(".//a:pPr[@algn='r']")


def test_chinese_runs_name_a_chinese_font(seeded_sqlite_file: str) -> None:
    """LibreOffice and Office draw Chinese in the font each run names for East Asian text."""
    files = build(seeded_sqlite_file, "zh")
    document = docx.Document(io.BytesIO(files["docx"]))
    runs = [run for story in word_stories(document) for run in story.iter(qn("w:r"))]
    assert runs
    assert {run.rPr.rFonts.get(qn("w:eastAsia")) for run in runs} == {CHINESE_FONT}
    deck = pptx.Presentation(io.BytesIO(files["pptx"]))
    fonts = {
        run.find(f"{A}rPr/{A}ea").get("typeface")
        for slide in deck.slides
        for run in slide._element.iter(f"{A}r")
    }
    assert fonts == {CHINESE_FONT}


# --- the files as LibreOffice prints them ---------------------------------------------------


@pytest.fixture(scope="module")
def printed(arabic: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("rtl")
    pdfs = {}
    for kind, content in arabic.items():
        document = folder / f"{kind}-ar.{kind}"  # each its own PDF
        document.write_bytes(content)
        pdfs[kind] = to_pdf(document)
    return pdfs


def printed_text(pdf: Path) -> str:
    """What poppler reads from the PDF, in logical order, without the bidi controls it adds."""
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return BIDI_CONTROLS.sub("", text)


def printed_words(pdf: Path, page: int) -> tuple[float, list[tuple[str, float, float]]]:
    """The page's width, and each word on it with its left and right edges (points)."""
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    width = float(re.search(r'<page width="([\d.]+)"', html).group(1))  # type: ignore[union-attr]
    return width, [(text, float(x0), float(x1)) for x0, x1, text in WORD_BOX.findall(html)]


def left_edge(words: list[tuple[str, float, float]], word: str) -> float | None:
    """Where `word` starts on the page, or None; poppler gives an Arabic word's letters in
    the order they are drawn, right to left."""
    for text, x0, _x1 in words:
        if text in (word, word[::-1]):
            return x0
    return None


def page_printing(pdf: Path, words: list[str]) -> list[tuple[str, float, float]]:
    """The words of the first page that prints every one of `words`."""
    for page in range(1, 10):
        printed = printed_words(pdf, page)[1]
        if all(left_edge(printed, word) is not None for word in words):
            return printed
    raise AssertionError(f"no page prints all of {words}")


@needs_office
@pytest.mark.parametrize("kind", ["docx", "pptx"])
def test_libreoffice_prints_the_arabic_title(
    printed: dict[str, Path], arabic_words: dict[str, str], kind: str
) -> None:
    text = printed_text(printed[kind])
    for word in arabic_words["title"].split():
        assert word in text, f"{word!r} of the title is not in the printed {kind}"


@needs_office
def test_the_printed_arabic_report_sets_headings_and_tables_from_the_right(
    printed: dict[str, Path], arabic: dict[str, bytes], arabic_words: dict[str, str]
) -> None:
    width, words = printed_words(printed["docx"], 1)
    assert (left_edge(words, arabic_words["summary"]) or 0) > width / 2
    first_table = docx.Document(io.BytesIO(arabic["docx"])).tables[0]
    first, *_middle, last = [cell.text.split()[0] for cell in first_table.rows[0].cells]
    words = page_printing(printed["docx"], [first, last])
    assert left_edge(words, first) > left_edge(words, last)  # type: ignore[operator]


@needs_office
def test_the_printed_arabic_deck_sets_a_slide_title_on_the_right(
    printed: dict[str, Path], arabic: dict[str, bytes]
) -> None:
    """An objective's title is short: written from the right, it stays on the right half."""
    slide = pptx.Presentation(io.BytesIO(arabic["pptx"])).slides[1]
    first_word = slide.shapes[0].text_frame.text.split()[0]
    assert reads_right_to_left(first_word)
    width, words = printed_words(printed["pptx"], 2)
    assert (left_edge(words, first_word) or 0) > width / 2


def _svg_texts(svg: str) -> list[str]:
    """The text of each <text> element of an SVG, as a reader of the file finds it."""
    root = etree.fromstring(svg.encode("utf-8"))
    return ["".join(node.itertext()) for node in root.iter("{http://www.w3.org/2000/svg}text")]


def _framed_svg(language: str) -> tuple[str, dict[str, str]]:
    """A chart exported in `language` with a long filter, its source, date and demo notice."""
    import altair as alt
    import pandas as pd

    from gdc_tracker.reports import images

    chart = alt.Chart(pd.DataFrame({"year": [2020, 2021], "value": [1.0, 2.0]})).mark_line()
    chart = chart.encode(x="year:O", y="value:Q")
    with speaking(language):
        parts = {
            "filters": _("Filters: {filters}").format(filters="Brasil, El Salvador, Perú"),
            "source": _("Source: {source}").format(source="ITU World Telecommunication Database"),
            "notice": _("demo data, not official statistics"),
        }
        svg = images.chart_svg(
            chart,
            title=_("Individuals using the Internet"),
            filters="Brasil, El Salvador, Perú",
            source="ITU World Telecommunication Database",
            timestamp="2025-07-12T08:00:00+00:00",
            notice=parts["notice"],
        )
    return svg, parts


def test_an_arabic_chart_file_draws_each_footer_line_as_a_text_of_its_own() -> None:
    """The renderer reorders the right-to-left runs of a several-line text all together,
    which drew the Arabic footer's lines over each other: each line stands alone, set
    right to left, so none holds two parts."""
    svg, parts = _framed_svg("ar")
    texts = _svg_texts(svg)
    for part in parts.values():
        holding = [text for text in texts if part in text]
        assert len(holding) == 1, (part, texts)
        assert holding[0].startswith("\u2067") and holding[0].endswith("\u2069")
    assert not any(parts["filters"] in text and parts["source"] in text for text in texts)


def test_a_french_chart_file_keeps_its_footer_in_one_text() -> None:
    svg, parts = _framed_svg("fr")
    texts = _svg_texts(svg)
    assert any(parts["filters"] in text and parts["source"] in text for text in texts)
    assert not any("\u2067" in text for text in texts)
