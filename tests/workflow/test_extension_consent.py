"""Extending a deadline by both parties' consent: each party agrees for themself.

A party requests (their own consent recorded), every other party consents, and the last
consent applies the extension once; a decline or withdrawal ends the request with nothing
extended; a request whose deadline stopped being open lapses when touched. Driven against
the example process with test-only rules.
"""

import datetime as dt

import pytest
from django.urls import reverse

from tests.example_process.models import ExampleRequest
from tests.support.db import ensure_calendar_loaded
from tests.support.rules import EXTENSION_TEST_RULES, rules_registered
from workflow import services
from workflow.audit import case_events, chain_valid
from workflow.deadlines import case_deadlines, close_deadline, start_deadline
from workflow.deadlines.extension_requests import (
    deadline_extension_consent,
    deadline_extension_decline,
    deadline_extension_request,
    deadline_extension_withdraw,
)
from workflow.deadlines.extensions import deadline_extend
from workflow.errors import ActionForbidden, GuardFailed, InvalidInput, NotVisible
from workflow.models import CaseDeadline, ExtensionConsent, ExtensionRequest
from workflow.notifications.models import Notification
from workflow.roles import Role

pytestmark = pytest.mark.django_db
D = dt.date
PENDING, APPLIED = ExtensionRequest.Status.PENDING, ExtensionRequest.Status.APPLIED


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
            "third": make_user("c3", Role.UNION_COMMITTEE, org=orgs.acme),
            "chair": make_user("ch", Role.CHAIR, org=orgs.acme),
            "beta_chair": make_user("bch", Role.CHAIR, org=orgs.beta),
        },
    )


def make_case(people, monkeypatch, *extra_parties):
    created = services.create_case(
        process="examples", user=people.member, data={"organisation": "acme", "title": "t", "amount": 1}
    )
    services.perform_transition(process="examples", case_id=created.pk, name="submit", user=people.member)
    others = {people.other_side.pk, *(u.pk for u in extra_parties)}
    monkeypatch.setattr(ExampleRequest, "parties", lambda self: {self.created_by_id, *others})
    case = ExampleRequest.objects.get(pk=created.pk)
    start_deadline(case, "t.agreed", D(2025, 3, 3))  # due Thu 13 Mar
    return case


@pytest.fixture
def case(people, monkeypatch):
    """Two parties: the proposer ``m1`` and ``c2``; an open ``t.agreed`` deadline due 13 Mar 2025."""
    return make_case(people, monkeypatch)


def request(case, user, days=3, reason="双方协商 Agreed by both sides", rule_id="t.agreed"):
    return deadline_extension_request(
        process="examples", case_id=case.pk, rule_id=rule_id, user=user, days=days, reason=reason
    )


def open_due(case, rule_id="t.agreed"):
    return CaseDeadline.objects.get(case_id=case.pk, rule_id=rule_id, status=CaseDeadline.Status.OPEN).due_on


def written(case):
    """Everything a refusal must leave untouched."""
    return (
        case_deadlines(case),
        case_events(case).count(),
        list(ExtensionRequest.objects.values_list("pk", "status", "decided_at")),
        ExtensionConsent.objects.count(),
    )


def actions(case):
    return [e.action for e in case_events(case)]


# -- the full flow -------------------------------------------------------------------------------


