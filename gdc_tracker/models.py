"""The store: SQLModel tables and their enums.

Reference frameworks (objectives, ITU regions, regional initiatives, geographies) are
seeded from data/reference and editable by admins. Initiatives and indicators are the
things tracked; progress entries are the dated observations and updates behind every
figure. Every write also appends an AuditRecord and bumps DataVersion, in one transaction.

Enums are stored as plain strings so the same migration runs on SQLite and PostgreSQL.
The stored value stays English; `*_label()` gives the word a reader sees, in her language.
No `from __future__ import annotations` here: it breaks SQLModel relationships.
"""

from collections.abc import Mapping
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import JSON, Column, Field, SQLModel

from gdc_tracker.i18n import N_, _, word_for


def utc_now() -> datetime:
    return datetime.now(UTC)


def _timestamp(**kwargs: Any) -> Any:
    return Field(default_factory=utc_now, sa_type=sa.DateTime(timezone=True), **kwargs)


class GeographyKind(StrEnum):
    WORLD = "world"
    REGION = "region"
    COUNTRY = "country"


class LeadSector(StrEnum):
    ITU_D = "ITU-D"
    ITU_T = "ITU-T"
    ITU_R = "ITU-R"
    GENERAL_SECRETARIAT = "General Secretariat"


class InitiativeStatus(StrEnum):
    PLANNED = "planned"
    ONGOING = "ongoing"
    COMPLETED = "completed"
    PAUSED = "paused"
    NOT_STATED = "not stated"  # no source gives a status: never guessed as "ongoing"


class Basis(StrEnum):
    """Where a fact about an initiative comes from."""

    C25_52 = "C25/52"  # stated in ITU Council document C25/52, with its section
    PUBLIC = "public"  # public information, with a link
    EDITORIAL = "editorial"  # an editorial choice of the tracker's, never shown as ITU's
    NOT_STATED = "not stated"  # no source gives it


