"""Congress terms (届次) and sessions of the workers' congress (职代会/教代会)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..roles import Role
from .organisations import RoleAssignment


class CongressTerm(models.Model):
    """A term of an organisation's congress; representatives are elected for a term."""

    organisation = models.ForeignKey("workflow.Organisation", on_delete=models.PROTECT, related_name="congress_terms")
    number = models.PositiveIntegerField(_("届次 Term"))
    starts_on = models.DateField(_("起 From"))
    ends_on = models.DateField(_("止 To"))

    class Meta:
        unique_together = [("organisation", "number")]
        ordering = ["organisation", "-number"]
        verbose_name = _("届次 Congress term")
        verbose_name_plural = _("届次 Congress terms")

    def __str__(self) -> str:
        return f"{self.organisation} 第{self.number}届"

    @classmethod
    def current_for(cls, organisation, on=None):
        """The organisation's term sitting on ``on`` (today by default), or None between terms."""
        day = on or timezone.localdate()
        return cls.objects.filter(organisation=organisation, starts_on__lte=day, ends_on__gte=day).first()

    @classmethod
    def represented_by(cls, user, organisation, on=None):
        """The current term if ``user`` is a formal representative (职工代表) elected for it, else None."""
        term = cls.current_for(organisation, on=on)
        if term is None or not term._representatives(on).filter(user_id=user.pk).exists():
            return None
        return term

    def representative_ids(self, on=None) -> set[int]:
        """The users holding the representative role for this term on ``on`` (today by default)."""
        return set(self._representatives(on).values_list("user_id", flat=True))

    def _representatives(self, on):
        return RoleAssignment.objects.current(on).filter(
            organisation_id=self.organisation_id, role=Role.REPRESENTATIVE, term=self
        )


class CongressSession(models.Model):
    """One session (次会议) of a term, with its date."""

    term = models.ForeignKey(CongressTerm, on_delete=models.PROTECT, related_name="sessions")
    number = models.PositiveIntegerField(_("会次 Session"))
    opens_on = models.DateField(_("开会日期 Opens on"))

    class Meta:
        unique_together = [("term", "number")]
        ordering = ["term", "number"]
        verbose_name = _("会议 Congress session")
        verbose_name_plural = _("会议 Congress sessions")

    def __str__(self) -> str:
        return f"{self.term} 第{self.number}次会议"

    @classmethod
    def next_for(cls, organisation, after):
        """The organisation's first session opening after the day ``after`` (in any term), or None."""
        return cls.objects.filter(term__organisation=organisation, opens_on__gt=after).order_by("opens_on").first()

    @classmethod
    def held_between(cls, organisation, after, until) -> bool:
        """Whether a session of the organisation opened after the day ``after`` and on or before ``until``."""
        return cls.objects.filter(term__organisation=organisation, opens_on__gt=after, opens_on__lte=until).exists()
