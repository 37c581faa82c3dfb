"""Live views: has anything changed since a view was drawn?

One primary-key read of the data version per tick. When it has not moved, nothing else
is queried and nothing is redrawn; when it has, the view reruns and its cached loaders
miss, because they are keyed on the version. This works across processes and servers
sharing one database, unlike an in-process flag.
"""

from sqlalchemy.engine import Engine

from gdc_tracker import db


def has_moved(engine: Engine, seen_version: int) -> bool:
    return db.read_data_version(engine) != seen_version