class Direction(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"


class IndicatorKind(StrEnum):
    OUTCOME = "outcome"
    OUTPUT = "output"


class ReviewState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    PUBLISHED = "published"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"  # was published; a published correction replaced it
    WITHDRAWN = "withdrawn"  # its author took it back before it was published; kept, not deleted


# A live entry is one that stands for its cell (indicator, geography, period, breakdown):
# the database holds at most one per cell, plus at most one open correction of it.
LIVE_STATES: tuple[str, ...] = (ReviewState.DRAFT, ReviewState.SUBMITTED, ReviewState.PUBLISHED)
NOT_LIVE_STATES: tuple[str, ...] = (
    ReviewState.REJECTED,
    ReviewState.SUPERSEDED,
    ReviewState.WITHDRAWN,
)
# The two partial unique indexes of migration 0007, by the rows each one covers.
LIVE_CELL_INDEX = "uq_progressentry_live_cell"
OPEN_CORRECTION_INDEX = "uq_progressentry_open_correction"
CELL_COLUMNS = ("indicator_id", "geo_code", "period", "disaggregation")
LIVE_CELL_WHERE = (
    "indicator_id IS NOT NULL AND (review_state = 'published' OR "
    "(review_state IN ('draft', 'submitted') AND supersedes_id IS NULL))"
)
OPEN_CORRECTION_WHERE = (
    "indicator_id IS NOT NULL AND review_state IN ('draft', 'submitted') "
    "AND supersedes_id IS NOT NULL"
)


def partial_index(name: str, *columns: str, where: str, unique: bool = False) -> sa.Index:
    """An index of only the rows meeting `where`, on SQLite and PostgreSQL alike. SQLite,
    without planner statistics, cannot take it for reads of other rows (migration 0005)."""
    condition = sa.text(where)
    return sa.Index(
        name, *columns, unique=unique, sqlite_where=condition, postgresql_where=condition
    )


class Role(StrEnum):
    VIEWER = "viewer"
    EDITOR = "editor"
    REVIEWER = "reviewer"
    ADMIN = "admin"


# The words people read for the stored values above (English, translated where shown).

GEOGRAPHY_KIND_LABELS: dict[str, str] = {
    GeographyKind.WORLD: N_("world"),
    GeographyKind.REGION: N_("region"),
    GeographyKind.COUNTRY: N_("country"),
}
UNIT_LABELS: dict[str, str] = {  # Indicator.unit
    "percent": N_("percent"),
    "percent_gni": N_("percent of GNI per capita"),
    "ratio": N_("ratio"),
    "index": N_("index"),
    "count": N_("count"),
}
LEAD_SECTOR_LABELS: dict[str, str] = {
    LeadSector.ITU_D: N_("ITU-D"),
    LeadSector.ITU_T: N_("ITU-T"),
    LeadSector.ITU_R: N_("ITU-R"),
    LeadSector.GENERAL_SECRETARIAT: N_("General Secretariat"),
}
INITIATIVE_STATUS_LABELS: dict[str, str] = {
    InitiativeStatus.PLANNED: N_("planned"),
    InitiativeStatus.ONGOING: N_("ongoing"),
    InitiativeStatus.COMPLETED: N_("completed"),
    InitiativeStatus.PAUSED: N_("paused"),
    # Translators: an initiative's status when no source gives one.
    InitiativeStatus.NOT_STATED: N_("not stated"),
}
BASIS_LABELS: dict[str, str] = {
    Basis.C25_52: N_("C25/52"),
    Basis.PUBLIC: N_("public"),
    Basis.EDITORIAL: N_("editorial"),
    Basis.NOT_STATED: N_("not stated"),
}
REVIEW_STATE_LABELS: dict[str, str] = {
    ReviewState.DRAFT: N_("draft"),
    ReviewState.SUBMITTED: N_("submitted"),
    ReviewState.PUBLISHED: N_("published"),
    ReviewState.REJECTED: N_("rejected"),
    ReviewState.SUPERSEDED: N_("superseded"),
    ReviewState.WITHDRAWN: N_("withdrawn"),
}
ROLE_LABELS: dict[str, str] = {
    Role.VIEWER: N_("viewer"),
    Role.EDITOR: N_("editor"),
    Role.REVIEWER: N_("reviewer"),
    Role.ADMIN: N_("admin"),
}


def _label(value: object, labels: Mapping[str, str]) -> str:
    return word_for(value, labels)


def geography_kind_label(kind: object) -> str:
    return _label(kind, GEOGRAPHY_KIND_LABELS)


def unit_label(unit: object) -> str:
    """An indicator's unit in words ("percent of GNI per capita" for percent_gni)."""
    return _label(unit, UNIT_LABELS)


def lead_sector_label(sector: object) -> str:
    return _label(sector, LEAD_SECTOR_LABELS)


def initiative_status_label(status: object) -> str:
    return _label(status, INITIATIVE_STATUS_LABELS)


def basis_label(basis: object) -> str:
    return _label(basis, BASIS_LABELS)


def review_state_label(state: object) -> str:
    return _label(state, REVIEW_STATE_LABELS)


def role_label(role: object) -> str:
    return _label(role, ROLE_LABELS)


# Named constraints, so Alembic can alter them on SQLite (batch mode) and PostgreSQL alike.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

WORLD_CODE = "WLD"
TOTAL = "total"  # the disaggregation of an undivided observation
# Who wrote what no person wrote: the audit actor of the reference load and the demo seed,
# and the account the starter data (public statistics in data/starter) is imported as.
SYSTEM_ACTOR = "system"
SERVICE_ACCOUNT = "gdc-tracker"


# Reference frameworks


class Objective(SQLModel, table=True):
    """One of the five GDC objectives."""

    number: int = Field(primary_key=True)
    title: str = Field(max_length=300)
    short_title: str = Field(max_length=60)


class Geography(SQLModel, table=True):
    """The world, an ITU region (AFR, AMS, ARB, ASP, CIS, EUR) or a country by ISO alpha-3."""

    code: str = Field(primary_key=True, max_length=3)
    kind: str = Field(max_length=10, index=True)
    name: str = Field(max_length=120)
    iso2: str | None = Field(default=None, max_length=2)
    region_code: str | None = Field(default=None, foreign_key="geography.code", max_length=3)
    latitude: float | None = None
    longitude: float | None = None
    # A country's standing (migration 0008): "member" (an ITU Member State), "territory"
    # (Hong Kong, China; Macao, China) or "other" (data/reference/README.md says which).
    status: str | None = Field(default=None, max_length=10)


class RegionalInitiative(SQLModel, table=True):
    """An ITU-D regional initiative: codes repeat across cycles with other meanings."""

    __table_args__ = (sa.UniqueConstraint("code", "cycle"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=10)
    cycle: str = Field(max_length=9)
    region_code: str = Field(foreign_key="geography.code", max_length=3)
    title: str | None = Field(default=None, max_length=400)
    note: str | None = Field(default=None, max_length=400)

    @property
    def key(self) -> str:
        return f"{self.code}/{self.cycle}"


class CouncilSession(SQLModel, table=True):
    """A session of the ITU Council, as a document states it: "What changed" counts from
    the start of the latest one by default."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    starts_on: date
    ends_on: date
    place: str = Field(default="", max_length=200)
    source: str = Field(default="", max_length=300)  # the document stating the dates


class Framework(StrEnum):
    """The frameworks an ITU action can serve, below or beside the five objectives."""

    GDC = "gdc"  # the GDC's commitment paragraphs and lettered actions (A/RES/79/1, annex)
    WSIS = "wsis"  # the WSIS action lines C1 to C11 (Geneva Plan of Action, 2003)
    SDG = "sdg"  # the Sustainable Development Goals and their targets
    KAP = "kap"  # the priorities of ITU-D's Kigali Action Plan (WTDC-22)
    UMC = "umc"  # the targets for universal and meaningful connectivity by 2030


class FrameworkItem(SQLModel, table=True):
    """One item of a framework (migration 0010): a GDC commitment paragraph ("17") or
    lettered action ("17 (a)"), a WSIS action line ("C2"), an SDG ("9") or target ("9.c"),
    a Kigali Action Plan priority, a 2030 connectivity target.

    `title` is the tracker's short wording, never the source's text; `url` points to the
    official text and `checked_against` names the public copy each entry was checked
    against, so what was not checked shows as such.
    """

    __table_args__ = (sa.UniqueConstraint("framework", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    framework: str = Field(max_length=10, index=True)
    code: str = Field(max_length=20)
    parent_code: str | None = Field(default=None, max_length=40)
    kind: str = Field(max_length=20)  # commitment, action, action line, goal, target, priority
    position: int = 0  # the order the source lists it in
    objective_number: int | None = Field(default=None, foreign_key="objective.number")
    topic: str | None = Field(default=None, max_length=200)  # the sub-heading it stands under
    title: str = Field(max_length=300)
    target: str | None = Field(default=None, max_length=200)  # the level or year it states
    cycle: str | None = Field(default=None, max_length=20)
    sdgs: list[str] = Field(default_factory=list, sa_column=Column(JSON))  # as the text tags
    url: str | None = Field(default=None, max_length=500)
    checked_against: str | None = Field(default=None, max_length=1000)
    note: str | None = Field(default=None, sa_type=sa.Text)

    @property
    def key(self) -> str:
        return f"{self.framework}:{self.code}"


class ReportingCycle(SQLModel, table=True):
    """A reporting cycle (migration 0010): every initiative is to have a published or
    submitted update between `starts_on` and `due_on`, for the Council or Council
    working-group session it leads to. Admins add and edit cycles."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    starts_on: date
    ends_on: date
    due_on: date
    council_session: str | None = Field(default=None, max_length=120)
    basis: str = Field(default="editorial", max_length=12)  # a Basis: where the dates come from
    source: str = Field(default="", max_length=300)
    note: str | None = Field(default=None, sa_type=sa.Text)
    version: int = 1


# What is tracked


class Initiative(SQLModel, table=True):
    """An ITU action or programme."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=80, unique=True)
    name: str = Field(max_length=200)
    summary: str = Field(default="", sa_type=sa.Text)
    lead_sector: str = Field(max_length=30, index=True)
    status: str = Field(default=InitiativeStatus.ONGOING, max_length=12, index=True)
    start_date: date | None = None
    end_date: date | None = None
    source: str | None = Field(default=None, max_length=300)
    note: str | None = Field(default=None, sa_type=sa.Text)
    # Who answers for its updates (migration 0010): a unit or a post, as a source names it;
    # None: not stated. The update-cycle board groups by it.
    focal_point: str | None = Field(default=None, max_length=200)
    version: int = 1
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


class InitiativeObjective(SQLModel, table=True):
    initiative_id: int = Field(foreign_key="initiative.id", primary_key=True, ondelete="CASCADE")
    objective_number: int = Field(foreign_key="objective.number", primary_key=True, index=True)
    is_primary: bool = False


class InitiativeRegionalInitiative(SQLModel, table=True):
    initiative_id: int = Field(foreign_key="initiative.id", primary_key=True, ondelete="CASCADE")
    regional_initiative_id: int = Field(
        foreign_key="regionalinitiative.id", primary_key=True, index=True
    )


class InitiativeFrameworkLink(SQLModel, table=True):
    """An initiative serves a framework item (migration 0010), with the link's basis:
    stated in C25/52 (section), public information (url) or an editorial choice (note),
    never shown as ITU's when it is the tracker's own."""

    initiative_id: int = Field(foreign_key="initiative.id", primary_key=True, ondelete="CASCADE")
    item_id: int = Field(foreign_key="frameworkitem.id", primary_key=True, index=True)
    basis: str = Field(max_length=12)
    section: str | None = Field(default=None, max_length=120)
    url: str | None = Field(default=None, max_length=500)
    note: str | None = Field(default=None, sa_type=sa.Text)


class InitiativeCountry(SQLModel, table=True):
    initiative_id: int = Field(foreign_key="initiative.id", primary_key=True, ondelete="CASCADE")
    geo_code: str = Field(foreign_key="geography.code", primary_key=True, max_length=3, index=True)


class InitiativePartner(SQLModel, table=True):
    initiative_id: int = Field(foreign_key="initiative.id", primary_key=True, ondelete="CASCADE")
    partner: str = Field(primary_key=True, max_length=120, index=True)


class InitiativeLink(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    initiative_id: int = Field(foreign_key="initiative.id", index=True, ondelete="CASCADE")
    label: str = Field(max_length=200)
    url: str = Field(max_length=500)


class Milestone(SQLModel, table=True):
    """A dated deliverable of an initiative."""

    id: int | None = Field(default=None, primary_key=True)
    initiative_id: int = Field(foreign_key="initiative.id", index=True, ondelete="CASCADE")
    title: str = Field(max_length=300)
    due_date: date | None = None
    done: bool = False
    done_date: date | None = None
    version: int = 1


class Indicator(SQLModel, table=True):
    """What is measured, with its baseline, target and the bounds a value must respect."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    name: str = Field(max_length=200)
    unit: str = Field(max_length=20)
    direction: str = Field(default=Direction.HIGHER_IS_BETTER, max_length=20)
    kind: str = Field(default=IndicatorKind.OUTCOME, max_length=10)
    source: str = Field(default="", max_length=300)
    definition: str = Field(default="", sa_type=sa.Text)
    baseline_value: float | None = None
    baseline_year: int | None = None
    target_value: float | None = None
    target_year: int | None = None
    # A two-sided target (parity): met only within [target_low, target_high] (migration 0008).
    target_low: float | None = None
    target_high: float | None = None
    min_value: float | None = None
    max_value: float | None = None
    disaggregations: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    geographies: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    note: str | None = Field(default=None, sa_type=sa.Text)
    is_active: bool = True
    version: int = 1

    @property
    def higher_is_better(self) -> bool:
        return self.direction == Direction.HIGHER_IS_BETTER


class IndicatorObjective(SQLModel, table=True):
    indicator_id: int = Field(foreign_key="indicator.id", primary_key=True, ondelete="CASCADE")
    objective_number: int = Field(foreign_key="objective.number", primary_key=True, index=True)


class IndicatorRegionalInitiative(SQLModel, table=True):
    indicator_id: int = Field(foreign_key="indicator.id", primary_key=True, ondelete="CASCADE")
    regional_initiative_id: int = Field(
        foreign_key="regionalinitiative.id", primary_key=True, index=True
    )


class TranslationBasis(StrEnum):
    """Where a translation of reference data comes from."""

    OFFICIAL = "official"  # copied from an official text in that language; `source` names it
    EDITORIAL = "editorial"  # written for the tracker; to be checked against official texts


TRANSLATION_BASIS_WORDS: Mapping[str, str] = {
    TranslationBasis.OFFICIAL: N_("official text"),
    TranslationBasis.EDITORIAL: N_("editorial translation"),
}


def translation_basis_label(basis: str) -> str:
    return word_for(basis, TRANSLATION_BASIS_WORDS)


class ReferenceTranslation(SQLModel, table=True):
    """One field of one reference row (an objective's title, an indicator's definition...)
    in one language. `source_text` is the English it translates: when the English changes,
    the translation no longer applies and readers see the English until it is redone."""

    subject: str = Field(primary_key=True, max_length=20)  # objective, region, indicator...
    key: str = Field(primary_key=True, max_length=80)  # the row's code, number or slug
    field: str = Field(primary_key=True, max_length=20)
    language: str = Field(primary_key=True, max_length=8)
    text: str = Field(sa_type=sa.Text)
    source_text: str = Field(sa_type=sa.Text)
    basis: str = Field(default=TranslationBasis.EDITORIAL, max_length=12)
    source: str | None = Field(default=None, max_length=300)


# People and the record of what they did


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=80, unique=True)
    display_name: str = Field(default="", max_length=120)
    email: str | None = Field(default=None, max_length=200)
    role: str = Field(default=Role.VIEWER, max_length=10)
    password_hash: str | None = Field(default=None, max_length=200)
    is_active: bool = True
    created_at: datetime = _timestamp()
    # Set when an admin resets the password: the temporary one must be replaced before
    # the user can do anything else.
    must_change_password: bool = False


class SignInAttempt(SQLModel, table=True):
    """One try at the sign-in form: the user name as typed (trimmed, lower case, whether
    or not such a user exists), the client's address where known, and the outcome.
    `refused` attempts came while sign-in was paused: their password was not checked.
    Never the password. gdc_tracker.sign_in counts the failures."""

    __table_args__ = (
        sa.Index("ix_signinattempt_username_at", "username", "at"),
        sa.Index("ix_signinattempt_address_at", "address", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=120)
    address: str | None = Field(default=None, max_length=64)
    at: datetime = _timestamp()
    succeeded: bool = False
    refused: bool = False


class UserSession(SQLModel, table=True):
    """A browser signed in as a user. Only hashes are stored: the handoff code the sign-in
    form passes to the browser, then the token of its HttpOnly cookie. The session ends at
    sign-out, after `app.session_minutes` idle, or when an admin changes the user."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    token_hash: str | None = Field(default=None, max_length=64, unique=True)
    handoff_hash: str | None = Field(default=None, max_length=64, unique=True)
    handoff_expires_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    user_agent: str = Field(default="", max_length=300)
    created_at: datetime = _timestamp()
    last_seen_at: datetime = _timestamp()
    ended_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    ended_reason: str | None = Field(default=None, max_length=40)


class ProgressEntry(SQLModel, table=True):
    """One dated observation of an indicator, or a narrative status update of an initiative.

    `period` is what the author wrote ("2024", "2024-Q3", "2024-07"); `year` and
    `period_end` are derived from it on write so queries can sort and chart by time.
    """

    __table_args__ = (
        sa.CheckConstraint(
            "(indicator_id IS NOT NULL) OR (initiative_id IS NOT NULL)",
            name="subject",
        ),
        sa.Index(
            "ix_progressentry_series",
            "indicator_id",
            "review_state",
            "geo_code",
            "disaggregation",
            "year",
        ),
        sa.Index("ix_progressentry_initiative", "initiative_id", "period_end"),
        sa.Index("ix_progressentry_updated_at", "updated_at"),
        # Added by migration 0005 for the large store (bench/PERFORMANCE.md says which read
        # each one serves).
        sa.Index("ix_progressentry_created_at", "created_at"),
        sa.Index(
            "ix_progressentry_indicator_updated", "indicator_id", "review_state", "updated_at"
        ),
        sa.Index(
            "ix_progressentry_initiative_updated", "initiative_id", "review_state", "updated_at"
        ),
        sa.Index("ix_progressentry_author", "author_id", "updated_at"),
        sa.Index(
            "ix_progressentry_geo",
            "geo_code",
            "review_state",
            "disaggregation",
            "indicator_id",
            "year",
            "is_demo",
            "updated_at",
        ),
        sa.Index("ix_progressentry_supersedes", "supersedes_id"),
        partial_index(LIVE_CELL_INDEX, *CELL_COLUMNS, where=LIVE_CELL_WHERE, unique=True),
        partial_index(
            OPEN_CORRECTION_INDEX, *CELL_COLUMNS, where=OPEN_CORRECTION_WHERE, unique=True
        ),
        sa.Index("ix_progressentry_import_batch", "import_batch_id"),
        sa.Index("ix_progressentry_data_source", "data_source_id"),
        partial_index(
            "ix_progressentry_submitted", "updated_at", "id", where="review_state = 'submitted'"
        ),
        # Migration 0014: Overview's newest published period, read from one index row.
        partial_index(
            "ix_progressentry_published_period",
            "period_end",
            "id",
            where="review_state = 'published'",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int | None = Field(default=None, foreign_key="indicator.id")
    initiative_id: int | None = Field(default=None, foreign_key="initiative.id")
    geo_code: str = Field(default=WORLD_CODE, foreign_key="geography.code", max_length=3)
    period: str = Field(max_length=10)
    year: int
    period_end: date
    value: float | None = None
    status: str | None = Field(default=None, max_length=12)
    disaggregation: str = Field(default=TOTAL, max_length=40)
    narrative: str = Field(default="", sa_type=sa.Text)
    evidence_url: str | None = Field(default=None, max_length=500)
    source: str = Field(default="", max_length=300)
    is_demo: bool = False
    review_state: str = Field(default=ReviewState.DRAFT, max_length=10)
    review_note: str | None = Field(default=None, sa_type=sa.Text)
    author_id: int | None = Field(default=None, foreign_key="user.id")
    reviewer_id: int | None = Field(default=None, foreign_key="user.id")
    supersedes_id: int | None = Field(default=None, foreign_key="progressentry.id")
    # An initiative update: the milestones it marks done when it is published.
    milestones_done: list[int] | None = Field(default=None, sa_column=Column(JSON))
    import_batch_id: int | None = Field(default=None, foreign_key="importbatch.id")
    # Provenance (migration 0008): the dataset the value comes from, and the observation
    # status its publisher gave it (SDMX OBS_STATUS: A normal, E estimated, P provisional,
    # B break in series...). None: not stated.
    data_source_id: int | None = Field(default=None, foreign_key="datasource.id")
    obs_status: str | None = Field(default=None, max_length=20)
    version: int = 1
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


class DataSource(SQLModel, table=True):
    """A published dataset values come from: who publishes it, which release, under what
    licence, where it is, when it was taken. `key` names it in files and the CLI."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=120, unique=True)
    organisation: str = Field(max_length=200)
    dataset: str = Field(max_length=300)
    release: str | None = Field(default=None, max_length=120)  # vintage, edition, version
    url: str | None = Field(default=None, max_length=500)
    licence: str | None = Field(default=None, max_length=120)
    accessed: date | None = None
    note: str | None = Field(default=None, sa_type=sa.Text)
    created_at: datetime = _timestamp()


class FactBasis(SQLModel, table=True):
    """The basis of one fact about an initiative (its status, dates, partners, lead sector,
    objective links...): stated in C25/52 with its section, public information with a
    link, an editorial choice, or not stated."""

    __table_args__ = (sa.UniqueConstraint("initiative_id", "fact"),)

    id: int | None = Field(default=None, primary_key=True)
    initiative_id: int = Field(foreign_key="initiative.id", index=True, ondelete="CASCADE")
    fact: str = Field(max_length=40)  # status, start_date, end_date, partners, lead_sector...
    basis: str = Field(max_length=12)  # a Basis
    section: str | None = Field(default=None, max_length=120)  # of C25/52
    url: str | None = Field(default=None, max_length=500)
    note: str | None = Field(default=None, sa_type=sa.Text)


class ImportBatch(SQLModel, table=True):
    """One committed import of a file: what came in, from where, by whom, with its summary.

    Its entries point back to it, so a reviewer can take the import as one batch.
    """

    id: int | None = Field(default=None, primary_key=True)
    file_name: str = Field(max_length=255)
    checksum: str = Field(max_length=64, index=True)  # SHA-256 of the file's bytes, hex
    indicator_codes: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    review_state: str = Field(max_length=10)  # the state its entries were written in
    summary: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = _timestamp(index=True)


class IndicatorMapping(SQLModel, table=True):
    """How a file's own indicator (a code or a name in its indicator column) maps to a
    tracked indicator, as a user confirmed it; kept for the next import of the same source.

    `indicator_id` None records a confirmed "skip: not tracked".
    """

    __table_args__ = (sa.UniqueConstraint("source_key", "file_indicator"),)

    id: int | None = Field(default=None, primary_key=True)
    source_key: str = Field(max_length=120)
    file_indicator: str = Field(max_length=300)
    indicator_id: int | None = Field(default=None, foreign_key="indicator.id")
    confirmed_by: int | None = Field(default=None, foreign_key="user.id")
    updated_at: datetime = _timestamp()


class EntryTally(SQLModel, table=True):
    """How many progress entries each geography has in each review state, demo or not.

    Database triggers on progressentry keep it (migration 0006), in the transaction of
    every insert, update and delete, whoever writes: Overview's headline counts read a
    few hundred rows here instead of every published entry (a pass over a million rows
    on each cold run).
    """

    geo_code: str = Field(primary_key=True, max_length=3)
    review_state: str = Field(primary_key=True, max_length=10)
    is_demo: bool = Field(primary_key=True)
    entries: int = 0


class AuditRecord(SQLModel, table=True):
    """Append-only: who did what, when, with the values before and after."""

    __table_args__ = (sa.Index("ix_auditrecord_entity", "entity", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _timestamp(index=True)
    user_id: int | None = Field(default=None, foreign_key="user.id")
    actor: str = Field(max_length=120)
    action: str = Field(max_length=30)
    entity: str = Field(max_length=40)
    entity_id: str = Field(max_length=40)
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))


class DataVersion(SQLModel, table=True):
    """A single-row counter every write bumps inside its own transaction.

    Reading it is one cheap query per rerun; when it moves, caches miss and live views
    redraw, across processes and replicas alike. `public_version` moves only with the
    writes a reader of published data can see (not a draft saved, submitted or
    rejected): the live pages of such readers watch it (migration 0015 says why).
    """

    id: int = Field(default=1, primary_key=True)
    version: int = 0
    public_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    changed_at: datetime = _timestamp()


# Presenting


class SlideKind(StrEnum):
    OBJECTIVE = "objective"  # an objective's summary: params {"objective": "1"}
    INDICATOR = "indicator"  # an indicator chart: {"indicator": CODE, "geo": [codes]}
    MAP = "map"  # the map for a year: {"indicator": CODE, "year": "2023"}
    REGIONAL = "regional"  # a regional initiative panel: {"ri": "AMS2/2023-2025"}
    IMPLEMENTATION_MAP = "implementation_map"  # the GDC Implementation Map: commitments
    # against actions: {"framework": "gdc", "columns": "sector", "objective": "1"}
    OBJECTIVE_MATRIX = "objective_matrix"  # initiatives x the five objectives: {}
    DATA_GAPS = "data_gaps"  # which values exist: {"indicator": CODE, "by": "region"}
    UPDATE_CYCLE = "update_cycle"  # which initiatives reported in a cycle: {"cycle": name}
    CHANGES = "changes"  # what changed since a date: {"since": "2025-06-17"}


class Deck(SQLModel, table=True):
    """An ordered, named set of views a presenter shows in a meeting."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=80, unique=True)
    title: str = Field(max_length=200)
    auto_advance_seconds: int | None = None
    created_by: int | None = Field(default=None, foreign_key="user.id")
    version: int = 1
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


class DeckSlide(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("deck_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    deck_id: int = Field(foreign_key="deck.id", index=True, ondelete="CASCADE")
    position: int
    kind: str = Field(max_length=20)
    title: str = Field(default="", max_length=200)
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))


# Disaggregations in words

DIMENSION_WORDS = {"sex": N_("sex"), "area": N_("urban or rural area"), "age": N_("age")}


def dimensions_in_words(dimensions: list[str] | str | None) -> str:
    """ "sex, urban or rural area, age" in the reader's language, or "none"; from a list
    of dimensions or the comma-separated text a query makes of it."""
    if isinstance(dimensions, str):
        dimensions = [dimension.strip() for dimension in dimensions.split(",")]
    dimensions = [dimension for dimension in dimensions or [] if dimension]
    if not dimensions:
        return _("none")
    return ", ".join(word_for(dimension, DIMENSION_WORDS) for dimension in dimensions)
