"""The application factory: registers extensions, blueprints, handlers and commands.

No queries and no network here: create_app must be cheap and side-effect free.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask, g
from jinja2 import pass_context
from markupsafe import Markup
from werkzeug.middleware.proxy_fix import ProxyFix

from config import INSTANCE_DIR, get_config
from tacenter.i18n import lazy_gettext as _l


def create_app(test_config: dict | None = None) -> Flask:
    config = get_config()
    if test_config is None:
        config.check()
    app = Flask(
        __name__, template_folder="../templates", static_folder="../static", instance_path=str(INSTANCE_DIR)
    )
    app.config.from_object(config)
    if test_config:
        app.config.update(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)  # as in Flask's tutorial
    if app.config["PROXY_COUNT"]:
        # Behind N trusted proxies, the client address comes from X-Forwarded-For (and only
        # the entries those proxies added), so per-address throttling sees real clients.
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    register_extensions(app)
    register_blueprints(app)
    register_request_hooks(app)
    register_template_helpers(app)
    register_commands(app)
    from tacenter.errors import register_errorhandlers

    register_errorhandlers(app)
    return app


def register_extensions(app: Flask) -> None:
    from tacenter import i18n, jobs, models, transactions  # noqa: F401  (models: every table, for Alembic)
    from tacenter.db import render_migration_type
    from tacenter.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    transactions.init_app(app, db)  # after db.init_app: its teardown must run before the session's
    migrate.init_app(app, db, render_as_batch=True, compare_type=True, render_item=render_migration_type)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.localize_callback = str  # flashed in the reader's language, stored as text
    login_manager.login_message_category = "info"
    i18n.init_app(app)
    jobs.celery_init_app(app)
    jobs.register_session_hooks(app)
    from tacenter.catalog import cache as catalog_cache

    catalog_cache.init_app(app)
    from tacenter.sso.client import init_app as init_sso

    init_sso(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        from tacenter.db import tune_sqlite

        with app.app_context():
            tune_sqlite(db.engine)


def register_blueprints(app: Flask) -> None:
    from tacenter.accounts.views import bp as accounts
    from tacenter.admin import (
        audit_views,  # noqa: F401  (its routes join the admin blueprint)
        catalog_views,  # noqa: F401  (likewise)
        center_views,  # noqa: F401  (likewise)
        grant_views,  # noqa: F401  (likewise)
    )
    from tacenter.admin.views import bp as admin
    from tacenter.conversation.views import bp as conversation
    from tacenter.delivery.views import bp as delivery
    from tacenter.event_surveys.views import bp as event_surveys
    from tacenter.files.views import bp as files
    from tacenter.group_ta import collab_views as collaborative_pages  # noqa: F401  (routes on a shared bp)
    from tacenter.group_ta import views as event_pages  # noqa: F401  (routes on a shared bp)
    from tacenter.group_ta.blueprint import bp as group_ta
    from tacenter.home.views import bp as home
    from tacenter.intake.views import bp as intake
    from tacenter.invitations.views import bp as invitations
    from tacenter.mailin.views import bp as mailin
    from tacenter.notifications.views import bp as notifications
    from tacenter.outcomes.export_views import bp as outcome_reports
    from tacenter.outcomes.views import bp as outcomes
    from tacenter.records.views import bp as records
    from tacenter.registry.views import bp as registry
    from tacenter.reports import funder_views  # noqa: F401  (adds the funder report routes to bp)
    from tacenter.reports.views import bp as reports
    from tacenter.routing import profile_views as routing_profile_pages  # noqa: F401  (routes on a shared bp)
    from tacenter.routing import views as routing_pages  # noqa: F401  (routes on a shared bp)
    from tacenter.routing.blueprint import bp as routing
    from tacenter.sso.views import bp as sso
    from tacenter.surveys.views import bp as surveys
    from tacenter.timeliness.views import bp as timeliness
    from tacenter.twofactor import passkey_views  # noqa: F401  (its routes join the twofactor bp)
    from tacenter.twofactor.views import bp as twofactor
    from tacenter.workflow import queue_views as queue_pages  # noqa: F401  (routes on a shared bp)
    from tacenter.workflow import views as request_pages  # noqa: F401  (routes on a shared bp)
    from tacenter.workflow.blueprint import bp as workflow

    for blueprint in (
        home,
        accounts,
        invitations,
        intake,
        workflow,
        notifications,
        admin,
        routing,
        conversation,
        files,
        delivery,
        timeliness,
        reports,
        mailin,
        registry,
        records,
        sso,
        twofactor,
        outcomes,
        surveys,
        outcome_reports,
        group_ta,
        event_surveys,
    ):
        app.register_blueprint(blueprint)
    from tacenter import api

    api.init_app(app)  # the JSON API under /api/v1 (flask-smorest) and its docs page


def register_request_hooks(app: Flask) -> None:
    from tacenter.request_guard import register_request_guard

    register_request_guard(app)

    @app.before_request
    def _request_id():
        g.request_id = secrets.token_hex(8)

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
        )
        if app.config["SESSION_COOKIE_SECURE"]:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response


def register_template_helpers(app: Flask) -> None:
    from flask_login import current_user

    from tacenter.formkit import kept_form_fields, option_tags

    app.add_template_global(option_tags)
    app.add_template_global(kept_form_fields)
    from tacenter.intake.row_markup import request_rows

    app.add_template_global(request_rows)
    from tacenter.routing.triage_rows import triage_rows

    app.add_template_global(triage_rows)
    from tacenter.home.pagination import pagination_links

    app.add_template_global(pagination_links)
    from tacenter.home.layout_parts import kept_part, kept_url

    app.add_template_global(kept_part)
    app.add_template_global(kept_url)

    from tacenter.home.navigation import nav_items
    from tacenter.i18n import locale_id
    from tacenter.workflow.stage_tags import stage_label, stage_tag

    @app.context_processor
    def _navigation():
        return {"nav_items": lambda: nav_items(current_user)}

    app.add_template_filter(stage_label, "stage_label")

    @app.template_filter("stage_tag")
    @pass_context
    def _stage_tag(context, value: str | None) -> Markup:
        """macros.stage_tag's markup, made once per stage and language (a list has one a row)."""
        return stage_tag(value, context.get("page_locale_id") or locale_id())


def register_commands(app: Flask) -> None:
    from tacenter.accounts.cli import create_user_command
    from tacenter.audit.cli import audit_archive_command, audit_verify_command
    from tacenter.demo.cli import seed_demo_command
    from tacenter.records.cli import export_records_command, import_records_command
    from tacenter.reports.kept_views import reports_cli
    from tacenter.twofactor.cli import rotate_keys_command

    app.cli.add_command(create_user_command)
    app.cli.add_command(audit_verify_command)
    app.cli.add_command(audit_archive_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(import_records_command)
    app.cli.add_command(export_records_command)
    app.cli.add_command(rotate_keys_command)
    app.cli.add_command(reports_cli)
