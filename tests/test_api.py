"""The data API as a client meets it: published values only, filters, paging, formats,
ETags, problems named by parameter, and the rate limit.

The store holds known published values (one with a data source, one demo, one corrected),
a draft, a submitted and a rejected value, and users with e-mail addresses: the API must
answer exactly the published values and never the others, nor anything about the users.
"""

import io
import json
from dataclasses import dataclass

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.testclient import TestClient

from gdc_tracker import bootstrap, db, entries, web
from gdc_tracker.api import queries, routes
from gdc_tracker.models import DataSource, ProgressEntry, User
from tests.factories import TODAY, internet_use, make_user

EDITOR_EMAIL, REVIEWER_EMAIL = "jo.editor@example.org", "sam.reviewer@example.org"
SOURCE = {
    "key": "itu-wtid-2025",
    "organisation": "ITU",
    "dataset": "World Telecommunication/ICT Indicators Database",
    "release": "2025",
    "licence": "CC BY 4.0",
    "url": "https://www.itu.int/en/ITU-D/Statistics/Pages/publications/wtid.aspx",
}
# (geo_code, period, disaggregation, value) of every published value the store holds.
PUBLISHED = {
    ("SLV", "2024", "total", 60.25),
    ("SLV", "2025", "total", 66.5),
    ("SLV", "2025", "sex:female", 64.0),
    ("KEN", "2023", "total", 42.5),
    ("BRA", "2024", "total", 81.0),  # demo
    ("SLV", "2023", "total", 51.0),  # the published correction of 50.0
}
UNPUBLISHED_VALUES = {11.1, 22.2, 33.3, 50.0}  # draft, submitted, rejected, superseded


@dataclass(frozen=True)
class Store:
    engine: Engine
    ids: dict[str, int]  # a name for each entry -> its id


def add(engine: Engine, by, *, submit: bool = True, **values: object) -> int:  # noqa: ANN001
    with db.session_scope(engine) as session:
        draft = internet_use(**values)
        return int(entries.add_entry(session, draft, by=by, submit=submit, today=TODAY).id or 0)


def act(engine: Engine, entry_id: int, action: str, by, reason: str = "") -> None:  # noqa: ANN001
    with db.session_scope(engine) as session:
        version = entries.get_entry(session, entry_id).version
        entries.review(session, entry_id, action, expected_version=version, by=by, reason=reason)


def correct(engine: Engine, entry_id: int, by, **values: object) -> int:  # noqa: ANN001
    with db.session_scope(engine) as session:
        version = entries.get_entry(session, entry_id).version
        correction = entries.correct_entry(
            session, entry_id, internet_use(**values), expected_version=version, by=by, submit=True
        )
        return int(correction.id or 0)


def build_store(engine: Engine) -> Store:
    bootstrap.seed(engine, with_demo=False)
    editor = make_user(engine, "jo.editor", "editor")
    reviewer = make_user(engine, "sam.reviewer", "reviewer")
    with db.session_scope(engine) as session:
        for username, email in (("jo.editor", EDITOR_EMAIL), ("sam.reviewer", REVIEWER_EMAIL)):
            user = session.execute(sa.select(User).where(User.username == username)).scalar_one()
            user.email = email
        source = DataSource(**SOURCE)
        session.add(source)
        session.flush()
        source_id = source.id
    ids = {
        "sourced": add(engine, editor, period="2024", value=60.25),
        "typed": add(engine, editor, period="2025", value=66.5),
        "female": add(engine, editor, period="2025", value=64.0, disaggregation="sex:female"),
        "kenya": add(engine, editor, geo_code="KEN", period="2023", value=42.5, source=""),
        "demo": add(engine, editor, geo_code="BRA", period="2024", value=81.0),
        "original": add(engine, editor, period="2023", value=50.0),
    }
    for entry_id in ids.values():
        act(engine, entry_id, "publish", reviewer)
    ids["correction"] = correct(engine, ids["original"], editor, period="2023", value=51.0)
    act(engine, ids["correction"], "publish", reviewer)
    ids["draft"] = add(engine, editor, period="2022", value=11.1, submit=False)
    ids["submitted"] = add(engine, editor, period="2021", value=22.2)
    ids["rejected"] = add(engine, editor, period="2020", value=33.3)
    act(engine, ids["rejected"], "reject", reviewer, reason="the office has not released it")
    with db.write_scope(engine) as session:
        session.execute(
            sa.update(ProgressEntry)
            .where(ProgressEntry.id == ids["sourced"])
            .values(data_source_id=source_id, obs_status="E")
        )
        session.execute(
            sa.update(ProgressEntry).where(ProgressEntry.id == ids["demo"]).values(is_demo=True)
        )
    return Store(engine, ids)


