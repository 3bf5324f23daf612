"""Electronic secret ballots counted in a ballot box of counters, and closing."""

import datetime as dt

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import F

from tests.workflow.votes.helpers import add_representatives, ballot, ballot_box, case_put_to_vote
from workflow.audit import case_events
from workflow.models import CongressTerm
from workflow.roles import Role
from workflow.votes.models import BallotBoxCount, Choice, Turnout, Vote


def test_an_electronic_vote_opens_with_an_empty_ballot_box(electronic):
    assert ballot_box(electronic.vote) == {"yes": 0, "no": 0, "abstain": 0}


def test_ballots_are_secret(electronic, api):
    e = electronic
    for rep, choice in zip(e.reps, ["yes", "no", "abstain"], strict=True):
        assert ballot(api, rep, e.vote, choice).status_code == 201
    # The ballot box holds one counter per choice, not one row per ballot.
    assert sorted(BallotBoxCount.objects.values_list("choice", "count")) == [("abstain", 1), ("no", 1), ("yes", 1)]
    assert set(Turnout.objects.values_list("user_id", flat=True)) == {r.pk for r in e.reps}
    cast = [ev for ev in case_events(e.case) if ev.action == "ballot_cast"]
    assert len(cast) == 3
    assert all(ev.payload == {"vote": e.vote.pk} for ev in cast)
    # While open, the API reports turnout but no counts of choices.
    body = api(e.reps[0]).get(f"/api/v1/votes/{e.vote.pk}/").json()
    assert body["turnout"] == 3 and body["result"] is None and body["me"]["voted"] is True


def test_the_database_holds_no_row_per_ballot(electronic, api):
    """After three ballots the database holds the three counters of the ballot box, counted
    1/1/1, and nothing that names or orders a ballot: no row is added by casting, and no
    model pointing at a vote keeps a choice per voter."""
    e = electronic
    counter_ids = set(BallotBoxCount.objects.filter(vote=e.vote).values_list("pk", flat=True))
    for rep, choice in zip(e.reps, ["yes", "no", "abstain"], strict=True):
        assert ballot(api, rep, e.vote, choice).status_code == 201
    assert BallotBoxCount.objects.filter(vote=e.vote).count() == 3
    assert ballot_box(e.vote) == {"yes": 1, "no": 1, "abstain": 1}
    # The same rows as when the vote opened, before any ballot: their keys say nothing of the ballots.
    assert set(BallotBoxCount.objects.filter(vote=e.vote).values_list("pk", flat=True)) == counter_ids

    models_on_votes = [
        model for model in apps.get_models()
        if any(f.many_to_one and f.related_model is Vote for f in model._meta.concrete_fields)
    ]
    assert {m.__name__ for m in models_on_votes} >= {"Elector", "Turnout", "BallotBoxCount"}
    for model in models_on_votes:
        fields = model._meta.concrete_fields
        holds_a_choice = any({value for value, _label in f.choices or []} == set(Choice.values) for f in fields)
        names_a_person = any(f.many_to_one and f.related_model is get_user_model() for f in fields)
        assert not (holds_a_choice and names_a_person), model
        if holds_a_choice:
            # Only the ballot box: one counter per (vote, choice), no time, no voter.
            assert model is BallotBoxCount
            assert {f.name for f in fields} == {"id", "vote", "choice", "count"}
            assert any(set(c.fields) == {"vote", "choice"} for c in model._meta.constraints)


def test_second_ballot_is_409_and_not_counted(electronic, api):
    e = electronic
    assert ballot(api, e.reps[0], e.vote, "yes").status_code == 201
    r = ballot(api, e.reps[0], e.vote, "no")
    assert r.status_code == 409 and r.json()["code"] == "already_voted"
    assert ballot_box(e.vote) == {"yes": 1, "no": 0, "abstain": 0}
    assert Turnout.objects.count() == 1


@pytest.mark.parametrize("who", ["committee", "member"])
def test_non_representative_refused_and_nothing_written(electronic, people, api, who):
    e = electronic
    events = case_events(e.case).count()
    r = ballot(api, getattr(people, who), e.vote)
    assert r.status_code == 403
    assert not Turnout.objects.exists() and ballot_box(e.vote) == {"yes": 0, "no": 0, "abstain": 0}
    assert case_events(e.case).count() == events


def test_outsider_sees_no_vote(electronic, people, api):
    assert api(people.outsider).get("/api/v1/votes/").json()["count"] == 0
    assert api(people.outsider).get(f"/api/v1/votes/{electronic.vote.pk}/").status_code == 404
    assert ballot(api, people.outsider, electronic.vote).status_code == 404
    assert api(people.member).get("/api/v1/votes/").json()["count"] == 1


