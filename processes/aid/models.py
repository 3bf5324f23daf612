"""Hardship-aid cases (困难职工帮扶), their objections and the aid fund ledger.

The FSM ``state`` is the one truth; it changes only through
:func:`workflow.services.perform_transition`, which runs the transitions declared in
``lifecycle.py``. Sources: 全总《中央财政专项帮扶资金使用管理办法》(总工发〔2015〕20号) — "先建档、后帮扶、
实名制" — and the practice recorded in rules.md A4 (tiers, two visitors, public notice, ledger).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from workflow.models import Case, MemberProfile

from .states import AidState, AidType, EntryKind, Tier

S = AidState
MONEY = {"max_digits": 12, "decimal_places": 2}


class _PageVisitors(list):
    """One case's visitors, as :class:`VisitorsOf` read them for a whole page."""

    def __init__(self, case_pk, users):
        super().__init__(users)
        self.case_pk = case_pk


class VisitorsOf:
    """``case.visitors``: the users who made the home visit (``visitor_ids``), by username.

    ``visitor_ids`` is a list of ids, not a relation, so Django cannot prefetch it on its own:
    this descriptor answers ``prefetch_related("visitors")`` itself, one statement for the whole
    page (the case list), and stores each case's visitors on the case; without a prefetch it
    reads the case's own (one statement).
    """

    def __get__(self, case, owner=None):
        if case is None:
            return self
        return list(self._users(case.visitor_ids))

    @staticmethod
    def _users(ids):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.filter(pk__in=ids).order_by("username") if ids else []

    def is_cached(self, case) -> bool:
        return "visitors" in case.__dict__

    def get_prefetch_querysets(self, cases, querysets=None):
        """The prefetch protocol of ``django.db.models.query.prefetch_one_level``: one row per case,
        set as the case's ``visitors`` attribute (which then hides this descriptor)."""
        users = list(self._users({pk for case in cases for pk in case.visitor_ids}))
        rows = [_PageVisitors(case.pk, [u for u in users if u.pk in case.visitor_ids]) for case in cases]
        return rows, (lambda row: row.case_pk), (lambda case: case.pk), True, "visitors", True


