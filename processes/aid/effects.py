"""Transition effects: the rows around an aid case, written in the service's transaction.

Each runs before the FSM method and may add to ``ctx.payload`` (what the audit event records).
Restricted values never go into the payload: the tier rule's income figures are recorded as
``[restricted]`` (they stay on the case, read through the audited reveal).
"""

from __future__ import annotations

from workflow.deadlines import close_deadline, start_deadline
from workflow.deadlines.rules import effective_n, get_rule
from workflow.models import CaseDeadline
from workflow.registry import RESTRICTED_MARK

from . import deadlines as d
from . import notices, rules
from .budget import fund_hold_for_approval
from .ledger import ledger_disburse, ledger_recover
from .models import AidObjection
from .states import AidState

S = AidState
CANCELLED = CaseDeadline.Status.CANCELLED


def notice_days(organisation) -> int:
    """The notice period in working days: the organisation's setting kept within 5–10 (rules.md A4)."""
    low, high = d.NOTICE_DAYS_RANGE
    return min(max(effective_n(get_rule(d.NOTICE.id), organisation), low), high)


def submit(ctx):
    start_deadline(ctx.case, d.PRECHECK.id, ctx.today, payload=ctx.payload)


def precheck(ctx):
    start_deadline(ctx.case, d.VISIT.id, ctx.today, payload=ctx.payload, closes=(d.PRECHECK.id,))


def return_for_info(ctx):
    close_deadline(ctx.case, d.PRECHECK.id, CANCELLED)


def record_visit(ctx):
    case = ctx.case
    case.visitor_ids = [u.pk for u in ctx.data["visitors"]]
    case.visit_report = ctx.data["report"]
    case.visited_on = ctx.today
    close_deadline(case, d.VISIT.id)
    ctx.payload["visitors"] = [u.get_username() for u in ctx.data["visitors"]]


def assess_tier(ctx):
    """Apply the tier rule; record its version, the 低保 used, the household size and the outcome."""
    case = ctx.case
    result = rules.assess(
        household_income=case.household_income, rigid_expenses=case.rigid_expenses,
        household_size=case.household_size, dibao=rules.dibao_monthly(case.organisation),
    )
    case.tier = result["tier"]
    case.tier_inputs = result
    case.proposed_amount = ctx.data.get("amount") or case.requested_amount
    ctx.payload["tier"] = {
        "rule": result["rule"], "dibao_monthly": result["dibao_monthly"], "household_size": result["household_size"],
        "household_income": RESTRICTED_MARK, "rigid_expenses": RESTRICTED_MARK,
        "per_capita_monthly": RESTRICTED_MARK, "outcome": result["tier"],
    }
    ctx.payload["proposed_amount"] = str(case.proposed_amount)


def _publish(ctx, rule_id: str, amount, closes: tuple = ()) -> None:
    case = ctx.case
    case.notice_text = notices.notice_text(case, amount)
    case.notice_hash = notices.text_hash(case.notice_text)
    case.notice_published_on = ctx.today
    case.notice_taken_down_on = None
    n = notice_days(case.organisation) if rule_id == d.NOTICE.id else None
    row = start_deadline(case, rule_id, ctx.today, payload=ctx.payload, n=n, closes=closes)
    case.notice_ends_on = row.due_on
    ctx.payload["notice"] = {"hash": case.notice_hash, "published_on": ctx.today.isoformat(),
                             "ends_on": row.due_on.isoformat(), "channel": "notice_page"}


def publish_notice(ctx):
    _publish(ctx, d.NOTICE.id, ctx.case.proposed_amount)


def post_notice(ctx):
    _publish(ctx, d.POST_NOTICE.id, ctx.case.approved_amount)


def _after_payment(case) -> bool:
    """The notice or objection concerns aid already paid (the emergency fast track, rules.md A4)."""
    return case.state in (S.POST_NOTICE, S.POST_OBJECTION_REVIEW)


def object_(ctx):
    """An objection pauses the notice, before or after payment alike: its period stops and the
    committee reviews the objection. Returns the review state of that notice."""
    case = ctx.case
    after_payment = _after_payment(case)
    objection = AidObjection.objects.create(
        case=case, objector_id=ctx.data["objector"], grounds=ctx.data["grounds"], filed_at=ctx.now
    )
    # The notice's own row is closed (met: it ran until the objection) in the same statement.
    notice_rule = d.POST_NOTICE.id if after_payment else d.NOTICE.id
    start_deadline(case, d.OBJECTION_REVIEW.id, ctx.today, payload=ctx.payload, closes=(notice_rule,))
    ctx.payload["objection"] = objection.pk
    return S.POST_OBJECTION_REVIEW if after_payment else S.OBJECTION_REVIEW


def _decide_objection(ctx, outcome: str, *, close: bool = True) -> None:
    objection = ctx.case.objections.select_for_update().filter(outcome=AidObjection.Outcome.OPEN).first()
    if objection is not None:
        objection.outcome = outcome
        objection.decided_at = ctx.now
        objection.decision = ctx.data["reason"]
        objection.save(update_fields=["outcome", "decided_at", "decision"])
        ctx.payload["objection"] = objection.pk
    if close:
        close_deadline(ctx.case, d.OBJECTION_REVIEW.id)


