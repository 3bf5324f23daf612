"""Documents attached to cases, and signatures on exact document versions.

A document is immutable once uploaded: a new version is a new row whose ``previous``
points at the version it replaces (one successor per version, enforced by the
database), so a chain reads v1 → v2 → v3. A signature records the hash of the exact
version signed.
"""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

IMMUTABLE = "文件上传后不可修改或删除 A document cannot be changed or deleted once uploaded."
SIGNATURE_IMMUTABLE = "签名不可修改或删除 A signature cannot be changed or deleted."


class ImmutableError(Exception):
    """Raised on any attempt to change or delete an uploaded document or a signature."""


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk updates and deletes are refused just like single ones."""

    def update(self, **kwargs):
        raise ImmutableError(IMMUTABLE)

    def delete(self):
        raise ImmutableError(IMMUTABLE)


def _upload_to(instance, filename: str) -> str:
    # A random name: the original name is kept in ``name`` and never reaches the file system.
    ext = os.path.splitext(filename)[1].lower()[:10]
    return f"documents/{instance.case_type_id}/{instance.case_id}/{uuid.uuid4().hex}{ext}"


class Document(models.Model):
    process_key = models.CharField(max_length=20)
    case_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    case_id = models.BigIntegerField()
    case_ref = models.CharField(_("编号 Reference"), max_length=40)
    organisation = models.ForeignKey("workflow.Organisation", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("文件名 Name"), max_length=255)
    content_type = models.CharField(_("类型 Content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小 Size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    file = models.FileField(upload_to=_upload_to, max_length=300)
    version = models.PositiveIntegerField(_("版本 Version"), default=1)
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_version",
        verbose_name=_("上一版本 Previous version"),
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间 Uploaded"))

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["case_type_id", "case_id", "uploaded_at", "pk"]
        indexes = [models.Index(fields=["case_type", "case_id"], name="document_case")]
        verbose_name = _("文件 Document")
        verbose_name_plural = _("文件 Documents")

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ImmutableError(IMMUTABLE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError(IMMUTABLE)

    @property
    def is_text(self) -> bool:
        return self.content_type == "text/plain"


class SignatureMethod(models.TextChoices):
    PASSWORD = "password", _("在线确认（重新输入密码） In-app, password re-entered")
    SCAN = "scan", _("签字盖章扫描件 Scan of a wet signature or seal")


class Signature(models.Model):
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="signatures")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("签署身份 Signed as"), max_length=30)
    #: The exact version signed: equal to ``document.sha256`` when signed.
    document_sha256 = models.CharField(max_length=64)
    signed_at = models.DateTimeField(_("签署时间 Signed"))
    method = models.CharField(_("方式 Method"), max_length=10, choices=SignatureMethod.choices)
    scan_document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("扫描件 Scan")
    )

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["document_id", "signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["document", "signer", "role"], name="signature_once_per_role"),
        ]
        verbose_name = _("签名 Signature")
        verbose_name_plural = _("签名 Signatures")

    def __str__(self) -> str:
        return f"{self.document_id} · {self.signer_id} ({self.role})"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ImmutableError(SIGNATURE_IMMUTABLE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError(SIGNATURE_IMMUTABLE)
