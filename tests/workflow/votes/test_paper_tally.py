"""Paper tallies entered by the congress secretary, closing by the rule, and who may do it."""

import datetime as dt

import pytest

from tests.example_process.models import ExampleRequest
from tests.workflow.votes.helpers import add_representatives, case_put_to_vote, tally
from workflow.audit import case_events, chain_valid
from workflow.votes.models import BallotBoxCount, Turnout, Vote


@pytest.mark.parametrize(
    ("rule", "present", "yes", "state"),
    [
        ("contract", 120, 90, "adopted"),
        ("resolution", 120, 90, "not_adopted"),
        ("resolution", 120, 91, "adopted"),
        ("contract", 119, 119, "not_adopted"),
        ("resolution", 119, 119, "not_adopted"),
    ],
)
def test_paper_vote_of_180_moves_the_case_by_its_rule(people, orgs, term, api, rule, present, yes, state):
    add_representatives(orgs.acme, term, 180)
    case, vote = case_put_to_vote(api, people, rule=rule, method="paper")
    assert vote.n == 180 and case.state == "voting"

    rest = present - yes
    r = tally(api, people.committee, vote, present=present, yes=yes, no=rest, abstain=0, invalid=0)
    assert r.status_code == 200, r.content
    r = api(people.chair).post(f"/api/v1/votes/{vote.pk}/close/", {}, format="json")
    assert r.status_code == 200, r.content

    case.refresh_from_db()
    vote.refresh_from_db()
    assert case.state == state
    assert vote.status == "closed" and vote.passed is (state == "adopted")
    assert vote.arithmetic["n"] == 180 and vote.arithmetic["quorum"] == 120
    assert vote.arithmetic["present"] == present and vote.arithmetic["yes"] == yes
    assert vote.arithmetic["yes_needed"] == (90 if rule == "contract" else 91)
    assert r.json()["result"]["arithmetic"] == vote.arithmetic
    actions = [e.action for e in case_events(case)]
    assert actions == ["create", "submit", "vote_open", "put_to_vote", "vote_tally", "vote_close", state.replace("ed", "")]
    assert chain_valid(case)


@pytest.mark.parametrize(
    ("counts", "field"),
    [
        ({"present": 120, "yes": 90, "no": 20, "abstain": 5, "invalid": 4}, "present"),  # 119 ≠ 120
        ({"present": 181, "yes": 181, "no": 0, "abstain": 0, "invalid": 0}, "present"),  # more than N
        ({"present": 120, "yes": -1, "no": 121, "abstain": 0, "invalid": 0}, "yes"),
        ({"present": "many", "yes": 0, "no": 0, "abstain": 0, "invalid": 0}, "present"),
        ({"present": 10, "yes": 10, "no": 0, "abstain": 0}, "invalid"),
    ],
)
def test_bad_tally_is_400_and_changes_nothing(people, orgs, term, api, counts, field):
    add_representatives(orgs.acme, term, 180)
    case, vote = case_put_to_vote(api, people, rule="contract", method="paper")
    events = case_events(case).count()
    r = tally(api, people.committee, vote, **counts)
    assert r.status_code == 400, r.content
    assert field in r.json()["fields"]
    vote.refresh_from_db()
    assert vote.tally_present is None
    assert case_events(case).count() == events


def test_only_the_secretary_tallies_and_closes(people, orgs, term, api):
    reps = add_representatives(orgs.acme, term, 6)
    case, vote = case_put_to_vote(api, people, rule="contract", method="paper")
    counts = {"present": 6, "yes": 6, "no": 0, "abstain": 0, "invalid": 0}
    assert tally(api, reps[0], vote, **counts).status_code == 403
    assert tally(api, people.outsider, vote, **counts).status_code == 404
    assert api(reps[0]).post(f"/api/v1/votes/{vote.pk}/close/", {}, format="json").status_code == 403
    vote.refresh_from_db()
    assert vote.tally_present is None and vote.status == "open"
    # Closing without a tally is refused; a ballot on a paper vote too.
    assert api(people.chair).post(f"/api/v1/votes/{vote.pk}/close/", {}, format="json").status_code == 409
    r = api(reps[0]).post(f"/api/v1/votes/{vote.pk}/ballot/", {"choice": "yes"}, format="json")
    assert r.status_code == 409 and not Turnout.objects.exists()
    # A paper vote has no ballot box at all.
    assert not BallotBoxCount.objects.exists()
    case.refresh_from_db()
    assert case.state == "voting"


def test_vote_needs_a_current_term(people, orgs, api, term):
    """Without a current congress term there is no electorate: putting to the vote is refused."""
    term.ends_on = dt.date(2001, 1, 1)
    term.starts_on = dt.date(2000, 1, 1)
    term.save()
    r = api(people.member).post("/api/v1/examples/", {"organisation": "acme", "title": "t", "amount": 1}, format="json")
    case_id = r.json()["id"]
    api(people.member).post(f"/api/v1/examples/{case_id}/transitions/submit/", {}, format="json")
    r = api(people.committee).post(f"/api/v1/examples/{case_id}/transitions/put_to_vote/", {}, format="json")
    assert r.status_code == 409 and r.json()["rule"] == "vote.current_term"
    assert ExampleRequest.objects.get(pk=case_id).state == "submitted"
    assert not Vote.objects.exists()
