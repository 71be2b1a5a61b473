"""The queue's filters, read one way for the page, its downloads and saved views.

The allow-list: only the fields of `QueueFilters` are read, and each value must be one of
`QueueFilterForm`'s choices (or a valid date); anything else is dropped and the page still
answers. Stored saved views go through here again when read, so junk never reaches the ORM.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from werkzeug.datastructures import MultiDict

from tacenter.catalog.cache import cached, current_version
from tacenter.catalog.queries import program_choices, topic_choices
from tacenter.formkit import kept_fields, options
from tacenter.i18n import current_language, locale_id
from tacenter.workflow import assignment
from tacenter.workflow.forms import QueueFilterForm
from tacenter.workflow.queries import QueueFilters

FILTER_KEYS = tuple(f.name for f in fields(QueueFilters))
DEFAULTS = {"sort": "oldest"}


@dataclass(frozen=True)
class QueueChoices:
    """The choices that come from the database: read once per page, whatever it validates."""

    topics: list
    programs: list
    assignees: list

    @classmethod
    def load(cls) -> QueueChoices:
        """Made once per catalog version and language (topic and program names are localized)."""
        return cached(("queue_choices", current_language()), cls._read)

    @classmethod
    def _read(cls) -> QueueChoices:
        return cls(
            options([("", "Any topic")] + [(str(i), n) for i, n in topic_choices()]),
            options([("", "Any program")] + [(str(i), n) for i, n in program_choices()]),
            options(
                [("", "Anyone or no one"), ("none", "Unassigned"), ("me", "Me")]
                + [(str(u.id), u.name) for u in assignment.assignable_staff()]
            ),
        )


def bind(formdata, choices: QueueChoices) -> QueueFilterForm:
    """The filter form over `formdata`, with every invalid value reset to its default."""
    form = QueueFilterForm(formdata)
    form.topic.choices, form.program.choices = choices.topics, choices.programs
    form.assignee.choices = choices.assignees
    if not form.validate():
        for field in form:
            if field.errors:
                field.data = field.default
    return form


@dataclass(frozen=True)
class ReadFilters:
    """What the queue page takes from its query string: the filters, the set ones as link
    arguments, the page number and the filter fields' HTML."""

    filters: QueueFilters
    current: dict[str, str]
    page: int
    fields_html: object


READ_MAX = 256  # query strings kept per process; emptied when full (free text makes many)
_read: dict[tuple, ReadFilters] = {}


def read(args: MultiDict) -> ReadFilters:
    """The page's filters from `args`, bound and validated once per catalog version, language
    and query string (the same few views are asked for over and over)."""
    version = current_version()
    key = None if version is None else (version, locale_id(), tuple(args.items(multi=True)))
    found = _read.get(key) if key is not None else None
    if found is None:
        form = bind(args, QueueChoices.load())
        found = ReadFilters(filters_of(form), filter_args(form), form.page.data or 1, render_fields(form))
        if key is not None:
            if len(_read) >= READ_MAX:
                _read.clear()
            _read[key] = found
    return found


def render_fields(form: QueueFilterForm):
    """The filter fields' HTML: their choices depend on the catalog version and the language."""
    return kept_fields("workflow/_queue_filters.html", form, exclude=("page",))


def filters_of(form: QueueFilterForm) -> QueueFilters:
    return QueueFilters(**{key: str(getattr(form, key).data or "") for key in FILTER_KEYS})


def filter_args(form: QueueFilterForm) -> dict[str, str]:
    """The filters set on `form` (defaults left out): for links, downloads and saving."""
    args = {key: str(getattr(form, key).data or "") for key in FILTER_KEYS}
    return {k: v for k, v in args.items() if v and v != DEFAULTS.get(k)}


def clean_args(stored: object, choices: QueueChoices) -> dict[str, str]:
    """Stored or posted filters, reduced to allow-listed keys with valid values."""
    if not isinstance(stored, dict):
        return {}
    pairs = tuple((k, v) for k, v in stored.items() if k in FILTER_KEYS and isinstance(v, str))
    # The answer depends only on the pairs and the catalog's values (not on the language or the
    # reader), and the queue cleans every shared and saved view on each view: a whole form's
    # validation each. So it is kept with the catalog copy (as many entries as views seen).
    return dict(cached(("queue_clean_args", pairs), lambda: filter_args(bind(MultiDict(pairs), choices))))
