"""What the Implementation Map reads: framework items, the initiatives linked to them, and
where each initiative acts.

An item's links count at its own level and roll up and down one level: a GDC paragraph
counts the initiatives linked to it or to any of its lettered actions, and a lettered action
counts those linked to it or to its whole paragraph (an SDG and its targets alike), so a
commitment shows "no ITU action" only when nothing is linked to it at any level.
"""

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session, col

from gdc_tracker.i18n import _
from gdc_tracker.models import (
    FactBasis,
    Framework,
    FrameworkItem,
    Geography,
    Initiative,
    InitiativeCountry,
    InitiativeFrameworkLink,
    InitiativeRegionalInitiative,
    Objective,
    ProgressEntry,
    RegionalInitiative,
)
from gdc_tracker.queries.overview import frame, published
from gdc_tracker.translations import localize_names

REGIONAL = "ri"  # rows from the regional initiatives, with the basis their initiatives give
GLOBAL = "Global"  # the region column of an initiative that names no region or country
ITEM_COLUMNS = [
    "item_id",
    "framework",
    "code",
    "parent_code",
    "kind",
    "position",
    "objective_number",
    "topic",
    "title",
    "target",
    "cycle",
    "sdgs",
    "url",
    "checked_against",
    "note",
]
LINK_COLUMNS = [
    "item_id",
    "initiative_id",
    "slug",
    "name",
    "lead_sector",
    "status",
    "basis",
    "section",
    "url",
    "note",
]


def items(session: Session, framework: str, *, objective: int | None = None) -> pd.DataFrame:
    """The items of `framework` in the order their source lists them (GDC: of one
    objective when `objective` is given)."""
    if framework == REGIONAL:
        return regional_items(session)
    statement = sa.select(
        col(FrameworkItem.id).label("item_id"),
        *(getattr(FrameworkItem, column) for column in ITEM_COLUMNS[1:]),
    ).where(col(FrameworkItem.framework) == framework)
    if objective is not None:
        statement = statement.where(col(FrameworkItem.objective_number) == objective)
    result = frame(session, statement.order_by(col(FrameworkItem.position), col(FrameworkItem.id)))
    if result.empty:
        return pd.DataFrame(columns=ITEM_COLUMNS)
    result["sdgs"] = result["sdgs"].map(lambda tags: list(tags or []))
    return result


def links(session: Session, framework: str) -> pd.DataFrame:
    """One row per (item of `framework`, initiative linked to it), with the link's basis."""
    if framework == REGIONAL:
        return regional_links(session)
    link = InitiativeFrameworkLink
    statement = (
        sa.select(
            col(link.item_id),
            col(link.initiative_id),
            col(Initiative.slug),
            col(Initiative.name),
            col(Initiative.lead_sector),
            col(Initiative.status),
            col(link.basis),
            col(link.section),
            col(link.url),
            col(link.note),
        )
        .join(Initiative, col(Initiative.id) == link.initiative_id)
        .join(FrameworkItem, col(FrameworkItem.id) == link.item_id)
        .where(col(FrameworkItem.framework) == framework)
        .order_by(col(Initiative.name))
    )
    result = frame(session, statement)
    return result if len(result) else pd.DataFrame(columns=LINK_COLUMNS)


def covering_links(item_rows: pd.DataFrame, link_rows: pd.DataFrame) -> pd.DataFrame:
    """Each item's links with those that roll up or down to it (see the module docstring):
    one row per (item, initiative), `direct` True where the link names the item itself and
    `linked_item_id` the item the link names."""
    if item_rows.empty or link_rows.empty:
        return pd.DataFrame(columns=[*LINK_COLUMNS, "direct", "linked_item_id"])
    code_of = dict(zip(item_rows["item_id"], item_rows["code"], strict=True))
    parent_of = dict(zip(item_rows["code"], item_rows["parent_code"], strict=True))
    id_of = {code: item_id for item_id, code in code_of.items()}
    children: dict[str, list[str]] = {}
    for code, parent in parent_of.items():
        if isinstance(parent, str) and parent in id_of:
            children.setdefault(parent, []).append(code)
    own = link_rows[link_rows["item_id"].isin(code_of)].assign(
        linked_item_id=lambda f: f["item_id"]
    )
    rows = [own.assign(direct=True)]
    for link in own.itertuples(index=False):
        code = code_of[link.item_id]
        related = children.get(code, [])  # a whole paragraph covers each of its actions
        parent = parent_of.get(code)
        if isinstance(parent, str) and parent in id_of:
            related = [*related, parent]  # an action counts for its paragraph
        for other in related:
            rows.append(pd.DataFrame([link._asdict() | {"item_id": id_of[other], "direct": False}]))
    combined = pd.concat(rows, ignore_index=True)
    combined = combined.sort_values("direct", ascending=False)
    return combined.drop_duplicates(["item_id", "initiative_id"]).reset_index(drop=True)


def initiative_regions(session: Session) -> pd.DataFrame:
    """initiative_id, region: the ITU regions an initiative acts in, through its regional
    initiatives or its countries; "Global" for one that names neither."""
    through_regional: sa.Select = sa.select(
        col(InitiativeRegionalInitiative.initiative_id),
        col(RegionalInitiative.region_code).label("region"),
    ).join(
        RegionalInitiative,
        col(RegionalInitiative.id) == InitiativeRegionalInitiative.regional_initiative_id,
    )
    through_countries: sa.Select = sa.select(
        col(InitiativeCountry.initiative_id),
        col(Geography.region_code).label("region"),
    ).join(Geography, col(Geography.code) == InitiativeCountry.geo_code)
    named = frame(session, sa.union(through_regional, through_countries))
    everyone = frame(session, sa.select(col(Initiative.id).label("initiative_id")))
    named = named.dropna(subset=["region"]).drop_duplicates()
    unnamed = everyone[~everyone["initiative_id"].isin(named["initiative_id"])]
    return pd.concat([named, unnamed.assign(region=GLOBAL)], ignore_index=True)


