"""Notifications: who receives them, e-mail after commit, once (issue 3 §3)."""

import pytest
from django.core import mail

from workflow.notifications.models import Notification
from workflow.notifications.services import notify

pytestmark = pytest.mark.django_db


def test_notify_role_holders_once_and_email_after_commit(orgs, make_user, django_capture_on_commit_callbacks):
    """Every current holder of the role is notified once; e-mail goes out only after commit."""
    a = make_user("a", "chair", org=orgs.acme, email="a@example.org")
    make_user("b", "chair", org=orgs.acme, email="b@example.org")
    make_user("c", "chair", org=orgs.beta, email="c@example.org")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        created = notify(users=[a], role="chair", organisation=orgs.acme, kind="new_task", title="T")
    assert created == 2
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"a", "b"}
    assert len(mail.outbox) == 0
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]
