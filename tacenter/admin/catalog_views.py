"""Admin pages for the catalog (topics, programs): one pair of handlers serves both lists."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from tacenter.admin.forms import CatalogEntryForm
from tacenter.admin.views import admin_only, bp
from tacenter.catalog import services
from tacenter.catalog.models import GrantProgram, Topic
from tacenter.catalog.queries import all_entries, translation_gaps
from tacenter.errors import DomainError, NotFound
from tacenter.extensions import db

NOUNS = {"topic": ("topic", "Topics"), "program": ("grant program", "Grant programs")}


def _list(kind: str, model):
    noun, title = NOUNS[kind]
    return render_template(
        "admin/catalog.html", kind=kind, noun=noun, title=title, entries=all_entries(model)
    )


def _form(kind: str, model, entry_id: int | None):
    noun, title = NOUNS[kind]
    entry = None
    if entry_id is not None:
        entry = db.session.get(model, entry_id)
        if entry is None:
            raise NotFound(f"There is no such {noun}.")
    form = CatalogEntryForm(obj=entry)
    if form.validate_on_submit():
        try:
            if entry is None:
                services.create_entry(kind, form.name.data, actor=current_user, name_es=form.name_es.data)
            else:
                services.update_entry(
                    kind,
                    entry.id,
                    form.name.data,
                    form.active.data,
                    actor=current_user,
                    name_es=form.name_es.data,
                )
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            flash(f"The {noun} “{form.name.data.strip()}” was saved.", "success")
            return redirect(url_for(f"admin.{kind}s"))
    return render_template(
        "admin/catalog_form.html", form=form, entry=entry, kind=kind, noun=noun, title=title
    )


@bp.route("/topics")
@admin_only
def topics():
    return _list("topic", Topic)


@bp.route("/topics/new", methods=["GET", "POST"])
@admin_only
def new_topic():
    return _form("topic", Topic, None)


@bp.route("/topics/<int:topic_id>", methods=["GET", "POST"])
@admin_only
def edit_topic(topic_id: int):
    return _form("topic", Topic, topic_id)


@bp.route("/programs")
@admin_only
def programs():
    return _list("program", GrantProgram)


@bp.route("/programs/new", methods=["GET", "POST"])
@admin_only
def new_program():
    return _form("program", GrantProgram, None)


@bp.route("/programs/<int:program_id>", methods=["GET", "POST"])
@admin_only
def edit_program(program_id: int):
    return _form("program", GrantProgram, program_id)


@bp.route("/translations")
@admin_only
def translation_gaps_page():
    """Labels requesters read in English because nobody has given the Spanish yet."""
    return render_template("admin/translations.html", gaps=translation_gaps())
