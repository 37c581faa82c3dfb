"""Streamlit stays at the edge: only gdc_tracker/ui, pages/ and app.py may import it.

tests/ and bench/ drive pages through streamlit.testing, so they are not checked.
"""

import ast
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_nothing_outside_ui_and_pages_imports_streamlit() -> None:
    allowed = {PROJECT_ROOT / "app.py", PROJECT_ROOT / "serve.py"}  # the two entry points
    allowed |= set((PROJECT_ROOT / "pages").glob("*.py"))
    allowed |= set((PROJECT_ROOT / "gdc_tracker" / "ui").rglob("*.py"))
    checked = [
        path
        for path in PROJECT_ROOT.rglob("*.py")
        if not any(part.startswith(".") for part in path.relative_to(PROJECT_ROOT).parts)
        and path.relative_to(PROJECT_ROOT).parts[0] not in ("tests", "bench")
        and path not in allowed
    ]
    assert any(p.name == "status.py" for p in checked)  # the walk found the package
    offenders = [
        str(p.relative_to(PROJECT_ROOT)) for p in checked if "streamlit" in imported_modules(p)
    ]
    assert offenders == []


def test_every_page_file_is_registered_in_the_navigation() -> None:
    from gdc_tracker.ui.navigation import PAGES

    registered = {p.path for p in PAGES}
    on_disk = {f"pages/{p.name}" for p in (PROJECT_ROOT / "pages").glob("*.py")} | {"app.py"}
    assert on_disk == registered


def test_every_module_imports_first_in_a_fresh_interpreter() -> None:
    """A page may be the first script a server runs (a deep link after a start), so any
    module may be the first one imported: none may depend on another being loaded first
    (an import cycle shows only then)."""
    import subprocess
    import sys

    package = PROJECT_ROOT / "gdc_tracker"
    modules = sorted(
        ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
        for path in package.rglob("*.py")
        if path.name not in ("__init__.py", "__main__.py")
    )
    script = (
        "import subprocess, sys\n"
        "from concurrent.futures import ThreadPoolExecutor\n"
        "def check(name):\n"
        "    run = subprocess.run([sys.executable, '-c', f'import {name}'], capture_output=True,"
        " text=True)\n"
        "    return name + ': ' + run.stderr.strip().splitlines()[-1] if run.returncode else ''\n"
        "with ThreadPoolExecutor(4) as pool:\n"
        "    print('\\n'.join(f for f in pool.map(check, sys.argv[1:]) if f))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, *modules],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=600,
    )
    assert any(name.endswith("views.objective") for name in modules)
    assert result.stdout.strip() == "", result.stdout
