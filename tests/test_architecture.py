"""The architecture, checked on the import graph (grimp) of gdc_tracker and the scripts.

- Streamlit only in gdc_tracker/ui, pages/, app.py and serve.py, transitively: no module
  elsewhere in gdc_tracker may reach it through any chain of imports.
- Pages (pages/*.py, app.py) import neither the database layer nor the models, nor
  SQLModel or SQLAlchemy: a page checks access, reads filters, calls gdc_tracker, draws.
- The read side (gdc_tracker.queries, .views, .charts) never reaches a module that writes,
  even transitively; and only those command modules (and db.py, which opens transactions)
  add, update or delete rows, record an audit change or move the data version.

The graph holds, besides grimp's static imports, every `importlib.import_module("...")` and
`__import__("...")` with a literal name, and the scripts' own imports. Each rule is also
tried on probes (an import added to a copy of the graph, or a script's source), so that a
rule that stopped seeing what it forbids fails here too. tests/ and bench/ drive pages
through streamlit.testing and are not checked.
"""

import ast
from collections.abc import Iterable
from pathlib import Path

import grimp
import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "gdc_tracker"
UI = "gdc_tracker.ui"
READ_SIDE = ("gdc_tracker.queries", "gdc_tracker.views", "gdc_tracker.charts")
# The modules that write to the store: each takes the caller's transaction and writes its
# rows with their audit record (gdc_tracker.audit) or, for the reference and starter
# loads, as the system.
COMMAND_MODULES = frozenset(
    f"gdc_tracker.{name}"
    for name in (
        "audit",
        "auth",
        "bootstrap",
        "cycles",
        "decks",
        "demo",
        "entries",
        "framework_reference",
        "importing.commit",
        "importing.writing",
        "initiative_updates",
        "reference",
        "reviewing",
        "sessions",
        "sign_in",
        "starter",
        "translation_files",
    )
)
WRITING_ALLOWED = COMMAND_MODULES | {"gdc_tracker.db"}  # db.py opens the transactions
FORBIDDEN_IN_PAGES = ("gdc_tracker.db", "gdc_tracker.models", "sqlmodel", "sqlalchemy")
SCRIPT_PACKAGE = "scripts"  # how the graph names app.py and pages/*.py


def page_scripts() -> list[Path]:
    return [PROJECT_ROOT / "app.py", *sorted((PROJECT_ROOT / "pages").glob("*.py"))]


def script_module(path: Path) -> str:
    return f"{SCRIPT_PACKAGE}.{path.stem}"


def module_path(module: str) -> Path:
    path = PROJECT_ROOT.joinpath(*module.split("."))
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


# --- reading imports from source -------------------------------------------------------------


def literal_dynamic_imports(source: str) -> list[str]:
    """The modules a source imports by name at run time: import_module("x"), __import__("x")."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        function = node.func
        name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
        first = node.args[0]
        if name in ("import_module", "__import__") and isinstance(first, ast.Constant):
            if isinstance(first.value, str):
                found.append(first.value)
    return found


def static_imports(source: str) -> list[str]:
    """The modules a script's `import` and `from ... import` statements name (for a
    `from package import name`, also package.name, which may be a module)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
            found += [f"{node.module}.{alias.name}" for alias in node.names]
    return found


def add_imports(graph: grimp.ImportGraph, importer: str, imported: Iterable[str]) -> None:
    """Add `importer -> module` for each module of the project, or its top-level package
    for an outside one (grimp keeps outside packages whole)."""
    for name in imported:
        if name in graph.modules or name.split(".")[0] == PACKAGE:
            if name in graph.modules:
                graph.add_import(importer=importer, imported=name)
        else:
            graph.add_import(importer=importer, imported=name.split(".")[0])


def build_graph() -> grimp.ImportGraph:
    graph = grimp.build_graph(PACKAGE, include_external_packages=True, cache_dir=None)
    for module in sorted(m for m in graph.modules if m.startswith(PACKAGE + ".")):
        path = module_path(module)
        if path.exists():
            add_imports(graph, module, literal_dynamic_imports(path.read_text("utf-8")))
    for script in page_scripts():
        source = script.read_text("utf-8")
        add_imports(graph, script_module(script), static_imports(source))
        add_imports(graph, script_module(script), literal_dynamic_imports(source))
    return graph


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return build_graph()


