"""The Council-style progress report as PDF (fpdf2, pure Python).

fpdf2's built-in fonts cover Latin-1 only; names such as "Türkiye" fit, but the status
symbols and many country names do not. DejaVu Sans (Debian: fonts-dejavu-core) covers them.
Where it is missing the report still comes out, in Helvetica, with the unsupported
characters replaced, and a warning in the log says what to install.
"""

import io
import logging
import os
from itertools import count
from pathlib import Path
from typing import Any

import pandas as pd
from fpdf import FPDF, FontFace, XPos, YPos

from gdc_tracker.i18n import _, current_language, is_right_to_left
from gdc_tracker.reports.common import (
    Progress,
    Steps,
    column_weights,
    demo_notice,
    format_date,
    format_timestamp,
    report_title,
    section_demo_notice,
    short_demo_notice,
    sources_line,
)
from gdc_tracker.reports.data import (
    ObjectiveSection,
    ReportData,
    summary_paragraphs,
)
from gdc_tracker.reports.images import png_size, view_image

logger = logging.getLogger(__name__)

FONT_DIRS = (
    Path(os.environ.get("GDC_TRACKER_FONT_DIR", "/usr/share/fonts/truetype/dejavu")),
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/local/share/fonts"),
)
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
FONT_MISSING = (
    "DejaVu Sans was not found (looked in {dirs}); the PDF uses Helvetica, which covers "
    "Latin-1 only, so status symbols and some names are replaced. Install the Debian package "
    "fonts-dejavu-core, or set GDC_TRACKER_FONT_DIR to a folder holding DejaVuSans.ttf."
)
LATIN_1_STAND_INS = str.maketrans(
    {"✔": "", "▲": "", "◆": "", "▬": "", "▼": "", "–": "-", "—": "-", "≥": ">=", "…": "..."}
)
NOTICE_RGB = (154, 27, 27)
NOTICE_FILL = (255, 244, 206)
HEADER_FILL = (220, 230, 242)
MUTED_RGB = (68, 68, 68)
LINE = 5.2  # mm, body text at 10.5 pt


# The fonts of the scripts DejaVu Sans lacks (Debian: fonts-noto-core, fonts-noto-cjk), by
# language: (family, style, file, face in a collection; face 2 is Simplified Chinese).
# Chinese text is set in Noto Sans CJK, which also draws Latin letters, with DejaVu behind
# it for the status symbols: fpdf2 2.8.9 garbles a wrapped line that switches from a
# fallback Chinese font back to Latin ("Tracker" came out as "ITcmuUT"). Arabic is set in
# DejaVu with Noto Sans Arabic behind it, shaped and ordered right to left by HarfBuzz.
NOTO = Path("/usr/share/fonts")
SCRIPT_FONTS: dict[str, tuple[tuple[str, str, Path, int], ...]] = {
    "ar": (
        ("arabic", "", NOTO / "truetype/noto/NotoSansArabic-Regular.ttf", 0),
        ("arabic", "B", NOTO / "truetype/noto/NotoSansArabic-Bold.ttf", 0),
    ),
    "zh": (
        ("cjk", "", NOTO / "opentype/noto/NotoSansCJK-Regular.ttc", 2),
        ("cjk", "B", NOTO / "opentype/noto/NotoSansCJK-Bold.ttc", 2),
    ),
}
MAIN_SCRIPT_FONT = {"zh": "cjk"}  # the language's own font leads; DejaVu falls back


def find_font_files() -> dict[str, Path] | None:
    """Regular and bold DejaVu Sans, or None where they are not installed."""
    for folder in FONT_DIRS:
        files = {style: folder / name for style, name in FONT_FILES.items()}
        if all(path.is_file() for path in files.values()):
            return files
    return None


