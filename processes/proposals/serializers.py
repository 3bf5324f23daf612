"""Input serializers (one per transition that takes input) and the detail serializer.

Bad input is a 400 with field errors (the service wraps ``serializer.errors``); rules
that depend on the state of other records are guards in ``lifecycle.py`` (409).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from workflow.api.parsing import id_or_code_lookup
from workflow.api.related import lookups_by_path, related_rows
from workflow.inputs import note_field, reason_field
from workflow.models import Organisation, OrgKind
from workflow.pickers import CaseField, DocumentListField, UserField, UserListField

from .models import Proposal, ProposalCosigner, ProposalCountersign, ProposalRating, ProposalReply
from .states import Category, Classification, Rating

CO_DEPARTMENTS_DISTINCT = _(
    "协办部门不能重复或与主办部门相同 Co-departments must be distinct from each other and from the lead."
)
DUE_DATE_RANGE = _("答复期限须在 %(first)s 至 %(last)s 之间 The reply date must be between %(first)s and %(last)s.")
COMMENT_REQUIRED = _("不满意时必须说明理由 Say why you are unsatisfied.")
SUPERVISOR_NOT_ELIGIBLE = _(
    "督办领导须为本单位的工会主席或工会委员会委员 The supervising leader must be the chair or a union committee "
    "member of this organisation."
)
NOT_YOUR_CO_DEPARTMENT = _("您不在该协办部门 You do not act for this co-department: %(ref)s")


class CreateInput(serializers.Serializer):
    title = serializers.CharField(label=_("案由 Title"), max_length=200)
    body = serializers.CharField(label=_("理由与建议 Reasons and measures"), max_length=20000)
    category = serializers.ChoiceField(label=_("类别 Category"), choices=Category.choices)


def cosigner_offer(case, user):
    """Whom a proposer may invite: the representatives of the proposal's term, not themselves."""
    ids = case.term.representative_ids() - {case.created_by_id}
    return get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("username")


class InviteCosignersInput(serializers.Serializer):
    cosigners = UserListField(
        label=_("附议人 Co-signers"), offer=cosigner_offer, min_length=1, max_length=20,
        help_text=_("本届职工代表（用户名或编号） Representatives of this term (username or id)"),
    )

    def validate_cosigners(self, value):
        """Invitees: distinct representatives of the proposal's term, never the proposer (proposal-work practice)."""
        case = self.context["case"]
        if len({u.pk for u in value}) != len(value):
            raise serializers.ValidationError(_("附议人不能重复 Each co-signer may be named only once."))
        if any(u.pk == case.created_by_id for u in value):
            raise serializers.ValidationError(_("提案人不能附议自己的提案 The proposer cannot co-sign."))
        reps = case.term.representative_ids(on=self.context["ctx"].today)
        outsiders = [u.get_username() for u in value if u.pk not in reps]
        if outsiders:
            raise serializers.ValidationError(
                _("附议人必须是本届职工代表 Co-signers must be representatives of this term: %(names)s")
                % {"names": ", ".join(outsiders)}
            )
        return value


class DeclineInput(serializers.Serializer):
    reason = reason_field(required=False)


class AcceptInput(serializers.Serializer):
    reason = reason_field(label=_("审查意见 Opinion"), required=False)


class ResubmitInput(serializers.Serializer):
    title = serializers.CharField(label=_("案由 Title"), max_length=200, required=False)
    body = serializers.CharField(label=_("理由与建议 Reasons and measures"), max_length=20000, required=False)
    category = serializers.ChoiceField(label=_("类别 Category"), choices=Category.choices, required=False)


def merge_targets(case, user):
    """Proposals this one may be merged into: same organisation and term, under review or accepted."""
    from .states import ProposalState

    return (
        Proposal.objects.filter(
            organisation_id=case.organisation_id, term_id=case.term_id,
            state__in=(ProposalState.UNDER_REVIEW, ProposalState.ACCEPTED),
        )
        .exclude(pk=case.pk)
        .order_by("reference")
    )


