"""Indicators page charts: series with baseline, target and trajectory; comparison bars;
the gender gap; universal vs meaningful connectivity. Each has a one-sentence summary.

Geographies, regions and sexes are categories, not statuses: they take Paul Tol's "muted"
qualitative palette (colour-blind safe), which shares no colour with the status palette,
and where it matters a second channel (shape, dash) as well, so colour is never alone.
"""

import math
from collections.abc import Mapping, Sequence
from typing import Any, cast

import altair as alt
import pandas as pd
from babel.numbers import format_decimal

from gdc_tracker.i18n import N_, _, current_language, ngettext
from gdc_tracker.models import dimensions_in_words
from gdc_tracker.palette import progress_label
from gdc_tracker.status import status_label

__all__ = [
    "CATEGORY_PALETTE",
    "REGION_COLOURS",
    "SEX_COLOURS",
    "compare_chart",
    "compare_summary",
    "connectivity_chart",
    "connectivity_summary",
    "gender_chart",
    "gap_table",
    "gender_summary",
    "metadata_rows",
    "number",
    "reference_marks",
    "series_chart",
    "series_summary",
    "status_table",
    "trajectory",
    "unit_label",
]

# Paul Tol's muted scheme: none of these is a status colour (gdc_tracker.palette).
CATEGORY_PALETTE = [
    "#332288",
    "#44AA99",
    "#CC6677",
    "#999933",
    "#88CCEE",
    "#882255",
    "#117733",
    "#DDCC77",
    "#AA4499",
]
REGION_COLOURS: dict[str, str] = {
    "AFR": "#CC6677",
    "AMS": "#332288",
    "ARB": "#DDCC77",
    "ASP": "#117733",
    "CIS": "#88CCEE",
    "EUR": "#AA4499",
}
REGION_SHAPES: dict[str, str] = {
    "AFR": "circle",
    "AMS": "square",
    "ARB": "triangle-up",
    "ASP": "diamond",
    "CIS": "triangle-down",
    "EUR": "cross",
}
SEX_COLOURS: dict[str, str] = {"female": "#882255", "male": "#44AA99"}
KIND_COLOURS: dict[str, str] = {"world": "#332288", "region": "#88CCEE", "country": "#44AA99"}
REFERENCE_COLOUR = "#222222"  # target, baseline and trajectory marks
# Words shown to readers, in English and marked for the catalogues: translated where shown.
UNIT_LABELS: dict[str, str] = {
    "percent": N_("%"),
    "percent_gni": N_("% of GNI per capita"),
    "ratio": N_("ratio"),
    "index": N_("index score"),
    "count": N_("count"),
}
DIRECTION_WORDS: dict[str, str] = {
    "higher_is_better": N_("higher is better"),
    "lower_is_better": N_("lower is better"),
}
KIND_WORDS: dict[str, str] = {
    "world": N_("World"),
    "region": N_("Region"),
    "country": N_("Country"),
}
SEX_WORDS: dict[str, str] = {"female": N_("female"), "male": N_("male")}
QUADRANT = 50.0
UNIVERSAL = 100.0  # universal connectivity: everyone online (the UMC 2030 target)


def unit_label(unit: str) -> str:
    return _(UNIT_LABELS[unit]) if unit in UNIT_LABELS else unit


def _words(words: Mapping[str, str], code: str) -> str:
    """`code` in the reader's language when `words` names it, else as it is stored."""
    return _(words[code]) if code in words else code


