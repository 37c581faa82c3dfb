"""The deck as a PowerPoint file (python-pptx): a title slide, then one slide per view.

A slide shows its chart as a picture (the same PNG as the report's figures), optional bullets
and a small table, and a footer naming the source and the date of the data. For a reader
of Arabic the slides run right to left, mirrored; for Arabic and Chinese the runs name a
font of the script (see reports.scripts).
"""

import io
from dataclasses import dataclass, field

import altair as alt
import pandas as pd
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.oxml.ns import qn
from pptx.oxml.xmlchemy import BaseOxmlElement, OxmlElement
from pptx.presentation import Presentation as Deck
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from gdc_tracker.i18n import _, is_right_to_left, ngettext
from gdc_tracker.reports.common import (
    Progress,
    Steps,
    column_weights,
    demo_notice,
    format_date,
    report_title,
)
from gdc_tracker.reports.data import ReportData
from gdc_tracker.reports.images import chart_png, png_size
from gdc_tracker.reports.scripts import Script, reader_script, reads_right_to_left

SLIDE_WIDTH, SLIDE_HEIGHT = Inches(13.333), Inches(7.5)  # 16:9
MARGIN = Inches(0.5)
CONTENT_TOP = Inches(1.35)
FOOTER_TOP = Inches(6.85)
BULLET_LINE_CHARACTERS = 80  # of 13 pt text in the left column
TABLE_ROW_HEIGHT = Inches(0.42)  # two lines of 10 pt: a long name wraps once
NOTICE_RGB = RGBColor(0x9A, 0x1B, 0x1B)
MUTED_RGB = RGBColor(0x44, 0x44, 0x44)
TITLE_RGB = RGBColor(0x1F, 0x38, 0x64)
# What may follow a run's East Asian and complex-script fonts, by the schema's order.
AFTER_EAST_ASIAN_FONT = ("a:cs", "a:sym", "a:hlinkClick", "a:hlinkMouseOver", "a:rtl", "a:extLst")
AFTER_COMPLEX_FONT = AFTER_EAST_ASIAN_FONT[1:]
MIRRORED_ALIGNMENT = {"l": "r", "r": "l"}  # DrawingML aligns to the page's sides, not the text's


@dataclass(eq=False)
class SlideSpec:
    """One slide: its title, an optional chart and table, bullets, and where the data is from."""

    title: str
    chart: alt.TopLevelMixin | dict | None = None
    table: pd.DataFrame | None = None
    bullets: list[str] = field(default_factory=list)
    source: str = ""
    as_of: str = ""
    filters: dict[str, str] = field(default_factory=dict)
    notice: str | None = None  # e.g. the demo-data notice
    description: str = ""  # the chart in words: the picture's alternative text
    columns: int = 1  # a long table is set in this many side-by-side parts


def report_deck(data: ReportData) -> list[SlideSpec]:
    """One slide per objective of the report: the view its section draws, as a slide."""
    from gdc_tracker.reports.deck import spec_of  # the deck builds on the slide layout here
    from gdc_tracker.views.objective import section_view

    return [spec_of(section_view(s, geo_name=data.geo_name)) for s in data.objectives]


def deck_pptx(
    slides: list[SlideSpec],
    progress: Progress | None = None,
    *,
    title: str | None = None,
    subtitle: str = "",
    notice: str | None = None,
) -> bytes:
    """A 16:9 deck: a title slide, then one slide per spec."""
    steps = Steps(progress, len(slides) + 2)
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    steps.advance(_("Writing the title slide"))
    if notice is None and any(spec.notice for spec in slides):
        notice = _(
            "Notice: some slides of this deck show illustrative demo data, not official "
            "statistics; each such slide says so in its footer."
        )
    _title_slide(deck, title or report_title(), subtitle, notice)
    for number, spec in enumerate(slides, start=1):
        steps.advance(
            _("Drawing slide {number} of {total}").format(number=number, total=len(slides))
        )
        _content_slide(deck, spec)
    for slide in deck.slides:
        _in_reader_script(slide)
    buffer = io.BytesIO()
    deck.save(buffer)
    steps.finish(_("Deck ready"))
    return buffer.getvalue()


def report_pptx(data: ReportData, progress: Progress | None = None) -> bytes:
    """The report's deck: `deck_pptx(report_deck(data))` with the report's title slide."""
    return deck_pptx(
        report_deck(data),
        progress,
        subtitle=_("{organisation} · Data as of {date}").format(
            organisation=data.organisation, date=format_date(data.data_as_of)
        ),
        notice=demo_notice(data.demo_entries),
    )


def _title_slide(deck: Deck, title: str, subtitle: str, notice: str | None) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[6])  # blank: placed by hand for 16:9
    _text(slide, title, top=Inches(2.3), height=Inches(1.4), size=36, bold=True, rgb=TITLE_RGB)
    if subtitle:
        _text(slide, subtitle, top=Inches(3.8), height=Inches(0.6), size=18, rgb=MUTED_RGB)
    if notice:
        _text(
            slide, notice, top=Inches(5.0), height=Inches(1.0), size=14, bold=True, rgb=NOTICE_RGB
        )


