"""Claiming, releasing and reassigning a case's open step.

Given a submitted example case whose "decide" step is addressed to the acme union
committee: a committee member claims it and from then on only they see it in their
inbox; they may release it back; the chair may hand it to another committee member.
Every change writes exactly one audit event; every refusal changes nothing.
"""

import pytest

from tests.example_process.models import ExampleRequest
from workflow import flowkit, services
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
            "c1": make_user("c1", Role.UNION_COMMITTEE, Role.MEMBER, org=orgs.acme),
            "c2": make_user("c2", Role.UNION_COMMITTEE, Role.MEMBER, org=orgs.acme),
            "chair": make_user("chair", Role.CHAIR, Role.MEMBER, org=orgs.acme),
            "outsider": make_user("b1", Role.MEMBER, org=orgs.beta),
            "beta_committee": make_user("bc1", Role.UNION_COMMITTEE, org=orgs.beta),
        },
    )


@pytest.fixture
def case(people):
    case = services.create_case(
        process="examples", user=people.member, data={"organisation": "acme", "title": "Lamp", "amount": 10}
    )
    services.perform_transition(process="examples", case_id=case.pk, name="submit", user=people.member)
    return ExampleRequest.objects.get(pk=case.pk)


def url(case, verb):
    return f"/api/v1/examples/{case.pk}/{verb}/"


def inbox_refs(api, user):
    return [i["reference"] for i in api(user).get("/api/v1/inbox/").json()["results"]]


def snapshot(case):
    """Everything a refused request must leave untouched."""
    task = flowkit.open_step_task(case)
    items = sorted(WorkItem.objects.filter(case_id=case.pk).values_list("role", "user_id"), key=str)
    fresh = ExampleRequest.objects.get(pk=case.pk)
    return (task.pk, task.status, task.owner_id, items, case_events(case).count(), fresh.state, fresh.version)


def test_claim_gives_the_step_to_the_claimant_alone(case, people, api):
    assert inbox_refs(api, people.c1) == inbox_refs(api, people.c2) == [case.reference]

    r = api(people.c1).post(url(case, "claim"), {}, format="json")
    assert r.status_code == 200, r.content
    assert r.json() == {"case_id": case.pk, "step": "decide", "title": "审批 Decide", "status": "ASSIGNED", "owner": "c1"}

    task = flowkit.open_step_task(case)
    assert task.owner_id == people.c1.pk and task.status == "ASSIGNED"
    assert list(WorkItem.objects.filter(case_id=case.pk).values_list("role", "user_id")) == [("", people.c1.pk)]
    assert inbox_refs(api, people.c1) == [case.reference]
    assert inbox_refs(api, people.c2) == []

    claims = list(case_events(case).filter(action="task_claim"))
    assert len(claims) == 1
    assert claims[0].actor_id == people.c1.pk and claims[0].actor_role == Role.UNION_COMMITTEE
    assert claims[0].payload["step"] == "decide" and claims[0].payload["owner"] == "c1"
    assert chain_valid(case)
    fresh = ExampleRequest.objects.get(pk=case.pk)
    assert fresh.state == "submitted" and fresh.version == case.version  # claiming is not a transition


@pytest.mark.parametrize(
    "who, status",
    [
        ("chair", 403),  # sees the case, but the step is addressed to the committee
        ("member", 403),  # the proposer sees their case but does not decide it
        ("outsider", 404),
        ("beta_committee", 404),  # the right role at the wrong organisation
    ],
)
def test_refused_claim_changes_nothing(case, people, api, who, status):
    before = snapshot(case)
    r = api(getattr(people, who)).post(url(case, "claim"), {}, format="json")
    assert r.status_code == status, r.content
    assert snapshot(case) == before


