"""A read-only data API beside the pages, under /api/v1: published data only, as JSON,
CSV, SDMX-CSV and a Frictionless Data Package.

`routes()` gives the Starlette routes to serve with `st.App(..., routes=...)`;
`queries` holds the reads (plain functions of a Session), `formats` the writers the
pages' download buttons can share.
"""

from gdc_tracker.api.routes import routes

__all__ = ["routes"]