def number(value: float | None, digits: int = 1, *, signed: bool = False) -> str:
    """A value for people, in the reader's language: thousands separated, `digits`
    decimals (none for a whole number of 100 or more), "+" before a positive value when
    `signed`, '–' when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    places = 0 if float(value).is_integer() and abs(value) >= 100 else digits
    pattern = "#,##0" + ("." + "0" * places if places else "")
    if signed:
        pattern = f"+{pattern};-{pattern}"
    return format_decimal(value, format=pattern, locale=current_language())


def metadata_rows(reference: Mapping[str, Any]) -> dict[str, str]:
    """The indicator's reference fields as label -> text, for the "About" panel."""

    def pair(value: Any, year: Any) -> str:
        return f"{number(value)} ({int(year)})" if _known(value) and _known(year) else "–"

    return {
        _("Code"): str(reference["code"]),
        _("Definition"): str(reference["definition"] or "–"),
        _("Unit"): unit_label(str(reference["unit"])),
        _("Direction"): _words(DIRECTION_WORDS, str(reference["direction"])),
        _("Source"): str(reference["source"] or "–"),
        _("Baseline"): pair(reference["baseline_value"], reference["baseline_year"]),
        _("Target"): pair(reference["target_value"], reference["target_year"]),
        _("Allowed disaggregations"): dimensions_in_words(reference["disaggregations"]),
        _("Note"): str(reference["note"] or "–"),
    }


# --- time series -----------------------------------------------------------------------------


def trajectory(
    start_year: int, start_value: float, target_year: int, target_value: float
) -> pd.DataFrame:
    """year, value: the yearly path from the start to the target, as gdc_tracker.status
    measures the required rate: compound growth, linear when a value is zero or negative.
    Empty when the target year is not after the start year."""
    if target_year <= start_year:
        return pd.DataFrame({"year": pd.Series(dtype=int), "value": pd.Series(dtype=float)})
    years = list(range(start_year, target_year + 1))
    span = target_year - start_year
    if start_value > 0 and target_value > 0:
        ratio = target_value / start_value
        values = [start_value * ratio ** ((y - start_year) / span) for y in years]
    else:
        step = (target_value - start_value) / span
        values = [start_value + step * (y - start_year) for y in years]
    return pd.DataFrame({"year": years, "value": values})


def _known(value: object) -> bool:
    return value is not None and not pd.isna(value)


def reference_marks(
    reference: Mapping[str, Any], start: tuple[Any, Any] | None = None
) -> tuple[tuple[int, float] | None, tuple[int, float] | None, pd.DataFrame | None]:
    """(target, baseline, path) for `series_chart` from the indicator's `reference`
    (target_year, target_value, baseline_year, baseline_value, direction).

    The path starts where the status is measured from (`start`: the assessment's baseline
    year and value, i.e. the first observation from the baseline year on), or at the
    reference baseline when there is no observation; there is none without a target, or
    when the start already meets the target."""
    target = (
        (int(reference["target_year"]), float(reference["target_value"]))
        if _known(reference["target_year"]) and _known(reference["target_value"])
        else None
    )
    baseline = (
        (int(reference["baseline_year"]), float(reference["baseline_value"]))
        if _known(reference["baseline_year"]) and _known(reference["baseline_value"])
        else None
    )
    begin = baseline
    if start is not None and _known(start[0]) and _known(start[1]):
        begin = (int(start[0]), float(start[1]))
    if target is None or begin is None:
        return target, baseline, None
    higher = reference["direction"] == "higher_is_better"
    if (begin[1] >= target[1]) if higher else (begin[1] <= target[1]):
        return target, baseline, None
    path = trajectory(begin[0], begin[1], target[0], target[1])
    return target, baseline, (path if len(path) else None)


def _year_axis(first: float, last: float) -> alt.X:
    return alt.X(
        "year:Q",
        title=_("Year"),
        scale=alt.Scale(domain=[first, last], nice=False, zero=False),
        axis=alt.Axis(format="d", tickMinStep=1),
    )


def provenance_tooltips(values: pd.DataFrame) -> list[alt.Tooltip]:
    """The source and observation status of the value under the pointer, where known."""
    tips = []
    if "source" in values.columns:
        tips.append(alt.Tooltip("source:N", title=_("Source")))
    if "obs_status" in values.columns and values["obs_status"].astype(bool).any():
        tips.append(alt.Tooltip("obs_status:N", title=_("Observation status")))
    return tips


