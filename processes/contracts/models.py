"""Collective contracts (集体合同) and special contracts (专项集体合同) from offer to renewal.

The FSM ``state`` is the one truth; it changes only through
:func:`workflow.services.perform_transition`, which runs the transitions declared in
``lifecycle.py``: their effects write the rows around the case (teams, rounds,
signatures), the methods below the case's own fields, in the same transaction.
Drafts, offers, replies and receipts are engine documents (versioned, hashed).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from workflow.models import Case

from .states import TERMINAL_STATES, ContractState, Kind, Side

S = ContractState


def _doc(verbose):
    return models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=verbose
    )


def _user(verbose):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=verbose,
    )


class Contract(Case):
    """One collective or special contract of an organisation, from its offer (要约) to its renewal."""

    reference_prefix = "JT"

    state = FSMField(_("状态 State"), default=S.PREPARING, choices=S.choices, protected=True)
    kind = models.CharField(_("合同类别 Kind"), max_length=20, choices=Kind.choices)
    renewed_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="renewals",
        verbose_name=_("续订自 Renewal of"),
    )

    # 第十九条、第二十条: the two chiefs (首席代表); the union's is the chair unless delegated in writing.
    union_chief = _user(_("职工方首席代表 Union chief"))
    employer_chief = _user(_("企业方首席代表 Employer chief"))
    delegation = _doc(_("书面委托书 Written delegation"))
    #: 第三十三条第（五）项: a neutral record keeper (记录员) who is no representative of either side.
    record_keeper = models.CharField(_("记录员 Record keeper"), max_length=100, blank=True)
    #: The negotiators with an account (both sides), kept with the case so that checking who
    #: takes part reads no other table; the rows are :class:`ContractRepresentative`.
    team_user_ids = models.JSONField(default=list, blank=True, editable=False)

    # 第三十二条: the offer (要约) and the written reply.
    topics = models.TextField(_("协商议题 Topics"), blank=True)
    proposed_on = models.DateField(_("建议协商时间 Proposed date"), null=True, blank=True)
    delivered_on = models.DateField(_("要约送达日 Offer received on"), null=True, blank=True)
    offer_document = _doc(_("要约书 Offer"))
    reply_due_on = models.DateField(_("答复期限 Reply due"), null=True, blank=True)
    reply_received_on = models.DateField(_("收到答复日 Reply received on"), null=True, blank=True)
    reply_document = _doc(_("答复书 Reply"))
    reply_late = models.BooleanField(_("逾期答复 Replied late"), default=False)
    escalated_to = models.CharField(_("已报请 Escalated to"), max_length=20, blank=True)

    resume_on = models.DateField(_("恢复协商日期 Resume on"), null=True, blank=True)
    #: 第三十五条: a suspension and its end are agreed by both sides; the first chief's side waits here.
    suspension_proposed_by = models.CharField(max_length=10, blank=True, editable=False)
    resume_proposed_by = models.CharField(max_length=10, blank=True, editable=False)
    #: 第四十九–五十条: the coordination agreement (协调处理协议书) binds once both chiefs consent to it.
    coordination_result = models.TextField(_("协调处理结果 Coordination result"), blank=True)
    coordination_end_proposed_by = models.CharField(max_length=10, blank=True, editable=False)

    # The draft: both chiefs confirm one exact version (its hash).
    draft = _doc(_("合同草案 Draft"))
    union_agreed_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    employer_agreed_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    term_years = models.PositiveSmallIntegerField(_("合同期限（年） Term (years)"), null=True, blank=True)

    # 第三十六条: the congress vote on that exact version.
    vote_id = models.BigIntegerField(_("表决 Vote"), null=True, blank=True)
    passed_document = _doc(_("通过的文本 Version passed"))
    passed_sha256 = models.CharField(_("通过文本哈希 SHA-256 passed"), max_length=64, blank=True)

    # 第三十七条: both chiefs sign the version passed.
    union_signed_at = models.DateTimeField(_("职工方签字 Union chief signed"), null=True, blank=True)
    employer_signed_at = models.DateTimeField(_("企业方签字 Employer chief signed"), null=True, blank=True)
    signed_on = models.DateField(_("签字日期 Signed on"), null=True, blank=True)

    # 第四十二条–第四十七条: filing and review.
    filing_due_on = models.DateField(_("报送期限 Filing due"), null=True, blank=True)
    filed_on = models.DateField(_("报送日期 Filed on"), null=True, blank=True)
    filed_late = models.BooleanField(_("逾期报送 Filed late"), default=False)
    receipt = _doc(_("受理回执 Filing receipt"))
    review_due_on = models.DateField(_("审查期限 Review due"), null=True, blank=True)
    objection_items = models.JSONField(_("审查意见 Objection items"), default=list, blank=True)

    # 第三十八条、第四十八条: the term and the publication.
    effective_on = models.DateField(_("生效日期 Effective on"), null=True, blank=True)
    expires_on = models.DateField(_("期满日期 Expires on"), null=True, blank=True)
    renewal_opens_on = models.DateField(_("续订期开始 Renewal window opens"), null=True, blank=True)
    published_on = models.DateField(_("公布日期 Published on"), null=True, blank=True)
    #: The text in force: the version passed when it was published (a variation replaces it only when published).
    published_document = _doc(_("现行文本 Text in force"))
    publish_channel = models.CharField(_("公布方式 Channel"), max_length=20, blank=True)
    end_grounds = models.CharField(_("变更或解除事由 Grounds"), max_length=20, blank=True)
    ended_on = models.DateField(_("解除日期 Ended on"), null=True, blank=True)

    @classmethod
    def in_force_q(cls) -> Q:
        """In force (第四十八条): published and not ended; a contract being varied stays in force meanwhile
        (第四十条), with the text it was published with."""
        return Q(published_on__isnull=False) & ~Q(state__in=TERMINAL_STATES)

    class Meta(Case.Meta):
        verbose_name = _("集体合同 Collective contract")
        verbose_name_plural = _("集体合同 Collective contracts")
        indexes = [*Case.Meta.indexes, models.Index(fields=["organisation", "state"], name="contract_org_state")]

    # Who takes part ------------------------------------------------------------
    def participant_ids(self) -> set[int]:
        """The creator, both chiefs and every named negotiator see the case."""
        return ({self.created_by_id, self.union_chief_id, self.employer_chief_id} | set(self.team_user_ids)) - {None}

    @classmethod
    def participant_q(cls, user) -> Q:
        return (
            Q(created_by=user) | Q(union_chief=user) | Q(employer_chief=user)
            | Q(pk__in=ContractRepresentative.objects.filter(user=user).values("contract_id"))
        )

    def parties(self) -> set[int]:
        """Both chiefs: their consent is "both parties" for a deadline extended by agreement."""
        return {self.union_chief_id, self.employer_chief_id} - {None}

    def team(self, side: str) -> list:
        return [r for r in self.representatives.all() if r.side == side]

    def representative_names(self) -> set[str]:
        """Every negotiator's name and username, both sides (nobody named here may keep the record)."""
        return {n for r in self.representatives.select_related("user") for n in (r.name, r.user and r.user.username) if n}

    def union_team_user_ids(self) -> list[int]:
        return [r.user_id for r in self.representatives.all() if r.side == Side.UNION and r.user_id]

    def chief_ids(self) -> list[int]:
        return [i for i in (self.union_chief_id, self.employer_chief_id) if i]

    def side_of(self, user) -> str:
        """The side a chief speaks for: ``"union"`` or ``"employer"``."""
        return "union" if user.pk == self.union_chief_id else "employer"

    def _other_chief_of(self, side: str) -> list[int]:
        """The chief of the side that is not ``side`` (none while ``side`` is empty: nobody waits)."""
        other = {"union": self.employer_chief_id, "employer": self.union_chief_id}.get(side)
        return [other] if other else []

    def coordination_confirmer_ids(self) -> list[int]:
        """第五十条: the chief asked to confirm the coordination result the other chief recorded."""
        if self.state != S.COORDINATION:
            return []
        return self._other_chief_of(self.coordination_end_proposed_by)

    def variation_confirmer_ids(self) -> list[int]:
        """第四十条: the chief asked to confirm the varied text the other chief proposed. A proposal has set one
        chief's confirmation and cleared the other's (see ``_confirm_version``)."""
        if self.state not in (S.IN_FORCE, S.RENEWAL_WINDOW):
            return []
        union, employer = bool(self.union_agreed_sha256), bool(self.employer_agreed_sha256)
        if union == employer:
            return []
        return self._other_chief_of("union" if union else "employer")

    def other_side_consented(self, field: str, user) -> bool:
        """Has the other chief already consented to the step whose first consent waits in ``field``?"""
        return getattr(self, field) not in ("", self.side_of(user))

    # What each transition writes on the case's own fields (declared in lifecycle.py) ------
    def send_offer(self, ctx):
        self.topics = ctx.data["topics"]
        self.proposed_on = ctx.data.get("proposed_on")
        self.delivered_on = ctx.data["delivered_on"]
        self.offer_document = ctx.data.get("document")

    def record_reply(self, ctx):
        self.reply_received_on = ctx.data["received_on"]
        self.reply_document = ctx.data.get("document")
        self.reply_late = bool(self.reply_due_on and self.reply_received_on > self.reply_due_on)

    def escalate(self, ctx):
        self.escalated_to = ctx.data["to"]

    def suspend(self, ctx):
        """第三十五条: suspended once both chiefs name the same resume date; the first proposal waits."""
        agreed = self.other_side_consented("suspension_proposed_by", ctx.user) and self.resume_on == ctx.data["resume_on"]
        self.resume_on = ctx.data["resume_on"]
        self.suspension_proposed_by = "" if agreed else self.side_of(ctx.user)
        self.resume_proposed_by = ""
        return S.SUSPENDED if agreed else S.NEGOTIATING

    def resume(self, ctx):
        """第三十五条: talks resume once both chiefs consent (``ctx.result``); the first consent waits."""
        self.resume_proposed_by = "" if ctx.result else self.side_of(ctx.user)
        if ctx.result:
            self.resume_on = None
            return S.NEGOTIATING
        return S.SUSPENDED

    def request_coordination(self, ctx):
        self.coordination_result, self.coordination_end_proposed_by = "", ""

    def end_coordination(self, ctx):
        """第五十条: the coordination ends once both chiefs consent to one result (``ctx.result``)."""
        if ctx.data.get("result"):
            self.coordination_result = ctx.data["result"]
        self.coordination_end_proposed_by = "" if ctx.result else self.side_of(ctx.user)
        return S.NEGOTIATING if ctx.result else S.COORDINATION

    @property
    def is_variation(self) -> bool:
        """第四十条: a contract that has already taken effect is being varied (its term runs on)."""
        return self.effective_on is not None

    def _confirm_version(self, user, doc) -> bool:
        """A chief confirms one exact version; True once both chiefs have confirmed that same version."""
        if doc.pk != self.draft_id:
            self.draft = doc
            self.union_agreed_sha256 = self.employer_agreed_sha256 = ""
        if user.pk == self.union_chief_id:
            self.union_agreed_sha256 = doc.sha256
        if user.pk == self.employer_chief_id:
            self.employer_agreed_sha256 = doc.sha256
        return self.union_agreed_sha256 == self.employer_agreed_sha256 == doc.sha256

    def agree_draft(self, ctx):
        """Both chiefs confirm one version: the first confirmation waits, the matching second agrees it."""
        both = self._confirm_version(ctx.user, ctx.data["document"])
        if ctx.data.get("term_years"):
            self.term_years = ctx.data["term_years"]
        return S.DRAFT_AGREED if both else S.NEGOTIATING

    def submit_to_congress(self, ctx):
        self.vote_id = ctx.result

    def pass_congress(self, ctx):
        """The version passed is the one to sign; signatures of an earlier text (a variation's) no longer count."""
        self.passed_document = self.draft
        self.passed_sha256 = self.draft.sha256 if self.draft else ""
        self.union_signed_at = self.employer_signed_at = None

    def fail_congress(self, ctx):
        """第三十六条: a draft that fails goes back to negotiation; a variation that fails is not adopted and the
        contract in force runs on unchanged (第四十条)."""
        self.union_agreed_sha256 = self.employer_agreed_sha256 = ""
        if not self.is_variation:
            return S.NEGOTIATING
        # What an objection to the variation cleared (_reset_signing) comes back from the text in force.
        self.draft = self.passed_document = self.published_document
        self.passed_sha256 = self.published_document.sha256 if self.published_document else ""
        window = self.renewal_opens_on is not None and ctx.today >= self.renewal_opens_on
        return S.RENEWAL_WINDOW if window else S.IN_FORCE

    def sign(self, ctx):
        """第三十七条: signed on the day of the second chief's signature."""
        if ctx.user.pk == self.union_chief_id:
            self.union_signed_at = ctx.now
        if ctx.user.pk == self.employer_chief_id:
            self.employer_signed_at = ctx.now
        if self.union_signed_at and self.employer_signed_at:
            self.signed_on = ctx.today
            return S.SIGNED
        return S.PASSED

    def file(self, ctx):
        self.filed_on = ctx.data["filed_on"]
        self.receipt = ctx.data.get("receipt")
        self.filed_late = bool(self.filing_due_on and self.filed_on > self.filing_due_on)

    def raise_objection(self, ctx):
        self.objection_items = list(ctx.data["items"])
        self._reset_signing()

    def _reset_signing(self):
        self.union_agreed_sha256 = self.employer_agreed_sha256 = ""
        self.union_signed_at = self.employer_signed_at = None
        self.passed_document, self.passed_sha256 = None, ""

    def publish(self, ctx):
        self.published_on = ctx.data["published_on"]
        self.publish_channel = ctx.data["channel"]
        self.published_document = self.passed_document

    def vary(self, ctx):
        """第四十条: a variation follows the procedure of conclusion. Both chiefs confirm the varied text (the first
        confirmation waits and the contract stays in force); the congress then votes on it (第三十六条), both chiefs
        sign the version passed (第三十七条) and it is re-filed within 10 days (第四十二条)."""
        self.end_grounds = ctx.data["grounds"]
        if self._confirm_version(ctx.user, ctx.data["document"]):
            return S.DRAFT_AGREED
        return self.state

    def terminate(self, ctx):
        self.end_grounds = ctx.data["grounds"]
        self.ended_on = ctx.today