@pytest.fixture
def store(engine: Engine) -> Store:
    return build_store(engine)


@pytest.fixture
def client(store: Store, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.setattr(web, "engine", lambda: store.engine)
    return TestClient(Starlette(routes=routes()))


def cells(rows: list[dict]) -> set[tuple]:
    return {(r["geo_code"], r["period"], r["disaggregation"], r["value"]) for r in rows}


def get_json(client: TestClient, path: str, **params: object) -> dict:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


# --- what is read ----------------------------------------------------------------------------


def test_the_reads_return_exactly_the_published_values(store: Store) -> None:
    with db.session_scope(store.engine) as session:
        rows = queries.observations(session, limit=100)
    assert cells(rows.to_dict("records")) == PUBLISHED
    assert not UNPUBLISHED_VALUES & set(rows["value"])


def test_observations_answer_only_published_values_with_their_provenance(client) -> None:
    answer = get_json(client, "/api/v1/observations")
    rows = answer["data"]
    assert cells(rows) == PUBLISHED
    by_value = {row["value"]: row for row in rows}
    sourced = by_value[60.25]
    assert (
        sourced["source"]
        == "ITU, World Telecommunication/ICT Indicators Database (2025, CC BY 4.0)"
    )
    assert (sourced["data_source_organisation"], sourced["data_source_url"]) == (
        "ITU",
        SOURCE["url"],
    )
    assert sourced["obs_status"] == "E" and sourced["real_or_demo"] == "real"
    assert by_value[66.5]["source"] == "National statistics office"
    assert by_value[42.5]["source"] == "source not stated"
    demo = by_value[81.0]
    assert demo["real_or_demo"] == "demo" and demo["is_demo"] is True
    assert demo["source"] == "demo data, not official statistics"
    assert by_value[64.0]["sex"] == "F" and by_value[66.5]["sex"] == "_T"
    assert answer["about"]["notice"] == "Demo data, not official statistics: 1 of 6 values shown"


def test_no_answer_names_a_user(client) -> None:
    paths = [
        "/api/v1/",
        "/api/v1/objectives",
        "/api/v1/indicators",
        "/api/v1/initiatives",
        "/api/v1/observations",
        "/api/v1/observations?format=csv",
        "/api/v1/datapackage.json",
        "/api/v1/datapackage/observations.csv",
    ]
    for path in paths:
        text = client.get(path).text
        for secret in (EDITOR_EMAIL, REVIEWER_EMAIL, "jo.editor", "sam.reviewer", "argon2"):
            assert secret not in text, (path, secret)
        for value in UNPUBLISHED_VALUES:
            assert f",{value}," not in text and f'"value": {value}' not in text, (path, value)


def test_the_index_lists_every_endpoint_and_the_data_version(client, store: Store) -> None:
    answer = get_json(client, "/api/v1/")
    assert answer["data_version"] == db.read_data_version(store.engine) > 0
    listed = {
        endpoint["path"].removeprefix("http://testserver") for endpoint in answer["endpoints"]
    }
    assert {"/api/v1/observations", "/api/v1/initiatives", "/api/v1/datapackage.json"} <= listed


def test_objectives_indicators_and_initiatives_carry_their_reference(client) -> None:
    objectives = get_json(client, "/api/v1/objectives")["data"]
    assert [row["number"] for row in objectives] == [1, 2, 3, 4, 5]
    indicators = {row["code"]: row for row in get_json(client, "/api/v1/indicators")["data"]}
    internet = indicators["UMC_INTERNET_USE"]
    assert internet["disaggregations"] == ["sex", "area", "age"]
    assert internet["unit"] == "percent" and internet["objectives"]
    initiatives = get_json(client, "/api/v1/initiatives")["data"]
    assert initiatives and all(set(i["basis"]) >= {"status", "objectives"} for i in initiatives)
    assert any(i["framework_links"] for i in initiatives)
    stated = [f["basis"] for i in initiatives for f in i["basis"].values()]
    assert set(stated) <= {"C25/52", "public", "editorial", "not stated"}


# --- filters, paging, problems ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"geography": "KEN"}, {("KEN", "2023", "total", 42.5)}),
        (
            {"geography": "KEN,BRA"},
            {("KEN", "2023", "total", 42.5), ("BRA", "2024", "total", 81.0)},
        ),
        ({"period": "2025"}, {("SLV", "2025", "total", 66.5), ("SLV", "2025", "sex:female", 64.0)}),
        (
            {"period_from": "2025"},
            {("SLV", "2025", "total", 66.5), ("SLV", "2025", "sex:female", 64.0)},
        ),
        ({"period_to": "2023", "geography": "SLV"}, {("SLV", "2023", "total", 51.0)}),
        ({"disaggregation": "sex:female"}, {("SLV", "2025", "sex:female", 64.0)}),
        (
            {"indicator": "UMC_INTERNET_USE", "geography": "SLV", "period": "2024"},
            {("SLV", "2024", "total", 60.25)},
        ),
        ({"indicator": "UMC_MOBILE_OWNERSHIP"}, set()),
        (  # each series' newest value up to 2024: Kenya's of 2023, none of women (2025)
            {"latest_up_to": "2024"},
            {
                ("SLV", "2024", "total", 60.25),
                ("KEN", "2023", "total", 42.5),
                ("BRA", "2024", "total", 81.0),
            },
        ),
        (
            {"latest_up_to": "2030", "geography": "SLV"},
            {("SLV", "2025", "total", 66.5), ("SLV", "2025", "sex:female", 64.0)},
        ),
    ],
)
def test_filters_choose_the_rows(client, params: dict, expected: set) -> None:
    assert cells(get_json(client, "/api/v1/observations", **params)["data"]) == expected


