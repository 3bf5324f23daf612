"""Deadlines of the proposal process fired by the engine's timer sweep."""

import datetime as dt

from processes.proposals.models import Proposal
from workflow.audit import case_events
from workflow.deadlines.timers import sweep
from workflow.notifications.models import Notification

from .conftest import DAY0, at


def test_the_sweep_leaves_day_15_alone_and_closes_as_not_rated_on_day_16(people, walk):
    case = walk("replied")  # replied Monday 2 March: the window runs to Tuesday 17 March inclusive
    sweep(now=at(DAY0 + dt.timedelta(days=15), hour=23))
    assert Proposal.objects.get(pk=case.pk).state == "replied"

    counts = sweep(now=at(DAY0 + dt.timedelta(days=16), hour=0))

    case = Proposal.objects.get(pk=case.pk)
    assert counts["transitions"] == 1
    assert case.state == "closed" and case.closure == "not_rated" and not case.ratings.exists()
    event = case_events(case).last()
    assert (event.action, event.actor_role, event.channel) == ("close_unrated", "system", "task")
    # Run again: nothing more happens.
    events = case_events(case).count()
    sweep(now=at(DAY0 + dt.timedelta(days=17)))
    assert case_events(case).count() == events
    assert Proposal.objects.get(pk=case.pk).version == case.version


def test_reply_reminders_at_t_minus_7_and_t_minus_1_then_escalation_to_the_chair(people, walk):
    case = walk("in_progress")  # reply due Wednesday 1 April 2026
    sweep(now=at(dt.date(2026, 3, 24)))
    assert not Notification.objects.filter(user=people.dept1, kind="deadline_approaching").exists()
    sweep(now=at(dt.date(2026, 3, 25)))
    assert Notification.objects.filter(user=people.dept1, kind="deadline_approaching").count() == 1
    sweep(now=at(dt.date(2026, 3, 31)))
    assert Notification.objects.filter(user=people.dept1, kind="deadline_approaching").count() == 2
    sweep(now=at(dt.date(2026, 4, 1), hour=23))
    assert not Notification.objects.filter(user=people.chair, kind="overdue_escalation").exists()
    sweep(now=at(dt.date(2026, 4, 2)))
    assert Notification.objects.filter(user=people.chair, kind="overdue_escalation").count() == 1
    # Overdue, but the department can still reply (late).
    assert Proposal.objects.get(pk=case.pk).state == "in_progress"
