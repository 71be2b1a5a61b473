"""The workflow table, tested table by table (no database)."""

from tacenter.vocab import Role
from tacenter.workflow import rules
from tacenter.workflow.rules import Stage


def test_every_stage_can_be_reached_from_submitted():
    reached, frontier = {Stage.SUBMITTED}, [Stage.SUBMITTED]
    while frontier:
        for t in rules.transitions_from(frontier.pop()):
            if t.target not in reached:
                reached.add(t.target)
                frontier.append(t.target)
    assert reached == set(Stage)


def test_finished_requests_only_reopen():
    for stage in rules.FINISHED:
        assert {t.action for t in rules.transitions_from(stage)} == {"Reopen"}


def test_decline_refer_and_reopen_need_a_note():
    for t in rules.TRANSITIONS:
        if t.target in (Stage.DECLINED, Stage.REFERRED, Stage.WAITING_ON_REQUESTER) or t.action == "Reopen":
            assert t.note_required, t


def test_staff_may_only_move_their_own_requests():
    start = rules.find_transition(Stage.ASSIGNED, Stage.IN_PROGRESS)
    assert rules.may_make(start, Role.STAFF, is_assignee=True, is_own_organization=False)
    assert not rules.may_make(start, Role.STAFF, is_assignee=False, is_own_organization=False)
    assert rules.may_make(start, Role.LEAD, is_assignee=False, is_own_organization=False)


def test_requester_may_only_resume_their_own_organizations_waiting_request():
    resume = rules.find_transition(Stage.WAITING_ON_REQUESTER, Stage.IN_PROGRESS)
    assert rules.may_make(resume, Role.REQUESTER, is_assignee=False, is_own_organization=True)
    assert not rules.may_make(resume, Role.REQUESTER, is_assignee=False, is_own_organization=False)
    others = [t for t in rules.TRANSITIONS if t is not resume]
    assert not any(
        rules.may_make(t, Role.REQUESTER, is_assignee=False, is_own_organization=True) for t in others
    )


def test_leadership_watches_but_never_moves_requests():
    assert not any(Role.LEADERSHIP in t.roles for t in rules.TRANSITIONS)


def test_unknown_stage_is_no_transition():
    assert rules.find_transition("submitted", "nonsense") is None
    assert rules.find_transition("closed", "submitted") is None
