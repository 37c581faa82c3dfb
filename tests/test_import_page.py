"""The Import page as an editor uses it: upload, check, import, import again."""

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from gdc_tracker import db
from tests.apptest import open_page
from tests.conftest import url_of
from tests.factories import make_user, refuse_inserts

PAGE = "pages/import.py"
QUARTERLY = (
    "Country,Year,Value\n"
    "SLV,2023,61.2\n"
    "Guatemala,2023,55.0\n"
    "Atlantis,2023,40.0\n"
    "BRA,2023,NULL\n"
    "MEX,2023,130\n"
)


@pytest.fixture
def store(writable_app: Engine) -> str:
    """The URL of a fresh store of this test's own, which the app opens."""
    return url_of(writable_app)


def stored_values(url: str) -> dict[str, float]:
    with db.make_engine(url).connect() as connection:
        rows = connection.execute(sa.text("SELECT geo_code, value FROM progressentry")).all()
    return dict(rows)


def upload_and_check(at, content: str) -> None:  # noqa: ANN001
    at.file_uploader(key="import__file").upload("quarterly.csv", content.encode()).run()
    at.selectbox(key="import__indicator_code").set_value("UMC_INTERNET_USE").run()
    next(b for b in at.button if b.key == "import__check").click().run()


def test_the_preview_counts_and_names_each_rejected_row(store: str) -> None:
    editor = make_user(db.make_engine(store), "editor.one", "editor")
    at = open_page(PAGE, identity=editor)
    upload_and_check(at, QUARTERLY)
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"New": "2", "Changed": "0", "Unchanged": "0", "Rejected": "3"}
    problems = next(d.value for d in at.dataframe if "reason" in d.value.columns)
    assert problems["row"].tolist() == [4, 5, 6]
    reasons = " ".join(problems["reason"])
    assert "Atlantis" in reasons or "unknown" in reasons.lower()
    assert stored_values(store) == {}  # a preview writes nothing


def test_importing_writes_the_accepted_rows_and_a_second_time_nothing(store: str) -> None:
    editor = make_user(db.make_engine(store), "editor.one", "editor")
    at = open_page(PAGE, identity=editor)
    upload_and_check(at, QUARTERLY)
    next(b for b in at.button if b.key == "import__commit").click().run()
    assert not at.exception
    assert stored_values(store) == {"SLV": 61.2, "GTM": 55.0}
    at = open_page(PAGE, identity=editor)
    upload_and_check(at, QUARTERLY)
    assert any("Nothing to import" in i.value for i in at.info)
    assert stored_values(store) == {"SLV": 61.2, "GTM": 55.0}


def test_a_write_the_database_refuses_half_way_imports_nothing_and_says_so(store: str) -> None:
    """The database fails on the second row (a trigger stands in for a full disk): the
    first row must not stay behind, and the page says what happened instead of crashing."""
    engine = db.make_engine(store)
    editor = make_user(engine, "editor.one", "editor")
    refuse_inserts(engine, when="NEW.geo_code = 'GTM'")
    at = open_page(PAGE, identity=editor)
    upload_and_check(at, QUARTERLY)
    next(b for b in at.button if b.key == "import__commit").click().run()
    assert not at.exception
    message = at.error[0].value
    assert "Nothing was imported." in message and "database or disk is full" in message
    assert stored_values(store) == {}


def test_viewers_cannot_open_the_import_page(store: str) -> None:
    viewer = make_user(db.make_engine(store), "viewer.one", "viewer")
    at = open_page(PAGE, identity=viewer)
    assert "editor" in at.error[0].value
    assert not at.file_uploader
