"""What a file becomes: observations, problems with their rows, values set aside, and
the `ImportPreview` that holds them."""

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from gdc_tracker import sdmx
from gdc_tracker.i18n import _
from gdc_tracker.importing.countries import AGGREGATE, TERRITORY
from gdc_tracker.importing.files import read_as
from gdc_tracker.importing.indicators import IndicatorChoice
from gdc_tracker.importing.mapping import ColumnMapping, _listed
from gdc_tracker.importing.sources import UNKNOWN_SOURCE, SourceInfo


@dataclass(frozen=True, slots=True)
class RowProblem:
    """Why (part of) a row is not imported, where the user can find it in the file."""

    row_number: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        return _("row {row}, column '{column}': {reason}").format(
            row=self.row_number, column=self.column, reason=self.reason
        )


_QUOTED = re.compile(r"'[^']*'")
_ROW_NUMBER = re.compile(r"\brow \d+")
_LEADING_PERIOD = re.compile(r"^\d{4}(?:-(?:Q[1-4]|\d{2}))?(?= )")


def _reason_kind(reason: str) -> str:
    """A reason without the cell's own text, so that rows rejected for the same reason
    group together: "'abc' is not a number" and "'x' is not a number" are one kind."""
    text = _QUOTED.sub("'…'", reason)
    text = _ROW_NUMBER.sub("row …", text)
    return _LEADING_PERIOD.sub("…", text)


@dataclass(frozen=True)
class ProblemGroup:
    """Rows rejected for one reason in one column."""

    column: str
    reason: str  # the reason, the cell's own text left out ('…')
    rows: list[int]
    example: RowProblem  # the first of them, as it is

    def rows_in_words(self, limit: int = 8) -> str:
        shown = ", ".join(str(n) for n in self.rows[:limit])
        if len(self.rows) <= limit:
            return shown
        return _("{rows} and {count:,} more").format(rows=shown, count=len(self.rows) - limit)


@dataclass(frozen=True, slots=True)
class Existing:
    """The live entry an observation would replace."""

    id: int
    version: int
    value: float | None
    review_state: str
    obs_status: str | None = None


Key = tuple[int, str, str, str]  # indicator id, geography, period, disaggregation


@dataclass(slots=True)
class Observation:
    """One value of the file that passed every check (and the entry it would replace)."""

    row_number: int
    column: str
    indicator_id: int
    indicator_code: str
    geo_code: str
    period: str
    year: int
    period_end: date
    value: float
    disaggregation: str
    source: str
    evidence_url: str | None
    narrative: str
    existing: Existing | None = None
    obs_status: str | None = None  # SDMX OBS_STATUS as the file gives it; None: not stated

    @property
    def key(self) -> Key:
        return (self.indicator_id, self.geo_code, self.period, self.disaggregation)


@dataclass
class SetAside:
    """Rows of one reason that the tracker has no cell for, set aside rather than rejected:
    World Bank aggregates, territories not tracked, breakdowns without a category here.
    They are summarised in one line (`line`), and every row stays listed (`problems`)."""

    kind: str  # AGGREGATE, TERRITORY, or one of sdmx's NO_CATEGORY, TWO_DIMENSIONS...
    detail: str = ""  # for a breakdown not tracked for the indicator: the dimension
    codes: dict[str, int] = field(default_factory=dict)  # code (or breakdown) -> rows
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.problems)

    def line(self) -> str:
        """'49 rows of 12 aggregates not tracked: AFE, AFW, …', in one sentence."""
        codes = _codes_listed(list(self.codes))
        rows, count = self.rows, len(self.codes)
        # (many rows of many codes, many rows of one code, one row) for each kind
        templates = {
            AGGREGATE: (
                _(
                    "{rows:,} rows of {count:,} aggregates not tracked (World Bank regions and "
                    "income groups): {codes}."
                ),
                _(
                    "{rows:,} rows of 1 aggregate not tracked (World Bank regions and income "
                    "groups): {codes}."
                ),
                _(
                    "1 row of an aggregate not tracked (World Bank regions and income groups): "
                    "{codes}."
                ),
            ),
            TERRITORY: (
                _(
                    "{rows:,} rows of {count:,} territories that are not tracked geographies: "
                    "{codes}."
                ),
                _("{rows:,} rows of 1 territory that is not a tracked geography: {codes}."),
                _("1 row of a territory that is not a tracked geography: {codes}."),
            ),
            sdmx.NO_CATEGORY: (
                _(
                    "{rows:,} rows of {count:,} breakdowns the tracker has no category for: "
                    "{codes}."
                ),
                _("{rows:,} rows of a breakdown the tracker has no category for: {codes}."),
                _("1 row of a breakdown the tracker has no category for: {codes}."),
            ),
            sdmx.TWO_DIMENSIONS: (
                _(
                    "{rows:,} rows broken down by two dimensions at once, which the tracker "
                    "does not hold: {codes}."
                ),
                _(
                    "{rows:,} rows broken down by two dimensions at once, which the tracker "
                    "does not hold: {codes}."
                ),
                _(
                    "1 row broken down by two dimensions at once, which the tracker does not "
                    "hold: {codes}."
                ),
            ),
            sdmx.NOT_TRACKED_FOR_INDICATOR: (
                _(
                    "{rows:,} rows: breakdown by {dimension} not tracked for this indicator "
                    "({codes})."
                ),
                _(
                    "{rows:,} rows: breakdown by {dimension} not tracked for this indicator "
                    "({codes})."
                ),
                _("1 row: breakdown by {dimension} not tracked for this indicator ({codes})."),
            ),
        }
        many, one_code, one_row = templates[self.kind]
        template = one_row if rows == 1 else one_code if count == 1 else many
        return template.format(rows=rows, count=count, codes=codes, dimension=self.detail)


