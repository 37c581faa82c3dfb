"""A Streamlit viewer without a browser: the WebSocket protocol the front end speaks.

The browser opens `ws://HOST/_stcore/stream` with the subprotocol `streamlit`, then sends a
BackMsg `rerun_script` carrying its ClientState (query string, page name, widget states).
The server answers with ForwardMsgs: `new_session` when a full run starts, `delta`s for
every element drawn, `auto_rerun` when a fragment asks to tick (`st.fragment(run_every=)`;
the *front end* keeps that timer and sends a fragment rerun each interval), and
`script_finished` when the run ends. A `ViewerSession` does the same, times each run from
its start to its `script_finished`, and keeps the text of the elements it was sent, so a
`Probe` can tell which value the page shows.
"""

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import websocket
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

FINISHED = ForwardMsg.ScriptFinishedStatus
RUN_ENDS = {
    FINISHED.FINISHED_SUCCESSFULLY,
    FINISHED.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
    FINISHED.FINISHED_WITH_COMPILE_ERROR,
}
ROUTE_COOKIE = "gdc_route"  # the cookie nginx hashes on (docs/deployment.md, cookie variant)


class ProtocolError(Exception):
    """The server sent something a browser would show as an error."""


@dataclass
class Run:
    """One script run as the viewer saw it."""

    kind: str  # "page load", "live tick" or "rerun on change"
    started: float  # time.monotonic()
    finished: float | None = None
    status: int | None = None

    @property
    def seconds(self) -> float | None:
        return None if self.finished is None else self.finished - self.started


@dataclass(frozen=True)
class Page:
    """What a viewer asks for: the page (`""` is Overview) and its query string."""

    name: str
    query: str

    @property
    def path(self) -> str:
        return "/" + self.name + ("?" + self.query if self.query else "")


# A probe reads one figure out of the elements drawn: (label, text) pairs of metrics and
# the texts of markdown, captions and headings.
Probe = Callable[[list[tuple[str, str]]], str | None]


def metric_probe(label: str) -> Probe:
    """The value of the metric labelled `label` ("Published values" on Overview)."""

    def read(texts: list[tuple[str, str]]) -> str | None:
        return next((text for kind, text in texts if kind == f"metric:{label}"), None)

    return read


def metric_label_probe(prefix: str) -> Probe:
    """The label of the first metric whose label starts with `prefix` ("Kenya, 2024" on an
    indicator slide, whose label names the latest period)."""

    def read(texts: list[tuple[str, str]]) -> str | None:
        labels = (kind.removeprefix("metric:") for kind, _ in texts if kind.startswith("metric:"))
        return next((label for label in labels if label.startswith(prefix)), None)

    return read


def element_texts(message: ForwardMsg) -> list[tuple[str, str]]:
    """The readable text of an element delta, as (kind, text) pairs."""
    if message.WhichOneof("type") != "delta":
        return []
    delta = message.delta
    if delta.WhichOneof("type") != "new_element":
        return []
    element = delta.new_element
    kind = element.WhichOneof("type")
    if kind == "metric":
        return [(f"metric:{element.metric.label}", element.metric.body)]
    if kind in ("markdown", "heading"):
        return [(kind, getattr(element, kind).body)]
    if kind == "exception":
        return [("exception", f"{element.exception.type}: {element.exception.message}")]
    return []


