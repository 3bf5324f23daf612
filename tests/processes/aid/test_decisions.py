"""Approval at the boundaries: the committee's limit, caps, separation of duties, objections, the fund."""

import datetime as dt
from decimal import Decimal

import pytest

from processes.aid import services as svc
from processes.aid.lifecycle import APPROVER_VISITED
from processes.aid.models import AidCase, AidFund, AidLedgerEntry
from workflow.audit import case_events
from workflow.deadlines.timers import sweep
from workflow.errors import ActionForbidden, GuardFailed, InvalidInput

from .conftest import at

pytestmark = pytest.mark.django_db
AFTER_NOTICE = dt.date(2026, 3, 10)


@pytest.fixture
def pending(walk):
    """A living-aid case whose notice ran out: awaiting the committee's approval."""
    case = walk("public_notice")
    sweep(now=at(AFTER_NOTICE, 0))
    case.refresh_from_db()
    assert case.state == "pending_approval"
    return case


def unchanged(case, state):
    fresh = AidCase.objects.get(pk=case.pk)
    assert fresh.state == state and fresh.version == case.version
    return fresh


def test_amount_at_the_limit_is_approved_by_the_committee(pending, people):
    svc.aid_approve(case=pending, actor=people.committee1, amount=Decimal("2000"), now=at(AFTER_NOTICE))
    assert AidCase.objects.get(pk=pending.pk).state == "approved"


def test_one_yuan_over_the_limit_goes_to_the_aid_centre(pending, people):
    with pytest.raises(GuardFailed) as err:
        svc.aid_approve(case=pending, actor=people.committee1, amount=Decimal("2001"), now=at(AFTER_NOTICE))
    assert err.value.rule == "aid.approval_limit"
    unchanged(pending, "pending_approval")
    with pytest.raises(GuardFailed):  # within the limit there is nothing to escalate
        svc.aid_escalate(case=pending, actor=people.committee1, amount=Decimal("2000"), now=at(AFTER_NOTICE))
    svc.aid_escalate(case=pending, actor=people.committee1, amount=Decimal("2001"), now=at(AFTER_NOTICE))
    case = AidCase.objects.get(pk=pending.pk)
    assert case.state == "pending_centre"
    with pytest.raises(GuardFailed) as err:  # the committee no longer decides
        svc.aid_approve(case=case, actor=people.committee1, amount=Decimal("2001"), now=at(AFTER_NOTICE))
    assert err.value.rule == "aid.approval_level"
    svc.aid_approve(case=case, actor=people.centre, amount=Decimal("2001"), now=at(AFTER_NOTICE))
    case = AidCase.objects.get(pk=pending.pk)
    assert case.state == "approved" and case.approval_level == "centre"


def test_the_cap_for_type_and_tier_holds_at_the_centre_too(pending, people, orgs):
    orgs.acme.settings = {"aid.cap.living": "2500"}
    orgs.acme.save()
    svc.aid_escalate(case=pending, actor=people.committee1, amount=Decimal("2600"), now=at(AFTER_NOTICE))
    case = AidCase.objects.get(pk=pending.pk)
    with pytest.raises(GuardFailed) as err:
        svc.aid_approve(case=case, actor=people.centre, amount=Decimal("2500.01"), now=at(AFTER_NOTICE))
    assert err.value.rule == "aid.cap"
    svc.aid_approve(case=case, actor=people.centre, amount=Decimal("2500"), now=at(AFTER_NOTICE))


@pytest.mark.parametrize("who", ["visitor1", "member", "finance", "auditor", "chair"])
def test_others_may_not_approve_and_nothing_changes(pending, people, who):
    with pytest.raises((ActionForbidden, GuardFailed)):
        svc.aid_approve(case=pending, actor=getattr(people, who), amount=Decimal("100"), now=at(AFTER_NOTICE))
    unchanged(pending, "pending_approval")
    assert case_events(pending).last().action == "close_notice"


def test_a_committee_member_who_visited_may_not_approve(walk, people, orgs, make_user):
    from workflow.models import RoleAssignment
    from workflow.roles import Role

    RoleAssignment.objects.create(user=people.visitor1, organisation=orgs.acme, role=Role.UNION_COMMITTEE,
                                  valid_from=dt.date(2000, 1, 1))
    case = walk("public_notice")
    sweep(now=at(AFTER_NOTICE, 0))
    with pytest.raises(ActionForbidden) as err:
        svc.aid_approve(case=AidCase.objects.get(pk=case.pk), actor=people.visitor1, amount=Decimal("100"),
                        now=at(AFTER_NOTICE))
    assert err.value.detail == str(APPROVER_VISITED)


def test_the_applicant_may_not_verify_their_own_case(walk, people, orgs):
    from workflow.models import RoleAssignment
    from workflow.roles import Role

    RoleAssignment.objects.create(user=people.member, organisation=orgs.acme, role=Role.VERIFIER,
                                  valid_from=dt.date(2000, 1, 1))
    case = walk("prechecked")
    with pytest.raises(InvalidInput):
        svc.aid_record_visit(case=case, actor=people.visitor1, visitors=["visitor1", "member1"], report="核查 ok")
    unchanged(case, "prechecked")


