"""Who may act: denied roles get 403 (or 404 outside their scope) and nothing changes; the flow follows the state."""

import datetime as dt

import pytest

from processes.proposals import services as svc
from processes.proposals.flows import STEP_FOR_STATE
from processes.proposals.models import Proposal
from processes.proposals.states import TERMINAL_STATES, ProposalState
from workflow import flowkit
from workflow.audit import case_events
from workflow.models import CongressSession, WorkItem

from .conftest import DAY0, at

DENIED = [
    # (transition, from, users refused, input)
    ("invite_cosigners", "draft", ["review1", "chair"], {"cosigners": ["rep2", "rep3"]}),
    ("cosign", "cosigning", ["rep1", "review1", "chair"], {}),
    ("submit", "cosigned", ["rep2", "review1", "chair"], {}),
    ("withdraw", "submitted", ["rep2", "review1", "chair"], {"reason": "不要了 No longer."}),
    ("start_review", "submitted", ["rep1", "rep2", "chair", "aud"], {}),
    ("accept", "under_review", ["rep1", "chair", "aud"], {}),
    ("reject", "under_review", ["rep1", "chair", "aud"], {"reason": "不予立案 No."}),
    ("assign", "accepted", ["rep1", "chair", "aud"], {"lead_department": "acme-office"}),
    ("acknowledge", "assigned", ["rep1", "review1", "chair", "aud"], {}),
    ("reply", "in_progress", ["rep1", "review1", "chair"], {"text": "答复 Reply.", "classification": "A"}),
    ("rate", "replied", ["rep2", "review1", "dept1", "chair"], {"rating": "satisfied"}),
    ("archive", "closed", ["rep1", "chair", "dept1"], {}),
]


@pytest.mark.parametrize(("name", "source", "users", "data"), DENIED, ids=[d[0] for d in DENIED])
def test_denied_roles_get_403_and_nothing_changes(name, source, users, data, people, walk, api):
    case = walk(source)
    for username in users:
        before = (case.state, case.version, case_events(case).count())
        r = api(getattr(people, username if username != "aud" else "auditor")).post(
            f"/api/v1/proposals/{case.pk}/transitions/{name}/", data, format="json"
        )
        assert r.status_code == 403, (username, r.content)
        case.refresh_from_db()
        assert (case.state, case.version, case_events(case).count()) == before


def test_outsiders_do_not_see_the_proposal(people, walk, api):
    case = walk("in_progress")
    for user in (people.beta_rep, people.dept2, people.member, people.rep4):
        assert api(user).get(f"/api/v1/proposals/{case.pk}/").status_code == 404
        r = api(user).post(f"/api/v1/proposals/{case.pk}/transitions/reply/", {}, format="json")
        assert r.status_code == 404
    for user in (people.rep1, people.rep2, people.dept1, people.review1, people.chair, people.auditor):
        assert api(user).get(f"/api/v1/proposals/{case.pk}/").status_code == 200
    assert api(people.dept1).get("/api/v1/proposals/").json()["count"] == 1
    assert api(people.dept2).get("/api/v1/proposals/").json()["count"] == 0


def test_a_committee_member_may_not_review_a_proposal_they_co_signed(people, orgs, walk, make_user, term, api):
    judge = make_user("judge", "review_committee", "representative", org=orgs.acme, term=term)
    case = svc.proposal_create(organisation=orgs.acme, actor=people.rep1, title="T", body="B", category="other")
    svc.proposal_invite_cosigners(case=case, actor=people.rep1, cosigners=["judge", "rep2"])
    svc.proposal_cosign(case=case, actor=judge)
    svc.proposal_cosign(case=case, actor=people.rep2)
    svc.proposal_submit(case=case, actor=people.rep1)
    r = api(judge).post(f"/api/v1/proposals/{case.pk}/transitions/start_review/", {}, format="json")
    assert r.status_code == 403


def test_the_available_actions_list_matches_the_role(people, walk, api):
    case = walk("under_review")
    names = {t["name"] for t in api(people.review1).get(f"/api/v1/proposals/{case.pk}/transitions/").json()["transitions"]}
    assert names == {"accept", "convert", "reject", "return_for_revision", "merge"}
    assert api(people.rep1).get(f"/api/v1/proposals/{case.pk}/transitions/").json()["transitions"] == []


