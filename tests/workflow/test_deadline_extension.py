"""Extending an open deadline as its rule allows: by both parties' consent, with approval, or never.

Under consent each party agrees for themself (a request, then the other party's consent;
the flow in detail is in test_extension_consent.py).

Driven against the example process with test-only rules; every refusal changes nothing.
"""

import dataclasses
import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.example_process.flows import ExampleFlow
from tests.example_process.models import ExampleRequest
from tests.support.db import ensure_calendar_loaded
from tests.support.rules import EXTENSION_TEST_RULES, rules_registered
from workflow import flowkit, services
from workflow.audit import case_events, chain_valid
from workflow.deadlines import case_deadlines, close_deadline, end_of_day, rules, set_deadline, start_deadline, timers
from workflow.deadlines.extension_requests import deadline_extension_consent, deadline_extension_request
from workflow.deadlines.extensions import deadline_extend
from workflow.deadlines.rules import Extension
from workflow.errors import ActionForbidden, GuardFailed, InvalidInput, NotVisible, TransitionNotAllowed
from workflow.inbox import inbox_for
from workflow.models import CaseDeadline, ExtensionConsent, ExtensionRequest, WorkItem
from workflow.roles import Role

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def setup_rules(db):
    ensure_calendar_loaded()
    with rules_registered(EXTENSION_TEST_RULES):
        yield


@pytest.fixture
def people(orgs, make_user):
    return type(
        "People",
        (),
        {
            "member": make_user("m1", Role.MEMBER, org=orgs.acme),
            "committee": make_user("c1", Role.UNION_COMMITTEE, org=orgs.acme),
            "other_side": make_user("c2", Role.UNION_COMMITTEE, org=orgs.acme),
            "chair": make_user("ch", Role.CHAIR, org=orgs.acme),
            "beta_chair": make_user("bch", Role.CHAIR, org=orgs.beta),
        },
    )


@pytest.fixture
def case(people, monkeypatch):
    """A submitted example request whose two parties are its proposer and ``c2``."""
    created = services.create_case(
        process="examples", user=people.member, data={"organisation": "acme", "title": "t", "amount": 1}
    )
    services.perform_transition(process="examples", case_id=created.pk, name="submit", user=people.member)
    other = people.other_side.pk
    monkeypatch.setattr(ExampleRequest, "parties", lambda self: {self.created_by_id, other})
    return ExampleRequest.objects.get(pk=created.pk)


def state(case):
    """What a refusal must leave untouched: the deadlines, the audit chain and the inbox."""
    items = sorted(WorkItem.objects.filter(case_id=case.pk).values_list("role", "user_id", "due_at"), key=str)
    return case_deadlines(case), case_events(case).count(), items


def extend(case, user, rule_id, days, reason="双方协商 Agreed by both sides"):
    return deadline_extend(process="examples", case_id=case.pk, rule_id=rule_id, user=user, days=days, reason=reason)


def request(case, user, rule_id, days, reason="双方协商 Agreed by both sides"):
    return deadline_extension_request(
        process="examples", case_id=case.pk, rule_id=rule_id, user=user, days=days, reason=reason
    )


def agree(case, requester, consenter, rule_id, days, reason="双方协商 Agreed by both sides"):
    """``requester`` proposes, ``consenter`` (the other party) consents: the new open row."""
    req = request(case, requester, rule_id, days, reason=reason)
    deadline_extension_consent(request_id=req.pk, user=consenter)
    return open_row(case, rule_id)


def open_row(case, rule_id):
    return CaseDeadline.objects.get(case_id=case.pk, rule_id=rule_id, status=CaseDeadline.Status.OPEN)


# -- both parties' consent -----------------------------------------------------------------------


def test_a_party_extends_with_the_other_partys_consent_and_the_history_stays(case, people):
    start_deadline(case, "t.agreed", D(2025, 3, 3))  # due Thu 13 Mar
    events = case_events(case).count()
    row = agree(case, people.other_side, people.member, "t.agreed", 5)
    assert row.due_on == D(2025, 3, 18)  # +5 calendar days is Tue 18 Mar
    assert row.starts_on == D(2025, 3, 3) and row.status == CaseDeadline.Status.OPEN
    assert [(d["due_on"], d["status"], d["extended_from_due_on"]) for d in case_deadlines(case)] == [
        ("2025-03-13", "extended", None),
        ("2025-03-18", "open", "2025-03-13"),
    ]
    # The request, the other party's consent, and the one extension.
    assert [e.action for e in case_events(case)[events:]] == [
        "deadline_extension_request", "deadline_extension_consent", "deadline_extend",
    ]
    event = case_events(case).last()
    assert event.action == "deadline_extend" and event.actor_id == people.member.pk
    req = ExtensionRequest.objects.get()
    at = {c.user.username: c.consented_at.isoformat() for c in ExtensionConsent.objects.select_related("user")}
    assert event.payload == {
        "rule_id": "t.agreed", "old_due_on": "2025-03-13", "new_due_on": "2025-03-18", "days": 5,
        "unit": "calendar_days", "reason": "双方协商 Agreed by both sides", "extension": "consent_both",
        "consents": [{"user": "c2", "at": at["c2"]}, {"user": "m1", "at": at["m1"]}],
        "source": "测试：双方同意可延长 Test: both parties", "request_id": req.pk, "provisional": False,
    }
    assert chain_valid(case)


