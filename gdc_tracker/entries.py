"""The write side of progress entries: validate, add, correct, submit, review.

Every command runs inside the caller's transaction (`db.session_scope`) and appends its
audit record and bumps the data version there, so either all of it lands or none of it.
Edits carry the version they started from: if someone saved in between, the edit is
refused with the newer values (StaleEdit) and nothing is overwritten.

Review states: draft -> submitted -> published, or submitted -> rejected (with a reason);
a rejected or draft entry can be corrected and submitted again, and its author can
withdraw it before it is published (kept, never deleted). Only published entries appear
on the explore pages, and this holds for initiative updates too: an update's status and
the milestones it marks done change the initiative only when the update is published.

Who may act is checked inside the writing transaction (`auth.authorize`): the role is the
one the store holds at that moment, not the one the form was drawn for.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any, cast
from urllib.parse import urlparse

import sqlalchemy as sa
from sqlmodel import Session, col, select

from gdc_tracker.audit import record_change, snapshot
from gdc_tracker.auth import Identity, authorize
from gdc_tracker.errors import (
    DuplicateEntry,
    FieldProblem,
    NotAllowed,
    NotFound,
    StaleEdit,
    ValidationFailed,
)
from gdc_tracker.i18n import N_, _, ngettext
from gdc_tracker.models import (
    NOT_LIVE_STATES,
    TOTAL,
    Geography,
    GeographyKind,
    Indicator,
    IndicatorKind,
    Initiative,
    InitiativeStatus,
    Milestone,
    ProgressEntry,
    ReviewState,
    Role,
    geography_kind_label,
    review_state_label,
    unit_label,
    utc_now,
)
from gdc_tracker.numbers import DEFAULT_LOCALE, NumberProblem, decimal_for_people, parse_number
from gdc_tracker.periods import Period, PeriodError, parse_period

EARLIEST_YEAR = 1990  # no indicator this product tracks has meaningful data before
# The longest text each field takes, the same on SQLite and PostgreSQL (the columns'
# own limits, or a limit of the product's for the unbounded text columns).
MAX_LENGTHS = {"source": 300, "evidence_url": 500, "narrative": 5_000}
MAX_REASON_LENGTH = 1_000
DISAGGREGATION_DIMENSIONS = {
    "sex": ("female", "male"),
    "area": ("urban", "rural"),
    "age": ("15-24", "25-74", "75+"),
}


@dataclass(frozen=True)
class EntryDraft:
    """What a person typed: an indicator value or an initiative's narrative update."""

    period: str
    indicator_code: str | None = None
    initiative_slug: str | None = None
    geo_code: str = "WLD"
    # A number, or the text as typed, read in `locale` ("8,5" is 8.5 in French).
    value: float | str | None = None
    status: str | None = None
    disaggregation: str = TOTAL
    narrative: str = ""
    evidence_url: str | None = None
    source: str = ""
    milestones_done: tuple[int, ...] = ()  # an initiative update: milestones it marks done
    locale: str = DEFAULT_LOCALE


@dataclass(frozen=True)
class ResolvedEntry:
    """A draft that passed validation, with its references resolved to ids."""

    values: dict[str, Any]
    indicator: Indicator | None


# Rules shared with the bulk importer (gdc_tracker.importing): each returns the reason a
# value cannot be stored, or None when it can.


def value_problem(indicator: Indicator, value: float | None) -> str | None:
    """Why `value` is not a storable value of `indicator` (missing, not finite, out of bounds)."""
    if value is None:
        return _("enter a value")
    if value != value or value in (float("inf"), float("-inf")):
        return _("enter a number")
    low, high = indicator.min_value, indicator.max_value
    if (low is not None and value < low) or (high is not None and value > high):
        return _out_of_bounds(indicator, low, high)
    return None


def _out_of_bounds(indicator: Indicator, low: float | None, high: float | None) -> str:
    """ "a percentage must be between 0 and 100 (percent)": the bounds a value must keep."""
    percentage = indicator.unit == "percent"
    if low is not None and high is not None:
        if percentage:
            rule = _("a percentage must be between {low} and {high} ({unit})")
        else:
            rule = _("this value must be between {low} and {high} ({unit})")
    elif low is not None:
        if percentage:
            rule = _("a percentage must be at least {low} ({unit})")
        else:
            rule = _("this value must be at least {low} ({unit})")
    elif percentage:
        rule = _("a percentage must be at most {high} ({unit})")
    else:
        rule = _("this value must be at most {high} ({unit})")
    return rule.format(low=_bound(low), high=_bound(high), unit=unit_label(indicator.unit))


