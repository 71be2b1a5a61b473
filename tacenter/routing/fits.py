"""What fits each request to each person, for the routing engine: one statement for a page of
requests, a branch per factor (topic expertise, state coverage, program support, absences), and
optionally each request's topics by name for a page that lists them."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import Date, Integer, String, bindparam, literal, null, select, union_all

from tacenter.catalog.models import Topic
from tacenter.extensions import db
from tacenter.intake.models import TARequest, ta_request_topic
from tacenter.routing.models import StaffAbsence, StaffExpertise, StaffState, staff_program
from tacenter.routing.scoring import Fit, RequestFacts

IDS = bindparam("ids", expanding=True)
# The fits of a page of requests, one statement: each branch is one factor (kind, request id,
# user id, level, topic name, absence start, absence end), padded with typed NULLs.
_NO_DATE = null().cast(Date)
_NO_TEXT = null().cast(String)
_FIT_BRANCHES = (
    select(
        literal("topic"), ta_request_topic.c.ta_request_id, StaffExpertise.user_id, StaffExpertise.level,
        Topic.name, _NO_DATE, _NO_DATE,
    )
    .join(StaffExpertise, StaffExpertise.topic_id == ta_request_topic.c.topic_id)
    .join(Topic, Topic.id == ta_request_topic.c.topic_id)
    .where(ta_request_topic.c.ta_request_id.in_(IDS)),
    select(literal("state"), TARequest.id, StaffState.user_id, _NO_TEXT, _NO_TEXT, _NO_DATE, _NO_DATE)
    .join(StaffState, StaffState.state == TARequest.state)
    .where(TARequest.id.in_(IDS)),
    select(literal("program"), TARequest.id, staff_program.c.user_id, _NO_TEXT, _NO_TEXT, _NO_DATE, _NO_DATE)
    .join(staff_program, staff_program.c.program_id == TARequest.program_id)
    .where(TARequest.id.in_(IDS)),
    select(
        literal("away"), null().cast(Integer), StaffAbsence.user_id, _NO_TEXT, _NO_TEXT,
        StaffAbsence.starts_on, StaffAbsence.ends_on,
    ).where(StaffAbsence.ends_on >= bindparam("first_day"), StaffAbsence.starts_on <= bindparam("last_day")),
)  # fmt: skip
FITS = union_all(*_FIT_BRANCHES)
# With every topic of each request by name (kind "named"), for a page that lists them (triage).
FITS_AND_TOPICS = union_all(
    *_FIT_BRANCHES,
    select(literal("named"), ta_request_topic.c.ta_request_id, null().cast(Integer), _NO_TEXT, Topic.name,
           _NO_DATE, _NO_DATE)
    .join(Topic, Topic.id == ta_request_topic.c.topic_id)
    .where(ta_request_topic.c.ta_request_id.in_(IDS)),
)  # fmt: skip


def fits_of(
    requests: list[RequestFacts], today: date, topic_names: dict[int, list[str]] | None = None
) -> dict[tuple[int, int], Fit]:
    """(request id, user id) -> Fit, from one query (a branch per factor); with `topic_names`,
    each request's topics by name are put there, from the same query."""
    last_day = max([r.needed_by or today for r in requests] + [today])
    params = {"ids": [r.id for r in requests], "first_day": today, "last_day": last_day}
    fits: dict[tuple[int, int], Fit] = defaultdict(Fit)
    absences = []
    statement = FITS if topic_names is None else FITS_AND_TOPICS
    for kind, request_id, user_id, level, name, starts, ends in db.session.execute(statement, params):
        if kind == "named":
            topic_names.setdefault(request_id, []).append(name)
        elif kind == "topic":
            fits[request_id, user_id].topics.append((level, name))
        elif kind == "state":
            fits[request_id, user_id].covers_state = True
        elif kind == "program":
            fits[request_id, user_id].supports_program = True
        else:
            absences.append((user_id, starts, ends))
    for request in requests:
        on = request.needed_by or today
        for user_id, starts, ends in absences:
            if starts <= on <= ends:
                fits[request.id, user_id].away = (starts, ends)
            if starts <= today <= ends:
                fits[request.id, user_id].away_today = (starts, ends)
    return fits