def test_the_other_party_may_extend_too_citing_the_proposers_consent(case, people):
    start_deadline(case, "t.agreed", D(2025, 3, 3))
    row = agree(case, people.member, people.other_side, "t.agreed", 1)
    assert row.due_on == D(2025, 3, 14)
    assert [c["user"] for c in case_events(case).last().payload["consents"]] == ["m1", "c2"]


def test_a_calendar_day_extension_ending_on_a_holiday_rolls_to_the_next_working_day(case, people):
    start_deadline(case, "t.agreed", D(2025, 9, 17))  # due Sat 27 Sep, a make-up working day
    row = agree(case, people.member, people.other_side, "t.agreed", 4)  # 1 Oct is National Day
    assert row.due_on == D(2025, 10, 9)


@pytest.mark.parametrize(
    "who, days, reason, error, field",
    [
        ("member", 6, "理由 Reason", InvalidInput, "days"),  # max_extension 5 + 1
        ("member", 0, "理由 Reason", InvalidInput, "days"),
        ("member", -1, "理由 Reason", InvalidInput, "days"),
        ("member", "abc", "理由 Reason", InvalidInput, "days"),
        ("member", None, "理由 Reason", InvalidInput, "days"),
        ("member", True, "理由 Reason", InvalidInput, "days"),
        ("member", 10**30, "理由 Reason", InvalidInput, "days"),
        ("member", 2, "   ", InvalidInput, "reason"),
        ("member", 2, None, InvalidInput, "reason"),
        ("member", 2, "x" * 2001, InvalidInput, "reason"),
        ("committee", 2, "理由 Reason", ActionForbidden, None),  # sees the case, no party
        ("chair", 2, "理由 Reason", ActionForbidden, None),  # approval does not apply here
        ("beta_chair", 2, "理由 Reason", NotVisible, None),
    ],
)
def test_refused_consent_extension_requests_change_nothing(case, people, who, days, reason, error, field):
    start_deadline(case, "t.agreed", D(2025, 3, 3))
    before = state(case)
    with pytest.raises(error) as exc:
        request(case, getattr(people, who), "t.agreed", days, reason=reason)
    if field:
        assert field in exc.value.fields
    assert state(case) == before
    assert not ExtensionRequest.objects.exists()


@pytest.mark.parametrize("who", ["member", "other_side", "chair"])
def test_no_party_extends_on_their_own_word_for_the_others_consent(case, people, who):
    start_deadline(case, "t.agreed", D(2025, 3, 3))
    before = state(case)
    with pytest.raises(GuardFailed) as exc:
        extend(case, getattr(people, who), "t.agreed", 1)
    assert (exc.value.status, exc.value.code, exc.value.rule) == (409, "consent_required", "t.agreed")
    assert "request an extension" in exc.value.detail
    assert state(case) == before


# -- approval ------------------------------------------------------------------------------------


def test_the_chair_approves_an_extension_counted_in_working_days(case, people):
    start_deadline(case, "t.approved", D(2025, 9, 26))  # 5 working days: 27 Sep (make-up), 29, 30, 9, 10 Oct
    assert open_row(case, "t.approved").due_on == D(2025, 10, 10)
    row = extend(case, people.chair, "t.approved", 10)  # the maximum
    assert row.due_on == D(2025, 10, 23)  # 11 Oct is a make-up Saturday: 11, 13–17, 20–23
    event = case_events(case).last()
    assert (event.actor_role, event.payload["consents"], event.payload["days"]) == ("chair", [], 10)


def test_a_working_day_extension_one_past_the_maximum_is_refused(case, people):
    start_deadline(case, "t.approved", D(2025, 9, 26))
    before = state(case)
    with pytest.raises(InvalidInput) as exc:
        extend(case, people.chair, "t.approved", 11)
    assert "days" in exc.value.fields and "10" in exc.value.detail
    assert state(case) == before


