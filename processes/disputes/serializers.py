"""Input serializers, one per transition that takes input (the detail serializer is ``detail.py``).

Bad input is a 400 with field errors; rules that depend on the state of other records are
guards in ``lifecycle.py`` (409).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from workflow.api.parsing import BooleanField
from workflow.inputs import note_field, reason_field
from workflow.models import RoleAssignment
from workflow.pickers import DocumentListField, UserField, UserListField
from workflow.roles import Role

from . import deadlines as d
from .states import Category, DeclineReason, PaymentOrderMatter, ReviewOutcome, ReviewRoute

CLAIM_INVALID = _(
    "请求事项须为“内容 金额”，例如“补发加班工资 3200” A claim is its text and an amount, e.g. 补发加班工资 3200."
)
AMOUNT_INVALID = _("金额须为 0 至 100000000 之间的数字 The amount must be a number from 0 to 100000000.")
RECEIVED_BEFORE_AROSE = _("收到申请日不能早于争议发生日 The application cannot be received before the dispute arose.")
IN_FUTURE = _("日期不能晚于今天 The date cannot be after today.")
APPLICANT_REQUIRED = _(
    "口头申请由调解员当场记录，须写明申请人（用户名） An oral application recorded by a mediator names the applicant."
)
REPRESENTATIVES_REQUIRED = _(
    "10人以上的集体争议须推举%(low)s至%(high)s名代表（第七条） A dispute of 10 or more workers names %(low)s to "
    "%(high)s representatives (Art.7)."
)
REPRESENTATIVE_NOT_WORKER = _("代表须是所列劳动者之一 A representative must be one of the workers: %(names)s")
UNKNOWN_APPLICANT = _("未知用户 Unknown user: %(ref)s")
NOT_A_MEDIATOR = _("须为本单位调解委员会的调解员 Must be a mediator of this organisation's committee: %(names)s")
MEDIATORS_DISTINCT = _("调解员不能重复 Each mediator may be named only once.")
NOT_CASE_MEDIATOR = _("不是本案的调解员 Not a mediator of this case: %(name)s")
DUE_NOT_AFTER_TODAY = _("履行期限须晚于今天 The performance date must be after today.")
REVIEW_OUT_OF_WINDOW = _(
    "仲裁审查须在协议生效（%(agreed)s）之日起15日内（至 %(last)s）共同申请 The joint application for review must be "
    "made within 15 days of the agreement taking effect (%(agreed)s, so by %(last)s)."
)
REVIEW_BEFORE_AGREEMENT = _(
    "司法确认须在协议生效（%(agreed)s）之后共同申请 Judicial confirmation is applied for jointly once the agreement "
    "has taken effect (%(agreed)s)."
)
REVIEW_DECISION_DATE = _(
    "审查中不填决定日；已决定的须填不早于申请日的决定日 A pending review has no decision date; a decided one needs one, "
    "not before the application."
)
PAYMENT_ORDER_TOO_EARLY = _(
    "协议约定的履行期限 %(due)s 届满后才能申请支付令（第十六条） A payment order is applied for only after the agreed "
    "performance date %(due)s has passed (Art.16)."
)

AMOUNT_MAX = Decimal("100000000")
_CLAIM_LINE = re.compile(r"^(?P<text>.+?)[\s:：,，]+(?:¥|￥|RMB)?\s*(?P<amount>-?[\d.,]+)\s*(?:元)?$")


@extend_schema_field({
    "type": "object", "required": ["text", "amount"],
    "properties": {"text": {"type": "string", "maxLength": 500}, "amount": {"type": "string", "example": "3200.00"}},
})
class ClaimField(serializers.Field):
    """One claim: ``{"text", "amount"}``, or in a form one line "text amount" (请求事项及金额)."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            match = _CLAIM_LINE.match(data.strip())
            if not match:
                raise serializers.ValidationError(str(CLAIM_INVALID))
            data = {"text": match["text"], "amount": match["amount"].replace(",", "")}
        if not isinstance(data, dict) or not isinstance(data.get("text"), str) or not data["text"].strip():
            raise serializers.ValidationError(str(CLAIM_INVALID))
        raw = data.get("amount", "0")
        if isinstance(raw, bool):
            raise serializers.ValidationError(str(AMOUNT_INVALID))
        try:
            amount = Decimal(str(raw))
        except InvalidOperation:
            raise serializers.ValidationError(str(AMOUNT_INVALID)) from None
        if not amount.is_finite() or amount < 0 or amount > AMOUNT_MAX:
            raise serializers.ValidationError(str(AMOUNT_INVALID))
        return {"text": data["text"].strip()[:500], "amount": str(amount.quantize(Decimal("0.01")))}

    def to_representation(self, value):
        return value


