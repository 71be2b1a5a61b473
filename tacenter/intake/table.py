"""The table of requests (templates/intake/_table.html): the queue, "Our requests" and the
home pages all list requests through here.

Rows are plain result rows of the columns the table shows and timeliness needs, plus the
assignee's and the organization's names: no ORM objects, since a list page builds 25 of them per view and
reads none of their relationships.
"""

from __future__ import annotations

from flask import current_app
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import Integer, Select, bindparam, func, select
from sqlalchemy.orm import aliased

from tacenter.accounts.models import Organization, User
from tacenter.extensions import db
from tacenter.intake.models import TARequest

COLUMNS = (
    TARequest.id, TARequest.reference, TARequest.title, TARequest.stage, TARequest.state,
    TARequest.tier, TARequest.urgency, TARequest.assignee_id, TARequest.submitted_at,
    TARequest.needed_by, TARequest.first_response_at, TARequest.assigned_at, TARequest.delivered_at,
    TARequest.finished_at, TARequest.waiting_since, TARequest.waiting_days,
    # Kept when each milestone was met: timeliness reads them rather than counting business days.
    TARequest.days_to_first_response, TARequest.days_to_assignment, TARequest.days_to_delivery,
)  # fmt: skip


ASSIGNEE = aliased(User, name="assignee")  # made once: building an alias costs more than the query


def table_rows(query: Select) -> Select:
    """`query` (a select of TARequest with its filters and order) as table rows."""
    return (
        query.with_only_columns(
            *COLUMNS,
            ASSIGNEE.name.label("assignee_name"),
            Organization.name.label("organization_name"),
            # The vetting status flags requests from organizations not yet approved (tacenter.registry).
            Organization.status.label("organization_status"),
        )
        .outerjoin(ASSIGNEE, ASSIGNEE.id == TARequest.assignee_id)
        .join(Organization, Organization.id == TARequest.organization_id)
    )


# A page's LIMIT and OFFSET as named parameters, not values: SQLAlchemy computes a statement's
# cache key once per statement object, and limit(n).offset(m) made a new object on every view, so
# a statement kept across views (the queue's, triage's) paid for its key each time (about 5% of
# the queue). The SQL sent is the same: LIMIT and OFFSET were bound parameters already.
PAGE_LIMIT = bindparam("page_limit", type_=Integer)
PAGE_OFFSET = bindparam("page_offset", type_=Integer)


def paged(rows: Select) -> Select:
    """`rows` as RowPagination reads it: a page's LIMIT and OFFSET left to the execution."""
    return rows.limit(PAGE_LIMIT).offset(PAGE_OFFSET)


class RowPagination(SelectPagination):
    """Flask-SQLAlchemy's pagination, with whole rows as items (it keeps the first column) and
    the total read with them: the select (`paged`) carries a `total` column (with_total), so a
    page and its count are one statement; only a page past the end (no row to carry it) counts
    apart."""

    def _query_items(self) -> list:
        page = {"page_limit": self.per_page, "page_offset": self._query_offset}
        rows = list(self._query_args["session"].execute(self._query_args["select"], page))
        self._total = rows[0].total if rows else (0 if self.page == 1 else None)
        return rows

    def _query_count(self) -> int:
        return self._total if self._total is not None else count_requests(self._query_args["base"])


def with_total(rows: Select, query: Select) -> Select:
    """`rows` with a `total` column: how many requests `query` selects, as an uncorrelated
    scalar subquery of ids only, which the database computes once per statement (count(*)
    OVER () would build every joined row first)."""
    ids = query.with_only_columns(TARequest.id).order_by(None).subquery()
    return rows.add_columns(select(func.count()).select_from(ids).scalar_subquery().label("total"))


def page_select(query: Select) -> Select:
    """The statement `paginate` reads a page of `query` with: its table rows and total."""
    return paged(with_total(table_rows(query), query))


def paginate(query: Select, *, page: int | None = None, rows: Select | None = None) -> RowPagination:
    """One page of table rows and the total, in one query. `rows` is `page_select(query)` where
    the caller keeps it (the queue does, per filters)."""
    return RowPagination(
        select=rows if rows is not None else page_select(query),
        base=query,
        session=db.session(),
        page=page,
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )


def first_rows(query: Select, limit: int) -> tuple[list, int]:
    """The first `limit` table rows and how many there are in all (the home pages)."""
    return list(db.session.execute(table_rows(query).limit(limit))), count_requests(query)


def count_requests(query: Select) -> int:
    """How many requests `query` selects (only their ids are read)."""
    ids = query.with_only_columns(TARequest.id).order_by(None).subquery()
    return db.session.scalar(select(func.count()).select_from(ids))
