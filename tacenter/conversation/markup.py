"""Markdown for replies and notes: rendered with `markdown`, then cleaned by `nh3`.

Markdown alone passes raw HTML and `javascript:` links through; nh3 (ammonia) keeps an
allow-list of tags, attributes and URL schemes, so the output is safe to show as is.
"""

from __future__ import annotations

import re

import markdown
import nh3

TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "em",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
URL_SCHEMES = {"http", "https", "mailto"}
# Markdown makes `<anything@host>` a mailto link, "<javascript:alert(1)@x>" included: harmless as a
# mailto, but no address; such a link keeps its text and loses its href.
MAILBOX = re.compile(r"mailto:[^\s:;,<>()\[\]\\\"]+@[^\s:;,<>()\[\]\\\"@]+", re.IGNORECASE)


def _plausible_link(tag: str, attribute: str, value: str) -> str | None:
    mail = tag == "a" and attribute == "href" and value.lower().startswith("mailto:")
    return None if mail and not MAILBOX.fullmatch(value) else value


def render(text: str) -> str:
    """Sanitized HTML for `text` (Markdown). The only way a message's HTML is made."""
    html = markdown.markdown(text, extensions=["sane_lists", "tables", "fenced_code"], output_format="html")
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        attribute_filter=_plausible_link,
        link_rel="noopener noreferrer nofollow",
    )
