"""Locust users that are Streamlit sessions, and the board where they note what they saw.

Each user holds one `ViewerSession` (bench.load.protocol) and reports every script run it
sees through `environment.events.request`, so Locust's statistics give the percentiles:
request type "streamlit", name the kind of run ("page load", "live tick", "rerun on
change", "navigate"). A failure is reported the same way, with its exception; a session
the server closed or that stopped answering counts as dropped, and the user opens a new
one, as a browser reconnects.
"""

import random
import time
from dataclasses import dataclass, field
from typing import Any, ClassVar

import websocket
from locust import User, between, constant, task
from locust.env import Environment

from bench.load.protocol import Page, Probe, ProtocolError, Run, ViewerSession

FAILURES = (ConnectionError, OSError, TimeoutError, ProtocolError, websocket.WebSocketException)
EXPLORE_PAGES = (
    Page("", ""),
    Page("indicators", ""),
    Page("objectives", ""),
    Page("initiatives", ""),
    Page("map", ""),
    Page("regional", ""),
    Page("changes", ""),
)


@dataclass
class Watch:
    """What one viewer showed: each new value of its probe, with the time it was drawn."""

    page: str
    shown: list[tuple[str, float]] = field(default_factory=list)
    finished_runs: int = 0


@dataclass
class Board:
    """Shared by all users of a run (Locust users all live in this process)."""

    base_ws: str
    live_pages: list[tuple[Page, Probe]]  # viewers take them in turn
    watches: list[Watch] = field(default_factory=list)
    dropped: int = 0
    loaded: int = 0

    def watch_for(self, page: Page) -> Watch:
        watch = Watch(page.path)
        self.watches.append(watch)
        return watch


def board_of(environment: Environment) -> Board:
    return environment.board  # type: ignore[attr-defined,no-any-return]


class StreamlitUser(User):
    """A Locust user whose client is one Streamlit session."""

    abstract = True
    session: ViewerSession | None = None

    def report(self, run: Run) -> None:
        self.environment.events.request.fire(
            request_type="streamlit",
            name=run.kind,
            response_time=(run.seconds or 0.0) * 1000,
            response_length=0,
            exception=None,
            context={},
        )

    def fail(self, name: str, error: BaseException) -> None:
        self.environment.events.request.fire(
            request_type="streamlit",
            name=name,
            response_time=0,
            response_length=0,
            exception=error,
            context={},
        )

    def drop(self, error: BaseException) -> None:
        """The session failed: count it, close it; the next task opens a new one."""
        self.fail("session", error)
        board_of(self.environment).dropped += 1
        if self.session is not None:
            self.session.close()
        self.session = None

    def on_stop(self) -> None:
        if self.session is not None:
            self.session.close()


class LiveViewer(StreamlitUser):
    """A screen in the Council room: a live page left open, following the live ticks."""

    wait_time = constant(0)
    counter: ClassVar[int] = 0

    def on_start(self) -> None:
        board = board_of(self.environment)
        page, self.probe = board.live_pages[LiveViewer.counter % len(board.live_pages)]
        LiveViewer.counter += 1
        self.page = page
        self.watch = board.watch_for(page)

    def open(self) -> None:
        board = board_of(self.environment)
        self.session = ViewerSession(
            board.base_ws, self.page, probe=self.probe, on_run=self.counted, on_shown=self.seen
        )
        self.session.connect()
        self.session.load()
        board.loaded += 1

    def counted(self, run: Run) -> None:
        self.watch.finished_runs += 1
        self.report(run)

    def seen(self, value: str, at: float) -> None:
        self.watch.shown.append((value, at))

    @task
    def follow(self) -> None:
        try:
            if self.session is None:
                self.open()
            assert self.session is not None
            self.session.follow(time.monotonic() + 1.0)
        except FAILURES as error:
            self.drop(error)


class ExploreVisitor(StreamlitUser):
    """A visitor reading the explore pages, a few seconds on each."""

    wait_time = between(3, 8)

    @task
    def browse(self) -> None:
        page = random.choice(EXPLORE_PAGES)
        try:
            if self.session is None:
                self.session = ViewerSession(board_of(self.environment).base_ws, page)
                self.session.on_run = self.report
                self.session.connect()
                self.session.load()
                return
            self.session.load(page, kind="navigate")
        except FAILURES as error:
            self.drop(error)


def new_environment(user: type[User], board: Board) -> Any:
    environment = Environment(user_classes=[user], events=None)
    environment.board = board  # type: ignore[attr-defined]
    return environment
