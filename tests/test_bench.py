"""The benchmark's smoke run, as CI runs it: a tiny synthetic store, every page measured.

No timing is asserted (the machines are shared and noisy): only that the generator is
deterministic and fills the store, and that a run writes its JSON with every page and a
number in every measured field.
"""

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench import generate, measure, run
from gdc_tracker import db
from gdc_tracker.models import Indicator, Initiative, InitiativeObjective, ProgressEntry


def _entries_digest(url: str) -> list[tuple[object, ...]]:
    engine = db.make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(
                Indicator.code,
                ProgressEntry.initiative_id,
                ProgressEntry.geo_code,
                ProgressEntry.period,
                ProgressEntry.disaggregation,
                ProgressEntry.value,
                ProgressEntry.review_state,
                ProgressEntry.updated_at,
            )
            .join(Indicator, Indicator.id == ProgressEntry.indicator_id, isouter=True)
            .order_by(ProgressEntry.id)
        ).all()
    engine.dispose()
    return [tuple(row) for row in rows]


def test_the_generator_makes_the_same_store_from_the_same_seed(tmp_path: Path) -> None:
    first, second = (f"sqlite:///{tmp_path / name}" for name in ("a.db", "b.db"))
    report = generate.generate(first, scale="tiny", seed=7)
    generate.generate(second, scale="tiny", seed=7)
    assert _entries_digest(first) == _entries_digest(second)
    assert report.rows["progress entries"] == len(_entries_digest(first)) > 500


def test_the_generator_fills_every_kind_of_row_and_moves_the_data_version(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'tiny.db'}"
    generate.generate(url, scale="tiny")
    engine = db.make_engine(url)
    with engine.connect() as connection:
        states = dict(
            connection.execute(
                sa.select(ProgressEntry.review_state, sa.func.count()).group_by(
                    ProgressEntry.review_state
                )
            ).all()
        )
        sexes = connection.execute(
            sa.select(sa.func.count()).where(ProgressEntry.disaggregation == "sex:female")
        ).scalar_one()
        primaries = connection.execute(
            sa.select(InitiativeObjective.initiative_id, sa.func.count())
            .where(InitiativeObjective.is_primary)
            .group_by(InitiativeObjective.initiative_id)
        ).all()
        initiatives = connection.execute(sa.select(sa.func.count()).select_from(Initiative))
        assert initiatives.scalar_one() == generate.SCALES["tiny"].initiatives
    assert states["published"] > 0.9 * sum(states.values())
    assert {"draft", "submitted", "rejected"} <= set(states)
    assert sexes > 0
    assert all(count == 1 for _, count in primaries)
    assert db.read_data_version(engine) >= 2  # reference data, then the generated rows
    engine.dispose()


def test_the_generator_refuses_a_store_that_is_not_empty(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tiny.db'}"
    generate.generate(url, scale="tiny")
    with pytest.raises(generate.StoreNotEmpty):
        generate.generate(url, scale="tiny")


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0


def test_a_tiny_run_writes_every_page_and_a_number_in_every_measured_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(generate, "STORES_DIR", tmp_path / "stores")
    monkeypatch.setattr(run, "RESULTS", tmp_path / "results")
    run.main(["--scale", "tiny", "--backend", "sqlite", "--runs", "1", "--no-browser"])

    written = sorted((tmp_path / "results").glob("*-sqlite-tiny.json"))
    assert len(written) == 1
    report = json.loads((tmp_path / "results" / "latest.json").read_text())
    assert report == json.loads(written[0].read_text())

    assert [page["title"] for page in report["pages"]] == [
        spec.title for spec in measure.available_pages()
    ]
    for page in report["pages"]:
        tiny = page["tiny"]
        assert tiny["error"] is None, (page["title"], tiny["error"])
        for field in ("cold_ms", "warm_ms", "cold_cpu_ms", "warm_cpu_ms", "warm_cold_ratio"):
            assert _number(tiny[field]), (page["title"], field, tiny[field])
    assert _number(report["empty_page"]["tiny"]["median_ms"])
    assert _number(report["save_entry"]["median_ms"])
    for kind in ("csv", "xlsx"):
        assert _number(report["import"][kind]["median_ms"])
        assert report["import"][kind]["added"] == report["import"][kind]["rows"]
    assert report["stores"]["tiny"]["progress_entries"] > 500
    assert "browser" not in report
    measured = [v for v in report["budgets"] if v["measured"] is not None]
    assert measured and all(_number(v["measured"]) and isinstance(v["met"], bool) for v in measured)


def test_what_changed_lists_the_same_rows_whatever_the_day_of_the_run(tmp_path: Path) -> None:
    """A store generated on one day and measured on another lists, in What changed's default
    window, exactly what a store generated and measured on a third day lists: the benchmark
    measures the same work every day (its clock is pinned to BENCH_NOW)."""
    from datetime import UTC, datetime

    import time_machine
    from sqlmodel import Session

    from gdc_tracker.queries import changes

    days = [datetime(2026, 8, 15, 10, tzinfo=UTC), datetime(2026, 12, 1, 10, tzinfo=UTC)]
    listed = []
    for number, (made, measured) in enumerate([(days[0], days[1]), (days[1], days[0])]):
        url = f"sqlite:///{tmp_path / f'{number}.db'}"
        with time_machine.travel(made, tick=False):
            generate.generate(url, scale="tiny", seed=7)
        engine = db.make_engine(url)
        with time_machine.travel(measured, tick=False), run.pinned_clock(), Session(engine) as s:
            since = changes.default_since(s)
            rows = changes.changes_since(s, since=since)
        engine.dispose()
        listed.append((since, sorted(map(str, rows.to_dict("records")))))
    assert listed[0] == listed[1]
    assert listed[0][0] == datetime(2026, 4, 28).date()  # Council 2026, the last before then
    assert len(listed[0][1]) > 0