def _mediators_of(case, user):
    ids = RoleAssignment.objects.current().filter(role=Role.MEDIATOR, organisation=case.organisation)
    return get_user_model().objects.filter(pk__in=ids.values("user_id"), is_active=True).order_by("username")


def _case_mediators(case, user):
    return get_user_model().objects.filter(pk__in=case.active_mediator_ids()).order_by("username")


class CreateInput(serializers.Serializer):
    category = serializers.ChoiceField(label=_("争议类别 Category"), choices=Category.choices)
    claims = serializers.ListField(
        label=_("请求事项 Claims"), child=ClaimField(), min_length=1, max_length=50,
        help_text=_("每行一项：内容 金额 One per line: text amount"),
        style={"example": [{"text": "补发加班工资 Overtime pay", "amount": "3200"}]},
    )
    facts = serializers.CharField(label=_("事实与理由 Facts and reasons"), max_length=20000)
    arose_on = serializers.DateField(label=_("争议发生日 Dispute arose on"), style={"example": "2026-01-01"})
    received_on = serializers.DateField(label=_("收到申请日 Application received on"), required=False)
    oral = BooleanField(label=_("口头申请 Oral application"), required=False, default=False)
    respondent = serializers.CharField(label=_("被申请人（用人单位） Respondent (employer)"), max_length=200)
    # A username typed by the mediator who records an oral application (the create form knows no case to offer from).
    applicant = serializers.CharField(
        label=_("申请人用户名（代为记录口头申请时） Applicant's username (oral application recorded for them)"),
        max_length=150, required=False, allow_blank=True,
    )
    workers = serializers.ListField(
        label=_("劳动者（集体争议，申请人在先） Workers (group dispute, applicant first)"),
        child=serializers.CharField(max_length=100), required=False, max_length=2000,
    )
    representatives = serializers.ListField(
        label=_("代表 Representatives"), child=serializers.CharField(max_length=100), required=False, max_length=5,
    )

    def validate_applicant(self, value):
        if not value:
            return None
        user = get_user_model().objects.filter(username=value.strip(), is_active=True).first()
        if user is None:
            raise serializers.ValidationError(str(UNKNOWN_APPLICANT % {"ref": value}))
        return user

    def validate(self, attrs):
        today = self.context["ctx"].today
        attrs.setdefault("received_on", today)
        if attrs["received_on"] > today or attrs["arose_on"] > today:
            raise serializers.ValidationError({"received_on": [str(IN_FUTURE)]})
        if attrs["received_on"] < attrs["arose_on"]:
            raise serializers.ValidationError({"received_on": [str(RECEIVED_BEFORE_AROSE)]})
        workers = [w.strip() for w in attrs.get("workers", []) if w.strip()]
        attrs["workers"] = workers
        reps = [r.strip() for r in attrs.get("representatives", []) if r.strip()]
        attrs["representatives"] = reps
        if len(workers) >= d.GROUP_THRESHOLD:
            low, high = d.REPRESENTATIVES_RANGE
            if not low <= len(set(reps)) <= high:
                text = str(REPRESENTATIVES_REQUIRED % {"low": low, "high": high})
                raise serializers.ValidationError({"representatives": [text]})
        outsiders = [r for r in reps if r not in workers]
        if outsiders:
            text = str(REPRESENTATIVE_NOT_WORKER % {"names": ", ".join(outsiders)})
            raise serializers.ValidationError({"representatives": [text]})
        return attrs


