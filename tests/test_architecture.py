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
    allowed = {PROJECT_ROOT / "app.py"}
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
