"""The hardship-aid process as data: every transition declared once (see :mod:`workflow.registry`).

Sources: 全总《中央财政专项帮扶资金使用管理办法》(总工发〔2015〕20号) — "先建档、后帮扶、实名制", caps per aid
type — and the practice recorded in rules.md A4 and its "Process 2" table: pre-check, two visitors,
the tier rule, a redacted public notice of 5 working days, the committee deciding up to a limit and
the aid centre above it, approver ≠ verifier ≠ applicant, real-name payment from the fund ledger,
emergencies approved first and published afterwards, yearly re-verification of the files.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE

from workflow.registry import TransitionSpec, guard, transitions
from workflow.roles import Role

from . import effects, rules
from . import permissions as p
from .models import AidCase
from .permissions import APPROVER_VISITED  # noqa: F401 - declared beside its check, named with the others
from .serializers import (
    AmountInput,
    AssessInput,
    DecisionInput,
    DisburseInput,
    EmergencyInput,
    MissingInput,
    ObjectInput,
    ReasonInput,
    RecoverInput,
    ReviewInput,
    VisitInput,
)
from .states import AidState, AidType, Tier

S = AidState
T = TransitionSpec

CHECKERS = frozenset({Role.VERIFIER, Role.UNION_COMMITTEE})
COMMITTEE = frozenset({Role.UNION_COMMITTEE})
UNION = frozenset({Role.UNION_COMMITTEE, Role.CHAIR})
APPROVERS = frozenset({Role.UNION_COMMITTEE, Role.AID_CENTRE})
#: States in which an application is still pending or has been granted (duplicate check); a
#: recovered grant counts no more than a rejected one.
LIVE_STATES = frozenset(set(S.values) - {S.DRAFT, S.REJECTED, S.EXITED, S.RECOVERED})

# Error texts (module constants so tests assert them verbatim) --------------------------
DUPLICATE = _(
    "本年度已有同类帮扶申请（规则 aid.no_duplicate）：%(ref)s An application for the same aid type this year exists "
    "(rule aid.no_duplicate): %(ref)s"
)
NOT_A_VISITOR = _("须由入户人员之一登记核查报告 One of the visitors records the visit.")
INELIGIBLE = _("不符合帮扶条件，不能公示（规则 aid.tier） Not eligible: no notice (rule aid.tier).")
NOTICE_OVER = _("公示期已于 %(day)s 结束（规则 aid.notice） The notice period ended on %(day)s (rule aid.notice).")
NOTICE_RUNNING = _("公示期至 %(day)s 尚未结束（规则 aid.notice） The notice runs until %(day)s (rule aid.notice).")
OVER_LIMIT = _(
    "金额 %(amount)s 元超过工会委员会审批限额 %(limit)s 元，请报帮扶中心审批（规则 aid.approval_limit） "
    "%(amount)s yuan is above the committee's limit of %(limit)s yuan: escalate to the aid centre (rule aid.approval_limit)."
)
WITHIN_LIMIT = _(
    "金额在工会委员会审批限额 %(limit)s 元以内，由委员会审批（规则 aid.approval_limit） "
    "Within the committee's limit of %(limit)s yuan: the committee decides (rule aid.approval_limit)."
)
CENTRE_DECIDES = _(
    "已报帮扶中心，由帮扶中心审批（规则 aid.approval_level） The aid centre decides this case (rule aid.approval_level)."
)
COMMITTEE_DECIDES = _(
    "由工会委员会审批（规则 aid.approval_level） The union committee decides this case (rule aid.approval_level)."
)
OVER_CAP = _(
    "金额 %(amount)s 元超过该类型与档次的上限 %(cap)s 元（规则 aid.cap） %(amount)s yuan is above the cap of %(cap)s yuan "
    "for this aid type and tier (rule aid.cap)."
)
OVER_MEMBER_CAP = _(
    "超过该会员本年度剩余额度 %(left)s 元（规则 aid.member_annual_cap） Above the member's remaining annual cap of "
    "%(left)s yuan (rule aid.member_annual_cap)."
)
NOT_EMERGENCY = _(
    "仅突发困难或意外致困可走紧急程序（规则 aid.emergency） Only emergencies and sudden events take the fast track "
    "(rule aid.emergency)."
)
OVER_EMERGENCY_CAP = _(
    "紧急救助上限 %(cap)s 元（规则 aid.emergency_cap） The emergency cap is %(cap)s yuan (rule aid.emergency_cap)."
)
EMERGENCY_SECOND = _(
    "紧急救助须由工会主席和一名工会委员各自审批（规则 aid.emergency） The chair and one committee member each approve "
    "(rule aid.emergency)."
)
EMERGENCY_AMOUNT = _(
    "两名审批人的金额须一致：%(amount)s 元（规则 aid.emergency） Both approvers approve the same amount: %(amount)s yuan."
)
PAID_IN_FUTURE = _("发放日期不能晚于今天 The payment date cannot be in the future.")
RECOVERED_IN_FUTURE = _("追回日期不能晚于今天 The recovery date cannot be in the future.")
NOT_EMERGENCY_CASE = _("只有紧急救助在发放后公示（规则 aid.emergency） Only emergency cases are published after payment.")
POST_NOTICE_FIRST = _("紧急救助须先事后公示再建档（规则 aid.emergency） Publish the emergency case before filing it.")
POST_NOTICE_RUNNING = _("事后公示至 %(day)s 尚未结束 The notice after payment runs until %(day)s.")
REVIEW_TOO_EARLY = _(
    "建档满一年后方可复核（规则 aid.annual_review），可复核日期 %(day)s Files are re-verified once a year (rule "
    "aid.annual_review); next on %(day)s."
)


# Guards ------------------------------------------------------------------------------
@guard("aid.no_duplicate")
def no_duplicate(ctx):
    """No second application of the same aid type for the same member in the year (rules.md A4 pre-check)."""
    case = ctx.case
    other = (
        AidCase.objects.filter(applicant_id=case.applicant_id, aid_type=case.aid_type, state__in=LIVE_STATES,
                               created_at__year=case.created_at.year)
        .exclude(pk=case.pk).values_list("reference", flat=True).first()
    )
    if other:
        return str(DUPLICATE % {"ref": other})


@guard("aid.two_visitors")
def actor_is_a_visitor(ctx):
    if ctx.user.pk not in {u.pk for u in ctx.data["visitors"]}:
        return str(NOT_A_VISITOR)


@guard("aid.tier")
def eligible(ctx):
    if ctx.case.tier == Tier.INELIGIBLE:
        return str(INELIGIBLE)


@guard("aid.notice")
def notice_open(ctx):
    """An objection is accepted up to and including the notice's last (working) day."""
    ends = ctx.case.notice_ends_on
    if ends is not None and ctx.today > ends:
        return str(NOTICE_OVER % {"day": ends.isoformat()})


