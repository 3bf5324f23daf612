"""The inbox page: every item says which case (its title), what to do, whom it waits for and
the deadline that matters now, with overdue and due-soon highlighted; it filters, sorts and
pages without one query per item."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from tests.support.rules import rules_registered
from workflow import services
from workflow.deadlines import set_deadline
from workflow.deadlines.rules import DeadlineRule, Unit
from workflow.flowkit import rebuild_work_items
from workflow.inbox import deadline_that_matters, due_status

INBOX = "/"


def submitted(user, orgs, title="Lamp"):
    case = services.create_case(
        process="examples", user=user, data={"organisation": orgs.acme.pk, "title": title, "amount": 100}
    )
    return services.perform_transition(process="examples", case_id=case.pk, name="submit", user=user)


def due_in(case, days: int):
    """Give the open step a deadline ``days`` from today (negative: already past)."""
    today = timezone.localdate()
    set_deadline(case, rule_id="example.decide", starts_on=today - dt.timedelta(days=30), due_on=today + dt.timedelta(days=days))
    from tests.example_process.flows import ExampleFlow

    rebuild_work_items(ExampleFlow, case, notify=False)


def inbox_page(client, user, **params):
    client.force_login(user)
    return client.get(reverse("ui:inbox:index"), params).content.decode()


def test_inbox_shows_the_case_title_state_and_step(people, orgs, client):
    case = submitted(people.member, orgs, title="Repair the canteen roof")
    body = inbox_page(client, people.committee)
    assert case.reference in body and "Repair the canteen roof" in body
    assert "审批 Decide" in body and "工会委员会" in body


def test_overdue_and_due_soon_are_highlighted(people, orgs, client):
    late, soon, later = (submitted(people.member, orgs, title=t) for t in ("Late", "Soon", "Later"))
    due_in(late, -2)
    due_in(soon, 1)
    due_in(later, 20)
    body = inbox_page(client, people.committee)
    assert body.count("uf-due--overdue") == 1 and body.count("uf-due--soon") == 1
    assert body.count("已逾期 Overdue") == 1 and body.count("即将到期 Due soon") == 1
    overdue_only = inbox_page(client, people.committee, due="overdue")
    assert late.reference in overdue_only and soon.reference not in overdue_only and later.reference not in overdue_only


def test_inbox_sorts_soonest_due_first_or_latest_first(people, orgs, client):
    a, b = submitted(people.member, orgs), submitted(people.member, orgs)
    due_in(a, 10)
    due_in(b, 2)
    body = inbox_page(client, people.committee)
    assert body.index(b.reference) < body.index(a.reference)
    body = inbox_page(client, people.committee, sort="-due")
    assert body.index(a.reference) < body.index(b.reference)


def test_inbox_filters_by_process_and_pages(people, orgs, client):
    cases = [submitted(people.member, orgs) for _ in range(52)]
    first = inbox_page(client, people.committee)
    assert "1 / 2" in first and "page=2" in first
    second = inbox_page(client, people.committee, page=2)
    shown = [c.reference for c in cases if c.reference in first or c.reference in second]
    assert len(shown) == 52
    assert cases[0].reference not in inbox_page(client, people.committee, process="no-such-process")


def test_a_page_of_fifty_items_takes_a_fixed_number_of_queries(people, orgs, client, django_assert_max_num_queries):
    for _ in range(50):
        due_in(submitted(people.member, orgs), 3)
    client.force_login(people.committee)
    client.get(reverse("ui:inbox:index"))  # warm the session and content-type caches
    with django_assert_max_num_queries(20):
        body = client.get(reverse("ui:inbox:index")).content.decode()
    assert body.count('class="uf-inbox-item') == 50


NOW = dt.datetime(2026, 12, 10, 12, tzinfo=dt.UTC)
WINDOW = DeadlineRule("t.window", "测试：可退回期 Test: return window", 7, Unit.WORKING_DAYS, "assign", on_expiry="flag")
REPLY = DeadlineRule("t.reply", "测试：答复期限 Test: reply", 30, Unit.CALENDAR_DAYS, "assign", on_expiry="escalate")


def at(day: int) -> dt.datetime:
    return dt.datetime(2026, 12, day, 15, 59, 59, tzinfo=dt.UTC)


def test_an_expired_optional_window_gives_way_to_the_reply_deadline():
    """A case whose 7-day return window has passed shows its reply deadline, not the past window."""
    with rules_registered([WINDOW, REPLY]):
        open_rows = [("t.window", at(8)), ("t.reply", at(21))]
        assert deadline_that_matters(at(8), open_rows, NOW) == at(21)
        # Expired and no longer open (the sweep flagged it): still the reply deadline.
        assert deadline_that_matters(at(8), [("t.reply", at(21))], NOW) == at(21)
        # While the window is still ahead, it is what matters now.
        assert deadline_that_matters(at(12), [("t.window", at(12)), ("t.reply", at(21))], NOW) == at(12)


def test_a_binding_deadline_past_due_stays_and_is_overdue():
    with rules_registered([WINDOW, REPLY]):
        assert deadline_that_matters(at(8), [("t.reply", at(8)), ("t.window", at(20))], NOW) == at(8)
        assert due_status(at(8), NOW) == "overdue"
        assert due_status(at(12), NOW) == "soon"
        assert due_status(at(25), NOW) == ""
        assert due_status(None, NOW) == ""



def test_an_organisation_filter_in_unicode_digits_filters_nothing_and_fails_nothing(people, orgs, client):
    case = submitted(people.member, orgs, title="Repair the canteen roof")
    client.force_login(people.committee)
    r = client.get(reverse("ui:inbox:index"), {"organisation": "²"})
    assert r.status_code == 200 and case.reference in r.content.decode()
