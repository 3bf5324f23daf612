"""Delegation: B acts for A and the audit says so; no way around separation of duties."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from tests.example_process.models import ExampleRequest
from workflow import services
from workflow.audit import case_events, chain_valid
from workflow.delegation import (
    ALREADY_ENDED,
    DELEGATE_NOT_HOLDER,
    ENDS_BEFORE_START,
    NOT_ROLE_HOLDER,
    NOT_TO_SELF,
    delegation_create,
    delegation_end,
)
from workflow.errors import ActionForbidden, InvalidInput, NotVisible, TransitionNotAllowed
from workflow.models import Delegation
from workflow.roles import Role

pytestmark = pytest.mark.django_db

CM = Role.UNION_COMMITTEE


@pytest.fixture
def people(orgs, make_user):
    """A sits on ACME's committee; B on BETA's (same role, elsewhere) and is an ACME member."""
    return type(
        "People",
        (),
        {
            "a": make_user("a", CM, Role.MEMBER, org=orgs.acme),
            "b": make_user("b", (CM, orgs.beta), (Role.MEMBER, orgs.acme)),
            "member": make_user("m1", Role.MEMBER, org=orgs.acme),
            "stranger": make_user("s1", Role.MEMBER, org=orgs.acme),
            "chair": make_user("chair", Role.CHAIR, org=orgs.acme),
        },
    )


def delegate(people, orgs, *, days=7, start=None, **kw):
    start = start or timezone.now() - dt.timedelta(minutes=1)
    return delegation_create(
        delegator=people.a, delegate=people.b, organisation=orgs.acme, role=CM,
        starts_at=start, ends_at=start + dt.timedelta(days=days), reason="休假 On leave", **kw,
    )


def submitted_case(user):
    case = services.create_case(
        process="examples", user=user, data={"organisation": "acme", "title": "Lamp", "amount": 100}
    )
    services.perform_transition(process="examples", case_id=case.pk, name="submit", user=user)
    return case


def approve(case, user):
    # A fresh user object, as in a new request: policy caches a user's grants on the instance.
    user = get_user_model().objects.get(pk=user.pk)
    return services.perform_transition(process="examples", case_id=case.pk, name="approve", user=user)


def assert_untouched(case):
    case = ExampleRequest.objects.get(pk=case.pk)
    assert case.state == "submitted" and case.version == 2
    assert [e.action for e in case_events(case)] == ["create", "submit"]


def test_b_acting_under_delegation_is_audited_as_b_on_behalf_of_a(orgs, people):
    case = submitted_case(people.member)
    with pytest.raises(NotVisible):  # without the delegation B has no say at ACME
        approve(case, people.b)
    delegate(people, orgs)
    approve(case, people.b)
    event = case_events(case).last()
    assert event.action == "approve"
    assert event.actor == people.b and event.on_behalf_of == people.a
    assert event.actor_role == CM and event.payload["delegation"] == {"on_behalf_of": "a"}
    assert chain_valid(case)


def test_delegation_never_lets_b_act_on_bs_own_case(orgs, people):
    case = submitted_case(people.b)
    delegate(people, orgs)
    with pytest.raises(ActionForbidden):
        approve(case, people.b)
    assert_untouched(case)


def test_delegation_never_lets_b_act_on_a_case_a_created(orgs, people):
    """Separation of duties follows the delegator: B may not decide A's own case for A."""
    case = submitted_case(people.a)
    delegate(people, orgs)
    with pytest.raises(ActionForbidden):
        approve(case, people.b)
    assert_untouched(case)


def test_expired_delegation_gives_nothing(orgs, people):
    case = submitted_case(people.member)
    row = delegate(people, orgs)
    Delegation.objects.filter(pk=row.pk).update(ends_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(NotVisible):
        approve(case, people.b)
    assert_untouched(case)


def test_delegation_not_yet_started_gives_nothing(orgs, people):
    case = submitted_case(people.member)
    delegate(people, orgs, start=timezone.now() + dt.timedelta(days=1))
    with pytest.raises(NotVisible):
        approve(case, people.b)
    assert_untouched(case)


def test_ended_delegation_gives_nothing_and_both_steps_are_audited(orgs, people):
    case = submitted_case(people.member)
    row = delegate(people, orgs)
    delegation_end(delegation=row, user=people.a)
    with pytest.raises(NotVisible):
        approve(case, people.b)
    assert_untouched(case)
    events = list(case_events(row))
    assert [e.action for e in events] == ["delegation_create", "delegation_end"]
    assert all(e.actor == people.a for e in events)
    assert events[0].payload["delegation"]["delegate"] == "b"
    assert chain_valid(row)


def test_delegator_who_loses_the_role_passes_on_nothing(orgs, people):
    case = submitted_case(people.member)
    delegate(people, orgs)
    people.a.role_assignments.filter(role=CM).update(valid_to=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(NotVisible):
        approve(case, people.b)
    assert_untouched(case)


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"delegate": "a"}, "delegate", NOT_TO_SELF),
        ({"delegate": "m1"}, "delegate", DELEGATE_NOT_HOLDER),  # holds no committee seat anywhere
        ({"delegator": "m1"}, "role", NOT_ROLE_HOLDER),
        ({"role": Role.CHAIR}, "role", NOT_ROLE_HOLDER),
        ({"ends_at": 0}, "ends_at", ENDS_BEFORE_START),
        ({"ends_at": -1}, "ends_at", ENDS_BEFORE_START),
    ],
)
def test_invalid_delegations_are_refused_and_nothing_is_written(orgs, people, change, field, message):
    users = {"a": people.a, "b": people.b, "m1": people.member}
    start = timezone.now()
    kwargs = {
        "delegator": people.a, "delegate": people.b, "organisation": orgs.acme, "role": CM,
        "starts_at": start, "ends_at": start + dt.timedelta(days=1), "reason": "",
    }
    for key, value in change.items():
        kwargs[key] = start + dt.timedelta(days=value) if key == "ends_at" else users.get(value, value)
    with pytest.raises(InvalidInput) as err:
        delegation_create(**kwargs)
    assert err.value.fields == {field: [str(message)]}
    assert Delegation.objects.count() == 0


