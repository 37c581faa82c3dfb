"""Initiatives charts: the implementation map (initiatives against the GDC objectives and
against the regional initiatives) and the timeline of initiatives and their milestones.

Links are told apart by shape and fill (a filled square for the primary objective, an
open circle for the others), never by colour alone; initiative status colours come
from the shared scale.
"""

import re
from datetime import date

import altair as alt
import pandas as pd
from babel.lists import format_list

from gdc_tracker.charts.base import status_legend, status_scale
from gdc_tracker.i18n import N_, _, current_language, ngettext
from gdc_tracker.palette import INITIATIVE_ORDER

INK = "#1F3B57"  # the one colour of links and milestones; white is "not filled"
LINK_KINDS = ["primary", "secondary"]
LINK_SHAPES = ["square", "circle"]
LINK_FILLS = [INK, "#FFFFFF"]
END_KINDS = ["end date", "open (to today)"]
MILESTONE_STATES = ["done", "due", "slipped"]
MILESTONE_SHAPES = ["diamond", "circle", "triangle-down"]
# The kinds above in words (English, marked for the catalogues): the charts show them
# translated, the data keeps the kinds.
KIND_WORDS = {
    "primary": N_("primary"),
    "secondary": N_("secondary"),
    "end date": N_("end date"),
    "open (to today)": N_("open (to today)"),
    "done": N_("done"),
    "due": N_("due"),
    "slipped": N_("slipped"),
}
ROW_HEIGHT = 22
COLUMN_WIDTH = 110
LABEL_LIMIT = 320
MATRIX_ROW_LIMIT = 150
"""Above this many initiatives the matrices would be unreadable; the page asks to filter."""


def _in_words(kind: str) -> str:
    return _(KIND_WORDS[kind]) if kind in KIND_WORDS else kind


def _words_of(kinds: list[str]) -> list[str]:
    return [_in_words(kind) for kind in kinds]


def objective_label(number: int, short_title: str) -> str:
    return f"{number}. {short_title}"


def _objective_domain(objectives: pd.DataFrame) -> list[str]:
    return [
        objective_label(int(n), str(t))
        for n, t in zip(objectives["number"], objectives["short_title"], strict=True)
    ]


def _ordered_names(frame: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(frame["name"]))


def objective_totals(links: pd.DataFrame, objectives: pd.DataFrame) -> pd.DataFrame:
    """objective_number, objective_label, primary, secondary, total: links per objective,
    every objective present (zero where none)."""
    counts = (
        links.assign(link=links["is_primary"].map({True: "primary", False: "secondary"}))
        .pivot_table(
            index="objective_number", columns="link", values="slug", aggfunc="count", fill_value=0
        )
        .reindex(columns=LINK_KINDS, fill_value=0)
        if len(links)
        else pd.DataFrame(columns=LINK_KINDS)
    )
    totals = objectives[["number"]].rename(columns={"number": "objective_number"})
    totals = totals.merge(counts, left_on="objective_number", right_index=True, how="left")
    totals[LINK_KINDS] = totals[LINK_KINDS].fillna(0).astype(int)
    totals.insert(1, "objective_label", _objective_domain(objectives))
    totals["total"] = totals["primary"] + totals["secondary"]
    return totals.reset_index(drop=True)


def objective_matrix_data(links: pd.DataFrame, objectives: pd.DataFrame) -> pd.DataFrame:
    """name, slug, objective_label, link ("primary" or "secondary"): one row per link."""
    titles = dict(zip(objectives["number"], objectives["short_title"], strict=True))
    return pd.DataFrame(
        {
            "name": links["name"],
            "slug": links["slug"],
            "objective_label": [
                objective_label(int(n), str(titles.get(n, ""))) for n in links["objective_number"]
            ],
            "link": links["is_primary"].map({True: "primary", False: "secondary"}),
        },
        columns=["name", "slug", "objective_label", "link"],
    )


def _link_encodings() -> dict[str, alt.Shape | alt.Fill]:
    legend = alt.Legend(title=_("Link"), orient="top")
    links = _words_of(LINK_KINDS)
    return {
        "shape": alt.Shape(
            "link:N", scale=alt.Scale(domain=links, range=LINK_SHAPES), legend=legend
        ),
        "fill": alt.Fill("link:N", scale=alt.Scale(domain=links, range=LINK_FILLS), legend=legend),
    }