@guard("aid.notice")
def notice_over(ctx):
    ends = ctx.case.notice_ends_on
    if ends is not None and ctx.today <= ends:
        return str(NOTICE_RUNNING % {"day": ends.isoformat()})


def _at_centre(ctx) -> bool:
    return ctx.case.state == S.PENDING_CENTRE


@guard("aid.approval_level")
def decided_at_its_level(ctx):
    """The committee decides in ``pending_approval``, the aid centre in ``pending_centre``."""
    if ctx.case.state not in (S.PENDING_APPROVAL, S.PENDING_CENTRE):
        return None
    if _at_centre(ctx) and ctx.actor.role != Role.AID_CENTRE:
        return str(CENTRE_DECIDES)
    if not _at_centre(ctx) and ctx.actor.role != Role.UNION_COMMITTEE:
        return str(COMMITTEE_DECIDES)


@guard("aid.approval_limit")
def within_committee_limit(ctx):
    limit = rules.committee_limit(ctx.case.organisation, ctx.case.aid_type)
    if not _at_centre(ctx) and ctx.data["amount"] > limit:
        return str(OVER_LIMIT % {"amount": ctx.data["amount"], "limit": limit})


@guard("aid.approval_limit")
def above_committee_limit(ctx):
    limit = rules.committee_limit(ctx.case.organisation, ctx.case.aid_type)
    if ctx.data["amount"] <= limit:
        return str(WITHIN_LIMIT % {"limit": limit})


@guard("aid.cap")
def within_cap(ctx):
    case = ctx.case
    cap = rules.tier_cap(case.organisation, case.aid_type, case.tier, case.household_size)
    if ctx.data["amount"] > cap:
        return str(OVER_CAP % {"amount": ctx.data["amount"], "cap": cap})


def granted_this_year(case, year: int):
    total = AidCase.objects.filter(
        applicant_id=case.applicant_id, approved_amount__isnull=False, state__in=LIVE_STATES, created_at__year=year,
    ).exclude(pk=case.pk).aggregate(total=Sum("approved_amount"))["total"]
    return total or 0