def series_chart(
    series: pd.DataFrame,
    *,
    geo_order: Sequence[str],
    unit: str,
    target: tuple[int, float] | None = None,
    baseline: tuple[int, float] | None = None,
    path: pd.DataFrame | None = None,
) -> alt.LayerChart:
    """Lines with points per geography (`series`: geo_code, geo_name, year, value; legend in
    the order of the codes in `geo_order`), the reference `baseline` point, the `target` rule
    (year, value) drawn up to the target year, and `path` (year, value), the dashed
    trajectory needed to reach it."""
    names = dict(zip(series["geo_code"], series["geo_name"], strict=False))
    geo_order = [names[code] for code in geo_order if code in names]
    years = list(series["year"])
    years += [baseline[0]] if baseline else []
    years += [target[0]] if target else []
    years += list(path["year"]) if path is not None else []
    first, last = (min(years), max(years)) if years else (2015, 2030)
    if len(series) and last == series["year"].max():
        last += 1  # room for the labels at the ends of the lines
    x = _year_axis(first, last)
    y_title = unit_label(unit)
    layers: list[alt.Chart] = [
        alt.Chart(series)
        .mark_line(point=alt.OverlayMarkDef(filled=True, size=45), strokeWidth=2)
        .encode(
            x=x,
            y=alt.Y("value:Q", title=y_title),
            color=alt.Color(
                "geo_name:N",
                title=_("Geography"),
                scale=alt.Scale(domain=list(geo_order), range=CATEGORY_PALETTE),
                legend=alt.Legend(orient="bottom", labelLimit=240),
            ),
            tooltip=[
                alt.Tooltip("geo_name:N", title=_("Geography")),
                alt.Tooltip("year:Q", title=_("Year"), format="d"),
                alt.Tooltip("value:Q", title=y_title, format=",.2f"),
                *provenance_tooltips(series),
            ],
        )
    ]
    ends = series.sort_values("year").groupby("geo_code", sort=False).tail(1)
    layers.append(  # direct labels, so a line is known by its name as well as its colour
        alt.Chart(ends)
        .mark_text(align="left", dx=6, fontWeight="bold")
        .encode(
            x=x,
            y=alt.Y("value:Q"),
            text=alt.Text("geo_name:N"),
            color=alt.Color(
                "geo_name:N", scale=alt.Scale(domain=geo_order, range=CATEGORY_PALETTE)
            ),
        )
    )
    if path is not None and len(path):
        labelled = path.assign(label=_("Path needed to reach the target"))
        layers += [
            alt.Chart(labelled)
            .mark_line(strokeDash=[6, 4], color=REFERENCE_COLOUR, strokeWidth=1.5)
            .encode(
                x=x,
                y=alt.Y("value:Q"),
                tooltip=[
                    alt.Tooltip("label:N", title=""),
                    alt.Tooltip("year:Q", title=_("Year"), format="d"),
                    alt.Tooltip("value:Q", title=y_title, format=",.2f"),
                ],
            ),
        ]
    if target is not None:
        rule = pd.DataFrame(
            {
                "year": [first],
                "year_end": [target[0]],
                "value": [target[1]],
                "label": [
                    _("Target {year}: {value}").format(year=target[0], value=number(target[1]))
                ],
            }
        )
        base = alt.Chart(rule)
        layers += [
            base.mark_rule(color=REFERENCE_COLOUR, strokeWidth=1.5).encode(
                x=x,
                x2=alt.X2("year_end:Q"),
                y=alt.Y("value:Q"),
                tooltip=alt.Tooltip("label:N", title=""),
            ),
            base.mark_text(align="left", dx=2, dy=-7, color=REFERENCE_COLOUR).encode(
                x=alt.X("year:Q"), y=alt.Y("value:Q"), text=alt.Text("label:N")
            ),
        ]
    if baseline is not None:
        point = pd.DataFrame(
            {
                "year": [baseline[0]],
                "value": [baseline[1]],
                "label": [
                    _("Baseline {year}: {value}").format(
                        year=baseline[0], value=number(baseline[1])
                    )
                ],
            }
        )
        base = alt.Chart(point)
        layers += [
            base.mark_point(shape="diamond", size=140, filled=True, color=REFERENCE_COLOUR).encode(
                x=x, y=alt.Y("value:Q"), tooltip=alt.Tooltip("label:N", title="")
            ),
            base.mark_text(align="left", dx=8, dy=10, color=REFERENCE_COLOUR).encode(
                x=alt.X("year:Q"), y=alt.Y("value:Q"), text=alt.Text("label:N")
            ),
        ]
    return cast(alt.LayerChart, alt.layer(*layers).properties(height=380))  # no layer is faceted


