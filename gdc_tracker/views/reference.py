"""Facts shared by the screen views: where initiative facts come from, and their date.

Counts of initiatives come from the reference data (their basis is C25/52 or a public
link, recorded per fact); indicator statuses and values from published entries, each
with its own source. The `About` of each view names both and counts the demo values.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from gdc_tracker.i18n import N_, _
from gdc_tracker.models import Initiative
from gdc_tracker.views import newest

REFERENCE_SOURCE = N_("ITU, C25/52 (updates on the ITU action plan for implementing the GDC)")


def reference_source() -> str:
    """Where the initiatives and their links to objectives come from."""
    return _(REFERENCE_SOURCE)


def reference_as_of(session: Session) -> datetime | None:
    """When the initiatives were last changed: the date of the reference facts shown."""
    return newest([session.execute(sa.select(sa.func.max(Initiative.updated_at))).scalar()])
