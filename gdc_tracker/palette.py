"""Colours and symbols shared by every chart and badge, defined once.

The Okabe-Ito palette stays distinguishable for the common forms of colour blindness,
and every status also has a word and a symbol, so nothing is conveyed by colour alone.
"""

from gdc_tracker.models import InitiativeStatus
from gdc_tracker.status import STATUS_ORDER, ProgressStatus

PROGRESS_COLOURS: dict[str, str] = {
    ProgressStatus.TARGET_MET: "#009E73",
    ProgressStatus.ON_TRACK: "#56B4E9",
    ProgressStatus.MODERATE: "#E69F00",
    ProgressStatus.LIMITED: "#F0E442",
    ProgressStatus.DETERIORATION: "#D55E00",
    ProgressStatus.INSUFFICIENT_DATA: "#999999",
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
    InitiativeStatus.PLANNED: "#CC79A7",
    InitiativeStatus.ONGOING: "#0072B2",
    InitiativeStatus.COMPLETED: "#009E73",
    InitiativeStatus.PAUSED: "#999999",
    # No source gives a status: a colour of its own, never one of the statuses above.
    InitiativeStatus.NOT_STATED: "#E69F00",
}
INITIATIVE_ORDER: list[str] = [str(s) for s in InitiativeStatus]
"""Every initiative status, "not stated" last (it is the absence of a status, not a rating)."""


def progress_label(status: str) -> str:
    """ "▲ on track": the symbol and the word, for tables and cards."""
    return f"{PROGRESS_SYMBOLS.get(status, '')} {status}".strip()
