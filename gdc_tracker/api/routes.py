"""The HTTP side of the data API: parameters, formats, ETags, paging and rate limits.

Every answer is built from the store the pages use (`web.engine()`), for an anonymous
reader. The ETag is the store's data version with a digest of the path, the query and the
format: it changes when any published value may have changed, and differs between
filters. `If-None-Match` with the current tag gets 304 without a query. Answers may be
cached for `MAX_AGE` seconds. A bad parameter gets 400, an unknown code 404, both as
`{"error": ..., "parameter": ..., "value": ...}`; too many requests from one client
address in a minute get 429 with Retry-After (counted in memory, per server process).
"""

import hashlib
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from sqlmodel import Session
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from gdc_tracker import config, db, exports, sign_in, web
from gdc_tracker.api import formats, queries
from gdc_tracker.api.codes import DATAFLOW
from gdc_tracker.framework_reference import GDC_TEXT_URL
from gdc_tracker.models import Framework
from gdc_tracker.views import About
from gdc_tracker.views.implementation import FRAMEWORK_SOURCES
from gdc_tracker.views.initiatives import cited_sources
from gdc_tracker.views.reference import reference_as_of

PREFIX = "/api/v1"
MAX_AGE = 60  # seconds a client or proxy may reuse an answer without asking again
DEFAULT_LIMIT, MAX_LIMIT = 1_000, 10_000
CACHE_CONTROL = f"public, max-age={MAX_AGE}"
MEDIA_TYPES = {
    "json": formats.JSON,
    "csv": formats.CSV,
    "sdmx-csv": formats.SDMX_CSV_1,
    "sdmx-csv-2.0": formats.SDMX_CSV_2,
}
PAGING = ("limit", "after", "format")
OBSERVATION_FILTERS = (
    "indicator",
    "geography",
    "period",
    "period_from",
    "period_to",
    "latest_up_to",
)
OBSERVATION_PARAMETERS = (*OBSERVATION_FILTERS, "disaggregation", *PAGING)


class Problem(Exception):
    """A request the API cannot answer, with the parameter at fault."""

    def __init__(self, status: int, error: str, parameter: str | None = None, value: Any = None):
        super().__init__(error)
        self.status, self.error, self.parameter, self.value = status, error, parameter, value

    def response(self) -> Response:
        body = {"error": self.error, "parameter": self.parameter, "value": self.value}
        return Response(exports.json_document_bytes(body), self.status, media_type=formats.JSON)


@dataclass
class Answer:
    """What an endpoint answers: bytes (or chunks of them) in one media type."""

    body: bytes | Iterator[bytes]
    media_type: str
    headers: dict[str, str] = field(default_factory=dict)


# --- parameters ------------------------------------------------------------------------------


def check_known(params: QueryParams, allowed: tuple[str, ...]) -> None:
    for name in params:
        if name not in allowed:
            raise Problem(400, "unknown parameter", name, params[name])


def listed(params: QueryParams, name: str) -> tuple[str, ...]:
    """A parameter given repeatedly or as a comma-separated list, in order, once each."""
    values = (part.strip() for value in params.getlist(name) for part in value.split(","))
    return tuple(dict.fromkeys(value for value in values if value))


def whole(params: QueryParams, name: str, default: int | None, low: int, high: int) -> int | None:
    text = params.get(name)
    if text is None:
        return default
    if not text.strip().isdigit() or not low <= int(text) <= high:
        raise Problem(400, f"{name} must be a whole number from {low} to {high}", name, text)
    return int(text)


def _accepted(header: str) -> list[str]:
    """The formats an Accept header asks for, most wanted first."""
    ranked = []
    for position, part in enumerate(header.split(",")):
        kind, *options = (piece.strip() for piece in part.split(";"))
        named = dict(o.partition("=")[::2] for o in options)
        try:
            weight = float(named.get("q", "1"))
        except ValueError:
            weight = 0.0
        kind = kind.lower()
        if kind == "application/vnd.sdmx.data+csv":
            chosen = "sdmx-csv-2.0" if named.get("version", "").startswith("2") else "sdmx-csv"
        else:
            chosen = {"application/json": "json", "text/csv": "csv", "*/*": "*"}.get(kind, "")
        if chosen and weight > 0:
            ranked.append((-weight, position, chosen))
    return [chosen for *_, chosen in sorted(ranked)]


