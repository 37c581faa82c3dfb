"""The Import page with the files that used to go wrong: a file of several indicators, a
workbook of several sheets, a header-only file, a store that changed since the preview,
and file text that Markdown would have turned into bold type and links."""

import io

import openpyxl
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from gdc_tracker import db
from tests.apptest import open_page
from tests.conftest import url_of
from tests.factories import make_user

PAGE = "pages/import.py"
USERS = "Percentage of individuals using the Internet"
MOBILE_BB = "Active mobile-broadband subscriptions per 100 inhabitants"
SEVERAL = (
    "Indicator,ISO3,Year,Value\n"
    f"{MOBILE_BB},SLV,2021,95.0\n"
    f"{MOBILE_BB},GTM,2021,102.5\n"
    f"{USERS},SLV,2021,58.6\n"
    f"{USERS},GTM,2021,50.1\n"
    "UMC_MOBILE_OWNERSHIP,SLV,2021,88.1\n"
)


@pytest.fixture
def store(writable_app: Engine) -> str:
    """The URL of a fresh store of this test's own, which the app opens."""
    return url_of(writable_app)


def rows(url: str, sql: str) -> list[tuple]:
    with db.make_engine(url).connect() as connection:
        return [tuple(r) for r in connection.execute(sa.text(sql))]


def entries(url: str) -> list[tuple]:
    return rows(
        url,
        "SELECT i.code, e.geo_code, e.period, e.value FROM progressentry e "
        "JOIN indicator i ON i.id = e.indicator_id ORDER BY 1, 2",
    )


def button(at, key: str):  # noqa: ANN001, ANN201
    return next(b for b in at.button if b.key == key)


def match_boxes(at) -> dict[str, object]:  # noqa: ANN001
    """The page's indicator-match selectboxes by the file's indicator in their label."""
    return {box.label: box for box in at.selectbox if str(box.key).startswith("import__match__")}


def test_a_file_of_several_indicators_imports_each_under_the_indicator_chosen(
    store: str,
) -> None:
    editor = make_user(db.make_engine(store), "editor.one", "editor")
    at = open_page(PAGE, identity=editor)
    at.file_uploader(key="import__file").upload("itu.csv", SEVERAL.encode()).run()
    boxes = match_boxes(at)
    proposals = {label.split(" (")[0]: box.value for label, box in boxes.items()}
    assert proposals == {
        MOBILE_BB: "",
        USERS: "",
        "UMC\\_MOBILE\\_OWNERSHIP": "UMC_MOBILE_OWNERSHIP",
    }
    users_box = next(box for label, box in boxes.items() if label.startswith(USERS))
    users_box.set_value("UMC_INTERNET_USE").run()
    button(at, "import__check").click().run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric} == {
        "New": "3",
        "Changed": "0",
        "Unchanged": "0",
        "Rejected": "0",
    }
    assert any(
        f"2 rows of 1 indicator not tracked here were skipped: '{MOBILE_BB}'." in i.value
        for i in at.info
    )
    assert button(at, "import__commit").label == "Import 3 values"
    button(at, "import__commit").click().run()
    assert not at.exception
    assert entries(store) == [
        ("UMC_INTERNET_USE", "GTM", "2021", 50.1),
        ("UMC_INTERNET_USE", "SLV", "2021", 58.6),
        ("UMC_MOBILE_OWNERSHIP", "SLV", "2021", 88.1),
    ]
    kept = rows(
        store,
        "SELECT m.file_indicator, i.code FROM indicatormapping m "
        "LEFT JOIN indicator i ON i.id = m.indicator_id ORDER BY 1",
    )
    assert kept == [(MOBILE_BB, None), (USERS, "UMC_INTERNET_USE")]

    # The next upload of a file with these columns proposes what was confirmed.
    at = open_page(PAGE, identity=editor)
    at.file_uploader(key="import__file").upload("itu-2026.csv", SEVERAL.encode()).run()
    again = {label.split(" (")[0]: box.value for label, box in match_boxes(at).items()}
    assert again[USERS] == "UMC_INTERNET_USE"


