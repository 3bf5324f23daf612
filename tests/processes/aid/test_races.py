"""Concurrent payments: one case is never paid twice, and two cases never overdraw the fund.

Each attempt runs in its own thread and database connection. The case row lock decides the
double payment (one ``disburse`` commits, the other finds the case paid: 409); the fund row
lock decides two payments from a fund that holds only one of them (the second sees the new
balance: 409, the balance never goes negative). Real row locks need PostgreSQL.
"""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from processes.aid import services as svc
from processes.aid.ledger import fund_open, ledger_allocate
from processes.aid.models import AidCase, AidFund, AidLedgerEntry
from workflow.deadlines.timers import sweep
from workflow.errors import ServiceError

from .conftest import at

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]
DAY = dt.date(2026, 3, 10)


def approved(walk, people, amount="1500", **kw):
    case = walk("public_notice", **kw)
    sweep(now=at(DAY, 0))
    svc.aid_approve(case=AidCase.objects.get(pk=case.pk), actor=people.committee1, amount=Decimal(amount), now=at(DAY))
    return AidCase.objects.get(pk=case.pk)


def race(attempts):
    barrier = threading.Barrier(len(attempts))
    outcomes = [None] * len(attempts)

    def attempt(i, case, ref):
        try:
            barrier.wait(timeout=10)
            svc.aid_disburse(case=case, actor=case._payer, transaction_ref=ref, paid_on=DAY, now=at(DAY))
            outcomes[i] = "ok"
        except ServiceError as exc:
            outcomes[i] = exc.status
        except Exception as exc:  # noqa: BLE001 - a crash is a failure to report
            outcomes[i] = repr(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(i, *a)) for i, a in enumerate(attempts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


def test_a_double_payment_race_pays_once(flushable_audit_table, walk, people, orgs):
    fund_open(organisation=orgs.acme, year=2026, budget=Decimal("10000"))
    ledger_allocate(organisation=orgs.acme, year=2026, amount=Decimal("10000"), reason="预算 Budget",
                    actor_user=people.finance, now=at(DAY))
    case = approved(walk, people)
    case._payer = people.finance
    outcomes = race([(case, "TX-A"), (case, "TX-B")])
    assert sorted(map(str, outcomes)) == ["409", "ok"]
    assert AidLedgerEntry.objects.filter(case=case, kind="disbursement").count() == 1
    assert AidFund.objects.get(organisation=orgs.acme, year=2026).balance == Decimal("8500")


def test_two_payments_racing_for_the_last_funds_never_overdraw(flushable_audit_table, walk, people, orgs):
    fund_open(organisation=orgs.acme, year=2026, budget=Decimal("3000"))  # both approvals within budget
    ledger_allocate(organisation=orgs.acme, year=2026, amount=Decimal("2000"), reason="预算 Budget",
                    actor_user=people.finance, now=at(DAY))
    first = approved(walk, people)
    second = approved(walk, people, aid_type="medical")
    first._payer = second._payer = people.finance
    outcomes = race([(first, "TX-1"), (second, "TX-2")])
    assert sorted(map(str, outcomes)) == ["409", "ok"]
    assert AidFund.objects.get(organisation=orgs.acme, year=2026).balance == Decimal("500")
    assert AidLedgerEntry.objects.filter(kind="disbursement").count() == 1


def test_a_recovery_racing_a_bank_reversal_credits_the_fund_once(flushable_audit_table, people, orgs):
    """An emergency payment objected to after payment: finance records the recovery while the bank's
    return of the same payment is booked; exactly one credit."""
    from processes.aid.ledger import ledger_reverse

    from .conftest import DAY0, create

    fund_open(organisation=orgs.acme, year=2026, budget=Decimal("10000"))
    ledger_allocate(organisation=orgs.acme, year=2026, amount=Decimal("10000"), reason="预算 Budget",
                    actor_user=people.finance, now=at(DAY0))
    case = create(people, orgs, aid_type="emergency", amount="3000")
    svc.aid_submit(case=case, actor=people.member, now=at(DAY0))
    for approver in (people.chair, people.committee1):
        svc.aid_approve_emergency(case=case, actor=approver, amount=Decimal("3000"), justification="火灾 Fire",
                                  now=at(DAY0))
    svc.aid_disburse(case=case, actor=people.finance, transaction_ref="TX-E1", paid_on=DAY0, now=at(DAY0))
    svc.aid_post_notice(case=case, actor=people.chair, now=at(DAY0))
    svc.aid_object(case_id=case.pk, actor=people.member2, grounds="已获保险赔付 Insured", now=at(DAY0))
    svc.aid_uphold_objection(case=case, actor=people.committee2, reason="追回 Recover", now=at(DAY0))
    payment = AidLedgerEntry.objects.get(kind="disbursement")
    outcomes = at_once({
        "recover": lambda: svc.aid_recover(case=case, actor=people.finance, transaction_ref="RC-1", recovered_on=DAY0,
                                           now=at(DAY0)),
        "reverse": lambda: ledger_reverse(organisation=orgs.acme, entry_id=payment.pk, reason="退回 Returned",
                                          actor_user=people.finance, now=at(DAY0)),
    })
    # The reversal first: the recovery closes the case with no second credit. The recovery first:
    # the reversal is refused (409). Never an error, never two credits.
    assert outcomes["recover"] == "ok" and outcomes["reverse"] in ("ok", 409), outcomes
    assert AidCase.objects.get(pk=case.pk).state == "recovered"
    assert AidLedgerEntry.objects.filter(reverses=payment).count() == 1
    assert AidFund.objects.get(organisation=orgs.acme, year=2026).balance == Decimal("10000")


def at_once(calls: dict) -> dict:
    """Run each named call in its own thread and connection, released together; name → "ok" or status."""
    barrier = threading.Barrier(len(calls))
    outcomes = {}

    def attempt(name, call):
        try:
            barrier.wait(timeout=10)
            call()
            outcomes[name] = "ok"
        except ServiceError as exc:
            outcomes[name] = exc.status
        except Exception as exc:  # noqa: BLE001 - a crash is a failure to report
            outcomes[name] = repr(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=item) for item in calls.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


def test_a_budget_lowered_while_a_case_is_approved_never_ends_below_the_floor(flushable_audit_table, walk, people,
                                                                               orgs):
    """1,500 yuan is promised; finance lowers the budget to exactly that while the committee approves
    1,000 more. Both read the floor under the fund's lock: whichever comes second sees the other and
    is refused (the budget change 400, the approval 409). The budget never ends below the floor."""
    from processes.aid.budget import committed, fund_set_budget, paid_out

    fund_open(organisation=orgs.acme, year=2026, budget=Decimal("10000"))
    ledger_allocate(organisation=orgs.acme, year=2026, amount=Decimal("10000"), reason="预算 Budget",
                    actor_user=people.finance, now=at(DAY))
    pending = walk("public_notice", aid_type="medical")
    approved(walk, people, amount="1500")  # closes both notices, then promises 1,500
    pending = AidCase.objects.get(pk=pending.pk)
    assert pending.state == "pending_approval"
    outcomes = at_once({
        "approve": lambda: svc.aid_approve(case=pending, actor=people.committee2, amount=Decimal("1000"), now=at(DAY)),
        "budget": lambda: fund_set_budget(organisation=orgs.acme, year=2026, budget=Decimal("1500"),
                                          reason="压减 Cut", actor_user=people.finance, now=at(DAY)),
    })
    assert sorted(map(str, outcomes.values())) in (["409", "ok"], ["400", "ok"]), outcomes
    fund = AidFund.objects.get(organisation=orgs.acme, year=2026)
    assert fund.budget >= paid_out(fund) + committed(fund, DAY)
    if outcomes["approve"] == "ok":
        assert fund.budget == Decimal("10000") and AidCase.objects.get(pk=pending.pk).state == "approved"
    else:
        assert fund.budget == Decimal("1500") and AidCase.objects.get(pk=pending.pk).state == "pending_approval"
