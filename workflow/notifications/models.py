"""In-app notifications and each user's delivery preference."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    NEW_TASK = "new_task", _("新待办 New task")
    DEADLINE_APPROACHING = "deadline_approaching", _("期限临近 Deadline approaching")
    OVERDUE_ESCALATION = "overdue_escalation", _("逾期督办 Overdue escalation")
    DECISION = "decision", _("案件决定 Decision on your case")
    DEADLINE_EXPIRED = "deadline_expired", _("期限届满 Deadline expired")
    CALENDAR_MISSING = "calendar_missing", _("节假日安排缺失 Holiday calendar missing")
    AUDIT_EXPORT = "audit_export", _("审计导出 Audit export")


#: Kinds that ask the reader to act; they are marked done once the step is taken or the case closes.
REQUEST_KINDS = (
    NotificationKind.NEW_TASK, NotificationKind.DEADLINE_APPROACHING, NotificationKind.OVERDUE_ESCALATION,
)


class Notification(models.Model):
    """One message to one user.

    Holds only the case reference and labels (process, action, state) — never a member's
    personal data (身份证号, 电话…), because notifications are also e-mailed.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("类型 Kind"), max_length=30, choices=NotificationKind.choices)
    title = models.CharField(_("标题 Title"), max_length=200)
    body = models.TextField(_("内容 Body"), blank=True)
    case_ref = models.CharField(_("编号 Reference"), max_length=40, blank=True)
    process_key = models.CharField(max_length=20, blank=True)
    case_id = models.BigIntegerField(null=True, blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间 Created"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读 Read at"), null=True, blank=True)
    #: A request to act (a new task, a reminder) whose step was taken or whose case closed: kept
    #: as a record, shown as done, no longer counted as unread (see ``services.requests_done``).
    done_at = models.DateTimeField(_("已办结 Done at"), null=True, blank=True)
    # E-mail delivery (see ``delivery``): wanted when the user allowed e-mail at creation; a worker
    # claims the row before sending so that it goes out once; attempts are bounded and recorded.
    email_wanted = models.BooleanField(_("需发邮件 E-mail wanted"), default=False)
    emailed_at = models.DateTimeField(_("邮件已发 E-mailed at"), null=True, blank=True)
    email_claimed_at = models.DateTimeField(_("发送中 Being sent since"), null=True, blank=True)
    email_tried_at = models.DateTimeField(_("上次尝试 Last attempt"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("尝试次数 Attempts"), default=0)
    email_error = models.CharField(_("邮件错误 Last e-mail error"), max_length=300, blank=True)
    email_failed_at = models.DateTimeField(_("放弃发送 Gave up at"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知 Notification")
        verbose_name_plural = _("通知 Notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at", "created_at"], name="notification_user_unread"),
            # Marking a case's requests done on every transition reads only its open rows.
            models.Index(
                fields=["case_id", "process_key"], name="notification_case_open", condition=models.Q(done_at__isnull=True)
            ),
            # The resend sweep reads only the few rows whose e-mail is still owed.
            models.Index(
                fields=["created_at"],
                name="notification_email_owed",
                condition=models.Q(email_wanted=True, emailed_at__isnull=True, email_failed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.title}"


class NotificationPreference(models.Model):
    """Per-user delivery choice; a user without a row gets e-mail (the default)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_enabled = models.BooleanField(_("邮件通知 E-mail notifications"), default=True)

    class Meta:
        verbose_name = _("通知偏好 Notification preference")
        verbose_name_plural = _("通知偏好 Notification preferences")

    def __str__(self) -> str:
        return f"{self.user}: email={self.email_enabled}"
