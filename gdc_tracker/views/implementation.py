"""The GDC Implementation Map: the GDC's commitments and actions (or the WSIS action lines,
the SDGs and their targets, the Kigali Action Plan priorities, the 2030 connectivity
targets) against the ITU actions that serve them, by lead sector, region or initiative;
and one item opened with its actions, their status, indicators and latest updates.

Its figures are counts of links, not statistics: their sources are the adopted text the
items come from (with the public copy each was checked against), C25/52 and the public
pages the links cite, and the tracker's own editorial links, named as such.
"""

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session, col

from gdc_tracker.charts import implementation as charts
from gdc_tracker.i18n import N_, _, ngettext
from gdc_tracker.links import page_url
from gdc_tracker.models import Basis, Framework, Initiative
from gdc_tracker.palette import progress_label
from gdc_tracker.queries import implementation as queries
from gdc_tracker.queries import initiatives as initiative_queries
from gdc_tracker.status import DEFAULT_THRESHOLDS, Thresholds
from gdc_tracker.views import About, Figure, Section, View, about_values, newest
from gdc_tracker.views.indicator import chart_spec

# English, marked for the catalogues: shown through `framework_name`, `column_names`...
FRAMEWORK_NAMES = {
    Framework.GDC: N_("GDC commitments and actions"),
    Framework.WSIS: N_("WSIS action lines"),
    Framework.SDG: N_("SDGs and their targets"),
    Framework.KAP: N_("Kigali Action Plan priorities"),
    Framework.UMC: N_("2030 targets for universal and meaningful connectivity"),
    queries.REGIONAL: N_("ITU-D regional initiatives"),
}
FRAMEWORK_SOURCES = {
    Framework.GDC: N_(
        "United Nations General Assembly resolution A/RES/79/1, annex: "
        "Global Digital Compact (22 September 2024)"
    ),
    Framework.WSIS: N_("WSIS Geneva Plan of Action (2003)"),
    Framework.SDG: N_("United Nations, the 2030 Agenda for Sustainable Development"),
    Framework.KAP: N_("ITU, Kigali Action Plan (WTDC-22)"),
    Framework.UMC: N_(
        "ITU and the Office of the Secretary-General's Envoy on Technology, "
        "targets for universal and meaningful digital connectivity by 2030"
    ),
    queries.REGIONAL: N_("ITU, Kigali Action Plan (WTDC-22), regional initiatives"),
}
COLUMNS = {
    "sector": N_("Lead sector"),
    "region": N_("ITU region"),
    "initiative": N_("ITU action"),
}
# The map's title by its columns (a whole title each, so that it translates as one).
TITLES = {
    "sector": N_("GDC Implementation Map · {name} by lead sector"),
    "region": N_("GDC Implementation Map · {name} by ITU region"),
    "initiative": N_("GDC Implementation Map · {name} by ITU action"),
}
LEVELS = {
    "actions": N_("Every commitment and its lettered actions"),
    "paragraphs": N_("Commitment paragraphs only"),
}
NAMED_COPIES = 2  # beyond it the source line counts the copies; each row names its own
EDITORIAL_SOURCE = N_("GDC Tracker's editorial links (not stated by ITU)")
C25_52_SOURCE = N_("ITU Council document C25/52")
NOT_CHECKED = N_("not checked against a public copy")
SDG_ROLL_RULE = N_(
    "A goal counts the ITU actions linked to it or to any of its targets; a target counts "
    "those linked to it or to its whole goal."
)
COVERAGE_NOTE = N_(
    "Only the GDC paragraphs and actions checked against a public copy of the adopted text "
    "are listed; the others are left out, not guessed (data/reference/README.md names them). "
    "Each item links to the official text."
)
ROLL_RULE = N_(
    "A paragraph counts the ITU actions linked to it or to any of its lettered actions; "
    "an action counts those linked to it or to its whole paragraph."
)


def framework_name(framework: str) -> str:
    """The framework's name in the reader's language ("WSIS action lines")."""
    return _(FRAMEWORK_NAMES[framework])


def framework_names() -> dict[str, str]:
    """Every framework the map offers: code -> name in the reader's language."""
    return {str(code): _(name) for code, name in FRAMEWORK_NAMES.items()}