class DeclineInput(serializers.Serializer):
    reason = serializers.ChoiceField(label=_("不予受理理由 Reason"), choices=DeclineReason.choices)
    note = reason_field(label=_("说明 Note"), required=False)


class WithdrawInput(serializers.Serializer):
    reason = reason_field(required=False)


class AssignInput(serializers.Serializer):
    mediators = UserListField(label=_("调解员 Mediators"), offer=_mediators_of, min_length=1, max_length=3)

    def validate_mediators(self, value):
        """Mediators of this organisation's committee, each once (《企业劳动争议协商调解规定》)."""
        case = self.context["case"]
        if len({u.pk for u in value}) != len(value):
            raise serializers.ValidationError(str(MEDIATORS_DISTINCT))
        held = set(
            RoleAssignment.objects.current()
            .filter(role=Role.MEDIATOR, organisation=case.organisation, user__in=value)
            .values_list("user_id", flat=True)
        )
        outsiders = [u.get_username() for u in value if u.pk not in held]
        if outsiders:
            raise serializers.ValidationError(str(NOT_A_MEDIATOR % {"names": ", ".join(outsiders)}))
        return value


class RecusalInput(serializers.Serializer):
    mediator = UserField(label=_("调解员 Mediator"), offer=_case_mediators)
    grounds = reason_field(label=_("回避理由 Grounds"))

    def validate_mediator(self, value):
        if value.pk not in self.context["case"].active_mediator_ids():
            raise serializers.ValidationError(str(NOT_CASE_MEDIATOR % {"name": value.get_username()}))
        return value


class RecusalDecisionInput(serializers.Serializer):
    granted = BooleanField(label=_("准予回避 Granted"))
    reason = reason_field(label=_("决定理由 Reason"))


class SessionInput(serializers.Serializer):
    attendance = note_field(label=_("参加人员 Attendance"), max_length=2000)
    minutes = note_field(label=_("调解笔录 Minutes"), max_length=20000)
    evidence = DocumentListField(label=_("证据材料 Evidence"), required=False)


class AgreementInput(serializers.Serializer):
    terms = note_field(label=_("协议内容 Terms"), max_length=20000)
    performance_due = serializers.DateField(label=_("履行期限 Performance due"))

    def validate_performance_due(self, value):
        if value <= self.context["ctx"].today:
            raise serializers.ValidationError(str(DUE_NOT_AFTER_TODAY))
        return value


class SignInput(serializers.Serializer):
    sha256 = serializers.RegexField(
        r"^[0-9a-fA-F]{64}$", max_length=64, label=_("协议书 SHA-256 Agreement SHA-256"),
        help_text=_("所签版本的哈希（见协议书） The hash of the version you sign (shown with the agreement)"),
    )
    password = serializers.CharField(
        label=_("密码（确认签署） Password (to confirm)"), max_length=200, style={"input_type": "password"},
    )

    def __init__(self, *args, **kwargs):
        """The form offers the hash of the version the case holds now: the signer confirms what they read."""
        super().__init__(*args, **kwargs)
        case = self.context.get("case")
        # Only a blank form needs it; input being validated names its own hash.
        if case is not None and case.agreement_document_id and kwargs.get("data") is None:
            self.fields["sha256"].initial = case.agreement_document.sha256


