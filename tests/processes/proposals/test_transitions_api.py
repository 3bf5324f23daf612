"""Every transition of the proposal process through the API: from → to, one audit event, the flow follows."""

import pytest

from processes.proposals import services as svc
from processes.proposals.flows import STEP_FOR_STATE
from processes.proposals.models import Proposal
from workflow import flowkit
from workflow.audit import case_events, chain_valid
from workflow.models import CongressSession


def _returned(people, walk):
    case = walk("under_review")
    return svc.proposal_return_for_revision(case=case, actor=people.review1, reason="请补充数据 Add figures.")


def _converted(people, walk):
    case = walk("under_review")
    return svc.proposal_convert(case=case, actor=people.review1, reason="属于建议 A suggestion.")


def _rehandling(people, walk):
    case = walk("replied")
    return svc.proposal_rate(case=case, actor=people.rep1, rating="unsatisfied", comment="未落实 Not done.")


SETUPS = {"returned": _returned, "converted": _converted, "rehandling": _rehandling}

TABLE = [
    # (transition, from (walk target), actor, input, to)
    ("invite_cosigners", "draft", "rep1", {"cosigners": ["rep2", "rep3"]}, "cosigning"),
    ("cosign", "cosigning", "rep2", {}, "cosigning"),
    ("decline_cosign", "cosigning", "rep3", {"reason": "不熟悉 Not my field."}, "cosigning"),
    ("withdraw_cosign", "cosigned", "rep2", {}, "cosigning"),
    ("submit", "cosigned", "rep1", {}, "submitted"),
    ("withdraw", "draft", "rep1", {"reason": "重复 Duplicate."}, "withdrawn"),
    ("withdraw", "cosigning", "rep1", {"reason": "重复 Duplicate."}, "withdrawn"),
    ("withdraw", "submitted", "rep1", {"reason": "重复 Duplicate."}, "withdrawn"),
    ("start_review", "submitted", "review1", {}, "under_review"),
    ("accept", "under_review", "review1", {}, "accepted"),
    ("convert", "under_review", "review1", {"reason": "属于建议 A suggestion."}, "converted"),
    ("reject", "under_review", "review1", {"reason": "超出职权 Outside our powers."}, "rejected"),
    ("return_for_revision", "under_review", "review1", {"reason": "请补充 Add figures."}, "returned"),
    ("resubmit", "returned", "rep1", {"body": "已补充数据 Figures added."}, "submitted"),
    ("assign", "accepted", "review1", {"lead_department": "acme-office", "co_departments": ["acme-hr"]}, "assigned"),
    ("assign", "converted", "review2", {"lead_department": "acme-office"}, "assigned"),
    ("return_assignment", "assigned", "dept1", {"reason": "不属本部门 Not ours."}, "accepted"),
    ("acknowledge", "assigned", "dept1", {}, "in_progress"),
    ("reply", "in_progress", "dept1", {"text": "已延长 Extended.", "classification": "A"}, "replied"),
    ("reply", "rehandling", "dept1", {"text": "再次答复 Again.", "classification": "B"}, "replied"),
    ("rate", "replied", "rep1", {"rating": "satisfied"}, "closed"),
    ("rate", "replied", "rep1", {"rating": "basically_satisfied", "comment": "基本满意"}, "closed"),
    ("rate", "replied", "rep1", {"rating": "unsatisfied", "comment": "未落实 Not done."}, "rehandling"),
    ("add_note", "closed", "review2", {"note": "已向大会报告 Reported."}, "closed"),
    ("put_to_vote", "accepted", "review1", {"title": "议案 Motion"}, "on_agenda"),
]


@pytest.mark.parametrize(("name", "source", "who", "data", "target"), TABLE, ids=[f"{r[0]}:{r[1]}" for r in TABLE])
def test_transition_table(name, source, who, data, target, people, walk, api):
    """Each transition moves the proposal from its source to its target state with one audit event."""
    case = SETUPS[source](people, walk) if source in SETUPS else walk(source)
    case = Proposal.objects.get(pk=case.pk)
    before_version, before_events = case.version, case_events(case).count()

    r = api(getattr(people, who)).post(f"/api/v1/proposals/{case.pk}/transitions/{name}/", data, format="json")

    assert r.status_code == 200, r.content
    case.refresh_from_db()
    assert case.state == target and r.json()["state"] == target
    assert case.version == before_version + 1
    events = list(case_events(case))
    # Opening a vote is audited on the case by the vote service itself, just before the transition.
    extra = ["vote_open"] if name == "put_to_vote" else []
    assert [e.action for e in events[before_events:]] == [*extra, name]
    assert events[-1].from_state == (source if source != "cosigned" else "cosigning")
    assert chain_valid(case)
    assert flowkit.position(case) == STEP_FOR_STATE.get(target)


def test_create_through_api_starts_a_draft_in_the_current_term(people, term, api):
    r = api(people.rep1).post(
        "/api/v1/proposals/",
        {"organisation": "acme", "title": "增设母婴室 A nursing room", "body": "理由与建议", "category": "living"},
        format="json",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["state"] == "draft" and body["reference"].startswith("ACME-TA-")
    assert body["term"] == {"id": term.pk, "number": 5, "label": "第5届"}
    case = Proposal.objects.get(pk=body["id"])
    assert flowkit.position(case) == "draft" and [e.action for e in case_events(case)] == ["create"]


def test_archive_after_the_report_to_the_next_congress(people, walk, api, term, clock):
    case = walk("closed")
    url = f"/api/v1/proposals/{case.pk}/transitions/archive/"
    r = api(people.review1).post(url, {}, format="json")
    assert r.status_code == 409 and r.json()["rule"] == "proposal.archive_after_report"
    CongressSession.objects.create(term=term, number=2, opens_on=clock.today.replace(day=20))
    clock.set(clock.today.replace(day=21))
    r = api(people.review1).post(url, {}, format="json")
    assert r.status_code == 200, r.content
    case.refresh_from_db()
    assert case.state == "archived" and flowkit.position(case) is None and case.process.status == "DONE"
