"""The append-only, hash-chained audit event.

Rows are written by :func:`workflow.audit.record_event` only; the database refuses
UPDATE and DELETE on this table (triggers created by a migration).
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    case_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    case_id = models.BigIntegerField()
    case_ref = models.CharField(_("编号 Reference"), max_length=40, db_index=True)
    organisation_id = models.BigIntegerField(null=True)
    seq = models.PositiveIntegerField()
    action = models.CharField(_("动作 Action"), max_length=60)
    from_state = models.CharField(max_length=40, blank=True)
    to_state = models.CharField(max_length=40, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    actor_role = models.CharField(max_length=30, blank=True)
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    on_behalf_of_name = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField()
    channel = models.CharField(max_length=10, blank=True)  # ui | api | task | command
    ip = models.CharField(max_length=45, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    #: A random salt per event (hex). When set, the hash covers a salted commitment to ``ip`` and
    #: ``user_agent`` instead of the values, so a case's participants can be given a dossier with
    #: the addresses left out that still verifies (:mod:`workflow.audit.hashing`). Empty on events
    #: written before: their hash covers the values themselves.
    salt = models.CharField(max_length=32, blank=True, default="", db_default="")
    payload = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["case_type_id", "case_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["case_type", "case_id", "seq"], name="audit_one_seq_per_case"),
        ]
        indexes = [
            models.Index(fields=["case_type", "case_id", "seq"], name="audit_case_seq"),
            # The audit search (workflow.audit.search): newest first, cut by (created_at, id).
            models.Index(fields=["created_at", "id"], name="audit_time"),
            models.Index(fields=["organisation_id", "created_at", "id"], name="audit_org_time"),
            models.Index(fields=["case_type", "created_at", "id"], name="audit_process_time"),
            models.Index(fields=["action", "created_at", "id"], name="audit_action_time"),
        ]
        verbose_name = _("审计事件 Audit event")
        verbose_name_plural = _("审计事件 Audit events")

    def __str__(self) -> str:
        return f"{self.case_ref}#{self.seq} {self.action}"
