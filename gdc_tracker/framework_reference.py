"""The GDC's structure and the frameworks ITU actions cross, read from data/reference.

- gdc_commitments.csv: every commitment paragraph ("17") and lettered action ("17 (a)")
  under objectives 1 to 5 of the adopted text (A/RES/79/1, annex), with a short title of
  the tracker's own, the SDGs the text tags and the public copy each row was checked
  against;
- frameworks.csv: the WSIS action lines, the SDGs and their targets, the Kigali Action
  Plan priorities, the 2030 targets for universal and meaningful connectivity;
- initiative_links.csv: which initiative serves which item, each link with its basis;
- reporting_cycles.csv: the cycles updates are due in.

Like the rest of the reference data, loading adds what the store lacks and keeps what an
admin edited; every row is checked first, and a mistake names the file and the row.
"""

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import cast

from sqlmodel import Session, select

from gdc_tracker.i18n import _
from gdc_tracker.models import (
    Basis,
    Framework,
    FrameworkItem,
    Initiative,
    InitiativeFrameworkLink,
    ReportingCycle,
)

GDC_TEXT_URL = "https://undocs.org/A/RES/79/1"
"""The official text of the Global Digital Compact (A/RES/79/1, annex): every GDC row links
to it, whatever copy it was checked against."""

KIND_OF_FRAMEWORK_ROW = {
    Framework.WSIS: "action line",
    Framework.KAP: "priority",
    Framework.UMC: "target",
}
LINK_BASES = (Basis.C25_52, Basis.PUBLIC, Basis.EDITORIAL)
"""A link is stated somewhere or chosen by the tracker: "not stated" is no link at all."""
GDC_REF = re.compile(r"^(?P<paragraph>\d{1,3})(?: \((?P<letter>[a-z]{1,2})\))?$")


class FrameworkDataError(ValueError):
    """A framework file holds something the store cannot accept; the message names it."""


@dataclass(frozen=True)
class FrameworkFiles:
    commitments: list[dict[str, str]]
    frameworks: list[dict[str, str]]
    links: list[dict[str, str]]
    cycles: list[dict[str, str]]


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():  # a test's own reference folder may lack it
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            {key: (value or "").strip() for key, value in row.items() if key}
            for row in csv.DictReader(handle)
        ]


def read_framework_files(directory: Path) -> FrameworkFiles:
    return FrameworkFiles(
        commitments=_rows(directory / "gdc_commitments.csv"),
        frameworks=_rows(directory / "frameworks.csv"),
        links=_rows(directory / "initiative_links.csv"),
        cycles=_rows(directory / "reporting_cycles.csv"),
    )


def _where(file: str, number: int, row: dict[str, str], key: str) -> str:
    """ "gdc_commitments.csv, row 3 (17 (a))": the row as a spreadsheet numbers it (the
    header is row 1), with the value of its `key` column."""
    # Translators: {column} is the name of a column of a reference file (ref, code, name).
    named = row.get(key) or _("no {column}").format(column=key)
    return _("{file}, row {row} ({name})").format(file=file, row=number + 2, name=named)


def _split(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;,]", value) if part.strip()]


