"""Filters that live in the URL, so every view can be shared and reopened as it was.

Each helper reads its value from the query string (ignoring values it does not know,
so an old or mistyped link still opens), draws the widget, and writes the choice back to
the URL when the reader changes it (the change callback runs before the rerun). The URL
is the one source of truth: the widget's state is set from it on every run, so a link
that arrives with other values, or a page visited before with other choices, never
shows stale state. URL values are short codes (`?objective=3&region=AMS`),
never display labels, so links survive a change of wording or language.

    objective = filters.select("Objective", ["1", "2"], param="objective", labels={...})
"""

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

import streamlit as st

from gdc_tracker.i18n import _


def _widget_key(param: str) -> str:
    return f"url__{param}"


def _write_back(param: str, default: object) -> None:
    value = st.session_state[_widget_key(param)]
    if value in (default, None, "", []) or value == default:
        st.query_params.pop(param, None)
    elif isinstance(value, list | tuple):
        st.query_params[param] = [str(v) for v in value]
    elif isinstance(value, date):
        st.query_params[param] = value.isoformat()
    else:
        st.query_params[param] = str(value)


def _labeller(labels: Mapping[str, str] | Callable[[str], str] | None) -> Callable[[str], str]:
    if labels is None:
        return str
    if callable(labels):
        return labels
    return lambda value: labels.get(value, value)


def url_value(param: str) -> str | None:
    return st.query_params.get(param)


def select(
    label: str,
    options: Sequence[str],
    *,
    param: str,
    labels: Mapping[str, str] | Callable[[str], str] | None = None,
    default: str | None = None,
    **widget_options: Any,
) -> str | None:
    """A selectbox whose choice is `?param=value`; `default` when the URL says nothing valid."""
    options = list(options)
    if not options:
        return None
    fallback = default if default in options else options[0]
    wanted = url_value(param)
    chosen = wanted if wanted in options else fallback
    key = _widget_key(param)
    st.session_state[key] = chosen  # the URL is the one source of truth
    return st.selectbox(
        label,
        options,
        format_func=_labeller(labels),
        key=key,
        on_change=_write_back,
        args=(param, fallback),
        **widget_options,
    )


def multiselect(
    label: str,
    options: Sequence[str],
    *,
    param: str,
    labels: Mapping[str, str] | Callable[[str], str] | None = None,
    default: Sequence[str] = (),
    **widget_options: Any,
) -> list[str]:
    """A multiselect whose choices are repeated `?param=a&param=b`."""
    options = list(options)
    wanted = [v for v in st.query_params.get_all(param) if v in options]
    chosen = wanted or [v for v in default if v in options]
    key = _widget_key(param)
    st.session_state[key] = chosen
    return st.multiselect(
        label,
        options,
        format_func=_labeller(labels),
        key=key,
        on_change=_write_back,
        args=(param, list(default)),
        **({"placeholder": _("Choose options")} | widget_options),
    )


def text(label: str, *, param: str, **widget_options: Any) -> str:
    """A text box (a search, say) whose text is `?param=...`."""
    key = _widget_key(param)
    st.session_state[key] = url_value(param) or ""
    return st.text_input(
        label,
        key=key,
        on_change=_write_back,
        args=(param, ""),
        **widget_options,
    ).strip()


def year(label: str, years: Sequence[int], *, param: str, default: int | None = None) -> int | None:
    """A year chosen from those with data, as `?param=2023`."""
    options = [str(y) for y in sorted(set(years))]
    chosen = select(
        label,
        options,
        param=param,
        default=str(default if default is not None else options[-1]) if options else None,
    )
    return int(chosen) if chosen else None


def day(label: str, *, param: str, default: date, **widget_options: Any) -> date:
    """A date as `?param=2025-06-17`; an unreadable date in the URL falls back to `default`."""
    try:
        chosen = date.fromisoformat(url_value(param) or "")
    except ValueError:
        chosen = default
    key = _widget_key(param)
    st.session_state[key] = chosen
    return st.date_input(
        label,
        key=key,
        on_change=_write_back,
        args=(param, default),
        **widget_options,
    )


def toggle(label: str, *, param: str, **widget_options: Any) -> bool:
    """An on/off switch as `?param=1`."""
    key = _widget_key(param)
    st.session_state[key] = url_value(param) == "1"
    return st.toggle(label, key=key, on_change=_write_flag, args=(param,), **widget_options)


def _write_flag(param: str) -> None:
    if st.session_state[_widget_key(param)]:
        st.query_params[param] = "1"
    else:
        st.query_params.pop(param, None)
