"""Markdown for replies and notes: rendered with `markdown`, then cleaned by `nh3`.

Markdown alone passes raw HTML and `javascript:` links through; nh3 (ammonia) keeps an
allow-list of tags, attributes and URL schemes, so the output is safe to show as is.
"""

from __future__ import annotations

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


def render(text: str) -> str:
    """Sanitized HTML for `text` (Markdown). The only way a message's HTML is made."""
    html = markdown.markdown(text, extensions=["sane_lists", "tables", "fenced_code"], output_format="html")
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
