"""Markdown tables of benchmark results, for bench/PERFORMANCE.md and the README.

python -m bench.report bench/results/latest.json [another.json ...]
"""

import argparse
import json
from pathlib import Path
from typing import Any

from bench import budgets
from bench.tables import page_table, yardsticks


def _cell(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "**no**"
    if isinstance(value, float):
        return f"{value:,.0f}" if value >= 100 else f"{value:.2f}" if value < 10 else f"{value:.1f}"
    return str(value).replace("|", "/")


def table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _judged(value: object, budget: float) -> str:
    if value is None:
        return "–"
    mark = "ok" if value <= budget else "**over**"  # type: ignore[operator]
    return f"{_cell(value)} {mark}"


def page_budgets(report: dict[str, Any]) -> str:
    """One row per page: each page budget of DESIGN.md section 5 with its verdict."""
    scale = report["meta"]["scale"]
    header = [
        "page",
        f"growth warm (≤ {budgets.GROWTH_WARM:g})",
        f"growth cold (≤ {budgets.GROWTH_COLD:g})",
        f"warm/cold (≤ {budgets.CACHE_RATIO:g})",
        f"warm, normalised ms (< {budgets.PAGE_WARM_MS:g})",
        f"cold, normalised ms (< {budgets.PAGE_COLD_MS:,.0f})",
    ]
    rows = []
    for page in report["pages"]:
        here = page.get(scale) or {}
        rows.append(
            [
                page["title"],
                _judged(page.get("growth_warm"), budgets.GROWTH_WARM),
                _judged(page.get("growth_cold"), budgets.GROWTH_COLD),
                _judged(here.get("warm_cold_ratio"), budgets.CACHE_RATIO),
                _judged(here.get("warm_normalised_ms"), budgets.PAGE_WARM_MS),
                _judged(here.get("cold_normalised_ms"), budgets.PAGE_COLD_MS),
            ]
        )
    return table(header, rows)


def markdown(report: dict[str, Any]) -> str:
    meta = report["meta"]
    scale = meta["scale"]
    stores = ", ".join(
        f"{name}: {info['progress_entries']:,} progress entries"
        for name, info in report["stores"].items()
    )
    machine = meta["machine"]
    titles = tuple(f"{page['title']}: " for page in report["pages"])
    others = [v for v in report["budgets"] if not v["what"].startswith(titles)]
    return "\n".join(
        [
            f"### {meta['backend']}, {scale} store ({meta['timestamp']})",
            "",
            f"`{meta['command']}`: {machine['cores']} cores / {machine['memory_gb']} GB "
            f"(load average at start {machine['load_average_at_start']}), commit "
            f"{meta['commit']}. Stores: {stores}. Median of {meta['runs']} runs. "
            f"Yardsticks measured in the same run: {yardsticks(report)}.",
            "",
            "Server-side script run per page, ms (wall-clock, and CPU of the script thread):",
            "",
            table(*page_table(report)),
            "",
            "Page budgets (normalised = wall x 25 ms / reference page of the same run):",
            "",
            page_budgets(report),
            "",
            table(
                ["what", "measured", "unit", "budget", "met", "note"],
                [
                    [v["what"], v["measured"], v["unit"], v["budget"], v["met"], v["note"]]
                    for v in others
                ],
            ),
        ]
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args(argv)
    for path in args.files:
        print(markdown(json.loads(path.read_text())))
        print()


if __name__ == "__main__":
    main()
