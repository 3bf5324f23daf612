"""Congress terms (届次) and sessions of the workers' congress (职代会/教代会)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
        day = on or timezone.localdate()
        return cls.objects.filter(organisation=organisation, starts_on__lte=day, ends_on__gte=day).first()


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
