"""Which tracked indicator a file's indicator is."""

import hashlib
import unicodedata
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session, col

from gdc_tracker.i18n import _
from gdc_tracker.importing.headers import _header_key, _header_words, header_period
from gdc_tracker.importing.limits import MappingError
from gdc_tracker.importing.mapping import ColumnMapping, MatchedBy, file_indicators
from gdc_tracker.models import (
    Indicator,
    IndicatorMapping,
)


def source_key(frame: pd.DataFrame, indicator_column: str) -> str:
    """The key under which the matches of a file's indicators are kept (IndicatorMapping).

    It is the indicator column's header with a fingerprint of the file's other headers
    (year columns and cells beyond the header left out). A publisher's download keeps
    its headers from one edition to the next while its file name changes (dates,
    versions), so the next edition finds what was confirmed for this one; a file of
    another shape starts afresh, since the same words may mean another indicator there.
    """
    extra = set(frame.attrs.get("extra_columns", ()))
    headers = sorted(
        {
            _source_header_key(str(name))
            for name in frame.columns
            if header_period(name) is None and name not in extra
        }
    )
    digest = hashlib.sha256("\n".join(headers).encode("utf-8")).hexdigest()[:16]
    return f"{_source_header_key(indicator_column)[:100]}#{digest}"


def _source_header_key(name: str) -> str:
    """A header as `source_key` keeps it: a header in Latin letters keeps the key of the
    first releases (so the matches confirmed then are found again); one with letters of
    another script is keyed by its own words, which that key reduced to nothing (every
    Russian or Chinese header would have been the same)."""
    if any(char.isalpha() and not _is_latin(char) for char in name):
        return _header_words(name)
    return _header_key(name)


def _is_latin(char: str) -> bool:
    """Latin script, or a letter before the Greek block ("º" of "Nº", "µ")."""
    return ord(char) < 0x0370 or unicodedata.name(char, "").startswith("LATIN")


@dataclass(frozen=True, slots=True)
class IndicatorChoice:
    """How one of the file's own indicators is imported: as a tracked indicator (`code`)
    or skipped (None), and why: the one indicator chosen for the whole file, chosen by
    the user, a match the user confirmed earlier for the same source, the tracked code
    itself, a tracked indicator's name, or nothing matched."""

    file_indicator: str
    rows: int
    code: str | None
    matched_by: MatchedBy


def _indicator_words(text: str) -> str:
    return " ".join(text.casefold().split())


def _stored_matches(session: Session, key: str) -> dict[str, str | None]:
    """The matches confirmed earlier for this source: file's text -> code (None: skip)."""
    rows = session.execute(
        sa.select(col(IndicatorMapping.file_indicator), col(Indicator.code))
        .outerjoin(Indicator, col(Indicator.id) == IndicatorMapping.indicator_id)
        .where(col(IndicatorMapping.source_key) == key)
    ).all()
    return {row.file_indicator: row.code for row in rows}


def _tracked(session: Session) -> dict[str, Indicator]:
    """Every indicator of the store by its code in capitals."""
    return {
        indicator.code.upper(): indicator
        for indicator in session.execute(sa.select(Indicator)).scalars()
    }


def _match_indicators(
    found: dict[str, int],
    mapping: ColumnMapping,
    indicators: dict[str, Indicator],
    stored: dict[str, str | None],
) -> list[IndicatorChoice]:
    """Each file indicator's match: the user's choice, else a stored match, else the
    tracked code, else a tracked indicator's name (case and spacing aside), else none."""
    chosen = dict(mapping.indicator_map)
    by_name = {_indicator_words(i.name): i.code for i in indicators.values()}
    choices = []
    for text, rows in found.items():
        code: str | None
        how: MatchedBy
        if mapping.indicator_code:
            code, how = mapping.indicator_code.strip().upper(), "whole file"
        elif text in chosen:
            code, how = chosen[text].strip() or None, "chosen"
        elif text in stored:
            code, how = stored[text], "stored"
        elif text.upper() in indicators:
            code, how = text.upper(), "code"
        elif _indicator_words(text) in by_name:
            code, how = by_name[_indicator_words(text)], "name"
        else:
            code, how = None, "none"
        if code is not None:
            known = indicators.get(code.upper())
            if known is None:
                raise MappingError(
                    _("Unknown indicator '{code}' chosen for the file's '{text}'.").format(
                        code=code, text=text
                    )
                )
            code = known.code
        choices.append(IndicatorChoice(text, rows, code, how))
    return choices


def indicator_choices(
    session: Session, frame: pd.DataFrame, mapping: ColumnMapping
) -> list[IndicatorChoice]:
    """How each of the file's own indicators would be imported, for the user to confirm or
    change (in `mapping.indicator_map`); [] without an indicator column."""
    if not mapping.indicator or mapping.indicator not in frame.columns:
        return []
    found = file_indicators(frame, mapping.indicator)
    stored = _stored_matches(session, source_key(frame, mapping.indicator))
    return _match_indicators(found, mapping, _tracked(session), stored)


def _check_whole_file_indicator(
    choices: list[IndicatorChoice], mapping: ColumnMapping, automatic: list[IndicatorChoice]
) -> None:
    """Refuse one indicator for the whole file where the file's column names another."""
    if not mapping.indicator_code or not automatic:
        return
    [named] = automatic  # ColumnMapping.check refused a column of several indicators
    [chosen] = choices
    if named.code is not None and named.code != chosen.code:
        raise MappingError(
            _(
                "Column '{column}' says the file holds '{text}', which is {code} here, not "
                "{chosen}: choose {code}, or leave the indicator to the column."
            ).format(
                column=mapping.indicator,
                text=named.file_indicator,
                code=named.code,
                chosen=chosen.code,
            )
        )
