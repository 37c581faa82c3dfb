"""Live refresh: a write moves the data version; a quiet tick costs one query; the
screens of readers of published data rerun only for what they can see."""

import dataclasses
from dataclasses import replace

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from gdc_tracker import auth, db, entries, importing, live
from gdc_tracker.models import ReviewState, Role
from gdc_tracker.ui.frame import watched_version
from gdc_tracker.views import overview as overview_views  # noqa: F401 (marks its views)
from tests.factories import TODAY, internet_use, make_user


def count_statements(engine: Engine) -> list[str]:
    statements: list[str] = []
    sa.event.listen(
        engine,
        "before_cursor_execute",
        lambda _c, _cur, statement, *_: statements.append(statement),
    )
    return statements


def test_a_quiet_tick_runs_one_query_and_sees_no_change(seeded_engine: Engine) -> None:
    seen = db.read_data_version(seeded_engine)
    statements = count_statements(seeded_engine)
    assert live.has_moved(seeded_engine, seen) is False
    assert len(statements) == 1 and "dataversion" in statements[0].lower()


def test_a_write_elsewhere_is_seen_at_the_next_tick(seeded_engine: Engine) -> None:
    seen = db.read_data_version(seeded_engine)
    editor = make_user(seeded_engine, "editor.one", "editor")  # a write (user + audit)
    assert live.has_moved(seeded_engine, seen)
    seen = db.read_data_version(seeded_engine)
    # Another "process": its own engine on the same database.
    other = db.make_engine(seeded_engine.url.render_as_string(hide_password=False))
    with db.session_scope(other) as session:
        entries.add_entry(session, internet_use(period="2025"), by=editor, today=TODAY)
    other.dispose()
    assert live.has_moved(seeded_engine, seen)
    assert db.read_data_version(seeded_engine) == seen + 1


# The public version: what the room's screens watch


def public_version(engine: Engine) -> int:
    return db.read_data_version(engine, public=True)


def test_a_draft_saved_moves_the_version_but_not_what_the_room_watches(
    seeded_engine: Engine,
) -> None:
    editor = make_user(seeded_engine, "editor.one", "editor")
    seen, seen_public = db.read_data_version(seeded_engine), public_version(seeded_engine)
    with db.write_scope(seeded_engine) as session:
        entries.add_entry(session, internet_use(period="2025"), by=editor, today=TODAY)
    assert live.has_moved(seeded_engine, seen)  # editors' pages (drafts shown) rerun
    assert not live.has_moved(seeded_engine, seen_public, public=True)


def test_submitting_and_rejecting_a_draft_leave_the_public_version_alone(
    seeded_engine: Engine,
) -> None:
    editor = make_user(seeded_engine, "editor.one", "editor")
    reviewer = make_user(seeded_engine, "reviewer.one", "reviewer")
    with db.write_scope(seeded_engine) as session:
        entry = entries.add_entry(session, internet_use(period="2025"), by=editor, today=TODAY)
        entry_id = entry.id
    seen_public = public_version(seeded_engine)
    for action, who, reason in (("submit", editor, ""), ("reject", reviewer, "No source")):
        with db.write_scope(seeded_engine) as session:
            current = entries.get_entry(session, entry_id)
            entries.review(
                session, entry_id, action, expected_version=current.version, by=who, reason=reason
            )
    assert public_version(seeded_engine) == seen_public


def test_publishing_a_value_moves_the_public_version_once(seeded_engine: Engine) -> None:
    editor = make_user(seeded_engine, "editor.one", "editor")
    reviewer = make_user(seeded_engine, "reviewer.one", "reviewer")
    with db.write_scope(seeded_engine) as session:
        entry = entries.add_entry(
            session, internet_use(period="2025"), by=editor, submit=True, today=TODAY
        )
        entry_id, version = entry.id, entry.version
    seen_public = public_version(seeded_engine)
    with db.write_scope(seeded_engine) as session:
        entries.review(session, entry_id, "publish", expected_version=version, by=reviewer)
    assert live.has_moved(seeded_engine, seen_public, public=True)
    assert public_version(seeded_engine) == seen_public + 1


