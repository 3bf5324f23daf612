"""Deadlines into a year without its loaded notice: provisional on the statute, settled when it is loaded.

Driven against the example process (rule ``example.decide``: 5 working days, expiry
transition). 2027 has no notice in the database; the statute puts the Spring Festival
2027 on Fri 5 – Wed 10 Feb (the Eve, 6–8 Feb, and Tue 9 / Wed 10 for the weekend).
"""

import datetime as dt
import json

import pytest
from django.urls import reverse

from tests.example_process.flows import ExampleFlow
from tests.example_process.models import ExampleRequest
from tests.support.db import ensure_calendar_loaded
from workflow import clock, flowkit, services
from workflow.audit import case_events, chain_valid
from workflow.calendar.importing import import_calendar
from workflow.calendar.loader import parse_json
from workflow.deadlines import start_deadline, timers
from workflow.inbox import inbox_for
from workflow.models import CaseDeadline, WorkItem
from workflow.notifications.models import Notification
from workflow.roles import Role

pytestmark = pytest.mark.django_db
D = dt.date
RULE = "example.decide"


def notice_2027(*days) -> list:
    """A 2027 arrangement: the statute's holidays around the Spring Festival replaced by ``days``."""
    return parse_json(json.dumps({"year": 2027, "source": "测试：2027年安排 Test 2027 notice", "days": list(days)}))


@pytest.fixture
def people(orgs, make_user):
    return type(
        "People", (),
        {
            "member": make_user("m1", Role.MEMBER, org=orgs.acme),
            "committee": make_user("c1", Role.UNION_COMMITTEE, org=orgs.acme),
            "fed_admin": make_user("fa", Role.ADMIN, org=orgs.fed),
        },
    )


@pytest.fixture
def case(people):
    """A submitted example request whose decision is due 5 working days after Thu 4 Feb 2027."""
    ensure_calendar_loaded()
    created = services.create_case(
        process="examples", user=people.member, data={"organisation": "acme", "title": "t", "amount": 1}
    )
    services.perform_transition(process="examples", case_id=created.pk, name="submit", user=people.member)
    case = ExampleRequest.objects.get(pk=created.pk)
    start_deadline(case, RULE, D(2027, 2, 4))
    flowkit.rebuild_work_items(ExampleFlow, case, notify=False)
    return case


def open_row(case):
    return CaseDeadline.objects.get(case_id=case.pk, rule_id=RULE, status=CaseDeadline.Status.OPEN)


def sweep_on(day: dt.date, hour: int = 9) -> dict:
    with clock.override(dt.datetime.combine(day, dt.time(hour))):
        return timers.sweep()


def test_a_deadline_across_the_spring_festival_without_the_notice_is_provisional_where_the_statute_puts_it(
    case, people, api, client
):
    # 11, 12, 15, 16, 17 Feb: nothing is worked from the Eve to Wed 10 Feb.
    row = open_row(case)
    assert (row.due_on, row.provisional) == (D(2027, 2, 17), True)
    body = api(people.committee).get(f"/api/v1/examples/{case.pk}/").json()
    assert body["provisional"] is True
    assert [(d["due_on"], d["provisional"]) for d in body["deadlines"] if d["status"] == "open"] == [
        ("2027-02-17", True)
    ]
    (item,) = [i for i in api(people.committee).get("/api/v1/inbox/").json()["results"] if i["case_id"] == case.pk]
    assert item["due_provisional"] is True
    client.force_login(people.committee)
    assert "暂按法定节假日推算" in client.get(reverse("ui:examples:detail", kwargs={"pk": case.pk})).content.decode()
    assert "暂按法定节假日推算" in client.get(reverse("ui:inbox:index")).content.decode()


def test_a_deadline_inside_loaded_years_is_not_marked(people, api):
    ensure_calendar_loaded()
    created = services.create_case(
        process="examples", user=people.member, data={"organisation": "acme", "title": "t", "amount": 1}
    )
    case = ExampleRequest.objects.get(pk=created.pk)
    start_deadline(case, RULE, D(2026, 3, 2))
    body = api(people.member).get(f"/api/v1/examples/{case.pk}/").json()
    assert body["provisional"] is False and [d["provisional"] for d in body["deadlines"]] == [False]


