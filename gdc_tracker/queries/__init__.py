"""The read side: SQL that aggregates in the database and returns DataFrames.

One module per area (overview, objectives, initiatives, indicators, geography). Every
function takes a Session first and plain, hashable keyword arguments, and returns a
DataFrame (or plain data) with the columns its docstring names, also when there are no
rows. Only published entries are read: drafts and submissions never reach these views.
"""

from gdc_tracker.queries.overview import *  # noqa: F403
from gdc_tracker.queries.overview import __all__ as _overview_all

__all__ = list(_overview_all)
