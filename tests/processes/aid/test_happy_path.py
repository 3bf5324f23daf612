"""The happy path, end to end through the services: application → pre-check → home visit → tier →
public notice (5 working days) → approval within the committee's limit → payment from the fund
→ filed. Every step is one audit event on a valid chain; the ledger is debited once."""

import datetime as dt
import json
from decimal import Decimal

import pytest

from processes.aid import services as svc
from processes.aid.models import AidCase, AidFund, AidLedgerEntry
from workflow import flowkit
from workflow.audit import case_events, chain_valid
from workflow.deadlines.timers import sweep
from workflow.registry import RESTRICTED_MARK

from .conftest import BANK_ACCOUNT, DAY0, ID_NUMBER, at

pytestmark = pytest.mark.django_db


def test_happy_path_from_application_to_file(walk, people, fund, clock):
    case = walk("public_notice")
    assert case.state == "public_notice" and case.tier == "extreme"
    # 2026-03-02 (Mon) + 5 working days = Monday 2026-03-09.
    assert case.notice_ends_on == dt.date(2026, 3, 9)
    assert "张*明" in case.notice_text and ID_NUMBER not in case.notice_text

    clock.set(dt.date(2026, 3, 10), 0)
    sweep(now=at(dt.date(2026, 3, 10), 0))
    case.refresh_from_db()
    assert case.state == "pending_approval" and flowkit.position(case) == "pending_approval"

    svc.aid_approve(case=case, actor=people.committee1, amount=Decimal("1500"), now=at(dt.date(2026, 3, 11)))
    svc.aid_disburse(case=case, actor=people.finance, transaction_ref="TX-0001", paid_on=dt.date(2026, 3, 12),
                     now=at(dt.date(2026, 3, 12)))
    svc.aid_archive(case=case, actor=people.committee1, now=at(dt.date(2026, 3, 13)))
    case = AidCase.objects.get(pk=case.pk)
    assert case.state == "archived" and case.file_number == "DA-" + case.reference
    assert case.approved_amount == Decimal("1500") and case.approval_level == "committee"
    assert [e.action for e in case_events(case)] == [
        "create", "submit", "precheck", "record_visit", "assess_tier", "publish_notice", "close_notice", "approve",
        "disburse", "archive",
    ]
    assert chain_valid(case)
    fund_row = AidFund.objects.get(organisation=fund, year=2026)
    assert fund_row.balance == Decimal("8500")
    entry = AidLedgerEntry.objects.get(case=case)
    assert entry.kind == "disbursement" and entry.amount == Decimal("1500") and entry.tier == "extreme"
    assert chain_valid(fund_row)


def test_restricted_input_never_reaches_the_audit_trail(walk):
    case = walk("public_notice")
    created = case_events(case).first()
    for name in ("id_number", "bank_account", "household_income", "rigid_expenses", "address", "medical_details"):
        assert created.payload["input"][name] == RESTRICTED_MARK
    stored = json.dumps([e.payload for e in case_events(case)], ensure_ascii=False)
    for secret in (ID_NUMBER, BANK_ACCOUNT, "12000", "幸福路", "肾衰竭"):
        assert secret not in stored
    assessed = case_events(case).get(action="assess_tier")
    assert assessed.payload["tier"]["outcome"] == "extreme" and assessed.payload["tier"]["dibao_monthly"] == "1062"


def test_day0_is_a_monday():
    assert DAY0.weekday() == 0
