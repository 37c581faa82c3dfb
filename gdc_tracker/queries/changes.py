"""What changed since a date (the last Council session, by default): for the page, the
slide and the deck.

What counts, and what does not:

- Entries published: entries published since the date. Publishing is an entry's last write,
  so a published entry's `updated_at` is when it was published. Real entries are counted;
  demo entries (`is_demo`) are counted apart, with the demo label, never as ITU's values.
  Values of the starter data are real published values: they are listed one by one, with
  their dataset as their source and the service account `gdc-tracker` as their publisher.
- Corrections: published values replaced by a published correction since the date.
- Indicator status changes: a geography's progress status for an indicator (the rule of
  gdc_tracker.status, with the configured thresholds) as of the date against now. As of the
  date means the values published before it, each value a correction replaced since then
  standing where it stood. Only a series with a value published since the date can change,
  so only those series are assessed. A change in a series holding demo values is listed as
  demo and left out of the real count.
- Initiative status changes, milestones passed or slipped: from the audit records and the
  milestones' dates.
- Initiatives added: only an initiative a person created through the product (an audit
  record "create initiative" by anyone but the system or the service account). Loading
  reference data adds initiatives to the store, not to ITU's work.
- Data loads, shown apart: reference data loaded, demo data seeded, starter data files and
  import batches, each with when, what, how many rows and by whom.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from gdc_tracker.i18n import N_, _
from gdc_tracker.models import (
    SERVICE_ACCOUNT,
    SYSTEM_ACTOR,
    TOTAL,
    AuditRecord,
    CouncilSession,
    DataSource,
    Geography,
    ImportBatch,
    Indicator,
    Initiative,
    Milestone,
    ProgressEntry,
    ReviewState,
    User,
)
from gdc_tracker.provenance import demo_label, with_source_columns
from gdc_tracker.queries.overview import frame, published, source_columns
from gdc_tracker.status import DEFAULT_THRESHOLDS, Thresholds, assess, target_band_of
from gdc_tracker.translations import localize_names
from gdc_tracker.views import count_text, with_row_provenance

COLUMNS = ["at", "kind", "subject", "detail"]
DEFAULT_LOOKBACK = timedelta(days=180)  # when no Council session is known: one working cycle
NEW_VALUES_SHOWN = 200  # values listed one by one, newest first; the total is always given
SERVICE_ACTORS = (SYSTEM_ACTOR, SERVICE_ACCOUNT)  # their writes are data loads, not ITU's work
# How each kind of change is headed where it is counted (page, slide, exports).
CHANGE_LABELS = {  # English, marked for the catalogues: shown translated
    "entries added": N_("Entries published"),
    "entry corrected": N_("Corrections"),
    "indicator status changed": N_("Indicator status changes"),
    "status changed": N_("Initiative status changes"),
    "milestone passed": N_("Milestones passed"),
    "milestone slipped": N_("Milestones slipped"),
    "initiative added": N_("Initiatives added"),
    "data load": N_("Data loads"),
    "demo entries added": N_("Demo entries (not official statistics)"),
}
KINDS = tuple(kind for kind in CHANGE_LABELS if kind != "demo entries added")
NEW_VALUE_COLUMNS = [
    "indicator",
    "country",
    "period",
    "value",
    "unit",
    "source",
    "obs_status",
    "real_or_demo",
    "published_by",
    "published_at",
    "is_demo",
]
STATUS_CHANGE_COLUMNS = [
    "at",
    "indicator",
    "country",
    "before",
    "after",
    "source",
    "real_or_demo",
    "is_demo",
]
LOAD_COLUMNS = ["at", "what", "detail", "rows", "by"]


def _start(since: date) -> datetime:
    return datetime.combine(since, time.min, tzinfo=UTC)


def _utc(values: pd.Series) -> pd.Series:
    """Stored times as UTC datetimes (SQLite returns text)."""
    return pd.to_datetime(values, utc=True, format="mixed")


# Council sessions


@dataclass(frozen=True)
class SessionStart:
    name: str
    starts_on: date


def last_council_session(session: Session, *, today: date | None = None) -> SessionStart | None:
    """The latest Council session that started before `today`, or None."""
    today = today or date.today()
    row = session.execute(
        sa.select(col(CouncilSession.name), col(CouncilSession.starts_on))
        .where(col(CouncilSession.starts_on) < today)
        .order_by(col(CouncilSession.starts_on).desc())
        .limit(1)
    ).first()
    return SessionStart(name=row.name, starts_on=row.starts_on) if row else None


def previous_council_session(session: Session, *, today: date | None = None) -> date | None:
    """The first day of the latest Council session that started before `today`."""
    found = last_council_session(session, today=today)
    return found.starts_on if found else None


def default_since(session: Session, *, today: date | None = None) -> date:
    """Where "What changed" starts unless asked: the last Council session, else 180 days."""
    today = today or date.today()
    return previous_council_session(session, today=today) or today - DEFAULT_LOOKBACK


# New published entries and values


def _published_since(since: date) -> sa.ColumnElement[bool]:
    return sa.and_(published, col(ProgressEntry.updated_at) >= _start(since))


def entries_added(session: Session, *, since: date) -> pd.DataFrame:
    """subject, entries, demo_entries, geographies, newest: entries published since the
    date, per indicator or initiative (real entries and demo entries counted apart)."""
    subject = sa.func.coalesce(Indicator.name, Initiative.name)
    demo = sa.func.sum(sa.case((col(ProgressEntry.is_demo), 1), else_=0))
    return frame(
        session,
        sa.select(
            subject.label("subject"),
            (sa.func.count() - demo).label("entries"),
            demo.label("demo_entries"),
            sa.func.count(sa.distinct(col(ProgressEntry.geo_code))).label("geographies"),
            sa.func.max(col(ProgressEntry.updated_at)).label("newest"),
        )
        .join(Indicator, col(Indicator.id) == ProgressEntry.indicator_id, isouter=True)
        .join(Initiative, col(Initiative.id) == ProgressEntry.initiative_id, isouter=True)
        .where(_published_since(since))
        .group_by(subject)
        .order_by(sa.func.count().desc(), subject),
    )


def new_value_counts(session: Session, *, since: date) -> dict[str, int]:
    """{"real": n, "demo": m}: indicator values published since the date."""
    rows = session.execute(
        sa.select(col(ProgressEntry.is_demo), sa.func.count())
        .where(
            _published_since(since),
            col(ProgressEntry.indicator_id).is_not(None),
            col(ProgressEntry.value).is_not(None),
        )
        .group_by(col(ProgressEntry.is_demo))
    ).all()
    counts = {"real": 0, "demo": 0}
    for is_demo, count in rows:
        counts["demo" if is_demo else "real"] += int(count)
    return counts


def new_values(session: Session, *, since: date, limit: int = NEW_VALUES_SHOWN) -> pd.DataFrame:
    """indicator, country, period, value, unit, source, obs_status, real_or_demo,
    published_by, published_at, is_demo: the newest `limit` indicator values published
    since the date, one row each (`new_value_counts` gives how many there are in all)."""
    reviewer, author = aliased(User), aliased(User)
    entry = ProgressEntry
    result = frame(
        session,
        sa.select(
            col(Indicator.name).label("indicator"),
            col(Geography.name).label("country"),
            col(entry.period),
            col(entry.value),
            col(Indicator.unit),
            col(entry.source),
            col(entry.obs_status),
            col(entry.is_demo),
            *source_columns(),
            sa.func.coalesce(col(reviewer.username), col(author.username)).label("published_by"),
            col(entry.updated_at).label("published_at"),
        )
        .join(Indicator, col(Indicator.id) == entry.indicator_id)
        .join(Geography, col(Geography.code) == entry.geo_code)
        .join(DataSource, col(DataSource.id) == entry.data_source_id, isouter=True)
        .join(reviewer, col(reviewer.id) == entry.reviewer_id, isouter=True)
        .join(author, col(author.id) == entry.author_id, isouter=True)
        .where(_published_since(since), col(entry.value).is_not(None))
        .order_by(col(entry.updated_at).desc(), col(entry.id).desc())
        .limit(limit),
    )
    result["published_at"] = _utc(result["published_at"])
    result["published_by"] = result["published_by"].fillna(_("not recorded"))
    return with_row_provenance(with_source_columns(result))[NEW_VALUE_COLUMNS]


# Indicator status changes


def _touched_series(since: date) -> sa.Subquery:
    """indicator_id, geo_code: the series (undivided values) with a value published since.

    The entries are found by the time they were written first (ix_progressentry_updated_at):
    asked in one WHERE, SQLite walked the whole live-cell index instead, 0.6 s on a million
    entries for a window holding none, against 1 ms."""
    written_since = sa.select(col(ProgressEntry.id)).where(
        col(ProgressEntry.updated_at) >= _start(since)
    )
    return (
        sa.select(col(ProgressEntry.indicator_id), col(ProgressEntry.geo_code))
        .where(
            col(ProgressEntry.id).in_(written_since),
            published,
            col(ProgressEntry.indicator_id).is_not(None),
            col(ProgressEntry.value).is_not(None),
            col(ProgressEntry.disaggregation) == TOTAL,
        )
        .distinct()
        .subquery()
    )


def _series_values(session: Session, since: date) -> pd.DataFrame:
    """Every published or superseded undivided value of the touched series."""
    touched = _touched_series(since)
    entry = ProgressEntry
    result = frame(
        session,
        sa.select(
            col(entry.id),
            col(entry.indicator_id),
            col(entry.geo_code),
            col(entry.year),
            col(entry.period_end),
            col(entry.value),
            col(entry.is_demo),
            col(entry.review_state),
            col(entry.created_at),
            col(entry.updated_at),
            col(entry.source),
            *source_columns(),
        )
        .join(
            touched,
            sa.and_(
                touched.c.indicator_id == col(entry.indicator_id),
                touched.c.geo_code == col(entry.geo_code),
            ),
        )
        .join(DataSource, col(DataSource.id) == entry.data_source_id, isouter=True)
        .where(
            col(entry.review_state).in_((ReviewState.PUBLISHED, ReviewState.SUPERSEDED)),
            col(entry.value).is_not(None),
            col(entry.disaggregation) == TOTAL,
        ),
    )
    result["created_at"] = _utc(result["created_at"])
    result["updated_at"] = _utc(result["updated_at"])
    return result


def _yearly(values: pd.DataFrame) -> pd.DataFrame:
    """One value per series and year: the latest period stands for the year."""
    ordered = values.sort_values(["period_end", "id"])
    return ordered.groupby(["indicator_id", "geo_code", "year"], as_index=False).last()


def _as_of_then(values: pd.DataFrame, start: datetime) -> pd.DataFrame:
    """The values public at `start`: published before it, or superseded since then.

    A superseded value created before `start` stands where it stood until its correction.
    """
    published_then = (values["review_state"] == ReviewState.PUBLISHED) & (
        values["updated_at"] < start
    )
    replaced_since = (
        (values["review_state"] == ReviewState.SUPERSEDED)
        & (values["created_at"] < start)
        & (values["updated_at"] >= start)
    )
    return values[published_then | replaced_since]


def _status(reference: dict, series: pd.DataFrame | None, thresholds: Thresholds) -> str:
    observations = [] if series is None else list(zip(series["year"], series["value"], strict=True))
    return str(
        assess(
            observations,
            target=reference["target_value"],
            target_year=reference["target_year"],
            higher_is_better=reference["direction"] == "higher_is_better",
            baseline_year=reference["baseline_year"],
            thresholds=thresholds,
            target_band=target_band_of(reference),
        ).status
    )


def _indicator_reference(session: Session) -> dict[int, dict]:
    rows = session.execute(
        sa.select(
            col(Indicator.id),
            col(Indicator.name),
            col(Indicator.direction),
            col(Indicator.baseline_year),
            col(Indicator.target_value),
            col(Indicator.target_year),
            col(Indicator.target_low),
            col(Indicator.target_high),
        )
    ).all()
    found = {row.id: dict(row._mapping) for row in rows}
    names = localize_names(
        session, {id_: row["name"] for id_, row in found.items()}, "indicator", "name"
    )
    return {id_: row | {"name": names[id_]} for id_, row in found.items()}


def indicator_status_changes(
    session: Session, *, since: date, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> pd.DataFrame:
    """at, indicator, country, before, after, source, real_or_demo, is_demo: each series
    whose progress status differs between the date and now, newest first. `at` is when
    the series' newest value was published; `source` is that value's source."""
    values = _series_values(session, since)
    if values.empty:
        return pd.DataFrame(columns=STATUS_CHANGE_COLUMNS)
    start = _start(since)
    now = _yearly(values[values["review_state"] == ReviewState.PUBLISHED])
    then = _as_of_then(values, start)
    series_then = _yearly(then).groupby(["indicator_id", "geo_code"]) if len(then) else ()
    then_groups = dict(tuple(series_then))
    reference = _indicator_reference(session)
    names = localize_names(
        session,
        dict(session.execute(sa.select(col(Geography.code), col(Geography.name))).all()),
        "geography",
        "name",
    )
    newest = values[values["review_state"] == ReviewState.PUBLISHED].sort_values("updated_at")
    newest = newest.groupby(["indicator_id", "geo_code"]).last()
    rows = []
    for (indicator_id, geo_code), series in now.groupby(["indicator_id", "geo_code"]):
        indicator = reference[int(indicator_id)]
        before = _status(indicator, then_groups.get((indicator_id, geo_code)), thresholds)
        after = _status(indicator, series, thresholds)
        if before == after:
            continue
        latest = newest.loc[(indicator_id, geo_code)]
        rows.append(
            {
                "at": latest["updated_at"],
                "indicator": indicator["name"],
                "country": names.get(geo_code, geo_code),
                "before": before,
                "after": after,
                "source": latest["source"],
                "source_organisation": latest["source_organisation"],
                "source_dataset": latest["source_dataset"],
                "source_release": latest["source_release"],
                "source_licence": latest["source_licence"],
                "is_demo": bool(series["is_demo"].any()),
            }
        )
    if not rows:
        return pd.DataFrame(columns=STATUS_CHANGE_COLUMNS)
    changed = with_row_provenance(with_source_columns(pd.DataFrame(rows)))
    changed = changed.sort_values(["at", "indicator", "country"], ascending=[False, True, True])
    return changed[STATUS_CHANGE_COLUMNS].reset_index(drop=True)


# Data loads


def _rows_in(counts: object) -> int:
    if not isinstance(counts, dict):
        return 0
    return sum(int(v) for v in counts.values() if isinstance(v, int | float))


def _store_loads(session: Session, since: date) -> list[dict]:
    """Reference data loaded and demo data seeded, from their audit records."""
    records = session.execute(
        sa.select(
            col(AuditRecord.at),
            col(AuditRecord.action),
            col(AuditRecord.actor),
            col(AuditRecord.after),
        ).where(
            col(AuditRecord.action).in_(("load reference data", "seed demo data")),
            col(AuditRecord.at) >= _start(since),
        )
    ).all()
    rows = []
    for at, action, actor, after in records:
        after = after or {}
        if action == "load reference data":
            detail = ", ".join(f"{count_text(count)} {what}" for what, count in after.items())
            what, rows_loaded = _("reference data"), _rows_in(after)
        else:
            what, detail, rows_loaded = _("demo data"), demo_label(), int(after.get("rows") or 0)
        rows.append({"at": at, "what": what, "detail": detail, "rows": rows_loaded, "by": actor})
    return rows


def _import_loads(session: Session, since: date) -> list[dict]:
    """Files imported (starter data files among them), from their import batches."""
    batches = session.execute(
        sa.select(
            col(ImportBatch.created_at),
            col(ImportBatch.file_name),
            col(ImportBatch.review_state),
            col(ImportBatch.summary),
            col(User.username),
        )
        .join(User, col(User.id) == ImportBatch.created_by, isouter=True)
        .where(col(ImportBatch.created_at) >= _start(since))
    ).all()
    rows = []
    for at, file_name, state, summary, username in batches:
        summary = summary or {}
        starter = username == SERVICE_ACCOUNT
        rows.append(
            {
                "at": at,
                "what": _("starter data file") if starter else _("import batch"),
                "detail": _("{file} ({state})").format(file=file_name, state=state),
                "rows": int(summary.get("new") or 0) + int(summary.get("changed") or 0),
                "by": username or _("not recorded"),
            }
        )
    return rows


def data_loads(session: Session, *, since: date) -> pd.DataFrame:
    """at, what, detail, rows, by: every data load since the date, newest first."""
    loads = pd.DataFrame(
        _store_loads(session, since) + _import_loads(session, since), columns=LOAD_COLUMNS
    )
    loads["at"] = _utc(loads["at"])
    return loads.sort_values("at", ascending=False, kind="stable").reset_index(drop=True)


# Corrections, initiative statuses, milestones, initiatives added


def _audit(session: Session, *, since: date, entity: str, action: str) -> pd.DataFrame:
    return frame(
        session,
        sa.select(
            col(AuditRecord.at),
            col(AuditRecord.actor),
            col(AuditRecord.entity_id),
            col(AuditRecord.before),
            col(AuditRecord.after),
        )
        .where(
            col(AuditRecord.entity) == entity,
            col(AuditRecord.action) == action,
            col(AuditRecord.at) >= _start(since),
        )
        .order_by(col(AuditRecord.at)),
    )


def _corrections(session: Session, since: date) -> list[dict]:
    """Published values replaced by a published correction since the date.

    Read from the "supersede entry" records (written only when a correction is published),
    never from edits of drafts and submissions, which the public never saw.
    """
    records = _audit(session, since=since, entity="progressentry", action="supersede entry")
    if records.empty:
        return []
    originals = [int(i) for i in records["entity_id"]]
    replacements = dict(
        session.execute(
            sa.select(col(ProgressEntry.supersedes_id), col(ProgressEntry.value)).where(
                col(ProgressEntry.supersedes_id).in_(originals),
                col(ProgressEntry.review_state).in_(
                    (ReviewState.PUBLISHED, ReviewState.SUPERSEDED)
                ),
            )
        ).all()
    )
    rows = []
    for record in records.itertuples():
        before = record.before or {}
        rows.append(
            {
                "at": record.at,
                "kind": "entry corrected",
                "subject": _("entry {id} ({geography}, {period})").format(
                    id=record.entity_id,
                    geography=before.get("geo_code"),
                    period=before.get("period"),
                ),
                "detail": _("{before} → {after} by {actor}").format(
                    before=before.get("value"),
                    after=replacements.get(int(record.entity_id)),
                    actor=record.actor,
                ),
            }
        )
    return rows


def _initiative_names(session: Session) -> dict[str, str]:
    names = session.execute(
        sa.select(sa.cast(col(Initiative.id), sa.String), col(Initiative.name))
    ).all()
    return localize_names(session, dict(names), "initiative", "name")


def _status_changes(session: Session, since: date) -> list[dict]:
    names = _initiative_names(session)
    return [
        {
            "at": r.at,
            "kind": "status changed",
            "subject": names.get(r.entity_id, r.entity_id),
            "detail": f"{(r.before or {}).get('status')} → {(r.after or {}).get('status')}",
        }
        for r in _audit(
            session, since=since, entity="initiative", action="change status"
        ).itertuples()
    ]


def _milestones(session: Session, since: date, today: date) -> list[dict]:
    statement = (
        sa.select(
            col(Milestone.title),
            col(Milestone.due_date),
            col(Milestone.done),
            col(Milestone.done_date),
            col(Initiative.name),
        )
        .join(Initiative, col(Initiative.id) == Milestone.initiative_id)
        .where(
            sa.or_(
                col(Milestone.done_date) >= since,
                sa.and_(col(Milestone.due_date) >= since, col(Milestone.due_date) <= today),
            )
        )
    )
    rows = []
    for title, due, done, done_date, initiative in session.execute(statement).all():
        if done:
            rows.append(
                {
                    "at": _start(done_date or due),
                    "kind": "milestone passed",
                    "subject": initiative,
                    "detail": title,
                }
            )
        else:
            rows.append(
                {
                    "at": _start(due),
                    "kind": "milestone slipped",
                    "subject": initiative,
                    "detail": _("{title} (due {due})").format(title=title, due=due),
                }
            )
    return rows


def _added_detail(lead_sector: object, actor: str) -> str:
    """ "ITU-D by editor": who added an initiative, after its lead sector when known."""
    if lead_sector:
        return _("{lead_sector} by {actor}").format(lead_sector=lead_sector, actor=actor)
    return _("by {actor}").format(actor=actor)


def _initiatives_added(session: Session, since: date) -> list[dict]:
    """Initiatives a person created through the product; reference loads are data loads."""
    names = _initiative_names(session)
    records = _audit(session, since=since, entity="initiative", action="create initiative")
    return [
        {
            "at": r.at,
            "kind": "initiative added",
            "subject": names.get(r.entity_id) or (r.after or {}).get("name") or r.entity_id,
            "detail": _added_detail((r.after or {}).get("lead_sector"), r.actor),
        }
        for r in records.itertuples()
        if r.actor not in SERVICE_ACTORS
    ]


def changes_since(session: Session, *, since: date, today: date | None = None) -> pd.DataFrame:
    """at, kind, subject, detail: corrections, initiative status changes, milestones and
    initiatives added, newest first (entries, indicator statuses and data loads apart)."""
    today = today or date.today()
    rows = (
        _corrections(session, since)
        + _status_changes(session, since)
        + _milestones(session, since, today)
        + _initiatives_added(session, since)
    )
    result = pd.DataFrame(rows, columns=COLUMNS)
    result["at"] = _utc(result["at"])
    return result.sort_values("at", ascending=False, kind="stable").reset_index(drop=True)


def count_changes(
    added: pd.DataFrame, listed: pd.DataFrame, statuses: pd.DataFrame, loads: pd.DataFrame
) -> pd.DataFrame:
    """kind, count: the counts of the kinds of change (KINDS), from what was read; demo
    entries as a last row when there are any."""
    counts = listed.groupby("kind").size() if len(listed) else pd.Series(dtype=int)
    real_statuses = int((~statuses["is_demo"].astype(bool)).sum()) if len(statuses) else 0
    by_kind = {
        "entries added": int(added["entries"].sum()) if len(added) else 0,
        "indicator status changed": real_statuses,
        "data load": len(loads),
    }
    rows = [(kind, by_kind.get(kind, int(counts.get(kind, 0)))) for kind in KINDS]
    demo = int(added["demo_entries"].sum()) if len(added) else 0
    if demo:
        rows.append(("demo entries added", demo))
    return pd.DataFrame(rows, columns=["kind", "count"])


def change_summary(
    session: Session,
    *,
    since: date,
    today: date | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> pd.DataFrame:
    """kind, count: how many changes of each kind since the date (see the module)."""
    return count_changes(
        entries_added(session, since=since),
        changes_since(session, since=since, today=today),
        indicator_status_changes(session, since=since, thresholds=thresholds),
        data_loads(session, since=since),
    )
