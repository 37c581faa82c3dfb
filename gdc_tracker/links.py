"""Addresses of the app's own views, in the language they were made in.

Every link the app makes (a view's "link to this view", a card's target, a slide's QR
code) goes through `page_url`, which adds `lang=` of the language speaking now: a link a
French delegate shares opens in French for the colleague who follows it.
"""

from collections.abc import Mapping
from urllib.parse import urlencode

from gdc_tracker.i18n import current_language


def page_url(path: str, query: Mapping[str, object] | None = None) -> str:
    """`path` (such as "/indicators") with `query` and the current language.

    Values that are lists or tuples repeat their parameter (`geo=BRA&geo=MEX`); None
    values are left out.
    """
    parameters = {key: value for key, value in (query or {}).items() if value is not None}
    parameters["lang"] = current_language()
    return f"{path}?{urlencode(parameters, doseq=True)}"
