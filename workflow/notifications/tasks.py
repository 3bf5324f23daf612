"""E-mail delivery of notifications, enqueued after commit by ``notify`` and by the resend sweep."""

from __future__ import annotations

import logging

from celery import shared_task

from . import delivery

log = logging.getLogger(__name__)


class EmailNotSent(Exception):
    """Some e-mails of the message failed and may be tried again; the task retries."""


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(EmailNotSent,),
    # 30 s, 1, 2, 4, 8 min (each a random share of that, so a recovering server is not stormed).
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=delivery.MAX_ATTEMPTS - 1,
)
def send_notification_emails(notification_ids: list[int]) -> int:
    """Send each notification's e-mail once (see ``delivery``); returns the number sent.

    Safe to run twice or to redeliver: each row is claimed before it is sent. When some fail,
    the task retries with exponential backoff; the rows already sent are skipped then.
    """
    outcomes = [delivery.email_send(pk) for pk in notification_ids]
    sent = outcomes.count(delivery.SENT)
    log.info("notification e-mails sent: %s", sent)
    if delivery.RETRY in outcomes:
        raise EmailNotSent(f"{outcomes.count(delivery.RETRY)} of {len(outcomes)} e-mails failed; retrying")
    return sent


# Registered with the worker, which imports each app's ``tasks`` module (autodiscovery).
from .announce import announce_work_items  # noqa: E402,F401