@pytest.mark.parametrize("who, error", [("committee", ActionForbidden), ("member", ActionForbidden), ("beta_chair", NotVisible)])
def test_only_the_approving_role_at_the_case_organisation_may_extend(case, people, who, error):
    start_deadline(case, "t.approved", D(2025, 9, 26))
    before = state(case)
    with pytest.raises(error):
        extend(case, getattr(people, who), "t.approved", 2)
    assert state(case) == before


def test_a_chair_may_not_approve_more_time_on_their_own_case(people, orgs, make_user):
    chair_member = make_user("chm", Role.CHAIR, Role.MEMBER, org=orgs.acme)
    own = services.create_case(process="examples", user=chair_member, data={"organisation": "acme", "title": "t", "amount": 1})
    start_deadline(own, "t.approved", D(2025, 9, 26))
    before = state(own)
    with pytest.raises(ActionForbidden) as exc:
        extend(own, chair_member, "t.approved", 1)
    assert exc.value.detail == "不能处理与本人有关的案件 You may not act on your own case."
    assert state(own) == before
    assert extend(own, people.chair, "t.approved", 1).due_on == D(2025, 10, 11)


def test_extension_roles_are_declared_by_the_rule(case, people, monkeypatch):
    rule = dataclasses.replace(rules.get_rule("t.approved"), extension_roles=("union_committee",))
    monkeypatch.setitem(rules._RULES, "t.approved", rule)
    start_deadline(case, "t.approved", D(2025, 9, 26))
    with pytest.raises(ActionForbidden):
        extend(case, people.chair, "t.approved", 1)
    assert extend(case, people.committee, "t.approved", 1).due_on == D(2025, 10, 11)


def test_an_extension_into_a_year_without_its_notice_is_provisional(case, people):
    start_deadline(case, "t.approved", D(2026, 12, 21))  # 5 working days: Mon 28 Dec 2026
    assert open_row(case, "t.approved").provisional is False
    # 3 more: Tue 29, Wed 30, Thu 31 Dec 2026 — still inside the loaded year.
    assert extend(case, people.chair, "t.approved", 3).provisional is False
    # 2 more: Fri 1 Jan 2027 (元旦 by the statute) rests, then the weekend: Mon 4, Tue 5 Jan 2027.
    row = extend(case, people.chair, "t.approved", 2)
    assert (row.due_on, row.provisional) == (D(2027, 1, 5), True)
    assert case_events(case).last().payload["provisional"] is True


def test_no_statute_for_the_new_year_refuses_loudly_and_changes_nothing(case, people):
    set_deadline(case, rule_id="t.approved", starts_on=D(2100, 12, 20), due_on=D(2100, 12, 30))
    before = state(case)
    with pytest.raises(Exception) as exc:
        extend(case, people.chair, "t.approved", 3)
    assert (exc.value.status, exc.value.code) == (409, "calendar_missing")
    assert state(case) == before


# -- not extendable / nothing to extend ----------------------------------------------------------


def test_a_rule_without_extension_is_refused_naming_the_rule_and_its_source(case, people):
    start_deadline(case, "t.never", D(2025, 3, 3))
    before = state(case)
    with pytest.raises(GuardFailed) as exc:
        extend(case, people.chair, "t.never", 1)
    assert exc.value.status == 409 and exc.value.code == "not_extendable" and exc.value.rule == "t.never"
    assert "t.never" in exc.value.detail and "测试：法定不可延长 Test: statutory, fixed" in exc.value.detail
    assert state(case) == before


@pytest.mark.parametrize("rule_id", ["t.approved", "no.such.rule", "", "x" * 500])
def test_no_open_deadline_for_the_rule_is_a_conflict(case, people, rule_id):
    start_deadline(case, "t.approved", D(2025, 9, 26))
    close_deadline(case, "t.approved")
    before = state(case)
    with pytest.raises(TransitionNotAllowed) as exc:
        extend(case, people.chair, rule_id, 1)
    assert exc.value.status == 409 and exc.value.code == "no_open_deadline"
    assert state(case) == before


def test_an_extended_deadline_may_be_extended_again(case, people):
    start_deadline(case, "t.agreed", D(2025, 3, 3))
    agree(case, people.member, people.other_side, "t.agreed", 5)
    agree(case, people.other_side, people.member, "t.agreed", 5)
    assert [d["status"] for d in case_deadlines(case)] == ["extended", "extended", "open"]
    assert open_row(case, "t.agreed").due_on == D(2025, 3, 24)  # 23 Mar is a Sunday


