"""Pure chart builders: DataFrame in, Altair chart out, with a one-sentence summary.

Encodings spell out their types; status colours come from gdc_tracker.palette through
`status_scale`, so a status looks the same on every chart.
"""

from gdc_tracker.charts.base import status_scale
from gdc_tracker.charts.overview import initiative_lines, status_bars, status_bars_summary

__all__ = ["initiative_lines", "status_bars", "status_bars_summary", "status_scale"]
