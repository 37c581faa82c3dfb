"""The API's files as other tools read them: pandas (JSON, CSV), the frictionless library
(the Data Package), sdmx1 (SDMX-CSV) and the product's own SDMX importer rules.

sdmx1 2.28 reads SDMX-CSV 2.0 only (its reader expects STRUCTURE, STRUCTURE_ID first) and
needs the data structure, built here with `sdmx.model`; the SDMX-CSV 1.0 answer (DATAFLOW
first) is checked against the 2.0 answer sdmx1 read: the same rows, codes and values.
"""

import io
from pathlib import Path
from urllib.parse import urljoin

import frictionless
import pandas as pd
import pytest
import sdmx
from sdmx.model import common, v21

from gdc_tracker import sdmx as product_sdmx
from tests.test_api import PUBLISHED, build_store, client  # noqa: F401  (fixtures)

DIMENSIONS = ("REF_AREA", "INDICATOR", "SEX", "AGE", "URBANISATION")


@pytest.fixture
def store(engine):  # noqa: ANN001, ANN201
    return build_store(engine)


def dataflow() -> v21.DataflowDefinition:
    """The structure of ITU:GDC_TRACKER(1.0) as the API documents it."""
    agency = common.Agency(id="ITU")
    structure = v21.DataStructureDefinition(id="GDC_TRACKER", maintainer=agency, version="1.0")
    for order, name in enumerate(DIMENSIONS):
        structure.dimensions.getdefault(name, order=order)
    structure.dimensions.getdefault("TIME_PERIOD", cls=v21.TimeDimension, order=len(DIMENSIONS))
    structure.measures.getdefault("OBS_VALUE")
    for name in ("OBS_STATUS", "UNIT_MEASURE", "SOURCE_DETAIL", "COMMENT_OBS", "LAST_UPDATE"):
        structure.attributes.getdefault(name)
    return v21.DataflowDefinition(
        id="GDC_TRACKER", maintainer=agency, version="1.0", structure=structure
    )


def published_rows() -> set[tuple]:
    """PUBLISHED as SDMX keys: (REF_AREA, SEX, TIME_PERIOD) -> value."""
    return {
        (geo, "F" if breakdown == "sex:female" else "_T", period, value)
        for geo, period, breakdown, value in PUBLISHED
    }


def test_pandas_reads_the_json_and_csv_answers_alike(client) -> None:  # noqa: F811
    as_json = pd.DataFrame(client.get("/api/v1/observations").json()["data"])
    as_csv = pd.read_csv(io.StringIO(client.get("/api/v1/observations?format=csv").text))
    assert list(as_json.columns) == list(as_csv.columns)
    columns = ["id", "geo_code", "period", "disaggregation", "value", "real_or_demo"]
    assert (
        as_json[columns].astype(str).values.tolist() == as_csv[columns].astype(str).values.tolist()
    )
    assert {(g, str(p), d, v) for g, p, d, v in as_csv[columns[1:5]].values} == PUBLISHED


