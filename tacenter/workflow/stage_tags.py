"""A stage's label and its tag (macros.stage_tag's markup) in the page's language.

Every list shows a tag a row, so each tag is made once per stage and language.
"""

from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup

from tacenter.workflow.rules import LABELS, Stage


def stage_label(value: str | None) -> str:
    try:
        return str(LABELS[Stage(value)])
    except ValueError:
        return value or ""


@lru_cache(maxsize=256)
def stage_tag(value: str | None, locale_id: str) -> Markup:
    """`locale_id` is the page's (i18n.locale_id): the label is translated in that language."""
    return Markup('<span class="usa-tag tag tag-{}">{}</span>').format(value, stage_label(value))