class MergeInput(serializers.Serializer):
    into = CaseField(
        label=_("并入提案 Merge into"), model=Proposal, offer=merge_targets,
        help_text=_("提案编号（或编号数字） The proposal's reference (or id)"),
    )

    def validate_into(self, value):
        # Locked: the target's co-proposers change in the same transaction.
        target = Proposal.objects.select_for_update(of=("self",)).select_related("organisation").filter(pk=value).first()
        if target is None:
            raise serializers.ValidationError(_("提案不存在 No such proposal."))
        if target.pk == self.context["case"].pk:
            raise serializers.ValidationError(_("不能并入自身 A proposal cannot be merged into itself."))
        return target


def _department(case, ref):
    lookup = id_or_code_lookup(ref)
    org = Organisation.objects.filter(kind=OrgKind.DEPARTMENT, **lookup).first() if lookup else None
    if org is None or org.enterprise().pk != case.organisation_id:
        raise serializers.ValidationError(
            _("须为本单位的承办部门 Must be a department of this organisation: %(ref)s") % {"ref": ref}
        )
    return org


def supervisors(case):
    """Who may supervise (督办): the chair and union committee members of the proposal's organisation."""
    from workflow.models import RoleAssignment

    from .permissions import SUPERVISOR_ROLES

    held = RoleAssignment.objects.current().filter(organisation=case.organisation, role__in=SUPERVISOR_ROLES)
    return get_user_model().objects.filter(pk__in=held.values("user_id")).order_by("username")


def department_choices(case) -> list[tuple[str, str]]:
    """The departments (承办部门) of the proposal's organisation, by code."""
    rows = Organisation.objects.filter(kind=OrgKind.DEPARTMENT, path__startswith=case.organisation.path)
    return [(o.code, f"{o.code} · {o.name}") for o in rows.order_by("code")]


