"""What a reader sees on a page, and what in it is still English.

A page's text nodes (and the attributes a screen reader speaks) are compared between its
English and Spanish renderings: a node that reads the same in both, and is neither the center's
data nor on the short list of words that are the same in both languages, is English left on a
Spanish page. Message ids of the English catalog found in the Spanish page are English too.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

REPO = Path(__file__).resolve().parent.parent
SPOKEN_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder")
# Written the same in English and Spanish, or names: not English left on a Spanish page.
SAME_IN_BOTH = {
    "English",  # the language switch names each language in its own words
    "Español",
    "Universal",  # a tier: "universal" in Spanish too
    "No",
    "IECMH",
    "SAMHSA",
    "PDF",
    "CSV",
    "Markdown",
    ".gov",
    "https://",
    "…",
    "→",
    "—",
    "·",
}
_PLACEHOLDER = re.compile(r"%\(\w+\)s|<[^>]+>")
_NOT_WORDS = re.compile(r"^[\W\d_]*$")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.nodes: list[str] = []
        self.lang = None
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "html":
            self.lang = values.get("lang")
        if tag in ("script", "style"):
            self._skip += 1
        for name in SPOKEN_ATTRIBUTES:
            if values.get(name):
                self.nodes.append(values[name])
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.nodes.append(values["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.nodes.append(data)


def read_page(html: str) -> tuple[str | None, list[str]]:
    """The page's `<html lang>` and its text nodes, whitespace collapsed, empty ones dropped."""
    parser = _Text()
    parser.feed(html)
    nodes = [" ".join(unescape(n).split()) for n in parser.nodes]
    return parser.lang, [n for n in nodes if n and not _NOT_WORDS.match(n)]


def english_left(english_nodes: list[str], spanish_nodes: list[str], data: set[str]) -> list[str]:
    """Spanish-page nodes that read exactly as on the English page and are not data."""
    same = set(english_nodes) & set(spanish_nodes)
    return sorted(n for n in same if n not in data and n not in SAME_IN_BOTH and not _is_data(n, data))


def _is_data(node: str, data: set[str]) -> bool:
    """A node made only of data (names, titles, references, dates' digits) and punctuation."""
    rest = re.sub(r"\b[A-Z2-7]{32}\b", " ", node)  # an authenticator app's key (random, in no language)
    for value in sorted(data, key=len, reverse=True):
        if value and value in rest:
            rest = rest.replace(value, " ")
    rest = re.sub(r"TA-\d{4}-\d+", " ", rest)
    return bool(_NOT_WORDS.match(rest)) or rest.strip() in SAME_IN_BOTH


def extracted_messages() -> set[str | tuple]:
    """Every message id marked in the code and templates, as `make translations-update` finds them."""
    with open(REPO / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
    found = set()
    # Walked folder by folder (the repository's root holds node_modules, slow to walk).
    for folder in sorted({pattern.split("/", 1)[0] for pattern, _ in method_map}):
        local = [(p.split("/", 1)[1], m) for p, m in method_map if p.startswith(folder + "/")]
        options = {p.split("/", 1)[1]: o for p, o in options_map.items() if p.startswith(folder + "/")}
        for _, _, message, _, _ in extract_from_dir(str(REPO / folder), local, options, keywords=keywords):
            found.add(message if isinstance(message, str) else tuple(message))
    return found


def catalog(language: str):
    path = REPO / "tacenter" / "translations" / language / "LC_MESSAGES" / "messages.po"
    with open(path, "rb") as po:
        return read_po(po, locale=language)


def english_phrases(spanish_catalog) -> list[str]:
    """Pieces of the catalog's English (between placeholders and tags) of two words or more,
    whose Spanish differs: finding one in a Spanish page means a string was not translated."""
    phrases = set()
    for message in spanish_catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for english in ids:
            if not english or english in strings:
                continue
            for piece in _PLACEHOLDER.split(english):
                piece = " ".join(piece.split()).strip(" .,:;()“”")
                if len(piece.split()) >= 2:
                    phrases.add(piece)
    return sorted(phrases)