def test_a_rule_extendable_once_refuses_the_second_extension_and_changes_nothing(case, people, monkeypatch):
    """``max_extensions=1``: the first extension is taken, the second is a 409 naming the rule and its source;
    both by approval and by the parties' consent."""
    for rule_id in ("t.approved", "t.agreed"):
        monkeypatch.setitem(rules._RULES, rule_id, dataclasses.replace(rules.get_rule(rule_id), max_extensions=1))
    start_deadline(case, "t.approved", D(2025, 9, 26))
    extend(case, people.chair, "t.approved", 1)
    before = state(case)
    with pytest.raises(GuardFailed) as exc:
        extend(case, people.chair, "t.approved", 1)
    assert (exc.value.status, exc.value.code, exc.value.rule) == (409, "extended_enough", "t.approved")
    assert "1" in exc.value.detail and rules.get_rule("t.approved").source in exc.value.detail
    assert state(case) == before
    start_deadline(case, "t.agreed", D(2025, 3, 3))
    agree(case, people.member, people.other_side, "t.agreed", 5)
    before = state(case)
    with pytest.raises(GuardFailed) as exc:
        request(case, people.member, "t.agreed", 5)
    assert exc.value.code == "extended_enough" and state(case) == before


# -- the inbox and the timers follow the new date ------------------------------------------------


@pytest.fixture
def decide_extendable(monkeypatch, case):
    """The example's decision step, with its rule made extendable by the chair for these tests."""
    rule = dataclasses.replace(rules.get_rule("example.decide"), extension=Extension.APPROVAL, max_extension=10)
    monkeypatch.setitem(rules._RULES, "example.decide", rule)
    row = start_deadline(case, "example.decide", D(2025, 9, 30))  # due Tue 14 Oct
    flowkit.rebuild_work_items(ExampleFlow, case)
    return row


def at(year, month, day, hour=0):
    return timezone.make_aware(dt.datetime(year, month, day, hour), timezone.get_default_timezone())


def test_the_inbox_shows_the_new_due_date(case, people, decide_extendable):
    assert [i["due_at"] for i in inbox_for(people.committee)] == [end_of_day(D(2025, 10, 14))]
    extend(case, people.chair, "example.decide", 2)
    assert [i["due_at"] for i in inbox_for(people.committee)] == [end_of_day(D(2025, 10, 16))]
    assert [i["due_at"] for i in inbox_for(people.other_side)] == [end_of_day(D(2025, 10, 16))]


def test_reminders_fire_again_and_the_old_due_date_no_longer_expires(case, people, decide_extendable):
    assert timers.sweep(at(2025, 10, 13))["reminders"] == 1  # T−1 of 14 Oct: both offsets now sent
    extend(case, people.chair, "example.decide", 5)  # now due Tue 21 Oct
    assert open_row(case, "example.decide").reminders_sent == []
    counts = timers.sweep(at(2025, 10, 15))
    assert counts["transitions"] == counts["reminders"] == 0  # the old date passed: nothing fires
    assert ExampleRequest.objects.get(pk=case.pk).state == "submitted"
    assert timers.sweep(at(2025, 10, 18))["reminders"] == 1  # T−3 of 21 Oct
    assert timers.sweep(at(2025, 10, 20))["reminders"] == 1  # T−1
    assert timers.sweep(at(2025, 10, 21, 23))["transitions"] == 0
    assert timers.sweep(at(2025, 10, 22))["transitions"] == 1
    assert ExampleRequest.objects.get(pk=case.pk).state == "rejected"


# -- API ----------------------------------------------------------------------------------------


def api_url(case, rule_id):
    return f"/api/v1/examples/{case.pk}/deadlines/{rule_id}/extend/"