def chosen_format(request: Request, offered: tuple[str, ...]) -> str:
    """`format=` if given, else the first offered format the Accept header asks for."""
    asked = request.query_params.get("format")
    if asked is not None:
        if asked not in offered:
            raise Problem(400, f"format must be one of {', '.join(offered)}", "format", asked)
        return asked
    header = request.headers.get("accept", "")
    if not header.strip():
        return offered[0]
    for wanted in _accepted(header):
        if wanted == "*":
            return offered[0]
        if wanted in offered:
            return wanted
    media = ", ".join(MEDIA_TYPES[name] for name in offered)
    raise Problem(406, f"this resource is offered as {media}", "Accept", header)


def observation_filters(params: QueryParams) -> queries.ObservationFilters:
    year_from = whole(params, "period_from", None, 1000, 9999)
    year_to = whole(params, "period_to", None, 1000, 9999)
    latest_up_to = whole(params, "latest_up_to", None, 1000, 9999)
    disaggregations = listed(params, "disaggregation")
    for value in disaggregations:
        if value not in queries.DISAGGREGATIONS:
            known = ", ".join(queries.DISAGGREGATIONS)
            raise Problem(400, f"disaggregation must be one of {known}", "disaggregation", value)
    return queries.ObservationFilters(
        indicators=listed(params, "indicator"),
        geographies=listed(params, "geography"),
        periods=listed(params, "period"),
        year_from=year_from,
        year_to=year_to,
        disaggregations=disaggregations,
        latest_up_to=latest_up_to,
    )


def check_codes(session: Session, filters: queries.ObservationFilters) -> None:
    """404 for an indicator or geography code the store does not know."""
    indicators, geographies = queries.unknown_codes(
        session, indicators=filters.indicators, geographies=filters.geographies
    )
    if indicators:
        raise Problem(404, "no indicator has this code", "indicator", indicators[0])
    if geographies:
        raise Problem(404, "no geography has this code", "geography", geographies[0])


def filters_in_words(filters: queries.ObservationFilters) -> dict[str, str]:
    words = {
        "indicator": ", ".join(filters.indicators),
        "geography": ", ".join(filters.geographies),
        "period": ", ".join(filters.periods),
        "period_from": "" if filters.year_from is None else str(filters.year_from),
        "period_to": "" if filters.year_to is None else str(filters.year_to),
        "disaggregation": ", ".join(filters.disaggregations),
        "latest_up_to": "" if filters.latest_up_to is None else str(filters.latest_up_to),
    }
    return {name: text for name, text in words.items() if text}


# --- caching and rate limits -----------------------------------------------------------------


def entity_tag(version: int, request: Request, answer_format: str) -> str:
    """The data version, and a digest of what was asked (path, query, format)."""
    asked = sorted(request.query_params.multi_items())
    digest = hashlib.sha256(repr((request.url.path, asked, answer_format)).encode()).hexdigest()
    return f'"{version}-{digest[:16]}"'


def not_modified(request: Request, tag: str) -> bool:
    wanted = request.headers.get("if-none-match", "")
    tags = {part.strip().removeprefix("W/") for part in wanted.split(",")}
    return tag in tags or "*" in tags


class RateLimit:
    """So many requests a minute per client address, in this process's memory."""

    def __init__(self, per_minute: int, behind_proxy: bool) -> None:
        self.item = RateLimitItemPerMinute(per_minute)
        self.limiter = MovingWindowRateLimiter(MemoryStorage())
        self.behind_proxy = behind_proxy

    def refusal(self, request: Request) -> Response | None:
        """None while the client is within its limit; else 429 with Retry-After."""
        peer = request.client.host if request.client else None
        address = sign_in.client_address(
            peer, request.headers.get("x-forwarded-for"), behind_proxy=self.behind_proxy
        )
        if self.limiter.hit(self.item, "api", address):
            return None
        reset = self.limiter.get_window_stats(self.item, "api", address).reset_time
        wait = max(1, math.ceil(reset - time.time()))
        response = Problem(429, "too many requests: try again later").response()
        response.headers["Retry-After"] = str(wait)
        return response


# --- the endpoints ---------------------------------------------------------------------------

