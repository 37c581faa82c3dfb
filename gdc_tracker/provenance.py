"""Where a value comes from, in words: its dataset, its observation status, demo or real.

A figure always names the sources of the values it draws, never the product itself: a
value imported from a published dataset names its organisation, dataset and release; a
value typed with a source names that source; a value with neither says "source not
stated"; a demo value says it is demo data, not official statistics.
"""

from collections.abc import Iterable

import pandas as pd

from gdc_tracker.i18n import N_, _, ngettext

# SDMX's code list CL_OBS_STATUS (SDMX 2.1 cross-domain), as publishers use it.
OBS_STATUS_WORDS = {
    "A": N_("normal value"),
    "B": N_("break in series"),
    "D": N_("definition differs"),
    "E": N_("estimated value"),
    "F": N_("forecast value"),
    "G": N_("experimental value"),
    "I": N_("imputed value"),
    "M": N_("missing value"),
    "N": N_("not significant"),
    "O": N_("missing value"),
    "P": N_("provisional value"),
    # Translators: an observation's status in SDMX: a strike stopped the collection.
    "S": N_("strike"),
    "U": N_("low reliability"),
    "V": N_("unvalidated value"),
}


def demo_label() -> str:
    return _("demo data, not official statistics")


def not_stated_label() -> str:
    return _("source not stated")


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    return str(value).strip()


def source_label(
    *,
    organisation: object = None,
    dataset: object = None,
    release: object = None,
    licence: object = None,
    typed: object = None,
    is_demo: bool = False,
) -> str:
    """One value's source as a reader wants it: "ITU, ICT Indicators Database (2024
    release, CC BY 4.0)", the source typed with it, or "source not stated"."""
    if is_demo:
        return demo_label()
    organisation, dataset = _text(organisation), _text(dataset)
    if organisation or dataset:
        name = ", ".join(part for part in (organisation, dataset) if part)
        details = ", ".join(part for part in (_text(release), _text(licence)) if part)
        return _("{source} ({details})").format(source=name, details=details) if details else name
    return _text(typed) or not_stated_label()


def status_words(code: object) -> str:
    """An observation status code in words ("E" is an estimated value); "" when none."""
    text = _text(code).upper()
    if not text:
        return ""
    return _(OBS_STATUS_WORDS[text]) if text in OBS_STATUS_WORDS else text


def with_source_columns(values: pd.DataFrame) -> pd.DataFrame:
    """`values` (with the provenance columns the value queries read) with `source` in words
    and `obs_status` in words, the raw provenance columns dropped."""
    raw = ["source_organisation", "source_dataset", "source_release", "source_licence"]
    present = [column for column in raw if column in values.columns]
    if values.empty:
        return values.drop(columns=present).assign(
            source=pd.Series(dtype=str), obs_status=pd.Series(dtype=str)
        )
    labels = [
        source_label(
            organisation=row.get("source_organisation"),
            dataset=row.get("source_dataset"),
            release=row.get("source_release"),
            licence=row.get("source_licence"),
            typed=row.get("source"),
            is_demo=bool(row.get("is_demo")),
        )
        for row in values.to_dict("records")
    ]
    statuses = [status_words(code) for code in values.get("obs_status", [None] * len(values))]
    return values.drop(columns=present).assign(source=labels, obs_status=statuses)


def sources_in_words(labels: Iterable[str], *, limit: int = 4) -> str:
    """The distinct sources of the values a figure shows, most frequent first."""
    counted = pd.Series(list(labels), dtype=str).value_counts()
    if counted.empty:
        return not_stated_label()
    names = "; ".join(counted.index[:limit])
    rest = len(counted) - limit
    if rest <= 0:
        return names
    return ngettext("{sources}; and {count} more", "{sources}; and {count} more", rest).format(
        sources=names, count=rest
    )
