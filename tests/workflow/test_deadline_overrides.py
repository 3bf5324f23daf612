"""An organisation's own length of an adjustable deadline rule: who may set it, what is refused,
that it is audited, and that loading a holiday calendar is audited too."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType

from tests.support.rules import rules_registered
from workflow.audit import chain_valid
from workflow.calendar.models import CalendarYear
from workflow.deadlines.rules import DeadlineRule, Unit, compute_due
from workflow.models import AuditEvent, Delegation, Organisation
from workflow.roles import Role

pytestmark = pytest.mark.django_db
D = dt.date

RULES = [
    DeadlineRule("t.notice", "测试：公示期 Public notice", 5, Unit.WORKING_DAYS, "publication", adjustable=True),
    DeadlineRule("t.statutory", "《集体合同规定》第三十二条", 20, Unit.CALENDAR_DAYS, "offer", statutory=True),
]


@pytest.fixture(autouse=True)
def test_rules(db):
    with rules_registered(RULES):
        yield


@pytest.fixture
def people(orgs, make_user):
    return type("People", (), {
        "chair": make_user("chair", Role.CHAIR, org=orgs.acme),
        "beta_chair": make_user("betachair", (Role.CHAIR, orgs.beta)),
        "fed_admin": make_user("fedadmin", (Role.ADMIN, orgs.fed)),
        "member": make_user("member", Role.MEMBER, org=orgs.acme),
        "committee": make_user("committee", Role.UNION_COMMITTEE, org=orgs.acme),
    })


def org_events(organisation):
    return AuditEvent.objects.filter(
        case_type=ContentType.objects.get_for_model(Organisation), case_id=organisation.pk
    ).order_by("seq")


def post(api, user, rule_id, body):
    return api(user).post(f"/api/v1/deadline-rules/{rule_id}/override/", body, format="json")


def test_the_chair_sets_the_length_and_it_is_audited(api, orgs, people):
    r = post(api, people.chair, "t.notice", {"organisation": "acme", "n": 7})
    assert r.status_code == 200, r.content
    assert (r.json()["n"], r.json()["effective_n"]) == (5, 7)
    orgs.acme.refresh_from_db()
    assert compute_due("t.notice", D(2025, 3, 3), orgs.acme) == D(2025, 3, 12)  # 7 working days
    assert compute_due("t.notice", D(2025, 3, 3), orgs.beta) == D(2025, 3, 10)  # others keep 5
    [event] = org_events(orgs.acme)
    assert (event.action, event.actor, event.actor_role, event.channel) == ("deadline_override", people.chair, "chair", "api")
    assert event.payload == {"rule_id": "t.notice", "from": 5, "to": 7, "restored_default": False}
    assert event.case_ref == "org:acme" and chain_valid(orgs.acme)
    assert event.organisation_id == orgs.acme.pk  # so an auditor's export of acme includes it

    r = post(api, people.chair, "t.notice", {"organisation": "acme", "n": None})
    assert r.status_code == 200 and r.json()["effective_n"] == 5
    assert [e.payload["to"] for e in org_events(orgs.acme)] == [7, 5]


def test_an_administrator_above_may_set_it_too(api, orgs, people):
    assert post(api, people.fed_admin, "t.notice", {"organisation": "acme", "n": 6}).status_code == 200
    assert org_events(orgs.acme).get().actor_role == "admin"


@pytest.mark.parametrize("who", ["member", "committee", "beta_chair"])
def test_anyone_else_is_refused_and_nothing_changes(api, orgs, people, who):
    r = post(api, getattr(people, who), "t.notice", {"organisation": "acme", "n": 9})
    assert r.status_code == 403
    orgs.acme.refresh_from_db()
    assert orgs.acme.settings == {} and not org_events(orgs.acme).exists()


def test_a_delegated_chair_role_does_not_set_it(api, orgs, people, make_user):
    deputy = make_user("deputy", (Role.CHAIR, orgs.beta))
    now = dt.datetime.now(dt.UTC)
    Delegation.objects.create(
        delegator=people.chair, delegate=deputy, organisation=orgs.acme, role=Role.CHAIR,
        starts_at=now - dt.timedelta(days=1), ends_at=now + dt.timedelta(days=1), reason="休假 leave",
    )
    from workflow import policy

    # The deputy does act as ACME's chair on cases, on the chair's behalf...
    assert policy.grant_for(deputy, orgs.acme, {Role.CHAIR}).on_behalf_of_id == people.chair.pk
    # ...but an organisation's settings are changed only by someone holding the role in their own right.
    assert post(api, deputy, "t.notice", {"organisation": "acme", "n": 9}).status_code == 403


@pytest.mark.parametrize(
    "rule_id,body,field",
    [
        ("t.statutory", {"organisation": "acme", "n": 30}, "rule_id"),
        ("t.unknown", {"organisation": "acme", "n": 3}, "rule_id"),
        ("t.notice", {"organisation": "acme", "n": 0}, "n"),
        ("t.notice", {"organisation": "acme", "n": "7"}, "n"),
        ("t.notice", {"organisation": "acme"}, "n"),
        ("t.notice", {"organisation": "nowhere", "n": 3}, "organisation"),
        ("t.notice", {"organisation": "99999999999999999999999", "n": 3}, "organisation"),
    ],
)
def test_bad_input_is_a_400_and_nothing_changes(api, orgs, people, rule_id, body, field):
    r = post(api, people.chair, rule_id, body)
    assert r.status_code == 400, r.content
    assert field in r.json()["fields"]
    orgs.acme.refresh_from_db()
    assert orgs.acme.settings == {} and not org_events(orgs.acme).exists()


def test_the_rules_page_offers_the_form_to_the_chair_only(client, orgs, people):
    client.force_login(people.member)
    assert 'id="overrides"' not in client.get("/calendar/").content.decode()
    r = client.post("/calendar/overrides/", {"organisation": orgs.acme.pk, "rule_id": "t.notice", "n": "8"})
    assert r.status_code == 403
    orgs.acme.refresh_from_db()
    assert orgs.acme.settings == {}

    client.force_login(people.chair)
    assert 'id="overrides"' in client.get("/calendar/").content.decode()
    r = client.post("/calendar/overrides/", {"organisation": orgs.acme.pk, "rule_id": "t.notice", "n": "8"})
    assert r.status_code == 302
    page = client.get("/calendar/").content.decode()
    assert "<strong>8</strong>" in page and "5 → 8" in page  # in force, and in the change history
    r = client.post("/calendar/overrides/", {"organisation": orgs.acme.pk, "rule_id": "t.statutory", "n": "30"})
    assert r.status_code == 400 and "may not be changed" in r.content.decode()
    client.post("/calendar/overrides/", {"organisation": orgs.acme.pk, "rule_id": "t.notice", "action": "restore"})
    orgs.acme.refresh_from_db()
    assert compute_due("t.notice", D(2025, 3, 3), orgs.acme) == D(2025, 3, 10)


def test_loading_a_calendar_is_audited_on_the_year(api, orgs, people):
    arrangement = {"year": 2031, "source": "测试 Test", "days": [{"name": "元旦", "kind": "holiday", "date": "2031-01-01"}]}
    assert api(people.fed_admin).post("/api/v1/calendar/", {"arrangement": arrangement}, format="json").status_code == 201
    arrangement["days"].append({"name": "元旦", "kind": "holiday", "date": "2031-01-02"})
    assert api(people.fed_admin).post("/api/v1/calendar/", {"arrangement": arrangement}, format="json").status_code == 201
    year = CalendarYear.objects.get(year=2031)
    events = list(AuditEvent.objects.filter(case_ref="calendar:2031").order_by("seq"))
    assert [(e.action, e.actor, e.channel) for e in events] == [("calendar_import", people.fed_admin, "api")] * 2
    assert (events[0].payload["replaces"], events[0].payload["added"]) == (False, ["2031-01-01"])
    assert (events[1].payload["replaces"], events[1].payload["added"]) == (True, ["2031-01-02"])
    assert chain_valid(year)


def test_a_rule_length_in_unicode_digits_is_refused_on_the_page_not_a_server_error(client, orgs, people):
    client.force_login(people.chair)
    r = client.post("/calendar/overrides/", {"organisation": orgs.acme.pk, "rule_id": "t.notice", "n": "²"})
    assert r.status_code == 400, r.status_code
    orgs.acme.refresh_from_db()
    assert orgs.acme.settings == {} and not org_events(orgs.acme).exists()
