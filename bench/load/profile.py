"""Where a loaded server spends its time: a summary of a py-spy raw profile.

py-spy's raw format is one line per distinct stack, `frame;frame;...;frame COUNT`, each
frame `function (file:line)`. The summary counts, for each function, the samples in which
it is on the stack (inclusive) and at the top (self), over all threads.
"""

import re
from collections import Counter
from pathlib import Path
from typing import Any

TOP = 25
FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^()]*?)(?::\d+)?\)$")


def _name(frame: str) -> str:
    """`function (path/to/module.py:12)` -> `function (module.py)`; project paths kept short."""
    match = FRAME.match(frame.strip())
    if not match:
        return frame.strip()
    path = match["file"]
    for marker in ("site-packages/", "/work/main/"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{match['function']} ({path})"


def share_of(samples: int, possible: float | None) -> float | None:
    return round(min(100.0, 100 * samples / possible), 1) if possible else None


def summary(path: Path, possible_samples: float | None = None) -> dict[str, Any]:
    """The summary; with `possible_samples` (rate x seconds of a `--gil` recording), also
    the share of the time some thread held the GIL."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [_name(frame) for frame in stack.split(";")]
        total += count
        own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
    share = lambda n: round(100 * n / total, 1) if total else 0.0  # noqa: E731
    return {
        "samples": total,
        "gil_busy_percent": share_of(total, possible_samples),
        "file": str(path),
        "inclusive_percent": {name: share(n) for name, n in inclusive.most_common(TOP)},
        "self_percent": {name: share(n) for name, n in own.most_common(TOP)},
    }
