"""The read side, checked against counts a person could make by hand in the store."""

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from gdc_tracker import db, queries
from gdc_tracker.audit import record_change
from gdc_tracker.models import (
    Indicator,
    Initiative,
    InitiativeObjective,
    ProgressEntry,
    ReviewState,
)
from gdc_tracker.status import Thresholds


def _add_world_value(
    session: Session, indicator_code: str, year: int, value: float, state: str
) -> None:
    indicator = session.exec(select(Indicator).where(Indicator.code == indicator_code)).one()
    session.add(
        ProgressEntry(
            indicator_id=indicator.id,
            geo_code="WLD",
            period=f"{year}-Q4",
            year=year,
            period_end=pd.Timestamp(f"{year}-12-31").date(),
            value=value,
            review_state=state,
            source="test",
        )
    )
    record_change(session, actor="test", action="add", entity="progressentry", entity_id="new")


def test_headline_counts_match_the_store(session: Session) -> None:
    headline = queries.headline(session)
    assert (
        headline["initiatives"]
        == session.exec(select(sa.func.count()).select_from(Initiative)).one()
    )
    published = session.exec(
        select(sa.func.count())
        .select_from(ProgressEntry)
        .where(ProgressEntry.review_state == ReviewState.PUBLISHED)
    ).one()
    assert headline["published_entries"] == published
    assert headline["demo_entries"] == published  # every seeded entry is demo data
    assert headline["last_update"] is not None


def test_initiative_status_counts_add_up_to_the_objective_links(session: Session) -> None:
    frame = queries.initiative_status_by_objective(session)
    links = session.exec(select(sa.func.count()).select_from(InitiativeObjective)).one()
    assert list(frame.columns) == ["objective_number", "status", "initiatives"]
    assert frame["initiatives"].sum() == links
    assert set(frame["objective_number"]) == {1, 2, 3, 4, 5}


def test_yearly_values_reads_published_entries_only(seeded_engine: Engine) -> None:
    with db.session_scope(seeded_engine) as session:
        _add_world_value(session, "UMC_INTERNET_USE", 2030, 99.0, ReviewState.DRAFT)
    with db.session_scope(seeded_engine) as session:
        ids = tuple(session.exec(select(Indicator.id).where(Indicator.code == "UMC_INTERNET_USE")))
        values = queries.yearly_values(session, indicator_ids=ids)
    assert 2030 not in set(values["year"])
    assert list(values.columns) == [
        "indicator_id",
        "geo_code",
        "year",
        "value",
        "is_demo",
        "source",
    ]


def test_yearly_values_takes_the_latest_period_of_a_year(seeded_engine: Engine) -> None:
    with db.session_scope(seeded_engine) as session:
        _add_world_value(session, "UMC_INTERNET_USE", 2031, 71.0, ReviewState.PUBLISHED)
        indicator = session.exec(
            select(Indicator).where(Indicator.code == "UMC_INTERNET_USE")
        ).one()
        session.add(
            ProgressEntry(
                indicator_id=indicator.id,
                geo_code="WLD",
                period="2031-Q2",
                year=2031,
                period_end=pd.Timestamp("2031-06-30").date(),
                value=69.0,
                review_state=ReviewState.PUBLISHED,
                source="test",
            )
        )
    with db.session_scope(seeded_engine) as session:
        values = queries.yearly_values(session, indicator_ids=(indicator.id,))
    assert values.loc[values["year"] == 2031, "value"].tolist() == [71.0]


def test_indicator_status_by_objective_counts_each_linked_indicator_once(session: Session) -> None:
    frame = queries.indicator_status_by_objective(session, Thresholds())
    links = len(queries.indicator_objectives(session))
    assert frame["indicators"].sum() == links
    assert set(frame["status"]) <= {
        "target met",
        "on track",
        "moderate progress",
        "limited progress",
        "deterioration",
        "insufficient data",
    }


def test_recent_updates_are_newest_first_and_say_what_they_are_about(session: Session) -> None:
    updates = queries.recent_updates(session, limit=5)
    assert len(updates) == 5
    assert updates["updated_at"].is_monotonic_decreasing
    assert updates["subject"].notna().all()


def test_latest_update_by_objective_covers_every_objective(session: Session) -> None:
    frame = queries.latest_update_by_objective(session)
    assert list(frame["objective_number"]) == [1, 2, 3, 4, 5]
    assert frame["last_update"].notna().all()


def test_americas_panel_shows_ams2_and_ams3_with_their_initiatives(session: Session) -> None:
    panels = queries.regional_panel(
        session, codes=("AMS2", "AMS3"), cycle="2023-2025", thresholds=Thresholds()
    )
    assert [p["code"] for p in panels] == ["AMS2", "AMS3"]
    assert "digital-literacy" in str(panels[0]["title"])
    kit = "Digital Transformation Kit"
    for panel in panels:
        assert any(kit in name for name in panel["initiatives"]["name"])
        assert len(panel["indicators"]) > 0