def test_only_delegator_or_chair_may_end_and_not_twice(orgs, people):
    row = delegate(people, orgs)
    for outsider in (people.b, people.stranger):
        with pytest.raises(ActionForbidden):
            delegation_end(delegation=row, user=outsider)
    row.refresh_from_db()
    assert row.revoked_at is None and case_events(row).count() == 1
    delegation_end(delegation=row, user=people.chair)
    with pytest.raises(TransitionNotAllowed) as err:
        delegation_end(delegation=row, user=people.a)
    assert err.value.detail == str(ALREADY_ENDED)
    events = list(case_events(row))
    assert [(e.action, e.actor.username, e.actor_role) for e in events] == [
        ("delegation_create", "a", CM), ("delegation_end", "chair", Role.CHAIR),
    ]


# --- the API ---------------------------------------------------------------------------


def test_api_create_list_end(orgs, people, api):
    ends = (timezone.now() + dt.timedelta(days=5)).isoformat()
    r = api(people.a).post(
        "/api/v1/delegations/",
        {"delegate": "b", "organisation": "acme", "role": CM, "ends_at": ends, "reason": "出差 Travel"},
        format="json",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["delegator"] == "a" and body["delegate"] == "b" and body["active"] is True
    row = Delegation.objects.get(pk=body["id"])
    assert case_events(row).get().channel == "api"

    assert [d["id"] for d in api(people.b).get("/api/v1/delegations/?active=1").json()["results"]] == [row.pk]
    assert [d["id"] for d in api(people.chair).get("/api/v1/delegations/").json()["results"]] == [row.pk]
    assert api(people.stranger).get("/api/v1/delegations/").json()["results"] == []

    assert api(people.stranger).post(f"/api/v1/delegations/{row.pk}/end/").status_code == 404
    r = api(people.b).post(f"/api/v1/delegations/{row.pk}/end/")
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    r = api(people.a).post(f"/api/v1/delegations/{row.pk}/end/")
    assert r.status_code == 200 and r.json()["active"] is False
    assert api(people.a).post(f"/api/v1/delegations/{row.pk}/end/").status_code == 409
    assert api(people.b).get("/api/v1/delegations/?active=1").json()["results"] == []


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"delegate": "nobody", "organisation": "acme", "role": CM}, "delegate"),
        ({"delegate": "b", "organisation": "nowhere", "role": CM}, "organisation"),
        ({"delegate": "b", "organisation": "acme", "role": "pope"}, "role"),
        ({"delegate": "b", "organisation": "acme", "role": CM, "ends_at": "tomorrow"}, "ends_at"),
        ({"delegate": "99999999999999999999999", "organisation": "acme", "role": CM}, "delegate"),
    ],
)
def test_api_bad_input_is_400_with_the_field(orgs, people, api, payload, field):
    payload = {"ends_at": (timezone.now() + dt.timedelta(days=1)).isoformat(), **payload}
    r = api(people.a).post("/api/v1/delegations/", payload, format="json")
    assert r.status_code == 400 and field in r.json()["fields"]
    assert Delegation.objects.count() == 0


def test_api_end_unknown_or_huge_id_is_404(people, api):
    assert api(people.a).post("/api/v1/delegations/99999999999999999999/end/").status_code == 404
    assert api(people.a).post("/api/v1/delegations/123456/end/").status_code == 404


def test_substitute_hears_of_new_tasks_for_the_delegated_role(orgs, people, django_capture_on_commit_callbacks):
    from workflow.notifications.models import Notification

    delegate(people, orgs)
    case = services.create_case(
        process="examples", user=people.member, data={"organisation": "acme", "title": "Lamp", "amount": 100}
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.perform_transition(process="examples", case_id=case.pk, name="submit", user=people.member)
    assert sorted(Notification.objects.filter(kind="new_task").values_list("user__username", flat=True)) == ["a", "b"]
