"""GDC Tracker served with its HTTP routes: `streamlit run serve.py`.

`app.py` is the app itself (the pages); this entry adds, beside them, the routes that set
and clear the HttpOnly session cookie, so a sign-in survives a reload and a new tab
(gdc_tracker.web). `streamlit run app.py` still serves the pages, with sign-ins that last
as long as the tab.
"""

import streamlit as st

from gdc_tracker import web

app = st.App("app.py", routes=web.routes())
