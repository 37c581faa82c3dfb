"""Council-ready exports: the report's content, and the Word, PDF, PowerPoint, PNG and SVG
files opened again with the libraries that read them, as a reader's software would."""

import io
import logging
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import altair as alt
import docx
import pandas as pd
import pptx
import pytest
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pypdf import PdfReader
from sqlmodel import Session, select

from gdc_tracker import db
from gdc_tracker.charts.base import status_scale
from gdc_tracker.i18n import speaking
from gdc_tracker.models import Indicator, ProgressEntry, ReviewState
from gdc_tracker.reports import (
    ReportData,
    SlideSpec,
    chart_png,
    chart_svg,
    deck_pptx,
    gather_report,
    report_deck,
    report_docx,
    report_pdf,
    report_pptx,
)
from gdc_tracker.reports import pdf as pdf_module
from gdc_tracker.reports.charts import objective_status_chart, objective_status_summary
from gdc_tracker.reports.common import (
    REPORT_TITLE,
    column_weights,
    demo_notice,
    format_date,
    format_timestamp,
)
from gdc_tracker.reports.data import format_number, indicator_columns, initiative_columns
from gdc_tracker.reports.images import png_size, with_footer
from gdc_tracker.status import DEFAULT_THRESHOLDS
from tests.conftest import unavailable

DEMO_PHRASE = "demo data, not official statistics"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

ProgressCalls = list[tuple[float, str]]


# --- fixtures: one report gathered from the shared seeded SQLite file, rendered once --------


@pytest.fixture(scope="module")
def data(seeded_sqlite_file: str) -> Iterator[ReportData]:
    engine = db.make_engine(seeded_sqlite_file)
    with db.session_scope(engine) as session:
        yield gather_report(session, thresholds=DEFAULT_THRESHOLDS)
    engine.dispose()


def _render(writer: object, data: ReportData) -> tuple[bytes, ProgressCalls]:
    calls: ProgressCalls = []
    output = writer(data, progress=lambda fraction, message: calls.append((fraction, message)))  # type: ignore[operator]
    return output, calls


@pytest.fixture(scope="module")
def docx_file(data: ReportData) -> tuple[bytes, ProgressCalls]:
    return _render(report_docx, data)


@pytest.fixture(scope="module")
def pdf_file(data: ReportData) -> tuple[bytes, ProgressCalls]:
    return _render(report_pdf, data)


@pytest.fixture(scope="module")
def pptx_file(data: ReportData) -> tuple[bytes, ProgressCalls]:
    return _render(report_pptx, data)


@pytest.fixture(scope="module")
def accented(data: ReportData) -> ReportData:
    """A made-up report: accented names, one real objective and one with nothing in it."""
    first = data.objectives[0]
    indicators = first.indicators.copy()
    indicators.iloc[0, 0] = "Internet use in Côte d'Ivoire and Türkiye (Việt Nam: n/a)"
    empty = replace(
        first,
        number=6,
        title="An objective with nothing mapped yet",
        short_title="Empty",
        initiatives=first.initiatives.iloc[0:0],
        indicators=first.indicators.iloc[0:0],
        initiative_status=first.initiative_status.iloc[0:0],
        indicator_status=first.indicator_status.iloc[0:0],
        primary_initiatives=0,
        demo_entries=0,
        sources=(),
        last_update=None,
    )
    return replace(
        data,
        organisation="Union internationale des télécommunications",
        geo_name="Côte d'Ivoire",
        objectives=(replace(first, indicators=indicators), empty),
    )


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _assert_progress(calls: ProgressCalls) -> None:
    fractions = [fraction for fraction, _ in calls]
    assert len(fractions) >= 3
    assert fractions == sorted(fractions) and len(set(fractions)) == len(fractions)
    assert 0 < fractions[0] < 1 and fractions[-1] == 1.0
    assert all(isinstance(message, str) and message for _, message in calls)


# --- gathering (SQLite and PostgreSQL) ------------------------------------------------------