def objective_matrix(links: pd.DataFrame, objectives: pd.DataFrame) -> alt.VConcatChart:
    """Initiatives (rows) against the five objectives (columns), with the number of
    actions per objective on top. `links` is `objective_links()`, `objectives` is
    `objectives()` (number, short_title)."""
    domain = _objective_domain(objectives)
    names = _ordered_names(links)
    x = alt.X(
        "objective_label:N",
        title=None,
        scale=alt.Scale(domain=domain),
        sort=domain,
    )
    totals_long = objective_totals(links, objectives).melt(
        id_vars=["objective_label", "total"],
        value_vars=LINK_KINDS,
        var_name="link",
        value_name="actions",
    )
    totals_long = totals_long.assign(link=totals_long["link"].map(_in_words))
    width = COLUMN_WIDTH * len(domain)
    totals = alt.Chart(totals_long, title=_("Actions per objective")).encode(
        x=x.axis(None), tooltip=_total_tooltip()
    )
    bars = totals.mark_bar(stroke=INK, strokeWidth=1.5).encode(
        y=alt.Y("actions:Q", title=_("Actions"), stack="zero"),
        fill=alt.Fill(
            "link:N",
            scale=alt.Scale(domain=_words_of(LINK_KINDS), range=LINK_FILLS),
            legend=alt.Legend(title=_("Link"), orient="top"),
        ),
        order=alt.Order("link:N", sort="ascending"),
    )
    labels = totals.mark_text(dy=-8, color=INK, fontWeight="bold").encode(
        y=alt.Y("total:Q", title=_("Actions")), text=alt.Text("total:Q")
    )
    drawn = objective_matrix_data(links, objectives)
    matrix = (
        alt.Chart(drawn.assign(link=drawn["link"].map(_in_words)))
        .mark_point(size=170, strokeWidth=2, stroke=INK, opacity=1)
        .encode(
            x=x.axis(labelAngle=0, labelLimit=COLUMN_WIDTH - 4, orient="top", grid=True),
            y=alt.Y(
                "name:N",
                title=None,
                sort=names,
                axis=alt.Axis(labelLimit=LABEL_LIMIT, grid=True),
            ),
            tooltip=[
                alt.Tooltip("name:N", title=_("Initiative")),
                alt.Tooltip("objective_label:N", title=_("Objective")),
                alt.Tooltip("link:N", title=_("Link")),
            ],
            **_link_encodings(),
        )
        .properties(height=alt.Step(ROW_HEIGHT), width=width)
    )
    # fit-x: Streamlit leaves a vconcat holding a layer unfitted, so it would overflow.
    return (
        alt.vconcat((bars + labels).properties(height=110, width=width), matrix, spacing=4)
        .resolve_scale(x="shared")
        .properties(autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    )


def _total_tooltip() -> list[alt.Tooltip]:
    return [
        alt.Tooltip("objective_label:N", title=_("Objective")),
        alt.Tooltip("link:N", title=_("Link")),
        alt.Tooltip("actions:Q", title=_("Actions")),
        alt.Tooltip("total:Q", title=_("All actions")),
    ]


def _numbers(numbers: list[int]) -> str:
    """ "1", "1 and 3", "1, 2 and 4": a list as the reader's language writes one."""
    return format_list([str(n) for n in numbers], locale=current_language())


def objective_summary(links: pd.DataFrame, objectives: pd.DataFrame) -> str:
    """ "Objective 1 has the most actions (15), objective 5 the fewest (7); ..."."""
    if links.empty:
        return _("No initiative matches the filters, so no objective has actions.")
    totals = objective_totals(links, objectives)
    most, fewest = int(totals["total"].max()), int(totals["total"].min())
    initiatives = int(links["slug"].nunique())
    counted = ngettext("{n} initiative", "{n} initiatives", initiatives).format(n=initiatives)
    if most == fewest:
        actions = ngettext("{n} action", "{n} actions", most).format(n=most)
        return _("Every objective has {actions}; {initiatives}.").format(
            actions=actions, initiatives=counted
        )
    top = [int(n) for n in totals.loc[totals["total"] == most, "objective_number"]]
    low = [int(n) for n in totals.loc[totals["total"] == fewest, "objective_number"]]
    most_words = ngettext(
        "Objective {objectives} has the most actions ({n})",
        "Objectives {objectives} have the most actions ({n})",
        len(top),
    ).format(objectives=_numbers(top), n=most)
    fewest_words = ngettext(
        "objective {objectives} the fewest ({n})",
        "objectives {objectives} the fewest ({n})",
        len(low),
    ).format(objectives=_numbers(low), n=fewest)
    link_words = ngettext(
        "{n} link to objectives, {primary} of them primary",
        "{n} links to objectives, {primary} of them primary",
        len(links),
    ).format(n=len(links), primary=int(links["is_primary"].sum()))
    return _("{most}, {fewest}; {initiatives}, {links}.").format(
        most=most_words, fewest=fewest_words, initiatives=counted, links=link_words
    )


def regional_matrix(links: pd.DataFrame, regional_keys: list[str]) -> alt.Chart:
    """Initiatives (rows) against regional initiatives (columns "AMS2/2023-2025"): a filled
    square where an initiative serves one. `links` is `regional_links()`; every key in
    `regional_keys` gets a column, so regional initiatives without actions show as empty."""
    names = _ordered_names(links)
    return (
        alt.Chart(links)
        .mark_square(size=170, color=INK, opacity=1)
        .encode(
            x=alt.X(
                "regional_key:N",
                title=None,
                scale=alt.Scale(domain=regional_keys),
                sort=regional_keys,
                axis=alt.Axis(labelAngle=0, orient="top", grid=True, labelLimit=140),
            ),
            y=alt.Y(
                "name:N", title=None, sort=names, axis=alt.Axis(labelLimit=LABEL_LIMIT, grid=True)
            ),
            tooltip=[
                alt.Tooltip("name:N", title=_("Initiative")),
                alt.Tooltip("regional_key:N", title=_("Regional initiative")),
            ],
        )
        .properties(height=alt.Step(ROW_HEIGHT), width=COLUMN_WIDTH * max(len(regional_keys), 2))
    )


def regional_summary(links: pd.DataFrame, regional_keys: list[str]) -> str:
    """ "AMS2/2023-2025 has 1 initiative, AMS3/2023-2025 1; none under AMS1/2023-2025." """
    counts = links.groupby("regional_key")["slug"].nunique() if len(links) else pd.Series()
    served = [(k, int(counts[k])) for k in regional_keys if k in counts.index]
    empty = [k for k in regional_keys if k not in counts.index]
    if not served:
        return _("No matching initiative is linked to a regional initiative.")
    parts = [
        ngettext("{key}: {n} initiative", "{key}: {n} initiatives", n).format(key=key, n=n)
        for key, n in served
    ]
    if empty:
        return _("{served}; none under {empty}.").format(
            served="; ".join(parts), empty=", ".join(empty)
        )
    return _("{served}.").format(served="; ".join(parts))


# Timeline


def timeline_frames(
    rows: pd.DataFrame, milestones: pd.DataFrame, today: date
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Split `initiatives_table()` rows and `milestones()` for the timeline.

    bars: name, slug, status, start, end, end_known (END_KINDS: known, or open-ended and
    drawn to today); points: name, title, due, state; undated: name, slug, status (no start date).
    """
    has_start = rows["start_date"].notna()
    dated = rows[has_start]
    end_known = dated["end_date"].notna()
    open_end = dated["start_date"].map(lambda d: max(d, today))
    bars = pd.DataFrame(
        {
            "name": dated["name"],
            "slug": dated["slug"],
            "status": dated["status"],
            "start": pd.to_datetime(dated["start_date"]),
            "end": pd.to_datetime(dated["end_date"].where(end_known, open_end)),
            "end_known": end_known.map(dict(zip([True, False], END_KINDS, strict=True))),
        },
        columns=["name", "slug", "status", "start", "end", "end_known"],
    ).sort_values(["start", "name"])
    with_due = milestones[milestones["due_date"].notna()]
    points = pd.DataFrame(
        {
            "name": with_due["name"],
            "title": with_due["title"],
            "due": pd.to_datetime(with_due["due_date"]),
            "state": with_due["state"],
        },
        columns=["name", "title", "due", "state"],
    )
    undated = rows.loc[~has_start, ["name", "slug", "status"]].reset_index(drop=True)
    return bars.reset_index(drop=True), points.reset_index(drop=True), undated


def timeline(bars: pd.DataFrame, points: pd.DataFrame, today: date) -> alt.LayerChart:
    """Initiatives as bars from start to end (to today when open-ended), coloured by status
    from the shared scale, with their milestones as points shaped by done, due or slipped."""
    names = list(dict.fromkeys([*bars["name"], *points["name"]]))
    y = alt.Y("name:N", title=None, sort=names, axis=alt.Axis(labelLimit=LABEL_LIMIT))
    spans = (
        alt.Chart(bars.assign(end_known=bars["end_known"].map(_in_words)))
        .mark_bar(height=ROW_HEIGHT - 8, cornerRadius=2)
        .encode(
            x=alt.X("start:T", title=None, axis=alt.Axis(format="%Y", grid=True)),
            x2=alt.X2("end:T"),
            y=y,
            color=alt.Color(
                "status:N",
                scale=status_scale("initiative"),
                legend=status_legend("initiative", _("Status"), values=INITIATIVE_ORDER),
            ),
            opacity=alt.Opacity(
                "end_known:N",
                scale=alt.Scale(domain=_words_of(END_KINDS), range=[1.0, 0.45]),
                legend=alt.Legend(title=_("End")),
            ),
            tooltip=[
                alt.Tooltip("name:N", title=_("Initiative")),
                alt.Tooltip("status:N", title=_("Status")),
                alt.Tooltip("start:T", title=_("Start"), format="%d %b %Y"),
                alt.Tooltip("end:T", title=_("End"), format="%d %b %Y"),
                alt.Tooltip("end_known:N", title=_("End")),
            ],
        )
    )
    marks = (
        alt.Chart(points.assign(state=points["state"].map(_in_words)))
        .mark_point(size=110, filled=True, color=INK, stroke="#FFFFFF", strokeWidth=1)
        .encode(
            x=alt.X("due:T"),
            y=y,
            shape=alt.Shape(
                "state:N",
                scale=alt.Scale(domain=_words_of(MILESTONE_STATES), range=MILESTONE_SHAPES),
                legend=alt.Legend(title=_("Milestone"), symbolFillColor=INK, symbolSize=90),
            ),
            tooltip=[
                alt.Tooltip("name:N", title=_("Initiative")),
                alt.Tooltip("title:N", title=_("Milestone")),
                alt.Tooltip("due:T", title=_("Due"), format="%d %b %Y"),
                alt.Tooltip("state:N", title=_("State")),
            ],
        )
    )
    now = (
        alt.Chart(pd.DataFrame({"today": [pd.Timestamp(today)]}))
        .mark_rule(strokeDash=[4, 3], color="#555555")
        .encode(x=alt.X("today:T"), tooltip=[alt.Tooltip("today:T", title=_("Today"))])
    )
    return (
        alt.layer(spans, marks, now)
        .resolve_scale(shape="independent")
        .properties(height=alt.Step(ROW_HEIGHT), width=620)
    )


def timeline_summary(bars: pd.DataFrame, points: pd.DataFrame, undated: pd.DataFrame) -> str:
    """ "12 initiatives have dates, starting from 2008 to 2023; 6 milestones (6 done, 0
    slipped); 24 have no start date recorded." """
    if bars.empty and points.empty:
        return _("No matching initiative has a start date or a dated milestone ({n}).").format(
            n=len(undated)
        )
    states = points["state"].value_counts()
    milestones = ngettext(
        "{n} dated milestone ({done} done, {due} due, {slipped} slipped)",
        "{n} dated milestones ({done} done, {due} due, {slipped} slipped)",
        len(points),
    ).format(
        n=len(points),
        done=int(states.get("done", 0)),
        due=int(states.get("due", 0)),
        slipped=int(states.get("slipped", 0)),
    )
    undated_words = ngettext(
        "{n} initiative has no start date recorded",
        "{n} initiatives have no start date recorded",
        len(undated),
    ).format(n=len(undated))
    if bars.empty:
        return _("{milestones}; {undated}.").format(milestones=milestones, undated=undated_words)
    dated = ngettext(
        "{n} initiative has a start date, from {first} to {last} ({open} with no end date)",
        "{n} initiatives have a start date, from {first} to {last} ({open} with no end date)",
        len(bars),
    ).format(
        n=len(bars),
        first=int(bars["start"].dt.year.min()),
        last=int(bars["start"].dt.year.max()),
        open=int((bars["end_known"] != END_KINDS[0]).sum()),
    )
    return _("{dated}; {milestones}; {undated}.").format(
        dated=dated, milestones=milestones, undated=undated_words
    )


# The detail view's text


def escape_markdown(text: object) -> str:
    """`text` as Markdown that shows exactly what was written: nothing is interpreted
    (emphasis, links, HTML, LaTeX, Streamlit's colour and icon directives)."""
    plain = "" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text)
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&])", r"\\\1", plain)


