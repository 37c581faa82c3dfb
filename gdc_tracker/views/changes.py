"""What changed since a date, as one `View` for the page, the presenter slide and the
PowerPoint slide: the counts, the new values one by one, a short list for a slide.

What counts as a change, and what is a data load instead, is decided in
gdc_tracker.queries.changes; this module puts it in words.
"""

from dataclasses import replace
from datetime import date

import pandas as pd
from sqlmodel import Session

from gdc_tracker.i18n import N_, _, ngettext
from gdc_tracker.links import page_url
from gdc_tracker.models import unit_label
from gdc_tracker.queries import changes
from gdc_tracker.status import DEFAULT_THRESHOLDS, Thresholds, status_label
from gdc_tracker.views import (
    DEMO,
    REAL,
    ROW_KIND_COLUMN,
    About,
    Figure,
    Section,
    View,
    about_values,
    count_text,
    day_text,
)

SLIDE_ROWS = 12  # changes a slide lists, newest first
BULLETS = 5
TABLE_COLUMNS = ["kind", "subject", "detail", "when"]
# The kinds of change in words, as a slide's table names them (one item each).
KIND_WORDS = {
    "entry corrected": N_("Correction"),
    "indicator status changed": N_("Indicator status change"),
    "status changed": N_("Initiative status change"),
    "milestone passed": N_("Milestone passed"),
    "milestone slipped": N_("Milestone slipped"),
    "initiative added": N_("Initiative added"),
}

# The sections' column headers, in words (the downloaded files keep the column names).
HEADERS = {
    "at": N_("When"),
    "published_at": N_("Published"),
    "newest": N_("Newest"),
    "indicator": N_("Indicator"),
    "country": N_("Country or area"),
    "period": N_("Period"),
    "value": N_("Value"),
    "unit": N_("Unit"),
    "source": N_("Source"),
    "obs_status": N_("Observation status"),
    "real_or_demo": N_("Data"),
    "published_by": N_("Published by"),
    "subject": N_("Indicator or initiative"),
    "entries": N_("Entries"),
    "demo_entries": N_("Demo entries"),
    "geographies": N_("Geographies"),
    "before": N_("Before"),
    "after": N_("After"),
    "kind": N_("Change"),
    "detail": N_("Detail"),
    "what": N_("What"),
    "rows": N_("Rows"),
    "by": N_("By"),
}


def headers() -> dict[str, str]:
    """The sections' column headers in the reader's language."""
    return {column: _(header) for column, header in HEADERS.items()}


def kind_words(kind: str) -> str:
    return _(KIND_WORDS[kind]) if kind in KIND_WORDS else kind


def _figures(counts: pd.DataFrame) -> tuple[Figure, ...]:
    return tuple(
        Figure(value=count_text(row.count), label=_(changes.CHANGE_LABELS[row.kind]))
        for row in counts.itertuples()
    )


def _status_rows(statuses: pd.DataFrame) -> pd.DataFrame:
    """Real indicator status changes as rows of the changes list."""
    real = statuses[~statuses["is_demo"].astype(bool)] if len(statuses) else statuses
    return pd.DataFrame(
        {
            "at": real["at"],
            "kind": "indicator status changed",
            "subject": real["indicator"] + " — " + real["country"],
            "detail": real["before"].map(status_label) + " → " + real["after"].map(status_label),
        },
        columns=changes.COLUMNS,
    )


def slide_table(listed: pd.DataFrame, statuses: pd.DataFrame) -> pd.DataFrame:
    """kind, subject, detail, when: the newest changes, in words, for a slide."""
    parts = [frame for frame in (listed, _status_rows(statuses)) if len(frame)]
    if not parts:
        return pd.DataFrame(columns=TABLE_COLUMNS)
    rows = pd.concat(parts)
    rows = rows.assign(at=pd.to_datetime(rows["at"], utc=True, format="mixed"))
    rows = rows.sort_values("at", ascending=False, kind="stable").head(SLIDE_ROWS)
    return pd.DataFrame(
        {
            "kind": [kind_words(kind) for kind in rows["kind"]],
            "subject": rows["subject"].to_numpy(),
            "detail": rows["detail"].to_numpy(),
            "when": [day_text(at.date()) for at in rows["at"]],
        }
    )


def _count(counts: pd.DataFrame, kind: str) -> int:
    found = counts.loc[counts["kind"] == kind, "count"]
    return int(found.iloc[0]) if len(found) else 0


def _summary(counts: pd.DataFrame, since: date) -> str:
    return _(
        "Since {date}: {entries} entries published, {corrections} corrections, "
        "{indicators} indicator status changes, {initiatives} initiative status changes, "
        "{passed} milestones passed, {slipped} slipped and {added} initiatives added; "
        "{loads} data loads are listed apart."
    ).format(
        date=day_text(since),
        entries=count_text(_count(counts, "entries added")),
        corrections=count_text(_count(counts, "entry corrected")),
        indicators=count_text(_count(counts, "indicator status changed")),
        initiatives=count_text(_count(counts, "status changed")),
        passed=count_text(_count(counts, "milestone passed")),
        slipped=count_text(_count(counts, "milestone slipped")),
        added=count_text(_count(counts, "initiative added")),
        loads=count_text(_count(counts, "data load")),
    )