def uphold_objection(ctx):
    """The objection stands: the notice comes down and the case is rejected; aid already paid
    (a notice after payment) is to be recovered (追回) by finance."""
    case = ctx.case
    after_payment = _after_payment(case)
    _decide_objection(ctx, AidObjection.Outcome.UPHELD)
    case.notice_taken_down_on = ctx.today
    case.decision_reason = ctx.data["reason"]
    if after_payment:
        ctx.payload["to_recover"] = str(case.approved_amount)
        return S.RECOVERY_DUE
    return S.REJECTED


def dismiss_objection(ctx):
    """The objection fails: a fresh notice period starts (rules.md A4: back to PUBLIC_NOTICE), the
    notice after payment likewise, counted the same way; the case is then filed as usual."""
    after_payment = _after_payment(ctx.case)
    _decide_objection(ctx, AidObjection.Outcome.DISMISSED, close=False)
    if after_payment:
        _publish(ctx, d.POST_NOTICE.id, ctx.case.approved_amount, closes=(d.OBJECTION_REVIEW.id,))
        return S.POST_NOTICE
    _publish(ctx, d.NOTICE.id, ctx.case.proposed_amount, closes=(d.OBJECTION_REVIEW.id,))
    return S.PUBLIC_NOTICE


def close_notice(ctx):
    ctx.case.notice_taken_down_on = ctx.today
    start_deadline(ctx.case, d.APPROVAL.id, ctx.today, payload=ctx.payload)


def escalate(ctx):
    """The aid centre's level gets its own approval period (the committee's is replaced)."""
    ctx.case.proposed_amount = ctx.data["amount"]
    start_deadline(ctx.case, d.APPROVAL.id, ctx.today, payload=ctx.payload)
    ctx.payload["committee_limit"] = str(rules.committee_limit(ctx.case.organisation, ctx.case.aid_type))


def decide(ctx):
    close_deadline(ctx.case, d.APPROVAL.id)
    if "amount" in ctx.data:
        ctx.payload["caps"] = caps_payload(ctx.case, ctx.data["amount"])


def approve(ctx):
    """Approval promises money: the year's budget must cover it, read under the fund's lock (aid.budget)."""
    fund_hold_for_approval(ctx.case, ctx.data["amount"], ctx.today)
    decide(ctx)


def caps_payload(case, amount) -> dict:
    return {
        "amount": str(amount),
        "type_tier_cap": str(rules.tier_cap(case.organisation, case.aid_type, case.tier, case.household_size)),
        "committee_limit": str(rules.committee_limit(case.organisation, case.aid_type)),
        "member_annual_cap": str(rules.member_annual_cap(case.organisation)),
    }


def approve_emergency(ctx):
    """Chair plus one committee member (rules.md A4): the first records their approval, the second
    (holding the other role) completes it; the result is the target state."""
    case = ctx.case
    entry = {"username": ctx.user.get_username(), "role": ctx.actor.role, "amount": str(ctx.data["amount"]),
             "at": ctx.now.isoformat()}
    case.emergency_approvers = [*case.emergency_approvers, entry]
    case.justification = case.justification or ctx.data["justification"]
    ctx.payload["emergency_approval"] = entry
    if len(case.emergency_approvers) >= 2:
        fund_hold_for_approval(case, ctx.data["amount"], ctx.today)
        case.emergency = True
        case.approved_amount = ctx.data["amount"]
        case.approved_by = ctx.user
        case.approval_level = "emergency"
        close_deadline(case, d.PRECHECK.id, CANCELLED)
        return S.APPROVED
    return S.SUBMITTED


def disburse(ctx):
    entry = ledger_disburse(
        case=ctx.case, actor=ctx.actor, amount=ctx.case.approved_amount, transaction_ref=ctx.data["transaction_ref"],
        paid_on=ctx.data["paid_on"], now=ctx.now, meta=ctx.meta,
    )
    ctx.payload["ledger_entry"] = {"id": entry.pk, "fund": entry.fund.reference, "amount": str(entry.amount),
                                   "balance_after": str(entry.balance_after)}


def recover(ctx):
    """Finance records the aid paid back: a recovery entry credits the fund that paid it (a payment
    the bank had already returned is credited no second time: the event names that reversal)."""
    entry = ledger_recover(
        case=ctx.case, actor=ctx.actor, transaction_ref=ctx.data["transaction_ref"],
        recovered_on=ctx.data["recovered_on"], now=ctx.now, meta=ctx.meta,
    )
    ctx.payload["ledger_entry"] = {"id": entry.pk, "kind": entry.kind, "fund": entry.fund.reference,
                                   "amount": str(entry.amount), "reverses": entry.reverses_id}


def archive(ctx):
    case = ctx.case
    case.file_number = "DA-" + case.reference
    case.archived_on = ctx.today
    ctx.payload["file_number"] = case.file_number
