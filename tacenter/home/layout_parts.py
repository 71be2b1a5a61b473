"""Parts of the page layout that are the same for every reader of a language: the asset links,
the government banner and the footer. Each is rendered once per process, language and script
root and kept as markup: on every page they were a dozen url_for calls and translations that
always gave the same answer.

Nothing per person or per request may go into a kept part (the navigation, the signed-in name,
CSRF tokens stay in base.html). With templates reloading (debug), parts are rendered each time.
"""

from __future__ import annotations

from flask import current_app, render_template, request, url_for
from markupsafe import Markup

from tacenter.i18n import locale_id

PARTS = ("layout/_assets.html", "layout/_banner.html", "layout/_footer.html")


def kept_part(name: str) -> Markup:
    if name not in PARTS:
        raise ValueError(f"{name} is not a kept layout part")
    app = current_app._get_current_object()
    if app.jinja_env.auto_reload:
        return Markup(render_template(name))  # noqa: S704  # nosec B704 # nosemgrep: tacenter-markup-on-non-literal (our own template's output)
    kept = app.extensions.setdefault("layout_parts", {})
    key = (name, locale_id(), request.script_root)
    if key not in kept:
        kept[key] = Markup(render_template(name))  # noqa: S704  # nosec B704 # nosemgrep: tacenter-markup-on-non-literal (our own template's output)
    return kept[key]


def kept_url(endpoint: str, **values) -> str:
    """url_for(endpoint, **values), kept per process and script root: the layout's links (the
    logo, the navigation, notifications, sign-out, the language switch) are the same paths on
    every page, and each url_for costs a routing-map build."""
    kept = current_app.extensions.setdefault("layout_urls", {})
    key = (endpoint, tuple(sorted(values.items())), request.script_root)
    if key not in kept:
        kept[key] = url_for(endpoint, **values)
    return kept[key]