def indicator_series_chart(
    reference: Mapping[str, object],
    series: pd.DataFrame,
    statuses: pd.DataFrame,
    *,
    geo_order: Sequence[str],
) -> alt.LayerChart:
    """`series_chart` of an indicator with its reference marks: the target, the baseline,
    and the path needed from where the first geography's status is measured (`statuses`
    is `series_status()`, in the order of `geo_order`). `series` must not be empty."""
    first = statuses.iloc[0]
    target, baseline, path = reference_marks(
        reference, (first["baseline_year"], first["baseline_value"])
    )
    return series_chart(
        series,
        geo_order=geo_order,
        unit=str(reference["unit"]),
        target=target,
        baseline=baseline,
        path=path,
    )


def series_summary(
    series: pd.DataFrame, statuses: pd.DataFrame, *, name: str, target: tuple[int, float] | None
) -> str:
    """One sentence: each geography's first and latest value and its status, and the target."""
    if series.empty:
        return _("No published values of {name} for the chosen geographies.").format(name=name)
    parts = []
    for row in statuses.itertuples():
        rows = series[series["geo_code"] == row.geo_code]
        if rows.empty:
            parts.append(_("{geography}: no data").format(geography=row.geo_name))
            continue
        first, last = rows.iloc[0], rows.iloc[-1]
        parts.append(
            _("{geography} from {first} ({first_year}) to {last} ({last_year}), {status}").format(
                geography=row.geo_name,
                first=number(first["value"]),
                first_year=int(first["year"]),
                last=number(last["value"]),
                last_year=int(last["year"]),
                status=status_label(row.status),
            )
        )
    summary = _("{name}: {geographies}.").format(name=name, geographies="; ".join(parts))
    if target is None:
        return summary
    aim = _("Target: {value} by {year}.").format(value=number(target[1]), year=target[0])
    return f"{summary} {aim}"


def status_table(statuses: pd.DataFrame) -> pd.DataFrame:
    """`statuses` (queries.indicators.series_status) for people: the status as symbol and
    word, readable column names."""
    columns = {
        "geo_name": _("Geography"),
        "status": _("Status"),
        "latest_year": _("Latest year"),
        "latest_value": _("Latest value"),
        "explanation": _("Why"),
    }
    table = statuses.assign(status=statuses["status"].map(progress_label))
    return table[list(columns)].rename(columns=columns)


# --- comparison ------------------------------------------------------------------------------