def test_pages_follow_each_other_without_gaps_or_duplicates(client) -> None:
    seen, url, pages = [], "/api/v1/observations?limit=2", 0
    while url:
        answer = client.get(url).json()
        seen += answer["data"]
        url, pages = answer["links"]["next"], pages + 1
        assert len(answer["data"]) <= 2
    assert pages == 3
    assert len(seen) == len({row["id"] for row in seen}) == len(PUBLISHED)
    assert cells(seen) == PUBLISHED


def test_a_csv_page_links_to_the_next_one(client) -> None:
    first = client.get("/api/v1/observations", params={"limit": 4, "format": "csv"})
    link = first.headers["link"]
    assert link.endswith('>; rel="next"')
    second = client.get(link[1 : link.index(">")])
    rows = pd.concat([pd.read_csv(io.StringIO(r.text)) for r in (first, second)])
    assert "link" not in second.headers
    assert len(rows) == len(set(rows["id"])) == len(PUBLISHED)


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "10001"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"after": "-1"}, "after"),
        ({"period_from": "last year"}, "period_from"),
        ({"disaggregation": "sex:other"}, "disaggregation"),
        ({"format": "xml"}, "format"),
        ({"indicatr": "UMC_INTERNET_USE"}, "indicatr"),
    ],
)
def test_a_bad_parameter_is_named(client, params: dict, parameter: str) -> None:
    response = client.get("/api/v1/observations", params=params)
    assert response.status_code == 400
    assert response.json()["parameter"] == parameter


