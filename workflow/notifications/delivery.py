"""E-mail delivery of notifications: each e-mail goes out once, failures are retried, none is forgotten.

The rules:

- A notification is ``email_wanted`` when its user allowed e-mail as it was created.
- Sending first **claims** the row with one conditional UPDATE (still owed, and unclaimed or
  its claim older than ``CLAIM_TIMEOUT``). Only the caller whose UPDATE changed the row sends:
  two workers, a redelivered message and the resend sweep may all hold the same id, one sends.
- The e-mail is sent outside any transaction (a slow mail server never holds a database lock),
  then the row is stamped ``emailed_at``.
- A failure releases the claim and records the attempt and its error; the task retries with
  backoff. After ``MAX_ATTEMPTS`` attempts the row is stamped ``email_failed_at`` and never
  tried again: a permanently refused address does not loop.
- A worker that dies between claim and stamp leaves a claim that is taken over after
  ``CLAIM_TIMEOUT``. The e-mail may then go twice (sent, not yet stamped): the one window no
  claim can close, because the mail server and the database share no transaction.
- :func:`resend_unsent` (a beat task) enqueues again what is still owed ``RESEND_AFTER`` after
  its creation and its last attempt: a message the broker lost, a retry chain that ran out.
"""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.db.models import F, Q
from django.utils import timezone

from .models import Notification
from .preferences import email_enabled_user_ids

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
#: A claim older than this belongs to a worker that died while sending; another may take it.
CLAIM_TIMEOUT = dt.timedelta(minutes=10)
#: The sweep resends what is still owed this long after creation and after the last attempt.
RESEND_AFTER = dt.timedelta(minutes=5)
#: At most this many rows per sweep, in messages of ``RESEND_BATCH`` ids (oldest first).
RESEND_LIMIT = 1000
RESEND_BATCH = 100
#: Seconds a mail server may take to answer, unless ``EMAIL_TIMEOUT`` says otherwise; well
#: under ``CLAIM_TIMEOUT``, so a hung connection never outlives its claim.
SEND_TIMEOUT_SECONDS = 60

SENT, SKIPPED, RETRY, GAVE_UP = "sent", "skipped", "retry", "gave_up"


def _owed() -> Q:
    return Q(email_wanted=True, emailed_at__isnull=True, email_failed_at__isnull=True)


def _claimable(now: dt.datetime) -> Q:
    return _owed() & (Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=now - CLAIM_TIMEOUT))


def email_claim(notification_id: int) -> dt.datetime | None:
    """Claim the row for sending and count the attempt; the claim's time, or None when another
    holds it or nothing is owed."""
    now = timezone.now()
    won = Notification.objects.filter(_claimable(now), pk=notification_id).update(
        email_claimed_at=now, email_tried_at=now, email_attempts=F("email_attempts") + 1
    )
    return now if won else None


def _still_wanted(row: Notification) -> bool:
    user = row.user
    return bool(user.is_active and user.email) and user.pk in email_enabled_user_ids([user.pk])


def _send(row: Notification) -> None:
    body = row.body
    if row.case_ref:
        body = f"{row.case_ref}\n\n{body}".strip()
    timeout = getattr(settings, "EMAIL_TIMEOUT", None) or SEND_TIMEOUT_SECONDS
    send_mail(
        subject=row.title,
        message=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[row.user.email],
        connection=get_connection(timeout=timeout),
    )


def email_send(notification_id: int) -> str:
    """Send one notification's e-mail at most once; returns SENT, SKIPPED, RETRY or GAVE_UP.

    A user who turned e-mail off, lost their address or was deactivated since is skipped and
    the row is no longer owed.
    """
    claimed = email_claim(notification_id)
    if claimed is None:
        return SKIPPED
    row = Notification.objects.select_related("user").get(pk=notification_id)
    mine = Notification.objects.filter(pk=notification_id, email_claimed_at=claimed)
    if not _still_wanted(row):
        mine.update(email_wanted=False, email_claimed_at=None)
        return SKIPPED
    try:
        _send(row)
    except Exception as exc:  # any failure of the mail server or the network: recorded, retried
        error = f"{type(exc).__name__}: {exc}"[:300]
        if row.email_attempts >= MAX_ATTEMPTS:
            mine.update(email_claimed_at=None, email_error=error, email_failed_at=timezone.now())
            log.warning("notification %s: e-mail given up after %s attempts: %s", row.pk, row.email_attempts, error)
            return GAVE_UP
        mine.update(email_claimed_at=None, email_error=error)
        log.info("notification %s: e-mail attempt %s failed: %s", row.pk, row.email_attempts, error)
        return RETRY
    Notification.objects.filter(pk=notification_id).update(
        emailed_at=timezone.now(), email_claimed_at=None, email_error=""
    )
    return SENT


def resend_unsent(now: dt.datetime | None = None) -> list[int]:
    """Enqueue again every e-mail still owed ``RESEND_AFTER`` after its creation and its last
    attempt, or whose claim was abandoned; returns the ids enqueued (sending claims, so an id
    that is also in a pending message still goes out once)."""
    now = now or timezone.now()
    cutoff = now - RESEND_AFTER
    ids = list(
        Notification.objects.filter(_claimable(now), created_at__lt=cutoff)
        .filter(Q(email_tried_at__isnull=True) | Q(email_tried_at__lt=cutoff))
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:RESEND_LIMIT]
    )
    for start in range(0, len(ids), RESEND_BATCH):
        send_notification_emails.delay(ids[start : start + RESEND_BATCH])
    if ids:
        log.info("notification e-mails enqueued again: %s", len(ids))
    return ids


class EmailNotSent(Exception):
    """Some e-mails of the message failed and may be tried again; the task retries."""


@shared_task(
    # The name it had when it was defined in tasks.py, so messages already queued still find it.
    name="workflow.notifications.tasks.send_notification_emails",
    acks_late=True,
    ignore_result=True,
    autoretry_for=(EmailNotSent,),
    # 30 s, 1, 2, 4, 8 min (each a random share of that, so a recovering server is not stormed).
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=MAX_ATTEMPTS - 1,
)
def send_notification_emails(notification_ids: list[int]) -> int:
    """Send each notification's e-mail once (the rules at the top of this module); returns the number sent.

    Safe to run twice or to redeliver: each row is claimed before it is sent. When some fail,
    the task retries with exponential backoff; the rows already sent are skipped then.
    """
    outcomes = [email_send(pk) for pk in notification_ids]
    sent = outcomes.count(SENT)
    log.info("notification e-mails sent: %s", sent)
    if RETRY in outcomes:
        raise EmailNotSent(f"{outcomes.count(RETRY)} of {len(outcomes)} e-mails failed; retrying")
    return sent
