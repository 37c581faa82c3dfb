"""Real Chromium tabs beside the simulated sessions: do they show the same new value?

`python -m bench.load.browsers BASE_URL EXPECTED --tabs 2 --timeout 120` opens the tabs on
Overview with `?live=1`, prints `ready` once each has drawn *Published values*, then waits
until every tab shows EXPECTED and prints one JSON line: for each tab, the wall-clock time
(time.time()) it first showed it, or null. It runs in a process of its own because the
load run's process is patched for gevent, which Playwright's own event loop does not
share.
"""

import argparse
import json
import time

from playwright.sync_api import Page, sync_playwright

from tests.browser import CHROMIUM, CHROMIUM_ARGS

METRIC = "[data-testid='stMetric']"


def published_values(page: Page) -> str | None:
    metric = page.locator(METRIC).filter(has_text="Published values")
    if metric.count() == 0:
        return None
    return metric.first.locator("[data-testid='stMetricValue']").inner_text().strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url")
    parser.add_argument("expected")
    parser.add_argument("--tabs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()
    seen: list[float | None] = [None] * args.tabs
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            tabs = [browser.new_page() for _ in range(args.tabs)]
            for tab in tabs:
                tab.goto(args.base_url + "/?live=1")
                tab.locator(METRIC).filter(has_text="Published values").wait_for(timeout=120_000)
            print("ready", flush=True)
            deadline = time.monotonic() + args.timeout
            while None in seen and time.monotonic() < deadline:
                for index, tab in enumerate(tabs):
                    if seen[index] is None and published_values(tab) == args.expected:
                        seen[index] = time.time()
                time.sleep(0.2)
        finally:
            browser.close()
    print(json.dumps({"seen": seen}), flush=True)


if __name__ == "__main__":
    main()
