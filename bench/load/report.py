"""The load report: JSON for machines, a Markdown table for bench/LOAD.md and reviews.

Written as bench/results/load-<timestamp>.json and .md, and load-latest.json and .md (the
folder bench.run writes to; git-ignored).
"""

import json
from pathlib import Path
from typing import Any

HEADER = [
    "scenario",
    "processes",
    "viewers",
    "rerun p50 ms",
    "p95 ms",
    "p99 ms",
    "live tick p95 ms",
    "rerun on change p95 ms",
    "page load p95 ms",
    "last viewer shows change s",
    "showing change",
    "errors",
    "dropped",
    "server CPU cores",
    "CPU % per session",
    "MB per session",
]


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 10 else f"{value:.2f}"
    return str(value)


def _p95(row: dict[str, Any], kind: str) -> object:
    entry = row["by_kind"].get(kind)
    return entry["p95_ms"] if entry else None


def cells(row: dict[str, Any]) -> list[object]:
    change = row.get("change") or {}
    shown = f"{change['viewers_showing_new_value']}/{change['viewers']}" if change else None
    browsing = row["scenario"] == "browse"
    reruns = row["by_kind"].get("navigate", {}) if browsing else row["reruns"]
    return [
        row["scenario"],
        row["processes"],
        row["viewers"],
        reruns.get("p50_ms"),
        reruns.get("p95_ms"),
        reruns.get("p99_ms"),
        _p95(row, "live tick"),
        _p95(row, "rerun on change"),
        _p95(row, "page load"),
        change.get("last_viewer_s"),
        shown,
        row["errors"],
        row["dropped_sessions"],
        row["server_cpu_cores"],
        row["cpu_percent_per_session"],
        row["mb_per_session"],
    ]


def table(rows: list[dict[str, Any]]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(_cell(c) for c in cells(row)) + " |" for row in rows]
    return "\n".join(lines)


EDITOR_HEADER = [
    "processes",
    "viewers",
    "editors",
    "saves",
    "save p50 ms",
    "save p95 ms",
    "imports",
    "import p50 ms",
    "import p95 ms",
    "values saved",
    "values in store",
    "refused",
]


def editor_cells(row: dict[str, Any]) -> list[object]:
    work = row["editors"]
    return [
        row["processes"],
        row["viewers"],
        work.get("editors"),
        work.get("saves"),
        work.get("save_ms", {}).get("p50"),
        work.get("save_ms", {}).get("p95"),
        work.get("imports"),
        work.get("import_ms", {}).get("p50"),
        work.get("import_ms", {}).get("p95"),
        work.get("values_reported_saved"),
        work.get("values_in_store"),
        sum((work.get("errors") or {}).values()),
    ]


def editor_table(rows: list[dict[str, Any]]) -> str:
    """The editors' side of the edit scenario: their saves and imports, and whether the
    store holds everything they were told was saved."""
    edited = [row for row in rows if row.get("editors")]
    if not edited:
        return ""
    lines = ["| " + " | ".join(EDITOR_HEADER) + " |", "|" + "---|" * len(EDITOR_HEADER)]
    lines += ["| " + " | ".join(_cell(c) for c in editor_cells(row)) + " |" for row in edited]
    return "\n".join(["", "Editors at work (scenario edit):", "", *lines])


def markdown(result: dict[str, Any]) -> str:
    meta = result["meta"]
    return "\n".join(
        [
            f"GDC Tracker load benchmark, {meta['backend']} {meta['scale']} store, "
            f"{meta['cores']} cores, load {meta['load_average_at_start']}, {meta['timestamp']}",
            f"`{meta['command']}`",
            "",
            table(result["rows"]),
            editor_table(result["rows"]),
            "",
            "Reruns: live ticks and reruns on change (live) or page changes (browse), from "
            "the start of the run to script_finished, as the client saw them. Last viewer: "
            "seconds from the CLI's publish returning to the last viewer drawing the new "
            "figure (a tick every refresh_seconds, then a full rerun).",
            "",
            options_line(meta),
        ]
    )


def options_line(meta: dict[str, Any]) -> str:
    options = meta["plan"].get("streamlit_options") or ()
    shown = " ".join(options) if options else "none (as shipped)"
    return f"Streamlit options given to every app process: {shown}."


def summary_line(row: dict[str, Any]) -> str:
    return ", ".join(f"{h}: {_cell(c)}" for h, c in zip(HEADER, cells(row), strict=True))


def write(result: dict[str, Any], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = result["meta"]["timestamp"].replace(":", "").replace("-", "")
    text, table_text = json.dumps(result, indent=2, default=str), markdown(result) + "\n"
    paths = []
    for name in (f"load-{stamp}", "load-latest"):
        (folder / f"{name}.json").write_text(text)
        (folder / f"{name}.md").write_text(table_text)
        paths += [folder / f"{name}.json", folder / f"{name}.md"]
    return paths
