"""Adjusting an aid fund's budget after it was opened (预算调整).

Finance of the organisation changes the budget of its fund for a year, with a reason. The budget
never goes below what the fund has already paid out (disbursements less reversals and
recoveries) plus, for the current year's fund, what is approved and still to be paid: money
already spent or promised to a member in hardship cannot be planned away
(《中央财政专项帮扶资金使用管理办法》: funds used as budgeted, a ledger kept). Each change is a row
that is never changed and an event on the fund's own audit chain (``fund:<org>:<year>``).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflow.audit import RequestMeta, record_event
from workflow.errors import InvalidInput

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
