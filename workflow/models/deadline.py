"""A deadline computed for a case from a named rule."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseDeadline(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("进行中 Open")
        MET = "met", _("已完成 Met")
        EXPIRED = "expired", _("已到期 Expired")
        CANCELLED = "cancelled", _("已取消 Cancelled")
        #: Replaced by a later row (``extended_from`` points back here) with a new due date.
        EXTENDED = "extended", _("已延长 Extended")

    case_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    case_id = models.BigIntegerField()
    case_ref = models.CharField(max_length=40)
    organisation_id = models.BigIntegerField(null=True)
    rule_id = models.CharField(max_length=60)
    starts_on = models.DateField(_("起算日 Starts on"))
    due_on = models.DateField(_("截止日 Due on"))
    due_at = models.DateTimeField(_("截止时间 Due at"), db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    #: Reminder offsets (days before) already sent, and whether expiry/escalation fired.
    reminders_sent = models.JSONField(default=list, blank=True)
    escalated = models.BooleanField(default=False)
    fired_at = models.DateTimeField(null=True, blank=True)
    #: Counted on the provisional calendar of a year whose notice is not loaded yet; recomputed
    #: (never earlier) when it is loaded, see ``workflow.calendar.settle``.
    provisional = models.BooleanField(_("暂定 Provisional"), default=False)
    #: The row this one replaced when the deadline was extended (its history stays visible).
    extended_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["case_type", "case_id", "rule_id"], name="deadline_case_rule"),
            models.Index(fields=["status", "due_at"], name="deadline_open_due"),
        ]
        verbose_name = _("期限 Deadline")
        verbose_name_plural = _("期限 Deadlines")

    def __str__(self) -> str:
        return f"{self.case_ref} {self.rule_id} → {self.due_on}"
