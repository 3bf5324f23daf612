"""The four notification kinds, built from labels only.

Each helper composes the title and body from the case reference, the process label, the
step/action label and the new state label — nothing from the case's own fields, so no
member's restricted personal data (身份证号, 电话…) can reach an in-app message or an e-mail.
The flow kit and the transition service call these after commit; the timer sweep calls
the deadline helpers.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from workflow import registry
from workflow.delegation import active_delegates

from .deferred import deferred_notice
from .models import NotificationKind
from .services import notify, users_with_email_flag

log = logging.getLogger(__name__)


def _process_label(case) -> str:
    spec = registry.for_model(case)
    return str(spec.label) if spec else ""


def _ref(case) -> str:
    return getattr(case, "reference", "") or ""


def notify_new_work_items(*, case, items: Iterable) -> int:
    """"A new task for you": one notification per newly addressed person or role holder.

    ``items`` are the work items added by the last rebuild (unsaved or saved); each names a
    user, or a role at an organisation. The people addressed by name are read in one query.
    """
    count = 0
    items = list(items)
    params = {"ref": _ref(case), "process": _process_label(case)}
    by_title: dict[str, list[int]] = {}
    for item in items:
        if item.user_id:
            by_title.setdefault(str(item.title), []).append(item.user_id)
    for step, user_ids in by_title.items():
        title, body = _new_task_text(params, step)
        users = users_with_email_flag().filter(pk__in=user_ids)
        count += notify(users=list(users), kind=NotificationKind.NEW_TASK, title=title, body=body, case=case)
    for item in items:
        if item.user_id or not item.role:
            continue
        title, body = _new_task_text(params, str(item.title))
        # The case's organisation is already loaded; another one (a by_role(organisation_id=…) step) is read.
        organisation = case.organisation if item.organisation_id == case.organisation_id else item.organisation
        # Substitutes acting under a delegation see the item in their inbox, so they hear of it too.
        substitutes = active_delegates(organisation_id=item.organisation_id, role=item.role)
        count += notify(
            users=substitutes, role=item.role, organisation=organisation, kind=NotificationKind.NEW_TASK,
            title=title, body=body, case=case,
        )
    return count


def _new_task_text(params: dict, step: str) -> tuple[str, str]:
    params = {**params, "step": step}
    title = _("新待办 New task: %(ref)s · %(step)s") % params
    body = _("%(process)s %(ref)s 等待您处理：%(step)s The case is waiting for you: %(step)s.") % params
    return title, body


def decision_title(case, *, action_label: str, **_params) -> str:
    return _("案件决定 Decision: %(ref)s · %(action)s") % {"ref": _ref(case), "action": str(action_label)}


def notify_decision(*, case, actor_id: int | None, action_label: str, state_label: str) -> int:
    """"A decision on your own case": tell the case's creator, unless they made it themselves."""
    if case.created_by_id is None or actor_id == case.created_by_id:
        return 0
    creator = users_with_email_flag().filter(pk=case.created_by_id).first()
    if creator is None:
        return 0
    params = {
        "ref": _ref(case), "process": _process_label(case),
        "action": str(action_label), "state": str(state_label),
    }
    title = decision_title(case, action_label=action_label)
    body = _("%(process)s %(ref)s：%(action)s，当前状态：%(state)s The case is now: %(state)s.") % params
    return notify(users=[creator], kind=NotificationKind.DECISION, title=title, body=body, case=case)


#: The decision message, written by a worker after the transition commits (:mod:`.deferred`).
DECISION = deferred_notice(
    name="workflow.decision", kind=NotificationKind.DECISION, title=decision_title, send=notify_decision
)


def _due_text(due_at) -> str:
    return timezone.localtime(due_at).strftime("%Y-%m-%d %H:%M") if due_at else ""


def notify_deadline_approaching(
    *, case, due_at, step_label="", users=None, role: str | None = None, organisation=None
) -> int:
    """"A deadline approaching" (reminders at T−3 and T−1 days by default), to whoever must act."""
    params = {"ref": _ref(case), "process": _process_label(case), "step": str(step_label), "due": _due_text(due_at)}
    title = _("期限临近 Deadline approaching: %(ref)s（%(due)s）") % params
    body = _("%(process)s %(ref)s %(step)s 将于 %(due)s 到期 is due on %(due)s.") % params
    return notify(
        users=users, role=role, organisation=organisation or (case.organisation if role else None),
        kind=NotificationKind.DEADLINE_APPROACHING, title=title, body=body, case=case,
    )


def notify_overdue_escalation(
    *, case, due_at, step_label="", users=None, role: str | None = None, organisation=None
) -> int:
    """"An overdue escalation", to the organisation's chair or the level above (chosen by the caller)."""
    params = {"ref": _ref(case), "process": _process_label(case), "step": str(step_label), "due": _due_text(due_at)}
    title = _("逾期督办 Overdue: %(ref)s（%(due)s）") % params
    body = _("%(process)s %(ref)s %(step)s 已于 %(due)s 逾期，请督办 was due on %(due)s and is overdue.") % params
    return notify(
        users=users, role=role, organisation=organisation or (case.organisation if role else None),
        kind=NotificationKind.OVERDUE_ESCALATION, title=title, body=body, case=case,
    )
