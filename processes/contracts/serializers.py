"""Input serializers (one per transition that takes input) and the detail serializer.

Bad input is a 400 with field errors (the service wraps ``serializer.errors``); the rules of
《集体合同规定》 that depend on the whole team or on other records are guards in
``lifecycle.py`` (409, naming the article).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from workflow.api.parsing import IntegerField
from workflow.api.related import lookups_by_path, related_rows
from workflow.inputs import note_field, reason_field
from workflow.models import RoleAssignment
from workflow.pickers import CaseField, DocumentListField, UserField

from .deadlines import TERM_YEARS_RANGE
from .models import Contract, ContractRepresentative, ContractRound
from .states import Channel, EscalateTo, Grounds, Kind

ONE_DOCUMENT = _("请选择一个文件 Choose exactly one document.")
BAD_MEMBER = _(
    "每位代表为 {name, username, expert, woman}，或一行“姓名|用户名|expert|woman” Each representative is {name, "
    "username, expert, woman}, or a line \"name|username|expert|woman\"."
)
TEAM_USER_UNKNOWN = _("未知用户 Unknown user: %(ref)s")
RESULT_REQUIRED = _("请填写协调处理结果，由对方首席代表确认 Record the result; the other chief then confirms it.")
NOT_IN_TEAM = _("首席代表须为本方代表之一 The chief must be one of this side's representatives: %(ref)s")


class CreateInput(serializers.Serializer):
    kind = serializers.ChoiceField(label=_("合同类别 Kind"), choices=Kind.choices)
    renewal_of = CaseField(
        label=_("续订的合同 Renewal of"), model=Contract, required=False,
        help_text=_("可选：续订期内或已期满的原合同编号 Optional: the contract in its renewal window, or expired"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.context.get("user")
        if user is not None and "ctx" not in self.context:
            # The form offers the contracts in their renewal window where the reader may start one.
            from workflow import policy

            from .permissions import CREATE_ROLES
            from .states import ContractState

            orgs = [g.organisation_id for g in policy.grants(user) if g.role in CREATE_ROLES]
            # An expired contract not renewed yet may be renewed too (第三十八条; see process.RENEWABLE_STATES).
            window = Contract.objects.filter(organisation_id__in=orgs).filter(
                Q(state=ContractState.RENEWAL_WINDOW) | Q(state=ContractState.EXPIRED, renewals__isnull=True)
            )
            self.fields["renewal_of"].choices = [
                (c.reference, f"{c.reference} · {c.get_kind_display()}") for c in window.order_by("reference")
            ]


@extend_schema_field({"type": "object", "properties": {
    "name": {"type": "string"}, "username": {"type": "string"}, "expert": {"type": "boolean"},
    "woman": {"type": "boolean"}}})
class MemberField(serializers.Field):
    """A negotiator: ``{"name", "username" (optional), "expert", "woman"}``, or a form line
    ``name|username|expert|woman`` (the flags in any order after the username)."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            parts = [p.strip() for p in data.split("|")]
            flags = {p.lower() for p in parts[2:]}
            data = {"name": parts[0], "username": parts[1] if len(parts) > 1 else "",
                    "expert": bool(flags & {"expert", "专家", "true", "1", "yes"}),
                    "woman": bool(flags & {"woman", "女", "女职工"})}
        if not isinstance(data, dict):
            raise serializers.ValidationError(str(BAD_MEMBER))
        name, username, expert = data.get("name"), data.get("username") or "", data.get("expert", False)
        woman = data.get("woman", False)
        if not isinstance(name, str) or not 1 <= len(name.strip()) <= 100 or not isinstance(expert, bool):
            raise serializers.ValidationError(str(BAD_MEMBER))
        if not isinstance(woman, bool):
            raise serializers.ValidationError(str(BAD_MEMBER))
        if not isinstance(username, str) or len(username) > 150:
            raise serializers.ValidationError(str(BAD_MEMBER))
        user = None
        if username:
            user = get_user_model().objects.filter(username=username, is_active=True).first()
            if user is None:
                raise serializers.ValidationError(str(TEAM_USER_UNKNOWN % {"ref": username}))
        return {"name": name.strip(), "user": user, "expert": expert, "woman": woman}

    def to_representation(self, value):
        return value