def test_an_unknown_code_is_not_found(client) -> None:
    response = client.get("/api/v1/observations", params={"indicator": "UMC_INTERNET_USE,NOPE"})
    assert response.status_code == 404
    assert response.json() == {
        "error": "no indicator has this code",
        "parameter": "indicator",
        "value": "NOPE",
    }
    assert client.get("/api/v1/observations?geography=XXX").json()["parameter"] == "geography"


# --- formats ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("application/json", "application/json"),
        ("text/csv", "text/csv"),
        (
            "application/vnd.sdmx.data+csv;version=1.0.0",
            "application/vnd.sdmx.data+csv;version=1.0.0",
        ),
        (
            "application/vnd.sdmx.data+csv;version=2.0.0",
            "application/vnd.sdmx.data+csv;version=2.0.0",
        ),
        ("text/html, */*;q=0.8", "application/json"),
        ("application/json;q=0.5, text/csv", "text/csv"),
    ],
)
def test_the_accept_header_chooses_the_format(client, accept: str, media_type: str) -> None:
    response = client.get("/api/v1/observations", headers={"accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type.split(";")[0]
    assert response.headers["content-type"].startswith(media_type)


def test_an_unoffered_format_is_refused(client) -> None:
    response = client.get("/api/v1/observations", headers={"accept": "application/xml"})
    assert response.status_code == 406 and response.json()["parameter"] == "Accept"


def test_sdmx_csv_writes_codes(client) -> None:
    text = client.get("/api/v1/observations", params={"format": "sdmx-csv"}).text
    table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert list(table.columns[:7]) == [
        "DATAFLOW", "REF_AREA", "INDICATOR", "SEX", "AGE", "URBANISATION", "TIME_PERIOD",
    ]  # fmt: skip
    assert set(table["DATAFLOW"]) == {"ITU:GDC_TRACKER(1.0)"}
    female = table[table["SEX"] == "F"]
    assert female[["REF_AREA", "TIME_PERIOD", "OBS_VALUE"]].values.tolist() == [
        ["SLV", "2025", "64"]
    ]
    assert set(table["UNIT_MEASURE"]) == {"PT"}
    assert table.loc[table["OBS_VALUE"] == "60.25", "OBS_STATUS"].tolist() == ["E"]


# --- caching ---------------------------------------------------------------------------------


def test_an_unchanged_answer_is_not_sent_again(client, store: Store) -> None:
    first = client.get("/api/v1/observations?geography=SLV")
    tag = first.headers["etag"]
    assert first.headers["cache-control"] == "public, max-age=60"
    again = client.get("/api/v1/observations?geography=SLV", headers={"if-none-match": tag})
    assert again.status_code == 304 and again.content == b""
    other = client.get("/api/v1/observations?geography=KEN")
    assert other.headers["etag"] != tag
    as_csv = client.get("/api/v1/observations?geography=SLV&format=csv")
    assert as_csv.headers["etag"] != tag


def test_a_published_change_changes_the_tag(client, store: Store) -> None:
    tag = client.get("/api/v1/observations").headers["etag"]
    reviewer = make_user(store.engine, "kim.reviewer", "reviewer")
    act(store.engine, store.ids["submitted"], "publish", reviewer)
    after = client.get("/api/v1/observations", headers={"if-none-match": tag})
    assert after.status_code == 200 and after.headers["etag"] != tag
    assert 22.2 in {row["value"] for row in after.json()["data"]}


# --- the rate limit --------------------------------------------------------------------------


def test_too_many_requests_are_refused_with_a_wait(store: Store, monkeypatch) -> None:
    monkeypatch.setattr(web, "engine", lambda: store.engine)
    client = TestClient(Starlette(routes=routes(requests_per_minute=3)))
    answers = [client.get("/api/v1/objectives") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert 1 <= int(answers[-1].headers["retry-after"]) <= 60
    assert json.loads(answers[-1].text)["error"].startswith("too many requests")


def test_the_default_limit_comes_from_the_settings() -> None:
    from gdc_tracker import config

    assert config.load(env={}).api_requests_per_minute == 600
