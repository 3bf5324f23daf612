"""Demo aid cases of acme in every state, each moved there through the services, and a funded
aid fund for every demo union (this year and last).

Called by ``manage.py seed_demo`` as ``ProcessSpec.seed_demo(orgs, users)`` with organisations by
code and users by username. Idempotent: nothing is added when aid cases exist. Filed cases that
are due for their annual review were filed a little more than a year ago.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from workflow.models import OrgKind

from . import services as svc
from .ledger import fund_open, ledger_allocate
from .models import AidCase

BUDGET = Decimal("100000")
#: (applicant, aid type, household income, rigid expenses, requested, household size, accident, state)
CASES = [
    ("member1", "living", "9000", "1000", "1500", 3, False, "draft"),
    ("member2", "living", "12000", "2000", "1200", 3, False, "submitted"),
    ("rep1", "medical", "30000", "26000", "1800", 2, False, "returned"),
    ("rep2", "living", "10000", "1000", "1600", 3, False, "prechecked"),
    ("rep3", "education", "20000", "3050", "1500", 4, False, "verified"),
    ("rep4", "living", "15000", "3060", "1800", 3, False, "assessed"),
    ("rep5", "medical", "24000", "20000", "1900", 3, False, "public_notice"),
    ("rep6", "education", "16000", "2000", "1000", 3, False, "objection_review"),
    ("member1", "medical", "20000", "15000", "2000", 3, False, "pending_approval"),
    ("member2", "medical", "18000", "14000", "2600", 2, False, "pending_centre"),
    ("rep1", "living", "11000", "1000", "1400", 3, False, "approved"),
    ("rep2", "education", "60000", "2000", "1000", 2, False, "rejected"),
    ("rep3", "living", "9000", "500", "1300", 3, False, "disbursed"),
    ("rep4", "emergency", "20000", "18000", "3000", 3, True, "post_notice"),
    ("rep1", "emergency", "20000", "17000", "2500", 3, True, "post_objection_review"),
    ("rep2", "emergency", "21000", "18000", "2800", 2, True, "recovery_due"),
    ("rep3", "emergency", "19000", "16000", "2000", 4, True, "recovered"),
    ("rep5", "living", "8000", "500", "1500", 3, False, "archived"),
    ("rep6", "living", "9000", "800", "1500", 4, False, "annual_review"),
    ("member1", "education", "14000", "2000", "1200", 3, False, "continued"),
    ("member2", "education", "13000", "2000", "1000", 3, False, "exited"),
]
#: Filed more than a year ago: their annual review is due.
A_YEAR_AGO = {"annual_review", "continued", "exited"}


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_default_timezone())


def _funds(orgs, users, today) -> None:
    finance = users.get("finance1")
    for org in orgs.values():
        if org.kind != OrgKind.ENTERPRISE:
            continue
        for year in (today.year - 1, today.year):
            fund = fund_open(organisation=org, year=year, budget=BUDGET)
            if finance is not None and org.code == "acme" and not fund.entries.exists():
                ledger_allocate(organisation=org, year=year, amount=BUDGET, reason="年度帮扶资金预算 Annual aid budget",
                                actor_user=finance, now=_at(dt.date(year, 1, 2)))


#: The emergency fast track: approved, paid, then published (and perhaps objected to).
AFTER_PAYMENT = ("post_notice", "post_objection_review", "recovery_due", "recovered")


def _paid_then_published(case, target, u, now, day) -> None:
    amount = case.requested_amount
    svc.aid_approve_emergency(case=case, actor=u["chair"], amount=amount, justification="火灾 Fire", now=now())
    svc.aid_approve_emergency(case=case, actor=u["committee1"], amount=amount, justification="火灾 Fire", now=now(0))
    svc.aid_disburse(case=case, actor=u["finance1"], transaction_ref=f"DEMO-E-{case.pk:04d}", paid_on=day[0],
                     now=now(0))
    svc.aid_post_notice(case=case, actor=u["chair"], now=now(0))
    if target == "post_notice":
        return
    svc.aid_object(case_id=case.pk, actor=u["member2"], grounds="火灾损失已由保险赔付 The insurer paid for the fire.",
                   now=now(0))
    if target == "post_objection_review":
        return
    svc.aid_uphold_objection(case=case, actor=u["committee2"], reason="已获保险赔付，追回 Insured: to be recovered.",
                             now=now())
    if target == "recovery_due":
        return
    svc.aid_recover(case=case, actor=u["finance1"], transaction_ref=f"DEMO-R-{case.pk:04d}", recovered_on=day[0],
                    now=now())


def _walk(case, target, u, start: dt.date, today: dt.date):
    """Move ``case`` along the path to ``target``; each step on a later day."""
    day = [start]

    def now(step: int = 1):
        day[0] = min(day[0] + dt.timedelta(days=step), today)
        return _at(day[0])

    applicant = u[case.applicant.username]
    if target == "draft":
        return
    svc.aid_submit(case=case, actor=applicant, now=now(0))
    if target == "submitted":
        return
    if target == "returned":
        svc.aid_return_for_info(case=case, actor=u["visitor1"], missing="出院小结 Discharge summary", now=now())
        return
    if target in AFTER_PAYMENT:
        _paid_then_published(case, target, u, now, day)
        return
    svc.aid_precheck(case=case, actor=u["visitor1"], now=now())
    if target == "prechecked":
        return
    svc.aid_record_visit(case=case, actor=u["visitor1"], visitors=["visitor1", "visitor2"],
                         report="两人入户，家庭情况属实 Two visitors confirmed the household's situation.", now=now())
    if target == "verified":
        return
    svc.aid_assess_tier(case=case, actor=u["committee1"], now=now())
    if target == "assessed":
        return
    if target == "rejected":
        svc.aid_reject(case=case, actor=u["committee1"], reason="不符合帮扶条件 Not eligible.", now=now(0))
        return
    svc.aid_publish_notice(case=case, actor=u["committee1"], now=now(0))
    if target == "public_notice":
        return
    if target == "objection_review":
        svc.aid_object(case_id=case.pk, actor=u["member2"], grounds="申请人家中另有商铺 The family owns a shop.",
                       now=now(0))
        return
    case.refresh_from_db()
    day[0] = case.notice_ends_on + dt.timedelta(days=1)
    svc.aid_close_notice(case=case, now=now(0))
    if target == "pending_approval":
        return
    amount = case.proposed_amount
    if target == "pending_centre":
        svc.aid_escalate(case=case, actor=u["committee1"], amount=amount, now=now(0))
        return
    svc.aid_approve(case=case, actor=u["committee2"], amount=amount, now=now(0))
    if target == "approved":
        return
    svc.aid_disburse(case=case, actor=u["finance1"], transaction_ref=f"DEMO-{case.pk:04d}", paid_on=day[0],
                     now=now(0))
    if target == "disbursed":
        return
    svc.aid_archive(case=case, actor=u["committee1"], now=now(0))
    if target == "archived":
        return
    svc.aid_annual_review(case=case, actor=u["visitor1"], now=_at(today))
    if target == "continued":
        svc.aid_continue_file(case=case, actor=u["committee1"], reason="仍属困难 Still in hardship.", now=_at(today))
    elif target == "exited":
        svc.aid_exit_file(case=case, actor=u["committee1"], reason="已再就业，脱困 Re-employed.", now=_at(today))


def seed(orgs: dict, users: dict) -> list[AidCase]:
    acme = orgs.get("acme")
    today = timezone.localdate()
    if acme is None:
        return []
    _funds(orgs, users, today)
    if AidCase.objects.filter(organisation=acme).exists():
        return []
    created = []
    for username, aid_type, income, rigid, amount, size, accident, target in CASES:
        start = today - dt.timedelta(days=400 if target in A_YEAR_AGO else 30)
        case = svc.aid_create(
            organisation=acme, actor=users[username], aid_type=aid_type, cause="家庭成员重病，收入减少 Illness in the family.",
            household_size=size, household_income=Decimal(income), rigid_expenses=Decimal(rigid),
            requested_amount=Decimal(amount), id_number="11010119800101" + f"{len(created):04d}",
            bank_account="62220202001122" + f"{len(created):05d}", financial_check_consent=True, accident=accident,
            address=f"示例市幸福路 {len(created) + 1} 号", medical_details="慢性病 Chronic illness",
            now=_at(start),
        )
        _walk(case, target, users, start, today)
        created.append(AidCase.objects.get(pk=case.pk))
    return created