class AssignInput(serializers.Serializer):
    lead_department = serializers.CharField(label=_("主办部门 Lead department"), max_length=40)
    co_departments = serializers.ListField(
        label=_("协办部门 Co-departments"), child=serializers.CharField(max_length=40), required=False, max_length=10
    )
    due_date = serializers.DateField(label=_("答复期限 Reply due"), required=False)
    supervisor = UserField(
        label=_("督办领导 Supervising leader"), offer=lambda case, user: supervisors(case), required=False,
        allow_null=True, help_text=_("可选：逾期时督办（用户名或编号） Optional: who is told when the reply is overdue"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        case = self.context.get("case")
        if case is not None:
            # With the case known, offer its departments to choose from (forms show a select).
            choices = department_choices(case)
            self.fields["lead_department"] = serializers.ChoiceField(
                label=_("主办部门 Lead department"), choices=choices
            )
            self.fields["co_departments"] = serializers.MultipleChoiceField(
                label=_("协办部门 Co-departments"), choices=choices, required=False
            )


    def validate_lead_department(self, value):
        return _department(self.context["case"], value)

    def validate_co_departments(self, value):
        return [_department(self.context["case"], ref) for ref in sorted(value)]

    def validate_supervisor(self, value):
        """督办: important items may be marked for a leader — the chair or a union committee member."""
        from .permissions import is_eligible_supervisor

        if value is None:
            return None
        ctx = self.context["ctx"]
        if not is_eligible_supervisor(value, self.context["case"].organisation, on=ctx.today):
            raise serializers.ValidationError(SUPERVISOR_NOT_ELIGIBLE)
        return value

    def validate_due_date(self, value):
        """An earlier reply date may be set; never later than rule proposal.reply allows, never in the past."""
        from workflow.deadlines.rules import compute_due

        today = self.context["ctx"].today
        latest = compute_due("proposal.reply", today, self.context["case"].organisation)
        if not today < value <= latest:
            raise serializers.ValidationError(
                DUE_DATE_RANGE % {"first": (today + dt.timedelta(days=1)).isoformat(), "last": latest.isoformat()}
            )
        return value

    def validate(self, attrs):
        co = attrs.get("co_departments", [])
        if len({d.pk for d in co}) != len(co) or attrs["lead_department"].pk in {d.pk for d in co}:
            raise serializers.ValidationError({"co_departments": [CO_DEPARTMENTS_DISTINCT]})
        return attrs


class ReplyInput(serializers.Serializer):
    text = serializers.CharField(label=_("答复内容 Reply"), min_length=2, max_length=20000)
    classification = serializers.ChoiceField(label=_("分类 Classification"), choices=Classification.choices)
    attachments = DocumentListField(
        label=_("附件 Attachments"), required=False,
        help_text=_("本提案已上传的文件 Documents uploaded to this proposal"),
    )

    def validate_attachments(self, value):
        """Each attachment is a document of this proposal; the reply keeps its name, version and hash."""
        if len(value) > 20:
            raise serializers.ValidationError(_("附件最多 20 个 At most 20 attachments."))
        return [{"id": d.pk, "name": d.name, "version": d.version, "sha256": d.sha256} for d in value]


class CountersignInput(serializers.Serializer):
    opinion = note_field(label=_("会签意见 Opinion"), required=False)
    department = serializers.CharField(
        label=_("协办部门 Co-department"), required=False, max_length=40,
        help_text=_("仅当您属于多个协办部门时需要选择 Needed only if you act for several co-departments"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        case, user = self.context.get("case"), self.context.get("user")
        if case is not None and user is not None:
            from .permissions import co_department_ids_of

            # Forms offer only the reader's own co-departments; with one, nothing to choose.
            own = Organisation.objects.filter(pk__in=co_department_ids_of(case, user)).order_by("code")
            if len(own) <= 1:
                del self.fields["department"]
            else:
                self.fields["department"] = serializers.ChoiceField(
                    label=_("协办部门 Co-department"), required=False,
                    choices=[(o.code, f"{o.code} · {o.name}") for o in own],
                )

    def validate_department(self, value):
        from .permissions import co_department_ids_of

        case, user = self.context["case"], self.context["user"]
        org = Organisation.objects.filter(code=value, pk__in=co_department_ids_of(case, user)).first()
        if org is None:
            raise serializers.ValidationError(NOT_YOUR_CO_DEPARTMENT % {"ref": value})
        return org


class RateInput(serializers.Serializer):
    rating = serializers.ChoiceField(label=_("评价 Rating"), choices=Rating.choices)
    comment = note_field(label=_("意见 Comment"), required=False, max_length=2000)

    def validate(self, attrs):
        if attrs["rating"] == Rating.UNSATISFIED and len((attrs.get("comment") or "").strip()) < 2:
            raise serializers.ValidationError({"comment": [COMMENT_REQUIRED]})
        return attrs


class NoteInput(serializers.Serializer):
    note = note_field(label=_("委员会意见 Committee note"))


class PutToVoteInput(serializers.Serializer):
    title = serializers.CharField(label=_("议案标题 Motion title"), max_length=200, required=False)


def _user(u) -> dict | None:
    if u is None:
        return None
    return {"username": u.get_username(), "name": u.get_full_name() or u.get_username()}


def _day(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d}"


def _org(o) -> dict | None:
    return {"id": o.pk, "code": o.code, "name": o.name} if o is not None else None


#: The rows the detail fields show, read for a whole page of the case list at once
#: (``ProcessSpec.list_related``); each in the order the field shows it.
LIST_RELATED = (
    "term", "merged_into", "lead_department", "supervisor",
    Prefetch("cosigners", queryset=ProposalCosigner.objects.select_related("user")),
    Prefetch("co_proposers", queryset=get_user_model().objects.order_by("username")),
    Prefetch("merged_from", queryset=Proposal.objects.select_related("created_by").order_by("pk")),
    Prefetch("co_departments", queryset=Organisation.objects.order_by("code")),
    Prefetch("countersigns", queryset=ProposalCountersign.objects.select_related("department", "signed_by")),
    Prefetch("replies", queryset=ProposalReply.objects.select_related("department", "replied_by")),
    Prefetch("ratings", queryset=ProposalRating.objects.select_related("reply", "rated_by")),
)
_PREFETCH = lookups_by_path(LIST_RELATED)


def _rows(obj, name: str) -> list:
    return related_rows(obj, _PREFETCH[name])


class ProposalDetailSerializer(serializers.ModelSerializer):
    """What the API and the detail page show besides the generic case fields."""

    category_label = serializers.CharField(source="get_category_display", read_only=True)
    term = serializers.SerializerMethodField(label=_("届次 Term"))
    cosigners = serializers.SerializerMethodField(label=_("附议人 Co-signers"))
    co_proposers = serializers.SerializerMethodField(label=_("共同提案人 Co-proposers"))
    merged_into = serializers.SerializerMethodField(label=_("并入 Merged into"))
    merged_from = serializers.SerializerMethodField(label=_("并入的提案 Merged from"))
    lead_department = serializers.SerializerMethodField(label=_("主办部门 Lead department"))
    co_departments = serializers.SerializerMethodField(label=_("协办部门 Co-departments"))
    supervisor = serializers.SerializerMethodField(label=_("督办领导 Supervising leader"))
    countersigns = serializers.SerializerMethodField(label=_("会签 Countersigns"))
    countersign_missing = serializers.SerializerMethodField(label=_("待会签部门 Awaiting countersign"))
    replies = serializers.SerializerMethodField(label=_("答复 Replies"))
    ratings = serializers.SerializerMethodField(label=_("评价 Ratings"))
    closure_label = serializers.CharField(source="get_closure_display", read_only=True)

    class Meta:
        model = Proposal
        fields = [
            "title", "body", "category", "category_label", "term", "cosign_opened_on", "cosign_closes_on",
            "submitted_on", "decision_reason", "withdraw_reason", "cosigners", "co_proposers", "merged_into",
            "merged_from", "lead_department", "co_departments", "supervisor", "assigned_on", "reply_due_on",
            "countersigns", "countersign_missing",
            "rehandling_count", "replies", "ratings", "closure", "closure_label", "closed_on",
            "committee_note", "vote_id",
        ]

    def get_term(self, obj):
        return {"id": obj.term_id, "number": obj.term.number, "label": f"第{obj.term.number}届"}

    def get_cosigners(self, obj):
        return [
            {**_user(c.user), "status": c.status, "status_label": c.get_status_display(),
             "invited_at": c.invited_at, "responded_at": c.responded_at}
            for c in _rows(obj, "cosigners")
        ]

    def get_co_proposers(self, obj):
        return [_user(u) for u in _rows(obj, "co_proposers")]

    def get_merged_into(self, obj):
        m = obj.merged_into
        return {"id": m.pk, "reference": m.reference, "title": m.title} if m else None

    def get_merged_from(self, obj):
        return [
            {"id": m.pk, "reference": m.reference, "title": m.title, "proposer": _user(m.created_by)}
            for m in _rows(obj, "merged_from")
        ]

    def get_lead_department(self, obj):
        return _org(obj.lead_department)

    def get_co_departments(self, obj):
        return [_org(o) for o in _rows(obj, "co_departments")]

    def get_supervisor(self, obj):
        return _user(obj.supervisor)

    def get_countersigns(self, obj):
        return [
            {"label": f"{c.round}. {c.department.name} {_day(c.signed_at)}", "round": c.round,
             "department": _org(c.department), "signed_by": _user(c.signed_by), "opinion": c.opinion,
             "signed_at": c.signed_at}
            for c in _rows(obj, "countersigns")
        ]

    def get_countersign_missing(self, obj):
        return [_org(o) for o in obj.awaiting_countersign()]

    def get_replies(self, obj):
        return [
            {"label": f"{r.round}. {r.department.name} {_day(r.replied_at)} {r.get_classification_display()}",
             "round": r.round, "department": _org(r.department), "text": r.text,
             "classification": r.classification, "classification_label": r.get_classification_display(),
             "attachments": r.attachments, "replied_by": _user(r.replied_by), "replied_at": r.replied_at,
             "due_on": r.due_on, "on_time": r.on_time}
            for r in _rows(obj, "replies")
        ]

    def get_ratings(self, obj):
        return [
            {"label": f"{r.reply.round}. {r.get_rating_display()}", "round": r.reply.round, "rating": r.rating,
             "rating_label": r.get_rating_display(),
             "comment": r.comment, "rated_by": _user(r.rated_by), "rated_at": r.rated_at}
            for r in _rows(obj, "ratings")
        ]
