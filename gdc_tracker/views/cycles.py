"""The update-cycle completeness board: which initiatives reported in a reporting cycle,
as one `View` for the page, the presenter slide and the files.

What counts as an update, and each initiative's state, is decided in gdc_tracker.cycles;
this module puts it in words: the figures, the board, the counts by lead sector and by
focal point, and the chart of states by lead sector.
"""

from dataclasses import replace
from datetime import date

import altair as alt
import pandas as pd
from sqlmodel import Session

from gdc_tracker.errors import NotFound
from gdc_tracker.i18n import N_, _
from gdc_tracker.links import page_url
from gdc_tracker.models import ReportingCycle
from gdc_tracker.palette import PROGRESS_COLOURS
from gdc_tracker.queries import cycles
from gdc_tracker.status import ProgressStatus
from gdc_tracker.views import DEMO, REAL, About, Figure, Section, View, day_text, newest
from gdc_tracker.views.indicator import chart_spec
from gdc_tracker.views.reference import reference_source

NO_CYCLE = N_("No reporting cycle is stored: an admin adds one on the Admin page.")
# The progress palette's colours, at 3:1 or more on the page: overdue dark red, due ochre,
# submitted blue, updated green.
STATE_COLOURS = {
    cycles.OVERDUE: PROGRESS_COLOURS[ProgressStatus.DETERIORATION],
    cycles.DUE: PROGRESS_COLOURS[ProgressStatus.LIMITED],
    cycles.SUBMITTED: PROGRESS_COLOURS[ProgressStatus.ON_TRACK],
    cycles.UPDATED: PROGRESS_COLOURS[ProgressStatus.TARGET_MET],
}
# English, marked for the catalogues: `state_word` and `_board_in_words` translate them.
STATE_WORDS = {
    cycles.OVERDUE: N_("overdue"),
    cycles.DUE: N_("due"),
    cycles.SUBMITTED: N_("submitted, awaiting review"),
    cycles.UPDATED: N_("updated"),
}
BOARD_WORDS = {
    "name": N_("Initiative"),
    "slug": N_("Initiative code"),
    "lead_sector": N_("Lead sector"),
    "focal_point": N_("Focal point"),
    "status": N_("Status"),
    "last_update": N_("Last update in the cycle"),
    "review_state": N_("Review state"),
    "real_or_demo": N_("Real or demo"),
    "state": N_("State"),
}


def state_word(state: str) -> str:
    """An initiative's state in the cycle, in the reader's language ("overdue")."""
    return _(STATE_WORDS[state])


def _column_words(columns: dict[str, str]) -> dict[str, str]:
    return {column: _(words) for column, words in columns.items()}


def _board_in_words(board: pd.DataFrame) -> pd.DataFrame:
    """The board with its columns and states in words; "demo" on a demo update."""
    kind = board["is_demo"].map({True: DEMO, False: REAL}).where(board["review_state"] != "none")
    shown = board.assign(real_or_demo=kind.fillna(""), state=board["state"].map(state_word))
    return shown[list(BOARD_WORDS)].rename(columns=_column_words(BOARD_WORDS))


def state_counts(board: pd.DataFrame, by: str) -> pd.DataFrame:
    """`by`, then how many initiatives are in each state, and in all: one row per group."""
    if board.empty:
        return pd.DataFrame(columns=[by, *cycles.STATES, "initiatives"])
    counts = pd.crosstab(board[by], board["state"]).reindex(columns=list(cycles.STATES))
    counts = counts.fillna(0).astype(int)
    counts["initiatives"] = counts.sum(axis=1)
    return counts.reset_index()


def _counts_in_words(counts: pd.DataFrame, by: str) -> pd.DataFrame:
    words = {state: state_word(state).capitalize() for state in cycles.STATES}
    return counts.rename(columns={by: _(BOARD_WORDS[by]), **words, "initiatives": _("Initiatives")})


def states_chart(board: pd.DataFrame, title: str) -> alt.Chart:
    """A bar per lead sector, stacked by state (overdue first), with a legend and tooltip."""
    counts = state_counts(board, "lead_sector").melt(
        id_vars=["lead_sector", "initiatives"],
        value_vars=list(cycles.STATES),
        var_name="state",
        value_name="count",
    )
    counts = counts.assign(
        rank=counts["state"].map({s: i for i, s in enumerate(cycles.STATES)}),
        label=counts["state"].map(state_word),
    )
    labels = [state_word(state) for state in cycles.STATES]
    return (
        alt.Chart(counts[counts["count"] > 0], title=title)
        .mark_bar()
        .encode(
            x=alt.X("count:Q", title=_("Initiatives"), stack="zero"),
            y=alt.Y("lead_sector:N", title=_("Lead sector"), sort="ascending"),
            color=alt.Color(
                "label:N",
                title=_("State"),
                scale=alt.Scale(domain=labels, range=list(STATE_COLOURS.values())),
                legend=alt.Legend(orient="top"),
            ),
            order=alt.Order("rank:Q"),
            tooltip=[
                alt.Tooltip("lead_sector:N", title=_("Lead sector")),
                alt.Tooltip("label:N", title=_("State")),
                alt.Tooltip("count:Q", title=_("Initiatives")),
            ],
        )
    )


def _tally(board: pd.DataFrame) -> dict[str, int]:
    return {state: int((board["state"] == state).sum()) for state in cycles.STATES}