class _Report(FPDF):
    def __init__(self, data: ReportData) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.report_data = data
        self.set_margins(20, 20, 20)
        self.set_auto_page_break(auto=True, margin=18)
        fonts = find_font_files()
        if fonts is None:
            logger.warning(FONT_MISSING.format(dirs=", ".join(str(d) for d in FONT_DIRS)))
            self.body_font = "helvetica"
        else:
            self.body_font = "dejavu"
            for style, path in fonts.items():
                self.add_font("dejavu", style=style, fname=str(path))
        self.has_unicode_font = fonts is not None
        if self.has_unicode_font:
            self._add_script_fonts()
        self.align = "R" if is_right_to_left() else "L"
        self.set_title(report_title())
        self.set_author(data.organisation)
        self.set_creator("GDC Tracker")
        self.alias_nb_pages()

    def _add_script_fonts(self) -> None:
        """The reader's script from Noto where installed (see SCRIPT_FONTS)."""
        language = current_language()
        files = [entry for entry in SCRIPT_FONTS.get(language, ()) if entry[2].is_file()]
        for family, style, path, face in files:
            self.add_font(family, style=style, fname=str(path), collection_font_number=face)
        if not files:
            return
        family = files[0][0]
        if language in MAIN_SCRIPT_FONT:
            self.body_font = MAIN_SCRIPT_FONT[language]
            self.set_fallback_fonts(["dejavu"], exact_match=False)
        else:
            self.set_fallback_fonts([family], exact_match=False)
        if is_right_to_left(language):
            self.set_text_shaping(True)

    @property
    def flow(self) -> dict[str, Any]:
        """How a paragraph runs: aligned to the reader's side, then on to the next line."""
        return {"align": self.align, "new_x": XPos.LMARGIN, "new_y": YPos.NEXT}

    def text_for(self, text: str) -> str:
        """Text the current font can draw (unchanged with DejaVu)."""
        if self.has_unicode_font:
            return text
        plain = text.translate(LATIN_1_STAND_INS)
        return plain.encode("latin-1", "replace").decode("latin-1").strip()

    def use(
        self, size: float, *, bold: bool = False, rgb: tuple[int, int, int] = (0, 0, 0)
    ) -> None:
        self.set_font(self.body_font, "B" if bold else "", size)
        self.set_text_color(*rgb)

    def footer(self) -> None:
        self.set_y(-13)
        self.use(7.5, rgb=MUTED_RGB)
        parts = [
            f"GDC Tracker · {self.report_data.organisation}",
            _("Data as of {date}").format(date=format_date(self.report_data.data_as_of)),
        ]
        if self.report_data.demo_entries:
            parts.append(short_demo_notice())
        parts.append(_("Page {page} of {pages}").format(page=self.page_no(), pages="{nb}"))
        self.cell(0, 5, self.text_for(" · ".join(parts)), align="C")

    def paragraph(
        self, text: str, *, size: float = 10.5, rgb: tuple[int, int, int] = (0, 0, 0)
    ) -> None:
        self.use(size, rgb=rgb)
        self.multi_cell(0, size * 0.5, self.text_for(text), **self.flow)
        self.ln(1.5)

    def numbered(self, number: int, text: str) -> None:
        """A Council-style paragraph: the number in the margin, the text hanging beside it."""
        self.use(10.5)
        self.cell(10, LINE, f"{number}.")
        self.multi_cell(0, LINE, self.text_for(text), **self.flow)
        self.ln(2)

    def heading(self, text: str, *, size: float = 14) -> None:
        if self.will_page_break(40):
            self.add_page()
        self.ln(3)
        self.start_section(self.text_for(text))
        self.use(size, bold=True, rgb=(31, 56, 100))
        self.multi_cell(0, size * 0.5, self.text_for(text), **self.flow)
        self.ln(2)

    def notice(self, text: str, *, size: float = 10) -> None:
        self.use(size, bold=True, rgb=NOTICE_RGB)
        self.set_fill_color(*NOTICE_FILL)
        self.multi_cell(
            0,
            size * 0.5,
            self.text_for(text),
            align=self.align,
            fill=True,
            padding=2,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self.set_fill_color(255, 255, 255)  # tables fill with the current colour
        self.ln(3)

    def caption(self, text: str, *, keep_with: float = 25) -> None:
        """A caption kept on one page with the next `keep_with` mm (a table's first rows)."""
        if self.will_page_break(keep_with + 8):
            self.add_page()
        self.ln(1)
        self.use(9, bold=True, rgb=(31, 56, 100))
        self.multi_cell(0, 4.5, self.text_for(text), **self.flow)
        self.ln(1)

    def frame_table(self, frame: pd.DataFrame) -> None:
        headers = [self.text_for(str(c)) for c in frame.columns]
        rows = [[self.text_for(str(v)) for v in row] for row in frame.itertuples(index=False)]
        if self.align == "R":  # a right-to-left reader starts a table at its right edge
            headers, rows = headers[::-1], [row[::-1] for row in rows]
        self.use(8.5)
        self.set_draw_color(170, 170, 170)
        with self.table(
            col_widths=tuple(column_weights(headers, rows)),
            text_align="RIGHT" if self.align == "R" else "LEFT",
            line_height=4.2,
            padding=(0.8, 1.2),
            headings_style=FontFace(emphasis="BOLD", fill_color=HEADER_FILL),
            width=self.epw,
        ) as table:
            for values in [headers, *rows]:
                row = table.row()
                for value in values:
                    row.cell(value)
        self.ln(3)

    def figure(self, caption: str, png: bytes, description: str) -> None:
        """A captioned chart, kept on one page; `description` is its alternative text."""
        width_px, height_px = png_size(png)
        width = self.epw
        height = width * height_px / width_px
        self.caption(caption, keep_with=height)
        self.image(io.BytesIO(png), x=self.l_margin, w=width, h=height, alt_text=description)
        self.ln(2)


def report_pdf(data: ReportData, progress: Progress | None = None) -> bytes:
    """The report as PDF bytes, with the same content as `report_docx`."""
    steps = Steps(progress, len(data.objectives) + 2)
    pdf = _Report(data)
    pdf.add_page()
    steps.advance(_("Writing the summary"))
    _front_matter(pdf, data)
    numbers = count(1)
    for text in summary_paragraphs(data):
        pdf.numbered(next(numbers), text)
    tables = count(1)
    for index, section in enumerate(data.objectives, start=1):
        steps.advance(
            _("Writing objective {number} ({index} of {total})").format(
                number=section.number, index=index, total=len(data.objectives)
            )
        )
        _objective(pdf, data, section, numbers, tables)
    pdf.ln(4)
    pdf.paragraph(
        _("Data as of {date}. Generated by GDC Tracker on {when}.").format(
            date=format_date(data.data_as_of), when=format_timestamp(data.generated_at)
        )
    )
    result = bytes(pdf.output())
    steps.finish(_("Report ready"))
    return result


def _front_matter(pdf: _Report, data: ReportData) -> None:
    pdf.use(20, bold=True, rgb=(31, 56, 100))
    pdf.multi_cell(
        0, 9, pdf.text_for(report_title()), align=pdf.align, new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.ln(2)
    pdf.paragraph(
        _("{organisation} · Data as of {date} · Generated on {when}").format(
            organisation=data.organisation,
            date=format_date(data.data_as_of),
            when=format_timestamp(data.generated_at),
        ),
        size=10,
        rgb=MUTED_RGB,
    )
    notice = demo_notice(data.demo_entries)
    if notice:
        pdf.notice(notice)
    pdf.heading(_("Summary"))


def _objective(
    pdf: _Report,
    data: ReportData,
    section: ObjectiveSection,
    numbers: "count[int]",
    tables: "count[int]",
) -> None:
    pdf.heading(_("Objective {number}: {title}").format(number=section.number, title=section.title))
    # Imported here: the views import the report's data, whose package imports this.
    from gdc_tracker.views.objective import section_view

    view = section_view(section, geo_name=data.geo_name)  # the slide's view, as a section
    if view.about.has_demo:
        pdf.notice(section_demo_notice(view.about.demo_values) or "", size=8.5)
    for text in view.bullets:
        pdf.numbered(next(numbers), text)
    for part in view.sections:
        pdf.caption(_("Table {n}. {heading}").format(n=next(tables), heading=part.heading))
        if part.data.empty:
            pdf.paragraph(part.empty, size=9, rgb=MUTED_RGB)
        else:
            pdf.frame_table(part.data)
    pdf.figure(
        _(
            "Figure {number}. Objective {number}: initiatives by status and indicators by "
            "progress status"
        ).format(number=section.number),
        view_image(view),
        view.summary,
    )
    pdf.paragraph(
        sources_line(view.about.sources_text(), format_date(data.data_as_of)),
        size=8.5,
        rgb=MUTED_RGB,
    )
