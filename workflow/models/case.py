"""The abstract case every process model inherits."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin


class ReferenceCounter(models.Model):
    """Per-organisation, per-process, per-year counter behind references like ``ACME-TA-2026-0007``."""

    organisation = models.ForeignKey("workflow.Organisation", on_delete=models.PROTECT, related_name="+")
    prefix = models.CharField(max_length=8)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        unique_together = [("organisation", "prefix", "year")]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"

    @classmethod
    def next_reference(cls, organisation, prefix: str, year: int) -> str:
        # Inside the caller's transaction (a new case) no savepoint is needed: a failure here
        # fails the whole creation anyway.
        with transaction.atomic(savepoint=False):
            counter, created = cls.objects.select_for_update().get_or_create(
                organisation=organisation, prefix=prefix, year=year, defaults={"last": 1}
            )
            if not created:  # the first case of a year is numbered by the row it creates
                counter.last += 1
                counter.save(update_fields=["last"])
        return f"{organisation.code.upper()}-{prefix}-{year}-{counter.last:04d}"


class Case(ConcurrentTransitionMixin, models.Model):
    """A case of any process.

    Its ``state`` (an ``FSMField(protected=True)`` declared by each process) is the one
    source of truth for where it stands. It changes only through
    :func:`workflow.services.perform_transition`, which also bumps ``version``.
    """

    #: Short code in references, e.g. ``TA`` (提案); set by each process model.
    reference_prefix = "XX"

    organisation = models.ForeignKey(
        "workflow.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("组织 Organisation")
    )
    reference = models.CharField(_("编号 Reference"), max_length=40, unique=True, editable=False)
    version = models.PositiveIntegerField(_("版本 Version"), default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("创建人 Created by")
    )
    created_at = models.DateTimeField(_("创建时间 Created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间 Updated"), auto_now=True)
    #: The viewflow process that tracks who must act next.
    process = models.OneToOneField(
        "viewflow.Process", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        abstract = True
        ordering = ["-created_at"]
        # Lists show the newest cases first, a page at a time: read the page from the index.
        indexes = [models.Index(fields=["-created_at", "-id"], name="%(class)s_newest")]

    def __str__(self) -> str:
        return self.reference or f"{type(self).__name__} (new)"

    @property
    def state_label(self) -> str:
        field = self._meta.get_field("state")
        return str(dict(field.flatchoices).get(self.state, self.state))

    def assign_reference(self) -> None:
        year = timezone.localdate().year
        self.reference = ReferenceCounter.next_reference(self.organisation, self.reference_prefix, year)

    # Hooks a process may override -------------------------------------------------
    def participant_ids(self) -> set[int]:
        """Users who see this case because they take part in it (proposer, co-signers…)."""
        return {self.created_by_id}

    @classmethod
    def participant_q(cls, user) -> models.Q:
        """The list filter matching :meth:`participant_ids`: the cases ``user`` takes part in.

        Default: the cases they created. A process that overrides :meth:`participant_ids`
        overrides this too, so a list shows exactly the cases a detail page would.
        """
        return models.Q(created_by=user)

    def escalation_recipients(self, rule) -> list:
        """The people this case names for an overdue deadline of ``rule`` (督办), or ``[]``.

        Default ``[]``: the engine escalates to the rule's ``escalate_to`` role as usual.
        """
        return []

    def parties(self) -> set[int]:
        """Users whose consent counts as "both parties" for a deadline that may be extended
        only by agreement (``DeadlineRule.extension == "consent_both"``), e.g. the two sides
        negotiating a collective contract. Default: the creator alone; a process with two
        sides overrides this to return both sides' representatives."""
        return {self.created_by_id}

    def restricted_data(self) -> dict:
        """Restricted personal data of this case, by field name (shown only through
        :func:`workflow.personal_data.reveal_restricted`, which audits every read).

        Default: the creator's ID number and phone from their member profile. A process
        holding more (an aid applicant's income) overrides this and extends the dict.
        """
        from .organisations import MemberProfile

        profile = MemberProfile.objects.filter(user_id=self.created_by_id).only("id_number", "phone").first()
        return {
            "id_number": profile.id_number if profile else "",
            "phone": profile.phone if profile else "",
        }


def case_content_type(case_or_model) -> ContentType:
    """The content type that rows about a case (deadlines, documents, votes, audit events) point to:
    that of its concrete model, for a case or for a case model."""
    return ContentType.objects.get_for_model(case_or_model, for_concrete_model=True)