# --- the rules ----------------------------------------------------------------------------


def streamlit_outside_ui(graph: grimp.ImportGraph) -> list[tuple[str, ...]]:
    """Chains from a module of gdc_tracker outside ui to Streamlit."""
    chains = []
    for module in sorted(graph.modules):
        if not module.startswith(PACKAGE) or module == UI or module.startswith(UI + "."):
            continue
        chain = graph.find_shortest_chain(importer=module, imported="streamlit")
        if chain:
            chains.append(chain)
    return chains


def pages_reaching_the_store(graph: grimp.ImportGraph) -> list[tuple[str, str]]:
    """(page, module) for each page that imports a forbidden module directly."""
    found = []
    for script in sorted(m for m in graph.modules if m.startswith(SCRIPT_PACKAGE + ".")):
        for imported in graph.find_modules_directly_imported_by(script):
            if any(imported == f or imported.startswith(f + ".") for f in FORBIDDEN_IN_PAGES):
                found.append((script, imported))
    return found


def read_side_reaching_writes(graph: grimp.ImportGraph) -> list[tuple[str, ...]]:
    """Chains from a query, view or chart to a command module."""
    chains = []
    for layer in READ_SIDE:
        for command in sorted(COMMAND_MODULES & set(graph.modules)):
            chains += graph.find_shortest_chains(importer=layer, imported=command)
    return sorted(chains)


SESSION_WRITES = {"add", "add_all", "delete", "merge", "bulk_save_objects"}
STATEMENT_WRITES = {"insert", "update", "delete"}
WRITE_FUNCTIONS = {"record_change", "bump_data_version"}


def writes_in(source: str) -> list[str]:
    """The writes a source makes: a session's add/delete/merge, an INSERT, UPDATE or DELETE
    statement built with SQLAlchemy, an audit record, a data-version bump."""
    tree = ast.parse(source)
    from_sqlalchemy = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        and (node.module or "").split(".")[0] in ("sqlalchemy", "sqlmodel")
        for alias in node.names
        if alias.name in STATEMENT_WRITES
    }
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        if isinstance(function, ast.Name) and (
            function.id in WRITE_FUNCTIONS or function.id in from_sqlalchemy
        ):
            found.append((node.lineno, f"{function.id}() line {node.lineno}"))
        elif isinstance(function, ast.Attribute) and isinstance(function.value, ast.Name):
            owner, method = function.value.id, function.attr
            if (
                (owner in ("session", "store") and method in SESSION_WRITES)
                or (owner == "sa" and method in STATEMENT_WRITES)
                or method in WRITE_FUNCTIONS
            ):
                found.append((node.lineno, f"{owner}.{method}() line {node.lineno}"))
    return [text for _, text in sorted(found)]


def writes_outside_commands(graph: grimp.ImportGraph) -> list[str]:
    found = []
    for module in sorted(m for m in graph.modules if m.startswith(PACKAGE + ".")):
        path = module_path(module)
        if module in WRITING_ALLOWED or not path.exists():
            continue
        found += [f"{module}: {write}" for write in writes_in(path.read_text("utf-8"))]
    return found


# --- the project keeps them ------------------------------------------------------------------


def test_the_graph_holds_the_package_the_pages_and_streamlit(graph: grimp.ImportGraph) -> None:
    assert {"gdc_tracker.status", "gdc_tracker.ui.frame", "scripts.app", "scripts.map"} <= (
        graph.modules
    )
    assert graph.direct_import_exists(importer="gdc_tracker.ui.frame", imported="streamlit")


def test_nothing_outside_ui_reaches_streamlit(graph: grimp.ImportGraph) -> None:
    assert streamlit_outside_ui(graph) == []


def test_pages_reach_the_store_only_through_gdc_tracker(graph: grimp.ImportGraph) -> None:
    assert pages_reaching_the_store(graph) == []


def test_queries_views_and_charts_never_reach_a_module_that_writes(
    graph: grimp.ImportGraph,
) -> None:
    assert read_side_reaching_writes(graph) == []


def test_only_the_command_modules_write(graph: grimp.ImportGraph) -> None:
    assert writes_outside_commands(graph) == []
    # and the check sees the writes where they are
    assert writes_in(module_path("gdc_tracker.entries").read_text("utf-8"))


