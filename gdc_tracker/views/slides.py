"""The slide registry: one builder per slide kind, shared by presenter mode and the deck file.

A slide is (kind, params) as a deck saves it (gdc_tracker.decks.Slide). `slide_view`
builds its `View`; presenter mode draws it on screen and the PowerPoint file draws the
same value, so a slide cannot say one thing in the room and another in the file.
"""

import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from gdc_tracker.i18n import N_, _
from gdc_tracker.queries import changes
from gdc_tracker.status import DEFAULT_THRESHOLDS, Thresholds
from gdc_tracker.views import View
from gdc_tracker.views.changes import changes_view
from gdc_tracker.views.cycles import update_cycle_view
from gdc_tracker.views.gaps import YEARS_SHOWN, data_gaps_view
from gdc_tracker.views.implementation import implementation_map_view
from gdc_tracker.views.indicator import indicator_series_view
from gdc_tracker.views.map import map_view
from gdc_tracker.views.objective import objective_view
from gdc_tracker.views.objective_matrix import objective_matrix_view
from gdc_tracker.views.regional import regional_view

SLIDE_KINDS: dict[str, str] = {  # English, marked for the catalogues: see `kind_label`
    "objective": N_("Objective summary"),
    "indicator": N_("Indicator chart"),
    "map": N_("Map for a year"),
    "regional": N_("Regional initiative"),
    "implementation_map": N_("GDC Implementation Map"),
    "objective_matrix": N_("Initiatives and the five objectives"),
    "data_gaps": N_("Data gaps"),
    "update_cycle": N_("Update cycle"),
    "changes": N_("What changed since"),
}
FALLBACK_LOOKBACK = timedelta(days=180)  # when the store holds no Council session
SUMMARY_ONLY = ("objective_matrix",)  # kinds whose slide shows the top panel only
SLIDE_CHART_WIDTH, SLIDE_CHART_HEIGHT = 1500, 340


def kind_label(kind: str) -> str:
    """The slide kind in the reader's language ("Map for a year"); an unknown kind as is."""
    return _(SLIDE_KINDS[kind]) if kind in SLIDE_KINDS else kind


def _int_or_none(value: object) -> int | None:
    try:
        return int(float(str(value))) if value not in (None, "") else None
    except ValueError:
        return None


def default_since(session: Session, today: date | None = None) -> date:
    """The start of the previous Council session in the store, else about six months back."""
    today = today or date.today()
    return changes.previous_council_session(session, today=today) or today - FALLBACK_LOOKBACK


def _since(session: Session, params: dict[str, Any]) -> date:
    try:
        return date.fromisoformat(str(params.get("since")))
    except ValueError:
        return default_since(session)


def _changes(session: Session, params: dict[str, Any], thresholds: Thresholds) -> View:
    return changes_view(session, since=_since(session, params), thresholds=thresholds)


Builder = Callable[[Session, dict[str, Any], Thresholds], View]

BUILDERS: dict[str, Builder] = {
    "objective": lambda s, p, t: objective_view(s, number=int(p.get("objective", 1)), thresholds=t),
    "indicator": lambda s, p, t: indicator_series_view(
        s,
        code=str(p.get("indicator", "UMC_INTERNET_USE")),
        geo_codes=tuple(p.get("geo") or ["WLD"]),
        thresholds=t,
    ),
    "map": lambda s, p, t: map_view(
        s,
        code=str(p.get("indicator", "UMC_INTERNET_USE")),
        year=_int_or_none(p.get("year")),
        thresholds=t,
    ),
    "regional": lambda s, p, t: regional_view(
        s, key=str(p.get("ri", "AMS2/2023-2025")), thresholds=t
    ),
    "implementation_map": lambda s, p, t: implementation_map_view(
        s,
        framework=str(p.get("framework", "gdc")),
        columns=str(p.get("columns", "sector")),
        objective=_int_or_none(p.get("objective")),
        level=str(p.get("level", "paragraphs")),
    ),
    "objective_matrix": lambda s, p, t: objective_matrix_view(s),
    "data_gaps": lambda s, p, t: data_gaps_view(
        s,
        indicator=p.get("indicator") or None,
        by=str(p.get("by", "region")),
        # the page's default window, so the slide reads at the back of the room
        year_from=_int_or_none(p.get("year_from")) or date.today().year - YEARS_SHOWN,
        year_to=_int_or_none(p.get("year_to")),
    ),
    "update_cycle": lambda s, p, t: update_cycle_view(s, cycle=p.get("cycle") or None),
    "changes": _changes,
}


def slide_chart(view: View) -> dict[str, Any] | None:
    """The chart a slide shows: the whole chart, or for a kind in `SUMMARY_ONLY` its top
    panel only."""
    if view.chart is None or view.kind not in SUMMARY_ONLY:
        return view.chart
    return first_panel(view.chart)


def first_panel(spec: dict[str, Any]) -> dict[str, Any]:
    """The top panel of stacked charts: the implementation map's totals fit a slide, its
    matrix of every initiative does not (the audience's link opens the whole of it)."""
    if not spec.get("vconcat"):
        return spec
    top = _with_x_labels(spec["vconcat"][0])
    return (
        {key: value for key, value in spec.items() if key != "vconcat"}
        | top
        | {
            "width": SLIDE_CHART_WIDTH,
            "height": SLIDE_CHART_HEIGHT,
        }
    )


def _with_x_labels(part: Any) -> Any:
    """`part` with its x-axis labels shown (a panel over another shares the lower's labels)."""
    if isinstance(part, list):
        return [_with_x_labels(item) for item in part]
    if not isinstance(part, dict):
        return part
    copied = {key: _with_x_labels(value) for key, value in part.items()}
    x = copied.get("encoding", {}).get("x")
    if isinstance(x, dict) and "axis" in x and x.get("type") == "nominal":
        x["axis"] = (x["axis"] or {}) | {"labels": True, "labelAngle": 0, "labelLimit": 280}
    return copied


def slide_view(
    session: Session,
    *,
    kind: str,
    params: str = "{}",
    title: str = "",
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> View:
    """The view of one slide; `params` is the slide's parameters as JSON (hashable, so the
    pages' cache can key on it), `title` the presenter's own title for the slide."""
    builder = BUILDERS.get(kind)
    if builder is None:
        raise ValueError(f"unknown slide kind '{kind}'")
    return builder(session, json.loads(params or "{}"), thresholds).titled(title)


def params_json(params: dict[str, Any]) -> str:
    return json.dumps(params, sort_keys=True, default=str)
