"""Parts of the page layout that are the same for every reader of a language: the asset links,
the government banner and the footer. Each is rendered once per process, language and script
root and kept as markup: on every page they were a dozen url_for calls and translations that
always gave the same answer.

Nothing per person or per request may go into a kept part (the navigation, the signed-in name,
CSRF tokens stay in base.html). With templates reloading (debug), parts are rendered each time.
"""

from __future__ import annotations

from flask import current_app, render_template, url_for
from markupsafe import Markup

from tacenter.i18n import locale_id
from tacenter.kept import kept_in_app

PARTS = ("layout/_assets.html", "layout/_banner.html", "layout/_footer.html")


def kept_part(name: str) -> Markup:
    if name not in PARTS:
        raise ValueError(f"{name} is not a kept layout part")

    def render() -> Markup:
        return Markup(render_template(name))  # noqa: S704  # nosec B704 # nosemgrep: tacenter-markup-on-non-literal (our own template's output)

    if current_app.jinja_env.auto_reload:
        return render()
    return kept_in_app("layout_parts", (name, locale_id()), render)


def kept_url(endpoint: str, **values) -> str:
    """url_for(endpoint, **values), kept per process and script root: the layout's links (the
    logo, the navigation, notifications, sign-out, the language switch) are the same paths on
    every page, and each url_for costs a routing-map build."""
    key = (endpoint, tuple(sorted(values.items())))
    return kept_in_app("layout_urls", key, lambda: url_for(endpoint, **values))
