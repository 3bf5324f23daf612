"""Racing signatures on one contract: no signature is lost and none is counted twice.

Each attempt runs in its own thread with its own connection; the service locks the case row.
Real row locks need PostgreSQL; SQLite serialises whole transactions and cannot show this.
"""

import threading

import pytest
from django.db import connection, connections

from processes.contracts import services as svc
from processes.contracts.models import Contract
from workflow.audit import case_events, chain_valid
from workflow.documents.models import Signature
from workflow.errors import ServiceError
from workflow.models import CaseDeadline

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def race(case, actors):
    barrier = threading.Barrier(len(actors))
    outcomes = [None] * len(actors)

    def attempt(i, user):
        try:
            barrier.wait(timeout=10)
            outcomes[i] = ("ok", svc.contract_sign(case=case, actor=user).state)
        except ServiceError as exc:
            outcomes[i] = ("refused", exc)
        except Exception as exc:  # a deadlock or a 500 would be a bug
            outcomes[i] = ("crashed", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(i, u)) for i, u in enumerate(actors)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_both_chiefs_signing_at_once_sign_once_each(flushable_audit_table, walk, people):
    case = walk("passed")
    outcomes = race(case, [people.chair, people.employer1])
    assert [o[0] for o in outcomes] == ["ok", "ok"], outcomes
    case = Contract.objects.get(pk=case.pk)
    assert case.state == "signed" and case.union_signed_at and case.employer_signed_at
    assert [e.action for e in case_events(case)].count("sign") == 2 and chain_valid(case)
    assert Signature.objects.filter(document=case.passed_document).count() == 2
    assert CaseDeadline.objects.filter(case_id=case.pk, rule_id="contract.filing", status="open").count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_chief_signing_twice_at_once_has_one_winner(flushable_audit_table, walk, people):
    case = walk("passed")
    outcomes = race(case, [people.chair, people.chair])
    assert sorted(o[0] for o in outcomes) == ["ok", "refused"], outcomes
    refused = next(o[1] for o in outcomes if o[0] == "refused")
    assert refused.status == 409
    case = Contract.objects.get(pk=case.pk)
    assert case.state == "passed" and [e.action for e in case_events(case)].count("sign") == 1
    assert Signature.objects.filter(document=case.passed_document).count() == 1