def _bound(value: float | None) -> str:
    return "" if value is None else decimal_for_people(value, "#,##0.######")


def disaggregation_problem(indicator: Indicator, text: str) -> str | None:
    """Why `text` ("total" or "dimension:category") is not a breakdown of `indicator`."""
    if text == TOTAL:
        return None
    dimension, _colon, category = text.partition(":")
    if dimension not in indicator.disaggregations:
        # Translators: {dimension} and {allowed} are breakdowns as typed (sex, area, age).
        return _("'{dimension}' is not allowed for this indicator (allowed: {allowed})").format(
            dimension=dimension, allowed=", ".join(indicator.disaggregations) or _("none")
        )
    categories = DISAGGREGATION_DIMENSIONS.get(dimension, ())
    if category not in categories:
        # Translators: {dimension} is a breakdown as typed (sex, area, age); {allowed} its
        # categories as typed (female, male).
        return _("'{category}' is not a category of {dimension} (allowed: {allowed})").format(
            category=category, dimension=dimension, allowed=", ".join(categories) or _("none")
        )
    return None


def geography_level_problem(indicator: Indicator, kind: str) -> str | None:
    """Why `indicator` is not reported for a geography of this kind (world, region, country)."""
    if indicator.geographies and kind not in indicator.geographies:
        if kind == GeographyKind.WORLD:
            refusal = _("this indicator is reported for: {levels}, not for the world")
        elif kind == GeographyKind.REGION:
            refusal = _("this indicator is reported for: {levels}, not for a region")
        else:
            refusal = _("this indicator is reported for: {levels}, not for a country")
        levels = ", ".join(geography_kind_label(level) for level in indicator.geographies)
        return refusal.format(levels=levels)
    return None


def period_problem(period: Period, today: date) -> str | None:
    """Why a parsed period cannot hold an observation yet (or any more)."""
    if period.end > today:
        return _("{period} has not ended yet").format(period=period.label)
    if period.year < EARLIEST_YEAR:
        return _("{period} is before {year}").format(period=period.label, year=EARLIEST_YEAR)
    return None


def _check_indicator(
    session: Session, draft: EntryDraft, problems: list[FieldProblem]
) -> Indicator | None:
    indicator = session.exec(
        select(Indicator).where(Indicator.code == draft.indicator_code)
    ).first()
    if indicator is None:
        unknown = _("unknown indicator '{code}'").format(code=draft.indicator_code)
        problems.append(FieldProblem("indicator", unknown))
        return None
    if not indicator.is_active:
        retired = _("'{code}' is no longer in use").format(code=indicator.code)
        problems.append(FieldProblem("indicator", retired))
    value = _read_value(draft, problems)
    if value is not _UNREADABLE and (message := value_problem(indicator, value)) is not None:
        problems.append(FieldProblem("value", message))
    _check_disaggregation(indicator, draft.disaggregation, problems)
    if indicator.kind == IndicatorKind.OUTPUT and not draft.evidence_url:
        problems.append(
            FieldProblem(
                "evidence_url", _("an evidence link is required for what ITU's actions deliver")
            )
        )
    return indicator


_UNREADABLE = object()  # a typed value that is not a number in the author's language


def _read_value(draft: EntryDraft, problems: list[FieldProblem]) -> Any:
    """The draft's value as a number: typed text is read in the author's language."""
    if not isinstance(draft.value, str):
        return draft.value
    if not draft.value.strip():
        return None
    try:
        return parse_number(draft.value, draft.locale)
    except NumberProblem as problem:
        problems.append(FieldProblem("value", str(problem)))
        return _UNREADABLE


def value_of(draft: EntryDraft) -> float | None:
    """The draft's value as stored (after `validate` accepted it)."""
    value = _read_value(draft, [])
    return None if value is _UNREADABLE else value


def too_long(limit: int, length: int | None = None) -> str:
    """ "use at most 300 characters (this has 312)", for a text longer than `limit`."""
    if length is None:
        rule = ngettext("use at most {limit} character", "use at most {limit} characters", limit)
    else:
        rule = ngettext(
            "use at most {limit} character (this has {length})",
            "use at most {limit} characters (this has {length})",
            limit,
        )
    return rule.format(
        limit=decimal_for_people(limit, "#,##0"),
        length=decimal_for_people(length or 0, "#,##0"),
    )


