"""Live views: has anything changed since a view was drawn?

One primary-key read of the data version per tick: for a reader of published data, the
public version, which a draft saved, submitted or rejected leaves where it was. When it
has not moved, nothing else is queried and nothing is redrawn; when it has, the view
reruns and its cached loaders miss, because they are keyed on the version. This works
across processes and servers sharing one database, unlike an in-process flag.
"""

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.engine import Engine

from gdc_tracker import db

View = TypeVar("View", bound=Callable[..., object])
# Every view marked `published_only`, by "module.name" (tests/test_live.py checks each).
PUBLISHED_ONLY: dict[str, Callable[..., object]] = {}


def has_moved(engine: Engine, seen_version: int, *, public: bool = False) -> bool:
    """Whether the data version (with `public`, the public one) is no longer `seen_version`."""
    return db.read_data_version(engine, public=public) != seen_version


def published_only(view: View) -> View:
    """Mark a view whose result depends only on what a reader of published data sees.

    Its cached result is keyed on the public data version, which a draft saved, submitted
    or rejected leaves where it was: while editors work, a live screen rerunning after a
    publish finds the result another screen computed, instead of computing it anew at
    each version the drafts moved."""
    PUBLISHED_ONLY[f"{view.__module__}.{view.__name__}"] = view
    return view


def reads_published_only(view: Callable[..., object]) -> bool:
    return PUBLISHED_ONLY.get(f"{view.__module__}.{view.__name__}") is view