def compare_chart(
    frame: pd.DataFrame,
    *,
    unit: str,
    year: int | None,
    higher_is_better: bool,
    target: float | None = None,
) -> alt.LayerChart:
    """Horizontal bars of `frame` (geo_name, geo_kind, year, value), best first, a value label
    at each bar (with its year when older than `year`), and the `target` as a rule."""
    data = frame.sort_values("value", ascending=not higher_is_better).assign(
        label=lambda f: [
            number(v) + ("" if year is None or y == year else f" ({y})")
            for v, y in zip(f["value"], f["year"], strict=True)
        ],
        kind=lambda f: f["geo_kind"].map(lambda k: _words(KIND_WORDS, str(k))),
    )
    kinds = [k for k in KIND_COLOURS if k in set(frame["geo_kind"])]
    # An explicit order: a sort by the x encoding is lost when layers share the y scale.
    y = alt.Y(
        "geo_name:N",
        title=None,
        sort=list(data["geo_name"]),
        axis=alt.Axis(labelLimit=220, labelOverlap=False),
    )
    widest = max([*data["value"], target if target is not None else 0.0, 0.0])
    # Room on the right for the labels, without suggesting a percentage above 100.
    ticks = alt.Axis(values=list(range(0, 101, 10))) if unit == "percent" else alt.Axis()
    x = alt.X(
        "value:Q",
        title=unit_label(unit),
        scale=alt.Scale(domain=[0, widest * 1.12]),
        axis=ticks,
    )
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=y,
            x=x,
            color=alt.Color(
                "kind:N",
                title=_("Geography"),
                scale=alt.Scale(
                    domain=[_words(KIND_WORDS, k) for k in kinds],
                    range=[KIND_COLOURS[k] for k in kinds],
                ),
                legend=alt.Legend(orient="bottom") if len(kinds) > 1 else None,
            ),
            tooltip=[
                alt.Tooltip("geo_name:N", title=_("Geography")),
                alt.Tooltip("year:Q", title=_("Year"), format="d"),
                alt.Tooltip("value:Q", title=unit_label(unit), format=",.2f"),
                *provenance_tooltips(frame),
            ],
        )
    )
    labels = bars.mark_text(align="left", dx=3).encode(
        text=alt.Text("label:N"), color=alt.ColorValue(REFERENCE_COLOUR)
    )
    layers: list[alt.Chart] = [bars, labels]
    if target is not None:
        rule = alt.Chart(
            pd.DataFrame(
                {"value": [target], "label": [_("Target: {value}").format(value=number(target))]}
            )
        )
        layers += [
            rule.mark_rule(color=REFERENCE_COLOUR, strokeDash=[4, 3], strokeWidth=1.5).encode(
                x=x, tooltip=alt.Tooltip("label:N", title="")
            ),
            rule.mark_text(align="left", dx=4, baseline="bottom", y=-4).encode(
                x=x, text=alt.Text("label:N"), color=alt.ColorValue(REFERENCE_COLOUR)
            ),
        ]
    # No layer is faceted, so alt.layer makes a LayerChart.
    return cast(alt.LayerChart, alt.layer(*layers).properties(height=alt.Step(22)))


def compare_summary(
    frame: pd.DataFrame, *, name: str, higher_is_better: bool, target: float | None
) -> str:
    if frame.empty:
        return _("No published values of {name} to compare.").format(name=name)
    ranked = frame.sort_values("value", ascending=not higher_is_better)
    best, worst = ranked.iloc[0], ranked.iloc[-1]
    facts = {
        "name": name,
        "n": len(frame),
        "best": best["geo_name"],
        "best_value": number(best["value"]),
        "best_year": int(best["year"]),
        "worst": worst["geo_name"],
        "worst_value": number(worst["value"]),
        "worst_year": int(worst["year"]),
    }
    if target is None:
        return ngettext(
            "{name}: {n} geography; best {best} ({best_value}, {best_year}), furthest behind "
            "{worst} ({worst_value}, {worst_year}).",
            "{name}: {n} geographies; best {best} ({best_value}, {best_year}), furthest behind "
            "{worst} ({worst_value}, {worst_year}).",
            len(frame),
        ).format(**facts)
    meets = ranked["value"] >= target if higher_is_better else ranked["value"] <= target
    return ngettext(
        "{name}: {n} geography; best {best} ({best_value}, {best_year}), furthest behind "
        "{worst} ({worst_value}, {worst_year}); {meets} of {n} meet the target of {target}.",
        "{name}: {n} geographies; best {best} ({best_value}, {best_year}), furthest behind "
        "{worst} ({worst_value}, {worst_year}); {meets} of {n} meet the target of {target}.",
        len(frame),
    ).format(**facts, meets=int(meets.sum()), target=number(target))


# --- the gender gap --------------------------------------------------------------------------


