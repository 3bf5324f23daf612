"""Fifty disbursement requests for one approved aid case at once, over HTTP: the fund pays once.

A finance officer's double click, a retried form and a second officer all send 发放 Disburse
for the same case at the same moment (each a real HTTP request with its own connection and
its own bank transaction reference). The case row lock decides: exactly one request pays
(200) and the forty-nine others find the case already paid (409). The fund ledger holds one
disbursement, the balance moved by the approved amount once, the case's chain and the fund's
chain are intact, and none of the fifty is a 500. Real row locks need PostgreSQL; the service-
level race on the same case is ``tests/processes/aid/test_races.py``.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from processes.aid import services as svc
from processes.aid.ledger import fund_open, ledger_allocate
from processes.aid.models import AidCase, AidFund, AidLedgerEntry
from tests.processes.aid.conftest import at, clock, people, walk  # noqa: F401 - fixtures of the aid suite
from workflow.audit import case_events, chain_valid
from workflow.deadlines.timers import sweep
from workflow.roles import Role

from .live import at_once, post

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks and a shared database"),
]

CLIENTS = 50
OFFICERS = 5  # finance officers of the enterprise union: each sends ten of the fifty requests
DAY = dt.date(2026, 3, 10)  # the public notice of a case published on 2 March has closed


@pytest.fixture
def approved(flushable_audit_table, walk, people, orgs, make_user, clock):  # noqa: F811 - fixtures imported above
    """An approved 1,500-yuan living-aid case at ACME, whose 2026 fund holds 10,000 yuan."""
    fund_open(organisation=orgs.acme, year=2026, budget=Decimal("10000"))
    ledger_allocate(organisation=orgs.acme, year=2026, amount=Decimal("10000"), reason="预算 Budget",
                    actor_user=people.finance, now=at(DAY))
    case = walk("public_notice")
    sweep(now=at(DAY, 0))
    clock.set(DAY)
    svc.aid_approve(case=AidCase.objects.get(pk=case.pk), actor=people.committee1, amount=Decimal("1500"), now=at(DAY))
    officers = [people.finance] + [make_user(f"finance{i}", Role.FINANCE, Role.MEMBER, org=orgs.acme)
                                   for i in range(2, OFFICERS + 1)]
    tokens = [Token.objects.create(user=user).key for user in officers]
    return AidCase.objects.get(pk=case.pk), tokens


def test_fifty_disbursements_of_one_case_over_http_pay_once(server_url, approved, orgs):
    """Fifty 发放 requests at once: one 200, forty-nine 409, one payment in the ledger, both chains valid."""
    case, tokens = approved
    fund_before = AidFund.objects.get(organisation=orgs.acme, year=2026)
    url = f"{server_url}/api/v1/aid/{case.pk}/transitions/disburse/"
    results = at_once([
        lambda i=i: post(url, tokens[i % OFFICERS], {"transaction_ref": f"TX-RACE-{i:04d}", "paid_on": DAY.isoformat()})
        for i in range(CLIENTS)
    ])

    assert sorted((r[0] for r in results), key=str) == [200] + [409] * (CLIENTS - 1), results
    assert all(body.get("code") for status, body in results if status == 409), results

    payments = AidLedgerEntry.objects.filter(case=case, kind="disbursement")
    assert payments.count() == 1
    winner = next(i for i, (status, _body) in enumerate(results) if status == 200)
    assert payments.get().transaction_ref == f"TX-RACE-{winner:04d}"
    fund = AidFund.objects.get(pk=fund_before.pk)
    assert fund.balance == fund_before.balance - Decimal("1500")

    case = AidCase.objects.get(pk=case.pk)
    assert case.state == "disbursed"
    assert [e.action for e in case_events(case)].count("disburse") == 1
    assert chain_valid(case) and chain_valid(fund)
    paying = [t for t in case.process.task_set.filter(flow_task_type="HUMAN") if t.flow_task.name == "approved"]
    assert len(paying) == 1 and paying[0].status == "DONE"
