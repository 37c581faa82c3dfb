"""What a downloaded file or chart image says about its figures: the framing of a chart
image from an `About`, and the `About` of a table of latest values.

Pages call these so they stay thin; `gdc_tracker.exports` writes the files.
"""

from collections.abc import Mapping
from typing import Any

import pandas as pd

from gdc_tracker import views
from gdc_tracker.views import About


def chart_framing(about: About) -> dict[str, Any]:
    """The keyword arguments of `reports.chart_png` / `chart_svg` for a chart showing what
    `about` describes: its short title, filters in words, sources, date and demo notice."""
    return {
        "title": about.title,
        "filters": about.filters_text(),
        "source": about.sources_text(),
        "timestamp": about.as_of,
        "notice": about.notice(),
    }


def about_latest_values(
    data: pd.DataFrame, *, title: str, filters: Mapping[str, str], as_of: object
) -> About:
    """The `About` of a table of indicators' latest values (`source`, `demo_values` per
    indicator): an indicator counts as demo when any of its values is."""
    flagged = data.assign(is_demo=data["demo_values"].fillna(0).astype(int) > 0)
    about = views.about_values(flagged, title=title, filters=dict(filters))
    return About(
        title=about.title,
        filters=about.filters,
        sources=about.sources,
        as_of=views.newest([as_of]) if as_of is not None else None,
        demo_values=about.demo_values,
        values=about.values,
    )


__all__ = [
    "about_latest_values",
    "chart_framing",
]