def _check_lengths(draft: EntryDraft, problems: list[FieldProblem]) -> None:
    for name, limit in MAX_LENGTHS.items():
        text = getattr(draft, name) or ""
        if len(text.strip()) > limit:
            problems.append(FieldProblem(name, too_long(limit, len(text.strip()))))


def _check_milestones(
    session: Session, initiative: Initiative, ids: tuple[int, ...], problems: list[FieldProblem]
) -> list[int] | None:
    """The milestones an update marks done: open milestones of this initiative only."""
    if not ids:
        return None
    open_ids = set(
        session.exec(
            select(Milestone.id).where(
                Milestone.initiative_id == initiative.id,
                col(Milestone.done).is_(False),
            )
        ).all()
    )
    unknown = sorted(set(ids) - open_ids)
    if unknown:
        refusal = ngettext(
            "not an open milestone of {initiative}: {ids}",
            "not open milestones of {initiative}: {ids}",
            len(unknown),
        )
        listed = ", ".join(str(i) for i in unknown)
        problems.append(
            FieldProblem("milestones", refusal.format(initiative=initiative.name, ids=listed))
        )
    return sorted(set(ids) & open_ids) or None


def _check_disaggregation(indicator: Indicator, text: str, problems: list[FieldProblem]) -> None:
    if (message := disaggregation_problem(indicator, text)) is not None:
        problems.append(FieldProblem("disaggregation", message))


def _check_geography(
    session: Session, draft: EntryDraft, indicator: Indicator | None, problems: list[FieldProblem]
) -> None:
    geography = session.get(Geography, draft.geo_code)
    if geography is None:
        unknown = _("unknown geography '{code}'").format(code=draft.geo_code)
        problems.append(FieldProblem("geography", unknown))
    elif indicator is not None and (message := geography_level_problem(indicator, geography.kind)):
        problems.append(FieldProblem("geography", message))


def _check_period(draft: EntryDraft, today: date, problems: list[FieldProblem]) -> dict[str, Any]:
    try:
        period = parse_period(draft.period)
    except PeriodError as error:
        problems.append(FieldProblem("period", str(error)))
        return {}
    if (message := period_problem(period, today)) is not None:
        problems.append(FieldProblem("period", message))
    return {"period": period.label, "year": period.year, "period_end": period.end}


def _check_evidence(url: str | None, problems: list[FieldProblem]) -> None:
    if url:
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            address = _("enter a full web address (https://...)")
            problems.append(FieldProblem("evidence_url", address))


def validate(session: Session, draft: EntryDraft, *, today: date | None = None) -> ResolvedEntry:
    """Check every field; raise ValidationFailed listing each problem by field."""
    today = today or date.today()
    problems: list[FieldProblem] = []
    values: dict[str, Any] = {}
    indicator = None
    if bool(draft.indicator_code) == bool(draft.initiative_slug):
        problems.append(FieldProblem("indicator", _("choose an indicator or an initiative")))
    elif draft.indicator_code:
        indicator = _check_indicator(session, draft, problems)
        values.update(
            indicator_id=indicator.id if indicator else None,
            value=value_of(draft),
            disaggregation=draft.disaggregation or TOTAL,
            status=None,
            milestones_done=None,
        )
    else:
        initiative = session.exec(
            select(Initiative).where(Initiative.slug == draft.initiative_slug)
        ).first()
        if initiative is None:
            unknown = _("unknown initiative '{slug}'").format(slug=draft.initiative_slug)
            problems.append(FieldProblem("initiative", unknown))
        if draft.status not in [str(s) for s in InitiativeStatus]:
            choose = _("choose planned, ongoing, completed or paused")
            problems.append(FieldProblem("status", choose))
        if not draft.narrative.strip():
            problems.append(FieldProblem("narrative", _("say what happened")))
        milestones = (
            _check_milestones(session, initiative, draft.milestones_done, problems)
            if initiative
            else None
        )
        values.update(
            initiative_id=initiative.id if initiative else None,
            status=draft.status,
            value=None,
            disaggregation=TOTAL,
            milestones_done=milestones,
        )
    _check_geography(session, draft, indicator, problems)
    values.update(_check_period(draft, today, problems))
    _check_evidence(draft.evidence_url, problems)
    _check_lengths(draft, problems)
    if problems:
        raise ValidationFailed(problems)
    values.update(
        geo_code=draft.geo_code,
        narrative=draft.narrative.strip(),
        evidence_url=draft.evidence_url or None,
        source=draft.source.strip(),
    )
    return ResolvedEntry(values=values, indicator=indicator)