def test_bad_choice_is_400(electronic, api):
    r = ballot(api, electronic.reps[0], electronic.vote, "maybe")
    assert r.status_code == 400 and "choice" in r.json()["fields"]
    assert not Turnout.objects.exists() and ballot_box(electronic.vote) == {"yes": 0, "no": 0, "abstain": 0}


def test_electorate_is_frozen_when_the_vote_opens(electronic, orgs, term, make_user, api):
    late = make_user("late", Role.REPRESENTATIVE, org=orgs.acme, term=term)
    r = ballot(api, late, electronic.vote)
    assert r.status_code == 403
    assert not Turnout.objects.exists()
    electronic.vote.refresh_from_db()
    assert electronic.vote.n == 3


def test_representative_of_an_earlier_term_is_not_in_the_electorate(people, orgs, term, make_user, api):
    old = CongressTerm.objects.create(
        organisation=orgs.acme, number=4, starts_on=dt.date(2019, 1, 1), ends_on=dt.date(2023, 12, 31)
    )
    old_rep = make_user("old", Role.REPRESENTATIVE, org=orgs.acme, term=old)
    add_representatives(orgs.acme, term, 2)
    _case, vote = case_put_to_vote(api, people)
    assert vote.n == 2
    assert ballot(api, old_rep, vote).status_code == 403


def test_electronic_close_counts_ballots(electronic, people, api):
    """N=3: quorum ⌈2⌉=2, a resolution needs 2 yes. Two yes and one no pass it."""
    e = electronic
    for rep, choice in zip(e.reps, ["yes", "yes", "no"], strict=True):
        ballot(api, rep, e.vote, choice)
    r = api(people.committee).post(f"/api/v1/votes/{e.vote.pk}/close/", {}, format="json")
    assert r.status_code == 200, r.content
    result = r.json()["result"]
    assert result["passed"] is True
    assert result["arithmetic"]["present"] == 3 and result["arithmetic"]["yes"] == 2 and result["arithmetic"]["no"] == 1
    e.case.refresh_from_db()
    assert e.case.state == "adopted"
    # Closed: no more ballots, no second close.
    assert api(people.committee).post(f"/api/v1/votes/{e.vote.pk}/close/", {}, format="json").status_code == 409


@pytest.mark.parametrize(("choice", "change"), [("yes", 1), ("no", -1)])
def test_close_refuses_a_ballot_box_that_does_not_match_the_turnout(electronic, people, api, choice, change):
    """A counter changed behind the service's back: the vote is not closed, no result is published."""
    e = electronic
    for rep, cast in zip(e.reps, ["yes", "no", "no"], strict=True):
        ballot(api, rep, e.vote, cast)
    BallotBoxCount.objects.filter(vote=e.vote, choice=choice).update(count=F("count") + change)
    events = case_events(e.case).count()

    r = api(people.chair).post(f"/api/v1/votes/{e.vote.pk}/close/", {}, format="json")
    assert r.status_code == 409 and r.json()["rule"] == "vote.ballot_box_balanced"
    assert "票箱计数与投票人数不符" in r.json()["detail"]
    e.vote.refresh_from_db()
    assert e.vote.status == "open" and e.vote.passed is None and e.vote.arithmetic == {}
    e.case.refresh_from_db()
    assert e.case.state == "voting" and case_events(e.case).count() == events


def test_ballot_refused_when_the_ballot_box_is_incomplete(electronic, api):
    """A missing counter: the ballot is refused rather than lost, and no turnout is recorded."""
    e = electronic
    BallotBoxCount.objects.filter(vote=e.vote, choice="abstain").delete()
    r = ballot(api, e.reps[0], e.vote, "yes")
    assert r.status_code == 409 and r.json()["rule"] == "vote.ballot_box_complete"
    assert not Turnout.objects.exists() and ballot_box(e.vote) == {"yes": 0, "no": 0}


def test_electronic_close_without_quorum_fails(electronic, people, api):
    ballot(api, electronic.reps[0], electronic.vote, "yes")
    r = api(people.chair).post(f"/api/v1/votes/{electronic.vote.pk}/close/", {}, format="json")
    assert r.json()["result"]["quorum_met"] is False
    electronic.case.refresh_from_db()
    assert electronic.case.state == "not_adopted"
    assert ballot(api, electronic.reps[1], electronic.vote).status_code == 409
