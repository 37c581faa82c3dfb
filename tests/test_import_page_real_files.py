"""The Import page with ITU's statistics as they come: the Data360 SDMX-CSV sample and the
World Bank's WDI wide download, uploaded, checked and imported as an editor would, into a
store seeded with the shipped reference data. Expected figures are read by pandas."""

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from gdc_tracker import db
from gdc_tracker.models import Indicator
from tests.apptest import clear_streamlit_caches, fresh_store, open_page
from tests.conftest import shared_data
from tests.factories import make_user

PAGE = "pages/import.py"
DATA360 = "ITU_DH_ACT_MOB_PER_100.csv"
WORLD_BANK = "API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv"
MOBILE = "TEST_MOBILE_BB_PER_100"
REFERENCE = Path(__file__).resolve().parents[1] / "data" / "reference"


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = fresh_store(tmp_path)
    engine = db.make_engine(url)
    with db.session_scope(engine) as session:
        session.add(
            Indicator(
                code=MOBILE,
                name="Active mobile-broadband subscriptions per 100 inhabitants",
                unit="per 100 inhabitants",
                min_value=0,
                geographies=["world", "region", "country"],
            )
        )
    engine.dispose()
    monkeypatch.setenv("GDC_TRACKER_DATABASE_URL", url)
    clear_streamlit_caches()
    yield url
    clear_streamlit_caches()


def tracked_codes() -> set[str]:
    countries = pd.read_csv(REFERENCE / "countries.csv", dtype=str, keep_default_na=False)
    return set(countries["iso3"]) | {"WLD"}


def stored(url: str, indicator: str) -> pd.DataFrame:
    query = sa.text(
        "SELECT e.geo_code, e.period, e.value, e.disaggregation, e.obs_status, s.organisation "
        "FROM progressentry e JOIN indicator i ON i.id = e.indicator_id "
        "LEFT JOIN datasource s ON s.id = e.data_source_id WHERE i.code = :code"
    )
    with db.make_engine(url).connect() as connection:
        return pd.DataFrame(connection.execute(query, {"code": indicator}).mappings().all())


def button(at, key: str):  # noqa: ANN001, ANN201
    return next(b for b in at.button if b.key == key)


def text_input(at, field: str):  # noqa: ANN001, ANN201
    return next(t for t in at.text_input if str(t.key).startswith(f"import__source_{field}__"))


def test_the_data360_sample_imports_from_the_page_with_its_source_and_status(
    store: str,
) -> None:
    path = shared_data(DATA360)
    file = pd.read_csv(path, dtype=str, keep_default_na=False)
    tracked = file[file["REF_AREA"].isin(tracked_codes())]
    expected = {(r.REF_AREA, r.TIME_PERIOD): float(r.OBS_VALUE) for r in tracked.itertuples()}
    editor = make_user(db.make_engine(store), "editor.one", "editor")
    at = open_page(PAGE, identity=editor)
    at.file_uploader(key="import__file").upload(DATA360, path.read_bytes()).run()
    assert not at.exception
    assert any("Recognised as SDMX-CSV" in c.value for c in at.caption)
    assert text_input(at, "organisation").value == "ITU"
    assert "ICT Indicators Database" in text_input(at, "dataset").value
    [box] = [b for b in at.selectbox if str(b.key).startswith("import__match__")]
    box.set_value(MOBILE).run()
    button(at, "import__check").click().run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {
        "New": f"{len(expected):,}",
        "Changed": "0",
        "Unchanged": "0",
        "Rejected": "0",
    }
    aside = " ".join(i.value for i in at.info)
    untracked = file[~file["REF_AREA"].isin(tracked_codes())]
    assert "aggregates not tracked" in aside and "AFE" in aside
    listed = next(d.value for d in at.dataframe if "reason" in d.value.columns)
    assert len(listed) == len(untracked)
    status = next(d.value for d in at.dataframe if "observations" in d.value.columns)
    assert status.to_dict("list") == {
        "status": ["A"],
        "meaning": ["Normal value"],
        "observations": [len(expected)],
    }
    button(at, "import__commit").click().run()
    assert not at.exception
    entries = stored(store, MOBILE)
    got = {(r.geo_code, r.period): r.value for r in entries.itertuples()}
    assert got == pytest.approx(expected)
    assert set(entries["obs_status"]) == {"A"} and set(entries["organisation"]) == {"ITU"}


def test_the_world_bank_wide_file_imports_from_the_page(store: str) -> None:
    path = shared_data(WORLD_BANK)
    file = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    years = [c for c in file.columns if c.isdigit() and int(c) >= 1990]
    long = file.melt(id_vars=["Country Code"], value_vars=years, var_name="year")
    long = long[(long["value"] != "") & long["Country Code"].isin(tracked_codes())]
    expected = {(r._1, r.year): float(r.value) for r in long.itertuples()}
    editor = make_user(db.make_engine(store), "editor.one", "editor")
    at = open_page(PAGE, identity=editor)
    at.file_uploader(key="import__file").upload(WORLD_BANK, path.read_bytes()).run()
    assert text_input(at, "organisation").value == "World Bank"
    assert text_input(at, "licence").value == "CC BY 4.0"
    at.selectbox(key="import__indicator_code").set_value("UMC_INTERNET_USE").run()
    button(at, "import__check").click().run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["New"] == f"{len(expected):,}"
    assert any("aggregates not tracked" in i.value for i in at.info)
    button(at, "import__commit").click().run()
    assert not at.exception
    entries = stored(store, "UMC_INTERNET_USE")
    got = {(r.geo_code, r.period): r.value for r in entries.itertuples()}
    assert got == expected
    assert got[("WLD", "2022")] == 64.4 and got[("SLV", "2021")] == 58.5986
    assert set(entries["organisation"]) == {"World Bank"}