def _team_field(label):
    return serializers.ListField(
        label=label, child=MemberField(), min_length=1, max_length=30,
        help_text=_("每行一人：姓名|用户名|expert|woman One per line: name|username|expert|woman"),
    )


def _people_at(case, *roles):
    held = RoleAssignment.objects.current().filter(organisation=case.organisation, role__in=roles)
    return get_user_model().objects.filter(pk__in=held.values("user_id"), is_active=True).order_by("username")


class SingleDocumentField(DocumentListField):
    """One document of this case (its exact version), by id; forms offer the case's documents."""

    def bind(self, field_name, parent):
        # The service validates with ``ctx`` in the context: no form to fill, so no choices to read.
        if "ctx" in (getattr(parent, "context", None) or {}):
            serializers.MultipleChoiceField.bind(self, field_name, parent)
            return
        super().bind(field_name, parent)

    def to_internal_value(self, data):
        if not isinstance(data, (list, tuple)):
            data = [data]
        docs = super().to_internal_value(data)
        if len(docs) != 1:
            raise serializers.ValidationError(str(ONE_DOCUMENT))
        return docs[0]


class ChiefField(UserField):
    """A chief representative by username or id; forms offer the people who may be one."""

    def bind(self, field_name, parent):
        if "ctx" in (getattr(parent, "context", None) or {}):
            serializers.ChoiceField.bind(self, field_name, parent)
            return
        super().bind(field_name, parent)


def _record_keeper_field(**kw):
    return serializers.CharField(
        label=_("记录员 Record keeper"), required=False, allow_blank=True, max_length=100,
        help_text=_("第三十三条：非协商代表的中立记录员 Art. 33: a neutral record keeper who is not a representative"),
        **kw,
    )


class SetTeamsInput(serializers.Serializer):
    union_team = _team_field(_("职工方代表 Union side"))
    employer_team = _team_field(_("企业方代表 Employer side"))
    union_chief = ChiefField(label=_("职工方首席代表 Union chief"), offer=lambda c, u: _people_at(c, "chair", "representative"))
    employer_chief = ChiefField(label=_("企业方首席代表 Employer chief"), offer=lambda c, u: _people_at(c, "employer_rep"))
    delegation = SingleDocumentField(
        label=_("书面委托书 Written delegation"), required=False,
        help_text=_("主席不任首席代表时必须附上 Needed when the chair is not the union's chief"),
    )
    record_keeper = _record_keeper_field()

    def validate(self, attrs):
        for side, chief in (("union_team", "union_chief"), ("employer_team", "employer_chief")):
            usernames = {m["user"].pk for m in attrs[side] if m["user"]}
            if attrs[chief].pk not in usernames:
                raise serializers.ValidationError({chief: [str(NOT_IN_TEAM % {"ref": attrs[chief].get_username()})]})
        return attrs


class SendOfferInput(serializers.Serializer):
    topics = note_field(label=_("协商议题 Topics"))
    proposed_on = serializers.DateField(label=_("建议协商时间 Proposed date"), required=False)
    delivered_on = serializers.DateField(label=_("送达日期 Delivered on"))
    document = SingleDocumentField(label=_("要约书 Offer document"), required=False)


class RecordReplyInput(serializers.Serializer):
    received_on = serializers.DateField(label=_("收到答复日期 Received on"))
    document = SingleDocumentField(label=_("答复书 Reply document"), required=False)


class EscalateInput(serializers.Serializer):
    to = serializers.ChoiceField(label=_("报请 Escalate to"), choices=EscalateTo.choices)
    note = note_field(label=_("说明 Note"), required=False)


