"""GDC Tracker served with its HTTP routes: `streamlit run serve.py`.

`app.py` is the app itself (the pages); this entry adds, beside them, the routes that set
and clear the HttpOnly session cookie, so a sign-in survives a reload and a new tab
(gdc_tracker.web), the read-only data API under /api/v1 (gdc_tracker.api), and the
security headers every response carries (Content-Security-
Policy, X-Frame-Options...). Before the server answers anyone, the store is created,
migrated and seeded (`bootstrap.prepare_before_serving`), so the first visitor never waits
on a blank page and the health check says "ok" only when the store is ready.
`streamlit run app.py` still serves the pages, with sign-ins that last as long as the tab,
without those headers, and preparing the store at the first visit.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import streamlit as st

from gdc_tracker import api, bootstrap, web


@asynccontextmanager
async def prepared_store(_app: Any) -> AsyncIterator[None]:
    await asyncio.to_thread(bootstrap.prepare_before_serving)
    yield


app = st.App(
    "app.py",
    routes=web.routes() + api.routes(),
    middleware=web.middleware(),
    lifespan=prepared_store,
)
