"""How the Word and PowerPoint files write the reader's script.

The PDF embeds its fonts (see pdf.SCRIPT_FONTS); an Office file only names them. So the
Word and PowerPoint writers name a font that draws the reader's script (Debian:
fonts-noto-core, fonts-noto-cjk) in the slot Office keeps for it, and tag the text with its
language, so that Word, PowerPoint and LibreOffice shape Arabic and set Chinese in a
Chinese font rather than in boxes. Whether the layout also runs right to left is
`i18n.is_right_to_left`.
"""

import unicodedata
from dataclasses import dataclass

from gdc_tracker.i18n import current_language


@dataclass(frozen=True)
class Script:
    """What an Office file says about text in one language."""

    tag: str  # the language as Office tags text ("ar-SA", "zh-CN")
    complex_font: str = ""  # Office's font slot for Arabic, Hebrew, Thai… ("cs")
    east_asian_font: str = ""  # its slot for Chinese, Japanese, Korean ("eastAsia", "ea")


SCRIPTS: dict[str, Script] = {
    "ar": Script(tag="ar-SA", complex_font="Noto Sans Arabic"),
    "zh": Script(tag="zh-CN", east_asian_font="Noto Sans CJK SC"),
}


def reader_script(language: str | None = None) -> Script | None:
    """The script of `language` (the reader's by default); None where Office's Latin and
    Cyrillic defaults already draw it."""
    return SCRIPTS.get(language or current_language())


def reads_right_to_left(text: str) -> bool:
    """Whether `text` holds a letter written right to left (Arabic, Hebrew), as against
    a name, a code or a number that reads left to right inside an Arabic line."""
    return any(unicodedata.bidirectional(character) in ("R", "AL") for character in text)