def find_duplicate(
    session: Session,
    values: dict[str, Any],
    *,
    excluding: int | None = None,
    also_excluding: int | None = None,
) -> ProgressEntry | None:
    """A live entry (not rejected, superseded or withdrawn) with the same indicator,
    geography, period and disaggregation; `excluding` the entry being corrected and the one
    it corrects."""
    if values.get("indicator_id") is None:
        return None
    statement = select(ProgressEntry).where(
        ProgressEntry.indicator_id == values["indicator_id"],
        ProgressEntry.geo_code == values["geo_code"],
        ProgressEntry.period == values["period"],
        ProgressEntry.disaggregation == values["disaggregation"],
        col(ProgressEntry.review_state).not_in(NOT_LIVE_STATES),
    )
    for skipped in (excluding, also_excluding):
        if skipped is not None:
            statement = statement.where(ProgressEntry.id != skipped)
    return session.exec(statement).first()


def add_entry(
    session: Session,
    draft: EntryDraft,
    *,
    by: Identity,
    submit: bool = False,
    today: date | None = None,
) -> ProgressEntry:
    """Save a new entry as draft (or submitted). A duplicate is refused, never silently added.

    Two saves of the same cell at once: the database's unique index refuses the second
    (`db.write_scope` turns that into CellTaken), whatever this check saw.
    """
    by = authorize(session, by, Role.EDITOR, N_("add progress entries"))
    resolved = validate(session, draft, today=today)
    duplicate = find_duplicate(session, resolved.values)
    if duplicate is not None:
        raise DuplicateEntry(existing_id=int(duplicate.id or 0), existing=snapshot(duplicate) or {})
    state = ReviewState.SUBMITTED if submit else ReviewState.DRAFT
    entry = ProgressEntry(**resolved.values, review_state=state, author_id=by.user_id)
    session.add(entry)
    session.flush()
    record_change(
        session,
        actor=by.username,
        action="add entry",
        entity="progressentry",
        entity_id=entry.id,
        after=snapshot(entry),
        user_id=by.user_id,
    )
    return entry


def get_entry(session: Session, entry_id: int, *, for_update: bool = False) -> ProgressEntry:
    statement = select(ProgressEntry).where(ProgressEntry.id == entry_id)
    if for_update:
        statement = statement.with_for_update()
    entry = session.exec(statement).first()
    if entry is None:
        raise NotFound(_("entry {id} does not exist").format(id=entry_id))
    return entry


def _claim(session: Session, entry_id: int, expected_version: int) -> ProgressEntry:
    """Take the entry for a change only if nobody saved since `expected_version`.

    The version check is an UPDATE ... WHERE version = expected: of two concurrent
    editors, exactly one matches, on SQLite and PostgreSQL alike.
    """
    claimed = session.execute(
        sa.update(ProgressEntry)
        .where(col(ProgressEntry.id) == entry_id, col(ProgressEntry.version) == expected_version)
        .values(version=col(ProgressEntry.version) + 1, updated_at=utc_now())
    )
    if cast(sa.CursorResult[Any], claimed).rowcount == 0:  # an UPDATE's result
        current = session.exec(select(ProgressEntry).where(ProgressEntry.id == entry_id)).first()
        if current is None:
            raise NotFound(_("entry {id} does not exist").format(id=entry_id))
        raise StaleEdit(current=snapshot(current) or {})
    entry = get_entry(session, entry_id)
    session.refresh(entry)
    return entry


