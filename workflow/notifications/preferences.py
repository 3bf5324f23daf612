"""Who receives e-mail: everyone, unless their preference row turns it off.

Read by the notification service (choosing whom to e-mail) and by delivery (checking again just
before sending), so it sits below both.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef

from .models import NotificationPreference

#: Set on users read by :func:`users_with_email_flag`: True when their preference turns e-mail off.
EMAIL_OFF = "_notify_email_off"


def users_with_email_flag(queryset=None):
    """Users, each read with their e-mail preference, so that notifying them needs no second query."""
    queryset = get_user_model().objects.all() if queryset is None else queryset
    email_off = NotificationPreference.objects.filter(user_id=OuterRef("pk"), email_enabled=False)
    return queryset.annotate(**{EMAIL_OFF: Exists(email_off)})


def email_enabled_user_ids(user_ids: Iterable[int]) -> set[int]:
    """Users who receive e-mail: everyone, unless their preference row turns it off."""
    user_ids = set(user_ids)
    off = set(
        NotificationPreference.objects.filter(user_id__in=user_ids, email_enabled=False).values_list(
            "user_id", flat=True
        )
    )
    return user_ids - off
