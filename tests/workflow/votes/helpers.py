"""Helpers of the vote tests: representatives, a case put to the vote, ballots, tallies, pages."""

import datetime as dt

from django.contrib.auth import get_user_model

from tests.example_process.models import ExampleRequest
from workflow.models import RoleAssignment
from workflow.roles import Role
from workflow.votes.models import BallotBoxCount, Vote


def add_representatives(org, term, count, prefix="rep"):
    users = get_user_model().objects.bulk_create(
        [get_user_model()(username=f"{prefix}{i:03d}") for i in range(count)]
    )
    users = list(get_user_model().objects.filter(username__startswith=prefix).order_by("username"))
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(user=u, organisation=org, role=Role.REPRESENTATIVE, valid_from=dt.date(2000, 1, 1), term=term)
            for u in users
        ]
    )
    return users


def case_put_to_vote(api, people, **vote_input):
    r = api(people.member).post("/api/v1/examples/", {"organisation": "acme", "title": "食堂", "amount": 1}, format="json")
    case_id = r.json()["id"]
    assert api(people.member).post(f"/api/v1/examples/{case_id}/transitions/submit/", {}, format="json").status_code == 200
    r = api(people.committee).post(f"/api/v1/examples/{case_id}/transitions/put_to_vote/", vote_input, format="json")
    assert r.status_code == 200, r.content
    case = ExampleRequest.objects.get(pk=case_id)
    return case, Vote.objects.get(case_id=case_id, status="open")


def tally(api, user, vote, **counts):
    return api(user).post(f"/api/v1/votes/{vote.pk}/tally/", counts, format="json")


def ballot(api, user, vote, choice="yes"):
    return api(user).post(f"/api/v1/votes/{vote.pk}/ballot/", {"choice": choice}, format="json")


def ballot_box(vote) -> dict:
    """The vote's ballot box as {choice: count}."""
    return dict(BallotBoxCount.objects.filter(vote=vote).values_list("choice", "count"))


def page(client, user, url, data=None):
    client.force_login(user)
    return client.post(url, data) if data is not None else client.get(url)