def correct_entry(
    session: Session,
    entry_id: int,
    draft: EntryDraft,
    *,
    expected_version: int,
    by: Identity,
    submit: bool = False,
    today: date | None = None,
) -> ProgressEntry:
    """Change an entry's values.

    A draft, submitted or rejected entry is changed in place. A published entry is never
    unpublished by a correction: the correction is a new entry that supersedes it, goes
    through review, and replaces it on the explore pages only when it is published.
    """
    by = authorize(session, by, Role.EDITOR, N_("correct progress entries"))
    resolved = validate(session, draft, today=today)
    before = snapshot(get_entry(session, entry_id))
    entry = _claim(session, entry_id, expected_version)
    duplicate = find_duplicate(
        session, resolved.values, excluding=entry_id, also_excluding=entry.supersedes_id
    )
    if duplicate is not None:
        raise DuplicateEntry(existing_id=int(duplicate.id or 0), existing=snapshot(duplicate) or {})
    state = ReviewState.SUBMITTED if submit else ReviewState.DRAFT
    if entry.review_state == ReviewState.PUBLISHED:
        correction = ProgressEntry(
            **resolved.values, review_state=state, author_id=by.user_id, supersedes_id=entry_id
        )
        session.add(correction)
        session.flush()
        record_change(
            session,
            actor=by.username,
            action="propose correction",
            entity="progressentry",
            entity_id=correction.id,
            before=before,
            after=snapshot(correction),
            user_id=by.user_id,
        )
        return correction
    for name, value in resolved.values.items():
        setattr(entry, name, value)
    entry.review_state = state
    entry.review_note = None
    session.add(entry)
    session.flush()
    record_change(
        session,
        actor=by.username,
        action="correct entry",
        entity="progressentry",
        entity_id=entry_id,
        before=before,
        after=snapshot(entry),
        user_id=by.user_id,
    )
    return entry


def _retire_superseded(session: Session, entry: ProgressEntry, by: Identity) -> None:
    """On publishing a correction, the entry it corrects stops being published."""
    if entry.supersedes_id is None:
        return
    original = get_entry(session, entry.supersedes_id)
    if original.review_state != ReviewState.PUBLISHED:
        return
    before = snapshot(original)
    original.review_state = ReviewState.SUPERSEDED
    original.version += 1
    original.updated_at = utc_now()
    session.add(original)
    session.flush()
    record_change(
        session,
        actor=by.username,
        action="supersede entry",
        entity="progressentry",
        entity_id=original.id,
        before=before,
        after=snapshot(original),
        user_id=by.user_id,
    )


_TRANSITIONS: dict[str, tuple[tuple[str, ...], str, Role]] = {
    # action: (states it starts from, state it leads to, role needed)
    "submit": ((ReviewState.DRAFT, ReviewState.REJECTED), ReviewState.SUBMITTED, Role.EDITOR),
    "publish": ((ReviewState.SUBMITTED,), ReviewState.PUBLISHED, Role.REVIEWER),
    "reject": ((ReviewState.SUBMITTED,), ReviewState.REJECTED, Role.REVIEWER),
    "withdraw": (
        (ReviewState.DRAFT, ReviewState.SUBMITTED, ReviewState.REJECTED),
        ReviewState.WITHDRAWN,
        Role.EDITOR,
    ),
}
REVIEW_PERMISSIONS: dict[str, str] = {
    # action: what the role it needs permits (`auth.authorize` says it to a refused user)
    "submit": N_("submit entries"),
    "publish": N_("publish entries"),
    "reject": N_("reject entries"),
    "withdraw": N_("withdraw entries"),
}


def _check_may_act(current: ProgressEntry, action: str, by: Identity, allow_own: bool) -> None:
    """Who may move this entry: editors their own entries, reviewers another's."""
    if current.review_state not in _TRANSITIONS[action][0]:
        raise NotAllowed(_cannot_move(current, action))
    own = current.author_id is not None and current.author_id == by.user_id
    if action in ("submit", "withdraw") and by.role == Role.EDITOR and not own:
        if action == "submit":
            refusal = _("Editors submit their own entries only (entry {id}).")
        else:
            refusal = _("Editors withdraw their own entries only (entry {id}).")
        raise NotAllowed(refusal.format(id=current.id))
    if action in ("publish", "reject") and own and not allow_own:
        if action == "publish":
            refusal = _(
                "You entered entry {id} yourself, so another reviewer must publish it (four eyes)."
            )
        else:
            refusal = _(
                "You entered entry {id} yourself, so another reviewer must reject it (four eyes)."
            )
        raise NotAllowed(refusal.format(id=current.id))


def _cannot_move(current: ProgressEntry, action: str) -> str:
    """ "Entry 12 is published, so it cannot be submitted." """
    refusal = {
        # Translators: {state} is a review state (draft, submitted, published, rejected...).
        "submit": _("Entry {id} is {state}, so it cannot be submitted."),
        "publish": _("Entry {id} is {state}, so it cannot be published."),
        "reject": _("Entry {id} is {state}, so it cannot be rejected."),
        "withdraw": _("Entry {id} is {state}, so it cannot be withdrawn."),
    }[action]
    return refusal.format(id=current.id, state=review_state_label(current.review_state))


