"""An auditor's export of the audit log of one organisation's subtree over a date range.

Rows are created by :func:`workflow.audit.export.request_export` and filled in by
:func:`workflow.audit.export.build_export` (a Celery task); nothing else writes them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..roles import Role


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中 Queued")
    RUNNING = "running", _("生成中 Running")
    DONE = "done", _("已完成 Done")
    FAILED = "failed", _("失败 Failed")


class AuditExport(models.Model):
    """One requested CSV of audit events: who asked, for what, and what the file holds.

    ``date_from`` and ``date_to`` are Asia/Shanghai calendar dates, both inclusive.
    ``sha256`` is the digest of the stored file's bytes; ``chains_checked`` counts the
    cases exported, each verified over its whole chain, ``broken_chains`` those that failed.
    """

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="audit_exports",
        verbose_name=_("申请人 Requested by"),
    )
    requested_at = models.DateTimeField(_("申请时间 Requested at"))
    #: The role the export was requested under, and whom for when it was a delegated role.
    role = models.CharField(_("角色 Role"), max_length=30, choices=Role.choices)
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    request_channel = models.CharField(max_length=10, blank=True)  # ui | api | command
    request_ip = models.CharField(max_length=45, blank=True)
    organisation = models.ForeignKey(
        "workflow.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("组织 Organisation")
    )
    date_from = models.DateField(_("起始日期 From"))
    date_to = models.DateField(_("截止日期 To"))
    status = models.CharField(
        _("状态 Status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    started_at = models.DateTimeField(_("开始时间 Started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间 Finished at"), null=True, blank=True)
    rows = models.PositiveBigIntegerField(_("事件数 Events exported"), default=0)
    chains_checked = models.PositiveIntegerField(_("已校验链数 Chains checked"), default=0)
    broken_chains = models.PositiveIntegerField(_("断链数 Broken chains"), default=0)
    #: The references of the broken chains (the first ones only), so the auditor knows where to look.
    broken_case_refs = models.JSONField(_("断链案件 Broken chains"), default=list, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    file = models.FileField(upload_to="exports/", max_length=300, blank=True)
    error = models.TextField(_("错误 Error"), blank=True)
    downloaded_at = models.DateTimeField(_("最近下载 Last downloaded"), null=True, blank=True)
    download_count = models.PositiveIntegerField(_("下载次数 Downloads"), default=0)
    #: The audit search's filters beyond organisation and dates (``workflow.audit.search.AuditFilters``).
    filters = models.JSONField(_("筛选条件 Filters"), default=dict, blank=True)
    #: The cases to verify and export, known once the run starts: ``chains_checked`` of it is the progress.
    chains_total = models.PositiveIntegerField(_("待校验链数 Chains to check"), default=0)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["requested_by", "status"], name="auditexport_user_status")]
        verbose_name = _("审计导出 Audit export")
        verbose_name_plural = _("审计导出 Audit exports")

    def __str__(self) -> str:
        return f"audit export #{self.pk} {self.date_from}–{self.date_to} ({self.status})"
