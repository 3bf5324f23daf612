"""Concurrent conflicting actions on one case leave exactly one winner.

Two committee members act on the same submitted case at the same moment, each in its
own thread with its own database connection. The service locks the case row
(``select_for_update``), so one transition commits and the other sees the new state and
is refused with a 409 (TransitionNotAllowed, or StaleVersion when it raced on the
version). Exactly one decision event is in the audit log and the flow finished the
decision step exactly once. Real row locks need PostgreSQL; SQLite serialises whole
transactions and cannot show this.
"""

import threading

import pytest
from django.db import connection, connections

from tests.example_process.models import ExampleRequest
from workflow import flowkit, services
from workflow.audit import case_events, chain_valid
from workflow.errors import ServiceError, StaleVersion, TransitionNotAllowed
from workflow.roles import Role

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks (SELECT ... FOR UPDATE); SQLite locks the whole database file",
    ),
]

ROUNDS = 20
DECISIONS = {"approve", "reject"}


@pytest.fixture
def people(flushable_audit_table, orgs, make_user):
    return type(
        "People",
        (),
        {
            "member": make_user("m1", Role.MEMBER, org=orgs.acme),
            "c1": make_user("c1", Role.UNION_COMMITTEE, Role.MEMBER, org=orgs.acme),
            "c2": make_user("c2", Role.UNION_COMMITTEE, Role.MEMBER, org=orgs.acme),
        },
    )


def submitted_case(people, n):
    case = services.create_case(
        process="examples", user=people.member, data={"organisation": "acme", "title": f"Race {n}", "amount": 10}
    )
    services.perform_transition(process="examples", case_id=case.pk, name="submit", user=people.member)
    return case


def race(case_id, attempts):
    """Run ``attempts`` (user, transition name, data) at once; returns one outcome each."""
    barrier = threading.Barrier(len(attempts))
    outcomes = [None] * len(attempts)

    def attempt(i, user, name, data):
        try:
            barrier.wait(timeout=10)
            case = services.perform_transition(
                process="examples", case_id=case_id, name=name, user=user, data=data, expected_version=2
            )
            outcomes[i] = ("ok", name, case.state)
        except ServiceError as exc:
            outcomes[i] = ("refused", name, exc)
        except Exception as exc:  # a deadlock or a 500 would be a bug: keep it for the assertion
            outcomes[i] = ("crashed", name, exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(i, *a)) for i, a in enumerate(attempts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a racing transition hung"
    return outcomes


def assert_one_winner(case_id, outcomes):
    winners = [o for o in outcomes if o[0] == "ok"]
    losers = [o for o in outcomes if o[0] != "ok"]
    assert len(winners) == 1, outcomes
    assert len(losers) == 1, outcomes
    status, _name, exc = losers[0]
    assert status == "refused", outcomes
    assert isinstance(exc, (TransitionNotAllowed, StaleVersion)) and exc.status == 409

    case = ExampleRequest.objects.get(pk=case_id)
    winner_name = winners[0][1]
    assert case.state == {"approve": "approved", "reject": "rejected"}[winner_name]
    assert case.version == 3
    decisions = [e for e in case_events(case) if e.action in DECISIONS]
    assert [e.action for e in decisions] == [winner_name]
    assert chain_valid(case)

    # The flow moved past "decide" exactly once and ended.
    tasks = case.process.task_set.filter(flow_task_type="HUMAN")
    decide = [t for t in tasks if t.flow_task.name == "decide"]
    assert len(decide) == 1 and decide[0].status == "DONE"
    assert flowkit.open_step_task(case) is None
    assert case.process.status == "DONE"


@pytest.mark.django_db(transaction=True)
def test_approve_races_reject_one_winner(people):
    for n in range(ROUNDS):
        case = submitted_case(people, n)
        # Alternate who starts first so neither thread is always favoured.
        attempts = [(people.c1, "approve", {}), (people.c2, "reject", {"reason": "不符合条件 Not eligible"})]
        if n % 2:
            attempts.reverse()
        assert_one_winner(case.pk, race(case.pk, attempts))


@pytest.mark.django_db(transaction=True)
def test_approve_races_approve_one_winner(people):
    for n in range(ROUNDS):
        case = submitted_case(people, n)
        assert_one_winner(case.pk, race(case.pk, [(people.c1, "approve", {}), (people.c2, "approve", {})]))


def test_a_transition_locks_its_case_and_not_its_organisation(people, orgs):
    """While one case of ACME is mid-transition, other cases of ACME can still be created
    and moved: the service locks the case row, not the organisation row it joins."""
    from django.db import OperationalError, transaction

    from workflow.models import Organisation

    case = submitted_case(people, 1)
    held, release = threading.Event(), threading.Event()

    def hold_the_case_lock():
        try:
            with transaction.atomic():
                services.get_visible_case(process="examples", case_id=case.pk, user=people.c1, lock=True)
                held.set()
                release.wait(timeout=10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_the_case_lock)
    holder.start()
    try:
        assert held.wait(timeout=10)
        with connection.cursor() as cursor:
            # What inserting another ACME case needs (FOR KEY SHARE on the organisation): free.
            cursor.execute(
                f"SELECT id FROM {Organisation._meta.db_table} WHERE id = %s FOR KEY SHARE NOWAIT", [orgs.acme.pk]
            )
            cursor.execute(
                f"SELECT id FROM {Organisation._meta.db_table} WHERE id = %s FOR UPDATE NOWAIT", [orgs.acme.pk]
            )
            # The case itself is locked.
            with pytest.raises(OperationalError):
                cursor.execute(f"SELECT id FROM {ExampleRequest._meta.db_table} WHERE id = %s FOR UPDATE NOWAIT", [case.pk])
    finally:
        release.set()
        holder.join(timeout=20)
    assert not holder.is_alive()