def column_names() -> dict[str, str]:
    """What the map's columns can group by: code -> name in the reader's language."""
    return {code: _(name) for code, name in COLUMNS.items()}


def level_names() -> dict[str, str]:
    """Which GDC rows the map can show: code -> words in the reader's language."""
    return {code: _(words) for code, words in LEVELS.items()}


def basis_words(basis: object, section: object, url: object) -> str:
    """A link's basis in plain words, for tables and files: "C25/52, section 2.1",
    "public information, https://…", "editorial choice"."""
    if basis == Basis.C25_52:
        return f"C25/52, {section}" if isinstance(section, str) and section else "C25/52"
    if basis == Basis.PUBLIC:
        page = url if isinstance(url, str) and url else ""
        return _("public information, {url}").format(url=page) if page else _("public information")
    if basis == Basis.EDITORIAL:
        return _("editorial choice")
    if basis == Basis.NOT_STATED:
        return _("not stated in any source")
    return str(basis)


def item_label(row: Any) -> str:
    """ "17 (a) · Promote an open, global Internet": the code, then the tracker's title."""
    code, title = row.code, str(row.title)
    short = title if len(title) <= 70 else title[:69].rstrip() + "…"
    indent = "    " if isinstance(row.parent_code, str) else ""
    return f"{indent}{code} · {short}"


def _column_values(
    session: Session, covered: pd.DataFrame, columns: str
) -> tuple[pd.DataFrame, list[str]]:
    """`covered` with a `column` per link (a link counts in each region its initiative
    acts in) and the columns in the order they are drawn."""
    if columns == "region":
        regions = queries.initiative_regions(session)
        names = queries.region_names(session) | {queries.GLOBAL: _("Global")}
        placed = covered.merge(regions, on="initiative_id", how="left")
        placed["column"] = placed["region"].fillna(queries.GLOBAL).map(lambda c: names.get(c, c))
        order = [names[code] for code in sorted(names) if code != queries.GLOBAL]
        return placed, [*order, names[queries.GLOBAL]]
    if columns == "initiative":
        placed = covered.assign(column=covered["name"])
        everyone = session.execute(
            sa.select(col(Initiative.name)).order_by(col(Initiative.name))
        ).scalars()
        linked = set(placed["column"])
        return placed, [name for name in everyone if name in linked]
    placed = covered.assign(column=covered["lead_sector"])
    everyone = session.execute(
        sa.select(col(Initiative.lead_sector)).distinct().order_by(col(Initiative.lead_sector))
    ).scalars()
    return placed, list(everyone)


def _scope(session: Session, framework: str, objective: int | None) -> pd.DataFrame:
    """The items the view counts: all of the framework's, or one GDC objective's."""
    rows = queries.items(session, framework)
    if objective is not None and framework == Framework.GDC:
        rows = rows[rows["objective_number"] == objective]
    return rows.assign(label=[item_label(row) for row in rows.itertuples()])


def _basis_counts(links: pd.DataFrame) -> dict[str, int]:
    counted = links["basis"].value_counts() if len(links) else pd.Series(dtype=int)
    return {
        str(b): int(counted.get(str(b), 0)) for b in (Basis.C25_52, Basis.PUBLIC, Basis.EDITORIAL)
    }


def map_sources(framework: str, links: pd.DataFrame, checked: Iterable[object]) -> tuple[str, ...]:
    """The framework's text (and how many public copies its items were checked against:
    each row names its own), then what the links cite: C25/52, public pages, the tracker's
    editorial choices."""
    copies = {
        copy.strip() for c in checked if isinstance(c, str) for copy in c.split(" ; ") if copy
    }
    text = _(FRAMEWORK_SOURCES[framework])
    if 0 < len(copies) <= NAMED_COPIES:
        text = _("{source} · checked against {copies}").format(
            source=text, copies=" ; ".join(sorted(copies))
        )
    elif copies:
        text = ngettext(
            "{source} · checked against {n} public copy, named in each row",
            "{source} · checked against {n} public copies, named in each row",
            len(copies),
        ).format(source=text, n=len(copies))
    sources = [text]
    bases = _basis_counts(links)
    if bases[Basis.C25_52]:
        sources.append(_(C25_52_SOURCE))
    if bases[Basis.PUBLIC]:
        urls = sorted(links.loc[links["basis"] == Basis.PUBLIC, "url"].dropna().unique())
        more = len(urls) - 2
        shown = (
            urls
            if more <= 0
            else [*urls[:2], ngettext("{n} more", "{n} more", more).format(n=more)]
        )
        sources.append(_("public information: {urls}").format(urls=" ; ".join(shown)))
    if bases[Basis.EDITORIAL]:
        sources.append(_(EDITORIAL_SOURCE))
    return tuple(sources)