def _codes_listed(codes: Sequence[str], limit: int = 12) -> str:
    """AFE, AFW, ARB (and how many more beyond `limit`): codes, not quoted."""
    shown = ", ".join(codes[:limit])
    if len(codes) <= limit:
        return shown
    return _("{codes} and {count:,} more").format(codes=shown, count=len(codes) - limit)


@dataclass
class ImportPreview:
    """What an import would do. Counts are of observations: in the wide layout, one row
    holds one observation per filled year cell."""

    filename: str
    mapping: ColumnMapping
    rows_read: int
    checksum: str = ""  # SHA-256 of the file (hex), for the import batch
    new: list[Observation] = field(default_factory=list)
    changed: list[Observation] = field(default_factory=list)
    unchanged: list[Observation] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    rejected: int = 0  # observations rejected (a row may hold several, with one problem)
    source_key: str = ""  # where the matches of the file's indicators are kept
    indicator_choices: list[IndicatorChoice] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)  # file's indicator -> rows skipped
    # Rows the tracker has no cell for, by (kind, detail): summarised, not rejected.
    set_aside: dict[tuple[str, str], SetAside] = field(default_factory=dict)
    source: SourceInfo = UNKNOWN_SOURCE  # where the values come from (models.DataSource)
    status_labels: dict[str, str] = field(default_factory=dict)  # OBS_STATUS code -> label
    encoding: str = ""  # the codec the file's text was read with (see _decode); "" for .xlsx

    def read_as(self) -> str:
        """How the file's text was read, in words ("Read as Cyrillic (Windows-1251).")."""
        return read_as(self.encoding)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "new": len(self.new),
            "changed": len(self.changed),
            "unchanged": len(self.unchanged),
            "rejected": self.rejected,
        }

    @property
    def accepted(self) -> int:
        return len(self.new) + len(self.changed) + len(self.unchanged)

    @property
    def has_changes(self) -> bool:
        return bool(self.new or self.changed)

    @property
    def corrections(self) -> int:
        """Changed values that are published: the import adds corrections that supersede
        them when published, so they stay on the explore pages until then."""
        return sum(1 for o in self.changed if o.existing and o.existing.review_state == "published")

    @property
    def rejected_rows(self) -> int:
        return len({problem.row_number for problem in self.problems})

    @property
    def indicator_codes(self) -> list[str]:
        found = {o.indicator_code for o in self.new + self.changed + self.unchanged}
        return sorted(found)

    @property
    def skipped_rows(self) -> int:
        return sum(self.skipped.values())

    @property
    def set_aside_rows(self) -> int:
        return sum(group.rows for group in self.set_aside.values())

    def set_aside_lines(self) -> list[str]:
        """One sentence per reason rows were set aside, the most rows first."""
        groups = sorted(self.set_aside.values(), key=lambda g: -g.rows)
        return [group.line() for group in groups]

    def set_aside_frame(self) -> pd.DataFrame:
        """Every row set aside: row, column, value, reason."""
        problems = sorted(
            (p for group in self.set_aside.values() for p in group.problems),
            key=lambda p: p.row_number,
        )
        return pd.DataFrame(
            [(p.row_number, p.column, p.value, p.reason) for p in problems],
            columns=["row", "column", "value", "reason"],
        )

    def status_counts(self) -> dict[str, int]:
        """Accepted observations per observation status ("A", "E"...; "" not stated)."""
        found = Counter(o.obs_status or "" for o in self.new + self.changed + self.unchanged)
        return dict(found.most_common())

    def status_frame(self) -> pd.DataFrame:
        """The status counts for a table: status, its label, observations."""
        rows = [
            (code or _("not stated"), self.status_labels.get(code, ""), count)
            for code, count in self.status_counts().items()
        ]
        return pd.DataFrame(rows, columns=["status", "meaning", "observations"])

    def summary(self) -> str:
        counts = self.counts
        text = _(
            "{new:,} new, {changed:,} changed, {unchanged:,} unchanged, {rejected:,} rejected"
        ).format(**counts)
        if self.rejected_rows == 1:
            text += _(" (in 1 row)")
        elif self.rejected_rows:
            text += _(" (in {rows:,} rows)").format(rows=self.rejected_rows)
        skipped = self.skipped_message()
        if skipped:
            text = _("{counts}. {skipped}").format(counts=text, skipped=skipped)
        if self.set_aside:
            text = _("{counts}. {rows:,} rows set aside: the tracker has no cell for them.").format(
                counts=text.rstrip("."), rows=self.set_aside_rows
            )
        return text

    def skipped_message(self) -> str | None:
        """The rows of indicators not imported (not tracked, or skipped by choice)."""
        if not self.skipped:
            return None
        names = _listed(list(self.skipped))
        rows, count = self.skipped_rows, len(self.skipped)
        if rows == 1:
            return _("1 row of an indicator not tracked here was skipped: {names}.").format(
                names=names
            )
        if count == 1:
            return _("{rows:,} rows of 1 indicator not tracked here were skipped: {names}.").format(
                rows=rows, names=names
            )
        return _(
            "{rows:,} rows of {count:,} indicators not tracked here were skipped: {names}."
        ).format(rows=rows, count=count, names=names)

    def nothing_to_import(self) -> str | None:
        """Why importing this preview would write nothing, in a sentence; None if it writes."""
        if self.has_changes:
            return None
        if self.rows_read == 0:
            return _("The file has a header but no rows: there is nothing to import.")
        if self.accepted == 0 and self.rejected:
            return _(
                "Nothing to import: all {count:,} values of the file were rejected. Correct "
                "the rows listed and check the file again."
            ).format(count=self.rejected)
        if self.accepted == 0 and self.set_aside and not self.skipped:
            return _(
                "Nothing to import: the tracker has no cell for any row of the file (see the "
                "rows set aside)."
            )
        if self.accepted == 0 and self.skipped:
            return _(
                "Nothing to import: every row is of an indicator not tracked here. Match the "
                "file's indicators to tracked ones to import them."
            )
        if self.accepted == 0:
            return _("Nothing to import: the chosen columns hold no values.")
        return _("Nothing to import: every accepted value is already in the store.")

    def problem_groups(self) -> list["ProblemGroup"]:
        """The rejections grouped by column and reason (the cell's own text aside), the
        most frequent first."""
        grouped: dict[tuple[str, str], list[RowProblem]] = {}
        for problem in self.problems:
            key = (problem.column, _reason_kind(problem.reason))
            grouped.setdefault(key, []).append(problem)
        groups = [
            ProblemGroup(
                column=column,
                reason=kind,
                rows=sorted({p.row_number for p in problems}),
                example=problems[0],
            )
            for (column, kind), problems in grouped.items()
        ]
        return sorted(groups, key=lambda g: (-len(g.rows), g.rows[0]))

    def problem_groups_frame(self, rows_shown: int = 8) -> pd.DataFrame:
        """One line per reason, for a table: why, column, rows, an example, the row numbers."""
        lines = [
            (
                group.reason,
                group.column,
                len(group.rows),
                str(group.example),
                group.rows_in_words(rows_shown),
            )
            for group in self.problem_groups()
        ]
        return pd.DataFrame(
            lines, columns=["rejected because", "column", "rows", "for example", "row numbers"]
        )

    def problems_frame(self) -> pd.DataFrame:
        """The rejected rows for a table: row, column, value, reason."""
        return pd.DataFrame(
            [(p.row_number, p.column, p.value, p.reason) for p in self.problems],
            columns=["row", "column", "value", "reason"],
        )

    def observations_frame(self) -> pd.DataFrame:
        """Every accepted observation with what the import does to it."""
        columns = [
            "row",
            "column",
            "indicator",
            "geography",
            "period",
            "disaggregation",
            "value",
            "obs_status",
            "previous_value",
            "change",
        ]
        rows = [
            (
                o.row_number,
                o.column,
                o.indicator_code,
                o.geo_code,
                o.period,
                o.disaggregation,
                o.value,
                o.obs_status,
                o.existing.value if o.existing else None,
                change,
            )
            for change, group in (
                ("new", self.new),
                ("changed", self.changed),
                ("unchanged", self.unchanged),
            )
            for o in group
        ]
        return pd.DataFrame(rows, columns=columns).sort_values("row", kind="stable")
