"""GDC Tracker served with its HTTP routes: `streamlit run serve.py`.

`app.py` is the app itself (the pages); this entry adds, beside them, the routes that set
and clear the HttpOnly session cookie, so a sign-in survives a reload and a new tab
(gdc_tracker.web), the read-only data API under /api/v1 (gdc_tracker.api), and the
security headers every response carries (Content-Security-
Policy, X-Frame-Options...). `streamlit run app.py` still serves the pages, with sign-ins
that last as long as the tab and without those headers.
"""

import streamlit as st

from gdc_tracker import api, web

app = st.App("app.py", routes=web.routes() + api.routes(), middleware=web.middleware())