class AidCase(Case):
    """One application for aid by (or for) a member in hardship."""

    reference_prefix = "BF"

    state = FSMField(_("状态 State"), default=S.DRAFT, choices=S.choices, protected=True)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("申请人 Applicant")
    )
    aid_type = models.CharField(_("救助类型 Aid type"), max_length=20, choices=AidType.choices)
    cause = models.TextField(_("致困原因 Cause"))
    household_size = models.PositiveSmallIntegerField(_("家庭人口 Household size"))
    accident = models.BooleanField(_("突发事件致困 Sudden event"), default=False)
    requested_amount = models.DecimalField(_("申请金额 Requested amount"), **MONEY)
    financial_check_consent = models.BooleanField(_("家庭经济状况核对授权 Financial-check consent"), default=False)
    # Restricted personal data (《个人信息保护法》第二十八条): masked everywhere, read through the audited reveal.
    id_number = models.CharField(_("身份证号 ID number"), max_length=18)
    bank_account = models.CharField(_("银行账户 Bank account"), max_length=34)
    household_income = models.DecimalField(_("家庭年收入 Household income"), **MONEY)
    rigid_expenses = models.DecimalField(_("刚性支出 Rigid expenses"), **MONEY)
    address = models.CharField(_("住址 Address"), max_length=200, blank=True)
    medical_details = models.TextField(_("病情 Medical details"), blank=True)

    missing_items = models.TextField(_("需补充材料 Missing items"), blank=True)
    #: The verifiers who made the home visit (user ids): none of them may approve the case.
    visitor_ids = models.JSONField(_("入户人员 Visitors"), default=list, blank=True)
    visit_report = models.TextField(_("入户调查报告 Visit report"), blank=True)
    visited_on = models.DateField(_("入户日期 Visited on"), null=True, blank=True)

    tier = models.CharField(_("困难档次 Tier"), max_length=20, choices=Tier.choices, blank=True)
    tier_inputs = models.JSONField(_("评定依据 Tier rule inputs"), default=dict, blank=True)
    proposed_amount = models.DecimalField(_("拟帮扶金额 Proposed amount"), null=True, blank=True, **MONEY)

    notice_text = models.TextField(_("公示内容 Notice text"), blank=True)
    notice_hash = models.CharField(_("公示内容摘要 Notice hash"), max_length=64, blank=True)
    notice_published_on = models.DateField(_("公示开始 Notice published"), null=True, blank=True)
    notice_ends_on = models.DateField(_("公示截止 Notice ends"), null=True, blank=True)
    notice_taken_down_on = models.DateField(_("公示结束 Notice taken down"), null=True, blank=True)

    approved_amount = models.DecimalField(_("批准金额 Approved amount"), null=True, blank=True, **MONEY)
    approval_level = models.CharField(_("审批层级 Approval level"), max_length=20, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("审批人 Approved by"),
    )
    decision_reason = models.TextField(_("审批意见 Decision reason"), blank=True)
    emergency = models.BooleanField(_("紧急救助 Emergency fast track"), default=False)
    emergency_approvers = models.JSONField(_("紧急审批人 Emergency approvers"), default=list, blank=True)
    justification = models.TextField(_("紧急救助理由 Justification"), blank=True)

    transaction_ref = models.CharField(_("交易流水号 Transaction reference"), max_length=64, blank=True)
    paid_on = models.DateField(_("发放日期 Paid on"), null=True, blank=True)
    file_number = models.CharField(_("档案编号 File number"), max_length=40, blank=True)
    archived_on = models.DateField(_("建档日期 Filed on"), null=True, blank=True)
    reviewed_on = models.DateField(_("最近复核 Last reviewed"), null=True, blank=True)
    exit_reason = models.TextField(_("撤档原因 Exit reason"), blank=True)
    #: The aid paid back after an upheld objection to the notice published after payment (追回).
    recovery_ref = models.CharField(_("追回流水号 Recovery transaction reference"), max_length=64, blank=True)
    recovered_on = models.DateField(_("追回日期 Recovered on"), null=True, blank=True)

    class Meta(Case.Meta):
        verbose_name = _("帮扶申请 Aid case")
        verbose_name_plural = _("帮扶申请 Aid cases")
        indexes = [*Case.Meta.indexes, models.Index(fields=["organisation", "state"], name="aid_org_state")]

    # Who takes part ------------------------------------------------------------
    def participant_ids(self) -> set[int]:
        """The applicant and whoever filed for them (a union official on the member's behalf)."""
        return {self.created_by_id, self.applicant_id}

    @classmethod
    def participant_q(cls, user) -> Q:
        return Q(created_by=user) | Q(applicant=user)

    def restricted_data(self) -> dict:
        """ID number, income, rigid expenses, address, medical details and bank account (issue: restricted)."""
        return {
            "id_number": self.id_number,
            "household_income": str(self.household_income),
            "rigid_expenses": str(self.rigid_expenses),
            "address": self.address,
            "medical_details": self.medical_details,
            "bank_account": self.bank_account,
        }

    visitors = VisitorsOf()

    @property
    def id_number_masked(self) -> str:
        return MemberProfile.mask(self.id_number, 3, 4)

    @property
    def bank_account_masked(self) -> str:
        return MemberProfile.mask(self.bank_account, 0, 4)

    # What a transition writes on the case's own fields (``apply=`` in lifecycle.py) -----
    def return_for_info(self, ctx):
        self.missing_items = ctx.data["missing"]

    def resubmit(self, ctx):
        self.missing_items = ""

    def reject(self, ctx):
        self.decision_reason = ctx.data["reason"]

    def approve(self, ctx):
        self.approved_amount = ctx.data["amount"]
        self.approved_by = ctx.user
        self.approval_level = "centre" if self.state == S.PENDING_CENTRE else "committee"

    def escalate(self, ctx):
        self.approval_level = "centre"

    def disburse(self, ctx):
        self.transaction_ref = ctx.data["transaction_ref"]
        self.paid_on = ctx.data["paid_on"]

    def exit_file(self, ctx):
        self.exit_reason = ctx.data["reason"]
        self.reviewed_on = ctx.today

    def outcome(self, ctx):
        """The target the effect chose (``RETURN_VALUE``): an emergency approval stays submitted until
        the second approver signs; an objection, its upholding and its dismissal lead to different
        states for a notice before payment and one after payment."""
        return ctx.result

    def recover(self, ctx):
        self.recovery_ref = ctx.data["transaction_ref"]
        self.recovered_on = ctx.data["recovered_on"]

    def continue_file(self, ctx):
        self.reviewed_on = ctx.today