def _content_slide(deck: Deck, spec: SlideSpec) -> Slide:
    """Chart left with bullets under it and the table right; without a chart, bullets then
    table across the slide; a chart alone takes the whole width."""
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    _text(
        slide, spec.title, top=Inches(0.35), height=Inches(0.85), size=28, bold=True, rgb=TITLE_RGB
    )
    width = SLIDE_WIDTH - 2 * MARGIN
    has_table = spec.table is not None and not spec.table.empty
    left_column: int = width
    top: int = CONTENT_TOP
    if spec.chart is not None:
        left_column = int(width * 0.58) if has_table or spec.bullets else width
        lines = sum(-(-len(bullet) // BULLET_LINE_CHARACTERS) for bullet in spec.bullets)
        under = Inches(0.26) * lines + Inches(0.1) * len(spec.bullets) if has_table else 0
        top += _picture(slide, spec, left=MARGIN, width=left_column, keep=under) + Inches(0.15)
    right = MARGIN + left_column + Inches(0.3)
    if spec.bullets:
        beside = spec.chart is not None and not has_table  # bullets take the right column
        _bullets(
            slide,
            spec.bullets,
            left=right if beside else MARGIN,
            top=CONTENT_TOP if beside else top,
            width=SLIDE_WIDTH - MARGIN - right if beside else left_column,
            height=FOOTER_TOP - (CONTENT_TOP if beside else top),
        )
        if not beside and spec.chart is None:
            top += Inches(0.45) * len(spec.bullets) + Inches(0.2)
    if has_table and spec.columns > 1:
        _split_table(slide, spec, top=top, width=width)
    elif has_table:
        if spec.chart is not None:
            _table(
                slide, spec.table, left=right, top=CONTENT_TOP, width=SLIDE_WIDTH - MARGIN - right
            )
        else:
            _table(slide, spec.table, left=MARGIN, top=top, width=width)
    _footer(slide, spec)
    return slide


def _split_table(slide: Slide, spec: SlideSpec, *, top: int, width: int) -> None:
    """The table in `spec.columns` parts side by side (a long list of countries)."""
    frame = spec.table
    assert frame is not None
    size = -(-len(frame) // spec.columns)  # rows per part, rounded up
    gap = Inches(0.2)
    part_width = int((width - gap * (spec.columns - 1)) / spec.columns)
    for index in range(spec.columns):
        part = frame.iloc[index * size : (index + 1) * size]
        if len(part):
            left = MARGIN + index * (part_width + gap)
            _table(slide, part, left=left, top=top, width=part_width)


def _text(
    slide: Slide,
    text: str,
    *,
    top: int,
    height: int,
    size: float,
    bold: bool = False,
    rgb: RGBColor = MUTED_RGB,
    left: int = MARGIN,
    width: int | None = None,
) -> None:
    box = slide.shapes.add_textbox(
        Emu(left), Emu(top), Emu(width or SLIDE_WIDTH - 2 * MARGIN), Emu(height)
    )
    frame = box.text_frame
    frame.word_wrap = True
    run = frame.paragraphs[0].add_run()
    run.text = text
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = rgb


def _picture(slide: Slide, spec: SlideSpec, *, left: int, width: int, keep: int = 0) -> int:
    """The chart as a picture fitted into the column, `keep` left free under it for the
    bullets; returns its height."""
    png = chart_png(
        spec.chart,  # type: ignore[arg-type]  # only a slide with a chart gets a picture
        title=spec.title,
        filters=spec.filters,
        source=spec.source,
        timestamp=spec.as_of,
        notice=spec.notice,
    )
    width_px, height_px = png_size(png)
    room = FOOTER_TOP - CONTENT_TOP - Inches(0.1) - keep
    height = int(width * height_px / width_px)
    if height > room:  # a tall chart: fit the height instead
        width, height = int(room * width_px / height_px), room
    picture = slide.shapes.add_picture(
        io.BytesIO(png), Emu(left), CONTENT_TOP, Emu(width), Emu(height)
    )
    # python-pptx types the one-and-only child as a descriptor; it reads as the element.
    picture._element.nvPicPr.cNvPr.set(  # type: ignore[union-attr]  # typed as a descriptor
        "descr", spec.description or spec.title
    )
    return height


def _bullets(
    slide: Slide, bullets: list[str], *, left: int, top: int, width: int, height: int
) -> None:
    frame = slide.shapes.add_textbox(Emu(left), Emu(top), Emu(width), Emu(height)).text_frame
    frame.word_wrap = True
    for index, text in enumerate(bullets):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.text = f"• {text}"
        paragraph.font.size = Pt(13)
        paragraph.space_after = Pt(6)


def _table(slide: Slide, frame: pd.DataFrame, *, left: int, top: int, width: int) -> None:
    """As many rows as fit above the footer, then a row saying how many were left out."""
    room = FOOTER_TOP - top - Inches(0.1)
    fits = max(int(room / TABLE_ROW_HEIGHT) - 1, 1)  # less the header row
    shown = frame if len(frame) <= fits else frame.head(fits - 1)  # keep a row for "more"
    rows = len(shown) + 1 + (len(shown) < len(frame))
    table = slide.shapes.add_table(
        rows, len(frame.columns), Emu(left), Emu(top), Emu(width), Emu(TABLE_ROW_HEIGHT * rows)
    ).table
    headers = [str(h) for h in frame.columns]
    cells = [[str(v) for v in values] for values in shown.itertuples(index=False)]
    for column, header in enumerate(headers):
        table.cell(0, column).text = header
    for row, values in enumerate(cells, start=1):
        for column, value in enumerate(values):
            table.cell(row, column).text = value
    if len(shown) < len(frame):
        more = table.cell(rows - 1, 0)
        more.merge(table.cell(rows - 1, len(frame.columns) - 1))
        left_out = len(frame) - len(shown)
        more.text = ngettext("… and {count} more", "… and {count} more", left_out).format(
            count=left_out
        )
    weights = [w + 2 for w in column_weights(headers, cells)]  # 10 pt in a narrow column
    # python-pptx gives _ColumnCollection no __iter__ in its types; it iterates by index.
    for column, weight in zip(table.columns, weights, strict=True):  # type: ignore[call-overload]  # iterates by index
        column.width = int(width * weight / sum(weights))
    for cell in (c for r in table.rows for c in r.cells):
        cell.margin_top = cell.margin_bottom = Inches(0.02)
        cell.margin_left = cell.margin_right = Inches(0.05)
        for paragraph in cell.text_frame.paragraphs:
            paragraph.font.size = Pt(10)


def _footer(slide: Slide, spec: SlideSpec) -> None:
    parts = [
        _("Source: {source}").format(source=spec.source or _("not stated")),
        _("As of {date}").format(date=spec.as_of),
    ]
    _text(slide, " · ".join(parts), top=FOOTER_TOP, height=Inches(0.4), size=10)
    if spec.notice:
        _text(
            slide,
            spec.notice,
            top=FOOTER_TOP + Inches(0.3),
            height=Inches(0.3),
            size=10,
            bold=True,
            rgb=NOTICE_RGB,
        )


# The reader's script: fonts and language for Arabic and Chinese, and right to left for Arabic


def _in_reader_script(slide: Slide) -> None:
    """Name the font and language of the reader's script on every run of the slide; for a
    right-to-left reader, also lay the slide out right to left."""
    script = reader_script()
    if script is None:
        return
    for run in slide._element.iter(qn("a:r")):
        _run_in_script(run, script)
    if is_right_to_left():
        _right_to_left(slide)


def _run_in_script(run: BaseOxmlElement, script: Script) -> None:
    """The script's font in its slot, and the script's language on a run of Arabic
    letters (a name or a number inside an Arabic line keeps its own)."""
    properties = run.get_or_add_rPr()
    if script.east_asian_font:
        _font(properties, "a:ea", AFTER_EAST_ASIAN_FONT).set("typeface", script.east_asian_font)
    if script.complex_font:
        _font(properties, "a:cs", AFTER_COMPLEX_FONT).set("typeface", script.complex_font)
    if reads_right_to_left(run.text or ""):
        properties.set("lang", script.tag)


def _font(properties: BaseOxmlElement, tag: str, successors: tuple[str, ...]) -> BaseOxmlElement:
    """The run's `tag` font element, added in the schema's order if missing."""
    font = properties.find(qn(tag))
    if font is None:
        font = OxmlElement(tag)
        properties.insert_element_before(font, *successors)
    return font


def _right_to_left(slide: Slide) -> None:
    """Every paragraph right to left and on the right, tables' first column on the right,
    and the shapes mirrored: what sat on the left (the chart) sits on the right. A picture
    is moved, never flipped: a chart keeps its own direction.

    PowerPoint honours a table's rtl; LibreOffice (7.4) ignores it and keeps the first
    column on the left. Reversing the columns instead would reverse them in PowerPoint.
    """
    for paragraph in slide._element.iter(qn("a:p")):
        properties = paragraph.get_or_add_pPr()
        properties.set("rtl", "1")
        alignment = properties.get("algn", "l")
        properties.set("algn", MIRRORED_ALIGNMENT.get(alignment, alignment))
    for table in slide._element.iter(qn("a:tbl")):
        table.get_or_add_tblPr().set("rtl", "1")
    for shape in slide.shapes:
        shape.left = Emu(SLIDE_WIDTH - shape.left - shape.width)
