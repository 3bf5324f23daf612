"""Audit anchors: a dated, hash-chained summary of the whole audit log up to one event.

A per-case chain proves that nothing inside it was changed, but not that its last events
(or the whole chain) are still there: cutting the tail leaves a shorter chain that verifies.
An anchor closes that gap. It records how many events with ``id ≤ last_event_id`` there
were, in how many cases, and a digest over their hashes in id order; any later deletion,
change or insertion at or below ``last_event_id`` no longer matches. Anchors are chained
(``prev_digest`` is the previous anchor's ``anchor_hash``) and the auditor keeps the latest
``anchor_hash`` outside the system, so rewriting the anchors themselves shows too.

Rows are written by :func:`workflow.audit.anchor.create_anchor` only; the database refuses
UPDATE and DELETE on this table, as it does on audit events (triggers created by a migration).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAnchor(models.Model):
    created_at = models.DateTimeField(_("创建时间 Created at"))
    last_event_id = models.PositiveBigIntegerField(_("覆盖至事件 Covers events up to id"))
    events = models.PositiveBigIntegerField(_("事件数 Events"))
    chains = models.PositiveBigIntegerField(_("案件链数 Chains"))
    digest = models.CharField(_("摘要 Digest"), max_length=64)
    # Unique: two anchors can never follow the same predecessor, so the anchors form one chain.
    prev_digest = models.CharField(_("上一锚点 Previous anchor"), max_length=64, blank=True, unique=True)
    anchor_hash = models.CharField(_("锚点哈希 Anchor hash"), max_length=64, unique=True)
    #: RFC 6962 Merkle root over the head hash of every case chain (one leaf per chain, by case):
    #: proves one case's inclusion offline (``workflow.audit.checkpoint``). Null on older anchors.
    merkle_root = models.CharField(_("默克尔根 Merkle root"), max_length=64, null=True, blank=True)  # noqa: DJ001

    class Meta:
        ordering = ["id"]
        verbose_name = _("审计锚点 Audit anchor")
        verbose_name_plural = _("审计锚点 Audit anchors")

    def __str__(self) -> str:
        return f"anchor #{self.pk} ≤{self.last_event_id} {self.anchor_hash[:12]}"
