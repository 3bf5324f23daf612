"""Notifications of the contracts process besides the engine's own (new task, decision, deadlines).

Built from labels and the case reference only: a notification is also e-mailed.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from workflow.notifications.models import NotificationKind
from workflow.notifications.services import notify


def notify_renewal_window(*, case) -> int:
    """第三十八条: within the 3 months before expiry either side may ask to renew; the union team hears of it."""
    params = {"ref": case.reference, "day": case.expires_on.isoformat() if case.expires_on else ""}
    title = _("集体合同续订期已开始 Renewal window open: %(ref)s") % params
    body = _(
        "%(ref)s 将于 %(day)s 期满，可发起续订协商 %(ref)s expires on %(day)s; a renewal may now be started."
    ) % params
    users = set(case.union_team_user_ids()) | ({case.union_chief_id} - {None})
    from django.contrib.auth import get_user_model

    return notify(
        users=get_user_model().objects.filter(pk__in=users), kind=NotificationKind.NEW_TASK, title=title, body=body,
        case=case,
    )