@dataclass
class ViewerSession:
    """One viewer's connection: opens a session on `page`, follows its runs and ticks."""

    base_ws: str  # "ws://127.0.0.1:8080"
    page: Page
    probe: Probe | None = None
    route: str = field(default_factory=lambda: uuid.uuid4().hex)
    timeout: float = 60.0
    runs: list[Run] = field(default_factory=list)
    shown: str | None = None  # what the probe read at the end of the latest full run
    on_run: Callable[[Run], None] | None = None
    on_shown: Callable[[str, float], None] | None = None
    _ws: websocket.WebSocket | None = None
    _texts: list[tuple[str, str]] = field(default_factory=list)
    _ticks: dict[str, tuple[float, float]] = field(default_factory=dict)  # id: (every, due)
    _current: Run | None = None
    _page_hash: str = ""  # the page the server runs, from its navigation message

    def connect(self) -> None:
        host = self.base_ws.split("://", 1)[1]
        self._ws = websocket.create_connection(
            f"{self.base_ws}/_stcore/stream",
            subprotocols=["streamlit"],
            origin=f"http://{host}",
            cookie=f"{ROUTE_COOKIE}={self.route}",
            timeout=self.timeout,
            enable_multithread=False,
        )

    def close(self) -> None:
        if self._ws is not None:
            try:
                self._ws.close()
            finally:
                self._ws = None

    @property
    def connected(self) -> bool:
        return self._ws is not None and self._ws.connected

    # --- sending -----------------------------------------------------------------------------

    def _send_rerun(self, fragment_id: str = "") -> None:
        message = BackMsg()
        state = message.rerun_script
        state.query_string = self.page.query
        state.page_name = self.page.name
        state.page_script_hash = self._page_hash  # as the front end does, once it knows it
        state.widget_states.SetInParent()
        state.context_info.timezone = "UTC"
        state.context_info.locale = "en-GB"
        state.context_info.url = self.base_ws.replace("ws", "http", 1) + self.page.path
        if fragment_id:
            state.fragment_id = fragment_id
            state.is_auto_rerun = True
        assert self._ws is not None
        self._ws.send_binary(message.SerializeToString())

    def load(self, page: Page | None = None, kind: str = "page load") -> Run:
        """Ask for the page (or go to another, as a link in the app does); wait for its end."""
        if page is not None:
            self.page, self._page_hash = page, ""
        self._current = Run(kind, time.monotonic())
        self._send_rerun()
        return self.wait_for_end()

    # --- receiving ---------------------------------------------------------------------------

    def wait_for_end(self) -> Run:
        """Read messages until the current run finishes."""
        run = self._current
        deadline = time.monotonic() + self.timeout
        while self._current is run:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no script_finished within {self.timeout:.0f} s")
            self._receive(deadline - time.monotonic())
        assert run is not None
        return run

    def follow(self, until: float) -> None:
        """Until `until` (time.monotonic()): read messages, send the fragment ticks when due."""
        while time.monotonic() < until:
            due = min((d for _, d in self._ticks.values()), default=until)
            if self._current is None and due <= time.monotonic():
                self._tick()
                continue
            wait = min(due, until) - time.monotonic()
            if self._current is not None:
                wait = min(until, self._current.started + self.timeout) - time.monotonic()
            if wait > 0:
                self._receive(wait, quiet_ok=True)
            if self._current is not None and time.monotonic() > (
                self._current.started + self.timeout
            ):
                raise TimeoutError(f"no script_finished within {self.timeout:.0f} s")

    def _tick(self) -> None:
        """The front end's timer for `run_every`: rerun the fragment, then wait again."""
        fragment_id, (every, _due) = min(self._ticks.items(), key=lambda item: item[1][1])
        self._ticks[fragment_id] = (every, time.monotonic() + every)
        self._current = Run("live tick", time.monotonic())
        self._texts = []  # a tick draws only its caption; the probe reads full runs
        self._send_rerun(fragment_id)

    def _receive(self, wait: float, *, quiet_ok: bool = False) -> None:
        assert self._ws is not None
        self._ws.settimeout(max(wait, 0.001))
        try:
            opcode, data = self._ws.recv_data()
        except websocket.WebSocketTimeoutException:
            if quiet_ok:
                return
            raise
        if opcode == websocket.ABNF.OPCODE_CLOSE:
            raise ConnectionError("the server closed the session")
        if opcode != websocket.ABNF.OPCODE_BINARY:
            return
        message = ForwardMsg()
        message.ParseFromString(data)
        self._handle(message)

    def _handle(self, message: ForwardMsg) -> None:
        kind = message.WhichOneof("type")
        if kind == "new_session":
            if message.metadata.run.fragment_ids:
                return  # a fragment run starts: the tick already timed from its request
            if self._current is None or self._current.kind == "live tick":
                # A run the server started by itself: st.rerun() after the tick saw a change.
                self._current = Run("rerun on change", time.monotonic())
            self._texts = []
            self._ticks.clear()  # a full run asks again for the fragments it still has
        elif kind == "navigation":
            self._page_hash = message.navigation.page_script_hash  # the page that runs
        elif kind == "delta":
            self._texts += element_texts(message)
        elif kind == "auto_rerun":
            every = message.auto_rerun.interval
            self._ticks[message.auto_rerun.fragment_id] = (every, time.monotonic() + every)
        elif kind == "stop_auto_rerun":
            self._ticks.clear()
        elif kind == "page_not_found":
            raise ProtocolError(f"page not found: {message.page_not_found.page_name}")
        elif kind == "script_finished":
            self._finish(message.script_finished)

    def _finish(self, status: int) -> None:
        run = self._current
        if run is None:
            return
        if status == FINISHED.FINISHED_EARLY_FOR_RERUN:
            # The tick saw a change and asked for a full rerun: the timed run goes on.
            return
        run.finished, run.status = time.monotonic(), status
        self._current = None
        self.runs.append(run)
        if self.on_run is not None:
            self.on_run(run)
        if status == FINISHED.FINISHED_WITH_COMPILE_ERROR:
            raise ProtocolError("the script failed to compile")
        failure = next((text for kind, text in self._texts if kind == "exception"), None)
        if failure is not None:
            raise ProtocolError(f"the page raised {failure}")
        if run.kind != "live tick" and self.probe is not None:
            self._read_probe(run)

    def _read_probe(self, run: Run) -> None:
        assert self.probe is not None
        shown = self.probe(self._texts)
        if shown is not None and shown != self.shown:
            self.shown = shown
            if self.on_shown is not None:
                self.on_shown(shown, run.finished or time.monotonic())