# The flow follows the state ------------------------------------------------------------------
def _walk_all(people, orgs, walk, term):
    """Yield a proposal in every state, reached through the services."""
    yield walk("draft")
    yield walk("cosigning")
    yield walk("submitted")
    yield walk("under_review")
    c = walk("under_review")
    yield svc.proposal_return_for_revision(case=c, actor=people.review1, reason="补充 Add.")
    c = walk("under_review")
    yield svc.proposal_convert(case=c, actor=people.review1, reason="建议 Suggestion.")
    c = walk("under_review")
    yield svc.proposal_reject(case=c, actor=people.review1, reason="超出职权 Outside.")
    target = walk("under_review")
    c = walk("under_review")
    yield svc.proposal_merge(case=c, actor=people.review1, into=target)
    c = walk("draft")
    yield svc.proposal_withdraw(case=c, actor=people.rep1, reason="撤回 Withdrawn.")
    yield walk("accepted")
    yield walk("assigned")
    yield walk("in_progress")
    yield walk("replied")
    c = walk("replied")
    yield svc.proposal_rate(case=c, actor=people.rep1, rating="unsatisfied", comment="未落实 Not done.")
    c = walk("closed")
    yield c
    for passed in (True, False):
        v = svc.proposal_put_to_vote(case=walk("accepted"), actor=people.review1)
        yield Proposal.objects.get(pk=v.pk)
        yield _close_vote(people, v, passed)
    # Last: once the next congress has met, proposals are no longer collected for it.
    CongressSession.objects.create(term=term, number=9, opens_on=DAY0 + dt.timedelta(days=1))
    yield svc.proposal_archive(case=c, actor=people.review1, now=at(DAY0 + dt.timedelta(days=1)))


def _close_vote(people, case, passed):
    """Four of the five representatives vote (quorum ⌈2N/3⌉ = 4); passing needs yes > N/2, i.e. 3."""
    from workflow.votes.models import Vote
    from workflow.votes.services import vote_cast, vote_close

    vote = Vote.objects.get(pk=case.vote_id)
    assert vote.n == 5 and vote.rule == "resolution"
    choices = ["yes", "yes", "yes", "no"] if passed else ["yes", "yes", "no", "no"]
    for who, choice in zip([people.rep1, people.rep2, people.rep3, people.rep4], choices, strict=True):
        vote_cast(vote=vote, user=who, choice=choice)
    vote_close(vote=vote, user=people.chair)
    return Proposal.objects.get(pk=case.pk)


def test_every_state_has_its_step_and_terminal_states_end_the_process(people, orgs, walk, term):
    seen = set()
    for case in _walk_all(people, orgs, walk, term):
        case = Proposal.objects.get(pk=case.pk)
        seen.add(case.state)
        assert flowkit.position(case) == STEP_FOR_STATE.get(case.state), case.state
        if case.state in TERMINAL_STATES:
            assert case.process.status == "DONE"
            assert not WorkItem.objects.filter(case_id=case.pk, process_key="proposals").exists()
    assert seen == set(ProposalState.values)


def test_vote_result_moves_the_proposal(people, walk):
    case = svc.proposal_put_to_vote(case=walk("accepted"), actor=people.review1, title="议案 Motion")
    assert case.state == "on_agenda" and case.vote_id
    case = _close_vote(people, case, passed=True)
    assert case.state == "adopted"
    assert [e.action for e in case_events(case)][-1] == "adopt"
    assert case_events(case).last().actor_role == "system"


def test_work_items_name_who_must_act(people, orgs, walk):
    case = walk("cosigning")
    items = WorkItem.objects.filter(case_id=case.pk, process_key="proposals")
    assert {i.user_id for i in items} == {people.rep1.pk, people.rep2.pk, people.rep3.pk}
    svc.proposal_cosign(case=case, actor=people.rep2)
    assert {i.user_id for i in items.all()} == {people.rep1.pk, people.rep3.pk}
    case = walk("assigned")
    item = WorkItem.objects.get(case_id=case.pk, process_key="proposals")
    assert (item.role, item.organisation_id) == ("department", orgs.dept.pk) and item.due_at is not None
    case = walk("replied")
    item = WorkItem.objects.get(case_id=case.pk, process_key="proposals")
    assert item.user_id == people.rep1.pk and item.due_at is not None