def gender_chart(frame: pd.DataFrame, *, unit: str) -> alt.LayerChart:
    """A dumbbell a year (`frame`: year, female, male, gap): the female and male values
    joined by a bar, with the gap (male - female) written above."""
    long = frame.melt(
        id_vars=["year", "gap"], value_vars=["female", "male"], var_name="sex", value_name="value"
    ).assign(sex_label=lambda f: f["sex"].map(lambda s: _words(SEX_WORDS, str(s))))
    sexes = [_("female"), _("male")]
    first, last = (int(frame["year"].min()), int(frame["year"].max())) if len(frame) else (0, 1)
    x = _year_axis(first - 0.5, last + 0.5)
    y_title = unit_label(unit)
    gap_label = frame.assign(
        top=frame[["female", "male"]].max(axis=1),
        label=frame["gap"].map(lambda g: number(g, signed=True)),
    )
    layered = alt.layer(
        alt.Chart(frame)
        .mark_rule(color="#BBBBBB", strokeWidth=3)
        .encode(
            x=x,
            y=alt.Y("female:Q", title=y_title, scale=alt.Scale(zero=False)),
            y2=alt.Y2("male:Q"),
        ),
        alt.Chart(long)
        .mark_point(filled=True, size=90, opacity=1)
        .encode(
            x=x,
            y=alt.Y("value:Q"),
            color=alt.Color(
                "sex_label:N",
                title=_("Sex"),
                scale=alt.Scale(domain=sexes, range=list(SEX_COLOURS.values())),
                legend=alt.Legend(orient="bottom"),
            ),
            shape=alt.Shape(
                "sex_label:N", scale=alt.Scale(domain=sexes, range=["circle", "square"])
            ),
            tooltip=[
                alt.Tooltip("year:Q", title=_("Year"), format="d"),
                alt.Tooltip("sex_label:N", title=_("Sex")),
                alt.Tooltip("value:Q", title=y_title, format=",.2f"),
                alt.Tooltip("gap:Q", title=_("Gap (male - female)"), format="+.2f"),
            ],
        ),
        alt.Chart(gap_label)
        .mark_text(dy=-12, color=REFERENCE_COLOUR, fontSize=11)
        .encode(x=x, y=alt.Y("top:Q"), text=alt.Text("label:N")),
    ).properties(height=360)
    return cast(alt.LayerChart, layered)  # no layer is faceted


def gender_summary(frame: pd.DataFrame, *, geo_name: str, unit: str) -> str:
    if frame.empty:
        return _("No female and male values for {geo}.").format(geo=geo_name)
    first, last = frame.iloc[0], frame.iloc[-1]
    points = _("percentage points") if unit == "percent" else unit_label(unit)
    widest = frame.loc[frame["gap"].idxmax()]
    return _(
        "{geography}: the gap (male minus female) went from {first_gap} {unit} in {first_year} "
        "to {last_gap} in {last_year} (female {female}, male {male}); widest: {widest_gap} in "
        "{widest_year}."
    ).format(
        geography=geo_name,
        first_gap=number(first["gap"]),
        unit=points,
        first_year=int(first["year"]),
        last_gap=number(last["gap"]),
        last_year=int(last["year"]),
        female=number(last["female"]),
        male=number(last["male"]),
        widest_gap=number(widest["gap"]),
        widest_year=int(widest["year"]),
    )


def gap_table(gaps: pd.DataFrame) -> pd.DataFrame:
    """`gaps` (queries.indicators.largest_gender_gaps) with readable column names."""
    columns = {
        "geo_name": _("Country"),
        "region_code": _("ITU region"),
        "year": _("Year"),
        "female": _("Female"),
        "male": _("Male"),
        "gap": _("Gap (male - female)"),
    }
    return gaps[list(columns)].rename(columns=columns)


# --- universal vs meaningful connectivity ----------------------------------------------------


