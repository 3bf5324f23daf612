"""Work a worker does after a contract transition commits (the caller does not wait for messages to others)."""

from __future__ import annotations

from celery import shared_task

from workflow.notifications.models import Notification

from . import notices
from .models import Contract
from .states import ContractState


@shared_task(name="contracts.notify_variation_lapsed", acks_late=True, ignore_result=True)
def notify_variation_lapsed(case_id: int) -> int:
    """Tell both chiefs that the variation under way lapsed with the contract (第三十八条、第四十条).

    ``acks_late`` and idempotent: a rerun after the notices were written writes none again.
    """
    case = Contract.objects.filter(pk=case_id, state=ContractState.EXPIRED).first()
    if case is None:
        return 0
    if Notification.objects.filter(process_key="contracts", case_id=case_id, title=notices.lapsed_title(case)).exists():
        return 0
    return notices.notify_variation_lapsed(case)
