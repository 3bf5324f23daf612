"""Transition effects: the rows around a proposal, written in the service's transaction.

Each runs before the FSM method and may add to ``ctx.payload`` (what the audit event records);
what it returns is ``ctx.result`` for the model's method.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from workflow.audit import record_event
from workflow.deadlines import close_deadline, start_deadline
from workflow.errors import GuardFailed
from workflow.models import CaseDeadline
from workflow.notifications.deferred import send_after_commit

from . import deadlines as d
from .models import ProposalCosigner, ProposalCountersign, ProposalRating, ProposalReply
from .notices import COUNTERSIGN_EXPECTED
from .rules import cosign_window_end, countersigning_department, max_rehandlings
from .states import Closure, CosignStatus, ProposalState, Rating

S = ProposalState

# Texts of the effects (module constants so tests assert them verbatim).
EXHAUSTED_NOTE = _(
    "已重新办理 %(n)s 次，提案人仍不满意；经提案审查委员会备注后办结 "
    "Re-handled %(n)s time(s) and still unsatisfied; closed with the review committee's note."
)
VOTE_UNAVAILABLE = _("表决功能不可用 Congress voting is not available.")

EXPIRED = CaseDeadline.Status.EXPIRED
CANCELLED = CaseDeadline.Status.CANCELLED


def _username(user) -> str:
    return user.get_username()


def invite_cosigners(ctx):
    """Send the invitations and open the co-signing window (draft → cosigning)."""
    case = ctx.case
    for user in ctx.data["cosigners"]:
        ProposalCosigner.objects.create(proposal=case, user=user, invited_at=ctx.now)
    case.cosign_opened_on = ctx.today
    case.cosign_closes_on = cosign_window_end(case, ctx.today)
    start_deadline(case, d.COSIGN_WINDOW.id, ctx.today, payload=ctx.payload, due_on=case.cosign_closes_on)
    ctx.payload["invited"] = [_username(u) for u in ctx.data["cosigners"]]


def _answer(ctx, status: str) -> None:
    invitation = ctx.case.cosigners.select_for_update().get(user=ctx.user)
    invitation.status = status
    invitation.responded_at = ctx.now
    invitation.save(update_fields=["status", "responded_at"])
    # The audited e-consent: who, what, when.
    ctx.payload["cosigner"] = {"username": _username(ctx.user), "status": status, "at": ctx.now.isoformat()}


def cosign(ctx):
    _answer(ctx, CosignStatus.CONFIRMED)


def decline_cosign(ctx):
    _answer(ctx, CosignStatus.DECLINED)


def withdraw_cosign(ctx):
    _answer(ctx, CosignStatus.WITHDRAWN)


def _lapse_pending(case) -> None:
    case.cosigners.filter(status=CosignStatus.INVITED).update(status=CosignStatus.LAPSED)


def submit(ctx):
    case = ctx.case
    ctx.payload["cosigners"] = [
        {"username": c.user.get_username(), "confirmed_at": c.responded_at.isoformat()}
        for c in case.cosigners.filter(status=CosignStatus.CONFIRMED).select_related("user")
    ]
    close_deadline(case, d.COSIGN_WINDOW.id)
    _lapse_pending(case)


def withdraw(ctx):
    close_deadline(ctx.case, d.COSIGN_WINDOW.id, CANCELLED)
    _lapse_pending(ctx.case)


def merge(ctx):
    """The target lists the merged proposal; its proposer and co-proposers become co-proposers there."""
    case, target = ctx.case, ctx.data["into"]
    joining = [case.created_by, *case.co_proposers.all()]
    joining = [u for u in joining if u.pk != target.created_by_id]
    target.co_proposers.add(*joining)
    target.version += 1
    target.save(update_fields=["version", "updated_at"])
    record_event(
        case=target, action="merge_in", actor=ctx.actor, from_state=target.state, to_state=target.state,
        payload={"merged": case.reference, "co_proposers": [_username(u) for u in joining]},
        meta=ctx.meta, now=ctx.now,
    )
    ctx.payload["into"] = target.reference


def assign(ctx):
    """交办: the reply deadline (rule proposal.reply, or the earlier ``due_date``) and the return window."""
    case = ctx.case
    case.set_co_departments(ctx.data.get("co_departments", []))
    due_date = ctx.data.get("due_date")
    n = (due_date - ctx.today).days if due_date else None
    row = start_deadline(case, d.REPLY.id, ctx.today, payload=ctx.payload, n=n)
    case.reply_due_on = row.due_on
    start_deadline(case, d.ASSIGNMENT_RETURN.id, ctx.today, payload=ctx.payload)


def return_assignment(ctx):
    close_deadline(ctx.case, d.REPLY.id, CANCELLED)
    close_deadline(ctx.case, d.ASSIGNMENT_RETURN.id)
    ctx.case.set_co_departments([])


def _org(o) -> dict:
    return {"code": o.code, "name": o.name}


def _ask_for_countersigns(ctx) -> None:
    """Tell the co-departments' staff, from a worker after commit, that a countersign (会签) is expected of them."""
    case = ctx.case
    if case.has_co_departments():
        send_after_commit(COUNTERSIGN_EXPECTED, case)