def map_link(framework: str, columns: str, objective: int | None, level: str, **extra: str) -> str:
    params = {"framework": framework, "columns": columns, "level": level}
    if objective is not None:
        params["objective"] = str(objective)
    return page_url("/implementation", params | extra)


def _filters(
    session: Session, framework: str, columns: str, objective: int | None, level: str
) -> dict[str, str]:
    chosen = {_("Framework"): framework_name(framework), _("Columns"): _(COLUMNS[columns])}
    if objective is not None and framework == Framework.GDC:
        title = queries.objective_titles(session).get(objective, "")
        chosen[_("GDC objective")] = f"{objective}. {title}"
    if framework == Framework.GDC:
        chosen[_("Rows")] = _(LEVELS[level])
    return chosen


def _wide_table(
    framework: str,
    rows: pd.DataFrame,
    grid: pd.DataFrame,
    covered: pd.DataFrame,
    column_order: list[str],
) -> pd.DataFrame:
    """One row per item: its reference, objective, topic, title, a count per column, the
    total, the ITU actions linked, the bases of the links, and whether it has none."""
    wide = grid.pivot_table(index="code", columns="column", values="count", aggfunc="sum")
    wide = wide.reindex(columns=column_order).fillna(0).astype(int)
    per_item = covered.groupby("item_id").agg(
        total=("initiative_id", "nunique"),
        itu_actions=("name", lambda names: "; ".join(sorted(set(names)))),
        bases=("basis", lambda b: "; ".join(f"{k}: {v}" for k, v in b.value_counts().items())),
    )
    table = rows.merge(per_item, left_on="item_id", right_index=True, how="left")
    table = table.assign(
        total=table["total"].fillna(0).astype(int),
        itu_actions=table["itu_actions"].fillna(""),
        bases=table["bases"].fillna(""),
        checked_against=table["checked_against"].fillna(_(NOT_CHECKED)),
        sdgs=table["sdgs"].map(lambda tags: "; ".join(tags)),
    )
    table["no_itu_action"] = table["total"] == 0
    keep = [
        "code",
        "objective_number",
        "topic",
        "kind",
        "title",
        "sdgs",
        "total",
        "no_itu_action",
        "itu_actions",
        "bases",
        "url",
        "checked_against",
    ]
    shown = table[keep].merge(wide, left_on="code", right_index=True, how="left")
    return shown.assign(real_or_demo="real", source=_(FRAMEWORK_SOURCES[framework]))


def _figures(
    framework: str, rows: pd.DataFrame, totals: pd.Series, links: pd.DataFrame
) -> tuple[Figure, ...]:
    bases = _basis_counts(links)
    top = rows["parent_code"].isna()
    gap_top = int(((totals == 0) & top).sum())
    gap_sub = int(((totals == 0) & ~top).sum())
    if framework == Framework.GDC:
        counts = [
            Figure(str(int(top.sum())), _("commitment paragraphs")),
            Figure(str(int((~top).sum())), _("lettered actions")),
            Figure(str(gap_top), _("paragraphs with no ITU action")),
            Figure(str(gap_sub), _("actions with no ITU action")),
        ]
    else:
        counts = [
            Figure(str(len(rows)), _("items")),
            Figure(str(gap_top + gap_sub), _("with no ITU action")),
        ]
    return (
        *counts,
        Figure(str(bases[Basis.C25_52]), _("links stated in C25/52")),
        Figure(str(bases[Basis.PUBLIC]), _("links from public information")),
        Figure(str(bases[Basis.EDITORIAL]), _("editorial links")),
    )


