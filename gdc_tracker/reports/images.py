"""Any chart as a PNG or SVG file that carries its title, filters, source, timestamp and,
when any value is demo, the demo notice.

vl-convert renders Vega-Lite with the Vega it bundles: no browser, no network. A file is
drawn at a readable width: long titles wrap, a chart wider than `MAX_WIDTH` is narrowed,
and a legend under (or over) the chart wraps into columns instead of one long row.
"""

import copy
import functools
import json
import struct
import textwrap
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING

import altair as alt
import vl_convert as vlc

from gdc_tracker.i18n import _, is_right_to_left

if TYPE_CHECKING:
    from gdc_tracker.views import View
from gdc_tracker.reports.common import format_timestamp

FOOTER_FONT_SIZE = 11
FOOTER_LINE_HEIGHT = 15
DEFAULT_WIDTH = 600  # when a chart does not say how wide it is
MAX_WIDTH = 1000  # the widest plot drawn; with axes, labels and padding about 1,200 px
TITLE_FONT_SIZE = 16
NOTICE_COLOUR = "#8b0000"  # dark red: the demo notice must not be missed
LEGEND_CHANNELS = ("color", "fill", "stroke", "shape", "size", "opacity", "strokeDash")
LEGEND_LABEL_LIMIT = 160  # Vega's default, in pixels
LEGEND_CHARACTER = 6  # pixels per character of a legend label, roughly
LEGEND_SYMBOL = 36  # the symbol, its gap and the padding between columns
LINE_GAP = 2  # pixels between the lines of a right-to-left title drawn one per line
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


Filters = Mapping[str, str] | str  # label -> choice, or already in words


def footer_parts(*, filters: Filters, source: str, timestamp: datetime | str | None) -> list[str]:
    """The filters, the source and the date, each as the footer says it.

    `filters` in words ("Geographies: World, El Salvador") is written as given."""
    if isinstance(filters, str):
        chosen = filters or _("none")
    else:
        chosen = ", ".join(f"{k} = {v}" for k, v in filters.items()) if filters else _("none")
    return [
        _("Filters: {filters}").format(filters=chosen),
        _("Source: {source}").format(source=source or _("not stated")),
        _("As of {date}").format(date=format_timestamp(timestamp)),
    ]


def footer_text(*, filters: Filters, source: str, timestamp: datetime | str | None) -> str:
    """ "Filters: Objective = 1 · Source: ... · As of 12 May 2025 14:05 UTC"."""
    return " · ".join(footer_parts(filters=filters, source=source, timestamp=timestamp))


def footer_lines(
    *, filters: Filters, source: str, timestamp: datetime | str | None, width: float
) -> list[str]:
    """The footer in lines about `width` pixels long.

    Right to left, each part starts a line of its own: the renderer lays out a line that
    mixes Arabic with Latin names and digits by its own measure of each run, and runs of
    two parts on one wrapped line were drawn over each other."""
    parts = footer_parts(filters=filters, source=source, timestamp=timestamp)
    if not is_right_to_left():
        return _wrap(" · ".join(parts), width, FOOTER_FONT_SIZE)
    return [line for part in parts for line in _wrap(part, width, FOOTER_FONT_SIZE)]


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


def _parts(spec: dict) -> list[dict]:
    """The sub-specifications drawn inside `spec` (layers, panels, a facet's cell)."""
    parts = [*spec.get("layer", []), *spec.get("hconcat", []), *spec.get("vconcat", [])]
    parts += spec.get("concat", [])
    if isinstance(spec.get("spec"), dict):
        parts.append(spec["spec"])
    return [part for part in parts if isinstance(part, dict)]


COMPOSED = ("hconcat", "vconcat", "concat", "facet", "repeat")


def _with_set_width(spec: dict) -> None:
    """A single chart drawn across its container (or at Vega's default 300 pixels) gets
    `DEFAULT_WIDTH` in a file, in place: a file has no container to fill."""
    if not any(key in spec for key in COMPOSED) and not isinstance(spec.get("width"), int | float):
        spec["width"] = DEFAULT_WIDTH