def test_a_change_in_the_store_after_the_preview_is_refused_with_a_clear_message(
    store: str,
) -> None:
    engine = db.make_engine(store)
    editor = make_user(engine, "editor.one", "editor")
    at = open_page(PAGE, identity=editor)
    content = "Country,Year,Value\nSLV,2023,61.2\nGTM,2023,55.0\n"
    at.file_uploader(key="import__file").upload("quarterly.csv", content.encode()).run()
    at.selectbox(key="import__indicator_code").set_value("UMC_INTERNET_USE").run()
    button(at, "import__check").click().run()
    with engine.begin() as connection:  # a colleague saves GTM 2023 meanwhile
        connection.execute(
            sa.text(
                "INSERT INTO progressentry (indicator_id, geo_code, period, year, period_end, "
                "value, disaggregation, narrative, source, is_demo, review_state, version, "
                "created_at, updated_at) SELECT id, 'GTM', '2023', 2023, '2023-12-31', 54.0, "
                "'total', '', 'typed', false, 'draft', 1, '2026-11-23', '2026-11-23' "
                "FROM indicator WHERE code = 'UMC_INTERNET_USE'"
            )
        )
    button(at, "import__commit").click().run()
    assert not at.exception
    message = at.error[0].value
    assert message.startswith("The store changed since your preview: ")
    assert message.endswith("Nothing was imported. Preview the file again.")
    assert "row 3, GTM 2023" in message
    assert entries(store) == [("UMC_INTERNET_USE", "GTM", "2023", 54.0)]


def test_a_header_only_file_says_it_has_no_rows(store: str) -> None:
    editor = make_user(db.make_engine(store), "editor.one", "editor")
    at = open_page(PAGE, identity=editor)
    at.file_uploader(key="import__file").upload("empty.csv", b"Country,Year,Value\n").run()
    at.selectbox(key="import__indicator_code").set_value("UMC_INTERNET_USE").run()
    button(at, "import__check").click().run()
    assert not at.exception
    assert [w.value for w in at.warning] == [
        "The file has a header but no rows: there is nothing to import."
    ]
    assert not any("already in the store" in i.value for i in at.info)


def test_a_workbook_of_several_sheets_asks_which_one_to_import(store: str) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book.active.append(["Downloaded from the ITU DataHub"])
    data_sheet = book.create_sheet("Data")
    for row in (["Country", "Year", "Value"], ["SLV", 2022, 62.9]):
        data_sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    editor = make_user(db.make_engine(store), "editor.one", "editor")
    at = open_page(PAGE, identity=editor)
    at.file_uploader(key="import__file").upload("itu.xlsx", buffer.getvalue()).run()
    assert any("The workbook has 2 sheets" in i.value for i in at.info)
    assert not [b for b in at.button if b.key == "import__check"]
    at.selectbox(key="import__sheet").set_value("Data").run()
    at.selectbox(key="import__indicator_code").set_value("UMC_INTERNET_USE").run()
    button(at, "import__check").click().run()
    assert {m.label: m.value for m in at.metric}["New"] == "1"


def test_text_from_the_file_is_shown_as_written_not_as_markdown(store: str) -> None:
    editor = make_user(db.make_engine(store), "editor.one", "editor")
    at = open_page(PAGE, identity=editor)
    odd = "**Bold** [click](https://evil.example)"
    content = f"Indicator,ISO3,Year,Value\n{odd},SLV,2021,1\nUMC_INTERNET_USE,SLV,2021,50\n"
    at.file_uploader(key="import__file").upload("odd.csv", content.encode()).run()
    labels = list(match_boxes(at))
    assert any(
        label.startswith(r"\*\*Bold\*\* \[click\](https\://evil.example)") for label in labels
    )
    button(at, "import__check").click().run()
    [skipped] = [i.value for i in at.info if "skipped" in i.value]
    assert r"\*\*Bold\*\* \[click\]" in skipped and "**Bold**" not in skipped
