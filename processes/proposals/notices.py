"""Notifications of the proposals process besides the engine's own (new task, decision, deadlines).

Built from labels and the case reference only, like the engine's: a notification is also
e-mailed, so it carries nothing the proposer typed.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from workflow.notifications.deferred import deferred_notice
from workflow.notifications.models import NotificationKind
from workflow.notifications.services import notify
from workflow.roles import Role


def countersign_title(case, **_params) -> str:
    return _("待会签 Countersign requested: %(ref)s") % {"ref": case.reference}


def notify_countersign_expected(*, case) -> int:
    """会签: tell the department staff of every co-department still to countersign the current round.

    Sent when the lead department acknowledges and when a re-handling round starts, by the engine's
    worker after commit (:data:`COUNTERSIGN_EXPECTED`): the departments still to countersign when it
    runs are told; a failure is retried or logged, never turned into an error for the committed change.
    """
    count = 0
    for department in case.countersign_missing():
        params = {"ref": case.reference, "department": department.name}
        body = _(
            "%(ref)s 由主办部门办理，请%(department)s在答复前会签 The lead department is handling %(ref)s; "
            "please countersign for %(department)s before it replies."
        ) % params
        count += notify(
            role=Role.DEPARTMENT, organisation=department, kind=NotificationKind.NEW_TASK,
            title=countersign_title(case), body=body, case=case,
        )
    return count


#: The countersign request, sent by the engine's worker task after the transition commits.
COUNTERSIGN_EXPECTED = deferred_notice(
    name="proposals.countersign_expected", kind=NotificationKind.NEW_TASK, title=countersign_title,
    send=notify_countersign_expected,
)
