"""The mutation score of the last `mutmut run`, checked against the floor the repository
keeps (tests/mutation/status.md says how it was measured and what survives).

    .venv/bin/mutmut run && .venv/bin/python tests/mutation/score.py --at-least 97

Prints killed, survived and untested mutants and the share killed; exits 1 when the
share is under the floor, so that a change that lets more mutants live fails CI.
"""

import argparse
import subprocess
import sys
from collections import Counter
from pathlib import Path

MUTMUT = Path(sys.executable).with_name("mutmut")


def outcomes() -> Counter[str]:
    listing = subprocess.run(
        [str(MUTMUT), "results", "--all", "true"], capture_output=True, text=True, check=True
    ).stdout
    return Counter(line.rsplit(": ", 1)[1].strip() for line in listing.splitlines() if ": " in line)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--at-least", type=float, required=True, help="percent killed")
    floor = parser.parse_args().at_least
    counted = outcomes()
    total = sum(counted.values())
    killed = counted.get("killed", 0)
    share = 100 * killed / total if total else 0.0
    summary = ", ".join(f"{kind} {n}" for kind, n in sorted(counted.items()))
    print(f"mutants: {total} ({summary}); killed {share:.1f} % (floor {floor:.1f} %)")  # noqa: T201
    return 0 if total and share >= floor else 1


if __name__ == "__main__":
    sys.exit(main())
