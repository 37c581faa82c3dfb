"""Presenter slides: any slide's `View` drawn large, for the back of a Council room.

The view comes from the slide registry (gdc_tracker.views.slides), which also feeds the
PowerPoint file, so the room and the file show the same figures, sources and notice.
Each view's `link` is the explore page that shows the same view, for the QR code.
"""

from typing import Any

import streamlit as st

from gdc_tracker import maps
from gdc_tracker.decks import Slide
from gdc_tracker.ui.components import figure_rows, for_screen, plain
from gdc_tracker.ui.frame import PageContext
from gdc_tracker.views import View
from gdc_tracker.views.slides import SLIDE_KINDS, kind_label, params_json, slide_chart, slide_view

# Vega-Lite type sized for 1920x1080 seen from the back of a room.
ROOM_CONFIG: dict[str, Any] = {
    "axis": {"labelFontSize": 18, "titleFontSize": 20, "labelLimit": 360},
    "legend": {"labelFontSize": 18, "titleFontSize": 18, "symbolSize": 200, "labelLimit": 360},
    "header": {"labelFontSize": 18, "titleFontSize": 20},
    "title": {"fontSize": 24},
    "text": {"fontSize": 18},
}
BULLETS_SHOWN = 8
ROOM_ROW_STEP = 30  # pixels a heat-map row takes on a slide: room type is 18 px
ROOM_WIDTH = 1500  # pixels the slide gives a chart at 1920x1080, less the margins
PANEL_GUTTER = 260  # axis labels and titles beside each panel
ROOM_PANEL_HEIGHT = 340
FIGURES_PER_ROW = 5


FIXED_PANELS = "fixed_panels"  # usermeta of a chart whose side-by-side panels keep their widths


def view_of(ctx: PageContext, slide: Slide) -> View:
    """The slide's view, cached at the data version like every page read."""
    return ctx.load(
        slide_view,
        kind=slide.kind,
        params=params_json(slide.params),
        title=slide.title,
        thresholds=ctx.settings.thresholds,
    )


def default_title(ctx: PageContext, slide: Slide) -> str:
    """The slide's title as plain text (pass it through `plain` to show it)."""
    return slide.title or view_of(ctx, slide).title


def room_sized(spec: dict[str, Any]) -> dict[str, Any]:
    """The chart with type large enough to read across a room; side-by-side panels drawn
    at a fixed size (only a single chart stretches to the slide's width by itself)."""
    config = dict(spec.get("config") or {})
    for part, sizes in ROOM_CONFIG.items():
        config[part] = {**(config.get(part) or {}), **sizes}
    sized = {**spec, "config": config}
    if (spec.get("usermeta") or {}).get(FIXED_PANELS):
        sized["hconcat"] = [_with_room_rows(panel) for panel in spec.get("hconcat", [])]
    elif "hconcat" in spec:
        panels = spec["hconcat"]
        width = ROOM_WIDTH // len(panels) - PANEL_GUTTER
        sized["hconcat"] = [_scaled(panel, width) for panel in panels]
    return sized


def _with_room_rows(panel: dict[str, Any]) -> dict[str, Any]:
    """A panel drawn row by row (a heat-map) with rows tall enough for the room's type."""
    height = panel.get("height")
    if isinstance(height, dict) and "step" in height:
        return panel | {"height": {"step": max(height["step"], ROOM_ROW_STEP)}}
    return panel


def _scaled(panel: dict[str, Any], width: int) -> dict[str, Any]:
    """A panel `width` pixels wide, its height grown in proportion."""
    old_width = panel.get("width")
    if not isinstance(old_width, int | float) or old_width <= 0:
        return panel | {"width": width}
    factor = width / old_width
    height = panel.get("height")
    if not isinstance(height, int | float):  # no height, or rows of a step: keep it
        return panel | {"width": width}
    return panel | {"width": width, "height": min(int(height * factor), ROOM_PANEL_HEIGHT)}


def figures(view: View) -> None:
    figure_rows(view.figures, per_row=FIGURES_PER_ROW)


def picture(view: View, key: str) -> None:
    """The map drawn by deck.gl where the view has places, else the chart; its summary is
    what a screen reader reads for it."""
    alt_text = plain(view.summary or view.title)
    if view.kind == "map" and view.places is not None and view.chart is not None:
        options = view.map_options
        st.pydeck_chart(
            maps.choropleth_deck(
                view.places,
                unit=str(options["unit"]),
                higher_is_better=bool(options["higher_is_better"]),
                year=int(options["year"]),
            ),
            height=520,
            key=key,
            alt=alt_text,
        )
    elif view.kind == "regional" and view.places is not None:
        st.pydeck_chart(maps.region_deck(view.places), height=420, key=key, alt=alt_text)
    elif view.chart is not None:
        spec = room_sized(slide_chart(view) or view.chart)
        if "hconcat" not in spec and "vconcat" not in spec:
            spec |= {"height": 430}
        st.vega_lite_chart(spec=for_screen(spec), width="stretch", key=key, alt=alt_text)


def words(view: View) -> None:
    if view.summary:
        st.header(plain(view.summary), anchor=False)
    for bullet in [b for b in view.bullets if b != view.summary][:BULLETS_SHOWN]:
        st.markdown(f"- {plain(bullet)}")
    if len(view.bullets) > BULLETS_SHOWN:
        st.caption(f"… +{len(view.bullets) - BULLETS_SHOWN}")


def draw(ctx: PageContext, slide: Slide) -> View:
    """Draw the slide and return its view, whose `about` the footer shows."""
    view = view_of(ctx, slide)
    if view.problem and view.chart is None and not view.figures:
        st.warning(plain(view.problem))
        return view
    figures(view)
    key = f"present__{slide.kind}"
    if view.kind == "regional":
        left, right = st.columns([3, 2])
        with left:
            picture(view, key)
        with right:
            words(view)
        return view
    picture(view, key)
    words(view)
    return view


__all__ = ["SLIDE_KINDS", "default_title", "draw", "kind_label", "view_of"]
