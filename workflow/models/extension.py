"""A party's proposal to extend a deadline that may be extended only by agreement, and
each party's recorded consent (``DeadlineRule.extension == "consent_both"``).

The extension is applied only when every party of the case has consented here, each
by their own action — one party's word for another's is not consent.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .deadline import CaseDeadline


class ExtensionRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("待同意 Pending")
        APPLIED = "applied", _("已延长 Applied")
        DECLINED = "declined", _("已拒绝 Declined")
        WITHDRAWN = "withdrawn", _("已撤回 Withdrawn")
        #: The deadline stopped being open (expired, met, extended) before everyone agreed.
        LAPSED = "lapsed", _("已失效 Lapsed")

    case_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    case_id = models.BigIntegerField()
    case_ref = models.CharField(max_length=40)
    organisation_id = models.BigIntegerField(null=True)
    rule_id = models.CharField(max_length=60)
    deadline = models.ForeignKey(CaseDeadline, on_delete=models.CASCADE, related_name="extension_requests")
    days = models.PositiveIntegerField(_("延长数量 Extension"))
    reason = models.TextField(_("理由 Reason"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    created_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["case_type", "case_id", "status"], name="extreq_case_status")]
        constraints = [
            # At most one proposal under discussion per deadline (the service answers 409 first).
            models.UniqueConstraint(
                fields=["deadline"], condition=models.Q(status="pending"), name="extreq_one_pending_per_deadline"
            ),
        ]
        verbose_name = _("延长期限申请 Extension request")
        verbose_name_plural = _("延长期限申请 Extension requests")

    def __str__(self) -> str:
        return f"{self.case_ref} {self.rule_id} +{self.days} ({self.status})"


class ExtensionConsent(models.Model):
    """One party's own consent to one extension request."""

    request = models.ForeignKey(ExtensionRequest, on_delete=models.CASCADE, related_name="consents")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    consented_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "user"], name="extconsent_once_per_party")]
        verbose_name = _("延长期限同意 Extension consent")
        verbose_name_plural = _("延长期限同意 Extension consents")

    def __str__(self) -> str:
        return f"{self.request_id}: {self.user_id}"
