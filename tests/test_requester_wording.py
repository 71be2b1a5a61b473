"""The requester is spoken to, and told the rules of the form before breaking them."""

from __future__ import annotations

import re

from tests.conftest import csrf_token
from tests.factories import RequesterFactory, TopicFactory, request_in_progress


def test_the_requester_reads_what_you_need_and_staff_what_they_need(client, auth):
    ta_request, requester, staff, _ = request_in_progress()
    auth.login(requester)
    page = client.get(f"/requests/{ta_request.reference}").get_data(as_text=True)
    assert "What you need" in page and "What they need" not in page
    auth.logout()
    auth.login(staff)
    page = client.get(f"/requests/{ta_request.reference}").get_data(as_text=True)
    assert "What they need" in page and "What you need" not in page


def test_the_description_hint_gives_its_minimum_length_and_the_error_repeats_it(client, auth):
    auth.login(RequesterFactory())
    form = client.get("/requests/new").get_data(as_text=True)
    hint = re.search(r'id="description-hint">([^<]*)<', form).group(1)
    assert "At least 20 characters" in hint
    topic = TopicFactory()
    response = client.post(
        "/requests/new",
        data={
            "csrf_token": csrf_token(client, "/requests/new"),
            "submission_token": "tok-short",
            "title": "Reflective supervision",
            "description": "Help please",
            "topic_ids": [topic.id],
            "state": "NM",
            "tier": "targeted",
            "urgency": "routine",
            "preferred_mode": "virtual_meeting",
        },
    )
    assert response.status_code == 200
    assert "Write at least 20 characters" in response.get_data(as_text=True)