def _narrowed(spec: dict, limit: float) -> None:
    """Cap the drawn width of `spec` at about `limit` pixels, in place: a set width is
    lowered, side-by-side panels share the room, a wrapped facet takes fewer columns."""
    if "hconcat" in spec:
        share = max(limit / len(spec["hconcat"]) - 100, 150)  # axis labels beside each
        for panel in spec["hconcat"]:
            _narrowed(panel, share)
        return
    width = spec.get("width")
    if isinstance(width, int | float) and width > limit:
        spec["width"] = int(limit)
    facet = spec.get("facet")
    if isinstance(facet, dict) and "field" in facet and isinstance(spec.get("spec"), dict):
        cell = _spec_width(spec["spec"]) if "width" in spec["spec"] else 300
        spec["columns"] = max(1, min(spec.get("columns") or 99, int(limit // (cell + 40))))
        _narrowed(spec["spec"], limit)
        return
    for part in _parts(spec):
        _narrowed(part, limit)


def _legend_entry_width(channel: dict, legend: dict) -> int:
    """The widest a legend entry of `channel` can be, from its labels where known."""
    limit = legend.get("labelLimit", LEGEND_LABEL_LIMIT)
    domain = (channel.get("scale") or {}).get("domain")
    if isinstance(domain, list) and domain:
        limit = min(limit, LEGEND_CHARACTER * max(len(str(label)) for label in domain))
    return int(limit) + LEGEND_SYMBOL


def _wrapped_legends(spec: dict, width: float) -> None:
    """Legends under or over a chart lay their entries in one row, however many there are
    (Vega's default): give each such legend as many columns as fit in `width`, in place."""
    for channel in (spec.get("encoding") or {}).values():
        legend = channel.get("legend") if isinstance(channel, dict) else None
        if isinstance(legend, dict) and legend.get("orient") in ("top", "bottom"):
            if "columns" not in legend:
                legend["columns"] = max(1, int(width // _legend_entry_width(channel, legend)))
    for part in _parts(spec):
        _wrapped_legends(part, width)


TOP_LEVEL_ONLY = ("$schema", "config", "datasets", "autosize", "background", "padding", "params")


def with_footer(
    chart: alt.TopLevelMixin | dict,
    *,
    title: str,
    filters: Filters,
    source: str,
    timestamp: datetime | str | None,
    notice: str | None = None,
) -> dict:
    """The Vega-Lite spec of `chart` (an Altair chart or its specification) under a title,
    above a footer naming its filters, source and date, then `notice` (the demo notice)
    in bold dark red when given.

    Built on the chart's dictionary rather than by Altair composition, which copies and
    validates the whole chart several times (seconds for a report's charts).
    """
    inner = copy.deepcopy(chart) if isinstance(chart, dict) else chart.to_dict(validate=False)
    outer = {key: inner.pop(key) for key in TOP_LEVEL_ONLY if key in inner}
    inner.pop("title", None)  # the export's title replaces the chart's own
    _with_set_width(inner)
    _narrowed(inner, MAX_WIDTH)
    width = min(max(_spec_width(inner), 300), MAX_WIDTH)
    _wrapped_legends(inner, width)
    footer = {
        "text": footer_lines(filters=filters, source=source, timestamp=timestamp, width=width),
        "orient": "bottom",
        "anchor": "start",
        "frame": "bounds",
        "fontSize": FOOTER_FONT_SIZE,
        "fontWeight": "normal",
        "lineHeight": FOOTER_LINE_HEIGHT,
        "color": "#444444",
        "offset": 14,
    }
    heading = {
        "text": _wrap(title, width, TITLE_FONT_SIZE),
        "anchor": "start",
        "frame": "bounds",
        "fontSize": TITLE_FONT_SIZE,
        "offset": 12,
    }
    if is_right_to_left():
        return {**outer, **_one_title_per_line(inner, heading, footer, notice, width)}
    if notice:
        footer |= {
            "subtitle": _wrap(notice, width, FOOTER_FONT_SIZE),
            "subtitleFontSize": FOOTER_FONT_SIZE,
            "subtitleFontWeight": "bold",
            "subtitleColor": NOTICE_COLOUR,
            "subtitleLineHeight": FOOTER_LINE_HEIGHT,
            "subtitlePadding": 4,
        }
    return {
        **outer,
        "title": heading,
        # The footer is the title of a wrapper placed under the chart: a title's "bounds"
        # frame starts at the chart's left edge, axis labels included.
        "vconcat": [{"vconcat": [inner], "title": footer}],
        "background": "white",
        "padding": 12,
    }


def _one_title_per_line(
    inner: dict, heading: dict, footer: dict, notice: str | None, width: float
) -> dict:
    """The chart inside one wrapper per line of its title, footer and notice.

    The renderer draws a title of several lines as one text, and reorders the right-to-left
    runs of all its lines together: Arabic lines came out drawn over each other. A title of
    one line each is drawn as it should be."""
    notice_lines = _wrap(notice, width, FOOTER_FONT_SIZE) if notice else []
    notice_style = footer | {"fontWeight": "bold", "color": NOTICE_COLOUR}
    below = [footer | _right_to_left(line) for line in footer["text"]]
    below += [notice_style | _right_to_left(line) for line in notice_lines]
    above = [heading | _right_to_left(line) for line in heading["text"]]
    body: dict = {"vconcat": [inner]}
    for index, line in enumerate(below):  # the first line innermost: nearest the chart
        body = {"vconcat": [body], "title": line | ({} if index == 0 else {"offset": LINE_GAP})}
    for index, line in enumerate(reversed(above)):  # the last line innermost
        body = {"vconcat": [body], "title": line | ({} if index == 0 else {"offset": LINE_GAP})}
    return body | {"background": "white", "padding": 12}


def _right_to_left(line: str) -> dict:
    """A title line set right to left against the right edge: isolated (U+2067...U+2069) so
    that a Latin word or a time at its end stays at its end, on the left."""
    return {"text": f"\u2067{line}\u2069", "anchor": "end"}


def _wrap(text: str, width: float, font_size: int) -> list[str]:
    """`text` in lines about `width` pixels long (a character is about 0.6 em wide)."""
    return textwrap.wrap(text, width=max(int(width / (font_size * 0.6)), 30)) or [""]


@functools.lru_cache(maxsize=64)
def _png(spec: str, scale: float) -> bytes:
    """Rendering is the slow part; a report and its deck draw the same charts."""
    return vlc.vegalite_to_png(json.loads(spec), scale=scale)


def chart_png(
    chart: alt.TopLevelMixin | dict,
    *,
    title: str,
    filters: Filters,
    source: str,
    timestamp: datetime | str | None,
    scale: float = 2,
    notice: str | None = None,
) -> bytes:
    """The chart, titled and footed, as PNG bytes (`scale` 2 prints sharply at 150 dpi)."""
    framed = with_footer(
        chart, title=title, filters=filters, source=source, timestamp=timestamp, notice=notice
    )
    return _png(json.dumps(framed, sort_keys=True), float(scale))


def chart_svg(
    chart: alt.TopLevelMixin | dict,
    *,
    title: str,
    filters: Filters,
    source: str,
    timestamp: datetime | str | None,
    notice: str | None = None,
) -> str:
    """The chart, titled and footed, as SVG text (text stays text: searchable, selectable)."""
    framed = with_footer(
        chart, title=title, filters=filters, source=source, timestamp=timestamp, notice=notice
    )
    return vlc.vegalite_to_svg(framed)


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) in pixels, read from the PNG header."""
    if not png.startswith(PNG_SIGNATURE):
        raise ValueError("Not a PNG image.")
    width, height = struct.unpack(">II", png[16:24])
    return int(width), int(height)


def view_image(view: "View", *, scale: float = 2) -> bytes:
    """A view's chart as PNG, framed by its About: the picture a report section, a slide
    and the page's PNG button all give for the same view."""
    from gdc_tracker.views.files import chart_framing

    if view.chart is None:
        raise ValueError(f"the view '{view.title}' has no chart")
    return chart_png(view.chart, **chart_framing(view.about), scale=scale)
