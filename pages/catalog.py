"""Refresh the dashboard's gettext catalogs (domain `pages`) from the code and templates.

    python -m pages.catalog     # extract, merge into locales/es/LC_MESSAGES/pages.po, list gaps

New messages land in locales/es/LC_MESSAGES/pages.po with an empty msgstr, to be
translated there (English is the source language and has no catalog); messages no longer
used are dropped. tests/pages/test_i18n.py fails while a Spanish translation is missing.
"""

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]  # the repository
LOCALE = ROOT / "locales"
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2)}


def extracted() -> Catalog:
    template = Catalog(domain="pages")
    for _name, _line, message, _comments, _context in extract_from_dir(
        str(ROOT / "pages"), METHODS, keywords=KEYWORDS, options_map=OPTIONS
    ):
        template.add(message)
    return template


def merge(language: str, template: Catalog) -> list[str]:
    path = LOCALE / language / "LC_MESSAGES" / "pages.po"
    old = read_po(path.open("rb"), locale=language) if path.exists() else Catalog(locale=language)
    new = Catalog(locale=language, domain="pages", project="Escucha", fuzzy=False)
    missing = []
    for message in template:
        if not message.id:
            continue
        found = old.get(message.id)
        text = found.string if found is not None and found.string else None
        if text is None:
            missing.append(str(message.id))
            text = ("", "") if isinstance(message.id, tuple) else ""
        new.add(message.id, text)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, new, omit_header=False, no_location=True, width=100)
    return missing


if __name__ == "__main__":
    template = extracted()
    gaps = merge("es", template)
    for gap in gaps:
        print(f"missing es: {gap}")
    sys.exit(1 if gaps else 0)
