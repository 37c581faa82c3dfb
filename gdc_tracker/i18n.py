"""One translation function for every user-visible string.

English is the only language shipped so far; `_` already goes through gettext so that
catalogues (compiled with Babel into locale/<lang>/LC_MESSAGES/gdc_tracker.mo) can be
added for ITU's other five languages without touching the pages.
"""

import gettext
import os
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
LANGUAGE = os.environ.get("GDC_TRACKER_LANGUAGE", "en")
_translation = gettext.translation(
    "gdc_tracker",
    localedir=LOCALE_DIR,
    languages=[LANGUAGE],
    fallback=True,
)


def current_language() -> str:
    """The language the interface speaks (a BCP 47 / CLDR code such as "en" or "fr")."""
    return LANGUAGE


def _(message: str) -> str:
    return _translation.gettext(message)
