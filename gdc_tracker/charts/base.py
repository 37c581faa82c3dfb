"""What every chart shares: the status colour scales."""

import altair as alt

from gdc_tracker.palette import (
    INITIATIVE_COLOURS,
    INITIATIVE_ORDER,
    PROGRESS_COLOURS,
    PROGRESS_ORDER,
)


def status_scale(status_kind: str) -> alt.Scale:
    """The shared colour scale: `status_kind` is "progress" or "initiative"."""
    order, colours = (
        (INITIATIVE_ORDER, INITIATIVE_COLOURS)
        if status_kind == "initiative"
        else (PROGRESS_ORDER, PROGRESS_COLOURS)
    )
    return alt.Scale(domain=order, range=[colours[s] for s in order])