def _bullets(items: list[str], nothing: str) -> str:
    return "\n".join(f"- {item}" for item in items) if items else nothing


def _safe_link(label: str, url: str) -> str:
    """A Markdown link with its address shown as text; only web addresses are linked."""
    shown = f"`{url.replace('`', '')}`"
    if not url.startswith(("https://", "http://")):
        return f"{escape_markdown(label)} {shown}"
    target = url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
    return f"[{escape_markdown(label)}]({target}) {shown}"


def detail_markdown(parts: dict[str, pd.DataFrame]) -> dict[str, str]:
    """Escaped Markdown for the lists of `initiative_detail()`: objectives (primary
    marked), regional, countries, partners, links."""
    primary = {True: " · **{}** ★".format(_("primary")), False: ""}
    countries = ", ".join(escape_markdown(n) for n in parts["countries"]["name"])
    untitled = _("untitled")
    return {
        "objectives": _bullets(
            [
                f"{o.number}\\. {escape_markdown(o.short_title)}{primary[bool(o.is_primary)]}"
                for o in parts["objectives"].itertuples()
            ],
            _("None recorded"),
        ),
        "regional": _bullets(
            [
                f"{escape_markdown(r.regional_key)}: {escape_markdown(r.title or untitled)}"
                for r in parts["regional"].itertuples()
            ],
            _("None"),
        ),
        "countries": countries or _("Global: no specific countries recorded"),
        "partners": _bullets(
            [escape_markdown(p) for p in parts["partners"]["partner"]], _("None recorded")
        ),
        "links": _bullets(
            [_safe_link(k.label, k.url) for k in parts["links"].itertuples()], _("None recorded")
        ),
    }