def region_names(session: Session) -> dict[str, str]:
    rows = session.execute(
        sa.select(col(Geography.code), col(Geography.name)).where(col(Geography.kind) == "region")
    ).all()
    names = {str(code): str(name) for code, name in rows}
    return localize_names(session, names, "geography", "name")


def objective_titles(session: Session) -> dict[int, str]:
    rows = session.execute(sa.select(col(Objective.number), col(Objective.short_title))).all()
    titles = {int(number): str(title) for number, title in rows}
    return localize_names(session, titles, "objective", "short_title")


def latest_updates(session: Session, initiative_ids: list[int], *, per: int = 1) -> pd.DataFrame:
    """initiative_id, period, status, narrative, source, is_demo, updated_at: the newest
    published narrative update of each initiative (`per` of them)."""
    if not initiative_ids:
        return pd.DataFrame(
            columns=["initiative_id", "period", "status", "narrative", "source", "is_demo"]
        )
    entry = ProgressEntry
    rank = (
        sa.func.row_number()
        .over(
            partition_by=col(entry.initiative_id),
            order_by=(col(entry.period_end).desc(), col(entry.id).desc()),
        )
        .label("rank")
    )
    ranked = (
        sa.select(
            col(entry.initiative_id),
            col(entry.period),
            col(entry.status),
            col(entry.narrative),
            col(entry.source),
            col(entry.is_demo),
            col(entry.updated_at),
            rank,
        )
        .where(
            published,
            col(entry.indicator_id).is_(None),
            col(entry.initiative_id).in_([int(i) for i in initiative_ids]),
        )
        .subquery()
    )
    result = frame(session, sa.select(ranked).where(ranked.c.rank <= per))
    result["is_demo"] = result["is_demo"].astype(bool)
    return result.drop(columns="rank")


def framework_counts(session: Session) -> dict[str, int]:
    """How many items each framework holds."""
    rows = session.execute(
        sa.select(col(FrameworkItem.framework), sa.func.count()).group_by(
            col(FrameworkItem.framework)
        )
    ).all()
    return {str(framework): int(count) for framework, count in rows}


FRAMEWORKS: tuple[str, ...] = (*(str(f) for f in Framework), REGIONAL)


def regional_items(session: Session) -> pd.DataFrame:
    """The regional initiatives as map rows: "AMS2 (2023-2025)" with its title, or "title
    not stated" where no source gives one."""
    rows = frame(
        session,
        sa.select(
            col(RegionalInitiative.id).label("item_id"),
            col(RegionalInitiative.code),
            col(RegionalInitiative.cycle),
            col(RegionalInitiative.region_code),
            col(RegionalInitiative.title),
            col(RegionalInitiative.note),
        ).order_by(
            col(RegionalInitiative.region_code),
            col(RegionalInitiative.cycle),
            col(RegionalInitiative.code),
        ),
    )
    if rows.empty:
        return pd.DataFrame(columns=ITEM_COLUMNS)
    return pd.DataFrame(
        {
            "item_id": rows["item_id"],
            "framework": REGIONAL,
            "code": rows["code"] + " (" + rows["cycle"] + ")",
            "parent_code": None,
            "kind": "regional initiative",
            "position": range(len(rows)),
            "objective_number": None,
            "topic": rows["region_code"],
            "title": rows["title"].fillna(_("title not stated")),
            "target": None,
            "cycle": rows["cycle"],
            "sdgs": [[] for _row in range(len(rows))],
            "url": None,
            "checked_against": "",  # reference data of its own (regional_initiatives.csv)
            "note": rows["note"],
        }
    )


def regional_links(session: Session) -> pd.DataFrame:
    """Initiatives under each regional initiative, with the basis their reference data
    gives for the fact "regional_initiatives"."""
    statement: sa.Select = (
        sa.select(
            col(InitiativeRegionalInitiative.regional_initiative_id).label("item_id"),
            col(InitiativeRegionalInitiative.initiative_id),
            col(Initiative.slug),
            col(Initiative.name),
            col(Initiative.lead_sector),
            col(Initiative.status),
            col(FactBasis.basis),
            col(FactBasis.section),
            col(FactBasis.url),
            col(FactBasis.note),
        )
        .join(Initiative, col(Initiative.id) == col(InitiativeRegionalInitiative.initiative_id))
        .join(
            FactBasis,
            sa.and_(
                col(FactBasis.initiative_id) == col(Initiative.id),
                col(FactBasis.fact) == "regional_initiatives",
            ),
            isouter=True,
        )
        .order_by(col(Initiative.name))
    )
    result = frame(session, statement)
    if result.empty:
        return pd.DataFrame(columns=LINK_COLUMNS)
    return result.assign(basis=result["basis"].fillna("not stated"))


def links_of_initiative(session: Session, slug: str) -> pd.DataFrame:
    """framework, code, title, basis, section, url, note: every framework item the
    initiative `slug` is linked to, in the order each framework lists its items."""
    link = InitiativeFrameworkLink
    statement = (
        sa.select(
            col(FrameworkItem.framework),
            col(FrameworkItem.code),
            col(FrameworkItem.title),
            col(link.basis),
            col(link.section),
            col(link.url),
            col(link.note),
        )
        .join(FrameworkItem, col(FrameworkItem.id) == link.item_id)
        .join(Initiative, col(Initiative.id) == link.initiative_id)
        .where(col(Initiative.slug) == slug)
        .order_by(col(FrameworkItem.framework), col(FrameworkItem.position))
    )
    return frame(session, statement)
