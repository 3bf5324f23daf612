"""Celery tasks of the engine. Each calls one service and is safe to run twice."""

from __future__ import annotations

from celery import shared_task

from .audit import anchor as audit_anchor
from .audit import export as audit_export

# Defined beside the export service (which enqueues it), registered here under its old name.
from .audit.export import build_audit_export  # noqa: F401
from .deadlines import timers
from .notifications import delivery


@shared_task(name="workflow.tasks.sweep_timers", acks_late=True, ignore_result=True)
def sweep_timers() -> dict:
    """The beat task (every minute): fire due reminders, expiries and escalations once.

    ``acks_late``: a worker killed mid-sweep leaves the message to be redelivered; the
    sweep's row locks and flags make the rerun act only on what was not yet committed.
    """
    return timers.sweep()


@shared_task(name="workflow.tasks.anchor_audit_log", acks_late=True, ignore_result=True)
def anchor_audit_log() -> str:
    """The daily beat task: anchor the audit log, so that removing its last events shows.

    Safe to run twice or to redeliver: with nothing new since the last anchor,
    ``create_anchor`` returns that anchor and writes nothing. Returns the anchor hash.
    """
    return audit_anchor.create_anchor().anchor_hash


@shared_task(name="workflow.tasks.requeue_audit_exports", acks_late=True, ignore_result=True)
def requeue_audit_exports() -> list[int]:
    """Beat task: send again the audit exports no worker took (see ``audit_export.requeue_stuck``)."""
    return audit_export.requeue_stuck()


@shared_task(name="workflow.tasks.resend_notification_emails", acks_late=True, ignore_result=True)
def resend_notification_emails() -> int:
    """Beat task (every few minutes): enqueue again the notification e-mails still unsent
    (see ``notifications.delivery.resend_unsent``). Returns how many were enqueued."""
    return len(delivery.resend_unsent())
