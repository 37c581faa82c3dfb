"""Editors at work while the room watches: scenario (c) of the load benchmark.

    python -m bench.load.editors URL --editors 5 --seconds 30

K editors, each a thread of this process, save draft values and import small files through
the product's own write paths, with a few seconds of thought between two actions:

- **save**: one new draft value, as the Update page saves it (`db.write_scope` and
  `entries.add_entry`);
- **import**: a file of `IMPORT_ROWS` values, as the Import page and the CLI import it
  (`importing.guess_mapping`, `importing.preview`, `importing.commit_to_store` as draft).

Each action writes cells of its own (the next period of a country series, counted from the
last country, so never the series a live step publishes), so a refusal is a fault, not a
clash the run arranged. At the end it checks the store holds exactly what the editors were
told was saved: every saved value and every row of every imported file, none half-written
(counted by the source the run wrote, unique to it). Then it removes those drafts with one
SQL statement (the store is the benchmark's own), so that the next step finds free cells.
It prints one line `ready`, then one JSON line with the figures.

The editors' own work runs here, not in the app processes: what the run shows is what
their writes do to the viewers (each write moves the data version; locks), and how long a
save or an import takes while the room watches.
"""

import argparse
import json
import random
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from itertools import count

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session, select

from bench import generate
from bench.load.store import NEW_PERIOD, latest_country_totals
from gdc_tracker import auth, db, entries, importing
from gdc_tracker.entries import EntryDraft
from gdc_tracker.models import (
    Geography,
    Indicator,
    ProgressEntry,
    Role,
    User,
)

SOURCE = "GDC Tracker load benchmark: editors"
IMPORT_ROWS = 10
THINK_SECONDS = (2.0, 5.0)
PERCENTILES = (0.5, 0.95, 0.99)


@dataclass
class Tally:
    """What the editors did, shared by their threads."""

    seconds: dict[str, list[float]] = field(default_factory=lambda: {"save": [], "import": []})
    saved_values: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def done(self, action: str, seconds: float, values: int) -> None:
        with self.lock:
            self.seconds[action].append(seconds)
            self.saved_values += values

    def failed(self, action: str, error: BaseException) -> None:
        with self.lock:
            key = f"{action}: {type(error).__name__}: {str(error)[:160]}"
            self.errors[key] = self.errors.get(key, 0) + 1


Cell = tuple[str, str, float]  # indicator code, country code, a plausible value


def free_series(engine: sa.Engine) -> list[Cell]:
    """(indicator, country, value) of series with a published total in the last generated
    year and nothing yet in NEW_PERIOD, from the last country backwards; the value is that
    total, which passes the indicator's range as the editors write it again."""
    with Session(engine) as session:
        taken = select(ProgressEntry.indicator_id, ProgressEntry.geo_code).where(
            ProgressEntry.period == NEW_PERIOD
        )
        rows = session.exec(
            latest_country_totals()
            .where(sa.tuple_(ProgressEntry.indicator_id, ProgressEntry.geo_code).not_in(taken))
            .order_by(Geography.code.desc(), Indicator.code)  # type: ignore[attr-defined]
        ).all()
    return [(code, country, float(value)) for code, country, value in rows]


def editor_identity(engine: sa.Engine) -> auth.Identity:
    with Session(engine) as session:
        user = session.exec(
            select(User).where(User.username == generate.BENCH_USERS[Role.EDITOR])
        ).one()
        return auth.identity_of(user)


