"""Notification services: the one way the engine tells a user something.

Callers (the flow kit, the transition service, the timer sweep) pass only labels and the
case reference. A notification is also e-mailed, so it must never carry a member's
restricted personal data (身份证号, 电话, 住址…).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import BooleanField, Case, F, Value, When
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflow import registry
from workflow.api.parsing import parse_id
from workflow.errors import NotVisible
from workflow.models import RoleAssignment

from .delivery import send_notification_emails
from .models import REQUEST_KINDS, Notification, NotificationPreference
from .preferences import EMAIL_OFF, email_enabled_user_ids, users_with_email_flag

TITLE_MAX = 200
NOT_FOUND = _("未找到该通知 Notification not found.")
#: Larger ids cannot exist (bigint); PostgreSQL would reject the query instead of finding nothing.


def _recipients(*, users, role, organisation) -> list:
    found: dict[int, object] = {}
    for user in users or ():
        if user is not None and user.is_active:
            found.setdefault(user.pk, user)
    if role and organisation is not None:
        holders = RoleAssignment.objects.current().filter(role=role, organisation=organisation).values("user_id")
        for user in users_with_email_flag().filter(pk__in=holders, is_active=True):
            found.setdefault(user.pk, user)
    return list(found.values())


def _mail_to(recipients) -> set[int]:
    """The recipients who receive e-mail; the preference is read only for users not read with it."""
    unknown = [u.pk for u in recipients if not hasattr(u, EMAIL_OFF)]
    known = {u.pk for u in recipients if hasattr(u, EMAIL_OFF) and not getattr(u, EMAIL_OFF)}
    return known | (email_enabled_user_ids(unknown) if unknown else set())


def case_url(process_key: str, case_id) -> str:
    """The case's page in the web UI, or "" while the UI does not route it."""
    if not process_key or case_id is None:
        return ""
    try:
        return reverse(f"ui:{process_key}:detail", kwargs={"pk": case_id})
    except NoReverseMatch:
        return ""


def notify(
    *,
    users: Iterable | None = None,
    role: str | None = None,
    organisation=None,
    kind: str,
    title: str,
    body: str = "",
    case=None,
    url: str = "",
) -> int:
    """Create one notification per recipient and e-mail those who allow it, after commit.

    Recipients are ``users`` plus every active user currently holding ``role`` at
    ``organisation``; each user is notified once. Returns the number created.
    """
    recipients = _recipients(users=users, role=role, organisation=organisation)
    if not recipients:
        return 0
    case_ref, process_key, case_id = "", "", None
    if case is not None:
        case_ref = getattr(case, "reference", "") or ""
        case_id = case.pk
        spec = registry.for_model(case)
        process_key = spec.key if spec else ""
        url = url or case_url(process_key, case_id)
    mail_to = _mail_to(recipients)
    rows = Notification.objects.bulk_create(
        [
            Notification(
                user=user,
                email_wanted=user.pk in mail_to and bool(user.email),
                kind=kind,
                title=str(title)[:TITLE_MAX],
                body=str(body),
                case_ref=case_ref,
                process_key=process_key,
                case_id=case_id,
                url=url,
            )
            for user in recipients
        ]
    )
    # PostgreSQL and SQLite ≥ 3.35 return the new primary keys from bulk_create.
    ids = [row.pk for row in rows if row.email_wanted]
    if ids:
        transaction.on_commit(lambda: send_notification_emails.delay(ids))
    return len(rows)


def notification_list(*, user, unread_only: bool = False):
    """The user's own notifications, unread first, newest first."""
    qs = Notification.objects.filter(user=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.annotate(
        _unread=Case(When(read_at__isnull=True, then=Value(True)), default=Value(False), output_field=BooleanField())
    ).order_by("-_unread", "-created_at", "-id")


def unread_count(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_mark_read(*, user, notification_id: int) -> Notification:
    """Mark one of the user's own notifications read; another user's id is simply not found (404)."""
    if not isinstance(notification_id, int) or parse_id(notification_id) is None:
        raise NotVisible(str(NOT_FOUND))
    try:
        row = Notification.objects.get(pk=notification_id, user=user)
    except (Notification.DoesNotExist, ValueError, TypeError):
        raise NotVisible(str(NOT_FOUND)) from None
    if row.read_at is None:
        row.read_at = timezone.now()
        row.save(update_fields=["read_at"])
    return row


def notification_mark_all_read(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def requests_done(*, process_key: str, case_id: int, user_id: int | None = None, now=None) -> int:
    """Mark the open requests to act on one case (new task, reminder, overdue) as done.

    Called in the transition's transaction when a step completes or the case closes (every
    recipient's requests), or when someone takes a step that keeps the state, such as a
    co-signature or a countersign (``user_id``: only that person's). A done request also
    counts as read: nothing is left open in the bell. One statement.
    """
    if not process_key or case_id is None:
        return 0
    now = now or timezone.now()
    qs = Notification.objects.filter(
        process_key=process_key, case_id=case_id, kind__in=REQUEST_KINDS, done_at__isnull=True
    )
    if user_id is not None:
        qs = qs.filter(user_id=user_id)
    return qs.update(done_at=now, read_at=Coalesce(F("read_at"), Value(now)))


def preference_get(*, user) -> NotificationPreference:
    pref, _created = NotificationPreference.objects.get_or_create(user=user)
    return pref


def preference_update(*, user, email_enabled: bool) -> NotificationPreference:
    pref, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"email_enabled": bool(email_enabled)}
    )
    return pref