def acknowledge(ctx):
    close_deadline(ctx.case, d.ASSIGNMENT_RETURN.id)
    _ask_for_countersigns(ctx)


def countersign(ctx):
    """会签: one row per co-department and reply round; the audit event names both."""
    case = ctx.case
    department = countersigning_department(ctx)
    round_ = case.reply_round()
    ProposalCountersign.objects.create(
        proposal=case, round=round_, department=department, signed_by=ctx.user,
        opinion=ctx.data.get("opinion", ""), signed_at=ctx.now,
    )
    ctx.payload["department"] = _org(department)
    ctx.payload["round"] = round_


def reply(ctx):
    case = ctx.case
    ctx.payload["countersigned_by"] = [
        _org(c.department) for c in case.countersigns.filter(round=case.reply_round()).select_related("department")
    ]
    due = case.reply_due_on
    on_time = due is None or ctx.today <= due
    ProposalReply.objects.create(
        proposal=case, round=case.replies.count() + 1, department=case.lead_department,
        text=ctx.data["text"], classification=ctx.data["classification"],
        attachments=ctx.data.get("attachments", []), replied_by=ctx.user, replied_at=ctx.now,
        due_on=due, on_time=on_time,
    )
    close_deadline(case, d.REPLY.id)
    start_deadline(case, d.FEEDBACK.id, ctx.today, payload=ctx.payload)
    ctx.payload["on_time"] = on_time


@dataclass(frozen=True)
class RatingOutcome:
    """What a rating leads to: ``Closure.RATED``, ``ProposalState.REHANDLING`` or
    ``Closure.REHANDLING_EXHAUSTED`` (then with the committee's note)."""

    outcome: str
    committee_note: str = ""


def rate(ctx) -> RatingOutcome:
    """满意/基本满意 close it; 不满意 re-handles it while fewer than R re-handlings were made."""
    case = ctx.case
    last = case.replies.order_by("-round").first()
    if last is None:  # a replied proposal always has a reply; refuse rather than guess
        raise GuardFailed("没有可评价的答复 There is no reply to rate.", rule="proposal.rate")
    ProposalRating.objects.create(
        proposal=case, reply=last, rating=ctx.data["rating"], comment=ctx.data.get("comment", ""),
        rated_by=ctx.user, rated_at=ctx.now,
    )
    close_deadline(case, d.FEEDBACK.id)
    limit = max_rehandlings(case.organisation)
    note = ""
    if ctx.data["rating"] != Rating.UNSATISFIED:
        outcome = Closure.RATED
    elif case.rehandling_count < limit:
        outcome = S.REHANDLING
        row = start_deadline(case, d.REPLY.id, ctx.today, payload=ctx.payload)
        case.reply_due_on = row.due_on
        _ask_for_countersigns(ctx)  # the new round needs fresh countersigns
    else:
        outcome = Closure.REHANDLING_EXHAUSTED
        note = str(EXHAUSTED_NOTE % {"n": case.rehandling_count})
        ctx.payload["committee_note"] = note
    ctx.payload["outcome"] = str(outcome)
    ctx.payload["rehandlings"] = {"done": case.rehandling_count, "allowed": limit}
    return RatingOutcome(str(outcome), note)


def close_unrated(ctx):
    close_deadline(ctx.case, d.FEEDBACK.id, EXPIRED)
    ctx.payload["closure"] = str(Closure.NOT_RATED)


def put_to_vote(ctx):
    """Opens the congress vote (resolution rule); its close performs adopt / not_adopt."""
    try:
        from workflow.votes.services import vote_open
    except ImportError:
        raise GuardFailed(str(VOTE_UNAVAILABLE), rule="proposal.vote") from None
    case = ctx.case
    vote = vote_open(
        process="proposals", case=case, title=ctx.data.get("title") or case.title, rule="resolution",
        opened_by=ctx.user, pass_transition="adopt", fail_transition="not_adopt", meta=ctx.meta, now=ctx.now,
    )
    case.vote_id = getattr(vote, "pk", None)
    ctx.payload["vote"] = case.vote_id
