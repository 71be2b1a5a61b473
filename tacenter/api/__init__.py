"""The JSON API under /api/v1 (docs/api.md): flask-smorest blueprints over the service layer.

Adding a resource is one module with a smorest `bp`, listed in RESOURCES. The OpenAPI 3.1
document is generated from the code at /api/v1/openapi.json; /api/v1/docs renders it with
the app itself (tacenter/api/docs.py), from that same document.
"""

from __future__ import annotations

import http

from flask import Flask
from flask_smorest import Api
from flask_smorest.spec import prepare_response

from tacenter.api.problems import MEDIA_TYPE, ProblemSchema

# Each module with a smorest Blueprint `bp`: its operations join the API and the spec.
RESOURCES = (
    "tacenter.api.requests",
    "tacenter.api.request_actions",
    "tacenter.api.directory",
    "tacenter.api.events",
)


class TacenterApi(Api):
    """Errors are RFC 9457 problem details, documented as such on every operation."""

    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, MEDIA_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {
            "description": "A problem (RFC 9457): 401, 403, 404, 409, 422, 429 …",
            "schema": self.ERROR_SCHEMA,
        }
        prepare_response(response, self.spec, MEDIA_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


def init_app(app: Flask) -> Api:
    import importlib

    from tacenter.accounts.permissions import public
    from tacenter.api import auth, docs
    from tacenter.extensions import csrf

    app.config.setdefault("API_TITLE", "tacenter API")
    app.config.setdefault("API_VERSION", "v1")
    app.config["OPENAPI_VERSION"] = "3.1.0"
    app.config["OPENAPI_URL_PREFIX"] = "/api/v1"
    app.config["OPENAPI_JSON_PATH"] = "openapi.json"
    spec_kwargs = {
        "info": {
            "description": "TA requests and their records, as their user may see them. See /api/v1/docs."
        },
        "security": [{"bearerAuth": []}],
    }
    api = TacenterApi(app, spec_kwargs=spec_kwargs)
    app.extensions["tacenter_api"] = api
    api.spec.components.security_scheme(
        "bearerAuth",
        {"type": "http", "scheme": "bearer", "description": "A personal access token (profile page)."},
    )
    for name in RESOURCES:
        blueprint = importlib.import_module(name).bp
        api.register_blueprint(blueprint)
        # Token-authenticated and cookie-blind (tacenter.api.auth): a cross-site form has no
        # credential to ride on, so CSRF tokens do not apply to these blueprints.
        csrf.exempt(blueprint)  # nosemgrep: tacenter-csrf-exempt (bearer tokens only, no cookie)
    serve_spec = app.view_functions["api-docs.openapi_json"]  # a bound method: wrap to declare its rule

    def openapi_json():
        return serve_spec()

    app.view_functions["api-docs.openapi_json"] = public(openapi_json)
    auth.register(app)
    from tacenter.api.token_views import bp as token_pages
    from tacenter.webhooks.views import bp as webhook_pages

    for blueprint in (docs.bp, token_pages, webhook_pages):
        app.register_blueprint(blueprint)
    return api
