"""What the notice page and the ledger page show: redacted notices, and the fund's entries with totals.

A notice carries only the fields of :func:`notices.notice_fields` (never restricted data). The ledger
report gives the balance, the budget, each entry, and totals per month, aid type and tier.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflow import policy
from workflow.errors import ActionForbidden
from workflow.roles import Role

from . import notices
from .ledger import LEDGER_ROLES, can_read_ledger
from .models import AidCase, AidFund, AidLedgerEntry
from .states import NOTICE_STATES, AidType, EntryKind, Tier

NO_LEDGER = _("您无权查看该单位的帮扶资金台账 You may not read this organisation's aid fund ledger.")


def notice_organisation_ids(user) -> set[int]:
    """The organisations whose notices ``user`` reads: where they are a member, and the union above a group."""
    ids: set[int] = set()
    for grant in policy.grants(user):
        if grant.role == Role.MEMBER and grant.on_behalf_of_id is None:
            ids.update(int(p) for p in grant.path.strip("/").split("/")[-2:] if p)
    return ids


def current_notices(user) -> list[dict]:
    """The redacted notices now published to ``user``'s organisations (pre-payment and after payment)."""
    cases = (
        AidCase.objects.filter(state__in=NOTICE_STATES, organisation_id__in=notice_organisation_ids(user))
        .select_related("organisation", "applicant").order_by("notice_ends_on", "pk")
    )
    result = []
    today = timezone.localdate()
    for case in cases:
        amount = case.approved_amount if case.state == "post_notice" else case.proposed_amount
        item = notices.notice_fields(case, amount)
        item.update(
            id=case.pk, published_on=case.notice_published_on.isoformat() if case.notice_published_on else None,
            ends_on=case.notice_ends_on.isoformat() if case.notice_ends_on else None,
            after_payment=case.state == "post_notice", objections_open=_open(case, today),
            text=case.notice_text, hash=case.notice_hash,
        )
        result.append(item)
    return result


def _open(case, today) -> bool:
    """Objections are taken up to and including the notice's last day, before or after payment."""
    return case.notice_ends_on is None or today <= case.notice_ends_on


def _label(choices, code) -> str:
    return str(dict(choices.choices).get(code, code or "—"))


def ledger_report(*, organisation, year: int, user) -> dict:
    if not can_read_ledger(user, organisation):
        raise ActionForbidden(str(NO_LEDGER))
    fund = AidFund.objects.filter(organisation=organisation, year=year).first()
    entries = list(
        AidLedgerEntry.objects.filter(fund=fund).select_related("case").order_by("booked_on", "pk") if fund else []
    )
    by_month: dict = defaultdict(lambda: defaultdict(Decimal))
    by_type: dict = defaultdict(Decimal)
    by_tier: dict = defaultdict(Decimal)
    for e in entries:
        by_month[e.booked_on.strftime("%Y-%m")][e.kind] += e.amount
        if e.kind != EntryKind.ALLOCATION:
            sign = 1 if e.kind == EntryKind.DISBURSEMENT else -1
            by_type[e.aid_type] += sign * e.amount
            by_tier[e.tier] += sign * e.amount
    return {
        "organisation": {"code": organisation.code, "name": organisation.name},
        "year": year,
        "budget": str(fund.budget) if fund else None,
        "budget_changes": _budget_changes(fund),
        "may_adjust_budget": fund is not None and bool(policy.roles_at(user, organisation) & LEDGER_ROLES),
        "balance": str(fund.balance) if fund else "0.00",
        "entries": [
            {
                "id": e.pk, "kind": e.kind, "kind_label": _label(EntryKind, e.kind), "amount": str(e.amount),
                "booked_on": e.booked_on.isoformat(), "case": e.case.reference if e.case_id else None,
                "aid_type": e.aid_type, "tier": e.tier, "reason": e.reason, "transaction_ref": e.transaction_ref,
                "reverses": e.reverses_id, "balance_after": str(e.balance_after),
            }
            for e in entries
        ],
        "by_month": [
            {"month": month, **{kind: str(totals.get(kind, Decimal("0"))) for kind in EntryKind.values}}
            for month, totals in sorted(by_month.items())
        ],
        "by_type": [{"code": k, "label": _label(AidType, k), "amount": str(v)} for k, v in sorted(by_type.items())],
        "by_tier": [{"code": k, "label": _label(Tier, k), "amount": str(v)} for k, v in sorted(by_tier.items())],
    }


def _budget_changes(fund) -> list[dict]:
    """The fund's budget history (预算调整), oldest first."""
    if fund is None:
        return []
    return [
        {"at": c.created_at.isoformat(), "previous_budget": str(c.previous_budget), "budget": str(c.budget),
         "floor": str(c.floor), "reason": c.reason, "by": c.created_by.get_username()}
        for c in fund.budget_changes.select_related("created_by")
    ]


CSV_HEADER = ["日期 Date", "类型 Kind", "金额 Amount", "案件 Case", "救助类型 Aid type", "档次 Tier",
              "流水号 Transaction", "说明 Reason", "余额 Balance"]


def ledger_csv_rows(report: dict) -> list[list]:
    return [
        [e["booked_on"], e["kind"], e["amount"], e["case"] or "", e["aid_type"], e["tier"], e["transaction_ref"],
         e["reason"], e["balance_after"]]
        for e in report["entries"]
    ]
