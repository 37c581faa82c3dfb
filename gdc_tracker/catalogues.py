"""The translation catalogues: extracted from the code, kept per language, compiled.

`python -m gdc_tracker catalogues update` re-reads every message of the code into
locale/gdc_tracker.pot (Babel's extraction, with the keywords the code uses: `_`,
`ngettext` and `N_`) and merges it into each locale/<lang>/LC_MESSAGES/gdc_tracker.po: a
new message arrives untranslated, a changed one arrives marked fuzzy with its old
translation as a hint, so a translator sees exactly what to do. `catalogues compile`
writes the .mo files; `catalogues stats` counts what each catalogue holds.

Translators add "#. Translators:" comments in the code (`# Translators: ...` on the line
before a message) where a word alone is ambiguous.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from babel.messages import Catalog, extract, pofile
from babel.messages.catalog import Message
from babel.messages.frontend import parse_mapping_cfg

from gdc_tracker import i18n

PROJECT_ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = i18n.LOCALE_DIR / f"{i18n.DOMAIN}.pot"
MAPPING_FILE = PROJECT_ROOT / "babel.cfg"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
COMMENT_TAGS = ("Translators:",)
WIDTH = 100


def extract_messages() -> Catalog:
    """Every message the code marks, read from the source as Babel reads it."""
    catalogue = Catalog(project="GDC Tracker", domain=i18n.DOMAIN, charset="utf-8")
    with MAPPING_FILE.open() as mapping_file:
        method_map, options_map = parse_mapping_cfg(mapping_file)
    for filename, lineno, message, comments, context in extract.extract_from_dir(
        str(PROJECT_ROOT),
        method_map,
        options_map,
        keywords=KEYWORDS,
        comment_tags=COMMENT_TAGS,
        strip_comment_tags=True,
    ):
        catalogue.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalogue


def _describe(catalogue: Catalog) -> None:
    """The header every catalogue carries: what it is and how to keep it up to date."""
    language = str(catalogue.locale) if catalogue.locale else ""
    name = i18n.language_name(language) if language else "Template"
    catalogue.header_comment = (
        f"# GDC Tracker's interface: {name}.\n"
        "# Update with `python -m gdc_tracker catalogues update` (README.md, Languages)."
    )
    catalogue.project = "GDC Tracker"
    catalogue.version = "1"
    catalogue.msgid_bugs_address = ""
    catalogue.copyright_holder = "GDC Tracker"
    catalogue.last_translator = "GDC Tracker"
    catalogue.language_team = name
    catalogue.fuzzy = False


def _write(catalogue: Catalog, path: Path) -> None:
    _describe(catalogue)
    buffer = io.BytesIO()
    pofile.write_po(
        buffer,
        catalogue,
        width=WIDTH,
        sort_output=True,
        include_lineno=False,
        ignore_obsolete=True,
        include_previous=True,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())


def read_catalogue(language: str) -> Catalog:
    with i18n.catalogue_path(language).open("rb") as source:
        return pofile.read_po(source, locale=language, domain=i18n.DOMAIN)


def update(languages: tuple[str, ...] | None = None) -> dict[str, int]:
    """Write the template and merge it into each language's catalogue (created if new).

    Returns, per language, how many of its messages still need a translator.
    """
    template = extract_messages()
    _write(template, TEMPLATE)
    chosen = languages or tuple(code for code in i18n.available_languages() if code != "en")
    waiting = {}
    for language in chosen:
        path = i18n.catalogue_path(language)
        if path.exists():
            catalogue = read_catalogue(language)
        else:
            catalogue = Catalog(locale=language, domain=i18n.DOMAIN, project="GDC Tracker")
        catalogue.update(template, update_header_comment=False)
        _write(catalogue, path)
        waiting[language] = statistics(catalogue).waiting
    return waiting


def compile_all() -> list[Path]:
    """Compile every language's .po into the .mo gettext reads."""
    compiled = []
    for language in i18n.available_languages():
        if language == i18n.DEFAULT_LANGUAGE:
            continue
        i18n.compile_catalogue(language)
        compiled.append(i18n.catalogue_path(language, ".mo"))
    return compiled


@dataclass(frozen=True)
class Statistics:
    messages: int
    translated: int
    fuzzy: int

    @property
    def waiting(self) -> int:
        return self.messages - self.translated


def _translated(message: Message) -> bool:
    text = message.string
    if isinstance(text, tuple | list):
        return all(text)
    return bool(text)


def statistics(catalogue: Catalog) -> Statistics:
    messages = [message for message in catalogue if message.id]
    return Statistics(
        messages=len(messages),
        translated=sum(1 for m in messages if _translated(m) and not m.fuzzy),
        fuzzy=sum(1 for m in messages if m.fuzzy),
    )
