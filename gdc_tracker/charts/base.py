"""What every chart shares: the status colour scales and their legends' words."""

import json
from typing import Any

import altair as alt

from gdc_tracker.i18n import DEFAULT_LANGUAGE, current_language
from gdc_tracker.models import initiative_status_label
from gdc_tracker.palette import (
    INITIATIVE_COLOURS,
    INITIATIVE_ORDER,
    PROGRESS_COLOURS,
    PROGRESS_ORDER,
)
from gdc_tracker.status import status_label


def status_scale(status_kind: str) -> alt.Scale:
    """The shared colour scale: `status_kind` is "progress" or "initiative"."""
    order, colours = (
        (INITIATIVE_ORDER, INITIATIVE_COLOURS)
        if status_kind == "initiative"
        else (PROGRESS_ORDER, PROGRESS_COLOURS)
    )
    return alt.Scale(domain=order, range=[colours[s] for s in order])


def status_words_expression(status_kind: str) -> str:
    """A Vega expression that shows each status code of a legend or axis (`datum.label`)
    in the reader's words; the data keep the codes, so colours and filters never change."""
    order = INITIATIVE_ORDER if status_kind == "initiative" else PROGRESS_ORDER
    word = initiative_status_label if status_kind == "initiative" else status_label
    expression = "datum.label"
    for status in reversed(order):
        expression = (
            f"datum.label === {json.dumps(status)} ? {json.dumps(word(status))} : {expression}"
        )
    return expression


def status_legend(status_kind: str, title: str, **options: Any) -> alt.Legend:
    """The legend of a status colour, titled `title`, its entries in the reader's words."""
    if current_language() == DEFAULT_LANGUAGE:
        return alt.Legend(title=title, **options)
    return alt.Legend(title=title, labelExpr=status_words_expression(status_kind), **options)
