"""Proposals to the workers' congress (职代会/教代会提案) and what hangs on them.

The FSM ``state`` is the one truth; it changes only through
:func:`workflow.services.perform_transition`, which runs the transitions declared in
``lifecycle.py``: their effects write the rows around the case (co-signer invitations,
replies, ratings), the methods below the case's own fields, in the same transaction.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q, Value
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from workflow.models import Case

from .states import Category, Classification, Closure, CosignStatus, ProposalState, Rating

S = ProposalState


#: The kind of id each row of :meth:`Proposal.participant_ids`'s UNION carries.
_PERSON, _CO_DEPARTMENT = "person", "co_department"


def _tagged(queryset, column: str, kind: str):
    """``column`` of ``queryset`` with its kind, ready to take part in a UNION."""
    return queryset.annotate(kind=Value(kind, output_field=models.CharField())).values_list(column, "kind")


class Proposal(Case):
    """One matter put to the congress by a representative (一事一案)."""

    reference_prefix = "TA"

    state = FSMField(_("状态 State"), default=S.DRAFT, choices=S.choices, protected=True)
    term = models.ForeignKey(
        "workflow.CongressTerm", on_delete=models.PROTECT, related_name="+", verbose_name=_("届次 Term")
    )
    title = models.CharField(_("案由 Title"), max_length=200)
    body = models.TextField(_("理由与建议 Reasons and measures"))
    category = models.CharField(_("类别 Category"), max_length=20, choices=Category.choices)

    cosign_opened_on = models.DateField(_("附议开始 Co-signing opened"), null=True, blank=True)
    cosign_closes_on = models.DateField(_("附议截止 Co-signing closes"), null=True, blank=True)
    submitted_on = models.DateField(_("提交日期 Submitted on"), null=True, blank=True)
    decision_reason = models.TextField(_("审查意见 Decision reason"), blank=True)
    #: How the review filed it (立案 accepted / 转为意见建议 converted): an assignment returned
    #: by the department goes back to that, so a suggestion never turns into a filed proposal.
    review_outcome = models.CharField(_("审查结果 Review outcome"), max_length=20, blank=True, editable=False)
    withdraw_reason = models.TextField(_("撤回理由 Withdrawal reason"), blank=True)

    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from",
        verbose_name=_("并入 Merged into"),
    )
    co_proposers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("共同提案人 Co-proposers")
    )

    lead_department = models.ForeignKey(
        "workflow.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("主办部门 Lead department"),
    )
    co_departments = models.ManyToManyField(
        "workflow.Organisation", blank=True, related_name="+", verbose_name=_("协办部门 Co-departments")
    )
    #: 督办: the leader (chair or union committee member) an overdue reply is escalated to.
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("督办领导 Supervising leader"),
    )
    assigned_on = models.DateField(_("交办日期 Assigned on"), null=True, blank=True)
    reply_due_on = models.DateField(_("答复期限 Reply due"), null=True, blank=True)
    rehandling_count = models.PositiveSmallIntegerField(_("重新办理次数 Re-handlings"), default=0)

    closure = models.CharField(_("办结方式 Closure"), max_length=24, choices=Closure.choices, blank=True)
    closed_on = models.DateField(_("办结日期 Closed on"), null=True, blank=True)
    committee_note = models.TextField(_("委员会意见 Committee note"), blank=True)
    vote_id = models.BigIntegerField(_("表决 Vote"), null=True, blank=True)

    class Meta(Case.Meta):
        verbose_name = _("提案 Proposal")
        verbose_name_plural = _("提案 Proposals")
        indexes = [*Case.Meta.indexes, models.Index(fields=["organisation", "state"], name="proposal_org_state")]

    # Who takes part ------------------------------------------------------------
    def participant_ids(self) -> set[int]:
        """Proposer, co-proposers, invited co-signers and the assigned departments' staff see the case.

        Read in one statement (a UNION of the three relations and the departments' role holders):
        the service asks it under the row lock of every action on a proposal. The co-departments
        come in the same statement, so the action need not ask again whether there are any
        (:meth:`has_co_departments`).
        """
        from workflow.models import RoleAssignment

        ids = {self.created_by_id}
        if not self.pk:
            return ids
        co_departments = self.co_departments.through.objects.filter(proposal_id=self.pk)
        departments = Q(organisation_id__in=co_departments.values("organisation_id"))
        if self.lead_department_id:
            departments |= Q(organisation_id=self.lead_department_id)
        staff = RoleAssignment.objects.current().filter(departments, role="department").order_by()
        cosigners = ProposalCosigner.objects.filter(proposal_id=self.pk).order_by()
        co_proposers = self.co_proposers.through.objects.filter(proposal_id=self.pk)
        rows = _tagged(cosigners, "user_id", _PERSON).union(
            _tagged(co_proposers, "user_id", _PERSON),
            _tagged(staff, "user_id", _PERSON),
            _tagged(co_departments, "organisation_id", _CO_DEPARTMENT),
        )
        rows = list(rows)
        self._co_department_ids = {pk for pk, kind in rows if kind == _CO_DEPARTMENT}
        return ids | {pk for pk, kind in rows if kind == _PERSON}

    def has_co_departments(self) -> bool:
        """Whether the proposal was assigned with co-departments (会签): known without a statement
        once :meth:`participant_ids` has read them under the row lock."""
        known = getattr(self, "_co_department_ids", None)
        return bool(known) if known is not None else self.co_departments.exists()

    def set_co_departments(self, departments) -> None:
        """Replace the co-departments (assigning, or taking an assignment back)."""
        self.co_departments.set(departments)
        self._co_department_ids = None  # read again when next asked

    @classmethod
    def participant_q(cls, user) -> Q:
        """The list filter matching :meth:`participant_ids` (subqueries, so no duplicate rows)."""
        from workflow.models import RoleAssignment

        dept_orgs = RoleAssignment.objects.current().filter(user=user, role="department").values("organisation_id")
        return (
            Q(created_by=user)
            | Q(pk__in=ProposalCosigner.objects.filter(user=user).values("proposal_id"))
            | Q(pk__in=cls.co_proposers.through.objects.filter(user_id=user.pk).values("proposal_id"))
            | Q(lead_department_id__in=dept_orgs)
            | Q(pk__in=cls.co_departments.through.objects.filter(organisation_id__in=dept_orgs).values("proposal_id"))
        )

    def confirmed_cosigner_ids(self) -> list[int]:
        return list(self.cosigners.filter(status=CosignStatus.CONFIRMED).values_list("user_id", flat=True))

    def pending_cosigner_ids(self) -> list[int]:
        return list(self.cosigners.filter(status=CosignStatus.INVITED).values_list("user_id", flat=True))

    # 会签 and 督办 ---------------------------------------------------------------------
    def reply_round(self) -> int:
        """The round the next reply will have: 1, then one more after each re-handling."""
        return self.replies.count() + 1

    def countersign_missing(self) -> list:
        """Co-departments that have not countersigned (会签) the current reply round, by code.

        A proposal of a list's page holds its replies, countersigns and co-departments already
        (``serializers.LIST_RELATED``): then the answer is read from them, with no query."""
        held = getattr(self, "_prefetched_objects_cache", {})
        if {"replies", "countersigns", "co_departments"} <= held.keys():
            round_ = len(held["replies"]) + 1
            signed = {c.department_id for c in held["countersigns"] if c.round == round_}
            return sorted((o for o in held["co_departments"] if o.pk not in signed), key=lambda o: o.code)
        signed = self.countersigns.filter(round=self.reply_round()).values("department_id")
        return list(self.co_departments.exclude(pk__in=signed).order_by("code"))

    def awaiting_countersign(self) -> list:
        """While the lead department handles it: the co-departments still to countersign this round."""
        from .states import HANDLING_STATES

        return self.countersign_missing() if self.state in HANDLING_STATES else []

    def escalation_recipients(self, rule) -> list:
        """督办: an overdue reply goes to the supervising leader named at assignment.

        Only while that leader still holds the chair or union-committee role here; otherwise
        (and for every other rule) the engine escalates to the rule's role as usual.
        """
        from .deadlines import REPLY
        from .permissions import is_eligible_supervisor

        if rule.id != REPLY.id or self.supervisor_id is None:
            return []
        supervisor = self.supervisor
        return [supervisor] if is_eligible_supervisor(supervisor, self.organisation) else []

    # What each transition writes on the case's own fields -------------------------------
    # Their source, target and rules are declared in lifecycle.py (``apply=``); the engine
    # makes each a django-fsm transition at start-up, performed only through
    # workflow.services.perform_transition.
    def submit(self, ctx):
        self.submitted_on = ctx.today

    def withdraw(self, ctx):
        self.withdraw_reason = ctx.data["reason"]

    def accept(self, ctx):
        self.decision_reason = ctx.data.get("reason", "")
        self.review_outcome = S.ACCEPTED

    def convert(self, ctx):
        self.decision_reason = ctx.data["reason"]
        self.review_outcome = S.CONVERTED

    def reject(self, ctx):
        self.decision_reason = ctx.data["reason"]

    def return_for_revision(self, ctx):
        self.decision_reason = ctx.data["reason"]

    def resubmit(self, ctx):
        for name in ("title", "body", "category"):
            if ctx.data.get(name):
                setattr(self, name, ctx.data[name])
        self.submitted_on = ctx.today

    def merge(self, ctx):
        self.merged_into = ctx.data["into"]

    def assign(self, ctx):
        self.lead_department = ctx.data["lead_department"]
        self.supervisor = ctx.data.get("supervisor")
        self.assigned_on = ctx.today

    def return_assignment(self, ctx):
        """Back to the committee as the review filed it: accepted, or converted to a suggestion."""
        self.lead_department = None
        self.supervisor = None
        self.assigned_on = None
        self.reply_due_on = None
        return S.CONVERTED if self.review_outcome == S.CONVERTED else S.ACCEPTED

    def rate(self, ctx):
        """Satisfied → closed; unsatisfied → re-handled while fewer than R re-handlings, else closed."""
        outcome = ctx.result.outcome  # decided by the effect (effects.rate)
        if outcome == S.REHANDLING:
            self.rehandling_count += 1
            return S.REHANDLING
        self.closure = outcome
        self.closed_on = ctx.today
        if outcome == Closure.REHANDLING_EXHAUSTED:
            self.committee_note = ctx.result.committee_note
        return S.CLOSED

    def close_unrated(self, ctx):
        self.closure = Closure.NOT_RATED
        self.closed_on = ctx.today

    def add_note(self, ctx):
        self.committee_note = ctx.data["note"]


class ProposalCosigner(models.Model):
    """An invitation to co-sign (附议); the confirmation is an audited e-consent with its time."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="cosigners")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态 Status"), max_length=12, choices=CosignStatus.choices, default=CosignStatus.INVITED)
    invited_at = models.DateTimeField(_("邀请时间 Invited at"))
    responded_at = models.DateTimeField(_("确认时间 Answered at"), null=True, blank=True)

    class Meta:
        unique_together = [("proposal", "user")]
        ordering = ["invited_at", "pk"]
        verbose_name = _("附议人 Co-signer")
        verbose_name_plural = _("附议人 Co-signers")

    def __str__(self) -> str:
        return f"{self.proposal} · {self.user} ({self.status})"


