"""Colours and symbols shared by every chart, badge and page, defined once.

Status colours start from the Okabe-Ito palette, darkened where needed so that each
stands out from the white page by at least 3:1 (WCAG 2.1, non-text contrast); a bar, a
dot or a legend swatch is then seen by someone with low vision too. They stay apart for
the common forms of colour blindness: simulated protanopia, deuteranopia and tritanopia
(Machado et al., 2009) leave every pair of one palette at least 11 CIEDE2000 units apart,
farther than the undarkened Okabe-Ito colours were (10 for progress, 6 for initiatives).
Colours that would look alike once darkened differ in lightness instead: moderate
progress is a dark amber, limited progress a lighter ochre. Every status also has a word
and a symbol, so nothing is conveyed by colour alone. No status colour writes text.
"""

from gdc_tracker.models import InitiativeStatus
from gdc_tracker.status import STATUS_ORDER, ProgressStatus, status_label

PROGRESS_COLOURS: dict[str, str] = {
    ProgressStatus.TARGET_MET: "#009E73",  # bluish green, 3.4:1 on the page
    ProgressStatus.ON_TRACK: "#2084F3",  # blue, 3.7:1
    ProgressStatus.MODERATE: "#9A5F00",  # dark amber, 5.2:1
    ProgressStatus.LIMITED: "#A38B00",  # ochre, 3.4:1 (yellow cannot reach 3:1)
    ProgressStatus.DETERIORATION: "#951F18",  # dark red, 8.4:1
    ProgressStatus.INSUFFICIENT_DATA: "#666666",  # grey, 5.7:1
}
PROGRESS_SYMBOLS: dict[str, str] = {
    ProgressStatus.TARGET_MET: "✔",
    ProgressStatus.ON_TRACK: "▲",
    ProgressStatus.MODERATE: "◆",
    ProgressStatus.LIMITED: "▬",
    ProgressStatus.DETERIORATION: "▼",
    ProgressStatus.INSUFFICIENT_DATA: "?",
}
PROGRESS_ORDER: list[str] = [str(s) for s in STATUS_ORDER]

INITIATIVE_COLOURS: dict[str, str] = {
    InitiativeStatus.PLANNED: "#CC79A7",  # reddish purple, 3.1:1
    InitiativeStatus.ONGOING: "#0072B2",  # blue, 5.2:1
    InitiativeStatus.COMPLETED: "#009E73",  # bluish green, 3.4:1
    InitiativeStatus.PAUSED: "#666666",  # grey, 5.7:1
    # No source gives a status: a colour of its own, never one of the statuses above.
    InitiativeStatus.NOT_STATED: "#9A6A00",  # dark amber, 4.7:1
}
INITIATIVE_ORDER: list[str] = [str(s) for s in InitiativeStatus]
"""Every initiative status, "not stated" last (it is the absence of a status, not a rating)."""


# Captions carry page introductions, chart summaries and source lines: as text they need
# 4.5:1, on the page (6.9:1) and on the sidebar's grey (6.5:1).
CAPTION_COLOUR = "#5C5A57"
# The ring around the focused control: 5.2:1 on the page, 4.9:1 on the sidebar, and unlike
# the grey that marks the current page in the menu.
FOCUS_COLOUR = "#0072B2"


def progress_label(status: str) -> str:
    """ "▲ on track": the symbol and the word, in the reader's language, for tables and
    cards."""
    return f"{PROGRESS_SYMBOLS.get(status, '')} {status_label(status)}".strip()