class RoundInput(serializers.Serializer):
    minutes = note_field(label=_("会议记录 Minutes"), max_length=20000)
    positions = note_field(label=_("各方意见 Positions"), required=False, max_length=20000)
    union_present = serializers.ListField(
        label=_("职工方出席 Union side present"), child=serializers.CharField(max_length=100), required=False,
        max_length=30,
    )
    employer_present = serializers.ListField(
        label=_("企业方出席 Employer side present"), child=serializers.CharField(max_length=100), required=False,
        max_length=30,
    )
    document = SingleDocumentField(label=_("记录文件 Minutes document"), required=False)
    record_keeper = _record_keeper_field()


class SuspendInput(serializers.Serializer):
    resume_on = serializers.DateField(label=_("恢复协商日期 Resume on"))

    def validate_resume_on(self, value):
        if value <= self.context["ctx"].today:
            raise serializers.ValidationError(_("恢复日期须晚于今天 The resume date must be after today."))
        return value


class CoordinationInput(serializers.Serializer):
    reason = reason_field(label=_("争议事项 Matters in dispute"))


class CoordinationResultInput(serializers.Serializer):
    """The first chief records the result; the other confirms it with no result (or the same text)."""

    result = note_field(label=_("协调处理协议 Coordination agreement"), required=False,
                        help_text=_("确认对方记录的结果时可留空 Leave empty to confirm the result the other chief recorded"))
    document = SingleDocumentField(label=_("协调处理协议书 Agreement document"), required=False)

    def validate(self, attrs):
        ctx = self.context["ctx"]
        if not attrs.get("result") and not ctx.case.other_side_consented("coordination_end_proposed_by", ctx.user):
            raise serializers.ValidationError({"result": [str(RESULT_REQUIRED)]})
        return attrs


class AgreeDraftInput(serializers.Serializer):
    document = SingleDocumentField(label=_("草案版本 Draft version"))
    term_years = IntegerField(
        label=_("合同期限（年） Term (years)"), min_value=TERM_YEARS_RANGE[0], max_value=TERM_YEARS_RANGE[1],
        required=False, help_text=_("第三十八条：1至3年 Art. 38: 1 to 3 years"),
    )


class SignInput(serializers.Serializer):
    document = SingleDocumentField(
        label=_("签署的版本 Version signed"), required=False,
        help_text=_("默认为职代会通过的版本 By default the version the congress passed"),
    )


class FileInput(serializers.Serializer):
    filed_on = serializers.DateField(label=_("报送日期 Filed on"))
    receipt = SingleDocumentField(label=_("受理回执 Filing receipt"), required=False)

    def validate_filed_on(self, value):
        if value > self.context["ctx"].today:
            raise serializers.ValidationError(_("报送日期不能晚于今天 The filing date cannot be in the future."))
        return value


class ObjectInput(serializers.Serializer):
    items = serializers.ListField(
        label=_("异议事项 Objection items"), child=serializers.CharField(min_length=2, max_length=500),
        min_length=1, max_length=50,
    )
    document = SingleDocumentField(label=_("审查意见书 Review opinion"), required=False)


class PublishInput(serializers.Serializer):
    channel = serializers.ChoiceField(label=_("公布方式 Channel"), choices=Channel.choices)
    published_on = serializers.DateField(label=_("公布日期 Published on"))


class VaryInput(serializers.Serializer):
    grounds = serializers.ChoiceField(label=_("变更事由 Grounds"), choices=Grounds.choices)
    document = SingleDocumentField(label=_("变更后文本 Varied text"))


class TerminateInput(serializers.Serializer):
    grounds = serializers.ChoiceField(label=_("解除事由 Grounds"), choices=Grounds.choices)
    reason = reason_field(label=_("说明 Explanation"), required=False)