def test_gather_report_has_one_section_per_objective_with_worded_tables(
    session: Session,
) -> None:
    data = gather_report(session, thresholds=DEFAULT_THRESHOLDS, organisation="ITU")
    assert [s.number for s in data.objectives] == [1, 2, 3, 4, 5]
    assert data.organisation == "ITU" and data.geo_name == "World"
    assert data.data_as_of is not None and data.data_as_of.tzinfo is not None
    assert data.generated_at.tzinfo is not None
    assert data.demo_entries == data.totals["published_entries"] > 0
    first = data.objectives[0]
    assert list(first.initiatives.columns) == initiative_columns()
    assert list(first.indicators.columns) == indicator_columns()
    names = list(first.initiatives[initiative_columns()[0]])
    assert "Giga" in names
    equals = first.initiatives[
        first.initiatives[initiative_columns()[0]] == "EQUALS Global Partnership"
    ]
    assert equals[initiative_columns()[3]].item() == "GSMA, ITC, UN Women, UNU"  # sorted
    assert first.primary_initiatives <= len(first.initiatives)
    assert first.initiative_status["initiatives"].sum() == len(first.initiatives)
    assert first.indicator_status["indicators"].sum() == len(first.indicators)
    statuses = set(first.indicators[indicator_columns()[-1]])
    assert any(s.endswith("on track") or s.endswith("insufficient data") for s in statuses)
    # Demo values are named as such, never by the indicator's usual source.
    assert first.demo_entries > 0 and "demo data, not official statistics" in first.sources
    assert not any("ICT Indicators Database" in s for s in first.sources)
    assert not any("section" in s for s in first.sources)  # citations name the document only
    assert first.last_update is not None
    assert isinstance(first.chart, alt.HConcatChart) and first.chart_summary


def test_gather_report_ignores_unpublished_entries(session: Session) -> None:
    before = gather_report(session, thresholds=DEFAULT_THRESHOLDS)
    indicator = session.exec(select(Indicator).where(Indicator.code == "UMC_INTERNET_USE")).one()
    session.add(
        ProgressEntry(
            indicator_id=indicator.id,
            geo_code="WLD",
            period="2030",
            year=2030,
            period_end=pd.Timestamp("2030-12-31").date(),
            value=100.0,
            review_state=ReviewState.DRAFT,
            source="draft under review",
            updated_at=datetime(2099, 1, 1, tzinfo=UTC),
        )
    )
    session.flush()
    after = gather_report(session, thresholds=DEFAULT_THRESHOLDS)
    assert after.data_as_of == before.data_as_of
    assert "draft under review" not in after.objectives[0].sources
    pd.testing.assert_frame_equal(after.objectives[0].indicators, before.objectives[0].indicators)


def test_gather_report_keeps_the_objectives_and_geography_asked_for(
    seeded_sqlite_file: str,
) -> None:
    engine = db.make_engine(seeded_sqlite_file)
    with db.session_scope(engine) as session:
        data = gather_report(
            session, thresholds=DEFAULT_THRESHOLDS, objective_numbers=(2, 9), geo_code="AMS"
        )
    engine.dispose()
    assert [s.number for s in data.objectives] == [2]
    assert data.geo_name == "Americas"
    assert "Americas" in data.objectives[0].chart_summary


# --- Word -----------------------------------------------------------------------------------


def test_docx_has_the_title_demo_notice_and_five_objective_headings(
    docx_file: tuple[bytes, ProgressCalls], data: ReportData
) -> None:
    document = docx.Document(io.BytesIO(docx_file[0]))
    paragraphs = document.paragraphs
    assert paragraphs[0].style.name == "Title" and paragraphs[0].text == REPORT_TITLE
    assert any(DEMO_PHRASE in p.text for p in paragraphs)
    headings = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    objective_headings = [h for h in headings if h.startswith("Objective ")]
    assert objective_headings == [f"Objective {s.number}: {s.title}" for s in data.objectives]
    assert len(objective_headings) == 5
    assert document.core_properties.title == REPORT_TITLE
    assert any(p.text.startswith("Data as of ") for p in paragraphs)


def test_docx_numbers_its_paragraphs_continuously_across_objectives(
    docx_file: tuple[bytes, ProgressCalls],
) -> None:
    document = docx.Document(io.BytesIO(docx_file[0]))
    numbers = [
        int(match.group(1))
        for p in document.paragraphs
        if (match := re.match(r"(\d+)\.\t", p.text))
    ]
    assert numbers == list(range(1, len(numbers) + 1))
    assert len(numbers) >= 3 + 5 * 3  # the summary, then three paragraphs per objective
    first_objective = next(
        i for i, p in enumerate(document.paragraphs) if p.text.startswith("Objective 1:")
    )
    assert re.match(r"4\.\t", document.paragraphs[first_objective + 2].text)