def _summary(framework: str, rows: pd.DataFrame, totals: pd.Series) -> str:
    without = rows.loc[totals.values == 0, "code"].tolist()
    name = framework_name(framework)
    if not len(rows):
        return ""
    if not without:
        return _("Every one of the {n} items ({name}) has at least one ITU action.").format(
            n=len(rows), name=name
        )
    listed = ", ".join(without[:12]) + (" …" if len(without) > 12 else "")
    return ngettext(
        "{gaps} of the {n} items ({name}) has no ITU action: {listed}.",
        "{gaps} of the {n} items ({name}) have no ITU action: {listed}.",
        len(without),
    ).format(gaps=len(without), n=len(rows), name=name, listed=listed)


def _links_section(rows: pd.DataFrame, covered: pd.DataFrame) -> Section:
    direct = covered.loc[covered["direct"].astype(bool)].merge(
        rows[["item_id", "code", "title"]], on="item_id"
    )
    listed = pd.DataFrame(
        {
            "code": direct["code"],
            "item": direct["title"],
            "itu_action": direct["name"],
            "lead_sector": direct["lead_sector"],
            "basis": [basis_words(r.basis, r.section, r.url) for r in direct.itertuples()],
            "section": direct["section"].fillna(""),
            "url": direct["url"].fillna(""),
            "note": direct["note"].fillna(""),
        }
    )
    return Section(
        heading=_("Links and their basis"),
        data=listed.sort_values(["code", "itu_action"]).reset_index(drop=True),
        name="implementation_map_links",
        empty=_("No ITU action is linked to these items yet."),
        hint=_("Links are kept in data/reference/initiative_links.csv."),
        note=_("Editorial links are the tracker's own reading, never stated by ITU."),
    )


def implementation_map_view(
    session: Session,
    *,
    framework: str = Framework.GDC,
    columns: str = "sector",
    objective: int | None = None,
    level: str = "actions",
) -> View:
    """The items of `framework` (GDC: of one objective, paragraphs only or with their
    lettered actions) against ITU actions grouped by `columns`; see the module docstring."""
    framework = framework if framework in queries.FRAMEWORKS else Framework.GDC
    columns = columns if columns in COLUMNS else "sector"
    level = level if level in LEVELS else "actions"
    scope = _scope(session, framework, objective)
    rows = scope[scope["parent_code"].isna()] if level == "paragraphs" else scope  # drawn
    links = queries.links(session, framework)
    covered = queries.covering_links(queries.items(session, framework), links)
    covered = covered[covered["item_id"].isin(scope["item_id"])]
    title = _(TITLES[columns]).format(name=framework_name(framework))
    about = About(
        title=title,
        filters=_filters(session, framework, columns, objective, level),
        sources=map_sources(framework, links, rows["checked_against"]),
        as_of=_linked_as_of(session, covered),
    )
    link = map_link(framework, columns, objective, level)
    if rows.empty:
        problem = _("No item of this framework is stored yet: reseed the reference data.")
        return View(kind="implementation_map", about=about, link=link, problem=problem)
    placed, column_order = _column_values(session, covered, columns)
    cells = (
        placed.merge(rows[["item_id", "code"]], on="item_id")
        .groupby(["code", "column"])["initiative_id"]
        .nunique()
        .rename("count")
        .reset_index()
    )
    grid = charts.cell_grid(cells, rows, column_order)
    counted = covered.groupby("item_id")["initiative_id"].nunique()
    totals = rows["item_id"].map(counted).fillna(0).astype(int)
    scope_totals = scope["item_id"].map(counted).fillna(0).astype(int)
    total_rows = rows[["code", "label", "title"]].assign(total=totals.values)
    chart = charts.heat_map(
        grid,
        total_rows,
        row_order=list(rows["label"]),
        column_order=column_order,
        column_title=_(COLUMNS[columns]),
        title=title,
    )
    data = _wide_table(framework, rows, grid, covered, column_order)
    gaps = scope.loc[scope_totals.values == 0, ["code", "objective_number", "topic", "title"]]
    summary = _summary(framework, scope, scope_totals)
    scoped_links = links[links["item_id"].isin(scope["item_id"])]
    return View(
        kind="implementation_map",
        about=replace(about, values=len(data)),
        summary=summary,
        data=data,
        chart=chart_spec(chart),
        figures=_figures(framework, scope, scope_totals, scoped_links),
        bullets=_notes(framework, summary),
        table=gaps.reset_index(drop=True),
        sections=(
            Section(
                heading=_("With no ITU action"),
                data=gaps.reset_index(drop=True),
                name="implementation_map_gaps",
                empty=_("Every item shown has at least one ITU action."),
            ),
            _links_section(rows, covered),
        ),
        link=link,
    )


