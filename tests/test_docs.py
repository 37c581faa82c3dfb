"""The README's promises: its commands are the ones CI runs."""

import re
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```bash\n(.+?)\n```", readme)


def test_readme_opens_with_the_run_and_test_commands() -> None:
    run, test = readme_commands()[:2]
    assert "streamlit run serve.py" in run and "requirements.txt" in run
    assert "pytest" in test and "requirements-dev.txt" in test


def test_ci_runs_the_readme_test_command_as_written() -> None:
    test_command = readme_commands()[1]
    ci_lines = (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test_command in ci_lines
