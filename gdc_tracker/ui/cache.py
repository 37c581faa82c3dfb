"""Cached access to the store: the engine once per process, query results per data version.

Every loader takes the data version as its first argument: when any process writes, the
version moves and the next rerun misses the cache, so a write is visible to every reader
at their next rerun. The ttl only bounds memory, never freshness.
"""

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine

from gdc_tracker import bootstrap, config, db, queries
from gdc_tracker.config import Settings

TTL_SECONDS = config.load().cache_ttl_seconds


@st.cache_resource
def get_settings() -> Settings:
    return config.load()


@st.cache_resource(show_spinner="Opening the store…")
def get_engine() -> Engine:
    return bootstrap.prepare_store(get_settings())


def current_data_version() -> int:
    """One primary-key read per rerun; not cached, by design."""
    return db.read_data_version(get_engine())


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def load_headline(data_version: int) -> dict[str, object]:
    with db.session_scope(get_engine()) as session:
        return queries.headline(session)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def load_objectives(data_version: int) -> pd.DataFrame:
    with db.session_scope(get_engine()) as session:
        return queries.objectives(session)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def load_initiative_status_by_objective(data_version: int) -> pd.DataFrame:
    with db.session_scope(get_engine()) as session:
        return queries.initiative_status_by_objective(session)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def load_indicator_status_by_objective(data_version: int) -> pd.DataFrame:
    with db.session_scope(get_engine()) as session:
        return queries.indicator_status_by_objective(session, get_settings().thresholds)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def load_latest_update_by_objective(data_version: int) -> pd.DataFrame:
    with db.session_scope(get_engine()) as session:
        return queries.latest_update_by_objective(session)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def load_recent_updates(data_version: int, limit: int = 10) -> pd.DataFrame:
    with db.session_scope(get_engine()) as session:
        return queries.recent_updates(session, limit=limit)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def load_regional_panel(data_version: int, codes: tuple[str, ...], cycle: str) -> list[dict]:
    with db.session_scope(get_engine()) as session:
        return queries.regional_panel(
            session, codes=codes, cycle=cycle, thresholds=get_settings().thresholds
        )
