"""New work is announced by a worker's task after commit, once, even when the task runs twice.

The transition only enqueues ``announce_work_items`` (the person acting does not wait for the
messages to others); the task announces the items still open. ``acks_late``: a worker killed
after writing the notifications gets the message again — the rerun writes nothing more.
"""

import pytest

from workflow import services
from workflow.notifications.announce import announce_work_items
from workflow.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    calls = []
    monkeypatch.setattr(announce_work_items, "delay", lambda *args: calls.append(args))
    return calls


def submit(people, django_capture_on_commit_callbacks):
    case = services.create_case(process="examples", user=people.member, data={"organisation": "acme", "title": "L", "amount": 1})
    with django_capture_on_commit_callbacks(execute=True):
        services.perform_transition(process="examples", case_id=case.pk, name="submit", user=people.member)
    return case


def new_tasks():
    return list(Notification.objects.filter(kind="new_task").values_list("user__username", flat=True))


def test_the_transition_only_enqueues_and_the_task_announces(people, queued, django_capture_on_commit_callbacks):
    submit(people, django_capture_on_commit_callbacks)
    assert new_tasks() == [] and len(queued) == 1
    assert announce_work_items(*queued[0]) == 1
    assert new_tasks() == ["c1"]


def test_a_redelivered_announcement_writes_nothing_more(people, queued, django_capture_on_commit_callbacks):
    submit(people, django_capture_on_commit_callbacks)
    announce_work_items(*queued[0])
    assert announce_work_items(*queued[0]) == 0
    assert new_tasks() == ["c1"]


def test_work_already_done_when_the_task_runs_is_not_announced(people, queued, django_capture_on_commit_callbacks):
    case = submit(people, django_capture_on_commit_callbacks)
    services.perform_transition(process="examples", case_id=case.pk, name="approve", user=people.committee)
    assert announce_work_items(*queued[0]) == 0
    assert new_tasks() == []
