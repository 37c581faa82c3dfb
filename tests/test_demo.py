"""The demo generator: deterministic, plausible and honest about what it is."""

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from gdc_tracker import db, demo


def test_the_same_seed_generates_the_same_rows(seeded_engine: Engine) -> None:
    with db.session_scope(seeded_engine) as session:
        first = demo.generate(session, seed=7)
        second = demo.generate(session, seed=7)
        other = demo.generate(session, seed=8)
    assert first == second
    assert first != other


def test_demo_values_respect_each_indicators_bounds(seeded_engine: Engine) -> None:
    with seeded_engine.connect() as connection:
        outside = connection.execute(
            sa.text(
                "SELECT i.code, p.value FROM progressentry p "
                "JOIN indicator i ON i.id = p.indicator_id "
                "WHERE (i.min_value IS NOT NULL AND p.value < i.min_value) "
                "OR (i.max_value IS NOT NULL AND p.value > i.max_value)"
            )
        ).fetchall()
    assert outside == []


def test_every_country_indicator_has_world_and_regional_series(seeded_engine: Engine) -> None:
    with seeded_engine.connect() as connection:
        geos = (
            connection.execute(
                sa.text(
                    "SELECT DISTINCT p.geo_code FROM progressentry p JOIN indicator i "
                    "ON i.id = p.indicator_id WHERE i.code = 'UMC_INTERNET_USE'"
                )
            )
            .scalars()
            .all()
        )
    assert {"WLD", "AMS", "AFR", "EUR", "SLV", "NGA"} <= set(geos)