def test_api_extends_and_answers_refusals_with_their_status(case, people, api):
    start_deadline(case, "t.agreed", D(2025, 3, 3))
    url = f"/api/v1/examples/{case.pk}/deadlines/t.agreed/extension-requests/"
    r = api(people.member).post(url, {"days": 6, "reason": "r"}, format="json")
    assert r.status_code == 400 and "days" in r.json()["fields"]
    r = api(people.committee).post(url, {"days": 1, "reason": "r"}, format="json")
    assert r.status_code == 403
    r = api(people.beta_chair).post(url, {"days": 1, "reason": "r"}, format="json")
    assert r.status_code == 404
    r = api(people.member).post(api_url(case, "t.never"), {"days": 1, "reason": "r"}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "no_open_deadline"
    r = api(people.member).post(api_url(case, "t.agreed"), {"days": 1, "reason": "r", "consents": ["c2"]}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "consent_required"
    r = api(people.member).post(url, ["not", "an", "object"], format="json")
    assert r.status_code == 400
    assert [d["status"] for d in case_deadlines(case)] == ["open"]
    r = api(people.member).post(url, {"days": "5", "reason": "协商 Agreed"}, format="json")
    assert r.status_code == 201, r.json()
    r = api(people.other_side).post(f"/api/v1/extension-requests/{r.json()['id']}/consent/", format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "applied"
    assert open_row(case, "t.agreed").due_on == D(2025, 3, 18)
    assert case_deadlines(case)[-1] == {
        "rule_id": "t.agreed", "starts_on": "2025-03-03", "due_on": "2025-03-18", "status": "open",
        "escalated": False, "extended_from_due_on": "2025-03-13", "provisional": False,
    }
    assert case_events(case).last().channel == "api"
    detail = api(people.member).get(f"/api/v1/examples/{case.pk}/").json()
    assert [d["status"] for d in detail["deadlines"]] == ["extended", "open"]


def test_api_extends_on_approval(case, people, api):
    start_deadline(case, "t.approved", D(2025, 9, 26))
    r = api(people.chair).post(api_url(case, "t.approved"), {"days": "2", "reason": "忙 Busy"}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json() == {
        "rule_id": "t.approved", "starts_on": "2025-09-26", "due_on": "2025-10-13", "status": "open",
        "extended_from_due_on": "2025-10-10", "provisional": False,
    }


# -- UI -----------------------------------------------------------------------------------------


def ui_url(case, rule_id):
    return reverse("ui:examples:extend", kwargs={"pk": case.pk, "rule_id": rule_id})


def detail_page(client, user, case):
    client.force_login(user)
    return client.get(reverse("ui:examples:detail", kwargs={"pk": case.pk})).content.decode()


def test_the_extend_form_is_shown_only_to_who_could_extend(case, people, client):
    start_deadline(case, "t.approved", D(2025, 9, 26))
    start_deadline(case, "t.agreed", D(2025, 9, 26))
    start_deadline(case, "t.never", D(2025, 9, 26))
    chair = detail_page(client, people.chair, case)
    assert 'data-extend="t.approved"' in chair and 'data-extend="t.agreed"' not in chair
    member = detail_page(client, people.member, case)
    assert 'data-extend="t.agreed"' in member and 'data-extend="t.approved"' not in member
    committee = detail_page(client, people.committee, case)
    assert "data-extend=" not in committee
    assert 'data-extend="t.never"' not in chair + member


def test_ui_extends_through_the_service_and_a_refusal_shows_why(case, people, client):
    start_deadline(case, "t.approved", D(2025, 9, 26))
    client.force_login(people.chair)
    before = state(case)
    r = client.post(ui_url(case, "t.approved"), {"days": "11", "reason": "忙 Busy"})
    assert r.status_code == 400 and "1 至 10" in r.content.decode()
    assert state(case) == before
    r = client.post(ui_url(case, "t.approved"), {"days": "2", "reason": "忙 Busy"})
    assert r.status_code == 302
    assert open_row(case, "t.approved").due_on == D(2025, 10, 13)  # 11 Oct is a make-up Saturday
    event = case_events(case).last()
    assert (event.action, event.channel) == ("deadline_extend", "ui")
    page = detail_page(client, people.chair, case)
    assert "2025-10-13" in page and "2025-10-10" in page and "已延长 Extended" in page
    assert "延长期限 Deadline extended" in page  # the timeline names the event


def test_ui_request_then_consent_extends(case, people, client):
    start_deadline(case, "t.agreed", D(2025, 3, 3))
    client.force_login(people.member)
    url = reverse("ui:examples:extension_request", kwargs={"pk": case.pk, "rule_id": "t.agreed"})
    r = client.post(url, {"days": "1", "reason": "协商 Agreed"})
    assert r.status_code == 302
    assert open_row(case, "t.agreed").due_on == D(2025, 3, 13)  # nothing extended yet
    req = ExtensionRequest.objects.get()
    client.force_login(people.other_side)
    r = client.post(
        reverse("ui:examples:extension_answer", kwargs={"pk": case.pk, "request_id": req.pk, "verb": "consent"})
    )
    assert r.status_code == 302
    assert open_row(case, "t.agreed").due_on == D(2025, 3, 14)
    assert [c["user"] for c in case_events(case).last().payload["consents"]] == ["m1", "c2"]
