"""A vote whose subject has ended is closed as cancelled: uncounted, deciding nothing, and closed for good."""

import pytest

from tests.example_process.models import ExampleRequest
from tests.workflow.votes.helpers import add_representatives, ballot, case_put_to_vote, page
from workflow.audit import case_events
from workflow.votes.models import Vote
from workflow.votes.services import vote_cancel

pytestmark = pytest.mark.django_db


def test_a_cancelled_vote_decides_nothing_and_takes_no_more_ballots(people, orgs, term, api, client):
    reps = add_representatives(orgs.acme, term, 6)
    case, vote = case_put_to_vote(api, people, rule="contract", method="electronic")
    assert ballot(api, reps[0], vote).status_code == 201
    events = case_events(case).count()

    assert vote_cancel(vote_id=vote.pk, reason="主体已终止 The subject has ended.") is True
    vote.refresh_from_db()
    assert (vote.status, vote.passed, vote.arithmetic) == (
        "closed", None, {"cancelled": True, "reason": "主体已终止 The subject has ended."})
    assert ExampleRequest.objects.get(pk=case.pk).state == "voting"  # no pass or fail transition ran
    assert case_events(case).count() == events  # the caller's transition records it

    assert ballot(api, reps[1], vote).status_code == 409
    assert api(people.chair).post(f"/api/v1/votes/{vote.pk}/close/", {}, format="json").status_code == 409
    assert api(people.chair).get(f"/api/v1/votes/{vote.pk}/").json()["result"]["cancelled"] is True
    assert "已取消 Cancelled" in page(client, people.chair, f"/votes/{vote.pk}/").content.decode()
    assert vote_cancel(vote_id=vote.pk, reason="again") is False  # only an open vote is cancelled
    assert Vote.objects.get(pk=vote.pk).arithmetic["reason"] == "主体已终止 The subject has ended."
