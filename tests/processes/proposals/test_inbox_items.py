"""What a participant is expected to do on a proposal is in their inbox, and requests acted on are done.

A co-department's countersign (会签) appears in its staff's inbox until it countersigns; an
invited co-signer's item says "附议 Co-sign" (only the proposer submits); notifications asking
for a step are marked done once the step is taken or the case closes.
"""

import pytest

from processes.proposals import services as svc
from workflow.inbox import inbox_for
from workflow.notifications.models import Notification

from .conftest import DAY0, at

pytestmark = pytest.mark.django_db


def _items(user, kind=None):
    return [i for i in inbox_for(user) if kind is None or i["kind"] == kind]


@pytest.fixture
def handling(walk, people, orgs):
    """A proposal the lead department (dept1) handles, with acme-hr (dept2) as co-department."""
    case = walk("accepted", title="更换车间照明灯具")
    svc.proposal_assign(case=case, actor=people.review1, lead_department=orgs.dept,
                        co_departments=[people.dept2_org], now=at(DAY0))
    return svc.proposal_acknowledge(case=case, actor=people.dept1, now=at(DAY0))


def test_a_co_department_finds_its_countersign_in_the_inbox_until_it_countersigns(handling, people, client):
    [item] = _items(people.dept2)
    assert (item["kind"], item["reference"], item["task"]) == ("countersign", handling.reference, "会签 Countersign")
    assert item["due_at"] is not None  # due with the reply
    client.force_login(people.dept2)
    html = client.get("/inbox/").content.decode()
    assert "会签 Countersign" in html and f'href="/proposals/{handling.pk}/"' in html and "更换车间照明灯具" in html
    svc.proposal_countersign(case=handling, actor=people.dept2, opinion="同意。", now=at(DAY0))
    assert _items(people.dept2) == []
    # The lead department's own step is untouched by the countersign item.
    assert [i["kind"] for i in _items(people.dept1)] == ["step"]


def test_a_re_handling_round_asks_for_a_fresh_countersign(handling, people):
    svc.proposal_countersign(case=handling, actor=people.dept2, opinion="同意。", now=at(DAY0))
    case = svc.proposal_reply(case=handling, actor=people.dept1, text="已更换。", classification="A", now=at(DAY0))
    assert _items(people.dept2) == []  # replied: nothing to countersign
    svc.proposal_rate(case=case, actor=people.rep1, rating="unsatisfied", comment="没有更换。", now=at(DAY0))
    case.refresh_from_db()
    assert case.state == "rehandling"
    assert [i["kind"] for i in _items(people.dept2)] == ["countersign"]


def test_an_invited_co_signer_is_asked_to_co_sign_and_the_proposer_to_submit(walk, people):
    case = walk("cosigning")
    [cosign] = _items(people.rep2)
    assert cosign["task"] == "附议 Co-sign" and cosign["reference"] == case.reference
    [submit] = _items(people.rep1)
    assert "Co-sign" not in submit["task"] and "submit" in submit["task"]


def test_requests_are_done_once_the_step_is_taken(walk, people, django_capture_on_commit_callbacks):
    """Given the invitations sent, rep2 co-signs: only rep2's request is done; submitting closes them all."""
    with django_capture_on_commit_callbacks(execute=True):
        case = walk("cosigning")
    requests = Notification.objects.filter(case_id=case.pk, kind="new_task")
    assert set(requests.values_list("user__username", flat=True)) >= {"rep2", "rep3"}
    assert not requests.filter(done_at__isnull=False).exists()
    with django_capture_on_commit_callbacks(execute=True):
        svc.proposal_cosign(case=case, actor=people.rep2, now=at(DAY0))
    assert set(requests.filter(done_at__isnull=False).values_list("user__username", flat=True)) == {"rep2"}
    assert requests.get(user=people.rep2).read_at is not None  # done is no longer unread
    with django_capture_on_commit_callbacks(execute=True):
        svc.proposal_cosign(case=case, actor=people.rep3, now=at(DAY0))
        svc.proposal_submit(case=case, actor=people.rep1, now=at(DAY0))
    # Every request sent before the submission is done; the committee's new request is open.
    open_requests = requests.filter(done_at__isnull=True)
    assert set(open_requests.values_list("user__username", flat=True)) == {"review1", "review2"}


def test_the_notification_list_shows_a_done_request_as_done(walk, people, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = walk("cosigning")
    svc.proposal_cosign(case=case, actor=people.rep2, now=at(DAY0))
    client.force_login(people.rep2)
    html = client.get("/notifications/").content.decode()
    assert 'data-done="1"' in html and "已办结 Done" in html
    assert client.get("/api/v1/notifications/").json()["unread_count"] == 0


def test_steps_taken_in_one_transaction_announce_only_what_is_still_to_do(walk, django_capture_on_commit_callbacks):
    """Filed, co-signed and submitted in one go (a batch, the demo): nobody is asked for a step already done."""
    with django_capture_on_commit_callbacks(execute=True):
        case = walk("submitted")
    asked = set(Notification.objects.filter(case_id=case.pk, kind="new_task").values_list("user__username", flat=True))
    assert asked == {"review1", "review2"}  # the committee's review, not the draft or the co-signatures
