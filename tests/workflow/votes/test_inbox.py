"""An open electronic vote is in each elector's inbox, with a link to the ballot, until they vote."""

from tests.workflow.votes.helpers import add_representatives, ballot, case_put_to_vote, page
from workflow.inbox import inbox_for


def _vote_items(user):
    return [i for i in inbox_for(user) if i["kind"] == "vote"]


def test_an_elector_finds_the_open_vote_in_the_inbox_until_voting(electronic, api, client):
    """Given an open electronic vote, each elector's inbox links to its ballot; once cast, it is gone."""
    rep = electronic.reps[0]
    [item] = _vote_items(rep)
    assert item["reference"] == electronic.case.reference and item["url"] == f"/votes/{electronic.vote.pk}/"
    html = page(client, rep, "/inbox/").content.decode()
    assert f'href="/votes/{electronic.vote.pk}/"' in html and "投票 Cast your ballot" in html
    assert ballot(api, rep, electronic.vote).status_code == 201
    assert _vote_items(rep) == []
    assert len(_vote_items(electronic.reps[1])) == 1


def test_no_vote_item_for_a_non_elector(people, orgs, term, api, electronic):
    """The committee member who opened it is no elector; a paper vote is the secretary's tally."""
    assert _vote_items(people.committee) == []
    later = add_representatives(orgs.acme, term, 2, prefix="late")
    assert _vote_items(later[0]) == []  # the electorate was frozen when the vote opened


def test_a_paper_vote_is_not_in_the_inbox(people, orgs, term, api):
    reps = add_representatives(orgs.acme, term, 3)
    case_put_to_vote(api, people, rule="resolution", method="paper")
    assert _vote_items(reps[0]) == []
