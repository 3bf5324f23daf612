"""New work announced off the caller's path: after commit, a task tells the people addressed.

A transition used to build and store its "new task for you" notifications in the request that
made it, after the commit: about a fifth of a transition's time (``bench/b1_transitions.py
--profile``), and the person acting waited for messages to others. Now the commit enqueues
:func:`announce_work_items` with what identifies the new items (their step, role, organisation
and person), and a worker announces those still open when it runs — exactly what the caller
announced before, since ``_still_open`` asked the same question at commit time.

``acks_late`` and idempotent: a worker killed after writing the notifications gets the message
again, and the rerun skips every item whose announcement (same case, same title) was written
since the commit that enqueued it.
"""

from __future__ import annotations

from celery import shared_task
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from workflow.models import WorkItem

from .deferred import load_case, written_since


def enqueue_announcement(case, items: list) -> None:
    """Called on commit: hand the announcement of ``items`` (just added to ``case``) to a worker."""
    keys = [[w.task_id, w.role, w.organisation_id, w.user_id] for w in items]
    case_type = ContentType.objects.get_for_model(case, for_concrete_model=True)
    announce_work_items.delay(case_type.pk, case.pk, keys, timezone.now().isoformat())


@shared_task(name="workflow.notifications.announce_work_items", acks_late=True, ignore_result=True)
def announce_work_items(case_type_id: int, case_id: int, keys: list, since: str) -> int:
    """Announce the work items of the case named by ``keys`` that are still open and not yet announced."""
    from .events import _new_task_text, _process_label, _ref, notify_new_work_items
    from .models import NotificationKind

    case = load_case(case_type_id, case_id)
    wanted = {tuple(k) for k in keys}
    if case is None or not wanted:
        return 0
    open_items = WorkItem.objects.filter(case_type_id=case_type_id, case_id=case_id, task_id__in={k[0] for k in wanted})
    items = [w for w in open_items if (w.task_id, w.role, w.organisation_id, w.user_id) in wanted]
    params = {"ref": _ref(case), "process": _process_label(case)}
    titles = {w.pk: _new_task_text(params, str(w.title))[0] for w in items}
    announced = written_since(case, kind=NotificationKind.NEW_TASK, titles=set(titles.values()), since=since)
    return notify_new_work_items(case=case, items=[w for w in items if titles[w.pk] not in announced])