def test_an_import_moves_the_public_version_only_when_it_publishes(
    seeded_engine: Engine,
) -> None:
    reviewer = make_user(seeded_engine, "reviewer.one", "reviewer")
    frame = pd.DataFrame({"country": ["SLV"], "period": ["2025"], "value": [66.5]})
    for state, moves in ((ReviewState.DRAFT, False), (ReviewState.PUBLISHED, True)):
        frame = frame.assign(country=["SLV" if moves else "GTM"])
        with db.session_scope(seeded_engine) as session:
            mapping = importing.guess_mapping(frame, indicator_code="UMC_INTERNET_USE")
            mapping = dataclasses.replace(mapping, default_source="National statistics office")
            preview = importing.preview(session, frame, mapping, by=reviewer, today=TODAY)
        assert preview.accepted == 1
        seen_public = public_version(seeded_engine)
        importing.commit_to_store(seeded_engine, preview, by=reviewer, state=state)
        assert live.has_moved(seeded_engine, seen_public, public=True) is moves, state


def test_readers_of_published_data_watch_the_public_version_editors_every_write() -> None:
    anonymous, viewer = auth.ANONYMOUS, replace(auth.ANONYMOUS, user_id=2, role=Role.VIEWER)
    editor = replace(auth.ANONYMOUS, user_id=3, username="e", role=Role.EDITOR)
    admin = replace(auth.ANONYMOUS, user_id=4, username="a", role=Role.ADMIN)
    assert watched_version(None, 12, 7) == (7, True)
    assert watched_version(anonymous, 12, 7) == watched_version(viewer, 12, 7) == (7, True)
    assert watched_version(editor, 12, 7) == watched_version(admin, 12, 7) == (12, False)


def test_an_upgraded_store_starts_its_public_version_at_its_version(database_url: str) -> None:
    engine = db.make_engine(database_url)
    db.upgrade(engine, "0014")
    with engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM dataversion"))
        connection.execute(
            sa.text(
                "INSERT INTO dataversion (id, version, changed_at) "
                "VALUES (1, 41, CURRENT_TIMESTAMP)"
            )
        )
    db.upgrade(engine)
    assert db.read_data_versions(engine) == (41, 41)
    engine.dispose()


def comparable(value: object) -> object:
    """A view's result as plain values, so that two results can be compared with ==."""
    if isinstance(value, pd.DataFrame):
        return (list(value.columns), value.to_json(orient="values", date_format="iso"))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return tuple(comparable(getattr(value, f.name)) for f in dataclasses.fields(value))
    if isinstance(value, dict):
        return {key: comparable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [comparable(item) for item in value]
    return value


def test_views_marked_published_only_do_not_change_with_drafts(seeded_engine: Engine) -> None:
    """A view cached on the public version must not read what drafts change: each marked
    view gives the same result before and after an editor's drafts (saved, submitted,
    rejected, imported), and a different one for at least one after a publish."""
    assert len(live.PUBLISHED_ONLY) >= 6, sorted(live.PUBLISHED_ONLY)

    def results() -> dict[str, object]:
        with db.session_scope(seeded_engine) as session:
            return {name: comparable(view(session)) for name, view in live.PUBLISHED_ONLY.items()}

    editor = make_user(seeded_engine, "editor.one", "editor")
    reviewer = make_user(seeded_engine, "reviewer.one", "reviewer")
    before = results()
    with db.write_scope(seeded_engine) as session:
        kept = entries.add_entry(session, internet_use(period="2025"), by=editor, today=TODAY)
        rejected = entries.add_entry(
            session,
            internet_use(geo_code="GTM", period="2025"),
            by=editor,
            submit=True,
            today=TODAY,
        )
        kept_id, rejected_id, rejected_version = kept.id, rejected.id, rejected.version
    with db.write_scope(seeded_engine) as session:
        entries.review(
            session,
            rejected_id,
            "reject",
            expected_version=rejected_version,
            by=reviewer,
            reason="No source",
        )
    frame = pd.DataFrame({"country": ["HND"], "period": ["2025"], "value": [48.0]})
    with db.session_scope(seeded_engine) as session:
        mapping = importing.guess_mapping(frame, indicator_code="UMC_INTERNET_USE")
        mapping = dataclasses.replace(mapping, default_source="National statistics office")
        preview = importing.preview(session, frame, mapping, by=editor, today=TODAY)
    importing.commit_to_store(seeded_engine, preview, by=editor)
    assert results() == before

    with db.write_scope(seeded_engine) as session:
        current = entries.get_entry(session, kept_id)
        entries.review(session, kept_id, "submit", expected_version=current.version, by=editor)
    with db.write_scope(seeded_engine) as session:
        current = entries.get_entry(session, kept_id)
        entries.review(session, kept_id, "publish", expected_version=current.version, by=reviewer)
    after_publish = results()
    changed = [name for name in before if after_publish[name] != before[name]]
    assert "gdc_tracker.views.overview.headline_view" in changed  # one more published value
