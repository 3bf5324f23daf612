"""Written notices of the contract process to both chief representatives.

《集体合同规定》第三十八条: a contract ends when its term does; 第四十条 varies a contract in force, so a variation
still under way when the term ends lapses, and the way on is a renewal (续订) negotiated as a new contract.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from workflow.notifications.models import NotificationKind
from workflow.notifications.services import notify, users_with_email_flag


def vote_cancelled(case) -> str:
    """Why the congress vote on a lapsed variation was closed uncounted (shown with the vote)."""
    return _(
        "%(ref)s 合同期限已于 %(day)s 届满，合同终止，对其变更的表决取消（《集体合同规定》第三十八条、第四十条）。 "
        "The term of %(ref)s ended on %(day)s; the contract has ended and the vote on its variation is cancelled "
        "(Arts. 38 and 40)."
    ) % {"ref": case.reference, "day": case.expires_on.isoformat() if case.expires_on else "?"}


def variation_lapsed(case) -> str:
    return _(
        "%(ref)s 合同期限已于 %(day)s 届满，合同终止；尚未完成的变更随之失效。如需继续，请以原合同发起续订"
        "（《集体合同规定》第三十八条）。 The term of %(ref)s ended on %(day)s and the contract has ended; the "
        "variation under way has lapsed with it. To go on, start a renewal from this contract (Art. 38)."
    ) % {"ref": case.reference, "day": case.expires_on.isoformat() if case.expires_on else "?"}


def lapsed_title(case) -> str:
    return _("变更失效 Variation lapsed: %(ref)s") % {"ref": case.reference}


def notify_variation_lapsed(case) -> int:
    """The notice to both chiefs (a notification each, e-mailed after commit to those who allow it)."""
    chiefs = users_with_email_flag(get_user_model().objects.filter(pk__in=case.chief_ids(), is_active=True))
    return notify(users=chiefs, kind=NotificationKind.DECISION, title=lapsed_title(case), body=variation_lapsed(case),
                  case=case)