Build = Callable[[Request, Session, str], Answer]


@dataclass(frozen=True)
class Endpoint:
    """One resource: its path, parameters, formats and how its answer is built."""

    path: str
    build: Build
    formats: tuple[str, ...] = ("json",)
    parameters: tuple[str, ...] = ("format",)
    description: str = ""


def _reference_answer(rows: list[dict[str, Any]], about: About, answer_format: str) -> Answer:
    if answer_format == "csv":
        return Answer(formats.csv_bytes(pd.DataFrame(rows)), formats.CSV)
    document = {"about": about.as_dict(), "data": rows}
    return Answer(exports.json_document_bytes(document), formats.JSON)


def objectives(request: Request, session: Session, answer_format: str) -> Answer:
    rows = exports.json_records(queries.objectives(session))
    about = About(
        title="The five objectives of the Global Digital Compact",
        sources=(f"{FRAMEWORK_SOURCES[Framework.GDC]} ({GDC_TEXT_URL})",),
        values=len(rows),
    )
    return _reference_answer(rows, about, answer_format)


def indicators(request: Request, session: Session, answer_format: str) -> Answer:
    rows = queries.indicators(session)
    if answer_format == "csv":
        return Answer(formats.csv_bytes(formats.flat_indicators(rows)), formats.CSV)
    sources = tuple(dict.fromkeys(row["source"] for row in rows if row["source"]))
    about = About(title="Indicators tracked", sources=sources, values=len(rows))
    return _reference_answer(rows, about, answer_format)


def initiatives(request: Request, session: Session, answer_format: str) -> Answer:
    rows = queries.initiatives(session)
    if answer_format == "csv":
        table = formats.resource_table("initiatives", pd.DataFrame(rows))
        return Answer(formats.csv_bytes(table), formats.CSV)
    about = About(
        title="ITU initiatives serving the Global Digital Compact",
        sources=cited_sources(session, []),
        as_of=reference_as_of(session),
        values=len(rows),
    )
    return _reference_answer(rows, about, "json")


