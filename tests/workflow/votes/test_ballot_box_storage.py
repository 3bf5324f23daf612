"""What the database holds: one counted ballot under a race, no transaction id naming a choice, old ballots folded in."""

import threading

import pytest
from django.db import connection, connections
from django.db.models import Sum

from tests.workflow.votes.helpers import add_representatives, ballot_box, case_put_to_vote
from workflow.errors import ServiceError
from workflow.roles import Role
from workflow.votes.models import BallotBoxCount, Turnout
from workflow.votes.services import vote_cast


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
def test_simultaneous_ballots_of_one_voter_count_once(flushable_audit_table, orgs, make_user, term, api):
    people = type("P", (), {
        "member": make_user("m1", Role.MEMBER, org=orgs.acme),
        "committee": make_user("c1", Role.UNION_COMMITTEE, Role.MEMBER, org=orgs.acme),
    })
    reps = add_representatives(orgs.acme, term, 3)
    _case, vote = case_put_to_vote(api, people)
    barrier = threading.Barrier(4)
    outcomes = []

    def attempt(choice):
        try:
            barrier.wait(timeout=10)
            vote_cast(vote=vote, user=reps[0], choice=choice)
            outcomes.append("ok")
        except ServiceError as exc:
            outcomes.append(exc.status)
        except Exception as exc:  # a deadlock or a 500 would be a bug: keep it for the assertion
            outcomes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(c,)) for c in ("yes", "no", "yes", "abstain")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes, key=str) == [409, 409, 409, "ok"]
    assert BallotBoxCount.objects.filter(vote=vote).aggregate(n=Sum("count"))["n"] == 1
    assert Turnout.objects.filter(vote=vote).count() == 1


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL transaction ids (xmin)")
def test_transaction_ids_of_the_ballot_box_do_not_single_out_a_choice(flushable_audit_table, orgs, make_user, term, api):
    """Each ballot commits on its own; its turnout row and the ballot box carry its transaction
    id (xmin). Every cast rewrites all the counters, so they all carry the last voter's id, and
    no voter's id marks the one counter they chose."""
    people = type("P", (), {
        "member": make_user("m1", Role.MEMBER, org=orgs.acme),
        "committee": make_user("c1", Role.UNION_COMMITTEE, Role.MEMBER, org=orgs.acme),
    })
    reps = add_representatives(orgs.acme, term, 3)
    _case, vote = case_put_to_vote(api, people)
    for rep, choice in zip(reps, ["yes", "no", "abstain"], strict=True):
        vote_cast(vote=vote, user=rep, choice=choice)

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT user_id, xmin::text FROM {Turnout._meta.db_table} WHERE vote_id = %s", [vote.pk])
        turnout_xid = dict(cursor.fetchall())
        cursor.execute(f"SELECT choice, xmin::text FROM {BallotBoxCount._meta.db_table} WHERE vote_id = %s", [vote.pk])
        counter_xid = dict(cursor.fetchall())
    assert len(set(turnout_xid.values())) == 3  # three transactions, told apart by their ids
    assert set(counter_xid) == {"yes", "no", "abstain"}
    assert set(counter_xid.values()) == {turnout_xid[reps[2].pk]}
    assert ballot_box(vote) == {"yes": 1, "no": 1, "abstain": 1}


# Upgrading from one row per ballot ---------------------------------------------------------

BEFORE_COUNTERS = ("votes", "0003_ballot_box_count")


def test_ballots_of_an_open_vote_are_folded_into_the_ballot_box(flushable_audit_table, orgs, make_user, term, api):
    """Ballots cast as rows before the ballot box existed are counted in it after the
    migration, and closing the vote decides on them; going back writes them out again."""
    from django.db.migrations.executor import MigrationExecutor

    people = type("P", (), {
        "member": make_user("m1", Role.MEMBER, org=orgs.acme),
        "committee": make_user("c1", Role.UNION_COMMITTEE, Role.MEMBER, org=orgs.acme),
    })
    reps = add_representatives(orgs.acme, term, 3)
    case, vote = case_put_to_vote(api, people, rule="resolution", method="electronic")
    _paper_case, paper_vote = case_put_to_vote(api, people, rule="resolution", method="paper")
    vote_cast(vote=vote, user=reps[0], choice="yes")
    vote_cast(vote=vote, user=reps[1], choice="no")

    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes("votes")
    try:
        executor.migrate([BEFORE_COUNTERS])
        old_apps = executor.loader.project_state([BEFORE_COUNTERS]).apps
        old_ballots = old_apps.get_model("votes", "Ballot").objects
        assert sorted(old_ballots.filter(vote_id=vote.pk).values_list("choice", flat=True)) == ["no", "yes"]
        assert not old_apps.get_model("votes", "BallotBoxCount").objects.exists()
        # The third representative votes as the old code recorded it: a turnout row and a ballot row.
        old_apps.get_model("votes", "Turnout").objects.create(vote_id=vote.pk, user_id=reps[2].pk, voted_at=vote.opened_at)
        old_ballots.create(vote_id=vote.pk, choice="yes")
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)

    assert ballot_box(vote) == {"yes": 2, "no": 1, "abstain": 0}
    assert ballot_box(paper_vote) == {}
    r = api(people.committee).post(f"/api/v1/votes/{vote.pk}/close/", {}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["result"]["arithmetic"]["yes"] == 2 and r.json()["result"]["passed"] is True
    case.refresh_from_db()
    assert case.state == "adopted"