def test_a_dismissed_objection_starts_a_fresh_notice_and_an_upheld_one_rejects(walk, people):
    case = walk("public_notice")
    svc.aid_object(case_id=case.pk, actor=people.member2, grounds="收入不实 Income understated",
                   now=at(dt.date(2026, 3, 4)))
    case = AidCase.objects.get(pk=case.pk)
    svc.aid_dismiss_objection(case=case, actor=people.committee1, reason="经复核属实 Checked, true.",
                              now=at(dt.date(2026, 3, 5)))
    case = AidCase.objects.get(pk=case.pk)
    # Thursday 2026-03-05 + 5 working days = Thursday 2026-03-12: the old end (03-09) no longer counts.
    assert case.state == "public_notice" and case.notice_ends_on == dt.date(2026, 3, 12)
    sweep(now=at(AFTER_NOTICE, 0))
    assert AidCase.objects.get(pk=case.pk).state == "public_notice"
    svc.aid_object(case_id=case.pk, actor=people.member2, grounds="再次异议 Again", now=at(dt.date(2026, 3, 12)))
    svc.aid_uphold_objection(case=AidCase.objects.get(pk=case.pk), actor=people.committee1,
                             reason="异议成立 Upheld", now=at(dt.date(2026, 3, 13)))
    assert AidCase.objects.get(pk=case.pk).state == "rejected"


def test_notice_across_the_national_day_holiday(walk, people):
    """Published Monday 2026-09-28: 09-29, 09-30, then the holiday (10-01…10-07) and the make-up day, so
    day 5 is 10-10 or later, never 10-03."""
    from workflow.calendar.working_days import WorkCalendar

    case = walk("public_notice", on=dt.date(2026, 9, 28))
    expected = WorkCalendar().add_working_days(dt.date(2026, 9, 28), 5)
    assert case.notice_ends_on == expected and expected >= dt.date(2026, 10, 9)
    sweep(now=at(expected, 23))
    assert AidCase.objects.get(pk=case.pk).state == "public_notice"  # still day 5
    sweep(now=at(expected + dt.timedelta(days=1), 0))
    assert AidCase.objects.get(pk=case.pk).state == "pending_approval"  # day 6


def test_an_overdraft_is_refused_with_409_and_the_balance_kept(pending, people, orgs):
    from processes.aid.ledger import fund_open

    fund_open(organisation=orgs.acme, year=2026, budget=Decimal("2000"))  # budgeted, nothing allocated: balance 0
    svc.aid_approve(case=pending, actor=people.committee1, amount=Decimal("1500"), now=at(AFTER_NOTICE))
    case = AidCase.objects.get(pk=pending.pk)
    with pytest.raises(GuardFailed) as err:
        svc.aid_disburse(case=case, actor=people.finance, transaction_ref="TX-1", paid_on=AFTER_NOTICE,
                         now=at(AFTER_NOTICE))
    assert err.value.status == 409 and err.value.rule == "aid.fund_balance"
    unchanged(case, "approved")
    assert AidFund.objects.get(organisation=orgs.acme, year=2026).balance == 0
    assert not AidLedgerEntry.objects.filter(kind="disbursement").exists()


def test_the_same_case_is_never_paid_twice(pending, people, fund):
    svc.aid_approve(case=pending, actor=people.committee1, amount=Decimal("1500"), now=at(AFTER_NOTICE))
    case = AidCase.objects.get(pk=pending.pk)
    svc.aid_disburse(case=case, actor=people.finance, transaction_ref="TX-1", paid_on=AFTER_NOTICE, now=at(AFTER_NOTICE))
    from workflow.errors import TransitionNotAllowed

    with pytest.raises(TransitionNotAllowed):
        svc.aid_disburse(case=case, actor=people.finance, transaction_ref="TX-2", paid_on=AFTER_NOTICE,
                         now=at(AFTER_NOTICE))
    assert AidLedgerEntry.objects.filter(case=case, kind="disbursement").count() == 1
    assert AidFund.objects.get(pk=AidLedgerEntry.objects.get(case=case).fund_id).balance == Decimal("8500")


def test_a_reversal_restores_the_balance_once(pending, people, fund, orgs):
    from processes.aid.ledger import ledger_reverse

    svc.aid_approve(case=pending, actor=people.committee1, amount=Decimal("1500"), now=at(AFTER_NOTICE))
    svc.aid_disburse(case=AidCase.objects.get(pk=pending.pk), actor=people.finance, transaction_ref="TX-1",
                     paid_on=AFTER_NOTICE, now=at(AFTER_NOTICE))
    paid = AidLedgerEntry.objects.get(kind="disbursement")
    ledger_reverse(organisation=orgs.acme, entry_id=paid.pk, reason="账户退回 Returned by the bank",
                   actor_user=people.finance)
    with pytest.raises(GuardFailed):
        ledger_reverse(organisation=orgs.acme, entry_id=paid.pk, reason="再次 again", actor_user=people.finance)
    assert AidFund.objects.get(organisation=orgs.acme, year=2026).balance == Decimal("10000")
    assert AidLedgerEntry.objects.count() == 3  # nothing deleted