def test_docx_has_initiative_and_indicator_tables_and_a_chart_per_objective(
    docx_file: tuple[bytes, ProgressCalls],
) -> None:
    document = docx.Document(io.BytesIO(docx_file[0]))
    assert len(document.tables) == 10
    initiatives, indicators = document.tables[0], document.tables[1]
    assert [c.text for c in initiatives.rows[0].cells] == initiative_columns()
    assert [c.text for c in indicators.rows[0].cells] == indicator_columns()
    assert "Giga" in [row.cells[0].text for row in initiatives.rows[1:]]
    assert len(document.inline_shapes) >= 5
    descriptions = [s._inline.docPr.get("descr") for s in document.inline_shapes]
    assert all(d and d.startswith("Initiatives:") for d in descriptions)  # alternative text
    text = "\n".join(p.text for p in document.paragraphs)
    assert text.count("Sources: ") == 5 and "demo data, not official statistics" in text
    footer = document.sections[0].footer.paragraphs[0].text
    assert "Data as of" in footer and "demo data" in footer


def test_docx_progress_rises_to_one(docx_file: tuple[bytes, ProgressCalls]) -> None:
    _assert_progress(docx_file[1])


def test_docx_says_so_when_an_objective_has_no_initiative_or_indicator(
    accented: ReportData,
) -> None:
    document = docx.Document(io.BytesIO(report_docx(accented)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "No initiative is mapped to this objective yet." in text
    assert "No indicator evidences this objective yet." in text
    assert len(document.tables) == 2  # only the objective with content has tables
    assert "Côte d'Ivoire" in document.tables[1].rows[1].cells[0].text


# --- PDF ------------------------------------------------------------------------------------


def test_pdf_has_the_title_objective_headings_and_demo_notice(
    pdf_file: tuple[bytes, ProgressCalls], data: ReportData
) -> None:
    content = pdf_file[0]
    assert content.startswith(b"%PDF-")
    text = _pdf_text(content)
    flat = " ".join(text.split())
    assert REPORT_TITLE in flat
    for section in data.objectives:
        assert f"Objective {section.number}:" in flat
    assert DEMO_PHRASE in flat
    assert "Giga" in flat and "Table 2. Indicators of Objective 1" in flat
    first = data.objectives[0].initiative_status["initiatives"].sum()
    assert re.search(rf"\b4\.\s+{first} ITU initiatives", flat)  # numbering continues
    assert PdfReader(io.BytesIO(content)).metadata.title == REPORT_TITLE


def test_pdf_keeps_accented_names_and_status_symbols(accented: ReportData) -> None:
    if pdf_module.find_font_files() is None:
        message = "DejaVu Sans is not installed (Debian: fonts-dejavu-core; .ci/run installs it)"
        unavailable(message)
    flat = " ".join(_pdf_text(report_pdf(accented)).split())
    assert "Côte d'Ivoire" in flat and "Türkiye" in flat and "Việt Nam" in flat
    assert "télécommunications" in flat
    assert "▲ on track" in flat
    assert "No initiative is mapped to this objective yet." in flat


def test_pdf_falls_back_to_a_latin_1_font_with_a_warning_when_dejavu_is_missing(
    accented: ReportData,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: object,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(pdf_module, "FONT_DIRS", (tmp_path,))
    with caplog.at_level(logging.WARNING, logger=pdf_module.__name__):
        content = report_pdf(accented)
    assert "fonts-dejavu-core" in caplog.text
    flat = " ".join(_pdf_text(content).split())
    assert "Côte d'Ivoire" in flat and "Türkiye" in flat  # Latin-1 still fits
    assert "Vi?t Nam" in flat and "▲" not in flat


def test_pdf_progress_rises_to_one(pdf_file: tuple[bytes, ProgressCalls]) -> None:
    _assert_progress(pdf_file[1])


# --- PowerPoint -----------------------------------------------------------------------------


def test_report_deck_has_one_slide_spec_per_objective(data: ReportData) -> None:
    slides = report_deck(data)
    assert [s.title for s in slides] == [
        f"Objective {s.number}: {s.short_title}" for s in data.objectives
    ]
    for spec, section in zip(slides, data.objectives, strict=True):
        # The slide draws the section's own chart, as the report's figure does.
        assert spec.chart == section.chart.to_dict() and spec.bullets and spec.as_of
        assert spec.source == "; ".join(section.sources)
        assert spec.notice and DEMO_PHRASE in spec.notice.lower()
        assert list(spec.table.columns) == [  # type: ignore[union-attr]
            indicator_columns()[i] for i in (0, 1, 2, 5)
        ]


def test_pptx_has_a_title_slide_then_a_slide_per_objective_with_its_chart(
    pptx_file: tuple[bytes, ProgressCalls], data: ReportData
) -> None:
    deck = pptx.Presentation(io.BytesIO(pptx_file[0]))
    slides = list(deck.slides)
    assert len(slides) == 1 + len(data.objectives)
    assert deck.slide_width > deck.slide_height  # 16:9
    title_text = " ".join(s.text_frame.text for s in slides[0].shapes if s.has_text_frame)
    assert REPORT_TITLE in title_text and DEMO_PHRASE in title_text
    for slide, section in zip(slides[1:], data.objectives, strict=True):
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        assert texts[0] == f"Objective {section.number}: {section.short_title}"
        pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == 1
        assert pictures[0].image.blob.startswith(PNG_SIGNATURE)
        assert any(t.startswith("Source: ") and " · As of " in t for t in texts)
        assert any(DEMO_PHRASE in t.lower() for t in texts)
        assert any(s.has_table for s in slide.shapes)


def test_pptx_progress_rises_to_one(pptx_file: tuple[bytes, ProgressCalls]) -> None:
    _assert_progress(pptx_file[1])


def test_deck_lays_out_a_table_only_slide_and_says_how_many_rows_were_left_out() -> None:
    table = pd.DataFrame({"Country": [f"Country {i}" for i in range(14)], "Value": range(14)})
    content = deck_pptx(
        [SlideSpec(title="A table", table=table, source="Test source", as_of="1 May 2025")],
        title="Custom deck",
    )
    deck = pptx.Presentation(io.BytesIO(content))
    slide = list(deck.slides)[1]
    assert not [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    shown = next(s for s in slide.shapes if s.has_table).table
    assert shown.cell(0, 0).text == "Country"
    assert "4 more" in shown.cell(len(shown.rows) - 1, 0).text
    footer = [s.text_frame.text for s in slide.shapes if s.has_text_frame][-1]
    assert footer == "Source: Test source · As of 1 May 2025"


# --- charts as images -----------------------------------------------------------------------


def _bar_chart() -> alt.Chart:
    frame = pd.DataFrame({"country": ["Côte d'Ivoire", "Türkiye"], "value": [1.0, 2.0]})
    return (
        alt.Chart(frame, title="Own title")
        .mark_bar()
        .encode(x=alt.X("value:Q"), y=alt.Y("country:N"))
        .properties(width=400, height=120)
        .configure_axis(labelFontSize=12)
    )


EXPORT = {
    "title": "Internet use by country",
    "filters": {"Region": "AFR"},
    "source": "ITU database",
    "timestamp": datetime(2025, 5, 12, 14, 5, tzinfo=UTC),
}


def test_chart_png_is_a_png_whose_size_follows_the_scale() -> None:
    small = chart_png(_bar_chart(), **EXPORT, scale=1)  # type: ignore[arg-type]
    large = chart_png(_bar_chart(), **EXPORT, scale=2)  # type: ignore[arg-type]
    assert small.startswith(PNG_SIGNATURE) and large.startswith(PNG_SIGNATURE)
    (w1, h1), (w2, h2) = png_size(small), png_size(large)
    assert w1 > 400 and w1 > h1  # the chart, its labels and padding; wider than tall
    assert abs(w2 - 2 * w1) <= 2 and abs(h2 - 2 * h1) <= 2


def test_chart_svg_carries_its_title_filters_source_and_timestamp() -> None:
    svg = chart_svg(_bar_chart(), **EXPORT)  # type: ignore[arg-type]
    assert svg.lstrip().startswith("<svg")
    for text in (
        "Internet use by country",
        "Filters: Region = AFR",
        "Source: ITU database",
        "As of 12 May 2025 14:05 UTC",
    ):
        assert text in svg
    assert "Own title" not in svg  # the export's title replaces the chart's own


def test_chart_png_renders_a_chart_with_a_legend_selection_and_no_set_width() -> None:
    frame = pd.DataFrame({"status": ["ongoing", "planned"], "initiatives": [3, 1]})
    selection = alt.selection_point(fields=["status"], bind="legend")
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x="initiatives:Q",
            y="status:N",
            opacity=alt.condition(selection, alt.value(1.0), alt.value(0.3)),
        )
        .add_params(selection)
        .properties(width="container")
    )
    spec = with_footer(chart, title="Selection", filters={}, source="x", timestamp="today")
    assert spec["params"] and "params" not in spec["vconcat"][0]["vconcat"][0]
    png = chart_png(chart, title="Selection", filters={}, source="x", timestamp="today")
    assert png.startswith(PNG_SIGNATURE)


def test_with_footer_keeps_the_chart_configuration_at_the_top_level() -> None:
    spec = with_footer(_bar_chart(), **EXPORT)  # type: ignore[arg-type]
    assert spec["config"]["axis"]["labelFontSize"] == 12
    inner = spec["vconcat"][0]["vconcat"][0]
    assert "config" not in inner and "title" not in inner and "$schema" not in inner
    assert spec["vconcat"][0]["title"]["orient"] == "bottom"


# --- the report's chart and helpers ---------------------------------------------------------


def test_objective_status_chart_uses_the_shared_status_scales_and_labels_every_bar() -> None:
    chart = objective_status_chart(
        pd.DataFrame({"status": ["ongoing"], "initiatives": [3]}),
        pd.DataFrame({"status": ["on track", "deterioration"], "indicators": [2, 1]}),
        geo_name="World",
    )
    spec = chart.to_dict()
    panels = spec["hconcat"]
    assert len(panels) == 2
    for panel, kind in zip(panels, ["initiative", "progress"], strict=True):
        bars, labels = panel["layer"]
        assert bars["mark"]["type"] == "bar" and labels["mark"]["type"] == "text"
        assert bars["encoding"]["color"]["scale"] == status_scale(kind).to_dict()
        assert bars["encoding"]["y"]["type"] == "nominal"
        assert bars["encoding"]["x"]["type"] == "quantitative"
    values = spec["datasets"][panels[1]["data"]["name"]]
    assert [v["label"] for v in values][:2] == ["✔ target met", "▲ on track"]  # every status
    assert spec["resolve"]["scale"]["color"] == "independent"


def test_objective_status_summary_names_the_counts() -> None:
    summary = objective_status_summary(
        pd.DataFrame({"status": ["ongoing", "planned"], "initiatives": [3, 1]}),
        pd.DataFrame({"status": ["on track"], "indicators": [2]}),
        geo_name="World",
    )
    assert summary == "Initiatives: 1 planned, 3 ongoing. Indicators at World level: 2 on track."


def test_column_weights_never_cut_a_word_and_cap_long_text() -> None:
    weights = column_weights(["Name", "Year"], [["x" * 200, "2024"], ["short", "2023"]])
    assert weights[0] == 40.0  # capped at 36 (+4 for the cell's padding)
    assert weights[1] >= len("2024") + 4


# --- in the reader's language ---------------------------------------------------------------

MAY_THE_TWELFTH = datetime(2025, 5, 12, 14, 5, tzinfo=UTC)


def test_dates_are_written_day_first_in_english_and_as_cldr_writes_them_in_french() -> None:
    assert format_date(MAY_THE_TWELFTH) == "12 May 2025"
    assert format_timestamp(MAY_THE_TWELFTH) == "12 May 2025 14:05 UTC"
    with speaking("fr"):
        assert format_date(MAY_THE_TWELFTH) == "12 mai 2025"


def test_report_numbers_are_written_as_the_reader_writes_numbers() -> None:
    assert [format_number(v) for v in (67.34, 12345.0, 0.456, None)] == [
        "67.3",
        "12,345",
        "0.46",
        "",
    ]
    with speaking("fr"):
        # CLDR's French: a decimal comma, thousands apart by a narrow no-break space.
        assert [format_number(v) for v in (67.34, 12345.0)] == ["67,3", "12\u202f345"]


def test_the_demo_notice_counts_one_entry_and_many_entries() -> None:
    assert "(1 demo entry)" in (demo_notice(1) or "")
    assert "(1,234 demo entries)" in (demo_notice(1234) or "")
    assert demo_notice(0) is None


# --- the report in Arabic and Chinese, read back by poppler --------------------------------


def _poppler_text(content: bytes, tmp_path: Path) -> str:
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        message = "pdftotext not found: install Debian's poppler-utils"
        unavailable(message)
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True)
    return done.stdout


def _script_fonts_installed(language: str) -> None:
    missing = [str(e[2]) for e in pdf_module.SCRIPT_FONTS[language] if not e[2].is_file()]
    if missing:
        message = f"{', '.join(missing)} not found: install fonts-noto-core and fonts-noto-cjk"
        unavailable(message)


@pytest.mark.parametrize("language", ["ar", "zh"])
def test_the_pdf_report_reads_in_arabic_and_chinese(
    seeded_sqlite_file: str, language: str, tmp_path: Path
) -> None:
    """Every word of the translated title comes back from the PDF (Arabic shaped, each
    word whole), and so does the demo notice's first words; no Latin stand-in is used."""
    _script_fonts_installed(language)
    engine = db.make_engine(seeded_sqlite_file)
    with speaking(language), db.session_scope(engine) as session:
        content = report_pdf(gather_report(session, thresholds=DEFAULT_THRESHOLDS))
        title = pdf_module.report_title()
    engine.dispose()
    text = _poppler_text(content, tmp_path)
    for word in title.split():
        assert word in text, f"{word!r} of {title!r} is not in the {language} PDF"
    assert "?" * 3 not in text  # no run of characters the fonts could not draw