def test_a_notice_that_would_make_it_earlier_keeps_the_announced_date_and_audits_both(case, people):
    before = case_events(case).count()
    # The notice works Sat 13 Feb: counted again the 5th working day would be Tue 16 Feb.
    result = import_calendar(notice_2027(
        {"name": "春节", "kind": "holiday", "from": "2027-02-05", "to": "2027-02-10"},
        {"name": "春节", "kind": "workday", "date": "2027-02-13"},
    ))
    row = open_row(case)
    assert (row.due_on, row.provisional) == (D(2027, 2, 17), False)
    assert case_events(case).count() == before + 1
    event = case_events(case).last()
    assert event.action == "deadline_recomputed"
    assert {k: event.payload[k] for k in ("old_due_on", "new_due_on", "computed_due_on", "kept_announced_date")} == {
        "old_due_on": "2027-02-17", "new_due_on": "2027-02-17", "computed_due_on": "2027-02-16",
        "kept_announced_date": True,
    }
    assert event.payload["reason"] == "calendar_import" and event.payload["calendar_years"] == [2027]
    assert not Notification.objects.filter(case_id=case.pk, title__contains="2027-02-16").exists()
    assert [c["case"] for c in result.recomputed] == [case.reference]
    assert chain_valid(case)


def test_a_notice_that_makes_it_later_moves_it_audited_notified_and_its_timers_follow(case, people):
    # T−3 of the provisional date (Sun 14 Feb) has been sent.
    assert sweep_on(D(2027, 2, 14))["reminders"] == 1
    old_due_at = open_row(case).due_at
    notified_before = Notification.objects.count()
    # The notice rests to Fri 12 Feb: the 5th working day becomes Fri 19 Feb.
    import_calendar(notice_2027({"name": "春节", "kind": "holiday", "from": "2027-02-05", "to": "2027-02-12"}))
    row = open_row(case)
    assert (row.due_on, row.provisional, row.reminders_sent) == (D(2027, 2, 19), False, [3])
    assert CaseDeadline.objects.filter(case_id=case.pk, rule_id=RULE, status=CaseDeadline.Status.OPEN).count() == 1
    event = case_events(case).last()
    assert (event.action, event.payload["old_due_on"], event.payload["new_due_on"]) == (
        "deadline_recomputed", "2027-02-17", "2027-02-19"
    )
    # Whoever must decide (the committee's role) and the case's party (its proposer) are told.
    moved = Notification.objects.filter(case_id=case.pk, title__contains="2027-02-19")
    told = set(moved.values_list("user__username", flat=True))
    assert told == {"c1", "m1"} and Notification.objects.count() == notified_before + 2
    # The inbox shows the new date, no longer provisional.
    (item,) = [i for i in inbox_for(people.committee) if i["case_id"] == case.pk]
    assert (item["due_at"], item["due_provisional"]) == (row.due_at, False)
    assert not WorkItem.objects.filter(case_id=case.pk, due_at=old_due_at).exists()
    # Reminders follow the new date, each once; the old date's expiry does not fire.
    assert sweep_on(D(2027, 2, 16))["reminders"] == 0  # the old T−1
    assert sweep_on(D(2027, 2, 18))["reminders"] == 1  # the new T−1
    assert sweep_on(D(2027, 2, 18), hour=15)["reminders"] == 0
    assert sweep_on(D(2027, 2, 18), hour=1)["transitions"] == 0  # past the old due time
    assert ExampleRequest.objects.get(pk=case.pk).state == "submitted"
    assert sweep_on(D(2027, 2, 20))["transitions"] == 1
    assert ExampleRequest.objects.get(pk=case.pk).state == "rejected"  # the expiry transition
    assert chain_valid(case)


def test_an_unchanged_deadline_just_stops_being_provisional(case):
    before = case_events(case).count()
    import_calendar(notice_2027({"name": "春节", "kind": "holiday", "from": "2027-02-05", "to": "2027-02-10"}))
    assert (open_row(case).due_on, open_row(case).provisional) == (D(2027, 2, 17), False)
    assert case_events(case).count() == before


def test_a_failed_load_leaves_provisional_deadlines_as_they_were(case, people):
    from workflow.errors import ActionForbidden

    with pytest.raises(ActionForbidden):
        import_calendar(
            notice_2027({"name": "春节", "kind": "holiday", "from": "2027-02-05", "to": "2027-02-12"}),
            user=people.member,
        )
    assert (open_row(case).due_on, open_row(case).provisional) == (D(2027, 2, 17), True)


def test_the_missing_year_warning_counts_open_provisional_deadlines(case, people):
    from workflow.calendar.readiness import open_provisional_deadlines, warn_missing_years

    assert open_provisional_deadlines(2027) == 1 and open_provisional_deadlines(2028) == 0
    with clock.override(dt.datetime(2026, 12, 20, 9, 0)):
        assert warn_missing_years() == [2027]
    warning = Notification.objects.get(user=people.fed_admin, kind="calendar_missing")
    assert "1 open deadlines are provisional" in warning.body
