"""The decision message is written by a worker's task after commit, once, even when the task runs twice.

The transition only enqueues ``send_notice`` (the person acting does not wait for messages to
others). ``acks_late``: a worker killed after writing the notification gets the message again —
the rerun writes nothing more.
"""

import pytest
from django.contrib.contenttypes.models import ContentType

from workflow import services
from workflow.notifications.deferred import send_notice
from workflow.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    calls = []
    monkeypatch.setattr(send_notice, "delay", lambda *args: calls.append(args))
    return calls


def approved(people, django_capture_on_commit_callbacks):
    case = services.create_case(process="examples", user=people.member, data={"organisation": "acme", "title": "L", "amount": 1})
    with django_capture_on_commit_callbacks(execute=True):
        services.perform_transition(process="examples", case_id=case.pk, name="submit", user=people.member)
        services.perform_transition(process="examples", case_id=case.pk, name="approve", user=people.committee)
    return case


def decisions():
    return list(Notification.objects.filter(kind="decision").values_list("user__username", "title"))


def test_the_transition_only_enqueues_and_the_task_tells_the_creator(people, queued, django_capture_on_commit_callbacks):
    case = approved(people, django_capture_on_commit_callbacks)
    # The creator's own submit tells nobody; the committee's approval is queued, not yet written.
    assert decisions() == [] and len(queued) == 1
    assert send_notice(*queued[0]) == 1
    assert decisions() == [("m1", f"案件决定 Decision: {case.reference} · 批准 Approve")]


def test_a_redelivered_decision_writes_nothing_more(people, queued, django_capture_on_commit_callbacks):
    approved(people, django_capture_on_commit_callbacks)
    send_notice(*queued[0])
    assert send_notice(*queued[0]) == 0
    assert len(decisions()) == 1


def test_an_unknown_notice_is_logged_and_writes_nothing(people, caplog):
    case = services.create_case(process="examples", user=people.member, data={"organisation": "acme", "title": "L", "amount": 1})
    case_type = ContentType.objects.get_for_model(case)
    assert send_notice("no.such.notice", case_type.pk, case.pk, {}, "2026-01-01T00:00:00+00:00") == 0
    assert "no.such.notice" in caplog.text and Notification.objects.count() == 0
