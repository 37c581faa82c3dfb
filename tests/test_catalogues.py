"""The translation catalogues hold every message of the code, translated, as whole sentences.

A message added to the code and not to a catalogue, a translation left empty or fuzzy,
a placeholder lost in translation, a sentence glued from fragments, or a message
translated when a module is imported (frozen in one reader's language) each fail here.
"""

import ast
import string
from pathlib import Path

import pytest

from gdc_tracker import catalogues, i18n

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHIPPED = [code for code in i18n.available_languages() if code != i18n.DEFAULT_LANGUAGE]
TRANSLATING = {"_", "ngettext", "N_"}


def _code_messages() -> dict[object, object]:
    return {message.id: message for message in catalogues.extract_messages() if message.id}


CODE_MESSAGES = _code_messages()


def test_french_and_spanish_are_shipped():
    assert {"fr", "es"} <= set(SHIPPED)


@pytest.mark.parametrize("language", SHIPPED)
def test_every_message_of_the_code_is_in_the_catalogue(language):
    catalogue = catalogues.read_catalogue(language)
    held = {message.id for message in catalogue if message.id}
    missing = [_shown(message_id) for message_id in CODE_MESSAGES if message_id not in held]
    assert not missing, (
        f"{len(missing)} messages of the code are not in the {language} catalogue "
        f"(run `python -m gdc_tracker catalogues update`, then translate): {missing[:10]}"
    )


@pytest.mark.parametrize("language", SHIPPED)
def test_every_message_is_translated(language):
    catalogue = catalogues.read_catalogue(language)
    untranslated = [
        _shown(message.id)
        for message in catalogue
        if message.id in CODE_MESSAGES and (message.fuzzy or not _all_forms(message.string))
    ]
    assert not untranslated, (
        f"{len(untranslated)} messages are untranslated or fuzzy in {language}: {untranslated[:10]}"
    )


@pytest.mark.parametrize("language", SHIPPED)
def test_translations_keep_every_placeholder(language):
    catalogue = catalogues.read_catalogue(language)
    wrong = []
    for message in catalogue:
        if message.id not in CODE_MESSAGES or not _all_forms(message.string):
            continue
        if isinstance(message.id, tuple):
            expected = _fields(message.id[0]) | _fields(message.id[1])
            forms = message.string
            # A singular form may say "the only country" instead of "{total} country"; the
            # general form (gettext's last) keeps every placeholder.
            added = [form for form in forms if not _fields(form) <= expected]
            if _fields(forms[-1]) != expected or added:
                wrong.append(message.id[0])
        elif _fields(message.string) != _fields(message.id):
            wrong.append(message.id)
    assert not wrong, f"placeholders lost or added in {language}: {wrong[:10]}"


@pytest.mark.parametrize("language", SHIPPED)
def test_plural_forms_follow_the_language(language):
    """Babel's rule for the language, as CLDR states it, decides how many forms exist."""
    catalogue = catalogues.read_catalogue(language)
    forms = catalogue.num_plurals
    short = [
        message.id[0]
        for message in catalogue
        if isinstance(message.id, tuple) and len(message.string) != forms
    ]
    assert not short, f"{language} plural messages without {forms} forms: {short[:10]}"


def test_a_catalogue_compiles_and_speaks(tmp_path):
    """The French catalogue, compiled, answers a message of the menu in French."""
    with i18n.speaking("fr"):
        assert i18n._("Overview") == _translation("fr", "Overview")
        assert i18n._("Overview") != "Overview"
    with i18n.speaking("en"):
        assert i18n._("Overview") == "Overview"


def _translation(language: str, message_id: str) -> str:
    return catalogues.read_catalogue(language)[message_id].string


# The code's own discipline, read from its syntax


def _python_files(*folders: str) -> list[Path]:
    files = []
    for folder in folders:
        path = PROJECT_ROOT / folder
        files.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return files


def _calls_to(node: ast.AST, names: set[str]) -> list[ast.Call]:
    return [
        child
        for child in ast.walk(node)
        if isinstance(child, ast.Call)
        and isinstance(child.func, ast.Name)
        and child.func.id in names
    ]


