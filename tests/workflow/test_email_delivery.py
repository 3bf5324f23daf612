"""Notification e-mails: retried with backoff, resent by the sweep, sent once, given up after bounded attempts."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection, connections
from django.utils import timezone

from workflow.notifications import delivery
from workflow.notifications.models import Notification, NotificationPreference
from workflow.notifications.services import notify
from workflow.notifications.tasks import send_notification_emails
from workflow.tasks import resend_notification_emails


class MailServer:
    """What the test mail backend does next: fail this many sends, and run ``during_send`` inside one."""

    failures_left = 0
    during_send = None


class FlakyBackend(EmailBackend):
    """The locmem backend behind a mail server that refuses the next ``MailServer.failures_left`` sends."""

    def send_messages(self, messages):
        if MailServer.during_send is not None:
            hook, MailServer.during_send = MailServer.during_send, None
            hook()
        if MailServer.failures_left:
            MailServer.failures_left -= 1
            raise ConnectionRefusedError("mail server down")
        return super().send_messages(messages)


@pytest.fixture(autouse=True)
def flaky_mail(settings):
    settings.EMAIL_BACKEND = "tests.workflow.test_email_delivery.FlakyBackend"
    MailServer.failures_left, MailServer.during_send = 0, None
    yield MailServer
    MailServer.failures_left, MailServer.during_send = 0, None


@pytest.fixture
def member(make_user):
    return make_user("m1", email="m1@example.org")


def unsent_notification(user, *, age=dt.timedelta(0)) -> Notification:
    """A notification as ``notify`` writes it, whose e-mail message was lost, created ``age`` ago."""
    row = Notification.objects.create(user=user, kind="new_task", title="新待办 T", email_wanted=True)
    Notification.objects.filter(pk=row.pk).update(created_at=timezone.now() - age)
    row.refresh_from_db()
    return row


@pytest.mark.django_db
def test_notify_owes_an_email_only_to_users_who_allow_it_and_have_an_address(member, make_user):
    off = make_user("off", email="off@example.org")
    NotificationPreference.objects.create(user=off, email_enabled=False)
    notify(users=[member, off, make_user("noaddr")], kind="new_task", title="T")
    owed = Notification.objects.filter(email_wanted=True).values_list("user__username", flat=True)
    assert list(owed) == ["m1"]


@pytest.mark.django_db
def test_failed_send_is_retried_and_finally_sent_once(member, flaky_mail):
    """The mail server refuses twice: the task retries and the third attempt sends one e-mail."""
    row = unsent_notification(member)
    flaky_mail.failures_left = 2
    send_notification_emails.delay([row.pk])
    assert [m.to for m in mail.outbox] == [["m1@example.org"]]
    row.refresh_from_db()
    assert row.emailed_at is not None
    assert row.email_attempts == 3
    assert row.email_error == "" and row.email_claimed_at is None


@pytest.mark.django_db
def test_a_failure_records_the_error_and_leaves_the_email_owed(member, flaky_mail):
    row = unsent_notification(member)
    flaky_mail.failures_left = 1
    assert delivery.email_send(row.pk) == delivery.RETRY
    row.refresh_from_db()
    assert row.emailed_at is None and row.email_claimed_at is None
    assert row.email_attempts == 1
    assert row.email_error == "ConnectionRefusedError: mail server down"
    assert mail.outbox == []


@pytest.mark.django_db
def test_sweep_resends_an_email_still_unsent_after_a_few_minutes(member, make_user):
    """A lost message is made good by the beat sweep; a recent or sent one is left alone."""
    old = unsent_notification(member, age=delivery.RESEND_AFTER + dt.timedelta(seconds=30))
    recent = unsent_notification(make_user("m2", email="m2@example.org"))
    assert resend_notification_emails() == 1
    assert [m.to for m in mail.outbox] == [["m1@example.org"]]
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.emailed_at is not None and recent.emailed_at is None
    assert resend_notification_emails() == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_sweep_waits_after_a_recent_attempt(member, flaky_mail):
    """An e-mail that just failed waits for its retry; the sweep takes it only when the last attempt is old."""
    row = unsent_notification(member, age=dt.timedelta(hours=1))
    flaky_mail.failures_left = 1
    assert delivery.email_send(row.pk) == delivery.RETRY
    assert delivery.resend_unsent() == []
    later = timezone.now() + delivery.RESEND_AFTER + dt.timedelta(seconds=1)
    assert delivery.resend_unsent(now=later) == [row.pk]
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_second_send_while_the_first_is_sending_sends_nothing(member, flaky_mail):
    """Another worker (or a redelivered message) picks the same notification while the first is
    talking to the mail server: it finds the claim and skips; one e-mail goes out."""
    row = unsent_notification(member)
    second = []
    flaky_mail.during_send = lambda: second.append(send_notification_emails([row.pk]))
    assert send_notification_emails([row.pk]) == 1
    assert second == [0]
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_an_abandoned_claim_is_taken_over_after_the_timeout(member):
    """A worker died after claiming: its claim holds within the timeout, then another sends."""
    row = unsent_notification(member, age=dt.timedelta(hours=1))
    Notification.objects.filter(pk=row.pk).update(
        email_claimed_at=timezone.now() - delivery.CLAIM_TIMEOUT + dt.timedelta(minutes=1)
    )
    assert delivery.email_send(row.pk) == delivery.SKIPPED
    assert delivery.resend_unsent() == []
    Notification.objects.filter(pk=row.pk).update(
        email_claimed_at=timezone.now() - delivery.CLAIM_TIMEOUT - dt.timedelta(minutes=1)
    )
    assert delivery.resend_unsent() == [row.pk]
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_permanently_failing_address_is_given_up_after_bounded_attempts(member, flaky_mail):
    """Every attempt fails: the task stops after MAX_ATTEMPTS, the row records it, the sweep leaves it."""
    row = unsent_notification(member, age=dt.timedelta(hours=1))
    flaky_mail.failures_left = 10**6
    send_notification_emails.delay([row.pk])
    row.refresh_from_db()
    assert row.email_attempts == delivery.MAX_ATTEMPTS
    assert row.email_failed_at is not None
    assert row.email_error == "ConnectionRefusedError: mail server down"
    assert flaky_mail.failures_left == 10**6 - delivery.MAX_ATTEMPTS
    far_later = timezone.now() + dt.timedelta(days=30)
    assert delivery.resend_unsent(now=far_later) == []
    assert send_notification_emails([row.pk]) == 0
    row.refresh_from_db()
    assert row.email_attempts == delivery.MAX_ATTEMPTS
    assert mail.outbox == []


@pytest.mark.django_db
def test_user_who_turned_email_off_since_is_skipped_and_no_longer_owed(member):
    row = unsent_notification(member, age=dt.timedelta(hours=1))
    NotificationPreference.objects.create(user=member, email_enabled=False)
    assert send_notification_emails([row.pk]) == 0
    row.refresh_from_db()
    assert row.email_wanted is False
    assert delivery.resend_unsent() == []
    assert mail.outbox == []


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent claims need PostgreSQL row locks")
def test_concurrent_sends_of_one_notification_send_one_email(flushable_audit_table, member):
    """Eight workers start sending the same notification at the same moment: one e-mail."""
    row = unsent_notification(member)
    barrier = threading.Barrier(8)
    outcomes = []

    def worker():
        try:
            barrier.wait(timeout=10)
            outcomes.append(delivery.email_send(row.pk))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == [delivery.SENT] + [delivery.SKIPPED] * 7
    assert len(mail.outbox) == 1
