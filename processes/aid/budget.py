"""Adjusting an aid fund's budget after it was opened (预算调整).

Finance of the organisation changes the budget of its fund for a year, with a reason. The budget
never goes below what the fund has already paid out (disbursements less reversals and
recoveries) plus, for the current year's fund, what is approved and still to be paid: money
already spent or promised to a member in hardship cannot be planned away
(《中央财政专项帮扶资金使用管理办法》: funds used as budgeted, a ledger kept). Each change is a row
that is never changed and an event on the fund's own audit chain (``fund:<org>:<year>``).

The floor holds from both sides: an approval (which raises what is promised) is refused when the
current year's budget cannot cover it (:func:`fund_hold_for_approval`). Both read the floor with the
fund row locked, so a budget lowered at the very moment of an approval waits for it, or it waits for
the budget: never both pass on figures the other is about to change. Lock order: a case's
transitions lock the case, then the fund (as the ledger does); a budget change locks the fund
alone, so no two of them wait on each other in a cycle.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflow.audit import RequestMeta, record_event
from workflow.errors import GuardFailed, InvalidInput

from .ledger import finance_actor, locked_fund
from .models import AidBudgetChange, AidCase, AidFund, AidLedgerEntry
from .states import AidState, EntryKind

CENT = Decimal("0.01")

BELOW_FLOOR = _(
    "预算不能低于已发放与已批准待发放之和 %(floor)s 元（已发放 %(paid)s 元，待发放 %(committed)s 元）（规则 aid.budget） "
    "The budget cannot go below %(floor)s yuan: %(paid)s yuan paid and %(committed)s yuan approved but not yet paid "
    "(rule aid.budget)."
)


def paid_out(fund: AidFund) -> Decimal:
    """Disbursed from the fund, less what came back (reversals and recoveries)."""
    rows = (
        AidLedgerEntry.objects.filter(fund=fund).exclude(kind=EntryKind.ALLOCATION)
        .order_by().values("kind").annotate(total=Sum("amount"))  # no default ordering in the GROUP BY
    )
    totals = {row["kind"]: row["total"] for row in rows}
    returned = totals.get(EntryKind.REVERSAL, 0) + totals.get(EntryKind.RECOVERY, 0)
    return (Decimal(totals.get(EntryKind.DISBURSEMENT, 0)) - returned).quantize(CENT)


def committed(fund: AidFund, today) -> Decimal:
    """Approved and not yet paid: paid from the fund of the year paid, so the current year's."""
    if fund.year != today.year:
        return Decimal("0.00")
    total = AidCase.objects.filter(organisation_id=fund.organisation_id, state=AidState.APPROVED).aggregate(
        total=Sum("approved_amount"))["total"]
    return Decimal(total or 0).quantize(CENT)


BUDGET_EXCEEDED = _(
    "%(year)s 年度预算 %(budget)s 元不足以批准 %(amount)s 元（已发放 %(paid)s 元，已批准待发放 %(committed)s 元）"
    "（规则 aid.budget） The %(year)s budget of %(budget)s yuan cannot cover %(amount)s yuan more: %(paid)s yuan paid "
    "and %(committed)s yuan approved but not yet paid (rule aid.budget)."
)


def fund_hold_for_approval(case: AidCase, amount: Decimal, today) -> None:
    """Inside an approval (the case row already locked): lock the organisation's fund of the year
    and refuse, with 409, an amount the budget cannot cover on top of what is paid out and what is
    approved and unpaid (rule aid.budget). Without a fund for the year there is no budget to hold."""
    fund = AidFund.objects.select_for_update().filter(organisation_id=case.organisation_id, year=today.year).first()
    if fund is None:
        return
    # Read after the lock: an approval or payment committed while this one waited is counted.
    paid, promised = paid_out(fund), committed(fund, today)
    if paid + promised + amount > fund.budget:
        raise GuardFailed(str(BUDGET_EXCEEDED % {
            "year": fund.year, "budget": fund.budget, "amount": amount, "paid": paid, "committed": promised,
        }), rule="aid.budget")


def fund_set_budget(*, organisation, year: int, budget: Decimal, reason: str, actor_user, now=None,
                    meta: RequestMeta | None = None) -> AidBudgetChange:
    """Finance sets the fund's budget for ``year``; below the floor it is a 400 and nothing changes."""
    now = now or timezone.now()
    budget = Decimal(budget).quantize(CENT)
    actor = finance_actor(actor_user, organisation)
    with transaction.atomic():
        fund = locked_fund(organisation, year)
        paid, promised = paid_out(fund), committed(fund, timezone.localtime(now).date())
        floor = paid + promised
        if budget < floor:
            message = str(BELOW_FLOOR % {"floor": floor, "paid": paid, "committed": promised})
            raise InvalidInput(message, fields={"budget": [message]})
        change = AidBudgetChange.objects.create(
            fund=fund, previous_budget=fund.budget, budget=budget, floor=floor, reason=reason, created_by=actor_user,
            created_at=now,
        )
        AidFund.objects.filter(pk=fund.pk).update(budget=budget)
        record_event(case=fund, action="ledger_budget", actor=actor, meta=meta, now=now, payload={
            "previous_budget": str(change.previous_budget), "budget": str(budget), "paid_out": str(paid),
            "committed": str(promised), "reason": reason,
        })
        return change
