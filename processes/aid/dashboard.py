"""The aid's own oversight figures: money paid per month and aid type, and each year against the
fund's budget (帮扶资金使用情况).

From the fund ledger (:mod:`.ledger`), summed in the database: a reversal (a payment returned by the
bank) or a recovery (追回, after an upheld objection) is subtracted from what was paid; allocations are
not payments. The budget is the fund's as it stands (finance may have changed it, :mod:`.budget`).
Funds of every organisation the reader covers are added up, year by year.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q, Sum
from django.db.models.functions import TruncMonth

from workflow.audit.figures import Figure, Scope, percent

from .models import AidFund, AidLedgerEntry
from .states import AidType, EntryKind

ZERO = Decimal("0.00")
#: Ledger entries that give back what a disbursement paid out.
RETURNED = (EntryKind.REVERSAL, EntryKind.RECOVERY)


def _money(amount) -> Decimal:
    """Yuan to the fen: SQLite's sums come back without their two decimals."""
    return Decimal(amount or 0).quantize(ZERO)


def _entries(scope: Scope):
    return AidLedgerEntry.objects.filter(fund__organisation_id__in=scope.organisation_ids)


def _budgets(scope: Scope) -> dict[int, Decimal]:
    funds = AidFund.objects.filter(organisation_id__in=scope.organisation_ids).order_by()
    return {year: _money(total) for year, total in funds.values_list("year").annotate(total=Sum("budget"))}


def _paid_and_returned():
    return {
        "paid": Sum("amount", filter=Q(kind=EntryKind.DISBURSEMENT), default=ZERO),
        # A payment the bank returned (冲回) or recovered after an upheld objection (追回).
        "returned": Sum("amount", filter=Q(kind__in=RETURNED), default=ZERO),
    }


def disbursed_by_month(spec, scope: Scope) -> Figure:
    """Per month booked, fund year and aid type: paid, returned, net, that fund year's budget and the
    net as % of it. A payment returned later is booked in its own month against the fund it was paid from."""
    budgets = _budgets(scope)
    sums = (
        _entries(scope).exclude(kind=EntryKind.ALLOCATION).annotate(month=TruncMonth("booked_on")).order_by()
        .values_list("month", "fund__year", "aid_type").annotate(**_paid_and_returned())
        .order_by("month", "fund__year", "aid_type")
    )
    labels = dict(AidType.choices)
    rows = []
    for month, year, aid_type, paid, returned in sums:
        net, budget = _money(paid) - _money(returned), budgets.get(year)
        rows.append((month.strftime("%Y-%m"), year, aid_type, str(labels.get(aid_type, aid_type)), _money(paid),
                     _money(returned), net, budget, percent(net, budget)))
    return Figure(
        "aid-disbursed-by-month", f"{spec.label} · 每月发放（按救助类型） Paid per month and aid type",
        ("月份 Month", "资金年度 Fund year", "类型 Type", "名称 Label", "发放 Paid", "冲回/追回 Returned", "净额 Net",
         "年度预算 Fund year's budget", "占预算 % Of budget"),
        rows,
    )


def against_budget(spec, scope: Scope) -> Figure:
    """Per fund year: the funds' budget, the net paid from them, the balance left and the budget used in %."""
    budgets = _budgets(scope)
    balances = {
        year: _money(total) for year, total in AidFund.objects.filter(organisation_id__in=scope.organisation_ids)
        .order_by().values_list("year").annotate(total=Sum("balance"))
    }
    paid = {
        year: _money(p) - _money(r) for year, p, r in _entries(scope).order_by().values_list("fund__year")
        .annotate(**_paid_and_returned())
    }
    rows = [(year, budgets[year], paid.get(year, ZERO), balances[year], percent(paid.get(year, ZERO), budgets[year]))
            for year in sorted(budgets)]
    return Figure(
        "aid-against-budget", f"{spec.label} · 年度预算执行 Paid against the year's budget",
        ("年度 Year", "预算 Budget", "净发放 Net paid", "余额 Balance", "使用率 % Used"),
        rows,
    )


def figures(spec, scope: Scope) -> list[Figure]:
    """The aid's :data:`workflow.registry.DashboardHook`."""
    return [disbursed_by_month(spec, scope), against_budget(spec, scope)]
