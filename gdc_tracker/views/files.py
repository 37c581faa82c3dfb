"""What a downloaded file or chart image says about its figures, for the pages that do not
yet draw a `View`: the `About` of what they show, and the framing of a chart image.

Pages call these so they stay thin; `gdc_tracker.exports` writes the files.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import pandas as pd

from gdc_tracker import provenance, views
from gdc_tracker.i18n import _
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


def legacy_framing(
    *, title: str, filters: Mapping[str, str], source: str | None, as_of: object
) -> dict[str, Any]:
    """The framing of a chart whose page gives no `About` yet: the `source` it names
    (never the product itself), and the demo notice when that source says demo."""
    source = source or provenance.not_stated_label()
    demo = provenance.demo_label() in source
    return {
        "title": title,
        "filters": dict(filters),
        "source": source,
        "timestamp": as_of if isinstance(as_of, datetime | str) else None,
        "notice": _("Demo data, not official statistics") if demo else None,
    }


def about_counts(
    *,
    title: str,
    filters: Mapping[str, str],
    source: str,
    as_of: object,
    count: int,
    demo_values: int = 0,
) -> About:
    """The `About` of a chart counting records from `source` (initiatives by status, say);
    `demo_values` of the `count` values behind it are demo (statuses computed from them)."""
    return About(
        title=title,
        filters=dict(filters),
        sources=(source,) if source else (),
        as_of=views.newest([as_of]) if as_of is not None else None,
        demo_values=demo_values,
        values=count,
    )


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


def about_shown_values(
    values: pd.DataFrame, *, title: str, filters: Mapping[str, str], source: str
) -> About:
    """The `About` of the values shown (`source`, `is_demo`, `updated_at` per row); a value
    whose row names no source has the indicator's `source`, unless it is demo."""
    named = values.get("source", pd.Series("", index=values.index)).fillna("").astype(str)
    filled = values.assign(source=named.mask(named.str.strip() == "", source))
    return views.about_values(filled, title=title, filters=dict(filters))


def with_value_provenance(table: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    """`table` (rows drawn from `values`, same index) with each value's `source` and
    `is_demo`, so its downloads say where each row comes from and whether it is demo."""
    extra = values.reindex(table.index)
    return table.assign(source=extra["source"], is_demo=extra["is_demo"].fillna(False))


__all__ = [
    "about_counts",
    "about_latest_values",
    "about_shown_values",
    "chart_framing",
    "legacy_framing",
    "with_value_provenance",
]
