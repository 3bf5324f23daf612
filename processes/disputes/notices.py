"""Written notices to the parties, and the notifications that carry them.

《企业劳动争议协商调解规定》: when mediation fails the committee tells both parties in writing that
they may apply for arbitration; 《劳动争议调解仲裁法》第二十七条: the one-year limitation period is
interrupted by the mediation and counts afresh from its end.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from workflow.deadlines.rules import add_months
from workflow.notifications.deferred import safely
from workflow.notifications.models import NotificationKind
from workflow.notifications.services import notify, users_with_email_flag

from . import deadlines as d


def limitation_end(day: dt.date) -> dt.date:
    """One year from ``day`` (第二十七条), the same date next year (29 Feb → 28 Feb)."""
    return add_months(day, 12 * d.LIMITATION_YEARS)


def failure_notice(case, *, on: dt.date, reason: str) -> str:
    """The written notice of the right to arbitration and of the limitation date."""
    params = {"ref": case.reference, "reason": reason, "on": on.isoformat(), "until": limitation_end(on).isoformat()}
    return _(
        "%(ref)s 调解不成（%(reason)s）。依据《劳动争议调解仲裁法》第十四条，当事人可以依法向劳动争议仲裁委员会申请仲裁；"
        "依据第二十七条，仲裁时效自 %(on)s 起重新计算，至 %(until)s 届满。 "
        "Mediation of %(ref)s has failed (%(reason)s). Under Art.14 either party may apply for arbitration; under "
        "Art.27 the limitation period counts afresh from %(on)s and ends on %(until)s."
    ) % params


def arbitration_open_notice(case) -> str:
    params = {"ref": case.reference, "received": case.received_on.isoformat(),
              "day": (case.arbitration_open_on or case.received_on).isoformat()}
    return _(
        "%(ref)s：调解委员会于 %(received)s 收到申请，至今未达成调解协议。依据《劳动争议调解仲裁法》第十四条，"
        "自 %(day)s 起当事人可以依法申请仲裁；调解仍可继续。 "
        "%(ref)s: the committee received the application on %(received)s and there is no agreement yet. Under "
        "Art.14 either party may apply for arbitration from %(day)s; mediation may go on."
    ) % params


def decline_notice(case, *, reason_label: str) -> str:
    params = {"ref": case.reference, "reason": reason_label}
    return _(
        "%(ref)s 不予受理：%(reason)s。当事人可以依法申请仲裁。 "
        "%(ref)s is not accepted for mediation: %(reason)s. The parties may apply for arbitration."
    ) % params


def notify_parties(*, case, text: str) -> int:
    """The notice to both parties (sent after commit; the text names no claim or minute)."""
    title = _("书面告知 Written notice: %(ref)s") % {"ref": case.reference}
    users = users_with_email_flag().filter(pk__in=case.party_ids(), is_active=True)
    return notify(users=list(users), kind=NotificationKind.DECISION, title=title, body=text, case=case)


def send_to_parties_after_commit(ctx, text: str) -> None:
    """The written notice goes to the parties once the change is committed. When the creator is a
    party, the notice is what tells them of the decision (no second, generic notification)."""
    case = ctx.case
    ctx.after_commit.append(safely(lambda: notify_parties(case=case, text=text)))
    ctx.creator_notified = case.created_by_id in case.party_ids()
