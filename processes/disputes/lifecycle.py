"""The dispute process as data: every transition declared once, with its source and target,
roles, actor, guards, input, effect and what it writes on the case (see :mod:`workflow.registry`).

Sources: 《劳动争议调解仲裁法》(2007) Art.7, 12, 14, 15, 27; 《企业劳动争议协商调解规定》(2011)
on acceptance, recusal, the 15-day mediation period, its extension and confidentiality.
Guards return *why not* (a 409 naming the rule); effects write the rows around the case.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE

from workflow.registry import TransitionSpec, guard, transitions
from workflow.roles import Role

from . import deadlines as d
from . import effects
from . import permissions as p
from .effects import ALREADY_SIGNED, WRONG_VERSION  # noqa: F401 - declared beside the signing, named with the others
from .models import NO_MEDIATORS_YET, Dispute
from .serializers import (
    AgreementInput,
    AssignInput,
    BreachInput,
    DeclineInput,
    FailInput,
    PaymentOrderInput,
    RecusalDecisionInput,
    RecusalInput,
    ReferInput,
    ReviewInput,
    SessionInput,
    SignInput,
    WithdrawInput,
)
from .states import BEFORE_AGREEMENT, MEDIATION_STATES, DisputeState

S = DisputeState
T = TransitionSpec
COMMITTEE = frozenset({Role.MEDIATOR, Role.MEDIATION_CHAIR})
#: The chair of the mediation committee (调解委员会主任, 第十条), not the union chair as such.
CHAIR = frozenset({Role.MEDIATION_CHAIR})

# Error texts (module constants so tests assert them verbatim) -------------------------
NOT_CONFIRMED = _(
    "口头申请的笔录尚未经申请人确认（第十二条） The applicant has not yet confirmed the record of the oral "
    "application (Art.12)."
)
ALREADY_CONFIRMED = _("申请人已确认笔录 The applicant has already confirmed the record.")
NOT_ORAL = _("书面申请无需确认笔录 A written application needs no confirmation of a record.")
NO_CONSENT = _(
    "被申请人尚未同意调解；对方拒绝调解的，不予受理 The respondent has not consented to mediation; if they refuse, "
    "decline the application."
)
ALREADY_CONSENTED = _("被申请人已同意调解 The respondent has already consented to mediation.")
MEDIATOR_IS_PARTY = _(
    "当事人不能担任本案调解员 A party cannot be a mediator of their own case: %(names)s"
)
MEDIATOR_RECUSED = _("该调解员已在本案回避 This mediator has withdrawn from the case: %(names)s")
NOT_DECLARED = _(
    "请先声明与本案无利害关系 First declare that you have no conflict of interest in this case."
)
PERIOD_OVER = _(
    "调解期限已于 %(day)s 届满（规则 dispute.mediation），视为调解不成 The mediation period ended on %(day)s "
    "(rule dispute.mediation): mediation has failed."
)
RECUSAL_PENDING = _("对该调解员的回避申请尚待决定 A recusal request for this mediator is awaiting the decision.")
NO_PENDING_RECUSAL = _("没有待决定的回避申请 There is no recusal request awaiting a decision.")
NO_AGREEMENT = _("尚无调解协议书 There is no agreement document.")
NOT_DUE_YET = _(
    "履行期限 %(due)s 尚未届满，不能申请支付令（第十六条） The performance date %(due)s has not passed: no payment order "
    "yet (Art.16)."
)
NOT_A_PAYMENT_MATTER = _(
    "社会保险费不属于可申请支付令的事项（第十六条：劳动报酬、工伤医疗费、经济补偿或者赔偿金） Social insurance "
    "contributions are not a payment-order matter (Art.16: wages, work-injury medical costs, compensation, damages)."
)
PAYMENT_ORDER_RECORDED = _("已登记支付令申请 A payment-order application is already recorded.")
NO_MEDIATOR_LEFT = _("本案没有可以调解的调解员，请先指派 No mediator may act in this case: assign one first.")


# Guards ---------------------------------------------------------------------------------------
@guard("dispute.oral_record")
def oral_record_confirmed(ctx):
    """第十二条: an oral application is recorded on the spot and confirmed by the applicant."""
    if ctx.case.oral and ctx.case.oral_confirmed_at is None:
        return str(NOT_CONFIRMED)


@guard("dispute.oral_record")
def oral_record_unconfirmed(ctx):
    if not ctx.case.oral:
        return str(NOT_ORAL)
    if ctx.case.oral_confirmed_at is not None:
        return str(ALREADY_CONFIRMED)


@guard("dispute.respondent_consent")
def respondent_consented(ctx):
    """Accepted only if the other party consents (《企业劳动争议协商调解规定》: 双方当事人同意调解)."""
    if ctx.case.respondent_consented_at is None:
        return str(NO_CONSENT)


@guard("dispute.respondent_consent")
def respondent_not_yet_consented(ctx):
    if ctx.case.respondent_consented_at is not None:
        return str(ALREADY_CONSENTED)


@guard("dispute.mediator_not_party")
def mediators_not_parties(ctx):
    """A party can never be a mediator of its own case (nor its creator or a worker of the group)."""
    case = ctx.case
    involved = case.party_ids() | {case.created_by_id}
    if case.pk:
        involved |= set(case.workers.filter(user__isnull=False).values_list("user_id", flat=True))
    names = [u.get_username() for u in ctx.data["mediators"] if u.pk in involved]
    if names:
        return str(MEDIATOR_IS_PARTY % {"names": ", ".join(names)})


@guard("dispute.recusal")
def mediators_not_recused(ctx):
    """A mediator who withdrew (回避) from the case is not assigned to it again."""
    if ctx.case.state in NO_MEDIATORS_YET:  # the first assignment: nobody can have withdrawn yet
        return None
    recused = set(ctx.case.mediators.filter(recused_at__isnull=False).values_list("user_id", flat=True))
    names = [u.get_username() for u in ctx.data["mediators"] if u.pk in recused]
    if names:
        return str(MEDIATOR_RECUSED % {"names": ", ".join(names)})


@guard("dispute.no_conflict")
def mediator_declared(ctx):
    """A mediator acts only once they declared no conflict of interest (回避制度)."""
    if ctx.user.pk in ctx.case.undeclared_mediator_ids():
        return str(NOT_DECLARED)


def mediation_due(case):
    """The last day of the mediation period as it stands (after any extension)."""
    from workflow.deadlines import open_deadline

    row = open_deadline(case, d.MEDIATION.id, remember=True)
    return row.due_on if row is not None else case.mediation_ends_on


@guard(d.MEDIATION.id)
def within_mediation_period(ctx):
    """Day 15 after acceptance is the last day; on day 16 mediation has failed (《企业劳动争议协商调解规定》)."""
    due = mediation_due(ctx.case)
    if due is not None and ctx.today > due:
        return str(PERIOD_OVER % {"day": due.isoformat()})


@guard("dispute.recusal")
def no_pending_recusal_for(ctx):
    if ctx.case.recusals.filter(mediator=ctx.data["mediator"], granted__isnull=True).exists():
        return str(RECUSAL_PENDING)


@guard("dispute.recusal")
def recusal_pending(ctx):
    if not ctx.case.recusals.filter(granted__isnull=True).exists():
        return str(NO_PENDING_RECUSAL)


@guard("dispute.sign_version")
def agreement_exists(ctx):
    if ctx.case.agreement_document_id is None:
        return str(NO_AGREEMENT)


@guard("dispute.mediator_present")
def some_mediator_active(ctx):
    if not ctx.case.active_mediator_ids():
        return str(NO_MEDIATOR_LEFT)


@guard("dispute.payment_order")
def performance_date_passed(ctx):
    """第十六条: the employer did not perform by the agreed date — on that day it may still do so."""
    due = ctx.case.performance_due
    if due is not None and ctx.today <= due:
        return str(NOT_DUE_YET % {"due": due.isoformat()})


@guard("dispute.payment_order")
def payment_order_matter(ctx):
    """第十六条 names wages, work-injury medical costs, economic compensation and damages only."""
    from .states import Category

    if ctx.case.category == Category.SOCIAL_INSURANCE:
        return str(NOT_A_PAYMENT_MATTER)


@guard("dispute.payment_order")
def no_payment_order_yet(ctx):
    if ctx.case.payment_order_applied_on is not None:
        return str(PAYMENT_ORDER_RECORDED)


# The transitions: each declared once -----------------------------------------------------------
def build_transitions() -> dict[str, TransitionSpec]:
    """Every dispute transition: source → target, who, guards, input, effect and what it writes."""
    committee = {"roles": COMMITTEE, "not_own_case": True}
    mediating = [S.MEDIATING, S.AGREEMENT_DRAFTED]
    return transitions(
        T("confirm_application", _("确认申请笔录 Confirm the record"), S.APPLIED, S.APPLIED, actor=p.is_applicant,
          guards=(oral_record_unconfirmed,), effect=effects.confirm_application),
        T("consent_to_mediation", _("同意调解 Consent to mediation"), S.APPLIED, S.APPLIED,
          roles=frozenset({Role.EMPLOYER_REP}), not_own_case=True, guards=(respondent_not_yet_consented,),
          effect=effects.consent_to_mediation),
        T("accept", _("受理 Accept"), S.APPLIED, S.ACCEPTED, guards=(oral_record_confirmed, respondent_consented),
          effect=effects.accept, apply=Dispute.accept, **committee),
        T("decline", _("不予受理 Decline"), S.APPLIED, S.DECLINED, input=DeclineInput, effect=effects.decline,
          apply=Dispute.decline, destructive=True, **committee),
        T("assign_mediators", _("指派调解员 Assign mediators"), [S.ACCEPTED, S.MEDIATING], S.MEDIATING,
          roles=CHAIR, not_own_case=True, input=AssignInput, guards=(mediators_not_parties, mediators_not_recused),
          effect=effects.assign_mediators),
        T("declare_no_conflict", _("声明无利害关系 Declare no conflict of interest"), mediating, None,
          actor=p.is_pending_mediator, effect=effects.declare_no_conflict),
        T("request_recusal", _("申请回避 Request recusal"), mediating, None, actor=p.is_party, input=RecusalInput,
          guards=(no_pending_recusal_for,), effect=effects.request_recusal),
        T("decide_recusal", _("决定回避 Decide the recusal"), mediating, None, roles=CHAIR, not_own_case=True,
          input=RecusalDecisionInput, guards=(recusal_pending,), effect=effects.decide_recusal),
        T("record_session", _("记录调解 Record a session"), S.MEDIATING, S.MEDIATING, actor=p.is_active_mediator,
          input=SessionInput, guards=(mediator_declared, within_mediation_period), effect=effects.record_session,
          sealed=("attendance", "minutes"),
          description=_("调解不公开：笔录仅当事人、本案调解员、主任和审计可见 Not public: only the parties, the "
                        "case's mediators, the chair and auditors read the minutes.")),
        T("draft_agreement", _("拟定调解协议 Draft the agreement"), mediating, S.AGREEMENT_DRAFTED,
          actor=p.is_active_mediator, input=AgreementInput, guards=(mediator_declared, within_mediation_period),
          effect=effects.draft_agreement, apply=Dispute.draft_agreement),
        T("sign_agreement", _("签署调解协议 Sign the agreement"), S.AGREEMENT_DRAFTED,
          RETURN_VALUE(S.AGREEMENT_DRAFTED, S.AGREED), actor=p.is_signatory, input=SignInput,
          guards=(agreement_exists, within_mediation_period), effect=effects.sign_agreement,
          apply=Dispute.sign_agreement, sealed=("password",)),
        T("record_performance", _("登记履行 Record performance"), S.AGREED, S.PERFORMED,
          actor=p.is_committee_for_case, effect=effects.record_performance, apply=Dispute.record_performance),
        T("close", _("结案 Close"), S.PERFORMED, S.CLOSED, actor=p.is_committee_for_case, apply=Dispute.close),
        T("report_breach", _("报告未履行 Report a breach"), S.AGREED, S.BREACHED, actor=p.is_party,
          input=BreachInput, effect=effects.report_breach, apply=Dispute.report_breach),
        T("record_review", _("登记仲裁审查 Record the arbitral review"), [S.AGREED, S.PERFORMED], None,
          actor=p.is_party, input=ReviewInput, effect=effects.record_review, apply=Dispute.record_review,
          description=_("双方自协议生效之日起15日内共同申请仲裁委员会审查 Both parties jointly asked the arbitration "
                        "commission to review the agreement within 15 days of its taking effect.")),
        T("apply_payment_order", _("申请支付令 Apply for a payment order"), S.BREACHED, None,
          actor=p.is_worker_side, input=PaymentOrderInput,
          guards=(performance_date_passed, payment_order_matter, no_payment_order_yet),
          effect=effects.apply_payment_order, apply=Dispute.apply_payment_order,
          description=_("第十六条：劳动者可以持调解协议书依法向人民法院申请支付令 Art.16: the worker may apply to the "
                        "people's court for a payment order on the agreement.")),
        T("fail", _("调解不成 Mediation failed"), [S.ACCEPTED, *mediating], S.FAILED, actor=p.is_committee_for_case,
          input=FailInput, effect=effects.fail, apply=Dispute.fail, destructive=True),
        T("expire", _("调解期满未达成协议 Period ended without agreement"), list(MEDIATION_STATES), S.FAILED,
          system_only=True, effect=effects.expire),
        T("arbitration_open", _("告知可申请仲裁 Tell the parties they may go to arbitration"),
          [S.APPLIED, *MEDIATION_STATES], None, system_only=True, effect=effects.arbitration_open),
        T("withdraw", _("撤回申请 Withdraw"), list(BEFORE_AGREEMENT), S.WITHDRAWN, actor=p.is_applicant,
          input=WithdrawInput, effect=effects.withdraw, apply=Dispute.withdraw, destructive=True),
        T("refer_to_arbitration", _("转仲裁 Refer to arbitration"), [S.FAILED, S.BREACHED], S.REFERRED,
          actor=p.is_party_or_chair, input=ReferInput, effect=effects.refer_to_arbitration,
          apply=Dispute.refer_to_arbitration),
    )
