"""A labour dispute brought to the enterprise mediation committee, and what hangs on it.

The FSM ``state`` is the one truth; it changes only through
:func:`workflow.services.perform_transition`, which runs the transitions declared in
``lifecycle.py``: their effects write the rows around the case (mediators, recusals,
sessions, the agreement), the methods below the case's own fields, in the same transaction.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from workflow.models import Case

from .states import Category, DeclineReason, DisputeState, PaymentOrderMatter, ReviewOutcome, ReviewRoute

S = DisputeState
#: Mediators are assigned from ``accepted`` on, moving the case to ``mediating``: before that none exist.
NO_MEDIATORS_YET = frozenset({S.APPLIED, S.ACCEPTED, S.DECLINED})


def paper_refs(documents) -> list[dict]:
    """Attached papers as the case and its audit trail keep them: each exact version with its hash."""
    return [{"id": doc.pk, "name": doc.name, "version": doc.version, "sha256": doc.sha256} for doc in documents]


class Dispute(Case):
    """One labour dispute (劳动争议) between worker(s) and the employer, mediated by the committee."""

    reference_prefix = "TJ"

    state = FSMField(_("状态 State"), default=S.APPLIED, choices=S.choices, protected=True)
    #: The worker who applied (the first of ``workers`` in a group dispute). A mediator who
    #: records an oral application (第十二条) is the case's creator, not its applicant.
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("申请人 Applicant")
    )
    respondent = models.CharField(_("被申请人 Respondent"), max_length=200)
    category = models.CharField(_("争议类别 Category"), max_length=20, choices=Category.choices)
    claims = models.JSONField(_("请求事项 Claims"), default=list)
    facts = models.TextField(_("事实与理由 Facts"))
    arose_on = models.DateField(_("争议发生日 Dispute arose on"))
    received_on = models.DateField(_("收到申请日 Application received on"))
    oral = models.BooleanField(_("口头申请 Oral application"), default=False)
    oral_confirmed_at = models.DateTimeField(_("申请人确认笔录 Record confirmed at"), null=True, blank=True)
    group = models.BooleanField(_("集体争议 Group dispute"), default=False)
    limitation_ends_on = models.DateField(_("仲裁时效届满 Limitation ends"), null=True, blank=True)
    limitation_flag = models.BooleanField(_("时效可能已过 Limitation may have expired"), default=False)

    #: The employer's representative who consented to mediation (a party from then on).
    respondent_rep = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("被申请人代表 Respondent's representative"),
    )
    respondent_consented_at = models.DateTimeField(_("同意调解时间 Consented to mediation at"), null=True, blank=True)
    accepted_on = models.DateField(_("受理日期 Accepted on"), null=True, blank=True)
    accepted_on_time = models.BooleanField(_("按期受理 Accepted in time"), null=True, blank=True)
    decline_reason = models.CharField(_("不予受理理由 Declined because"), max_length=24, choices=DeclineReason.choices,
                                      blank=True)
    decline_note = models.TextField(_("说明 Note"), blank=True)
    mediation_ends_on = models.DateField(_("调解期限 Mediation ends"), null=True, blank=True)
    arbitration_open_on = models.DateField(_("可申请仲裁日 Arbitration open from"), null=True, blank=True)

    agreement_terms = models.TextField(_("协议内容 Agreement terms"), blank=True)
    performance_due = models.DateField(_("履行期限 Performance due"), null=True, blank=True)
    agreement_document = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("调解协议书 Agreement"),
    )
    agreed_on = models.DateField(_("协议生效日 Agreed on"), null=True, blank=True)
    performed_on = models.DateField(_("履行日期 Performed on"), null=True, blank=True)
    breach = models.TextField(_("未履行情况 Breach"), blank=True)
    failure_reason = models.TextField(_("调解不成原因 Why mediation failed"), blank=True)
    failed_on = models.DateField(_("调解终结日 Failed on"), null=True, blank=True)
    notice = models.TextField(_("书面告知 Written notice"), blank=True)
    arbitration_body = models.CharField(_("仲裁机构 Arbitration body"), max_length=200, blank=True)
    referred_on = models.DateField(_("转仲裁日期 Referred on"), null=True, blank=True)
    closed_on = models.DateField(_("结案日期 Closed on"), null=True, blank=True)
    #: 仲裁审查 / 司法确认: both parties jointly asked the arbitration commission (or a court) to review the agreement.
    review_route = models.CharField(_("审查途径 Review route"), max_length=20, choices=ReviewRoute.choices, blank=True)
    review_applied_on = models.DateField(_("申请仲裁审查日 Review applied for on"), null=True, blank=True)
    review_body = models.CharField(_("审查机构 Reviewing commission"), max_length=200, blank=True)
    review_outcome = models.CharField(_("审查结果 Review outcome"), max_length=20, choices=ReviewOutcome.choices,
                                      blank=True)
    review_decided_on = models.DateField(_("审查决定日 Review decided on"), null=True, blank=True)
    #: The commission's or the court's papers attached to the review: ``[{"id", "name", "version", "sha256"}]``.
    review_papers = models.JSONField(_("审查文书 Review papers"), default=list, blank=True)
    #: 支付令 (第十六条): the worker applied to a court for a payment order on an agreement not performed.
    payment_order_matter = models.CharField(_("支付令事项 Payment-order matter"), max_length=20,
                                            choices=PaymentOrderMatter.choices, blank=True)
    payment_order_court = models.CharField(_("受理法院 Court"), max_length=200, blank=True)
    payment_order_applied_on = models.DateField(_("申请支付令日 Payment order applied for on"), null=True, blank=True)
    #: The court's papers attached to the payment order (as ``review_papers``).
    payment_order_papers = models.JSONField(_("支付令文书 Payment-order papers"), default=list, blank=True)
    withdraw_reason = models.TextField(_("撤回理由 Withdrawal reason"), blank=True)

    class Meta(Case.Meta):
        verbose_name = _("劳动争议 Labour dispute")
        verbose_name_plural = _("劳动争议 Labour disputes")
        indexes = [*Case.Meta.indexes, models.Index(fields=["organisation", "state"], name="dispute_org_state")]

    # Who takes part ------------------------------------------------------------------
    def active_mediator_ids(self) -> list[int]:
        """The mediators assigned and not recused (they act and read the confidential minutes)."""
        if not self.pk or self.state in NO_MEDIATORS_YET:
            return []
        cached = getattr(self, "_active_mediators", None)
        if cached is None:
            if "mediators" in self._prefetched():  # a page of the case list read them already
                rows = [(m.user_id, m.declared_at) for m in self.mediators.all() if m.recused_at is None]
            else:
                rows = list(self.mediators.filter(recused_at__isnull=True).values_list("user_id", "declared_at"))
            cached = [user_id for user_id, _declared in rows]
            self._active_mediators = cached
            self._undeclared_mediators = {user_id for user_id, declared in rows if declared is None}
        return cached

    def undeclared_mediator_ids(self) -> set[int]:
        """The active mediators who have not yet declared that they have no conflict of interest."""
        if not self.active_mediator_ids():
            return set()
        undeclared = getattr(self, "_undeclared_mediators", None)
        if undeclared is None:
            undeclared = set(
                self.mediators.filter(recused_at__isnull=True, declared_at__isnull=True).values_list("user_id", flat=True)
            )
            self._undeclared_mediators = undeclared
        return undeclared

    def party_ids(self) -> set[int]:
        """The parties: the applicant, the group's representatives, the respondent's representative."""
        ids = {self.applicant_id}
        if self.respondent_rep_id:
            ids.add(self.respondent_rep_id)
        if self.pk and self.group:
            if "workers" in self._prefetched():  # a page of the case list read them already
                ids |= {w.user_id for w in self.workers.all() if w.representative and w.user_id is not None}
            else:
                ids |= set(self.workers.filter(representative=True, user__isnull=False)
                           .values_list("user_id", flat=True))
        return ids

    def _prefetched(self) -> dict:
        """The related rows a page of the case list read for every case at once (``LIST_RELATED``)."""
        return getattr(self, "_prefetched_objects_cache", {})

    def participant_ids(self) -> set[int]:
        """Creator, parties and the mediators assigned (a recused one no longer takes part)."""
        cached = getattr(self, "_participants", None)
        if cached is None:
            cached = {self.created_by_id} | self.party_ids() | set(self.active_mediator_ids())
            self._participants = cached
        return cached

    @classmethod
    def participant_q(cls, user) -> Q:
        return (
            Q(created_by=user) | Q(applicant=user) | Q(respondent_rep=user)
            | Q(pk__in=DisputeMediator.objects.filter(user=user, recused_at__isnull=True).values("dispute_id"))
            | Q(pk__in=DisputeWorker.objects.filter(user=user, representative=True).values("dispute_id"))
        )

    def parties(self) -> set[int]:
        """Whose consent is "both parties" for extending the mediation period: the applicant and
        the respondent's representative (《企业劳动争议协商调解规定》: extended only if both agree)."""
        ids = {self.applicant_id}
        if self.respondent_rep_id:
            ids.add(self.respondent_rep_id)
        return ids

    # The agreement and who is still to sign it ------------------------------------------
    def agreement_signatures(self) -> dict[str, list[int]]:
        """Who signed the current version of the agreement, by capacity (read once per call)."""
        cached = getattr(self, "_agreement_signed", None)
        if cached is None:
            cached = {}
            if self.agreement_document_id:
                from workflow.documents.models import Signature

                rows = Signature.objects.filter(document_id=self.agreement_document_id).values_list("role", "signer_id")
                for role, signer in rows:
                    cached.setdefault(role, []).append(signer)
            self._agreement_signed = cached
        return cached

    def pending_signatory_ids(self) -> list[int]:
        """Who still has the agreement to sign (第十四条): the applicant side (the applicant and a group's
        representatives), the respondent's representative and the case's mediators, each side until one
        of its people has signed the current version."""
        from .states import Party

        if self.state != S.AGREEMENT_DRAFTED:
            return []
        parties = self.party_ids() - {self.respondent_rep_id}
        sides = {
            Party.APPLICANT: sorted(parties),
            Party.RESPONDENT: [self.respondent_rep_id] if self.respondent_rep_id else [],
            Party.MEDIATOR: list(self.active_mediator_ids()),
        }
        signed = self.agreement_signatures()
        return [uid for side, ids in sides.items() if not signed.get(side) for uid in ids]

    def forget_participants(self) -> None:
        """After the mediators changed in a transition, read them again."""
        self.__dict__.pop("_participants", None)
        self.__dict__.pop("_active_mediators", None)
        self.__dict__.pop("_undeclared_mediators", None)

    # What each transition writes on the case's own fields (declared in lifecycle.py) -----
    def accept(self, ctx):
        self.accepted_on = ctx.today

    def decline(self, ctx):
        self.decline_reason = ctx.data["reason"]
        self.decline_note = ctx.data.get("note", "")

    def withdraw(self, ctx):
        self.withdraw_reason = ctx.data.get("reason", "")

    def draft_agreement(self, ctx):
        self.agreement_terms = ctx.data["terms"]
        self.performance_due = ctx.data["performance_due"]

    def sign_agreement(self, ctx):
        """Agreed once both parties and a mediator have signed this version (第十四条)."""
        if ctx.result:
            self.agreed_on = ctx.today
            return S.AGREED
        return S.AGREEMENT_DRAFTED

    def record_performance(self, ctx):
        self.performed_on = ctx.today

    def close(self, ctx):
        self.closed_on = ctx.today

    def report_breach(self, ctx):
        self.breach = ctx.data["details"]

    def fail(self, ctx):
        self.failure_reason = ctx.data["reason"]

    def record_review(self, ctx):
        data = ctx.data
        self.review_applied_on = data["applied_on"]
        self.review_body = data["body"]
        self.review_outcome = data["outcome"]
        self.review_decided_on = data.get("decided_on")
        self.review_route = data["route"]
        self.review_papers = paper_refs(data.get("papers", []))

    def apply_payment_order(self, ctx):
        self.payment_order_matter = ctx.data["matter"]
        self.payment_order_court = ctx.data["court"]
        self.payment_order_applied_on = ctx.data["applied_on"]
        self.payment_order_papers = paper_refs(ctx.data.get("papers", []))

    def refer_to_arbitration(self, ctx):
        self.arbitration_body = ctx.data["body"]
        self.referred_on = ctx.today