class Editors:
    """The editors' shared plan: who they are, which cells are left, what they did."""

    def __init__(self, url: str, editors: int, seed: int) -> None:
        self.engine = db.make_engine(url)
        self.identity = editor_identity(self.engine)
        self.cells = iter(free_series(self.engine))
        self.cells_lock = threading.Lock()
        self.tally = Tally()
        self.editors = editors
        self.seed = seed
        self.actions = count()
        self.source = f"{SOURCE} ({uuid.uuid4().hex[:8]})"  # this run's values, and no other

    def take(self, how_many: int) -> list[Cell]:
        with self.cells_lock:
            taken = [cell for _, cell in zip(range(how_many), self.cells, strict=False)]
        if len(taken) < how_many:
            raise RuntimeError("the store has no free series left for the editors")
        return taken

    def save(self) -> None:
        ((code, country, value),) = self.take(1)
        draft = EntryDraft(
            indicator_code=code,
            geo_code=country,
            period=NEW_PERIOD,
            value=value,
            source=self.source,
        )
        with db.write_scope(self.engine) as session:
            entries.add_entry(session, draft, by=self.identity)

    def import_file(self) -> None:
        cells = self.take(IMPORT_ROWS)
        frame = pd.DataFrame(
            {
                "indicator": [code for code, _, _ in cells],
                "country": [country for _, country, _ in cells],
                "period": NEW_PERIOD,
                "value": [value for _, _, value in cells],
                "source": self.source,
            }
        )
        with db.session_scope(self.engine) as session:
            codes = list(session.exec(select(Indicator.code)).all())
            mapping = importing.guess_mapping(frame, indicator_codes=codes)
            preview = importing.preview(
                session, frame, mapping, by=self.identity, filename="editors.csv"
            )
        if preview.accepted != len(cells):
            raise RuntimeError(f"the preview accepted {preview.accepted} of {len(cells)} rows")
        importing.commit_to_store(self.engine, preview, by=self.identity)

    def work(self, number: int, until: float) -> None:
        chance = random.Random(self.seed * 100 + number)
        time.sleep(chance.uniform(0, THINK_SECONDS[1]))  # editors do not start in step
        while time.monotonic() < until:
            action = "import" if next(self.actions) % 3 == 2 else "save"
            started = time.monotonic()
            try:
                self.save() if action == "save" else self.import_file()
            except Exception as error:  # noqa: BLE001 - every refusal is a finding, reported
                self.tally.failed(action, error)
            else:
                values = 1 if action == "save" else IMPORT_ROWS
                self.tally.done(action, time.monotonic() - started, values)
            time.sleep(chance.uniform(*THINK_SECONDS))

    def run(self, seconds: float) -> dict:
        until = time.monotonic() + seconds
        threads = [
            threading.Thread(target=self.work, args=(n, until), daemon=True)
            for n in range(self.editors)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(seconds + 120)
        return self.figures()

    def stored_values(self) -> int:
        with Session(self.engine) as session:
            return session.exec(
                select(sa.func.count())
                .select_from(ProgressEntry)
                .where(ProgressEntry.source == self.source)
            ).one()

    def remove_drafts(self) -> None:
        """Free the cells this run took (drafts nobody reviews), for the next step."""
        with db.session_scope(self.engine) as session:
            session.execute(sa.delete(ProgressEntry).where(ProgressEntry.source == self.source))

    def figures(self) -> dict:
        tally = self.tally
        stored = self.stored_values()
        return {
            "editors": self.editors,
            "saves": len(tally.seconds["save"]),
            "imports": len(tally.seconds["import"]),
            "save_ms": milliseconds(tally.seconds["save"]),
            "import_ms": milliseconds(tally.seconds["import"]),
            "values_reported_saved": tally.saved_values,
            "values_in_store": stored,
            "nothing_lost": stored == tally.saved_values,
            "errors": tally.errors,
        }


def milliseconds(seconds: list[float]) -> dict[str, float | None]:
    ordered = sorted(seconds)

    def at(share: float) -> float | None:
        if not ordered:
            return None
        return round(1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))])

    return {f"p{round(p * 100)}": at(p) for p in PERCENTILES}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.load.editors", description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--editors", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    args = parser.parse_args(argv)
    editors = Editors(args.url, args.editors, args.seed)
    print("ready", flush=True)
    figures = editors.run(args.seconds)
    editors.remove_drafts()
    print(json.dumps(figures), flush=True)
    editors.engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