# --- each rule catches what it forbids -------------------------------------------------------


def test_a_transitive_streamlit_import_is_caught() -> None:
    probe = build_graph()
    # status.py importing a helper that imports Streamlit (not Streamlit itself)
    probe.add_import(importer="gdc_tracker.status", imported="gdc_tracker.ui.components")
    assert ("gdc_tracker.status", "gdc_tracker.ui.components", "streamlit") in (
        streamlit_outside_ui(probe)
    )


def test_an_importlib_import_of_streamlit_is_caught() -> None:
    source = 'import importlib\n\ndef draw():\n    importlib.import_module("streamlit").write(1)\n'
    assert literal_dynamic_imports(source) == ["streamlit"]
    probe = build_graph()
    add_imports(probe, "gdc_tracker.numbers", literal_dynamic_imports(source))
    assert ("gdc_tracker.numbers", "streamlit") in streamlit_outside_ui(probe)


def test_a_page_importing_sqlmodel_or_the_models_is_caught() -> None:
    for line in ("from sqlmodel import select", "from gdc_tracker.models import Role"):
        probe = build_graph()
        add_imports(probe, "scripts.map", static_imports(line))
        assert pages_reaching_the_store(probe), line


def test_a_view_reaching_a_command_module_is_caught() -> None:
    probe = build_graph()
    probe.add_import(importer="gdc_tracker.views.overview", imported="gdc_tracker.entries")
    chains = read_side_reaching_writes(probe)
    assert ("gdc_tracker.views.overview", "gdc_tracker.entries") in chains


def test_a_write_outside_the_command_modules_is_caught() -> None:
    source = (
        "import sqlalchemy as sa\nfrom sqlalchemy import update\n"
        "def sneak(session):\n    session.add(object())\n"
        "    session.execute(update(T).values(x=1))\n    session.execute(sa.delete(T))\n"
    )
    assert writes_in(source) == ["session.add() line 4", "update() line 5", "sa.delete() line 6"]


def test_every_page_file_is_registered_in_the_navigation() -> None:
    from gdc_tracker.ui.navigation import PAGES

    registered = {p.path for p in PAGES}
    on_disk = {f"pages/{p.name}" for p in (PROJECT_ROOT / "pages").glob("*.py")} | {"app.py"}
    assert on_disk == registered


# Third-party libraries the package imports, loaded once before the package's modules are
# tried one by one (each in a child forked from that interpreter).
THIRD_PARTY = (
    "pandas", "numpy", "sqlalchemy", "sqlmodel", "alembic", "babel", "altair", "streamlit",
    "starlette", "pydeck", "docx", "pptx", "fpdf", "yaml", "pycountry", "argon2", "segno",
    "charset_normalizer", "python_calamine", "vl_convert", "countryinfo",
)  # fmt: skip
FIRST_IMPORTS = """
import importlib, os, sys, traceback
for library in sys.argv[1].split(","):
    try:
        importlib.import_module(library)
    except ImportError:
        pass
assert not [m for m in sys.modules if m.startswith("gdc_tracker")], "the package loaded early"
for name in sys.argv[2:]:
    read, write = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(read)
        try:
            importlib.import_module(name)
        except BaseException as error:
            os.write(write, f"{name}: {error.__class__.__name__}: {error}".encode())
            os._exit(1)
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as reader:
        failure = reader.read().decode()
    os.waitpid(child, 0)
    if failure:
        print(failure)
"""


def test_every_module_imports_first_in_a_fresh_interpreter() -> None:
    """A page may be the first script a server runs (a deep link after a start), so any
    module may be the first one imported: none may depend on another being loaded first
    (an import cycle shows only then). Each module is imported in a child of an
    interpreter that has loaded the third-party libraries and none of the package, so a
    child costs the package's own imports only."""
    import subprocess
    import sys

    package = PROJECT_ROOT / "gdc_tracker"
    modules = sorted(
        ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
        for path in package.rglob("*.py")
        if path.name not in ("__init__.py", "__main__.py")
    )
    result = subprocess.run(
        [sys.executable, "-c", FIRST_IMPORTS, ",".join(THIRD_PARTY), *modules],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=600,
    )
    assert any(name.endswith("views.objective") for name in modules)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", result.stdout
