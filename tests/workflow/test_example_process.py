"""A throwaway process plugs in through the registry, without touching workflow/."""

import pytest

from tests.example_process.models import ExampleRequest
from workflow import flowkit
from workflow.audit import case_events, chain_valid
from workflow.models import WorkItem
from workflow.roles import Role


@pytest.fixture
def people(orgs, make_user):
    return type(
        "People",
        (),
        {
            "member": make_user("m1", Role.MEMBER, org=orgs.acme),
            "committee": make_user("c1", Role.UNION_COMMITTEE, Role.MEMBER, org=orgs.acme),
            "outsider": make_user("b1", Role.MEMBER, org=orgs.beta),
            "auditor": make_user("aud", (Role.AUDITOR, orgs.fed)),
        },
    )


def create(api, user, **data):
    payload = {"organisation": "acme", "title": "Lamp", "amount": 100, **data}
    return api(user).post("/api/v1/examples/", payload, format="json")


def test_walk_creates_one_event_per_step_and_flow_follows_state(people, api):
    r = create(api, people.member)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["state"] == "draft" and body["reference"].startswith("ACME-EX-")
    case = ExampleRequest.objects.get(pk=body["id"])
    assert flowkit.position(case) == "draft"

    r = api(people.member).post(f"/api/v1/examples/{case.pk}/transitions/submit/", {}, format="json")
    assert r.status_code == 200, r.content
    case.refresh_from_db()
    assert case.state == "submitted" and case.version == 2
    assert flowkit.position(case) == "decide"
    assert WorkItem.objects.filter(case_id=case.pk, role=Role.UNION_COMMITTEE).count() == 1

    inbox = api(people.committee).get("/api/v1/inbox/").json()
    assert [i["reference"] for i in inbox["results"]] == [case.reference]

    r = api(people.committee).post(f"/api/v1/examples/{case.pk}/transitions/approve/", {}, format="json")
    assert r.status_code == 200, r.content
    case.refresh_from_db()
    assert case.state == "approved"
    assert flowkit.position(case) is None
    assert case.process.status == "DONE"
    assert [e.action for e in case_events(case)] == ["create", "submit", "approve"]
    assert chain_valid(case)
    history = api(people.auditor).get(f"/api/v1/examples/{case.pk}/history/").json()
    assert history["chain_valid"] is True and len(history["events"]) == 3


def test_outsider_gets_404_and_role_without_power_gets_403(people, api):
    case_id = create(api, people.member).json()["id"]
    assert api(people.outsider).get(f"/api/v1/examples/{case_id}/").status_code == 404
    r = api(people.outsider).post(f"/api/v1/examples/{case_id}/transitions/submit/", {}, format="json")
    assert r.status_code == 404
    r = api(people.committee).post(f"/api/v1/examples/{case_id}/transitions/submit/", {}, format="json")
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    case = ExampleRequest.objects.get(pk=case_id)
    assert case.state == "draft" and case.version == 1
    assert case_events(case).count() == 1


def test_wrong_state_stale_version_bad_input_and_guard(people, api):
    case_id = create(api, people.member).json()["id"]
    url = f"/api/v1/examples/{case_id}/transitions/"
    r = api(people.committee).post(url + "approve/", {}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "transition_not_allowed"
    r = api(people.member).post(url + "submit/", {"expected_version": 7}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "stale_version"
    assert api(people.member).post(url + "submit/", {"expected_version": 1}, format="json").status_code == 200
    r = api(people.committee).post(url + "reject/", {"reason": ""}, format="json")
    assert r.status_code == 400 and "reason" in r.json()["fields"]
    r = api(people.member).post("/api/v1/examples/", {"organisation": "acme", "title": ""}, format="json")
    assert r.status_code == 400 and set(r.json()["fields"]) >= {"title", "amount"}
    big = create(api, people.member, amount=6000).json()["id"]
    api(people.member).post(f"/api/v1/examples/{big}/transitions/submit/", {}, format="json")
    r = api(people.committee).post(f"/api/v1/examples/{big}/transitions/approve/", {}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "guard_failed" and r.json()["rule"] == "example.limit"
    assert ExampleRequest.objects.get(pk=big).state == "submitted"


def test_transitions_list_and_auth(people, api):
    case_id = create(api, people.member).json()["id"]
    r = api(people.member).get(f"/api/v1/examples/{case_id}/transitions/").json()
    assert [t["name"] for t in r["transitions"]] == ["submit"]
    assert api(people.committee).get(f"/api/v1/examples/{case_id}/transitions/").json()["transitions"] == []
    assert api().get("/api/v1/examples/").status_code == 401
    r = api().post("/api/v1/auth/token/", {"username": "m1", "password": "pw-secret-1"}, format="json")
    token = r.json()["token"]
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + token)
    assert client.get("/api/v1/examples/").json()["count"] == 1
    assert api(people.outsider).get("/api/v1/examples/").json()["count"] == 0
    assert api(people.auditor).get("/api/v1/examples/").json()["count"] == 1


def test_committee_member_may_not_approve_own_case(people, api):
    case_id = create(api, people.committee).json()["id"]
    api(people.committee).post(f"/api/v1/examples/{case_id}/transitions/submit/", {}, format="json")
    r = api(people.committee).post(f"/api/v1/examples/{case_id}/transitions/approve/", {}, format="json")
    assert r.status_code == 403


def test_me_shows_roles_and_masks_personal_data(people, api):
    """A member sees their roles; their ID number and phone come back masked."""
    profile = people.member.profile
    profile.id_number, profile.phone = "110101199001011234", "13800138000"
    profile.save()
    body = api(people.member).get("/api/v1/me/").json()
    assert body["username"] == "m1"
    assert body["profile"]["id_number"] == "110***********1234"
    assert body["profile"]["phone"] == "138****8000"
    assert "110101199001011234" not in str(body) and "13800138000" not in str(body)
    assert [r["role"] for r in body["roles"]] == ["member"]
    assert api().get("/api/v1/me/").status_code == 401


def test_nobody_is_told_of_a_step_they_just_opened_for_themselves(people, api, django_capture_on_commit_callbacks):
    """Creating a draft does not notify its creator; submitting it notifies the committee."""
    from workflow.notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        case_id = create(api, people.member).json()["id"]
    assert not Notification.objects.filter(user=people.member, kind="new_task").exists()
    with django_capture_on_commit_callbacks(execute=True):
        api(people.member).post(f"/api/v1/examples/{case_id}/transitions/submit/", {}, format="json")
    assert Notification.objects.filter(user=people.committee, kind="new_task").count() == 1
    assert not Notification.objects.filter(user=people.member, kind="new_task").exists()
