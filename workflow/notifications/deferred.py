"""Notices a worker sends after the commit, so the person acting does not wait for messages to others.

A transition used to write its messages (the decision to the case's creator, a process's own
notices such as the proposals' countersign request) in the request that made it, after the
commit: about a third of an action's time and a dozen statements (``bench/b1_transitions.py``).
Now the commit enqueues :func:`send_notice` with the notice's name and its few parameters (labels,
ids), and a worker builds and writes the notifications — the same ones, read from the case as it
is when the worker runs.

A notice is declared once with :func:`deferred_notice` (the engine's in :mod:`.events`, a
process's in its ``notices.py``) and sent with :func:`send_after_commit`; the one task here runs
them all. ``acks_late`` and idempotent, as the new-work announcement (:mod:`.announce`): the
worker writes a notice's rows in one transaction, and a redelivered message whose notice (same
case, kind and title) was written since the commit that enqueued it writes nothing more.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from celery import shared_task
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from .models import Notification

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeferredNotice:
    """A notification sent by a worker after commit.

    ``send(case=…, **params)`` writes it and returns how many were written; ``title(case, **params)``
    is the title it writes, by which a redelivered message recognises a notice already sent.
    """

    name: str
    kind: str
    title: Callable[..., str]
    send: Callable[..., int]


#: Every declared notice by name: a message names its notice, the worker looks it up here.
NOTICES: dict[str, DeferredNotice] = {}


def deferred_notice(*, name: str, kind: str, title: Callable[..., str], send: Callable[..., int]) -> DeferredNotice:
    """Declare a notice the worker's :func:`send_notice` may send (once per name, at import)."""
    notice = DeferredNotice(name=name, kind=kind, title=title, send=send)
    NOTICES[name] = notice
    return notice


def send_after_commit(notice: DeferredNotice, case, **params) -> None:
    """Called in the transaction: once it commits, hand ``notice`` about ``case`` to a worker.

    ``params`` must be plain JSON (labels as text, ids): they travel in the message.
    """
    transaction.on_commit(safely(lambda: _enqueue(notice.name, case, params)))


def _enqueue(name: str, case, params: dict) -> None:
    case_type = ContentType.objects.get_for_model(case, for_concrete_model=True)
    send_notice.delay(name, case_type.pk, case.pk, params, timezone.now().isoformat())


def load_case(case_type_id: int, case_id: int):
    """The case a message names, with its organisation, or None if it is gone."""
    model = ContentType.objects.get_for_id(case_type_id).model_class()
    return model.objects.select_related("organisation").filter(pk=case_id).first()


def written_since(case, *, kind: str, titles: set[str], since: str) -> set[str]:
    """Which of ``titles`` were written about ``case`` (as ``kind``) since ``since``: a message's
    notifications already written by an earlier delivery of it."""
    return set(
        Notification.objects.filter(
            kind=kind, case_id=case.pk, case_ref=getattr(case, "reference", "") or "", title__in=titles,
            created_at__gte=dt.datetime.fromisoformat(since),
        ).values_list("title", flat=True)
    )


@shared_task(name="workflow.notifications.send_notice", acks_late=True, ignore_result=True)
def send_notice(name: str, case_type_id: int, case_id: int, params: dict, since: str) -> int:
    """Send the notice ``name`` about the case, unless a delivery of this message already did."""
    notice = NOTICES.get(name)
    if notice is None:
        log.error("unknown deferred notice %s: not sent", name)
        return 0
    case = load_case(case_type_id, case_id)
    if case is None:
        return 0
    # One transaction: a worker killed half-way wrote nothing, so "written since" means "all written".
    with transaction.atomic():
        if written_since(case, kind=notice.kind, titles={notice.title(case, **params)}, since=since):
            return 0
        return notice.send(case=case, **params)


def safely(callback):
    """Wrap an after-commit callback: the change is already committed, so a failed notification is logged, not raised."""

    def run():
        try:
            callback()
        except Exception:  # noqa: BLE001 - the committed change must not turn into an error response
            log.exception("notification failed after commit")

    return run
