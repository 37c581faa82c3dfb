"""Council-ready exports: a progress report (Word, PDF), a deck (PowerPoint) and any chart
as PNG or SVG carrying its title, filters, source and date.

`gather_report` reads the store once; the writers only lay out what it gathered, so every
format says the same thing. Writers take an optional `progress(fraction, message)` callback
for long exports. Nothing here imports Streamlit.
"""

from gdc_tracker.reports.common import Progress, demo_notice
from gdc_tracker.reports.data import ObjectiveSection, ReportData, gather_report
from gdc_tracker.reports.images import chart_png, chart_svg
from gdc_tracker.reports.pdf import report_pdf
from gdc_tracker.reports.slides import SlideSpec, deck_pptx, report_deck, report_pptx
from gdc_tracker.reports.word import report_docx

__all__ = [
    "ObjectiveSection",
    "Progress",
    "ReportData",
    "SlideSpec",
    "chart_png",
    "chart_svg",
    "deck_pptx",
    "demo_notice",
    "gather_report",
    "report_deck",
    "report_docx",
    "report_pdf",
    "report_pptx",
]