@guard("aid.member_annual_cap")
def within_member_cap(ctx):
    case = ctx.case
    left = rules.member_annual_cap(case.organisation) - granted_this_year(case, ctx.today.year)
    if ctx.data["amount"] > left:
        return str(OVER_MEMBER_CAP % {"left": max(left, 0)})


@guard("aid.emergency")
def emergency_eligible(ctx):
    if ctx.case.aid_type != AidType.EMERGENCY and not ctx.case.accident:
        return str(NOT_EMERGENCY)


@guard("aid.emergency_cap")
def within_emergency_cap(ctx):
    cap = rules.emergency_cap(ctx.case.organisation)
    if ctx.data["amount"] > cap:
        return str(OVER_EMERGENCY_CAP % {"cap": cap})


@guard("aid.emergency")
def second_emergency_approver(ctx):
    """The chair and one committee member, each once; the second confirms the first's amount."""
    previous = ctx.case.emergency_approvers
    if not previous:
        return None
    first = previous[0]
    if first["username"] == ctx.user.get_username() or first["role"] == ctx.actor.role:
        return str(EMERGENCY_SECOND)
    if str(ctx.data["amount"]) != first["amount"]:
        return str(EMERGENCY_AMOUNT % {"amount": first["amount"]})


@guard("aid.paid_on")
def paid_not_in_future(ctx):
    if ctx.data["paid_on"] > ctx.today:
        return str(PAID_IN_FUTURE)


@guard("aid.recovery")
def recovered_not_in_future(ctx):
    if ctx.data["recovered_on"] > ctx.today:
        return str(RECOVERED_IN_FUTURE)


@guard("aid.emergency")
def is_emergency_case(ctx):
    if not ctx.case.emergency:
        return str(NOT_EMERGENCY_CASE)


@guard("aid.emergency")
def published_after_payment(ctx):
    case = ctx.case
    if case.state == S.DISBURSED and case.emergency:
        return str(POST_NOTICE_FIRST)
    if case.state == S.POST_NOTICE and case.notice_ends_on and ctx.today <= case.notice_ends_on:
        return str(POST_NOTICE_RUNNING % {"day": case.notice_ends_on.isoformat()})


def _next_review_day(case) -> dt.date:
    last = case.reviewed_on or case.archived_on
    try:
        return last.replace(year=last.year + 1)
    except ValueError:  # 29 February
        return last.replace(year=last.year + 1, day=28)


@guard("aid.annual_review")
def file_a_year_old(ctx):
    """Files more than a year old are re-verified (rules.md A4: dynamic management, 脱困/撤档)."""
    case = ctx.case
    if case.archived_on is None:
        return None
    due = _next_review_day(case)
    if ctx.today < due:
        return str(REVIEW_TOO_EARLY % {"day": due.isoformat()})


