"""Input of the aid transitions (API names fixed by the issue) and the case detail shown by the API and page.

Restricted personal data (ID number, income, rigid expenses, address, medical details, bank
account) is shown masked here; the values are read through the audited restricted-data endpoint.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from workflow.api.parsing import BooleanField, IntegerField
from workflow.inputs import note_field, reason_field
from workflow.pickers import UserListField
from workflow.policy import roles_at
from workflow.roles import Role

from .models import AidCase, AidObjection
from .states import AidType

CONSENT_REQUIRED = _("须签署家庭经济状况核对授权 The signed consent to a financial check is required.")
TWO_VISITORS = _("入户调查须由两名不同的核查人完成 A home visit needs two distinct verifiers.")
NOT_A_VERIFIER = _("入户人员须是本单位核查人：%(names)s Visitors must be verifiers of the organisation: %(names)s")
VISITOR_IS_APPLICANT = _("申请人或代办人不能入户核查本人 The applicant may not verify their own case.")
UNKNOWN_APPLICANT = _("没有此会员 No such member.")


def with_example(field, value):
    """The field, of a subclass naming a well-formed example value (for generated clients and
    input tests; a subclass, because a serializer copies its fields by re-creating them)."""
    field.__class__ = type(type(field).__name__, (type(field),), {"example": value})
    return field


def money(label, **kw):
    return with_example(serializers.DecimalField(
        label=label, max_digits=12, decimal_places=2, min_value=Decimal("0"), max_value=Decimal("9999999999"), **kw
    ), "1000.00")


def positive_money(label, **kw):
    return with_example(serializers.DecimalField(
        label=label, max_digits=12, decimal_places=2, min_value=Decimal("0.01"), max_value=Decimal("9999999999"), **kw
    ), "100.00")


class CreateInput(serializers.Serializer):
    aid_type = serializers.ChoiceField(label=_("救助类型 Aid type"), choices=AidType.choices)
    cause = serializers.CharField(label=_("致困原因 Cause"), max_length=2000)
    household_size = IntegerField(label=_("家庭人口 Household size"), min_value=1, max_value=30)
    household_income = money(_("家庭年收入（元） Household income (yuan a year)"))
    rigid_expenses = money(_("刚性支出（元/年） Rigid expenses (yuan a year)"))
    requested_amount = positive_money(_("申请金额（元） Requested amount (yuan)"))
    id_number = with_example(serializers.RegexField(
        r"^\d{17}[\dXx]$", label=_("身份证号 ID number"), error_messages={"invalid": _("身份证号须为 18 位 18 characters")}
    ), "110101199001011234")
    bank_account = with_example(serializers.RegexField(
        r"^\d{12,30}$", label=_("银行账户 Bank account"),
        error_messages={"invalid": _("银行账户须为 12–30 位数字 12 to 30 digits")},
    ), "6222020200112233445")
    financial_check_consent = BooleanField(label=_("家庭经济状况核对授权 Financial-check consent"))
    accident = BooleanField(label=_("突发事件致困 Sudden event (accident, disaster, illness)"), required=False, default=False)
    address = serializers.CharField(label=_("住址 Address"), max_length=200, required=False, default="", allow_blank=True)
    medical_details = serializers.CharField(
        label=_("病情 Medical details"), max_length=2000, required=False, default="", allow_blank=True
    )
    applicant = serializers.CharField(
        label=_("申请会员（代办时填写用户名） Member applying (username, when filing for them)"), required=False,
        default="", allow_blank=True, max_length=150,
    )

    def validate_financial_check_consent(self, value):
        if not value:
            raise serializers.ValidationError(str(CONSENT_REQUIRED))
        return value

    def validate_applicant(self, value):
        if not value:
            return None
        user = get_user_model().objects.filter(username=value, is_active=True).first()
        organisation = self.context.get("organisation")
        if user is None or organisation is None or Role.MEMBER not in roles_at(user, organisation, own_only=True):
            raise serializers.ValidationError(str(UNKNOWN_APPLICANT))
        return user


class ReasonInput(serializers.Serializer):
    reason = reason_field()


class MissingInput(serializers.Serializer):
    missing = note_field(label=_("需补充的材料 Missing items"))


def verifier_offer(case, user):
    from workflow.models import RoleAssignment

    ids = RoleAssignment.objects.current().filter(role=Role.VERIFIER, organisation=case.organisation).values("user_id")
    return get_user_model().objects.filter(pk__in=ids, is_active=True).exclude(
        pk__in=[case.created_by_id, case.applicant_id]
    ).order_by("username")


class VisitInput(serializers.Serializer):
    visitors = UserListField(label=_("入户人员 Visitors"), offer=verifier_offer, min_length=1, max_length=5)
    report = note_field(label=_("入户调查报告 Visit report"))

    def validate_visitors(self, value):
        """Two distinct verifiers of the organisation, neither the applicant (rules.md A4: at least 2 visitors)."""
        case = self.context["case"]
        if len({u.pk for u in value}) < 2:
            raise serializers.ValidationError(str(TWO_VISITORS))
        if any(u.pk in case.participant_ids() for u in value):
            raise serializers.ValidationError(str(VISITOR_IS_APPLICANT))
        from workflow.models import RoleAssignment

        verifiers = set(
            RoleAssignment.objects.current().filter(
                user__in=value, role=Role.VERIFIER, organisation=case.organisation
            ).values_list("user_id", flat=True)
        )
        outsiders = [u.get_username() for u in value if u.pk not in verifiers]
        if outsiders:
            raise serializers.ValidationError(str(NOT_A_VERIFIER % {"names": ", ".join(outsiders)}))
        return value


class AssessInput(serializers.Serializer):
    amount = positive_money(_("拟帮扶金额（元，默认申请金额） Proposed amount (yuan; default the request)"), required=False)


class AmountInput(serializers.Serializer):
    amount = positive_money(_("金额（元） Amount (yuan)"))


class EmergencyInput(serializers.Serializer):
    amount = positive_money(_("金额（元） Amount (yuan)"))
    justification = note_field(label=_("紧急救助理由 Justification"))


def transaction_ref_field(label, example: str):
    return with_example(serializers.RegexField(
        r"^[A-Za-z0-9\-_/]{4,64}$", label=label,
        error_messages={"invalid": _("流水号为 4–64 位字母数字 4 to 64 letters or digits")},
    ), example)


class DisburseInput(serializers.Serializer):
    transaction_ref = transaction_ref_field(_("交易流水号 Transaction reference"), "TX-20260301-0001")
    paid_on = serializers.DateField(label=_("发放日期 Paid on"))


class RecoverInput(serializers.Serializer):
    """The aid paid back (追回) after an upheld objection to the notice published after payment."""

    transaction_ref = transaction_ref_field(_("追回流水号 Recovery transaction reference"), "RC-20260301-0001")
    recovered_on = serializers.DateField(label=_("追回日期 Recovered on"))


class ObjectInput(serializers.Serializer):
    grounds = note_field(label=_("异议理由 Grounds"), max_length=2000)
    objector = IntegerField(min_value=1)


class DecisionInput(serializers.Serializer):
    reason = reason_field(label=_("复核意见 Decision"))


class ReviewInput(serializers.Serializer):
    reason = reason_field(label=_("复核意见 Review note"), required=False)


class AidDetailSerializer(serializers.ModelSerializer):
    """What the API and the case page show besides the generic case fields; restricted data masked."""

    aid_type_label = serializers.CharField(source="get_aid_type_display", read_only=True)
    tier_label = serializers.CharField(source="get_tier_display", read_only=True)
    applicant = serializers.SerializerMethodField(label=_("申请人 Applicant"))
    id_number = serializers.CharField(source="id_number_masked", read_only=True)
    bank_account = serializers.CharField(source="bank_account_masked", read_only=True)
    household_income = serializers.SerializerMethodField()
    rigid_expenses = serializers.SerializerMethodField()
    visitors = serializers.SerializerMethodField(label=_("入户人员 Visitors"))
    tier_rule = serializers.SerializerMethodField(label=_("评定依据 Tier rule"))
    objections = serializers.SerializerMethodField(label=_("公示异议 Objections"))

    class Meta:
        model = AidCase
        fields = [
            "applicant", "aid_type", "aid_type_label", "cause", "household_size", "accident", "requested_amount",
            "financial_check_consent", "id_number", "bank_account", "household_income", "rigid_expenses",
            "missing_items", "visitors", "visit_report", "visited_on", "tier", "tier_label", "tier_rule",
            "proposed_amount", "notice_text", "notice_hash", "notice_published_on", "notice_ends_on",
            "notice_taken_down_on", "approved_amount", "approval_level", "decision_reason", "emergency",
            "emergency_approvers", "justification", "transaction_ref", "paid_on", "file_number", "archived_on",
            "reviewed_on", "exit_reason", "recovery_ref", "recovered_on", "objections",
        ]

    def get_applicant(self, obj):
        from .notices import applicant_name, masked_name

        return {"username": obj.applicant.get_username(), "name": masked_name(applicant_name(obj))}

    def get_household_income(self, obj):
        return "***"

    def get_rigid_expenses(self, obj):
        return "***"

    def get_visitors(self, obj):
        return [u.get_username() for u in obj.visitors]

    def get_tier_rule(self, obj):
        """The rule, 低保 used and outcome; the income figures stay restricted."""
        keep = ("rule", "dibao_monthly", "household_size", "tier")
        return {k: v for k, v in (obj.tier_inputs or {}).items() if k in keep}

    def get_objections(self, obj):
        """Grounds and outcome for every reader; the objector only for the committee and auditors."""
        request = self.context.get("request")
        user = getattr(request, "user", None)
        named = bool(user is not None and roles_at(user, obj.organisation) & OBJECTOR_READERS)
        return [
            {"grounds": o.grounds, "outcome": o.outcome, "filed_at": o.filed_at.isoformat(), "decision": o.decision,
             "objector": o.objector.get_username() if named else "[restricted]"}
            for o in _objections(obj)
        ] if obj.pk else []


#: The rows the detail fields show, read for a whole page of the case list at once
#: (``ProcessSpec.list_related``): the applicant, the visitors (``AidCase.visitors``), the objections.
OBJECTIONS = Prefetch("objections", queryset=AidObjection.objects.select_related("objector"))
LIST_RELATED = ("applicant", "visitors", OBJECTIONS)


def _objections(case) -> list:
    """The case's objections: from the page's prefetch, else read now (one statement)."""
    prefetch_related_objects([case], OBJECTIONS)
    return list(case.objections.all())


#: Who may know who objected to a notice (issue: "visible only to the committee and auditors").
OBJECTOR_READERS = frozenset({Role.UNION_COMMITTEE, Role.AUDITOR})