def test_the_data_package_is_valid_for_frictionless(client, tmp_path: Path) -> None:  # noqa: F811
    descriptor_url = "http://testserver/api/v1/datapackage.json"
    descriptor = client.get(descriptor_url)
    assert descriptor.status_code == 200
    (tmp_path / "datapackage.json").write_bytes(descriptor.content)
    for resource in descriptor.json()["resources"]:
        answer = client.get(urljoin(descriptor_url, resource["path"]))  # as a reader resolves it
        assert answer.status_code == 200, resource["path"]
        target = tmp_path / resource["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(answer.content)
    report = frictionless.validate(tmp_path / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = frictionless.Package(tmp_path / "datapackage.json")
    rows = package.get_resource("observations").read_rows()
    read = {(r["geo_code"], r["period"], r["disaggregation"], float(r["value"])) for r in rows}
    assert read == PUBLISHED
    licences = descriptor.json()["licenses"]
    assert {
        "name": "CC-BY-4.0",
        "path": "https://creativecommons.org/licenses/by/4.0/",
    }.items() <= (licences[0].items())


def test_sdmx1_reads_the_sdmx_csv_answer(client, tmp_path: Path) -> None:  # noqa: F811
    answer = client.get(
        "/api/v1/observations", headers={"accept": "application/vnd.sdmx.data+csv;version=2.0.0"}
    )
    path = tmp_path / "observations.csv"
    path.write_bytes(answer.content)
    message = sdmx.read_sdmx(path, structure=dataflow())
    [data_set] = message.data
    read = {
        (
            obs.key["REF_AREA"].value,
            obs.key["SEX"].value,
            obs.key["TIME_PERIOD"].value,
            float(obs.value),
        )
        for obs in data_set.obs
    }
    assert read == published_rows()
    statuses = {float(o.value): o.attached_attribute["OBS_STATUS"].value for o in data_set.obs}
    assert statuses[60.25] == "E"
    assert str(statuses[66.5]) in ("", "nan")  # not stated: an empty cell (sdmx1 says "nan")
    comments = {
        float(o.value): str(o.attached_attribute["COMMENT_OBS"].value) for o in data_set.obs
    }
    assert comments[81.0].lower() == "demo data, not official statistics"  # the demo value
    assert comments[60.25] in ("", "nan")
    sources = {
        float(o.value): str(o.attached_attribute["SOURCE_DETAIL"].value) for o in data_set.obs
    }
    assert "demo" not in sources[60.25].lower() and sources[60.25] not in ("", "nan")
    updated = {float(o.value): str(o.attached_attribute["LAST_UPDATE"].value) for o in data_set.obs}
    stored = pd.DataFrame(client.get("/api/v1/observations").json()["data"])
    expected = dict(zip(stored["value"].astype(float), stored["updated_at"], strict=True))
    assert {value: pd.Timestamp(text) for value, text in updated.items()} == {
        value: pd.Timestamp(text) for value, text in expected.items()
    }


def test_sdmx_csv_1_holds_the_rows_of_sdmx_csv_2(client) -> None:  # noqa: F811
    def table(accept: str) -> pd.DataFrame:
        text = client.get("/api/v1/observations", headers={"accept": accept}).text
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)

    first = table("application/vnd.sdmx.data+csv;version=1.0.0")
    second = table("application/vnd.sdmx.data+csv;version=2.0.0")
    assert set(first["DATAFLOW"]) == set(second["STRUCTURE_ID"]) == {"ITU:GDC_TRACKER(1.0)"}
    shared = [c for c in first.columns if c != "DATAFLOW"]
    assert first[shared].values.tolist() == second[shared].values.tolist()


def test_the_products_importer_reads_the_breakdowns_back(client) -> None:  # noqa: F811
    text = client.get("/api/v1/observations?format=sdmx-csv").text
    table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert product_sdmx.is_sdmx(table.columns)
    read = {
        product_sdmx.read_breakdown([(name, row[name]) for name in DIMENSIONS[2:]]).disaggregation
        for _, row in table.iterrows()
    }
    assert read == {breakdown for _, _, breakdown, _ in PUBLISHED}
    assert {product_sdmx.unit_kind(code) for code in table["UNIT_MEASURE"]} == {"percent"}


def test_sdmx_csv_values_read_back_as_the_same_numbers() -> None:
    """A value with more than six significant digits survives the file (a "g" format would
    have written 81.8543 for 81.85432 and 1.23457e+06 for 1234567)."""
    import io

    import pandas as pd

    from gdc_tracker.api import formats
    from gdc_tracker.api.queries import OBSERVATION_COLUMNS

    values = [81.85432, 1234567.0, 0.1 + 0.2]
    rows = pd.DataFrame(
        [
            dict.fromkeys(OBSERVATION_COLUMNS)
            | {
                "indicator_code": "UMC_INTERNET_USE",
                "geo_code": "SLV",
                "period": str(2020 + index),
                "unit": "percent",
                "sex": "_T",
                "age": "_T",
                "urbanisation": "_T",
                "value": value,
            }
            for index, value in enumerate(values)
        ]
    )
    read = pd.read_csv(io.BytesIO(formats.sdmx_csv_bytes(rows)))
    assert read["OBS_VALUE"].tolist() == values