def test_second_claim_is_a_conflict_and_changes_nothing(case, people, api):
    api(people.c1).post(url(case, "claim"), {}, format="json")
    before = snapshot(case)
    r = api(people.c2).post(url(case, "claim"), {}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "transition_not_allowed"
    assert api(people.c1).post(url(case, "claim"), {}, format="json").status_code == 409
    assert snapshot(case) == before


def test_named_person_claims_their_own_step(people, api):
    """The draft step is addressed to the proposer by name."""
    case = services.create_case(
        process="examples", user=people.member, data={"organisation": "acme", "title": "Desk", "amount": 1}
    )
    assert api(people.c1).post(url(case, "claim"), {}, format="json").status_code == 403
    r = api(people.member).post(url(case, "claim"), {}, format="json")
    assert r.status_code == 200 and r.json()["step"] == "draft" and r.json()["owner"] == "m1"


def test_release_puts_the_step_back(case, people, api):
    api(people.c1).post(url(case, "claim"), {}, format="json")

    before = snapshot(case)
    r = api(people.member).post(url(case, "release"), {}, format="json")
    assert r.status_code == 403
    assert snapshot(case) == before

    r = api(people.c1).post(url(case, "release"), {}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "NEW" and r.json()["owner"] is None
    task = flowkit.open_step_task(case)
    assert task.owner_id is None and task.status == "NEW"
    assert list(WorkItem.objects.filter(case_id=case.pk).values_list("role", "user_id")) == [(Role.UNION_COMMITTEE, None)]
    assert inbox_refs(api, people.c2) == [case.reference]
    releases = list(case_events(case).filter(action="task_release"))
    assert len(releases) == 1 and releases[0].payload["previous_owner"] == "c1"

    before = snapshot(case)
    r = api(people.c1).post(url(case, "release"), {}, format="json")
    assert r.status_code == 409
    assert snapshot(case) == before


def test_chair_reassigns_to_another_committee_member(case, people, api):
    api(people.c1).post(url(case, "claim"), {}, format="json")
    r = api(people.chair).post(url(case, "reassign"), {"username": "c2"}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["owner"] == "c2"
    assert flowkit.open_step_task(case).owner_id == people.c2.pk
    assert inbox_refs(api, people.c2) == [case.reference]
    assert inbox_refs(api, people.c1) == []
    event = case_events(case).get(action="task_reassign")
    assert event.actor_id == people.chair.pk and event.actor_role == Role.CHAIR
    assert event.payload["previous_owner"] == "c1" and event.payload["owner"] == "c2"
    assert event.payload["step"] == "decide"
    assert chain_valid(case)


def test_reassign_of_an_unclaimed_step_assigns_it(case, people, api):
    r = api(people.chair).post(url(case, "reassign"), {"username": "c1"}, format="json")
    assert r.status_code == 200 and r.json()["owner"] == "c1"
    assert case_events(case).get(action="task_reassign").payload["previous_owner"] is None


@pytest.mark.parametrize(
    "who, body, status, field",
    [
        ("chair", {"username": "m1"}, 400, "username"),  # the proposer may not decide
        ("chair", {"username": "chair"}, 400, "username"),  # the chair is not addressed either
        ("chair", {"username": "bc1"}, 400, "username"),  # committee of another organisation
        ("chair", {"username": "nobody"}, 400, "username"),
        ("chair", {}, 400, "username"),
        ("chair", {"username": "c1"}, 400, "username"),  # already the owner
        ("member", {"username": "c2"}, 403, None),
        ("outsider", {"username": "c2"}, 404, None),
    ],
)
def test_refused_reassign_changes_nothing(case, people, api, who, body, status, field):
    api(people.c1).post(url(case, "claim"), {}, format="json")
    before = snapshot(case)
    r = api(getattr(people, who)).post(url(case, "reassign"), body, format="json")
    assert r.status_code == status, r.content
    if field:
        assert field in r.json()["fields"]
    assert snapshot(case) == before


def test_deactivated_user_cannot_be_given_the_step(case, people, api):
    people.c2.is_active = False
    people.c2.save()
    before = snapshot(case)
    r = api(people.chair).post(url(case, "reassign"), {"username": "c2"}, format="json")
    assert r.status_code == 400
    assert snapshot(case) == before


def test_owner_completes_a_claimed_step_and_the_flow_moves_on(case, people, api):
    api(people.c1).post(url(case, "claim"), {}, format="json")
    r = api(people.c1).post(f"/api/v1/examples/{case.pk}/transitions/approve/", {}, format="json")
    assert r.status_code == 200, r.content
    case.refresh_from_db()
    assert case.state == "approved" and case.process.status == "DONE"
    assert flowkit.open_step_task(case) is None
    assert not WorkItem.objects.filter(case_id=case.pk).exists()
    assert [e.action for e in case_events(case)] == ["create", "submit", "task_claim", "approve"]
    # Nothing open: claim and release are conflicts, not errors.
    assert api(people.c2).post(url(case, "claim"), {}, format="json").status_code == 409
    assert api(people.chair).post(url(case, "reassign"), {"username": "c2"}, format="json").status_code == 409


def test_claim_needs_a_transition_the_claimant_may_perform_now(people, api, monkeypatch):
    """A committee member may not claim the decision on their own case when every
    decision open in that state is refused on one's own case: holding the step would
    hide it from everyone who may decide it."""
    from workflow import registry

    # The example process also lets the committee put a case to a vote (allowed on one's
    # own case); without it, only approve/reject remain, both refused on one's own case.
    monkeypatch.delitem(registry.get("examples").transitions, "put_to_vote")
    own = services.create_case(
        process="examples", user=people.c1, data={"organisation": "acme", "title": "Mine", "amount": 1}
    )
    services.perform_transition(process="examples", case_id=own.pk, name="submit", user=people.c1)
    before = snapshot(own)
    r = api(people.c1).post(url(own, "claim"), {}, format="json")
    assert r.status_code == 403
    r = api(people.chair).post(url(own, "reassign"), {"username": "c1"}, format="json")
    assert r.status_code == 400 and "username" in r.json()["fields"]
    assert snapshot(own) == before
    assert api(people.c2).post(url(own, "claim"), {}, format="json").status_code == 200


def test_deactivating_the_owner_gives_the_step_back(case, people, api):
    from workflow.assignment import steps_release_for_deactivated

    admin = type(people.c1).objects.create_superuser("root", "root@example.org", "pw-secret-1")
    api(people.c1).post(url(case, "claim"), {}, format="json")
    people.c1.is_active = False
    people.c1.save()
    assert steps_release_for_deactivated(owner=people.c1, by=admin) == 1
    task = flowkit.open_step_task(case)
    assert task.owner_id is None and task.status == "NEW"
    assert inbox_refs(api, people.c2) == [case.reference]
    event = case_events(case).get(action="task_release")
    assert event.actor_id == admin.pk
    assert event.payload["previous_owner"] == "c1" and event.payload["reason"] == "owner_deactivated"
    assert steps_release_for_deactivated(owner=people.c1, by=admin) == 0  # nothing left: no second event
    assert case_events(case).filter(action="task_release").count() == 1


def test_chair_releases_a_step_someone_left_claimed(case, people, api):
    api(people.c1).post(url(case, "claim"), {}, format="json")
    r = api(people.chair).post(url(case, "release"), {}, format="json")
    assert r.status_code == 200 and r.json()["owner"] is None
    event = case_events(case).get(action="task_release")
    assert event.actor_id == people.chair.pk and event.actor_role == Role.CHAIR
    assert event.payload["previous_owner"] == "c1"
    assert inbox_refs(api, people.c2) == [case.reference]


def test_a_claimed_step_is_decided_by_its_owner_only(case, people, api):
    """Once c1 has claimed the decision, c2 (same role) gets 403 and nothing changes; c1 decides."""
    assert api(people.c1).post(url(case, "claim"), {}, format="json").status_code == 200
    before = snapshot(case)
    r = api(people.c2).post(f"/api/v1/examples/{case.pk}/transitions/approve/", {}, format="json")
    assert r.status_code == 403, r.content
    assert snapshot(case) == before
    assert api(people.c2).get(f"/api/v1/examples/{case.pk}/transitions/").json()["transitions"] == []
    r = api(people.c1).post(f"/api/v1/examples/{case.pk}/transitions/approve/", {}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "approved"
