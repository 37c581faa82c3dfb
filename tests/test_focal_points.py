"""Focal points: who answers for an initiative's updates, recorded by an admin with the
basis of that fact, shown on the initiative and grouping the update-cycle board."""

from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from gdc_tracker import cycles, db
from gdc_tracker.auth import Identity
from gdc_tracker.errors import NotAllowed, StaleEdit, ValidationFailed
from gdc_tracker.initiative_updates import set_focal_point
from gdc_tracker.models import AuditRecord, FactBasis, Initiative
from gdc_tracker.views.initiatives import initiative_detail_view
from tests.apptest import open_page
from tests.factories import make_user

DESK = "BDT Digital Knowledge Society Division"


def version_of(engine: Engine, slug: str) -> int:
    with db.session_scope(engine) as session:
        return session.exec(select(Initiative.version).where(Initiative.slug == slug)).one()


@pytest.fixture
def admin(seeded_engine: Engine) -> Identity:
    return make_user(seeded_engine, "admin.focal", "admin")


def test_an_admin_records_a_focal_point_with_its_basis(
    seeded_engine: Engine, admin: Identity
) -> None:
    version = version_of(seeded_engine, "giga")
    with db.session_scope(seeded_engine) as session:
        set_focal_point(
            session,
            "giga",
            focal_point=DESK,
            basis="editorial",
            note="Named by the secretariat at the CWG of January 2026.",
            expected_version=version,
            by=admin,
        )
    with db.session_scope(seeded_engine) as session:
        giga = session.exec(select(Initiative).where(Initiative.slug == "giga")).one()
        assert giga.focal_point == DESK and giga.version == version + 1
        basis = session.exec(
            select(FactBasis).where(
                FactBasis.initiative_id == giga.id, FactBasis.fact == "focal_point"
            )
        ).one()
        assert basis.basis == "editorial" and basis.note.startswith("Named by")
        record = session.exec(
            select(AuditRecord).where(AuditRecord.action == "set focal point")
        ).one()
        assert record.actor == "admin.focal" and record.after["focal_point"] == DESK
        detail = initiative_detail_view(session, slug="giga", today=date.today())
        fact = next(f for f in detail.facts if f.label == "Focal point")
        assert fact.value == DESK and fact.basis.startswith("basis: editorial choice")
        board = cycles.focal_points(session).set_index("slug")
        assert board.loc["giga", "focal_point"] == DESK


def test_an_initiative_without_a_focal_point_reads_not_stated(session: Session) -> None:
    detail = initiative_detail_view(session, slug="equals", today=date.today())
    fact = next(f for f in detail.facts if f.label == "Focal point")
    assert fact.value == "not stated"
    assert fact.basis == "basis: not stated in any source"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"basis": "C25/52"}, "section"),
        ({"basis": "public", "url": "council.itu.int"}, "url"),
        ({"basis": "editorial"}, "note"),
        ({"basis": "not stated"}, "basis"),
    ],
)
def test_a_focal_point_without_its_basis_is_refused_and_nothing_changes(
    seeded_engine: Engine, admin: Identity, fields: dict[str, str], field: str
) -> None:
    version = version_of(seeded_engine, "giga")
    with pytest.raises(ValidationFailed) as refused:
        with db.session_scope(seeded_engine) as session:
            set_focal_point(
                session, "giga", focal_point=DESK, expected_version=version, by=admin, **fields
            )
    assert [p.field for p in refused.value.problems] == [field]
    assert version_of(seeded_engine, "giga") == version


def test_a_stale_focal_point_is_refused(seeded_engine: Engine, admin: Identity) -> None:
    version = version_of(seeded_engine, "giga")
    with db.session_scope(seeded_engine) as session:
        set_focal_point(
            session,
            "giga",
            focal_point=DESK,
            basis="editorial",
            note="first",
            expected_version=version,
            by=admin,
        )
    with pytest.raises(StaleEdit):
        with db.session_scope(seeded_engine) as session:
            set_focal_point(
                session,
                "giga",
                focal_point="Someone else",
                basis="editorial",
                note="second",
                expected_version=version,
                by=admin,
            )
    with db.session_scope(seeded_engine) as session:
        giga = session.exec(select(Initiative).where(Initiative.slug == "giga")).one()
        assert giga.focal_point == DESK


def test_an_editor_may_not_set_focal_points(seeded_engine: Engine) -> None:
    editor = make_user(seeded_engine, "editor.focal", "editor")
    with pytest.raises(NotAllowed):
        with db.session_scope(seeded_engine) as session:
            set_focal_point(
                session,
                "giga",
                focal_point=DESK,
                basis="editorial",
                note="x",
                expected_version=version_of(seeded_engine, "giga"),
                by=editor,
            )


def test_the_admin_page_records_a_focal_point(writable_app: Engine) -> None:
    admin = make_user(writable_app, "admin.page", "admin")
    at = open_page("pages/admin.py", identity=admin, tab="cycles")
    assert not at.exception
    at.selectbox(key="admin__focal_pick").set_value("giga").run()
    at.text_input(key="admin__focal_focal_point").input(DESK)
    at.selectbox(key="admin__focal_basis").set_value("editorial")
    at.text_area(key="admin__focal_note").input("Named by the secretariat.")
    at.button(key="admin__focal_save").click().run()
    assert not at.exception
    assert any(DESK in s.value for s in at.success)
    with db.session_scope(writable_app) as session:
        assert (
            session.exec(select(Initiative.focal_point).where(Initiative.slug == "giga")).one()
            == DESK
        )
    at.text_input(key="admin__focal_focal_point").input("x" * 10)
    at.selectbox(key="admin__focal_basis").set_value("C25/52")
    at.button(key="admin__focal_save").click().run()
    assert any("needs its section" in e.value for e in at.error)


def test_a_refused_save_says_so_in_a_sentence_and_changes_nothing(writable_app: Engine) -> None:
    """The database refuses the write (a full disk): the admin reads what happened and
    that nothing was saved, never the statement the database refused."""
    admin = make_user(writable_app, "admin.refused", "admin")
    with writable_app.begin() as connection:
        connection.exec_driver_sql(
            "CREATE TRIGGER refuse_initiatives BEFORE UPDATE ON initiative "
            "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
        )
    before = version_of(writable_app, "giga")
    at = open_page("pages/admin.py", identity=admin, tab="cycles")
    at.selectbox(key="admin__focal_pick").set_value("giga").run()
    at.text_input(key="admin__focal_focal_point").input(DESK)
    at.selectbox(key="admin__focal_basis").set_value("editorial")
    at.text_area(key="admin__focal_note").input("Named by the secretariat.")
    at.button(key="admin__focal_save").click().run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert any(
        "The database refused or lost the write. Nothing was saved." in e
        and "database or disk is full" in e
        for e in errors
    ), errors
    assert not any("UPDATE" in e or "initiative SET" in e for e in errors), errors
    assert version_of(writable_app, "giga") == before
