"""Run one mutation suite of tests/mutation/suites.toml and print its score by function.

    .venv/bin/python tests/mutation/run.py entries [--at-least 95] [--max-children 2]

mutmut reads its settings from pyproject.toml's [tool.mutmut], which holds the suite CI
runs (status.py). Another suite runs in a scratch copy of the project, under the system's
temporary folder, whose pyproject names that suite's module and tests, so the working tree
and its `mutants/` are left alone. ../shared is linked beside the copy, as the tests expect.

Prints, for each function, the mutants and how many were killed, and for the counted
functions the survivors' names (`mutmut show NAME`, run in the printed folder, shows
one); exits 1 when the share killed among the counted functions is under `--at-least`.
"""

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections import defaultdict
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SUITES = Path(__file__).with_name("suites.toml")
MUTMUT = Path(sys.executable).with_name("mutmut")
# "gdc_tracker.entries.x_validate__mutmut_12", "gdc_tracker.auth.xǁIdentityǁ__eq____mutmut_3"
MUTANT_NAME = re.compile(r"\.x(?:ǁ(?P<cls>\w+)ǁ|_)(?P<function>\w+?)__mutmut_\d+$")


def load_suite(name: str) -> dict:
    suites = tomllib.loads(SUITES.read_text(encoding="utf-8"))
    if name not in suites:
        raise SystemExit(f"No suite {name!r} in {SUITES.name}: choose one of {', '.join(suites)}")
    return suites[name]


def mutmut_section(suite: dict) -> str:
    """The [tool.mutmut] section of the scratch copy: this suite's module and tests."""
    listed = lambda items: "[" + ", ".join(f'"{item}"' for item in items) + "]"  # noqa: E731
    return (
        "[tool.mutmut]\n"
        'source_paths = ["gdc_tracker"]\n'
        f"only_mutate = {listed(suite['mutate'])}\n"
        f"pytest_add_cli_args_test_selection = {listed(suite['tests'])}\n"
        'pytest_add_cli_args = ["-p", "no:cacheprovider", "-q"]\n'
        'also_copy = ["data", "config.toml", "migrations", "alembic.ini", "locale"]\n'
    )


def with_suite(pyproject: str, suite: dict) -> str:
    """pyproject.toml with its [tool.mutmut] section replaced by the suite's."""
    section = re.compile(r"^\[tool\.mutmut\]\n(?:(?!^\[).*\n?)*", re.MULTILINE)
    if not section.search(pyproject):
        raise SystemExit("pyproject.toml has no [tool.mutmut] section to replace")
    return section.sub(lambda _: mutmut_section(suite) + "\n", pyproject, count=1)


def project_files() -> list[str]:
    """The files git tracks or would track (not ignored), as a fresh clone has them."""
    listing = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line for line in listing.splitlines() if (PROJECT_ROOT / line).is_file()]


def scratch_copy(name: str, suite: dict) -> Path:
    """A fresh copy of the project for the suite, ../shared linked beside it."""
    base = Path(tempfile.gettempdir()) / "gdc-tracker-mutation" / name
    shutil.rmtree(base, ignore_errors=True)
    copy = base / "main"
    for relative in project_files():
        target = copy / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(PROJECT_ROOT / relative, target)
    shared = PROJECT_ROOT.parent / "shared"
    if shared.exists():
        (base / "shared").symlink_to(shared)
    pyproject = copy / "pyproject.toml"
    pyproject.write_text(with_suite(pyproject.read_text(encoding="utf-8"), suite), "utf-8")
    return copy


def outcomes(folder: Path) -> dict[str, str]:
    listing = subprocess.run(
        [str(MUTMUT), "results", "--all", "true"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = {}
    for line in listing.splitlines():
        if ": " in line:
            mutant, outcome = line.strip().rsplit(": ", 1)
            found[mutant] = outcome.strip()
    return found


def function_of(mutant: str) -> str:
    match = MUTANT_NAME.search(mutant)
    if match is None:
        return mutant
    function = match["function"]
    return f"{match['cls']}.{function}" if match["cls"] else function


def report(found: dict[str, str], counted: list[str]) -> tuple[int, int]:
    """Print the score by function; return (killed, mutants) over the counted functions."""
    by_function: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for mutant, outcome in found.items():
        by_function[function_of(mutant)].append((mutant, outcome))
    killed = total = 0
    for heading, chosen in (("counted", True), ("not counted", False)):
        names = sorted(f for f in by_function if (not counted or f in counted) == chosen)
        if not names:
            continue
        print(f"\n{heading}:")  # noqa: T201
        for function in names:
            results = by_function[function]
            dead = sum(outcome == "killed" for _, outcome in results)
            print(f"  {function}: {dead} of {len(results)} killed")  # noqa: T201
            if not chosen:
                continue
            for mutant, outcome in results:
                if outcome != "killed":
                    print(f"    {outcome}: {mutant}")  # noqa: T201
            killed, total = killed + dead, total + len(results)
    return killed, total


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("suite")
    parser.add_argument("--at-least", type=float, default=0.0, help="percent killed")
    parser.add_argument("--max-children", type=int, default=2)
    arguments = parser.parse_args()
    suite = load_suite(arguments.suite)
    folder = scratch_copy(arguments.suite, suite)
    print(f"{arguments.suite}: {suite['about']}\nin {folder}")  # noqa: T201
    subprocess.run(
        [str(MUTMUT), "run", "--max-children", str(arguments.max_children)],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        check=True,
    )
    killed, total = report(outcomes(folder), suite.get("functions", []))
    share = 100 * killed / total if total else 0.0
    print(f"\nkilled {killed} of {total} counted mutants: {share:.1f} %")  # noqa: T201
    return 0 if total and share >= arguments.at_least else 1


if __name__ == "__main__":
    sys.exit(main())
