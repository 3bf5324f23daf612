"""The emergency fast track (chair plus one committee member, lower cap, notice after payment) and
the yearly re-verification of filed cases."""

import datetime as dt
from decimal import Decimal

import pytest

from processes.aid import services as svc
from processes.aid.models import AidCase
from workflow.errors import GuardFailed

from .conftest import DAY0, at, create

pytestmark = pytest.mark.django_db


def submitted(people, orgs, **kw):
    case = create(people, orgs, **kw)
    svc.aid_submit(case=case, actor=people.member, now=at(DAY0))
    return AidCase.objects.get(pk=case.pk)


def test_chair_plus_one_committee_member_approve_then_pay_then_publish(people, orgs, fund):
    case = submitted(people, orgs, aid_type="emergency", amount="3000")
    svc.aid_approve_emergency(case=case, actor=people.chair, amount=Decimal("3000"), justification="火灾 Fire")
    assert AidCase.objects.get(pk=case.pk).state == "submitted"  # one approval is not enough
    with pytest.raises(GuardFailed):  # the chair cannot be the second approver too
        svc.aid_approve_emergency(case=case, actor=people.chair, amount=Decimal("3000"), justification="火灾 Fire")
    with pytest.raises(GuardFailed):  # the second approves the same amount
        svc.aid_approve_emergency(case=case, actor=people.committee1, amount=Decimal("2900"), justification="火灾 Fire")
    svc.aid_approve_emergency(case=case, actor=people.committee1, amount=Decimal("3000"), justification="火灾 Fire")
    case = AidCase.objects.get(pk=case.pk)
    assert case.state == "approved" and case.emergency and case.approval_level == "emergency"
    svc.aid_disburse(case=case, actor=people.finance, transaction_ref="TX-E1", paid_on=DAY0, now=at(DAY0))
    with pytest.raises(GuardFailed):  # filed only after the notice
        svc.aid_archive(case=case, actor=people.committee1, now=at(DAY0))
    svc.aid_post_notice(case=case, actor=people.chair, now=at(DAY0))
    case = AidCase.objects.get(pk=case.pk)
    assert case.state == "post_notice" and case.notice_ends_on == dt.date(2026, 3, 9)
    with pytest.raises(GuardFailed):
        svc.aid_archive(case=case, actor=people.committee1, now=at(dt.date(2026, 3, 9)))
    svc.aid_archive(case=case, actor=people.committee1, now=at(dt.date(2026, 3, 10)))
    assert AidCase.objects.get(pk=case.pk).state == "archived"


def test_the_fast_track_is_for_emergencies_and_below_its_cap(people, orgs):
    living = submitted(people, orgs)
    with pytest.raises(GuardFailed) as err:
        svc.aid_approve_emergency(case=living, actor=people.chair, amount=Decimal("100"), justification="急 urgent")
    assert err.value.rule == "aid.emergency"
    urgent = submitted(people, orgs, aid_type="emergency", amount="5000")
    with pytest.raises(GuardFailed) as err:
        svc.aid_approve_emergency(case=urgent, actor=people.chair, amount=Decimal("3000.01"), justification="火灾 Fire")
    assert err.value.rule == "aid.emergency_cap"


def test_a_filed_case_is_reviewed_a_year_later_and_may_exit(walk, people, fund):
    from workflow.deadlines.timers import sweep

    case = walk("public_notice")
    sweep(now=at(dt.date(2026, 3, 10), 0))
    svc.aid_approve(case=case, actor=people.committee1, amount=Decimal("1000"), now=at(dt.date(2026, 3, 10)))
    svc.aid_disburse(case=case, actor=people.finance, transaction_ref="TX-9", paid_on=dt.date(2026, 3, 10),
                     now=at(dt.date(2026, 3, 10)))
    svc.aid_archive(case=case, actor=people.committee1, now=at(dt.date(2026, 3, 11)))
    with pytest.raises(GuardFailed) as err:
        svc.aid_annual_review(case=case, actor=people.visitor1, now=at(dt.date(2027, 3, 10)))
    assert err.value.rule == "aid.annual_review"
    svc.aid_annual_review(case=case, actor=people.visitor1, now=at(dt.date(2027, 3, 11)))
    svc.aid_exit_file(case=case, actor=people.committee1, reason="已脱困 No longer in hardship",
                      now=at(dt.date(2027, 3, 12)))
    case = AidCase.objects.get(pk=case.pk)
    assert case.state == "exited" and case.exit_reason.startswith("已脱困")
