"""The preview: every observation checked and classified, nothing written."""

import hashlib
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session, col

from gdc_tracker import sdmx
from gdc_tracker.auth import Identity, require
from gdc_tracker.i18n import N_, _
from gdc_tracker.importing.countries import WORLD_BANK_AGGREGATES, resolver_for
from gdc_tracker.importing.indicators import (
    IndicatorChoice,
    _check_whole_file_indicator,
    _match_indicators,
    _stored_matches,
    _tracked,
    source_key,
)
from gdc_tracker.importing.limits import _MAX_SOURCE, VALUE_TOLERANCE, MappingError, Progress
from gdc_tracker.importing.mapping import ColumnMapping, _texts, _value_cells, file_indicators
from gdc_tracker.importing.observations import Existing, ImportPreview, Key, Observation
from gdc_tracker.importing.rows import _Context, _Reader, writes_decimal_comma
from gdc_tracker.importing.sources import SourceInfo, propose_source
from gdc_tracker.models import (
    NOT_LIVE_STATES,
    Indicator,
    ProgressEntry,
    ReviewState,
    Role,
)


def _live_entries(session: Session, observations: Sequence[Observation]) -> dict[Key, Existing]:
    """The live entries for the keys of `observations`, in one query. Where a published entry
    has a pending correction, the correction is the one an import compares with and changes.

    Rejected, superseded and withdrawn entries are not live (models.NOT_LIVE_STATES): an
    import never compares with them, changes them or brings them back; their cell takes a
    new entry, beside them.
    """
    if not observations:
        return {}
    indicator_ids = sorted({o.indicator_id for o in observations})
    geo_codes = sorted({o.geo_code for o in observations})
    years = [o.year for o in observations]
    statement = (
        sa.select(
            col(ProgressEntry.id),
            col(ProgressEntry.indicator_id),
            col(ProgressEntry.geo_code),
            col(ProgressEntry.period),
            col(ProgressEntry.disaggregation),
            col(ProgressEntry.value),
            col(ProgressEntry.version),
            col(ProgressEntry.review_state),
            col(ProgressEntry.obs_status),
        )
        .where(
            col(ProgressEntry.indicator_id).in_(indicator_ids),
            col(ProgressEntry.geo_code).in_(geo_codes),
            col(ProgressEntry.year).between(min(years), max(years)),
            col(ProgressEntry.review_state).not_in(NOT_LIVE_STATES),
        )
        .order_by(col(ProgressEntry.id))
    )
    found: dict[Key, Existing] = {}
    for row in session.execute(statement):
        key = (row.indicator_id, row.geo_code, row.period, row.disaggregation)
        if key not in found or found[key].review_state == ReviewState.PUBLISHED:
            found[key] = Existing(row.id, row.version, row.value, row.review_state, row.obs_status)
    return found


def _same(a: float | None, b: float) -> bool:
    return a is not None and abs(a - b) <= VALUE_TOLERANCE


def _unchanged(existing: Existing, observation: Observation) -> bool:
    """The same value, and no other observation status (a file that states none keeps
    the stored one)."""
    status = observation.obs_status
    return _same(existing.value, observation.value) and (
        status is None or status == existing.obs_status
    )


class UnitMismatch(MappingError):
    """The file's unit (SDMX UNIT_MEASURE) is not the unit of the indicator it is mapped to."""


def _check_units(
    frame: pd.DataFrame,
    mapping: ColumnMapping,
    choices: Sequence[IndicatorChoice],
    indicators: dict[str, Indicator],
) -> None:
    """Refuse the file when the unit of any of its indicators does not fit the tracked
    indicator it is imported as, naming both units."""
    if not (mapping.unit or mapping.unit_label):
        return
    codes = _texts(frame, mapping.unit)
    labels = _texts(frame, mapping.unit_label)
    texts = _texts(frame, None if mapping.indicator_code else mapping.indicator)
    fixed = (mapping.indicator_code or "").strip().upper()
    matched = {c.file_indicator: c.code for c in choices}
    seen: set[tuple[str, str, str]] = set()
    for text, code, label in zip(texts, codes, labels, strict=True):
        key = (text.strip(), code.strip(), label.strip())
        if key in seen:
            continue
        seen.add(key)
        target = fixed or matched.get(key[0]) or ""
        indicator = indicators.get(target.upper())
        if indicator is None:
            continue
        problem = sdmx.unit_problem(key[1], key[2], indicator.unit)
        if problem:
            raise UnitMismatch(
                _(
                    "The file cannot be imported as {code}: {problem}. Nothing was imported; "
                    "choose an indicator measured in the file's unit."
                ).format(code=indicator.code, problem=problem)
            )