def _present(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and pd.isna(value)) and value != ""


def basis_line(basis: str, section: object = None, url: object = None) -> str:
    """Where a fact comes from, as one escaped Markdown line: "basis: C25/52, section 2.1",
    "basis: public information" linked to its page, "basis: editorial choice", or
    "basis: not stated in any source"."""
    if basis == "C25/52":
        return _("basis: C25/52, {section}").format(section=escape_markdown(section))
    if basis == "public" and _present(url):
        return _("basis: public information, {link}").format(link=_safe_link(_("source"), str(url)))
    if basis == "editorial":
        return _("basis: editorial choice")
    if basis == "not stated":
        return _("basis: not stated in any source")
    return _("basis: {basis}").format(basis=escape_markdown(basis))


def fact_captions(basis: pd.DataFrame) -> dict[str, str]:
    """fact -> the caption shown under it: its basis line, then its note (escaped).

    A fact without a recorded basis reads "basis not recorded", never a guess.
    """
    captions: dict[str, str] = {}
    for row in basis.itertuples():
        line = basis_line(str(row.basis), row.section, row.url)
        if _present(row.note):
            line = f"{line} · {escape_markdown(row.note)}"
        captions[str(row.fact)] = line
    return captions


def caption_of(captions: dict[str, str], fact: str) -> str:
    return captions.get(fact, _("basis not recorded"))