class ProposalReply(models.Model):
    """A department's reply (答复); a re-handled proposal gets a further round."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="replies")
    round = models.PositiveSmallIntegerField(_("轮次 Round"))
    department = models.ForeignKey("workflow.Organisation", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("答复内容 Reply"))
    classification = models.CharField(_("分类 Classification"), max_length=1, choices=Classification.choices)
    attachments = models.JSONField(_("附件 Attachments"), default=list, blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    replied_at = models.DateTimeField(_("答复时间 Replied at"))
    due_on = models.DateField(_("答复期限 Due on"), null=True, blank=True)
    on_time = models.BooleanField(_("按期 On time"), default=True)

    class Meta:
        unique_together = [("proposal", "round")]
        ordering = ["proposal", "round"]
        verbose_name = _("答复 Reply")
        verbose_name_plural = _("答复 Replies")

    def __str__(self) -> str:
        return f"{self.proposal} #{self.round} {self.classification}"


class ProposalCountersign(models.Model):
    """A co-department's countersign (会签) before the lead department replies.

    One per co-department and reply round: a re-handling round needs fresh countersigns.
    """

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="countersigns")
    round = models.PositiveSmallIntegerField(_("轮次 Round"))
    department = models.ForeignKey(
        "workflow.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("协办部门 Co-department")
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("会签人 Signed by")
    )
    opinion = models.TextField(_("会签意见 Opinion"), blank=True)
    signed_at = models.DateTimeField(_("会签时间 Signed at"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "department", "round"], name="proposal_countersign_once")
        ]
        ordering = ["proposal", "round", "signed_at", "pk"]
        verbose_name = _("会签 Countersign")
        verbose_name_plural = _("会签 Countersigns")

    def __str__(self) -> str:
        return f"{self.proposal} #{self.round} {self.department}"


class ProposalRating(models.Model):
    """The proposer's rating of a reply (满意 / 基本满意 / 不满意)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="ratings")
    reply = models.OneToOneField(ProposalReply, on_delete=models.PROTECT, related_name="rating")
    rating = models.CharField(_("评价 Rating"), max_length=20, choices=Rating.choices)
    comment = models.TextField(_("意见 Comment"), blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rated_at = models.DateTimeField(_("评价时间 Rated at"))

    class Meta:
        ordering = ["proposal", "rated_at"]
        verbose_name = _("评价 Rating")
        verbose_name_plural = _("评价 Ratings")

    def __str__(self) -> str:
        return f"{self.proposal}: {self.rating}"