def commitment_items(rows: list[dict[str, str]]) -> list[FrameworkItem]:
    """The GDC rows as framework items, checked: a ref that matches its paragraph and
    letter, an objective 1 to 5, a title, and an action whose paragraph is listed."""
    items: list[FrameworkItem] = []
    paragraphs: set[str] = set()
    for number, row in enumerate(rows):
        where = _where("gdc_commitments.csv", number, row, "ref")
        ref = GDC_REF.match(row.get("ref", ""))
        if ref is None:
            raise FrameworkDataError(
                _("{where}: ref must read like '17' or '17 (a)'").format(where=where)
            )
        letter = ref["letter"] or ""
        if ref["paragraph"] != row.get("paragraph") or letter != row.get("letter", ""):
            raise FrameworkDataError(
                _("{where}: ref does not match paragraph and letter").format(where=where)
            )
        kind = row.get("kind")
        if kind != ("action" if letter else "commitment"):
            raise FrameworkDataError(
                _(
                    "{where}: kind must be 'action' for a lettered ref, 'commitment' otherwise"
                ).format(where=where)
            )
        if letter and ref["paragraph"] not in paragraphs:
            raise FrameworkDataError(
                _("{where}: its paragraph {paragraph} is not listed").format(
                    where=where, paragraph=ref["paragraph"]
                )
            )
        if row.get("objective") not in {"1", "2", "3", "4", "5"}:
            raise FrameworkDataError(_("{where}: objective must be 1 to 5").format(where=where))
        if not row.get("title"):
            raise FrameworkDataError(_("{where}: title is empty").format(where=where))
        paragraphs.add(ref["paragraph"])
        items.append(
            FrameworkItem(
                framework=Framework.GDC,
                code=row["ref"],
                parent_code=ref["paragraph"] if letter else None,
                kind=kind,
                position=number,
                objective_number=int(row["objective"]),
                topic=row.get("topic") or None,
                title=row["title"],
                sdgs=_split(row.get("sdgs", "")),
                url=GDC_TEXT_URL,
                checked_against=row.get("checked_against") or None,
                note=row.get("note") or None,
            )
        )
    return items


def _framework_kind(framework: str, parent: str) -> str:
    if framework == Framework.SDG:
        return "target" if parent else "goal"
    return KIND_OF_FRAMEWORK_ROW[Framework(framework)]


def framework_items(rows: list[dict[str, str]]) -> list[FrameworkItem]:
    """The other frameworks' rows as items, checked: a known framework, a code and a
    title, and an SDG target under a goal that is listed."""
    known = [str(f) for f in Framework if f != Framework.GDC]
    items: list[FrameworkItem] = []
    goals: set[str] = set()
    for number, row in enumerate(rows):
        where = _where("frameworks.csv", number, row, "code")
        framework = row.get("framework", "")
        if framework not in known:
            raise FrameworkDataError(
                _("{where}: framework must be one of {frameworks}").format(
                    where=where, frameworks=", ".join(known)
                )
            )
        if not row.get("code") or not row.get("title"):
            raise FrameworkDataError(_("{where}: code and title are required").format(where=where))
        parent = row.get("parent", "")
        if framework == Framework.SDG and not parent:
            goals.add(row["code"])
        if framework == Framework.SDG and parent and parent not in goals:
            raise FrameworkDataError(
                _("{where}: its goal {goal} is not listed above it").format(
                    where=where, goal=parent
                )
            )
        items.append(
            FrameworkItem(
                framework=framework,
                code=row["code"],
                parent_code=parent or None,
                kind=_framework_kind(framework, parent),
                position=number,
                title=row["title"],
                target=row.get("target") or None,
                cycle=row.get("cycle") or None,
                url=row.get("url") or None,
                checked_against=row.get("checked_against") or None,
                note=row.get("note") or None,
            )
        )
    return items


def unsupported_basis(basis: str, section: str, url: str, note: str) -> tuple[str, str] | None:
    """(field, message) when a stated fact lacks what its basis needs, else None: a
    C25/52 section, a public page's address, or the note saying why an editorial choice
    was made. A link and a focal point follow the same rule."""
    if basis not in LINK_BASES:
        # Translators: {bases} are the bases as written in files and forms (C25/52, public...).
        one_of = _("basis must be one of {bases}").format(
            bases=", ".join(str(b) for b in LINK_BASES)
        )
        return "basis", one_of
    if basis == Basis.C25_52 and not section:
        return "section", _("a fact stated in C25/52 needs its section")
    if basis == Basis.PUBLIC and not url.startswith(("https://", "http://")):
        return "url", _("a fact from public information needs the page's address (https://…)")
    if basis == Basis.EDITORIAL and not note:
        return "note", _("an editorial choice needs a note saying why")
    return None


def _check_link_basis(row: dict[str, str], where: str) -> None:
    gap = unsupported_basis(
        row.get("basis", ""), row.get("section", ""), row.get("url", ""), row.get("note", "")
    )
    if gap is not None:
        raise FrameworkDataError(_("{where}: {problem}").format(where=where, problem=gap[1]))