def observations(request: Request, session: Session, answer_format: str) -> Answer:
    params = request.query_params
    filters = observation_filters(params)
    limit = whole(params, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    after = whole(params, "after", 0, 0, 2**63 - 1)
    assert limit is not None and after is not None
    check_codes(session, filters)
    rows = queries.observations(session, filters, limit=limit + 1, after=after)
    page, more = rows.iloc[:limit], len(rows) > limit
    following = (
        str(request.url.include_query_params(after=int(page["id"].iloc[-1]))) if more else None
    )
    if answer_format == "json":
        about = formats.observations_about(page, filters_in_words(filters))
        links = {"self": str(request.url), "next": following}
        return Answer(formats.json_bytes(page, about, links=links), formats.JSON)
    headers = {"Link": f'<{following}>; rel="next"'} if following else {}
    if answer_format == "csv":
        return Answer(formats.csv_bytes(page), formats.CSV, headers)
    version = "2.0" if answer_format == "sdmx-csv-2.0" else "1.0"
    return Answer(
        formats.sdmx_csv_bytes(page, version=version), MEDIA_TYPES[answer_format], headers
    )


def datapackage(request: Request, session: Session, answer_format: str) -> Answer:
    descriptor = formats.datapackage(
        queries.data_sources(session), version=db.data_version(session)
    )
    return Answer(exports.json_document_bytes(descriptor), formats.JSON)


def _resource_rows(session: Session, resource: str) -> pd.DataFrame:
    if resource == "objectives":
        return queries.objectives(session)
    if resource == "geographies":
        return queries.geographies(session)
    if resource == "data_sources":
        return queries.data_sources(session)
    if resource == "indicators":
        return formats.flat_indicators(queries.indicators(session))
    if resource == "indicator_objectives":
        return formats.links_to_objectives(queries.indicators(session), "code", "indicator_code")
    if resource == "initiative_objectives":
        rows = queries.initiatives(session)
        return formats.links_to_objectives(rows, "slug", "initiative_slug")
    return pd.DataFrame(queries.initiatives(session))


def _observation_chunks() -> Iterator[bytes]:
    """observations.csv, a batch of rows at a time, in a session of its own (the answer
    is sent after the handler's session has closed)."""
    with Session(web.engine()) as session:
        header = True
        for page in queries.all_observations(session):
            table = formats.resource_table("observations", page)
            text = formats.csv_text(table, header=header)
            header = False
            yield text.encode("utf-8")
        if header:
            yield (",".join(formats.resource_columns("observations")) + "\n").encode("utf-8")


def datapackage_resource(request: Request, session: Session, answer_format: str) -> Answer:
    resource = request.path_params["resource"]
    if resource not in formats.RESOURCES:
        raise Problem(404, "no such resource in the data package", "resource", resource)
    if resource == "observations":
        return Answer(_observation_chunks(), formats.CSV)
    table = formats.resource_table(resource, _resource_rows(session, resource))
    return Answer(formats.csv_bytes(table), formats.CSV)


def index(request: Request, session: Session, answer_format: str) -> Answer:
    base = str(request.base_url).rstrip("/") + PREFIX
    document = {
        "name": "GDC Tracker data API",
        "about": "Published data only: what an anonymous visitor of the pages sees.",
        "data_version": db.data_version(session),
        "dataflow": DATAFLOW,
        "paging": {"limit": DEFAULT_LIMIT, "max_limit": MAX_LIMIT, "cursor": "after"},
        "cache": CACHE_CONTROL,
        "endpoints": [
            {
                "path": base + endpoint.path,
                "description": endpoint.description,
                "formats": [MEDIA_TYPES[name] for name in endpoint.formats],
                "parameters": list(endpoint.parameters),
            }
            for endpoint in ENDPOINTS
        ],
    }
    return Answer(exports.json_document_bytes(document), formats.JSON)


ENDPOINTS = (
    Endpoint("/", index, description="this list and the store's data version"),
    Endpoint("/objectives", objectives, ("json", "csv"), description="the five GDC objectives"),
    Endpoint(
        "/initiatives",
        initiatives,
        ("json", "csv"),
        description="initiatives with objectives, links and the basis of each fact",
    ),
    Endpoint(
        "/indicators",
        indicators,
        ("json", "csv"),
        description="indicators: unit, direction, definition, source, baseline and target",
    ),
    Endpoint(
        "/observations",
        observations,
        tuple(MEDIA_TYPES),
        OBSERVATION_PARAMETERS,
        "published observations, filtered and paged",
    ),
    Endpoint("/datapackage.json", datapackage, description="the Frictionless Data Package"),
    Endpoint(
        "/datapackage/{resource}.csv",
        datapackage_resource,
        ("csv",),
        description="one table of the Data Package",
    ),
)


def _respond(request: Request, endpoint: Endpoint) -> Response:
    check_known(request.query_params, endpoint.parameters)
    answer_format = chosen_format(request, endpoint.formats)
    with db.session_scope(web.engine()) as session:
        tag = entity_tag(db.data_version(session), request, answer_format)
        cached = {"ETag": tag, "Cache-Control": CACHE_CONTROL, "Vary": "Accept"}
        if not_modified(request, tag):
            return Response(status_code=304, headers=cached)
        answer = endpoint.build(request, session, answer_format)
    headers = cached | answer.headers
    if isinstance(answer.body, bytes):
        return Response(answer.body, media_type=answer.media_type, headers=headers)
    return StreamingResponse(answer.body, media_type=answer.media_type, headers=headers)


def handler(endpoint: Endpoint, limit: RateLimit) -> Callable[[Request], Response]:
    def handle(request: Request) -> Response:
        refused = limit.refusal(request)
        if refused is not None:
            return refused
        try:
            return _respond(request, endpoint)
        except Problem as problem:
            return problem.response()

    return handle


def routes(*, requests_per_minute: int | None = None) -> list[BaseRoute]:
    """The API's routes; `requests_per_minute` per client address (default: the
    `api.requests_per_minute` setting)."""
    settings = config.load()
    per_minute = requests_per_minute or settings.api_requests_per_minute
    limit = RateLimit(per_minute, behind_proxy=settings.sign_in.behind_proxy)
    return [
        Route(PREFIX + endpoint.path, handler(endpoint, limit), methods=["GET"])
        for endpoint in ENDPOINTS
    ]


__all__ = ["ENDPOINTS", "PREFIX", "routes"]