class ContractRepresentative(models.Model):
    """A negotiator of one side (协商代表); 第十九条–第二十四条 decide who may sit."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="representatives")
    side = models.CharField(_("方 Side"), max_length=10, choices=Side.choices)
    position = models.PositiveSmallIntegerField(_("序号 No."))
    name = models.CharField(_("姓名 Name"), max_length=100)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    expert = models.BooleanField(_("外聘专家 Outside expert"), default=False)
    chief = models.BooleanField(_("首席代表 Chief"), default=False)
    #: A women's special contract needs a woman worker on the union side ([local] rule ``contract.women_rep``).
    woman = models.BooleanField(_("女职工代表 Woman worker representative"), default=False)

    class Meta:
        ordering = ["contract", "side", "position"]
        verbose_name = _("协商代表 Negotiator")
        verbose_name_plural = _("协商代表 Negotiators")

    def __str__(self) -> str:
        return f"{self.contract} · {self.get_side_display()} · {self.name}"


class ContractRound(models.Model):
    """A negotiation round (协商会议) and its minutes (第三十三条、第三十四条)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("轮次 Round"))
    held_on = models.DateField(_("日期 Held on"))
    union_present = models.JSONField(_("职工方出席 Union side present"), default=list)
    employer_present = models.JSONField(_("企业方出席 Employer side present"), default=list)
    positions = models.TextField(_("各方意见 Positions"), blank=True)
    minutes = models.TextField(_("会议记录 Minutes"))
    document = _doc(_("记录文件 Minutes document"))
    #: 第三十三条第（五）项: the minutes name their record keeper.
    record_keeper = models.CharField(_("记录员 Record keeper"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("记录时间 Recorded at"))
    #: Both chiefs sign the minutes: the recording chief when recording, the other with ``sign_minutes``.
    union_signed_at = models.DateTimeField(_("职工方首席签字 Union chief signed"), null=True, blank=True)
    employer_signed_at = models.DateTimeField(_("企业方首席签字 Employer chief signed"), null=True, blank=True)

    class Meta:
        unique_together = [("contract", "number")]
        ordering = ["contract", "number"]
        verbose_name = _("协商会议 Negotiation round")
        verbose_name_plural = _("协商会议 Negotiation rounds")

    def __str__(self) -> str:
        return f"{self.contract} #{self.number}"