def link_rows(
    rows: list[dict[str, str]], slugs: set[str], item_keys: set[tuple[str, str]]
) -> list[dict[str, str]]:
    """The initiative links, checked against the initiatives and items they name."""
    seen: set[tuple[str, str, str]] = set()
    for number, row in enumerate(rows):
        where = _where("initiative_links.csv", number, row, "initiative")
        if row.get("initiative") not in slugs:
            raise FrameworkDataError(
                _("{where}: no initiative '{slug}'").format(where=where, slug=row.get("initiative"))
            )
        key = (row.get("framework", ""), row.get("code", ""))
        if key not in item_keys:
            raise FrameworkDataError(
                # Translators: {framework} is a framework's code (gdc, wsis, sdg, kap, umc).
                _("{where}: no {framework} item '{code}'").format(
                    where=where, framework=key[0], code=key[1]
                )
            )
        if (row["initiative"], *key) in seen:
            raise FrameworkDataError(
                _("{where}: the same link is listed twice").format(where=where)
            )
        seen.add((row["initiative"], *key))
        _check_link_basis(row, where)
    return rows


def _date(value: str, where: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise FrameworkDataError(
            _("{where}: {field} '{value}' is not a date (YYYY-MM-DD)").format(
                where=where, field=field, value=value
            )
        ) from error


def cycle_rows(rows: list[dict[str, str]]) -> list[ReportingCycle]:
    """The reporting cycles, checked: dates in order (the due date within the cycle or
    after it) and a basis for the dates."""
    cycles: list[ReportingCycle] = []
    for number, row in enumerate(rows):
        where = _where("reporting_cycles.csv", number, row, "name")
        starts = _date(row.get("starts_on", ""), where, "starts_on")
        ends = _date(row.get("ends_on", ""), where, "ends_on")
        due = _date(row.get("due_on", ""), where, "due_on")
        if not row.get("name") or ends < starts or due < starts:
            raise FrameworkDataError(
                _("{where}: needs a name, and starts_on before ends_on and due_on").format(
                    where=where
                )
            )
        if row.get("basis") not in (Basis.PUBLIC, Basis.EDITORIAL, Basis.C25_52):
            raise FrameworkDataError(
                _("{where}: basis must be public, editorial or C25/52").format(where=where)
            )
        cycles.append(
            ReportingCycle(
                name=row["name"],
                starts_on=starts,
                ends_on=ends,
                due_on=due,
                council_session=row.get("council_session") or None,
                basis=row["basis"],
                source=row.get("source", ""),
                note=row.get("note") or None,
            )
        )
    return cycles


def load_frameworks(session: Session, files: FrameworkFiles, count: Callable[[str], None]) -> None:
    """Add the items, links and cycles the store lacks; `count` tallies what was added."""
    items = commitment_items(files.commitments) + framework_items(files.frameworks)
    stored = {(item.framework, item.code): item.id for item in session.exec(select(FrameworkItem))}
    for item in items:
        if (item.framework, item.code) not in stored:
            session.add(item)
            count("framework items")
    session.flush()
    # Rows read back from the store, so each has its id.
    ids: dict[tuple[str, str], int] = {
        (item.framework, item.code): cast(int, item.id)
        for item in session.exec(select(FrameworkItem))
    }
    initiatives = cast(
        dict[str, int], dict(session.exec(select(Initiative.slug, Initiative.id)).all())
    )
    linked = set(
        session.exec(select(InitiativeFrameworkLink.initiative_id, InitiativeFrameworkLink.item_id))
    )
    for row in link_rows(files.links, set(initiatives), set(ids)):
        initiative_id = initiatives[row["initiative"]]
        item_id = ids[(row["framework"], row["code"])]
        if (initiative_id, item_id) in linked:
            continue
        session.add(
            InitiativeFrameworkLink(
                initiative_id=initiative_id,
                item_id=item_id,
                basis=row["basis"],
                section=row.get("section") or None,
                url=row.get("url") or None,
                note=row.get("note") or None,
            )
        )
        count("framework links")
    names = set(session.exec(select(ReportingCycle.name)).all())
    for cycle in cycle_rows(files.cycles):
        if cycle.name not in names:
            session.add(cycle)
            count("reporting cycles")
