"""The page table of a benchmark report, shared by the terminal (bench.run) and Markdown
(bench.report) renderings. Pure functions of the report's JSON."""

from typing import Any


def page_table(report: dict[str, Any]) -> tuple[list[str], list[list[object]]]:
    meta = report["meta"]
    scale, compare = meta["scale"], meta["compare_scale"]
    header = ["page", "role"]
    if compare:
        header += [f"{compare} cold", f"{compare} warm"]
    header += [
        f"{scale} cold",
        f"{scale} warm",
        "cold CPU",
        "warm CPU",
        "warm/cold",
        "cold x empty",
        "warm x empty",
        "cold norm.",
        "warm norm.",
    ]
    if compare:
        header += ["growth cold", "growth warm"]
    rows = []
    for page in report["pages"]:
        here = page.get(scale) or {}
        row: list[object] = [page["title"], page["role"] or "-"]
        if compare:
            other = page.get(compare) or {}
            row += [other.get("cold_ms"), other.get("warm_ms")]
        if here.get("error"):
            row += ["ERROR"] + [None] * 8
        else:
            row += [here.get(k) for k in ("cold_ms", "warm_ms", "cold_cpu_ms", "warm_cpu_ms")]
            row += [here.get(k) for k in ("warm_cold_ratio", "cold_x_empty", "warm_x_empty")]
            row += [here.get("cold_normalised_ms"), here.get("warm_normalised_ms")]
        if compare:
            row += [page.get("growth_cold"), page.get("growth_warm")]
        rows.append(row)
    return header, rows


def yardsticks(report: dict[str, Any]) -> str:
    return "; ".join(
        f"{name} store: empty page {report['empty_page'][name]['median_ms']} ms, reference "
        f"page {report['reference_page'][name]['median_ms']} ms"
        for name in report["empty_page"]
    )
