"""第三十八条、第四十条: a variation under way when the term ends lapses with the contract. The term of the walked
contract ends on Wednesday 17 March 2027 (day N): a congress vote on the variation closed on day N still counts;
from day N+1 the contract has expired, the open vote is closed as cancelled (uncounted) and both chiefs are told
that a renewal is the way on."""

import datetime as dt

import pytest

from processes.contracts import services as svc
from processes.contracts.models import Contract
from processes.contracts.tasks import notify_variation_lapsed
from workflow.audit import case_events
from workflow.deadlines.timers import sweep
from workflow.errors import TransitionNotAllowed
from workflow.models import CaseDeadline, WorkItem
from workflow.notifications.models import Notification
from workflow.votes.models import Vote
from workflow.votes.services import NOT_OPEN, vote_close, vote_record_tally

from .conftest import at, close_vote

pytestmark = pytest.mark.django_db
TERM_ENDS = dt.date(2027, 3, 17)
LAPSED = "变更失效"


@pytest.fixture
def voting(walk, people, upload, clock):
    """A contract in its renewal window whose variation both chiefs confirmed, with the congress vote open."""
    case = walk("in_force")
    assert case.expires_on == TERM_ENDS
    sweep(now=at(dt.date(2026, 12, 18), hour=1))
    clock.set(dt.date(2026, 12, 21))
    varied = upload(case, people.chair, "变更后文本 v2", previous=case.passed_document)
    for who in (people.employer1, people.chair):
        svc.contract_vary(case=case, actor=who, grounds="agreed", document=varied)
    svc.contract_submit_to_congress(case=case, actor=people.chair, method="paper")
    case = Contract.objects.get(pk=case.pk)
    assert case.state == "congress_vote"
    return case


def told(case) -> set[str]:
    return set(Notification.objects.filter(case_id=case.pk, title__contains=LAPSED).values_list(
        "user__username", flat=True))


@pytest.fixture
def sweep_committed(django_capture_on_commit_callbacks):
    """The sweep, with what it hands on after commit run (the chiefs' notice is a worker's task)."""

    def go(now):
        with django_capture_on_commit_callbacks(execute=True):
            return sweep(now=now)

    return go


def test_a_vote_closed_on_the_last_day_of_the_term_counts(voting, people, clock, sweep_committed):
    sweep(now=at(TERM_ENDS, hour=23))
    assert Contract.objects.get(pk=voting.pk).state == "congress_vote"
    clock.set(TERM_ENDS, hour=23)
    case = close_vote(voting, people.committee, present=6, yes=6, now=at(TERM_ENDS, hour=23))
    assert case.state == "passed" and Vote.objects.get(pk=case.vote_id).passed is True
    sweep_committed(at(TERM_ENDS + dt.timedelta(days=1), hour=0))
    case = Contract.objects.get(pk=case.pk)
    assert case.state == "expired" and told(case) == {"chair", "employer1"}  # the variation never got signed


def test_the_day_after_the_term_the_variation_lapses_and_its_vote_is_cancelled(
    voting, people, clock, api, sweep_committed
):
    day_after = TERM_ENDS + dt.timedelta(days=1)
    sweep_committed(at(day_after, hour=0))
    case = Contract.objects.get(pk=voting.pk)
    vote = Vote.objects.get(pk=case.vote_id)
    assert case.state == "expired"
    assert (vote.status, vote.passed, vote.arithmetic["cancelled"]) == ("closed", None, True)
    assert "第四十条" in vote.arithmetic["reason"]
    event = case_events(case).last()
    assert (event.action, event.to_state) == ("expire", "expired")
    assert event.payload["variation_lapsed"] == "congress_vote" and event.payload["vote_cancelled"] == vote.pk
    assert told(case) == {"chair", "employer1"}
    assert notify_variation_lapsed(case.pk) == 0 and told(case) == {"chair", "employer1"}  # a rerun sends none again
    assert Notification.objects.filter(case_id=case.pk, title__contains=LAPSED).count() == 2
    assert not CaseDeadline.objects.filter(case_id=case.pk, status="open").exists()
    assert not WorkItem.objects.filter(case_id=case.pk, process_key="contracts").exists()

    # Nothing more can be counted or decided on the cancelled vote, and the contract stays expired.
    clock.set(day_after, hour=9)
    events = case_events(case).count()
    with pytest.raises(TransitionNotAllowed, match=str(NOT_OPEN)):
        vote_record_tally(vote=vote, user=people.committee, present=6, yes=6, no=0, abstain=0, invalid=0)
    with pytest.raises(TransitionNotAllowed, match=str(NOT_OPEN)):
        vote_close(vote=vote, user=people.committee)
    assert Contract.objects.get(pk=case.pk).state == "expired" and case_events(case).count() == events
    r = api(people.chair).get(f"/api/v1/votes/{vote.pk}/")
    assert r.status_code == 200 and r.json()["result"]["cancelled"] is True

    # The renewal is the way on (第三十八条): started from the expired contract, once.
    r = api(people.chair).post("/api/v1/contracts/", {"organisation": "acme", "kind": "wage",
                                                       "renewal_of": case.reference}, format="json")
    assert r.status_code == 201, r.json()
    assert Contract.objects.get(pk=r.json()["id"]).renewed_from_id == case.pk