# The transitions: each declared once ---------------------------------------------------
def build_transitions() -> dict[str, TransitionSpec]:
    checker = {"roles": CHECKERS, "not_own_case": True}
    committee = {"roles": COMMITTEE, "not_own_case": True}
    approver = {"roles": APPROVERS, "not_own_case": True, "separation": (p.not_a_visitor,)}
    deciding = [S.PENDING_APPROVAL, S.PENDING_CENTRE]
    reviewing = [S.OBJECTION_REVIEW, S.POST_OBJECTION_REVIEW]
    return transitions(
        T("submit", _("提交申请 Submit"), S.DRAFT, S.SUBMITTED, actor=p.is_filer, effect=effects.submit),
        T("precheck", _("初审通过 Pre-check passed"), S.SUBMITTED, S.PRECHECKED, guards=(no_duplicate,),
          effect=effects.precheck, **checker),
        T("return_for_info", _("退回补充材料 Return for information"), S.SUBMITTED, S.RETURNED, input=MissingInput,
          effect=effects.return_for_info, apply=AidCase.return_for_info, destructive=True, **checker),
        T("resubmit", _("补充后重新提交 Resubmit"), S.RETURNED, S.SUBMITTED, actor=p.is_filer, effect=effects.submit,
          apply=AidCase.resubmit),
        T("record_visit", _("登记入户核查 Record the home visit"), S.PRECHECKED, S.VERIFIED, roles=frozenset({Role.VERIFIER}),
          not_own_case=True, input=VisitInput, guards=(actor_is_a_visitor,), effect=effects.record_visit),
        T("assess_tier", _("评定困难档次 Assess the tier"), S.VERIFIED, S.ASSESSED, input=AssessInput,
          effect=effects.assess_tier, **checker),
        T("publish_notice", _("发布公示 Publish the notice"), S.ASSESSED, S.PUBLIC_NOTICE, guards=(eligible,),
          effect=effects.publish_notice, roles=UNION, not_own_case=True),
        T("object", _("提出异议 Object"), [S.PUBLIC_NOTICE, S.POST_NOTICE],
          RETURN_VALUE(S.OBJECTION_REVIEW, S.POST_OBJECTION_REVIEW), system_only=True, input=ObjectInput,
          guards=(notice_open,), effect=effects.object_, apply=AidCase.outcome, restricted_input=("objector",)),
        T("uphold_objection", _("异议成立 Uphold the objection"), reviewing, RETURN_VALUE(S.REJECTED, S.RECOVERY_DUE),
          input=DecisionInput, effect=effects.uphold_objection, apply=AidCase.outcome, destructive=True, **committee),
        T("dismiss_objection", _("异议不成立，重新公示 Dismiss the objection"), reviewing,
          RETURN_VALUE(S.PUBLIC_NOTICE, S.POST_NOTICE), input=DecisionInput, effect=effects.dismiss_objection,
          apply=AidCase.outcome, **committee),
        T("close_notice", _("公示期满 Notice period over"), S.PUBLIC_NOTICE, S.PENDING_APPROVAL, system_only=True,
          guards=(notice_over,), effect=effects.close_notice),
        T("approve", _("批准 Approve"), deciding, S.APPROVED, input=AmountInput,
          guards=(decided_at_its_level, within_committee_limit, within_cap, within_member_cap), effect=effects.approve,
          apply=AidCase.approve, **approver),
        T("escalate", _("报帮扶中心审批 Escalate to the aid centre"), S.PENDING_APPROVAL, S.PENDING_CENTRE,
          input=AmountInput, guards=(decided_at_its_level, above_committee_limit), effect=effects.escalate,
          apply=AidCase.escalate, **approver),
        T("reject", _("不予批准 Reject"), [S.ASSESSED, *deciding], S.REJECTED, input=ReasonInput,
          guards=(decided_at_its_level,), effect=effects.decide, apply=AidCase.reject, destructive=True, **approver),
        T("approve_emergency", _("紧急审批 Emergency approval"), S.SUBMITTED, RETURN_VALUE(S.SUBMITTED, S.APPROVED),
          roles=UNION, not_own_case=True, input=EmergencyInput,
          guards=(emergency_eligible, within_emergency_cap, second_emergency_approver),
          effect=effects.approve_emergency, apply=AidCase.outcome),
        T("disburse", _("发放 Disburse"), S.APPROVED, S.DISBURSED, roles=frozenset({Role.FINANCE}), not_own_case=True,
          input=DisburseInput, guards=(paid_not_in_future,), effect=effects.disburse, apply=AidCase.disburse),
        T("post_notice", _("事后公示 Publish after payment"), S.DISBURSED, S.POST_NOTICE, roles=UNION,
          not_own_case=True, guards=(is_emergency_case,), effect=effects.post_notice),
        T("recover", _("登记追回 Record the recovery"), S.RECOVERY_DUE, S.RECOVERED, roles=frozenset({Role.FINANCE}),
          not_own_case=True, input=RecoverInput, guards=(recovered_not_in_future,), effect=effects.recover,
          apply=AidCase.recover),
        T("archive", _("建档 File"), [S.DISBURSED, S.POST_NOTICE], S.ARCHIVED,
          roles=frozenset({Role.UNION_COMMITTEE, Role.CHAIR, Role.AID_CENTRE}), not_own_case=True,
          guards=(published_after_payment,), effect=effects.archive),
        T("annual_review", _("年度复核 Annual review"), [S.ARCHIVED, S.CONTINUED], S.ANNUAL_REVIEW,
          guards=(file_a_year_old,), **checker),
        T("continue_file", _("继续建档 Continue the file"), S.ANNUAL_REVIEW, S.CONTINUED, input=ReviewInput,
          apply=AidCase.continue_file, **committee),
        T("exit_file", _("脱困撤档 Exit the file"), S.ANNUAL_REVIEW, S.EXITED, input=ReasonInput,
          apply=AidCase.exit_file, destructive=True, **committee),
    )
