"""The timer sweep: reminders at T−3/T−1, expiry actions and escalation, each exactly once."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from tests.example_process.models import ExampleRequest
from tests.support.db import ensure_calendar_loaded
from tests.support.rules import rules_registered
from workflow import clock, services
from workflow.audit import case_events, chain_valid
from workflow.deadlines import close_all_deadlines, close_deadline, start_deadline, timers
from workflow.deadlines.rules import DeadlineRule, Unit
from workflow.models import CaseDeadline
from workflow.notifications.models import Notification
from workflow.roles import Role
from workflow.tasks import sweep_timers

pytestmark = pytest.mark.django_db
D = dt.date

TEST_RULES = [
    DeadlineRule("t.flag", "测试：逾期标记 Test: flag", 10, Unit.CALENDAR_DAYS, "submit", on_expiry="flag"),
    DeadlineRule("t.escalate", "测试：逾期督办 Test: escalate", 10, Unit.CALENDAR_DAYS, "submit", on_expiry="escalate"),
]


def at(year, month, day, hour=0, minute=0, second=0):
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute, second), timezone.get_default_timezone())


@pytest.fixture(autouse=True)
def setup_rules(db):
    ensure_calendar_loaded()
    with rules_registered(TEST_RULES):
        yield


@pytest.fixture
def people(orgs, make_user):
    return type(
        "People",
        (),
        {
            "member": make_user("m1", Role.MEMBER, org=orgs.acme),
            "committee": make_user("c1", Role.UNION_COMMITTEE, org=orgs.acme),
            "committee2": make_user("c2", Role.UNION_COMMITTEE, org=orgs.acme),
            "fed_chair": make_user("fc", (Role.CHAIR, orgs.fed)),
        },
    )


@pytest.fixture
def submitted(people):
    case = services.create_case(process="examples", user=people.member, data={"organisation": "acme", "title": "t", "amount": 1})
    services.perform_transition(process="examples", case_id=case.pk, name="submit", user=people.member)
    case.refresh_from_db()
    return case


def notes(kind, user=None):
    qs = Notification.objects.filter(kind=kind)
    return qs.filter(user=user).count() if user is not None else qs.count()


# -- reminders ---------------------------------------------------------------------------------


def test_reminders_at_t_minus_3_and_t_minus_1_exactly_once_each(submitted, people):
    row = start_deadline(submitted, "example.decide", D(2025, 9, 30))
    assert row.due_on == D(2025, 10, 14)  # 5 working days across National Day and its make-up Saturday
    assert timers.sweep(at(2025, 10, 10, 23, 59, 59))["reminders"] == 0
    assert timers.sweep(at(2025, 10, 11))["reminders"] == 1  # T−3 from the start of that day
    assert timers.sweep(at(2025, 10, 11, 9))["reminders"] == 0
    assert timers.sweep(at(2025, 10, 12, 23, 59, 59))["reminders"] == 0
    assert timers.sweep(at(2025, 10, 13))["reminders"] == 1  # T−1
    assert timers.sweep(at(2025, 10, 13, 18))["reminders"] == 0
    assert notes("deadline_approaching", people.committee) == 2
    assert notes("deadline_approaching", people.committee2) == 2
    assert notes("deadline_approaching", people.member) == 0  # not the one who must act
    row.refresh_from_db()
    assert row.reminders_sent == [3, 1] and row.status == CaseDeadline.Status.OPEN


def test_a_deadline_set_late_gets_one_reminder_not_two(submitted, people):
    row = start_deadline(submitted, "example.decide", D(2025, 9, 30))
    assert timers.sweep(at(2025, 10, 13, 8))["reminders"] == 1
    assert timers.sweep(at(2025, 10, 13, 9))["reminders"] == 0
    assert notes("deadline_approaching", people.committee) == 1
    row.refresh_from_db()
    assert row.reminders_sent == [3, 1]


# -- expiry through the transition service -----------------------------------------------------


def test_expiry_transition_fires_once_through_the_service_on_day_n_plus_1(submitted):
    row = start_deadline(submitted, "example.decide", D(2025, 9, 30))
    assert timers.sweep(at(2025, 10, 14, 23, 59, 59))["transitions"] == 0  # the due day lasts to its end
    submitted.refresh_from_db()
    assert submitted.state == "submitted"
    counts = timers.sweep(at(2025, 10, 15))
    assert counts["transitions"] == 1 and counts["errors"] == 0
    assert timers.sweep(at(2025, 10, 15, 0, 1))["transitions"] == 0
    assert timers.sweep(at(2025, 10, 20))["transitions"] == 0
    case = ExampleRequest.objects.get(pk=submitted.pk)
    assert case.state == "rejected" and case.reason == "逾期未审批 Not decided in time"
    expire_events = [e for e in case_events(case) if e.action == "expire"]
    assert len(expire_events) == 1
    assert (expire_events[0].actor_role, expire_events[0].channel, expire_events[0].actor_id) == ("system", "task", None)
    assert chain_valid(case)
    row.refresh_from_db()
    assert row.status == CaseDeadline.Status.EXPIRED and row.fired_at == at(2025, 10, 15)


def test_expiry_when_the_case_has_moved_on_is_recorded_not_retried(submitted, people):
    row = start_deadline(submitted, "example.decide", D(2025, 9, 30))
    services.perform_transition(process="examples", case_id=submitted.pk, name="approve", user=people.committee)
    events_before = case_events(submitted).count()
    counts = timers.sweep(at(2025, 10, 15))
    assert (counts["transitions"], counts["refused"], counts["errors"]) == (0, 1, 0)
    assert timers.sweep(at(2025, 10, 16))["refused"] == 0
    assert ExampleRequest.objects.get(pk=submitted.pk).state == "approved"
    assert case_events(submitted).count() == events_before
    row.refresh_from_db()
    assert row.status == CaseDeadline.Status.EXPIRED


def test_a_met_deadline_fires_nothing(submitted):
    start_deadline(submitted, "example.decide", D(2025, 9, 30))
    close_deadline(submitted, "example.decide")
    counts = timers.sweep(at(2025, 10, 20))
    assert counts["transitions"] == counts["reminders"] == 0
    assert ExampleRequest.objects.get(pk=submitted.pk).state == "submitted"


def test_closing_all_deadlines_of_an_ended_case_leaves_none_to_fire(submitted):
    """Every open deadline closes in one go, the one named with its own status; a closed one keeps its status."""
    decide = start_deadline(submitted, "example.decide", D(2025, 9, 30))
    flag = start_deadline(submitted, "t.flag", D(2025, 9, 30))
    met = start_deadline(submitted, "t.escalate", D(2025, 9, 30))
    close_deadline(submitted, "t.escalate")
    close_all_deadlines(submitted, CaseDeadline.Status.CANCELLED, but={"example.decide": CaseDeadline.Status.EXPIRED})
    statuses = {r.rule_id: r.status for r in CaseDeadline.objects.filter(pk__in=[decide.pk, flag.pk, met.pk])}
    assert statuses == {"example.decide": "expired", "t.flag": "cancelled", "t.escalate": "met"}
    counts = timers.sweep(at(2025, 10, 20))
    assert counts["transitions"] == counts["flagged"] == counts["escalated"] == 0


# -- flag and escalate -------------------------------------------------------------------------


def test_flag_marks_expired_and_notifies_once(submitted, people):
    row = start_deadline(submitted, "t.flag", D(2025, 3, 3))  # due Thu 13 Mar
    assert timers.sweep(at(2025, 3, 13, 23, 59, 59))["flagged"] == 0
    assert timers.sweep(at(2025, 3, 14))["flagged"] == 1
    assert timers.sweep(at(2025, 3, 14, 0, 5))["flagged"] == 0
    assert notes("deadline_expired", people.committee) == 1
    row.refresh_from_db()
    assert row.status == CaseDeadline.Status.EXPIRED
    assert ExampleRequest.objects.get(pk=submitted.pk).state == "submitted"


def test_escalate_goes_to_the_chair_of_the_organisation(submitted, people, make_user, orgs):
    chair = make_user("ch", (Role.CHAIR, orgs.acme))
    row = start_deadline(submitted, "t.escalate", D(2025, 3, 3))
    assert timers.sweep(at(2025, 3, 14))["escalated"] == 1
    assert timers.sweep(at(2025, 3, 15))["escalated"] == 0
    assert notes("overdue_escalation", chair) == 1
    assert notes("overdue_escalation", people.fed_chair) == 0
    row.refresh_from_db()
    # Still open: the committee can still decide, late; the deadline is marked escalated.
    assert row.escalated is True and row.status == CaseDeadline.Status.OPEN


def test_escalate_goes_to_the_level_above_when_no_chair(submitted, people):
    start_deadline(submitted, "t.escalate", D(2025, 3, 3))
    assert timers.sweep(at(2025, 3, 14))["escalated"] == 1
    assert notes("overdue_escalation", people.fed_chair) == 1
    assert notes("overdue_escalation") == 1


# -- interfaces --------------------------------------------------------------------------------


def test_sweep_reads_the_injectable_clock(submitted):
    start_deadline(submitted, "example.decide", D(2025, 9, 30))
    with clock.override(dt.datetime(2025, 10, 15, 8, 0)):
        assert clock.now() == at(2025, 10, 15, 8)
        assert timers.sweep()["transitions"] == 1
    assert abs(clock.now() - timezone.now()) < dt.timedelta(minutes=1)


def test_celery_task_runs_the_sweep(submitted, monkeypatch):
    start_deadline(submitted, "example.decide", D(2025, 9, 30))
    monkeypatch.setattr(clock, "now", lambda: at(2025, 10, 15, 1))
    sweep_timers.delay()
    assert ExampleRequest.objects.get(pk=submitted.pk).state == "rejected"
    assert sweep_timers.name == "workflow.tasks.sweep_timers" and sweep_timers.acks_late is True


def test_run_timers_command(submitted, capsys):
    start_deadline(submitted, "example.decide", D(2025, 9, 30))
    call_command("run_timers", "--now", "2025-10-11T08:00:00")
    assert "reminders=1" in capsys.readouterr().out
    call_command("run_timers", "--now", "2025-10-15")
    out = capsys.readouterr().out
    assert "transitions=1" in out and "errors=0" in out
    for bad in ("yesterday", "2025-13-40"):
        with pytest.raises(CommandError):
            call_command("run_timers", "--now", bad)


# -- concurrent sweeps (PostgreSQL row locks) --------------------------------------------------

@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks (FOR UPDATE SKIP LOCKED)")
@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_act_once(flushable_audit_table, people):
    import threading

    from django.db import connections

    ensure_calendar_loaded()
    cases = []
    for n in range(6):
        case = services.create_case(
            process="examples", user=people.member, data={"organisation": "acme", "title": f"r{n}", "amount": 1}
        )
        services.perform_transition(process="examples", case_id=case.pk, name="submit", user=people.member)
        start_deadline(case, "example.decide", D(2025, 9, 30))
        cases.append(case)
    for when in (at(2025, 10, 11, 9), at(2025, 10, 15, 9)):
        barrier = threading.Barrier(4)
        results = []

        def run(when=when, barrier=barrier, results=results):
            try:
                barrier.wait(timeout=10)
                results.append(timers.sweep(when))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=run) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert len(results) == 4 and all(r["errors"] == 0 for r in results), results
        if when.day == 11:
            assert sum(r["reminders"] for r in results) == 6
        else:
            assert sum(r["transitions"] for r in results) == 6
    assert notes("deadline_approaching", people.committee) == 6
    for case in cases:
        case = ExampleRequest.objects.get(pk=case.pk)
        assert case.state == "rejected"
        assert [e.action for e in case_events(case)].count("expire") == 1