def test_the_other_partys_consent_applies_the_extension_once(case, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        req = request(case, people.member)
    assert open_due(case) == D(2025, 3, 13)  # nothing extended on one party's word
    assert req.status == PENDING and [c.user_id for c in req.consents.all()] == [people.member.pk]
    assert actions(case)[-1] == "deadline_extension_request"
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["c2"]

    with django_capture_on_commit_callbacks(execute=True):
        deadline_extension_consent(request_id=req.pk, user=people.other_side)
    assert open_due(case) == D(2025, 3, 17)  # 13 Mar + 3 is Sunday 16: the next working day
    req.refresh_from_db()
    assert req.status == APPLIED and req.decided_at is not None
    assert actions(case)[-3:] == ["deadline_extension_request", "deadline_extension_consent", "deadline_extend"]
    assert actions(case).count("deadline_extend") == 1
    event = case_events(case).last()
    assert event.actor_id == people.other_side.pk and event.payload["request_id"] == req.pk
    consents = {c.user.username: c.consented_at.isoformat() for c in req.consents.select_related("user")}
    assert event.payload["consents"] == [{"user": "m1", "at": consents["m1"]}, {"user": "c2", "at": consents["c2"]}]
    assert chain_valid(case)
    # The applied request is over: consenting again extends nothing more.
    with pytest.raises(GuardFailed) as exc:
        deadline_extension_consent(request_id=req.pk, user=people.other_side)
    assert exc.value.code == "extension_closed"
    assert open_due(case) == D(2025, 3, 17) and actions(case).count("deadline_extend") == 1


def test_a_third_party_blocks_until_everyone_has_consented(people, monkeypatch):
    case = make_case(people, monkeypatch, people.third)
    req = request(case, people.member)
    deadline_extension_consent(request_id=req.pk, user=people.other_side)
    assert open_due(case) == D(2025, 3, 13)
    req.refresh_from_db()
    assert req.status == PENDING and "deadline_extend" not in actions(case)
    deadline_extension_consent(request_id=req.pk, user=people.third)
    assert open_due(case) == D(2025, 3, 17)
    assert [c["user"] for c in case_events(case).last().payload["consents"]] == ["m1", "c2", "c3"]


def test_a_sole_party_agrees_with_themself(people, monkeypatch):
    case = make_case(people, monkeypatch)
    monkeypatch.setattr(ExampleRequest, "parties", lambda self: {self.created_by_id})
    req = request(case, people.member, days=1)
    assert req.status == APPLIED and open_due(case) == D(2025, 3, 14)


# -- refusals change nothing ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ["member", "other_side"])
def test_consenting_twice_is_a_conflict(people, monkeypatch, who):
    case = make_case(people, monkeypatch, people.third)
    req = request(case, people.member)
    if who == "other_side":
        deadline_extension_consent(request_id=req.pk, user=people.other_side)
    before = written(case)
    with pytest.raises(GuardFailed) as exc:
        deadline_extension_consent(request_id=req.pk, user=getattr(people, who))
    assert (exc.value.status, exc.value.code) == (409, "already_consented")
    assert written(case) == before


@pytest.mark.parametrize(
    "who, error", [("committee", ActionForbidden), ("chair", ActionForbidden), ("beta_chair", NotVisible)]
)
@pytest.mark.parametrize("verb", ["consent", "decline", "withdraw"])
def test_a_non_party_is_refused_and_an_outsider_sees_nothing(case, people, who, error, verb):
    req = request(case, people.member)
    before = written(case)
    service = {
        "consent": deadline_extension_consent, "decline": deadline_extension_decline,
        "withdraw": deadline_extension_withdraw,
    }[verb]
    with pytest.raises(error):
        service(request_id=req.pk, user=getattr(people, who))
    assert written(case) == before


@pytest.mark.parametrize("request_id", [0, -1, "abc", None, 10**30, "1; drop"])
def test_an_unknown_request_is_not_found(case, people, request_id):
    with pytest.raises(NotVisible):
        deadline_extension_consent(request_id=request_id, user=people.other_side)


def test_a_second_pending_request_for_the_deadline_is_a_conflict(case, people):
    req = request(case, people.member)
    before = written(case)
    for who in (people.member, people.other_side):
        with pytest.raises(GuardFailed) as exc:
            request(case, who, days=1)
        assert (exc.value.status, exc.value.code) == (409, "extension_pending")
    assert written(case) == before
    deadline_extension_withdraw(request_id=req.pk, user=people.member)
    assert request(case, people.other_side, days=1).status == PENDING  # once ended, a new one may start


# -- decline, withdraw ---------------------------------------------------------------------------


def test_a_decline_ends_the_request_and_nothing_is_extended(case, people):
    req = request(case, people.member)
    deadline_extension_decline(request_id=req.pk, user=people.other_side, reason="不同意 No")
    req.refresh_from_db()
    assert req.status == ExtensionRequest.Status.DECLINED and req.decided_at is not None
    assert open_due(case) == D(2025, 3, 13) and [d["status"] for d in case_deadlines(case)] == ["open"]
    event = case_events(case).last()
    assert (event.action, event.actor_id, event.payload["reason"]) == (
        "deadline_extension_decline", people.other_side.pk, "不同意 No",
    )
    before = written(case)
    with pytest.raises(GuardFailed) as exc:
        deadline_extension_consent(request_id=req.pk, user=people.other_side)
    assert exc.value.code == "extension_closed" and "已拒绝 Declined" in exc.value.detail
    assert written(case) == before


def test_the_requester_withdraws_and_nobody_else_may(case, people):
    req = request(case, people.member)
    before = written(case)
    with pytest.raises(ActionForbidden):
        deadline_extension_withdraw(request_id=req.pk, user=people.other_side)
    with pytest.raises(ActionForbidden):
        deadline_extension_decline(request_id=req.pk, user=people.member)  # the requester withdraws instead
    with pytest.raises(InvalidInput):
        deadline_extension_decline(request_id=req.pk, user=people.other_side, reason="x" * 2001)
    assert written(case) == before
    deadline_extension_withdraw(request_id=req.pk, user=people.member)
    req.refresh_from_db()
    assert req.status == ExtensionRequest.Status.WITHDRAWN
    assert actions(case)[-1] == "deadline_extension_withdraw" and open_due(case) == D(2025, 3, 13)
    with pytest.raises(GuardFailed):
        deadline_extension_consent(request_id=req.pk, user=people.other_side)
    assert "deadline_extend" not in actions(case)


# -- lapse ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("status, label", [("expired", "已到期 Expired"), ("met", "已完成 Met")])
def test_a_request_whose_deadline_is_no_longer_open_lapses_when_touched(case, people, status, label):
    req = request(case, people.member)
    close_deadline(case, "t.agreed", status=status)
    with pytest.raises(GuardFailed) as exc:
        deadline_extension_consent(request_id=req.pk, user=people.other_side)
    assert (exc.value.status, exc.value.code) == (409, "extension_lapsed") and label in exc.value.detail
    req.refresh_from_db()
    assert req.status == ExtensionRequest.Status.LAPSED  # kept although the answer is a refusal
    assert actions(case)[-1] == "deadline_extension_lapse"
    assert req.consents.count() == 1 and "deadline_extend" not in actions(case)
    assert [d["status"] for d in case_deadlines(case)] == [status]
    with pytest.raises(GuardFailed) as exc:
        deadline_extension_withdraw(request_id=req.pk, user=people.member)
    assert exc.value.code == "extension_closed"


# -- approval is unchanged -----------------------------------------------------------------------


def test_an_approval_rule_takes_no_request_and_the_chair_still_extends(case, people):
    start_deadline(case, "t.approved", D(2025, 9, 26))  # due 10 Oct
    before = written(case)
    with pytest.raises(GuardFailed) as exc:
        request(case, people.member, rule_id="t.approved")
    assert exc.value.code == "extension_by_approval"
    assert written(case) == before
    row = deadline_extend(process="examples", case_id=case.pk, rule_id="t.approved", user=people.chair, days=2, reason="r")
    assert row.due_on == D(2025, 10, 13)
    assert case_events(case).last().payload["consents"] == []


# -- API -----------------------------------------------------------------------------------------


def test_api_request_list_consent_and_refusals(case, people, api):
    base = f"/api/v1/examples/{case.pk}"
    r = api(people.member).post(f"{base}/deadlines/t.agreed/extension-requests/", {"days": 2, "reason": "r"}, format="json")
    assert r.status_code == 201, r.json()
    body = r.json()
    assert (body["status"], body["requested_by"], body["due_on"], body["days"]) == ("pending", "m1", "2025-03-13", 2)
    rid = body["id"]
    r = api(people.other_side).post(f"{base}/deadlines/t.agreed/extension-requests/", {"days": 1, "reason": "r"}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "extension_pending"
    assert api(people.beta_chair).get(f"{base}/extension-requests/").status_code == 404
    assert [x["id"] for x in api(people.committee).get(f"{base}/extension-requests/").json()] == [rid]
    before = written(case)
    assert api(people.beta_chair).post(f"/api/v1/extension-requests/{rid}/consent/").status_code == 404
    assert api(people.committee).post(f"/api/v1/extension-requests/{rid}/consent/").status_code == 403
    assert api(people.other_side).post(f"/api/v1/extension-requests/{rid}/withdraw/").status_code == 403
    assert api(people.other_side).post("/api/v1/extension-requests/abc/consent/").status_code == 404
    assert written(case) == before
    r = api(people.other_side).post(f"/api/v1/extension-requests/{rid}/consent/")
    assert r.status_code == 200 and r.json()["status"] == "applied"
    assert [c["user"] for c in r.json()["consents"]] == ["m1", "c2"]
    assert open_due(case) == D(2025, 3, 17)  # Sat 15 rolls to Mon 17
    assert case_events(case).last().channel == "api"


def test_api_decline(case, people, api):
    rid = request(case, people.member).pk
    r = api(people.other_side).post(f"/api/v1/extension-requests/{rid}/decline/", {"reason": "不 No"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "declined"
    assert open_due(case) == D(2025, 3, 13)


# -- UI ------------------------------------------------------------------------------------------


def page(client, user, case):
    client.force_login(user)
    return client.get(reverse("ui:examples:detail", kwargs={"pk": case.pk})).content.decode()


def answer_url(case, req, verb):
    return reverse("ui:examples:extension_answer", kwargs={"pk": case.pk, "request_id": req.pk, "verb": verb})


def test_the_case_page_shows_each_party_their_buttons(case, people, client):
    assert "申请延长 Request extension" in page(client, people.member, case)
    req = request(case, people.member)
    requester = page(client, people.member, case)
    assert 'data-extension-answer="withdraw"' in requester and 'data-extension-answer="consent"' not in requester
    other = page(client, people.other_side, case)
    assert 'data-extension-answer="consent"' in other and 'data-extension-answer="decline"' in other
    assert 'data-extension-answer="withdraw"' not in other
    assert "data-extension-answer" not in page(client, people.committee, case)
    assert "申请延长期限 Extension requested" in other  # the timeline names the event
    client.force_login(people.other_side)
    r = client.post(answer_url(case, req, "decline"), {"reason": "不 No"})
    assert r.status_code == 302
    req.refresh_from_db()
    assert req.status == ExtensionRequest.Status.DECLINED
    assert "data-extension-answer" not in page(client, people.other_side, case)


def test_ui_refusals_show_why_and_change_nothing(case, people, client):
    req = request(case, people.member)
    before = written(case)
    client.force_login(people.committee)
    r = client.post(answer_url(case, req, "consent"))
    assert r.status_code == 403 and "只有当事双方" in r.content.decode()
    client.force_login(people.beta_chair)
    assert client.post(answer_url(case, req, "consent")).status_code == 404
    client.force_login(people.other_side)
    assert client.post(answer_url(case, req, "approve")).status_code == 404
    assert written(case) == before
    r = client.post(answer_url(case, req, "consent"))
    assert r.status_code == 302 and open_due(case) == D(2025, 3, 17)
