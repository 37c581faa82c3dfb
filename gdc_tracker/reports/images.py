"""Any chart as a PNG or SVG file that carries its title, filters, source and timestamp.

vl-convert renders Vega-Lite with the Vega it bundles: no browser, no network.
"""

import copy
import functools
import json
import struct
import textwrap
from collections.abc import Mapping
from datetime import datetime

import altair as alt
import vl_convert as vlc

from gdc_tracker.i18n import _
from gdc_tracker.reports.common import format_timestamp

FOOTER_FONT_SIZE = 11
FOOTER_LINE_HEIGHT = 15
DEFAULT_WIDTH = 600  # when a chart does not say how wide it is
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def footer_text(
    *, filters: Mapping[str, str], source: str, timestamp: datetime | str | None
) -> str:
    """ "Filters: Objective = 1 · Source: ... · As of 12 May 2025 14:05 UTC"."""
    chosen = ", ".join(f"{k} = {v}" for k, v in filters.items()) if filters else _("none")
    return " · ".join(
        [
            f"{_('Filters')}: {chosen}",
            f"{_('Source')}: {source or _('not stated')}",
            f"{_('As of')} {format_timestamp(timestamp)}",
        ]
    )


def _spec_width(spec: dict) -> int:
    """A spec's drawing width in pixels, summed over side-by-side panels."""
    if "hconcat" in spec:
        # Axis labels beside each panel take about a hundred pixels more.
        return sum(_spec_width(s) + 100 for s in spec["hconcat"])
    width = spec.get("width")
    if isinstance(width, int | float):
        return int(width)
    parts = spec.get("layer") or spec.get("vconcat") or []
    return max((_spec_width(s) for s in parts), default=DEFAULT_WIDTH)


TOP_LEVEL_ONLY = ("$schema", "config", "datasets", "autosize", "background", "padding", "params")


def with_footer(
    chart: alt.TopLevelMixin | dict,
    *,
    title: str,
    filters: Mapping[str, str],
    source: str,
    timestamp: datetime | str | None,
) -> dict:
    """The Vega-Lite spec of `chart` (an Altair chart or its specification) under a title,
    above a footer naming its filters, source and date.

    Built on the chart's dictionary rather than by Altair composition, which copies and
    validates the whole chart several times (seconds for a report's charts).
    """
    inner = copy.deepcopy(chart) if isinstance(chart, dict) else chart.to_dict(validate=False)
    outer = {key: inner.pop(key) for key in TOP_LEVEL_ONLY if key in inner}
    inner.pop("title", None)  # the export's title replaces the chart's own
    width = max(_spec_width(inner), 300)
    lines = textwrap.wrap(
        footer_text(filters=filters, source=source, timestamp=timestamp),
        width=max(int(width / (FOOTER_FONT_SIZE * 0.6)), 40),
    )
    footer = {
        "text": lines,
        "orient": "bottom",
        "anchor": "start",
        "frame": "bounds",
        "fontSize": FOOTER_FONT_SIZE,
        "fontWeight": "normal",
        "lineHeight": FOOTER_LINE_HEIGHT,
        "color": "#444444",
        "offset": 14,
    }
    return {
        **outer,
        "title": {
            "text": title,
            "anchor": "start",
            "frame": "bounds",
            "fontSize": 16,
            "offset": 12,
        },
        # The footer is the title of a wrapper placed under the chart: a title's "bounds"
        # frame starts at the chart's left edge, axis labels included.
        "vconcat": [{"vconcat": [inner], "title": footer}],
        "background": "white",
        "padding": 12,
    }


@functools.lru_cache(maxsize=64)
def _png(spec: str, scale: float) -> bytes:
    """Rendering is the slow part; a report and its deck draw the same charts."""
    return vlc.vegalite_to_png(json.loads(spec), scale=scale)


def chart_png(
    chart: alt.TopLevelMixin | dict,
    *,
    title: str,
    filters: Mapping[str, str],
    source: str,
    timestamp: datetime | str | None,
    scale: float = 2,
) -> bytes:
    """The chart, titled and footed, as PNG bytes (`scale` 2 prints sharply at 150 dpi)."""
    framed = with_footer(chart, title=title, filters=filters, source=source, timestamp=timestamp)
    return _png(json.dumps(framed, sort_keys=True), float(scale))


def chart_svg(
    chart: alt.TopLevelMixin | dict,
    *,
    title: str,
    filters: Mapping[str, str],
    source: str,
    timestamp: datetime | str | None,
) -> str:
    """The chart, titled and footed, as SVG text (text stays text: searchable, selectable)."""
    framed = with_footer(chart, title=title, filters=filters, source=source, timestamp=timestamp)
    return vlc.vegalite_to_svg(framed)


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) in pixels, read from the PNG header."""
    if not png.startswith(PNG_SIGNATURE):
        raise ValueError("Not a PNG image.")
    width, height = struct.unpack(">II", png[16:24])
    return int(width), int(height)
