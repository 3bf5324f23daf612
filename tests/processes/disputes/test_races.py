"""Races on one dispute: the row lock leaves one winner (PostgreSQL; SQLite serialises whole transactions).

Run with ``DATABASE_URL=postgres://…/uf_disputes``.
"""

import threading

import pytest
from django.db import connection, connections

from processes.disputes import services as svc
from processes.disputes.models import Dispute
from workflow.audit import case_events, chain_valid
from workflow.documents.models import Signature
from workflow.errors import ServiceError

from .conftest import DAY0, PASSWORD, at

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def race(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=10)
            outcomes[i] = ("ok", call())
        except ServiceError as exc:
            outcomes[i] = ("refused", exc)
        except Exception as exc:  # a deadlock or a 500 is a bug
            outcomes[i] = ("crashed", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_accept_races_decline_one_winner(flushable_audit_table, people, orgs, walk):
    case = walk("consented")
    outcomes = race(
        lambda: svc.dispute_accept(case=case, actor=people.mediator1, now=at(DAY0)),
        lambda: svc.dispute_decline(case=case, actor=people.mediator2, reason="out_of_scope", now=at(DAY0)),
    )
    assert sorted(o[0] for o in outcomes) == ["ok", "refused"], outcomes
    loser = next(o[1] for o in outcomes if o[0] == "refused")
    assert loser.status == 409
    case = Dispute.objects.get(pk=case.pk)
    decided = [e.action for e in case_events(case) if e.action in ("accept", "decline")]
    assert len(decided) == 1 and case.state in ("accepted", "declined") and chain_valid(case)


@pytest.mark.django_db(transaction=True)
def test_the_last_two_signatures_at_once_make_one_agreement(flushable_audit_table, people, walk):
    """The applicant and the employer sign at the same moment after the mediator: both signatures
    count, the case is agreed exactly once."""
    case = walk("agreement_drafted")
    sha = case.agreement_document.sha256
    svc.dispute_sign_agreement(case=case, actor=people.mediator1, sha256=sha, password=PASSWORD, now=at(DAY0))
    outcomes = race(
        *[lambda who=who: svc.dispute_sign_agreement(case=case, actor=who, sha256=sha, password=PASSWORD,
                                                     now=at(DAY0))
          for who in (people.member, people.employer)]
    )
    assert [o[0] for o in outcomes] == ["ok", "ok"], outcomes
    case = Dispute.objects.get(pk=case.pk)
    assert case.state == "agreed"
    assert Signature.objects.filter(document=case.agreement_document).count() == 3
    assert [e.to_state for e in case_events(case) if e.action == "sign_agreement"].count("agreed") == 1
    assert chain_valid(case)