def _import_time_calls(tree: ast.Module) -> list[int]:
    """Lines where `_()` or `ngettext()` runs when the module is imported."""
    lines: list[int] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                arguments = child.args
                for default in [*arguments.defaults, *arguments.kw_defaults, *child.decorator_list]:
                    if default is not None:
                        lines.extend(c.lineno for c in _calls_to(default, {"_", "ngettext"}))
            elif isinstance(child, ast.Lambda):
                continue
            else:
                if isinstance(child, ast.Call) and getattr(child.func, "id", None) in {
                    "_",
                    "ngettext",
                }:
                    lines.append(child.lineno)
                visit(child)

    visit(tree)
    return lines


@pytest.mark.parametrize(
    "path", _python_files("gdc_tracker"), ids=lambda p: str(p.relative_to(PROJECT_ROOT))
)
def test_nothing_is_translated_when_a_module_is_imported(path):
    """A module's constants are made once per process, in nobody's language: they keep the
    English marked N_() and are translated where shown. (Page scripts run on every page
    run, so they may translate at their top level.)"""
    lines = _import_time_calls(ast.parse(path.read_text()))
    assert not lines, f"{path.name}: _() runs at import on lines {lines}"


@pytest.mark.parametrize(
    "path",
    _python_files("app.py", "pages", "gdc_tracker"),
    ids=lambda p: str(p.relative_to(PROJECT_ROOT)),
)
def test_sentences_are_whole(path):
    """No sentence glued from a translated fragment and other text, and no message built
    at run time (an f-string or a concatenation inside `_()` escapes the catalogue)."""
    tree = ast.parse(path.read_text())
    glued = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Add)
        and any(_is_translation(side) for side in (node.left, node.right))
    ]
    built = [
        call.lineno
        for call in _calls_to(tree, TRANSLATING)
        if any(isinstance(argument, ast.JoinedStr | ast.BinOp) for argument in call.args)
    ]
    assert not glued, f"{path.name}: a translated fragment glued with +, lines {glued}"
    assert not built, f"{path.name}: a message built at run time inside _(), lines {built}"


@pytest.mark.parametrize(
    "path",
    _python_files("app.py", "pages", "gdc_tracker"),
    ids=lambda p: str(p.relative_to(PROJECT_ROOT)),
)
def test_no_message_is_written_inside_an_f_string(path):
    """Babel's extractor does not look inside f-strings: `f"**{_('Add a user')}**"` shows
    English in every language, and no catalogue check would see it missing."""
    tree = ast.parse(path.read_text())
    hidden = [
        call.lineno
        for f_string in ast.walk(tree)
        if isinstance(f_string, ast.JoinedStr)
        for call in _calls_to(f_string, TRANSLATING)
        if call.args and isinstance(call.args[0], ast.Constant)
    ]
    assert not hidden, f"{path.name}: a message inside an f-string, lines {hidden}"


def _is_translation(node: ast.AST) -> bool:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        node = node.func.value  # _("...").format(...)
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in {"_", "ngettext"}
    )


def _fields(text: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError:
        return {"<malformed>"}


def _all_forms(text: object) -> bool:
    if isinstance(text, tuple | list):
        return all(text)
    return bool(text)


def _shown(message_id: object) -> str:
    return message_id[0] if isinstance(message_id, tuple) else str(message_id)


@pytest.mark.parametrize(
    "path",
    _python_files("app.py", "pages", "gdc_tracker/ui"),
    ids=lambda p: str(p.relative_to(PROJECT_ROOT)),
)
def test_every_page_link_keeps_the_readers_language(path):
    """`st.page_link` replaces the whole query of the address: one made without the
    reader's `lang` would open the next page in the browser's language instead."""
    tree = ast.parse(path.read_text())
    bare = []
    for call in ast.walk(tree):
        if not (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == "page_link"
        ):
            continue
        query = next((k.value for k in call.keywords if k.arg == "query_params"), None)
        keeps = (
            isinstance(query, ast.Call)
            and isinstance(query.func, ast.Attribute)
            and query.func.attr in {"link_query", "page_query"}
        )
        if not keeps:
            bare.append(call.lineno)
    assert not bare, f"{path.name}: page links without the reader's language, lines {bare}"