def _user(u) -> dict | None:
    return {"username": u.get_username(), "name": u.get_full_name() or u.get_username()} if u else None


#: The rows the detail fields show, read for a whole page of the case list at once
#: (``ProcessSpec.list_related``).
LIST_RELATED = (
    "union_chief", "employer_chief", "draft", "passed_document", "renewed_from",
    Prefetch("representatives", queryset=ContractRepresentative.objects.select_related("user")),
    Prefetch("rounds", queryset=ContractRound.objects.select_related("recorded_by")),
)
_PREFETCH = lookups_by_path(LIST_RELATED)


def _rows(case, name: str) -> list:
    return related_rows(case, _PREFETCH[name])


def _doc(d) -> dict | None:
    return {"id": d.pk, "name": d.name, "version": d.version, "sha256": d.sha256} if d else None


class ContractDetailSerializer(serializers.ModelSerializer):
    """What the API and the case page show besides the generic case fields."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    union_chief = serializers.SerializerMethodField()
    employer_chief = serializers.SerializerMethodField()
    union_team = serializers.SerializerMethodField(label=_("职工方代表 Union side"))
    employer_team = serializers.SerializerMethodField(label=_("企业方代表 Employer side"))
    rounds = serializers.SerializerMethodField(label=_("协商会议 Rounds"))
    draft = serializers.SerializerMethodField()
    passed_document = serializers.SerializerMethodField()
    renewed_from = serializers.SerializerMethodField()

    class Meta:
        model = Contract
        fields = [
            "kind", "kind_label", "renewed_from", "union_chief", "employer_chief", "union_team", "employer_team",
            "record_keeper",
            "topics", "proposed_on", "delivered_on", "reply_due_on", "reply_received_on", "reply_late",
            "escalated_to", "resume_on", "suspension_proposed_by", "resume_proposed_by", "coordination_result",
            "coordination_end_proposed_by", "rounds", "draft", "term_years", "vote_id", "passed_document",
            "passed_sha256", "union_signed_at", "employer_signed_at", "signed_on", "filing_due_on", "filed_on",
            "filed_late", "review_due_on", "objection_items", "effective_on", "expires_on", "renewal_opens_on",
            "published_on", "publish_channel", "end_grounds", "ended_on",
        ]

    def get_union_chief(self, obj):
        return _user(obj.union_chief)

    def get_employer_chief(self, obj):
        return _user(obj.employer_chief)

    def _team(self, obj, side):
        return [
            {"name": r.name, "username": r.user.get_username() if r.user else "", "expert": r.expert, "chief": r.chief,
             "woman": r.woman}
            for r in _rows(obj, "representatives") if r.side == side
        ]

    def get_union_team(self, obj):
        return self._team(obj, "union")

    def get_employer_team(self, obj):
        return self._team(obj, "employer")

    def get_rounds(self, obj):
        return [
            {"label": f"{r.number}. {r.held_on:%Y-%m-%d}", "number": r.number, "held_on": r.held_on,
             "minutes": r.minutes, "record_keeper": r.record_keeper, "positions": r.positions, "union_present": r.union_present,
             "employer_present": r.employer_present, "recorded_by": _user(r.recorded_by),
             "union_signed_at": r.union_signed_at, "employer_signed_at": r.employer_signed_at}
            for r in _rows(obj, "rounds")
        ]

    def get_draft(self, obj):
        return _doc(obj.draft)

    def get_passed_document(self, obj):
        return _doc(obj.passed_document)

    def get_renewed_from(self, obj):
        r = obj.renewed_from
        return {"id": r.pk, "reference": r.reference} if r else None


class SubmitInput(serializers.Serializer):
    method = serializers.ChoiceField(
        label=_("表决方式 Method"), choices=[("electronic", _("电子无记名投票 Electronic secret ballot")),
                                             ("paper", _("纸质计票 Paper tally"))],
        required=False, default="electronic",
    )
