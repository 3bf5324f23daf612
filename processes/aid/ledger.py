"""The aid fund ledger (资金使用台账): allocations, disbursements, reversals and recoveries per
organisation and year.

Balance = allocations − disbursements + reversals + recoveries (追回, after an upheld objection to
a notice published after payment). It changes only here, with the fund row
locked (``select_for_update``) in the caller's transaction; the database refuses a negative
balance (``aid_fund_balance_not_negative``) and a second payment of one case
(``aid_one_payment_per_case``). Entries are never changed or deleted; each is recorded in the
fund's own audit chain (``fund:<org>:<year>``). Payment is by name to the applicant's bank
account (实名制, 《中央财政专项帮扶资金使用管理办法》).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflow import policy
from workflow.audit import Actor, RequestMeta, record_event
from workflow.errors import ActionForbidden, GuardFailed, InvalidInput, NotVisible
from workflow.roles import Role

from .models import AidCase, AidFund, AidLedgerEntry
from .states import EntryKind

OVERDRAFT = _(
    "帮扶资金余额不足（规则 aid.fund_balance）：余额 %(balance)s 元，需 %(amount)s 元 "
    "The aid fund holds %(balance)s yuan; %(amount)s yuan cannot be paid (rule aid.fund_balance)."
)
NO_FUND = _("%(year)s 年度没有帮扶资金账户（规则 aid.fund_balance） No aid fund for %(year)s (rule aid.fund_balance).")
NOT_FINANCE = _("只有本单位财务可以登记资金 Only the organisation's finance may book fund entries.")
NOT_A_PAYMENT = _("只能冲回本基金的发放记录 Only a disbursement of this fund can be reversed.")
ALREADY_REVERSED = _("该发放已冲回或追回 This disbursement has already come back to the fund (reversed or recovered).")
NOT_PAID = _("该申请没有发放记录 This case has no disbursement to recover.")
#: The entries that give a payment back to the fund, each naming it (``reverses``) and its case.
RETURNING_KINDS = (EntryKind.REVERSAL, EntryKind.RECOVERY)
LEDGER_ROLES = frozenset({Role.FINANCE})
READ_ROLES = frozenset({Role.FINANCE, Role.CHAIR, Role.UNION_COMMITTEE, Role.AID_CENTRE, Role.AUDITOR, Role.ADMIN})


def locked_fund(organisation, year: int) -> AidFund:
    fund = AidFund.objects.select_for_update().filter(organisation=organisation, year=year).first()
    if fund is None:
        raise GuardFailed(str(NO_FUND % {"year": year}), rule="aid.fund_balance")
    fund.organisation = organisation  # already in hand: its code labels the fund
    return fund


def _book(fund: AidFund, *, kind: str, amount: Decimal, actor: Actor, now, booked_on: dt.date, meta=None,
          **fields) -> AidLedgerEntry:
    """Write one entry, move the balance and record the entry in the fund's own audit chain.

    Every movement (a disbursement too, besides the case's ``disburse`` event) is on the fund's
    chain, so an auditor verifies the fund's history alone (资金使用台账). The fund row is locked,
    so its chain's ``seq`` cannot race."""
    sign = -1 if kind == EntryKind.DISBURSEMENT else 1
    balance = fund.balance + sign * amount
    if balance < 0:
        raise GuardFailed(str(OVERDRAFT % {"balance": fund.balance, "amount": amount}), rule="aid.fund_balance")
    fund.balance = balance
    AidFund.objects.filter(pk=fund.pk).update(balance=balance)
    entry = AidLedgerEntry.objects.create(
        fund=fund, kind=kind, amount=amount, booked_on=booked_on, balance_after=balance, created_by=actor.user,
        created_at=now, **fields,
    )
    payload = {"entry": entry.pk, "kind": kind, "amount": str(amount), "balance_after": str(balance)}
    if entry.case_id:
        payload["case"] = fields["case"].reference
    if entry.reverses_id:
        payload["reverses"] = entry.reverses_id
    if entry.transaction_ref:
        payload["transaction_ref"] = entry.transaction_ref
    record_event(case=fund, action=f"ledger_{kind}", actor=actor, payload=payload, meta=meta, now=now)
    return entry


def ledger_disburse(*, case, actor: Actor, amount: Decimal, transaction_ref: str, paid_on: dt.date, now,
                    meta=None) -> AidLedgerEntry:
    """Pay an approved case from its organisation's fund of the year paid (inside the transition)."""
    fund = locked_fund(case.organisation, paid_on.year)
    return _book(
        fund, kind=EntryKind.DISBURSEMENT, amount=amount, actor=actor, now=now, booked_on=paid_on, meta=meta,
        case=case, aid_type=case.aid_type, tier=case.tier, transaction_ref=transaction_ref,
    )


def ledger_recover(*, case, actor: Actor, transaction_ref: str, recovered_on: dt.date, now,
                   meta=None) -> AidLedgerEntry:
    """Credit back the aid recovered after an upheld objection (追回), inside the ``recover`` transition:
    a recovery entry in the fund that paid it, naming the payment. A payment the bank already
    returned (a reversal) is not credited a second time: that reversal is returned instead."""
    # The payment and whatever already returned it, with the fund row locked, in one statement:
    # a reversal or recovery names the payment and carries its case. Only the fund row is locked:
    # a reversal of the same payment locks the fund and then references the payment (a key-share
    # lock on it), so locking the payment too would deadlock. Reading the reversal in this same
    # statement misses none: a reversal takes the case's lock before writing (``ledger_reverse``),
    # and this transition holds it, so one not yet visible here cannot commit before this one.
    entries = list(
        AidLedgerEntry.objects.filter(case=case, kind__in=(EntryKind.DISBURSEMENT, *RETURNING_KINDS))
        .select_related("fund").select_for_update(of=("fund",))
    )
    payment = next((e for e in entries if e.kind == EntryKind.DISBURSEMENT), None)
    if payment is None:
        raise GuardFailed(str(NOT_PAID), rule="aid.recovery")
    fund = payment.fund
    fund.organisation = case.organisation  # already in hand: its code labels the fund
    returned = next((e for e in entries if e.reverses_id == payment.pk), None)
    if returned is not None:
        returned.fund = fund
        return returned
    return _book(
        fund, kind=EntryKind.RECOVERY, amount=payment.amount, actor=actor, now=now, booked_on=recovered_on, meta=meta,
        case=case, reverses=payment, aid_type=payment.aid_type, tier=payment.tier, transaction_ref=transaction_ref,
        reason=case.decision_reason,
    )


def finance_actor(user, organisation) -> Actor:
    grant = policy.grant_for(user, organisation, LEDGER_ROLES)
    if grant is None:
        raise ActionForbidden(str(NOT_FINANCE))
    return Actor(user=user, role=grant.role)


def fund_open(*, organisation, year: int, budget: Decimal) -> AidFund:
    """The organisation's fund for ``year`` with its budget (created once; the budget is then kept)."""
    fund, _created = AidFund.objects.get_or_create(organisation=organisation, year=year, defaults={"budget": budget})
    return fund


def ledger_allocate(*, organisation, year: int, amount: Decimal, reason: str, actor_user, now=None,
                    meta: RequestMeta | None = None) -> AidLedgerEntry:
    """Finance books money into the fund (拨入); the fund is opened with this as its budget if new."""
    now = now or timezone.now()
    actor = finance_actor(actor_user, organisation)
    with transaction.atomic():
        fund_open(organisation=organisation, year=year, budget=amount)
        fund = locked_fund(organisation, year)
        return _book(fund, kind=EntryKind.ALLOCATION, amount=amount, actor=actor, now=now,
                     booked_on=timezone.localtime(now).date(), meta=meta, reason=reason)


def ledger_reverse(*, organisation, entry_id: int, reason: str, actor_user, now=None,
                   meta: RequestMeta | None = None) -> AidLedgerEntry:
    """Finance reverses a disbursement (a payment returned by the bank): a new entry naming it."""
    now = now or timezone.now()
    actor = finance_actor(actor_user, organisation)
    with transaction.atomic():
        entry = AidLedgerEntry.objects.filter(pk=entry_id, fund__organisation=organisation).first()
        if entry is None:
            raise NotVisible(str(NOT_A_PAYMENT))
        if entry.case_id:
            # Locks in the order the case's own transitions take them (case, then fund): the new
            # entry references the case, and a recovery of the same payment holds the case's lock
            # while it waits for the fund's.
            list(AidCase.objects.select_for_update().filter(pk=entry.case_id).values_list("pk", flat=True))
        fund = locked_fund(organisation, entry.fund.year)
        if entry.kind != EntryKind.DISBURSEMENT:
            raise InvalidInput(str(NOT_A_PAYMENT), fields={"entry": [str(NOT_A_PAYMENT)]})
        if AidLedgerEntry.objects.filter(reverses=entry).exists():
            raise GuardFailed(str(ALREADY_REVERSED), rule="aid.reversal_once")
        return _book(fund, kind=EntryKind.REVERSAL, amount=entry.amount, actor=actor, now=now,
                     booked_on=timezone.localtime(now).date(), meta=meta, reason=reason, reverses=entry,
                     case=entry.case, aid_type=entry.aid_type, tier=entry.tier)


def can_read_ledger(user, organisation) -> bool:
    return bool(policy.roles_at(user, organisation) & READ_ROLES)
