"""The proposal process as data: every transition declared once, with its source and target,
roles, actor, guards, input, effect and what it writes on the case (see :mod:`workflow.registry`).

Sources: 企业民主管理规定 (2012) Art.20 for congress votes; otherwise the proposal-work
practice of unions and schools.
Guards return *why not* (a 409 naming the rule); effects write the rows around the case
inside the service's transaction, before the FSM method runs.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE

from workflow.deadlines import open_deadline
from workflow.deadlines.rules import compute_due
from workflow.inputs import ReasonInput
from workflow.models import CongressSession, CongressTerm
from workflow.registry import TransitionSpec, guard, transitions
from workflow.roles import Role

from . import deadlines as d
from . import effects
from . import permissions as p
from .models import Proposal
from .rules import close_before_congress_days, cosign_window_end, countersigning_department, min_cosigners
from .serializers import (
    AcceptInput,
    AssignInput,
    CountersignInput,
    DeclineInput,
    InviteCosignersInput,
    MergeInput,
    NoteInput,
    PutToVoteInput,
    RateInput,
    ReplyInput,
    ResubmitInput,
)
from .states import CosignStatus, ProposalState

S = ProposalState
T = TransitionSpec  # short, so the table below keeps one declaration per transition
REVIEW = frozenset({Role.REVIEW_COMMITTEE})

# Error texts (module constants so tests assert them verbatim) -------------------------
TOO_FEW_COSIGNERS = _(
    "至少需要 %(k)s 名附议人确认（规则 proposal.min_cosigners），目前 %(n)s 名 "
    "At least %(k)s confirmed co-signers are required (rule proposal.min_cosigners); %(n)s confirmed."
)
TOO_FEW_INVITEES = _(
    "至少需邀请 %(k)s 名附议人（规则 proposal.min_cosigners），目前 %(n)s 名 "
    "Invite at least %(k)s co-signers (rule proposal.min_cosigners); %(n)s named."
)
WINDOW_CLOSED = _("附议征集期已于 %(day)s 截止 The co-signing window closed on %(day)s.")
COLLECTION_CLOSED = _(
    "大会召开前 %(days)s 天停止征集提案 Proposals are no longer collected %(days)s days before the congress (%(day)s)."
)
TERM_NOT_CURRENT = _("提案所属届次已不是本届 The proposal's congress term is no longer current.")
ALREADY_ANSWERED = _("您已答复过附议邀请 You have already answered this invitation.")
MERGE_SCOPE = _("只能并入同一单位、同一届次的提案 A proposal can only be merged into one of the same organisation and term.")
MERGE_TARGET_STATE = _("目标提案须处于审查中或已立案 The target must be under review or accepted.")
RETURN_WINDOW = _(
    "交办退回须在 %(n)s 个工作日内（截至 %(day)s）提出 A wrong assignment may be returned within %(n)s working days "
    "(until %(day)s)."
)
FEEDBACK_CLOSED = _(
    "反馈期已于 %(day)s 截止，提案按未评价办结 The feedback window closed on %(day)s; the proposal closes as not rated."
)
FEEDBACK_OPEN = _("反馈期至 %(day)s 仍未届满 The feedback window is open until %(day)s.")
NOT_REPORTED = _("须在向下一次职代会报告办理情况后归档 Archive only after the status was reported to the next congress.")
COUNTERSIGN_MISSING = _(
    "协办部门尚未会签（规则 proposal.countersign）：%(names)s "
    "The co-departments have not countersigned yet (rule proposal.countersign): %(names)s"
)
ALREADY_COUNTERSIGNED = _(
    "本轮已会签（规则 proposal.countersign_once）：%(name)s Already countersigned in this round "
    "(rule proposal.countersign_once): %(name)s"
)


# Guards ---------------------------------------------------------------------------------------
@guard("proposal.term")
def term_is_current(ctx):
    if CongressTerm.current_for(ctx.case.organisation, on=ctx.today) != ctx.case.term:
        return str(TERM_NOT_CURRENT)


@guard("proposal.min_cosigners")
def enough_invitees(ctx):
    k, n = min_cosigners(ctx.case.organisation), len(ctx.data["cosigners"])
    if n < k:
        return str(TOO_FEW_INVITEES % {"k": k, "n": n})


@guard("proposal.cosign_window")
def collection_open(ctx):
    end = cosign_window_end(ctx.case, ctx.today)
    if end < ctx.today:
        days = close_before_congress_days(ctx.case.organisation)
        return str(COLLECTION_CLOSED % {"days": days, "day": end.isoformat()})


@guard("proposal.cosign_window")
def cosign_window_open(ctx):
    closes = ctx.case.cosign_closes_on
    if closes is not None and ctx.today > closes:
        return str(WINDOW_CLOSED % {"day": closes.isoformat()})


@guard("proposal.cosign_once")
def invitation_pending(ctx):
    if ctx.case.cosigners.filter(user=ctx.user, status=CosignStatus.INVITED).count() != 1:
        return str(ALREADY_ANSWERED)


@guard("proposal.min_cosigners")
def enough_cosigners(ctx):
    """Submission needs at least K confirmed co-signers (cosigning → submitted)."""
    k, n = min_cosigners(ctx.case.organisation), len(ctx.case.confirmed_cosigner_ids())
    if n < k:
        return str(TOO_FEW_COSIGNERS % {"k": k, "n": n})


@guard("proposal.merge_scope")
def merge_same_scope(ctx):
    target = ctx.data["into"]
    if target.organisation_id != ctx.case.organisation_id or target.term_id != ctx.case.term_id:
        return str(MERGE_SCOPE)


@guard("proposal.merge_target_state")
def merge_target_state(ctx):
    if ctx.data["into"].state not in (S.UNDER_REVIEW, S.ACCEPTED):
        return str(MERGE_TARGET_STATE)


@guard(d.ASSIGNMENT_RETURN.id)
def within_return_window(ctx):
    """A wrong assignment may be returned within 7 working days of assignment.

    Proposal-work practice, modelled on the 人大 rule for returning wrongly assigned proposals.
    """
    last = compute_due(d.ASSIGNMENT_RETURN.id, ctx.case.assigned_on, ctx.case.organisation)
    if ctx.today > last:
        return str(RETURN_WINDOW % {"n": d.ASSIGNMENT_RETURN.n, "day": last.isoformat()})


def feedback_due(case):
    row = open_deadline(case, d.FEEDBACK.id)
    if row is not None:
        return row.due_on
    last = case.replies.order_by("-round").first()
    return compute_due(d.FEEDBACK.id, timezone.localtime(last.replied_at).date(), case.organisation) if last else None


@guard(d.FEEDBACK.id)
def feedback_window_open(ctx):
    due = feedback_due(ctx.case)
    if due is not None and ctx.today > due:
        return str(FEEDBACK_CLOSED % {"day": due.isoformat()})


@guard(d.FEEDBACK.id)
def feedback_window_over(ctx):
    due = feedback_due(ctx.case)
    if due is not None and ctx.today <= due:
        return str(FEEDBACK_OPEN % {"day": due.isoformat()})


@guard("proposal.countersign_once")
def not_yet_countersigned(ctx):
    """One countersign per co-department and reply round."""
    department = countersigning_department(ctx)
    if department is not None and ctx.case.countersigns.filter(
        round=ctx.case.reply_round(), department=department
    ).exists():
        return str(ALREADY_COUNTERSIGNED % {"name": department.name})


@guard("proposal.countersign")
def co_departments_countersigned(ctx):
    """In progress → replied: the co-departments have countersigned (会签) this reply round ("Process 1" table).

    No co-departments, nothing to countersign. A re-handling round needs fresh countersigns.
    """
    missing = ctx.case.countersign_missing()
    if missing:
        names = "、".join(f"{o.name}（{o.code}）" for o in missing)
        return str(COUNTERSIGN_MISSING % {"names": names})


@guard("proposal.archive_after_report")
def reported_to_next_congress(ctx):
    """Archive after the handling was reported to the next congress (proposal-work practice)."""
    closed = ctx.case.closed_on or ctx.today
    if not CongressSession.held_between(ctx.case.organisation, closed, ctx.today):
        return str(NOT_REPORTED)


# The transitions: each declared once -----------------------------------------------------------
def build_transitions() -> dict[str, TransitionSpec]:
    """Every proposal transition: source → target, who, guards, input, effect and what it writes.

    ``effect`` (effects.py) writes the rows around the case; ``apply`` (a method of
    :class:`Proposal`) writes the case's own fields as the state changes.
    """
    committee = {"roles": REVIEW, "not_own_case": True}
    handling = [S.IN_PROGRESS, S.REHANDLING]
    return transitions(
        T("invite_cosigners", _("邀请附议 Invite co-signers"), S.DRAFT, S.COSIGNING, actor=p.is_proposer,
          input=InviteCosignersInput, guards=(term_is_current, enough_invitees, collection_open),
          effect=effects.invite_cosigners),
        T("cosign", _("附议 Co-sign"), S.COSIGNING, S.COSIGNING, actor=p.is_invited_cosigner,
          guards=(invitation_pending, cosign_window_open), effect=effects.cosign),
        T("decline_cosign", _("谢绝附议 Decline to co-sign"), S.COSIGNING, S.COSIGNING, actor=p.is_invited_cosigner,
          input=DeclineInput, guards=(invitation_pending,), effect=effects.decline_cosign),
        T("withdraw_cosign", _("撤回附议 Withdraw co-signature"), S.COSIGNING, S.COSIGNING,
          actor=p.is_confirmed_cosigner, effect=effects.withdraw_cosign),
        T("submit", _("提交 Submit"), S.COSIGNING, S.SUBMITTED, actor=p.is_proposer,
          guards=(cosign_window_open, enough_cosigners), effect=effects.submit, apply=Proposal.submit),
        T("withdraw", _("撤回提案 Withdraw"), [S.DRAFT, S.COSIGNING, S.SUBMITTED], S.WITHDRAWN, actor=p.is_proposer,
          input=ReasonInput, effect=effects.withdraw, apply=Proposal.withdraw, destructive=True),
        T("start_review", _("开始审查 Start review"), S.SUBMITTED, S.UNDER_REVIEW, **committee),
        T("accept", _("立案 Accept"), S.UNDER_REVIEW, S.ACCEPTED, input=AcceptInput, apply=Proposal.accept,
          **committee),
        T("convert", _("转为意见建议 Convert to a suggestion"), S.UNDER_REVIEW, S.CONVERTED, input=ReasonInput,
          apply=Proposal.convert, **committee, destructive=True),
        T("reject", _("不予立案 Reject"), S.UNDER_REVIEW, S.REJECTED, input=ReasonInput, apply=Proposal.reject,
          **committee, destructive=True),
        T("return_for_revision", _("退回修改 Return for revision"), S.UNDER_REVIEW, S.RETURNED, input=ReasonInput,
          apply=Proposal.return_for_revision, **committee, destructive=True),
        T("resubmit", _("重新提交 Resubmit"), S.RETURNED, S.SUBMITTED, actor=p.is_proposer, input=ResubmitInput,
          apply=Proposal.resubmit),
        T("merge", _("合并 Merge"), S.UNDER_REVIEW, S.MERGED, input=MergeInput,
          guards=(merge_same_scope, merge_target_state), effect=effects.merge, apply=Proposal.merge, destructive=True,
          **committee),
        T("assign", _("交办 Assign"), [S.ACCEPTED, S.CONVERTED], S.ASSIGNED, input=AssignInput,
          effect=effects.assign, apply=Proposal.assign, **committee),
        T("return_assignment", _("退回交办 Return the assignment"), S.ASSIGNED, RETURN_VALUE(S.ACCEPTED, S.CONVERTED),
          actor=p.is_lead_department, input=ReasonInput, guards=(within_return_window,),
          effect=effects.return_assignment, apply=Proposal.return_assignment),
        T("acknowledge", _("签收 Acknowledge"), S.ASSIGNED, S.IN_PROGRESS, actor=p.is_lead_department,
          effect=effects.acknowledge),
        T("countersign", _("会签 Countersign"), handling, None, actor=p.is_co_department, input=CountersignInput,
          guards=(not_yet_countersigned,), effect=effects.countersign,
          description=_("会签：承办期间状态不变 Countersigned while the lead department handles it; the state stays.")),
        T("reply", _("答复 Reply"), handling, S.REPLIED, actor=p.is_lead_department, input=ReplyInput,
          guards=(co_departments_countersigned,), effect=effects.reply),
        T("rate", _("评价 Rate the reply"), S.REPLIED, RETURN_VALUE(S.CLOSED, S.REHANDLING), actor=p.is_proposer,
          input=RateInput, guards=(feedback_window_open,), effect=effects.rate, apply=Proposal.rate),
        T("close_unrated", _("逾期未评价办结 Close as not rated"), S.REPLIED, S.CLOSED, system_only=True,
          guards=(feedback_window_over,), effect=effects.close_unrated, apply=Proposal.close_unrated),
        T("add_note", _("委员会备注 Committee note"), S.CLOSED, S.CLOSED, input=NoteInput, apply=Proposal.add_note,
          **committee),
        T("archive", _("归档 Archive"), S.CLOSED, S.ARCHIVED, guards=(reported_to_next_congress,), **committee),
        T("put_to_vote", _("提交大会表决 Put to the congress vote"), S.ACCEPTED, S.ON_AGENDA, input=PutToVoteInput,
          effect=effects.put_to_vote, **committee),
        T("adopt", _("大会通过 Adopted by the congress"), S.ON_AGENDA, S.ADOPTED, system_only=True),
        T("not_adopt", _("大会未通过 Not adopted by the congress"), S.ON_AGENDA, S.NOT_ADOPTED, system_only=True),
    )