def _published_line(counts: dict[str, int]) -> str:
    """ "12 new values published (and 3 demo values, not official statistics)"."""
    real, demo = counts["real"], counts["demo"]
    published = ngettext("{n} new value published", "{n} new values published", real).format(
        n=count_text(real)
    )
    if not demo:
        return published
    demo_values = ngettext("{n} demo value", "{n} demo values", demo).format(n=count_text(demo))
    return _("{published} (and {demo_values}, not official statistics)").format(
        published=published, demo_values=demo_values
    )


def _bullets(counts: dict[str, int], table: pd.DataFrame, loads: pd.DataFrame) -> tuple[str, ...]:
    bullets = [_published_line(counts)]
    bullets += [
        _("{kind}: {subject} ({detail})").format(
            kind=row.kind, subject=row.subject, detail=row.detail
        )
        for row in table.itertuples()
    ]
    bullets = bullets[: BULLETS - 1] if len(loads) else bullets[:BULLETS]
    if len(loads):
        what = ", ".join(dict.fromkeys(loads["what"]))
        bullets.append(
            ngettext(
                "{count} data load ({what}), not counted as a change",
                "{count} data loads ({what}), not counted as changes",
                len(loads),
            ).format(count=count_text(len(loads)), what=what)
        )
    return tuple(bullets)


def changes_view(
    session: Session,
    *,
    since: date,
    today: date | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> View:
    """What changed since `since`, ready to draw (see gdc_tracker.views)."""
    added = changes.entries_added(session, since=since)
    listed = changes.changes_since(session, since=since, today=today)
    statuses = changes.indicator_status_changes(session, since=since, thresholds=thresholds)
    loads = changes.data_loads(session, since=since)
    counts = changes.count_changes(added, listed, statuses, loads)
    values = changes.new_values(session, since=since)
    totals = changes.new_value_counts(session, since=since)
    table = slide_table(listed, statuses)
    day = day_text(since)
    about = about_values(
        values,
        title=_("What changed since {date}").format(date=day),
        filters={_("Since"): day},
        when="published_at",
    )
    # The figures count every value published since, not only the newest listed: so does
    # the demo notice.
    about = replace(about, demo_values=totals["demo"], values=totals["real"] + totals["demo"])
    return View(
        kind="changes",
        about=about,
        summary=_summary(counts, since),
        data=values,
        figures=_figures(counts),
        bullets=_bullets(totals, table, loads),
        table=table,
        sections=_sections(since, values, totals, added, statuses, listed, loads, about),
        link=page_url("/changes", {"since": since.isoformat()}),
    )


def _labelled(statuses: pd.DataFrame) -> pd.DataFrame:
    """Status changes with `real_or_demo` in words instead of the raw flag (a status has
    no source of its own: it is computed from the values, listed above)."""
    if statuses.empty:
        return statuses.drop(columns=["is_demo"], errors="ignore")
    kind = statuses["is_demo"].astype(bool).map({True: DEMO, False: REAL})
    return statuses.drop(columns=["is_demo"]).assign(
        before=statuses["before"].map(status_label),
        after=statuses["after"].map(status_label),
        **{ROW_KIND_COLUMN: kind},
    )


def _sections(
    since: date,
    values: pd.DataFrame,
    totals: dict[str, int],
    added: pd.DataFrame,
    statuses: pd.DataFrame,
    listed: pd.DataFrame,
    loads: pd.DataFrame,
    about: About,
) -> tuple[Section, ...]:
    """The page's tables: new values one by one, entries by indicator, indicator status
    changes, the other changes, and the data loads apart."""
    again = _("Pick an earlier date to look further back.")
    words = headers()
    if len(values):
        values = values.assign(
            unit=values["unit"].map(lambda unit: unit_label(unit) if unit else "")
        )
    if len(listed):
        listed = listed.assign(kind=listed["kind"].map(kind_words))
    shown = _("The newest {shown} of {total} values published since this date ({demo} demo).")
    note = shown.format(
        shown=count_text(len(values)),
        total=count_text(totals["real"] + totals["demo"]),
        demo=count_text(totals["demo"]),
    )
    return (
        Section(
            heading=_("New values"),
            data=values.drop(columns=["is_demo"], errors="ignore"),
            name=f"new-values-since-{since}",
            empty=_("No values were published since this date."),
            hint=again,
            note=" ".join(part for part in (note, about.notice() or "") if part),
            dates=("published_at",),
            headers=words,
        ),
        Section(
            heading=_("New published entries, by indicator or initiative"),
            data=added,
            name=f"entries-added-since-{since}",
            empty=_("No entries were published since this date."),
            hint=again,
            headers=words,
            dates=("newest",),
        ),
        Section(
            heading=_("Indicator status changes"),
            data=_labelled(statuses),
            name=f"status-changes-since-{since}",
            empty=_("No indicator changed status since this date."),
            hint=_("A status changes only when new values are published."),
            dates=("at",),
            headers=words,
        ),
        Section(
            heading=_("Corrections, initiative statuses, milestones and new initiatives"),
            data=listed,
            name=f"changes-since-{since}",
            empty=_("Nothing else changed since this date."),
            hint=again,
            dates=("at",),
            headers=words,
        ),
        Section(
            heading=_("Data loads"),
            data=loads,
            name=f"data-loads-since-{since}",
            empty=_("No data was loaded since this date."),
            hint=_("Reference data, starter data and imported files are listed here."),
            dates=("at",),
            headers=words,
        ),
    )