def connectivity_chart(frame: pd.DataFrame) -> alt.LayerChart:
    """Countries (`frame` as from queries.indicators.connectivity) by universality (x) and
    meaningfulness (y), coloured and shaped by ITU region, with quadrant rules at 50."""
    data = frame.dropna(subset=["universality", "meaningfulness"])
    present = [c for c in REGION_COLOURS if c in set(data["region_code"])]
    names = dict(zip(data["region_code"], data["region_name"], strict=False))
    domain = [names[c] for c in present]
    scale = alt.Scale(domain=[0, 100], nice=False)
    points = (
        alt.Chart(data)
        .mark_point(filled=True, size=70, opacity=0.85)
        .encode(
            x=alt.X(
                "universality:Q",
                title=_("Universality: individuals using the Internet (%)"),
                scale=scale,
            ),
            y=alt.Y(
                "meaningfulness:Q",
                title=_("Meaningfulness score (GDC Tracker's own composite, 0-100)"),
                scale=scale,
            ),
            color=alt.Color(
                "region_name:N",
                title=_("ITU region"),
                scale=alt.Scale(domain=domain, range=[REGION_COLOURS[c] for c in present]),
                legend=alt.Legend(orient="right", labelLimit=240),
            ),
            shape=alt.Shape(
                "region_name:N",
                scale=alt.Scale(domain=domain, range=[REGION_SHAPES[c] for c in present]),
            ),
            tooltip=[
                alt.Tooltip("geo_name:N", title=_("Country")),
                alt.Tooltip("region_name:N", title=_("ITU region")),
                alt.Tooltip("internet_use:Q", title=_("Internet use (%)"), format=".1f"),
                alt.Tooltip("internet_use_year:Q", title=_("Internet use year"), format="d"),
                alt.Tooltip("meaningfulness:Q", title=_("Meaningfulness"), format=".1f"),
                alt.Tooltip("coverage_4g:Q", title=_("4G coverage (%)"), format=".1f"),
                alt.Tooltip(
                    "mobile_bb_price:Q", title=_("Mobile broadband price (% GNI)"), format=".2f"
                ),
                alt.Tooltip("affordability_score:Q", title=_("Affordability score"), format=".1f"),
                alt.Tooltip("basic_skills:Q", title=_("Basic digital skills (%)"), format=".1f"),
                alt.Tooltip("components:Q", title=_("Components available (of 3)")),
            ],
        )
    )
    rules = alt.Chart(pd.DataFrame({"at": [QUADRANT]}))
    quadrants = pd.DataFrame(
        {
            "x": [2, 98, 2, 98],
            "y": [98, 98, 2, 2],
            "align": ["left", "right", "left", "right"],
            "label": [
                _("Under half online · score 50+"),
                _("Half or more online · score 50+"),
                _("Under half online · score under 50"),
                _("Half or more online · score under 50"),
            ],
        }
    )
    text = alt.Chart(quadrants).encode(
        x=alt.X("x:Q", scale=scale), y=alt.Y("y:Q", scale=scale), text=alt.Text("label:N")
    )
    layered = alt.layer(
        rules.mark_rule(color="#888888", strokeDash=[4, 3]).encode(x=alt.X("at:Q")),
        rules.mark_rule(color="#888888", strokeDash=[4, 3]).encode(y=alt.Y("at:Q")),
        points,  # under the quadrant names, which stay readable
        text.transform_filter(alt.datum.align == "left").mark_text(
            align="left", color="#444444", fontStyle="italic", fontWeight="bold"
        ),
        text.transform_filter(alt.datum.align == "right").mark_text(
            align="right", color="#444444", fontStyle="italic", fontWeight="bold"
        ),
    ).properties(height=520)
    return cast(alt.LayerChart, layered)  # no layer is faceted


def connectivity_summary(frame: pd.DataFrame) -> str:
    plotted = frame.dropna(subset=["universality", "meaningfulness"])
    if plotted.empty:
        return _(
            "No country has both Internet-use data and at least two meaningfulness components."
        )
    left_out = len(frame) - len(plotted)
    both = int(
        ((plotted["universality"] >= QUADRANT) & (plotted["meaningfulness"] >= QUADRANT)).sum()
    )
    universal = int((plotted["universality"] >= UNIVERSAL).sum())
    return _(
        "{plotted} countries plotted ({left_out} left out for lack of data); {both} have half "
        "or more of people online and 50 or more on the tracker's own score; {universal} have "
        "reached universal use (100 %); median Internet use {use}, median score {score}."
    ).format(
        plotted=len(plotted),
        left_out=left_out,
        both=both,
        universal=universal,
        use=number(plotted["universality"].median()),
        score=number(plotted["meaningfulness"].median()),
    )
