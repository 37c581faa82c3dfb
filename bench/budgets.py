"""The budgets of DESIGN.md section 5 and the verdict on each measured number.

The machines are shared and noisy, so ratios measured in one run decide. DESIGN.md gives
two yardsticks for this machine: "an empty Streamlit page reruns in about 3 ms here; a page
with one chart of 1,000 points and a table in about 25 ms". bench.run measures both pages
in the same run, interleaved with the measured pages. The reference page is the one that
decides: its script-thread CPU time comes out at the quoted 25 ms on an idle core, so
`page ms * 25 / reference page ms of this run` ("normalised") is the page's time on the
machine the budgets were written for, whatever the load. (The empty page, ~1 ms CPU by the
same clock, is too small to scale by: its fixed costs differ from a real page's. Pages are
also reported as multiples of it.) Growth ratios compare normalised times of the two
stores. Browser render, save, import and memory have no yardstick and are judged as
measured.
"""

from dataclasses import asdict, dataclass
from typing import Any

REFERENCE_PAGE_MS = 25.0
PAGE_WARM_MS = 150.0
PAGE_COLD_MS = 1_500.0
GROWTH_WARM = 1.5
GROWTH_COLD = 3.0
CACHE_RATIO = 0.2
BROWSER_RENDER_MS = 3_000.0
SAVE_MS = 50.0
IMPORT_MS = 5_000.0
MEMORY_MB = 600.0


@dataclass(frozen=True)
class Verdict:
    what: str
    measured: float | None
    unit: str
    budget: float
    met: bool | None  # None: not measured
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _at_most(what: str, value: float | None, unit: str, budget: float, note: str = "") -> Verdict:
    return Verdict(what, value, unit, budget, None if value is None else value <= budget, note)


def page_verdicts(page: dict[str, Any], scale: str, compare: str | None) -> list[Verdict]:
    """Growth, cache and time verdicts of one page (a row of the report's "pages")."""
    title = page["title"]
    here = page.get(scale) or {}
    verdicts = []
    if compare and page.get(compare):
        verdicts += [
            _at_most(
                f"{title}: growth warm ({scale}/{compare})",
                page.get("growth_warm"),
                "x",
                GROWTH_WARM,
            ),
            _at_most(
                f"{title}: growth cold ({scale}/{compare})",
                page.get("growth_cold"),
                "x",
                GROWTH_COLD,
            ),
        ]
    verdicts.append(
        _at_most(f"{title}: cache warm/cold", here.get("warm_cold_ratio"), "x", CACHE_RATIO)
    )
    for kind, budget in (("warm", PAGE_WARM_MS), ("cold", PAGE_COLD_MS)):
        verdicts.append(
            _at_most(
                f"{title}: {kind} script run (normalised)",
                here.get(f"{kind}_normalised_ms"),
                "ms",
                budget,
                f"wall {here.get(f'{kind}_ms')} ms, CPU {here.get(f'{kind}_cpu_ms')} ms, "
                f"{here.get(f'{kind}_x_empty')} x empty page",
            )
        )
    return verdicts


def other_verdicts(report: dict[str, Any]) -> list[Verdict]:
    verdicts = []
    browser = report.get("browser") or {}
    after_write = browser.get("after_write_ms")
    after_write_samples = (browser.get("after_write_visits") or {}).get("samples_ms") or []
    verdicts.append(
        _at_most(
            "Overview first full render in Chromium (after a write: caches cold)",
            after_write,
            "ms",
            BROWSER_RENDER_MS,
            f"median of {len(after_write_samples)} visits, each after a write:"
            f" {', '.join(f'{ms:.0f}' for ms in after_write_samples)} ms;"
            f" first visit after a server start: {browser.get('first_visit_after_start_ms')} ms;"
            f" later visits: {(browser.get('later_visits') or {}).get('median_ms')} ms;"
            f" an empty Streamlit page: "
            f"{(browser.get('empty_page_visits') or {}).get('median_ms')} ms"
            + (f"; {browser['error']}" if browser.get("error") else ""),
        )
    )
    save = report.get("save_entry") or {}
    verdicts.append(
        _at_most(
            "save one progress entry", save.get("median_ms"), "ms", SAVE_MS, save.get("error", "")
        )
    )
    imports = report.get("import") or {}
    for kind in ("csv", "xlsx"):
        measured = (imports.get(kind) or {}).get("median_ms")
        verdicts.append(
            _at_most(
                f"import {imports.get(kind, {}).get('rows', 10_000):,} rows from {kind.upper()}",
                measured,
                "ms",
                IMPORT_MS,
                imports.get("error", "") if measured is None else "",
            )
        )
    memory = (browser.get("memory_mb") or {}).get("VmHWM")
    verdicts.append(
        _at_most(
            "app process peak memory (VmHWM), every page opened",
            memory,
            "MB",
            MEMORY_MB,
            "" if memory is not None else "not measured",
        )
    )
    visible = browser.get("write_visible")
    verdicts.append(
        Verdict(
            "freshness: a write by another process shows at the next visit",
            None if visible is None else float(visible),
            "yes=1",
            1.0,
            visible,
            f"published entries {browser.get('published_before_write')} -> "
            f"{browser.get('published_after_write')}",
        )
    )
    return verdicts
