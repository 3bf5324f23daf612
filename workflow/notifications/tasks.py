"""E-mail delivery of notifications, enqueued after commit by ``notify``."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .models import Notification
from .services import email_enabled_user_ids

log = logging.getLogger(__name__)


@shared_task(acks_late=True)
def send_notification_emails(notification_ids: list[int]) -> int:
    """Send each notification once; rows already e-mailed are skipped (the task may run twice).

    Each row is locked while it is sent and stamped ``emailed_at`` in the same transaction, so
    two workers never both send it. A user who turned e-mail off since is skipped silently.
    Returns the number of messages sent.
    """
    sent = 0
    for pk in notification_ids:
        with transaction.atomic():
            row = (
                Notification.objects.select_for_update()
                .select_related("user")
                .filter(pk=pk, emailed_at__isnull=True)
                .first()
            )
            if row is None or not row.user.email or not row.user.is_active:
                continue
            if row.user_id not in email_enabled_user_ids([row.user_id]):
                continue
            body = row.body
            if row.case_ref:
                body = f"{row.case_ref}\n\n{body}".strip()
            send_mail(
                subject=row.title,
                message=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[row.user.email],
            )
            row.emailed_at = timezone.now()
            row.save(update_fields=["emailed_at"])
            sent += 1
    log.info("notification e-mails sent: %s", sent)
    return sent