def _world_bank_codes(frame: pd.DataFrame, mapping: ColumnMapping) -> bool:
    """Whether the file's places are World Bank codes: SDMX from Data360, or a country
    column holding World Bank aggregates (AFE, HIC...). Then ARB is the Arab World, not
    ITU's Arab States, even where no name column tells them apart."""
    if mapping.sdmx:
        return True
    codes = {text.strip().upper() for text in _texts(frame, mapping.country)}
    return bool(codes & (WORLD_BANK_AGGREGATES - {"ARB"}))


def _status_labels(frame: pd.DataFrame, mapping: ColumnMapping) -> dict[str, str]:
    """OBS_STATUS codes with the file's own label (OBS_STATUS_LABEL), where it has one."""
    if not mapping.status:
        return {}
    label_column = sdmx.column([str(c) for c in frame.columns], "OBS_STATUS_LABEL")
    labels = _texts(frame, label_column)
    found: dict[str, str] = {}
    for code, label in zip(_texts(frame, mapping.status), labels, strict=True):
        if code.strip() and code.strip() not in found:
            found[code.strip()] = label.strip()
    return found


def _checksum(frame: pd.DataFrame) -> str:
    """The SHA-256 of the file `frame` was read from; of its cells for a frame built in code."""
    known = frame.attrs.get("checksum")
    if known:
        return str(known)
    return hashlib.sha256(frame.to_csv().encode("utf-8")).hexdigest()


def preview(
    session: Session,
    frame: pd.DataFrame,
    mapping: ColumnMapping,
    *,
    by: Identity,
    today: date | None = None,
    filename: str | None = None,
    progress: Progress | None = None,
    source: SourceInfo | None = None,
) -> ImportPreview:
    """Check every observation of `frame` and say what an import would do; writes nothing.

    `source` is the dataset the values come from; None: what the file says of itself
    (`propose_source`), UNKNOWN_SOURCE: not known. A file whose unit does not fit the
    indicator it is imported as is refused (UnitMismatch)."""
    require(by, Role.EDITOR, N_("import progress entries"))
    mapping.check(frame)
    today = today or date.today()
    source = propose_source(frame, today) if source is None else source
    source.check()
    filename = filename or str(frame.attrs.get("filename", "")) or "import"
    indicators = _tracked(session)
    if mapping.indicator_code:
        fixed = indicators.get(mapping.indicator_code.strip().upper())
        if fixed is None:
            raise MappingError(_("Unknown indicator '{code}'.").format(code=mapping.indicator_code))
        if not fixed.is_active:
            raise MappingError(_("'{code}' is no longer in use.").format(code=fixed.code))
    key, choices = "", []
    if mapping.indicator:
        key = source_key(frame, mapping.indicator)
        found = file_indicators(frame, mapping.indicator)
        stored = _stored_matches(session, key)
        choices = _match_indicators(found, mapping, indicators, stored)
        automatic = replace(mapping, indicator_code=None, indicator_map=())
        _check_whole_file_indicator(
            choices, mapping, _match_indicators(found, automatic, indicators, stored)
        )
    _check_units(frame, mapping, choices, indicators)
    context = _Context(
        indicators=indicators,
        resolver=resolver_for(session, world_bank_codes=_world_bank_codes(frame, mapping)),
        today=today,
        default_source=(mapping.default_source.strip() or source.citation())[:_MAX_SOURCE],
    )
    result = ImportPreview(
        filename=filename,
        mapping=mapping,
        rows_read=len(frame),
        checksum=_checksum(frame),
        source_key=key,
        indicator_choices=choices,
        source=source,
        status_labels=_status_labels(frame, mapping),
        encoding=str(frame.attrs.get("encoding", "")),
    )
    context.decimal_comma = writes_decimal_comma(_value_cells(frame, mapping))
    reader = _Reader(context, mapping, result)
    reader.read(frame, progress)
    live = _live_entries(session, reader.accepted)
    for observation in reader.accepted:
        existing = live.get(observation.key)
        if existing is None:
            result.new.append(observation)
        elif _unchanged(existing, observation):
            observation.existing = existing
            result.unchanged.append(observation)
        else:
            observation.existing = existing
            result.changed.append(observation)
    result.problems.sort(key=lambda p: p.row_number)
    return result