class ReviewInput(serializers.Serializer):
    """仲裁审查: both parties jointly applied to the arbitration commission, within 15 days of the agreement
    taking effect (《企业劳动争议协商调解规定》); recorded again when the commission decides. ``route``
    ``judicial``: they went to a people's court for judicial confirmation (司法确认) instead; its time
    limit is not in the project's rules, so only "not before the agreement took effect" is checked.
    ``papers``: the commission's or the court's documents, uploaded to the case and chosen here."""

    route = serializers.ChoiceField(label=_("审查途径 Review route"), choices=ReviewRoute.choices,
                                    default=ReviewRoute.ARBITRATION)
    applied_on = serializers.DateField(label=_("双方共同申请日 Jointly applied on"), style={"example": "2026-03-10"})
    body = serializers.CharField(label=_("仲裁委员会或人民法院 Arbitration commission or court"), max_length=200)
    outcome = serializers.ChoiceField(label=_("审查结果 Outcome"), choices=ReviewOutcome.choices,
                                      default=ReviewOutcome.PENDING)
    decided_on = serializers.DateField(label=_("决定日 Decided on"), required=False, allow_null=True)
    papers = DocumentListField(label=_("审查文书 Papers of the commission or court"), required=False)

    def validate(self, attrs):
        case, today = self.context["case"], self.context["ctx"].today
        applied, decided = attrs["applied_on"], attrs.get("decided_on")
        if applied > today or (decided and decided > today):
            raise serializers.ValidationError({"applied_on": [str(IN_FUTURE)]})
        text = review_window_error(case.agreed_on, applied, attrs["route"])
        if text:
            raise serializers.ValidationError({"applied_on": [text]})
        if (attrs["outcome"] == ReviewOutcome.PENDING) != (decided is None):
            raise serializers.ValidationError({"decided_on": [str(REVIEW_DECISION_DATE)]})
        if decided is not None and decided < applied:
            raise serializers.ValidationError({"decided_on": [str(REVIEW_DECISION_DATE)]})
        return attrs


def review_window_error(agreed_on: dt.date | None, applied: dt.date, route: str) -> str | None:
    """Why a joint application on ``applied`` is out of time, or None. 仲裁审查: from the day the
    agreement took effect to day 15 (《企业劳动争议协商调解规定》; day 15 accepted, day 16 refused).
    司法确认: not before the agreement took effect (its own limit is not in the project's rules)."""
    if route == ReviewRoute.JUDICIAL:
        if agreed_on is None or applied < agreed_on:
            return str(REVIEW_BEFORE_AGREEMENT % {"agreed": day(agreed_on) or "—"})
        return None
    last = agreed_on + dt.timedelta(days=d.REVIEW_WINDOW_DAYS) if agreed_on else None
    if last is None or not agreed_on <= applied <= last:
        return str(REVIEW_OUT_OF_WINDOW % {"agreed": day(agreed_on) or "—", "last": day(last) or "—"})
    return None


class PaymentOrderInput(serializers.Serializer):
    """支付令 (第十六条): which of the four matters, the court, the day the worker applied and, if any,
    the court's papers (uploaded to the case and chosen here)."""

    matter = serializers.ChoiceField(label=_("事项 Matter"), choices=PaymentOrderMatter.choices)
    court = serializers.CharField(label=_("人民法院 Court"), max_length=200)
    applied_on = serializers.DateField(label=_("申请日 Applied on"), style={"example": "2026-05-04"})
    papers = DocumentListField(label=_("法院文书 Papers of the court"), required=False)

    def validate_applied_on(self, value):
        case, today = self.context["case"], self.context["ctx"].today
        if value > today:
            raise serializers.ValidationError(str(IN_FUTURE))
        if case.performance_due and value <= case.performance_due:
            raise serializers.ValidationError(str(PAYMENT_ORDER_TOO_EARLY % {"due": case.performance_due.isoformat()}))
        return value


class BreachInput(serializers.Serializer):
    details = note_field(label=_("未履行情况 What was not performed"))


class FailInput(serializers.Serializer):
    reason = reason_field()


class ReferInput(serializers.Serializer):
    body = serializers.CharField(label=_("仲裁机构 Arbitration body"), max_length=200)


def day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None
