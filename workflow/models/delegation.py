"""Delegation: a role holder lets another holder of the same role act for them for a period."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DelegationQuerySet(models.QuerySet):
    def active(self, at=None):
        at = at or timezone.now()
        return self.filter(starts_at__lte=at, ends_at__gte=at, revoked_at__isnull=True)


class Delegation(models.Model):
    delegator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="delegations_given")
    delegate = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="delegations_received")
    organisation = models.ForeignKey("workflow.Organisation", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("角色 Role"), max_length=30)
    starts_at = models.DateTimeField(_("开始 Starts"))
    ends_at = models.DateTimeField(_("结束 Ends"))
    reason = models.CharField(_("事由 Reason"), max_length=200, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DelegationQuerySet.as_manager()

    class Meta:
        verbose_name = _("委托 Delegation")
        verbose_name_plural = _("委托 Delegations")
        indexes = [models.Index(fields=["delegate", "role"])]

    def __str__(self) -> str:
        return f"{self.delegator} → {self.delegate} ({self.role})"
