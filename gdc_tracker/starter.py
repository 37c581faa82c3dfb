"""Starter data: public statistics the product ships in data/starter, loaded at first start.

Each snapshot in data/starter/sources.yaml is one file, unmodified, with its source,
licence, release and access date. It is loaded through the product's own importer, as
published values of the service account `gdc-tracker` (which cannot sign in), so the
values carry their data source, their import batch and an audit record like any import.
A snapshot whose file is already in the store (same checksum) is not loaded again, and a
file that differs from its recorded checksum is refused: a snapshot is what it says.
"""

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from gdc_tracker import db, importing
from gdc_tracker.auth import Identity, identity_of
from gdc_tracker.i18n import _
from gdc_tracker.models import SERVICE_ACCOUNT, ImportBatch, ReviewState, Role, User

STARTER_DIR = Path(__file__).resolve().parents[1] / "data" / "starter"


class StarterDataError(RuntimeError):
    """A snapshot is not as data/starter/sources.yaml describes it."""


@dataclass(frozen=True)
class Snapshot:
    file: Path
    sha256: str
    indicator: str
    layout: str
    source: importing.SourceInfo
    note: str = ""


def _source(entry: dict[str, Any], where: str) -> importing.SourceInfo:
    given = entry.get("source") or {}
    for required in ("key", "organisation", "dataset", "licence", "accessed"):
        if not given.get(required):
            raise StarterDataError(
                _("{where}: source.{field} is required for starter data").format(
                    where=where, field=required
                )
            )
    accessed = given["accessed"]
    return importing.SourceInfo(
        key=str(given["key"]),
        organisation=str(given["organisation"]),
        dataset=str(given["dataset"]),
        release=given.get("release"),
        url=given.get("url"),
        licence=str(given["licence"]),
        accessed=accessed if isinstance(accessed, date) else date.fromisoformat(str(accessed)),
        note=entry.get("note"),
    )


def snapshots(directory: Path = STARTER_DIR) -> list[Snapshot]:
    """The snapshots `directory/sources.yaml` lists, each checked against its file."""
    index = directory / "sources.yaml"
    if not index.exists():
        return []
    listed = yaml.safe_load(index.read_text(encoding="utf-8")) or []
    found = []
    for number, entry in enumerate(listed, start=1):
        where = _("{file}, snapshot {number}").format(file=index.name, number=number)
        path = directory / str(entry.get("file", ""))
        if not path.is_file():
            raise StarterDataError(
                _("{where}: no file {file} beside {index}").format(
                    where=where, file=path.name, index=index.name
                )
            )
        found.append(
            Snapshot(
                file=path,
                sha256=str(entry.get("sha256", "")),
                indicator=str(entry.get("indicator", "")),
                layout=str(entry.get("layout", "long")),
                source=_source(entry, where),
                note=str(entry.get("note") or ""),
            )
        )
    return found


def service_identity(session: Session) -> Identity:
    """The account starter data is imported as: a reviewer that has no password."""
    user = session.exec(select(User).where(User.username == SERVICE_ACCOUNT)).first()
    if user is None:
        user = User(
            username=SERVICE_ACCOUNT,
            display_name="GDC Tracker starter data",
            role=Role.REVIEWER,
            password_hash=None,
        )
        session.add(user)
        session.flush()
    return identity_of(user)


def _already_loaded(session: Session, checksum: str) -> bool:
    statement = select(ImportBatch.id).where(ImportBatch.checksum == checksum).limit(1)
    return session.exec(statement).first() is not None


def load_snapshot(engine: Engine, snapshot: Snapshot) -> int:
    """Import one snapshot as published values; return how many values it added."""
    data = snapshot.file.read_bytes()
    checksum = hashlib.sha256(data).hexdigest()
    if snapshot.sha256 and checksum != snapshot.sha256:
        raise StarterDataError(
            _(
                "{file}: the file's SHA-256 is {checksum}, not the {recorded} recorded in "
                "sources.yaml"
            ).format(file=snapshot.file.name, checksum=checksum, recorded=snapshot.sha256)
        )
    with db.session_scope(engine) as session:
        if _already_loaded(session, checksum):
            return 0
        who = service_identity(session)
    frame = importing.read_table(data, snapshot.file.name)
    with db.session_scope(engine) as session:
        mapping = importing.guess_mapping(
            frame,
            layout=snapshot.layout,  # type: ignore[arg-type]  # as sources.yaml says; checked as any
            indicator_code=snapshot.indicator,
        )
        preview = importing.preview(
            session, frame, mapping, by=who, filename=snapshot.file.name, source=snapshot.source
        )
    if not preview.has_changes:
        return 0
    result = importing.commit_to_store(engine, preview, by=who, state=ReviewState.PUBLISHED)
    return result.added + result.updated


def load_starter(engine: Engine, directory: Path = STARTER_DIR) -> dict[str, int]:
    """Load every snapshot not yet in the store: {file name: values added}."""
    return {
        snapshot.file.name: load_snapshot(engine, snapshot) for snapshot in snapshots(directory)
    }