class DisputeWorker(models.Model):
    """A worker of the dispute, in order (the applicant first); some are the group's representatives."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="workers")
    position = models.PositiveSmallIntegerField(_("序号 No."))
    name = models.CharField(_("姓名 Name"), max_length=100)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    representative = models.BooleanField(_("代表 Representative"), default=False)

    class Meta:
        ordering = ["dispute", "position"]
        unique_together = [("dispute", "position")]
        verbose_name = _("劳动者 Worker")
        verbose_name_plural = _("劳动者 Workers")

    def __str__(self) -> str:
        return self.name


class DisputeMediator(models.Model):
    """A mediator assigned by the committee chair; a recusal granted ends their part in the case."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="mediators")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(_("指派时间 Assigned at"))
    declared_at = models.DateTimeField(_("无利害关系声明 Declared no conflict at"), null=True, blank=True)
    recused_at = models.DateTimeField(_("回避时间 Recused at"), null=True, blank=True)

    class Meta:
        ordering = ["dispute", "assigned_at", "pk"]
        unique_together = [("dispute", "user")]
        verbose_name = _("调解员 Mediator")
        verbose_name_plural = _("调解员 Mediators")

    def __str__(self) -> str:
        return f"{self.dispute} · {self.user}"


class DisputeRecusal(models.Model):
    """A party's request that a mediator withdraw (回避), and the chair's decision."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="recusals")
    mediator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    grounds = models.TextField(_("回避理由 Grounds"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("申请时间 Requested at"))
    granted = models.BooleanField(_("准予回避 Granted"), null=True, blank=True)
    decision_reason = models.TextField(_("决定理由 Decision reason"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(_("决定时间 Decided at"), null=True, blank=True)

    class Meta:
        ordering = ["dispute", "requested_at", "pk"]
        verbose_name = _("回避申请 Recusal request")
        verbose_name_plural = _("回避申请 Recusal requests")

    def __str__(self) -> str:
        return f"{self.dispute} · {self.mediator}"


class DisputeSession(models.Model):
    """A mediation session (调解笔录). Not public: its minutes are read only by the parties, the
    case's mediators, the committee chair and auditors (《企业劳动争议协商调解规定》)."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField(_("次数 No."))
    held_at = models.DateTimeField(_("时间 Held at"))
    attendance = models.TextField(_("参加人员 Attendance"))
    minutes = models.TextField(_("笔录 Minutes"))
    evidence = models.JSONField(_("证据材料 Evidence"), default=list, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["dispute", "number"]
        unique_together = [("dispute", "number")]
        verbose_name = _("调解笔录 Session")
        verbose_name_plural = _("调解笔录 Sessions")

    def __str__(self) -> str:
        return f"{self.dispute} #{self.number}"


class GroupDisputeReport(models.Model):
    """The weekly report of open group disputes as generated on a Monday (第七条; weekly reporting duty).

    One per organisation and week: generating it again that week replaces its rows.
    """

    organisation = models.ForeignKey("workflow.Organisation", on_delete=models.PROTECT, related_name="+")
    week_of = models.DateField(_("周一 Week of"))
    generated_at = models.DateTimeField(_("生成时间 Generated at"))
    count = models.PositiveIntegerField(_("未结集体争议 Open group disputes"), default=0)
    rows = models.JSONField(_("明细 Rows"), default=list)

    class Meta:
        ordering = ["-week_of", "organisation"]
        constraints = [models.UniqueConstraint(fields=["organisation", "week_of"], name="group_report_once_a_week")]
        verbose_name = _("集体争议周报 Weekly group-dispute report")
        verbose_name_plural = _("集体争议周报 Weekly group-dispute reports")

    def __str__(self) -> str:
        return f"{self.organisation} {self.week_of}"
