"""The fund's own audit chain (资金使用台账): every movement of the fund is an event on the chain
``fund:<org>:<year>``, so an auditor verifies the fund's history alone with ``audit_verify``."""

import datetime as dt
from decimal import Decimal

import pytest

from processes.aid import services as svc
from processes.aid.ledger import ledger_reverse
from processes.aid.models import AidCase, AidFund, AidLedgerEntry
from tests.support.audit import run_verify
from tests.support.db import audit_trigger_bypassed
from workflow.audit import case_events, chain_valid
from workflow.errors import GuardFailed
from workflow.models import AuditEvent

from .conftest import at

pytestmark = pytest.mark.django_db
PAID = dt.date(2026, 3, 10)


def the_fund(orgs) -> AidFund:
    return AidFund.objects.select_related("organisation").get(organisation=orgs.acme, year=2026)


def fund_actions(orgs) -> list[str]:
    return [e.action for e in case_events(the_fund(orgs))]


@pytest.fixture
def paid(walk, people, fund):
    """member1's living-aid case paid 1,500 yuan from ACME's 2026 fund."""
    from workflow.deadlines.timers import sweep

    case = walk("public_notice")
    sweep(now=at(PAID, 0))
    svc.aid_approve(case=case, actor=people.committee1, amount=Decimal("1500"), now=at(PAID))
    return svc.aid_disburse(case=AidCase.objects.get(pk=case.pk), actor=people.finance, transaction_ref="TX-1",
                            paid_on=PAID, now=at(PAID))


def test_a_disbursement_is_an_event_on_the_fund_chain_and_on_the_case_chain(paid, orgs):
    fund = the_fund(orgs)
    events = list(case_events(fund))
    assert [e.action for e in events] == ["ledger_allocation", "ledger_disbursement"]
    payment = events[-1]
    entry = AidLedgerEntry.objects.get(kind="disbursement")
    assert payment.case_ref == "fund:acme:2026" and payment.organisation_id == orgs.acme.pk
    assert payment.payload == {"entry": entry.pk, "kind": "disbursement", "amount": "1500.00",
                               "balance_after": "8500.00", "case": paid.reference, "transaction_ref": "TX-1"}
    assert payment.actor_name == "finance1" and payment.actor_role == "finance"
    assert [e.action for e in case_events(paid)][-1] == "disburse"  # the case's own trail keeps its event
    assert chain_valid(fund) and chain_valid(paid)


def test_a_reversal_follows_on_the_same_chain(paid, people, orgs):
    entry = AidLedgerEntry.objects.get(kind="disbursement")
    ledger_reverse(organisation=orgs.acme, entry_id=entry.pk, reason="账户退回 Returned by the bank",
                   actor_user=people.finance, now=at(PAID))
    events = list(case_events(the_fund(orgs)))
    assert [(e.seq, e.action) for e in events] == [
        (1, "ledger_allocation"), (2, "ledger_disbursement"), (3, "ledger_reversal")]
    assert events[-1].payload["reverses"] == entry.pk and events[-1].prev_hash == events[-2].hash


def test_a_refused_overdraft_leaves_the_fund_chain_unchanged(walk, people, orgs, fund):
    from workflow.deadlines.timers import sweep

    case = walk("public_notice")
    sweep(now=at(PAID, 0))
    svc.aid_escalate(case=case, actor=people.committee1, amount=Decimal("2100"), now=at(PAID))
    svc.aid_approve(case=case, actor=people.centre, amount=Decimal("2100"), now=at(PAID))
    AidFund.objects.filter(pk=the_fund(orgs).pk).update(balance=Decimal("2099.99"))
    with pytest.raises(GuardFailed):
        svc.aid_disburse(case=AidCase.objects.get(pk=case.pk), actor=people.finance, transaction_ref="TX-1",
                         paid_on=PAID, now=at(PAID))
    assert fund_actions(orgs) == ["ledger_allocation"]


def test_audit_verify_checks_the_fund_chain_alone_and_names_a_forged_payment(paid, orgs):
    code, out, _err = run_verify("--case", "fund:acme:2026")
    assert code == 0 and "Events checked: 2" in out and "Result: OK" in out
    payment = case_events(the_fund(orgs)).get(seq=2)
    with audit_trigger_bypassed():
        AuditEvent.objects.filter(pk=payment.pk).update(payload={**payment.payload, "amount": "15.00"})
    code, out, _err = run_verify("--case", "fund:acme:2026")
    assert code == 1 and "case fund:acme:2026 seq 2: content changed" in out
