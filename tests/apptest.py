"""Helpers for AppTest page tests: the one way to open a page, a fresh writable store."""

from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from gdc_tracker import bootstrap, db
from gdc_tracker.auth import Identity
from gdc_tracker.ui.session import IDENTITY_KEY


def fresh_store(tmp_path: Path, *, with_demo: bool = False) -> str:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    bootstrap.seed(engine, with_demo=with_demo)
    engine.dispose()
    return url


def clear_streamlit_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


def open_page(
    path: str = "app.py",
    *,
    identity: Identity | None = None,
    check: bool = True,
    **query: str | list[str],
) -> AppTest:
    """Open `path` as a visitor would: app.py first, then the page (the frame runs on
    both), signed in as `identity`, with `query` in the address. With `check`, a page that
    raised fails the test here, with the exception's text."""
    at = AppTest.from_file("../app.py", default_timeout=60)
    if identity is not None:
        at.session_state[IDENTITY_KEY] = identity
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if path != "app.py":
        at.switch_page(path).run()
    if check:
        assert not at.exception, [e.value for e in at.exception]
    return at