class AidObjection(models.Model):
    """An objection to a public notice (公示异议). The objector's identity is confidential:
    only the union committee and auditors see it."""

    class Outcome(models.TextChoices):
        OPEN = "open", _("待复核 Open")
        UPHELD = "upheld", _("异议成立 Upheld")
        DISMISSED = "dismissed", _("异议不成立 Dismissed")

    case = models.ForeignKey(AidCase, on_delete=models.PROTECT, related_name="objections")
    objector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    grounds = models.TextField(_("异议理由 Grounds"))
    filed_at = models.DateTimeField(_("提出时间 Filed at"))
    outcome = models.CharField(_("复核结果 Outcome"), max_length=12, choices=Outcome.choices, default=Outcome.OPEN)
    decided_at = models.DateTimeField(_("复核时间 Decided at"), null=True, blank=True)
    decision = models.TextField(_("复核意见 Decision"), blank=True)

    class Meta:
        ordering = ["filed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(outcome="open"), name="aid_one_open_objection"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.outcome}"


class AidFund(models.Model):
    """An organisation's aid fund for one year (互助基金 / 帮扶资金) with its budget.

    ``balance`` = allocations − disbursements + reversals; it changes only in
    :mod:`processes.aid.ledger` under the fund row's lock, and the database refuses a negative one.
    """

    organisation = models.ForeignKey("workflow.Organisation", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度 Year"))
    budget = models.DecimalField(_("预算 Budget"), **MONEY)
    balance = models.DecimalField(_("余额 Balance"), default=Decimal("0"), **MONEY)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="aid_fund_org_year"),
            models.CheckConstraint(condition=Q(balance__gte=0), name="aid_fund_balance_not_negative"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """How the fund's own audit chain (its ledger entries) is labelled."""
        return f"fund:{self.organisation.code}:{self.year}"[:40]


class AidLedgerEntry(models.Model):
    """One line of the fund ledger (资金使用台账). Entries are never changed or deleted: a wrong
    disbursement is corrected by a reversal that names it."""

    fund = models.ForeignKey(AidFund, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("类型 Kind"), max_length=16, choices=EntryKind.choices)
    amount = models.DecimalField(_("金额 Amount"), **MONEY)
    case = models.ForeignKey(AidCase, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_entries")
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    aid_type = models.CharField(_("救助类型 Aid type"), max_length=20, choices=AidType.choices, blank=True)
    tier = models.CharField(_("困难档次 Tier"), max_length=20, choices=Tier.choices, blank=True)
    reason = models.TextField(_("说明 Reason"), blank=True)
    transaction_ref = models.CharField(_("交易流水号 Transaction reference"), max_length=64, blank=True)
    booked_on = models.DateField(_("记账日期 Booked on"))
    balance_after = models.DecimalField(_("余额 Balance after"), **MONEY)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间 Created"))

    class Meta:
        ordering = ["booked_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="aid_entry_amount_positive"),
            # The same case is never paid twice (a reversal is its own entry).
            models.UniqueConstraint(fields=["case"], condition=Q(kind="disbursement"), name="aid_one_payment_per_case"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"


class AidBudgetChange(models.Model):
    """A change of a fund's budget by finance, with its reason (预算调整). Never changed or deleted:
    the fund's history of budgets is these rows, each also an event on the fund's audit chain."""

    fund = models.ForeignKey(AidFund, on_delete=models.PROTECT, related_name="budget_changes")
    previous_budget = models.DecimalField(_("原预算 Previous budget"), **MONEY)
    budget = models.DecimalField(_("新预算 New budget"), **MONEY)
    #: What the budget could not go below at the time: disbursed (net) plus approved but unpaid.
    floor = models.DecimalField(_("下限 Floor"), **MONEY)
    reason = models.TextField(_("调整原因 Reason"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("调整时间 Changed at"))

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(budget__gte=F("floor")), name="aid_budget_not_below_floor"),
        ]

    def __str__(self) -> str:
        return f"{self.previous_budget} → {self.budget}"