def _figures(tally: dict[str, int], cycle: ReportingCycle, today: date) -> tuple[Figure, ...]:
    due = day_text(cycle.due_on)
    waiting = (
        Figure(str(tally[cycles.OVERDUE]), _("overdue (due {date})").format(date=due))
        if cycle.due_on < today
        else Figure(str(tally[cycles.DUE]), _("still due by {date}").format(date=due))
    )
    return (
        Figure(str(tally[cycles.UPDATED]), _("initiatives updated (published)")),
        Figure(str(tally[cycles.SUBMITTED]), _("submitted, awaiting review")),
        waiting,
    )


def _summary(cycle: ReportingCycle, tally: dict[str, int], total: int) -> str:
    return _(
        "{cycle} (updates due {due}): {updated} of {total} initiatives updated, "
        "{submitted} submitted and awaiting review, {overdue} overdue and {due_count} due."
    ).format(
        cycle=cycle.name,
        due=day_text(cycle.due_on),
        updated=tally[cycles.UPDATED],
        total=total,
        submitted=tally[cycles.SUBMITTED],
        overdue=tally[cycles.OVERDUE],
        due_count=tally[cycles.DUE],
    )


def _about(cycle: ReportingCycle, board: pd.DataFrame, today: date) -> About:
    """The cycle and its window in words, where the initiatives, their updates and the
    cycle's dates come from, the newest update counted, and how many are demo."""
    window = _("submitted or published, created {start} to {due}").format(
        start=day_text(cycle.starts_on), due=day_text(cycle.due_on)
    )
    filters = {_("Reporting cycle"): cycle.name, _("Updates counted"): window}
    if cycle.council_session:
        filters[_("For")] = cycle.council_session
    filters[_("State as of")] = day_text(today)
    sources = [reference_source(), _("initiative updates recorded in the tracker")]
    if cycle.source:
        sources.append(_("cycle dates: {source}").format(source=cycle.source))
    reported = board[board["review_state"] != cycles.NONE]
    return About(
        title=_("Reporting cycle {name} · updates due {date}").format(
            name=cycle.name, date=day_text(cycle.due_on)
        ),
        filters=filters,
        sources=tuple(sources),
        as_of=newest(reported["updated_at"]) if len(reported) else None,
        demo_values=int(reported["is_demo"].sum()),
        values=len(board),
    )


def _sections(board: pd.DataFrame, cycle: ReportingCycle) -> tuple[Section, ...]:
    """The board itself, what needs action first, then its counts by lead sector and by
    focal point."""
    slug = cycle.name.lower().replace(" ", "-")
    initiatives = Section(
        heading=_("Initiatives, overdue first"),
        data=_board_in_words(board),
        name=f"cycle-{slug}-initiatives",
        empty=_("No initiative is recorded yet."),
        hint=_("Initiatives come from the reference data."),
    )
    return (initiatives,) + tuple(
        Section(
            heading=heading,
            data=_counts_in_words(state_counts(board, by), by),
            name=f"cycle-{slug}-by-{by.replace('_', '-')}",
            empty=_("No initiative is recorded yet."),
            hint=_("Initiatives come from the reference data."),
        )
        for heading, by in (
            (_("By lead sector"), "lead_sector"),
            (_("By focal point"), "focal_point"),
        )
    )


def current_cycle_name(session: Session, *, today: date) -> str | None:
    """The name of the cycle the board opens on (`cycles.current_cycle`), None if none."""
    cycle = cycles.current_cycle(session, today)
    return cycle.name if cycle else None


def page_link(name: str) -> str:
    """The path and query of the Implementation page showing the same board."""
    return page_url("/implementation", {"view": "cycle", "cycle": name})


def _chosen(session: Session, cycle: str | None, today: date) -> ReportingCycle | None:
    if cycle is None:
        return cycles.current_cycle(session, today)
    try:
        return cycles.get_cycle(session, cycle)
    except NotFound:
        return None


def update_cycle_view(
    session: Session, *, cycle: str | None = None, today: date | None = None
) -> View:
    """The board of the cycle `cycle` (by default the one under way `today`, else the
    latest that started): each initiative updated, submitted, overdue or due."""
    today = today or date.today()
    chosen = _chosen(session, cycle, today)
    if chosen is None:
        problem = (
            _(NO_CYCLE)
            if cycle is None
            else _("There is no reporting cycle “{name}”: it may have been renamed.").format(
                name=cycle
            )
        )
        title = _("Reporting cycle") if cycle is None else cycle
        link = page_link(cycle) if cycle else page_url("/implementation", {"view": "cycle"})
        return View(kind="update_cycle", about=About(title=title), link=link, problem=problem)
    board = cycles.cycle_board(session, chosen.name, today)
    tally = _tally(board)
    summary = _summary(chosen, tally, len(board))
    about = _about(chosen, board, today)
    if about.as_of is None:  # no update counted yet: date the board by its cycle's record
        about = replace(about, as_of=cycles.cycles_as_of(session))
    return View(
        kind="update_cycle",
        about=about,
        summary=summary,
        data=_board_in_words(board),
        chart=chart_spec(states_chart(board, about.title)) if len(board) else None,
        figures=_figures(tally, chosen, today),
        bullets=(summary,),
        sections=_sections(board, chosen),
        link=page_link(chosen.name),
        problem="" if len(board) else _("No initiative is recorded yet."),
    )


__all__ = [
    "NO_CYCLE",
    "STATE_WORDS",
    "current_cycle_name",
    "page_link",
    "state_counts",
    "state_word",
    "states_chart",
    "update_cycle_view",
]
