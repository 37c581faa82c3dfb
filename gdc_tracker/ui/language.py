"""The reader's language in a page run, and the switch that changes it.

The language is the person's: the `?lang=` of the address first (every link the app makes
carries it, so a shared link opens in the sender's language), else the browser's
(`st.context.locale`), else `app.default_language`. It is decided once per run: the
answer is kept on the run's context, so the thousand `_()` calls of a page cost a lookup
each, not a read of the address.
"""

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from gdc_tracker import i18n
from gdc_tracker.i18n import _
from gdc_tracker.ui import cache

PARAMETER = "lang"
SWITCH_KEY = "frame__language"
_RUN_LANGUAGE = "_gdc_tracker_language"  # (run marker, language) kept on the run's context


def _decide() -> str:
    available = i18n.available_languages()
    return (
        i18n.negotiate(st.query_params.get(PARAMETER), available)
        or i18n.negotiate(st.context.locale, available)
        or i18n.negotiate(cache.get_settings().default_language, available)
        or i18n.DEFAULT_LANGUAGE
    )


def reader_language() -> str | None:
    """The language of this page run (None outside one, e.g. in the command line).

    A run's context outlives the run (Streamlit reuses it for the session's next run),
    so the decision is tied to this run's own cursor table, which each run starts anew.
    """
    context = get_script_run_ctx(suppress_warning=True)
    if context is None:
        return None
    marker = id(context.cursors)
    kept = getattr(context, _RUN_LANGUAGE, None)
    if kept is not None and kept[0] == marker:
        return kept[1]
    language = _decide()
    setattr(context, _RUN_LANGUAGE, (marker, language))
    return language


def _forget_decision() -> None:
    context = get_script_run_ctx(suppress_warning=True)
    if context is not None and hasattr(context, _RUN_LANGUAGE):
        delattr(context, _RUN_LANGUAGE)


def install() -> None:
    """Make `_()` speak each reader's language (called once, when the interface loads)."""
    i18n.set_language_resolver(reader_language)


def keep_in_address(language: str) -> None:
    """Write the language into the address bar, so that a copied address keeps it."""
    if st.query_params.get(PARAMETER) != language:
        st.query_params[PARAMETER] = language


def _switched() -> None:
    st.query_params[PARAMETER] = st.session_state[SWITCH_KEY]
    _forget_decision()


def language_switch(language: str) -> None:
    """The sidebar's choice of language, each language named in itself."""
    available = i18n.available_languages()
    if len(available) < 2:
        return
    if st.session_state.get(SWITCH_KEY) != language:
        st.session_state[SWITCH_KEY] = language
    st.selectbox(
        _("Language"),
        available,
        format_func=i18n.language_name,
        key=SWITCH_KEY,
        on_change=_switched,
        help=_("The language of every page, export and report; links you share keep it."),
    )


def page_query(language: str) -> dict[str, str]:
    """The query parameters of a link to another page of the app."""
    return {PARAMETER: language}


def link_query(parameters: dict[str, str] | None = None) -> dict[str, str]:
    """`parameters` of an `st.page_link`, with the reader's language (which a page link
    would otherwise drop: it replaces the whole query)."""
    return {**(parameters or {}), PARAMETER: i18n.current_language()}
