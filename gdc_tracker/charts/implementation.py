"""The Implementation Map's heat-map: framework items (rows) against ITU actions, lead
sectors or regions (columns), each cell counting the initiatives linked, with a total
column in which an item that has no ITU action stands out in its own colour and word.

Nothing is said by colour alone: every non-empty cell prints its count, and a row with no
action reads "none" in its total.
"""

import altair as alt
import pandas as pd

from gdc_tracker.i18n import _

ROW_HEIGHT = 20
CELL_WIDTH = 64
TOTAL_WIDTH = 54
LABEL_LIMIT = 430
EMPTY_CELL = "#F2F2F2"
GAP_COLOUR = "#C04F00"  # Okabe-Ito vermillion, darkened: white "none" on it reads at 4.8:1
COVERED_COLOUR = "#E8F1F8"
INK = "#1F3B57"
PICK = "pick"  # the selection a click on a row makes: the page opens that item


def cell_grid(cells: pd.DataFrame, rows: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Every (row, column) pair, with the count of `cells` (0 where none is linked)."""
    grid = rows[["code", "label"]].merge(pd.DataFrame({"column": columns}), how="cross")
    counted = cells[["code", "column", "count"]] if len(cells) else None
    if counted is None:
        return grid.assign(count=0)
    merged = grid.merge(counted, on=["code", "column"], how="left")
    return merged.assign(count=merged["count"].fillna(0).astype(int))


def heat_map(
    grid: pd.DataFrame,
    totals: pd.DataFrame,
    *,
    row_order: list[str],
    column_order: list[str],
    column_title: str,
    title: str,
) -> alt.HConcatChart:
    """`grid`: code, label, column, count; `totals`: code, label, title, total."""
    pick = alt.selection_point(name=PICK, fields=["code"], on="click", empty=False)
    y = alt.Y(  # titled for the words a screen reader says of a cell; the axis shows none
        "label:N",
        sort=row_order,
        title=_("Item"),
        axis=alt.Axis(title=None, labelLimit=LABEL_LIMIT, labelOverlap=False),
    )
    tooltip = [
        alt.Tooltip("label:N", title=_("Item")),
        alt.Tooltip("column:N", title=column_title),
        alt.Tooltip("count:Q", title=_("ITU actions linked")),
    ]
    base = alt.Chart(grid).encode(
        x=alt.X(
            "column:N",
            sort=column_order,
            title=column_title,
            axis=alt.Axis(orient="top", labelAngle=-45, labelLimit=160, labelOverlap=False),
        ),
        y=y,
    )
    cells = base.mark_rect(stroke="#FFFFFF", strokeWidth=1).encode(
        color=alt.condition(
            "datum.count > 0",
            alt.Color(
                "count:Q",
                title=_("ITU actions linked"),
                scale=alt.Scale(scheme="blues", domainMin=0),
                legend=alt.Legend(title=_("ITU actions"), orient="bottom", tickMinStep=1),
            ),
            alt.value(EMPTY_CELL),
        ),
        tooltip=tooltip,
    )
    counts = base.mark_text(aria=False).encode(  # the cell under it says the same
        text=alt.Text("count:Q"),
        color=alt.condition("datum.count > 2", alt.value("#FFFFFF"), alt.value(INK)),
        opacity=alt.condition("datum.count > 0", alt.value(1), alt.value(0)),
    )
    width = max(CELL_WIDTH * len(column_order), 120)
    matrix = (cells + counts).add_params(pick).properties(width=width, height=alt.Step(ROW_HEIGHT))
    chart = alt.hconcat(matrix, _total_column(totals, y), spacing=6, title=title)
    # The total column stays narrow on a slide too (gdc_tracker.ui.slides.room_sized).
    return chart.resolve_scale(color="independent").properties(usermeta={"fixed_panels": True})


def _total_column(totals: pd.DataFrame, y: alt.Y) -> alt.LayerChart:
    shown = totals.assign(
        total_text=totals["total"].map(lambda n: str(int(n)) if n else _("none")),
        heading=_("Total"),
    )
    base = alt.Chart(shown).encode(
        y=y.axis(None),
        x=alt.X(
            "heading:N", title=_("Total"), axis=alt.Axis(title=None, orient="top", labelAngle=0)
        ),
        tooltip=[
            alt.Tooltip("label:N", title=_("Item")),
            alt.Tooltip("total:Q", title=_("ITU actions linked, in all")),
        ],
    )
    boxes = base.mark_rect(stroke="#FFFFFF").encode(
        color=alt.condition("datum.total > 0", alt.value(COVERED_COLOUR), alt.value(GAP_COLOUR))
    )
    words = base.mark_text(fontWeight="bold", aria=False).encode(  # its box says the same
        text="total_text:N",
        color=alt.condition("datum.total > 0", alt.value(INK), alt.value("#FFFFFF")),
    )
    return (boxes + words).properties(width=TOTAL_WIDTH, height=alt.Step(ROW_HEIGHT))