def _notes(framework: str, summary: str) -> tuple[str, ...]:
    """The summary, then how links roll up and down (where items have parts), then what
    the GDC rows leave out."""
    notes = [summary]
    if framework in (Framework.GDC, Framework.SDG):
        notes.append(_(ROLL_RULE) if framework == Framework.GDC else _(SDG_ROLL_RULE))
    if framework == Framework.GDC:
        notes.append(_(COVERAGE_NOTE))
    return tuple(notes)


def _linked_as_of(session: Session, covered: pd.DataFrame) -> datetime | None:
    """When the newest of the linked initiatives changed (the links are reference data,
    loaded with the initiatives)."""
    ids = [int(i) for i in covered["initiative_id"].unique()] if len(covered) else []
    statement = sa.select(sa.func.max(Initiative.updated_at))
    if ids:  # else: when the reference data was loaded or last edited
        statement = statement.where(col(Initiative.id).in_(ids))
    latest = session.execute(statement).scalar()
    return newest([latest])


# One item opened


def item_view(
    session: Session,
    *,
    framework: str = Framework.GDC,
    code: str,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> View:
    """One item with the ITU actions that serve it (their status, the basis of each link,
    the latest update) and, for a GDC item, the indicators under its objective."""
    framework = framework if framework in queries.FRAMEWORKS else Framework.GDC
    everything = queries.items(session, framework)
    found = everything[everything["code"] == code]
    if found.empty:
        return View(
            kind="implementation_item",
            about=About(title=code),
            problem=_("There is no item “{code}” in {name}.").format(
                code=code, name=framework_name(framework)
            ),
        )
    item = found.iloc[0]
    covered = queries.covering_links(everything, queries.links(session, framework))
    mine = covered[covered["item_id"] == item["item_id"]]
    updates = queries.latest_updates(session, [int(i) for i in mine["initiative_id"]])
    actions = _actions_table(mine, updates, everything)
    about = about_values(
        updates.assign(source=updates["source"].fillna("").astype(str)),
        title=f"{item['code']} · {item['title']}",
        filters={_("Framework"): framework_name(framework)},
    )
    about = About(
        title=about.title,
        filters=about.filters,
        sources=map_sources(framework, mine, [item["checked_against"]]) + about.sources,
        as_of=about.as_of or _linked_as_of(session, mine),
        demo_values=about.demo_values,
        values=about.values,
    )
    sections = [_indicator_section(session, item, thresholds)] if framework == Framework.GDC else []
    return View(
        kind="implementation_item",
        about=about,
        summary=_item_summary(item, mine),
        data=actions,
        bullets=_item_facts(item, regional=framework == queries.REGIONAL),
        sections=tuple(sections),
        link=map_link(framework, "sector", None, "actions", item=str(item["code"])),
    )


def _item_facts(item: pd.Series, *, regional: bool = False) -> tuple[str, ...]:
    facts = [
        _("Objective: {n}").format(n=int(item["objective_number"]))
        if pd.notna(item["objective_number"])
        else "",
        (_("ITU region: {topic}") if regional else _("Topic: {topic}")).format(topic=item["topic"])
        if isinstance(item["topic"], str)
        else "",
        _("SDGs the text tags: {sdgs}").format(sdgs=", ".join(item["sdgs"]))
        if item["sdgs"]
        else "",
        _("Target: {target}").format(target=item["target"])
        if isinstance(item["target"], str)
        else "",
        _("Official text: {url}").format(url=item["url"]) if isinstance(item["url"], str) else "",
        _("Checked against: {copy}").format(
            copy=item["checked_against"]
            if isinstance(item["checked_against"], str)
            else _(NOT_CHECKED)
        ),
        _("Note: {note}").format(note=item["note"]) if isinstance(item["note"], str) else "",
    ]
    return tuple(fact for fact in facts if fact)


def _item_summary(item: pd.Series, mine: pd.DataFrame) -> str:
    count = mine["initiative_id"].nunique()
    if not count:
        return _("No ITU action is linked to {code} yet.").format(code=item["code"])
    return ngettext(
        "{n} ITU action is linked to {code}.", "{n} ITU actions are linked to {code}.", count
    ).format(code=item["code"], n=count)


def _actions_table(
    mine: pd.DataFrame, updates: pd.DataFrame, everything: pd.DataFrame
) -> pd.DataFrame:
    code_of = dict(zip(everything["item_id"], everything["code"], strict=True))
    latest = updates.set_index("initiative_id") if len(updates) else pd.DataFrame()
    rows = []
    for link in mine.itertuples():
        update = latest.loc[link.initiative_id] if link.initiative_id in latest.index else None
        rows.append(
            {
                "itu_action": link.name,
                "slug": link.slug,
                "lead_sector": link.lead_sector,
                "status": link.status,
                "linked_to": code_of.get(link.linked_item_id, ""),
                "basis": basis_words(link.basis, link.section, link.url),
                "link_note": link.note if isinstance(link.note, str) else "",
                "direct": bool(link.direct),
                "latest_update": update["period"] if update is not None else "",
                "update_narrative": update["narrative"] if update is not None else "",
                "source": (update["source"] or "") if update is not None else "",
                "is_demo": bool(update["is_demo"]) if update is not None else False,
            }
        )
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    table["real_or_demo"] = table["is_demo"].map({True: "demo", False: "real"})
    return table.sort_values(["direct", "itu_action"], ascending=[False, True]).reset_index(
        drop=True
    )


def _indicator_section(session: Session, item: pd.Series, thresholds: Thresholds) -> Section:
    number = int(item["objective_number"])
    linked = initiative_queries.indicators_sharing(session, (number,), thresholds)
    shown = pd.DataFrame(
        {
            _("Indicator"): linked["name"],
            _("Status"): linked["status"].map(progress_label),
            _("Year"): linked["latest_year"],
            _("World value"): linked["latest_value"],
            _("Unit"): linked["unit"],
            _("Code"): linked["code"],
            _("Data"): linked["is_demo"]
            .fillna(False)
            .astype(bool)
            .map({True: _("demo"), False: ""}),
        }
    )
    return Section(
        heading=_("Indicators under objective {n}").format(n=number),
        data=shown.reset_index(drop=True),
        name="implementation_item_indicators",
        empty=_("No indicator is linked to objective {n}.").format(n=number),
        note=_("World values; “demo” marks demo data, not official statistics."),
    )


# One initiative's links


def initiative_links_view(session: Session, *, slug: str, name: str) -> View:
    """What the initiative `slug` serves on each framework, each link with its basis in
    words; GDC first, in the order of the Implementation Map's frameworks."""
    links = queries.links_of_initiative(session, slug)
    order = {str(f): n for n, f in enumerate(FRAMEWORK_NAMES)}
    links = links.assign(rank=links["framework"].map(order)).sort_values(["rank"], kind="stable")
    shown = pd.DataFrame(
        {
            _("Framework"): links["framework"].map(framework_name),
            _("Reference"): links["code"],
            _("Item"): links["title"],
            _("Basis of the link"): [
                basis_words(r.basis, r.section, r.url) for r in links.itertuples()
            ],
            _("Why"): links["note"].fillna(""),
        }
    )
    frameworks = links["framework"].unique()
    sources = [_(FRAMEWORK_SOURCES[f]) for f in frameworks]
    sources += list(map_sources(Framework.GDC, links, [])[1:])
    about = About(
        title=_("Frameworks · {name}").format(name=name),
        sources=tuple(dict.fromkeys(sources)),
        as_of=_linked_as_of(session, pd.DataFrame()),
        values=len(shown),
    )
    return View(
        kind="initiative_frameworks",
        about=about,
        data=shown.reset_index(drop=True),
        problem="" if len(shown) else _("No GDC commitment or framework is linked yet."),
    )