def _apply_initiative_update(session: Session, entry: ProgressEntry, by: Identity) -> None:
    """A published initiative update changes the initiative: its status, its milestones."""
    initiative = session.get(Initiative, entry.initiative_id)
    if initiative is None:
        return
    if entry.status and entry.status != initiative.status:
        before = snapshot(initiative)
        initiative.status = InitiativeStatus(entry.status)
        initiative.version += 1
        initiative.updated_at = utc_now()
        session.add(initiative)
        session.flush()
        record_change(
            session,
            actor=by.username,
            action="change status",
            entity="initiative",
            entity_id=initiative.id,
            before=before,
            after={**(snapshot(initiative) or {}), "update_entry_id": entry.id},
            user_id=by.user_id,
        )
    reported = entry.created_at.date() if entry.created_at else utc_now().date()
    for milestone_id in entry.milestones_done or []:
        milestone = session.get(Milestone, milestone_id)
        if milestone is None or milestone.done or milestone.initiative_id != initiative.id:
            continue
        before = snapshot(milestone)
        milestone.done, milestone.done_date = True, reported
        milestone.version += 1
        session.add(milestone)
        session.flush()
        record_change(
            session,
            actor=by.username,
            action="milestone done",
            entity="milestone",
            entity_id=milestone.id,
            before=before,
            after={**(snapshot(milestone) or {}), "update_entry_id": entry.id},
            user_id=by.user_id,
        )


def review(
    session: Session,
    entry_id: int,
    action: str,
    *,
    expected_version: int,
    by: Identity,
    reason: str = "",
    allow_own: bool = False,
) -> ProgressEntry:
    """Submit, publish, reject or withdraw an entry.

    A rejection needs a reason the author will see. Editors submit and withdraw their own
    entries; a reviewer publishes or rejects another's (`allow_own`, the
    `review.allow_self_publish` setting, lets her decide on her own). Publishing an
    initiative update applies its status and milestones to the initiative.
    """
    starts, target, role = _TRANSITIONS[action]
    by = authorize(session, by, role, REVIEW_PERMISSIONS[action])
    reason = reason.strip()
    if action == "reject" and not reason:
        raise ValidationFailed([FieldProblem("reason", _("say why the entry is rejected"))])
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationFailed([FieldProblem("reason", too_long(MAX_REASON_LENGTH))])
    current = get_entry(session, entry_id)
    _check_may_act(current, action, by, allow_own)
    before = snapshot(current)
    entry = _claim(session, entry_id, expected_version)
    if action == "publish":
        # The original leaves the published state first: the database holds one published
        # entry per cell at every statement, not only at commit.
        _retire_superseded(session, entry, by)
    entry.review_state = target
    if action in ("publish", "reject"):
        entry.reviewer_id = by.user_id
        entry.review_note = reason or None
    session.add(entry)
    session.flush()
    if action == "publish" and entry.initiative_id is not None:
        _apply_initiative_update(session, entry, by)
    record_change(
        session,
        actor=by.username,
        action=f"{action} entry",
        entity="progressentry",
        entity_id=entry_id,
        before=before,
        after=snapshot(entry),
        user_id=by.user_id,
    )
    return entry


def draft_from_entry(session: Session, entry: ProgressEntry) -> EntryDraft:
    """The form values of an existing entry, to start a correction from."""
    indicator = session.get(Indicator, entry.indicator_id) if entry.indicator_id else None
    initiative = session.get(Initiative, entry.initiative_id) if entry.initiative_id else None
    return EntryDraft(
        period=entry.period,
        indicator_code=indicator.code if indicator else None,
        initiative_slug=initiative.slug if initiative else None,
        geo_code=entry.geo_code,
        value=entry.value,
        status=entry.status,
        disaggregation=entry.disaggregation,
        narrative=entry.narrative,
        evidence_url=entry.evidence_url,
        source=entry.source,
        milestones_done=tuple(entry.milestones_done or ()),
    )


__all__ = [
    "EntryDraft",
    "ResolvedEntry",
    "add_entry",
    "correct_entry",
    "disaggregation_problem",
    "draft_from_entry",
    "find_duplicate",
    "geography_level_problem",
    "get_entry",
    "period_problem",
    "review",
    "too_long",
    "validate",
    "value_of",
    "value_problem",
]
