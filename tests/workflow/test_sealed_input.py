"""Sealed input: a transition's confidential fields reach the case, never the audit trail."""

import dataclasses

import pytest

from tests.example_process.models import ExampleRequest
from workflow import registry, services
from workflow.audit import case_events, chain_valid
from workflow.roles import Role
from workflow.sealing import SEALED, sealed_input


@pytest.fixture
def people(orgs, make_user):
    return type("People", (), {
        "member": make_user("m1", Role.MEMBER, org=orgs.acme),
        "committee": make_user("c1", Role.UNION_COMMITTEE, org=orgs.acme),
    })


@pytest.fixture
def sealed_reject(monkeypatch):
    """The example process's reject, with its reason declared sealed (as a process would)."""
    spec = registry.get("examples")
    monkeypatch.setitem(spec.transitions, "reject", dataclasses.replace(spec.transitions["reject"], sealed=("reason",)))


def test_sealed_input_replaces_only_the_named_fields_that_were_given():
    spec = type("Spec", (), {"sealed": ("minutes", "password")})
    assert sealed_input(spec, {"minutes": "secret", "n": 1}) == ({"minutes": SEALED, "n": 1}, ["minutes"])
    plain = {"reason": "x"}
    assert sealed_input(type("Spec", (), {})(), plain) == (plain, [])


def test_a_sealed_field_is_recorded_as_sealed_and_kept_on_the_case(people, sealed_reject):
    """The audit event says a reason was given ("[sealed]"), not what it was; the case keeps it."""
    case = services.create_case(process="examples", user=people.member,
                                data={"organisation": "acme", "title": "Lamp", "amount": 100})
    services.perform_transition(process="examples", case_id=case.pk, name="submit", user=people.member)
    services.perform_transition(process="examples", case_id=case.pk, name="reject", user=people.committee,
                                data={"reason": "机密理由 Confidential reason"})
    event = list(case_events(case))[-1]
    assert event.action == "reject"
    assert event.payload["input"] == {"reason": SEALED} and event.payload["sealed"] == ["reason"]
    assert "机密" not in str(event.payload)
    assert ExampleRequest.objects.get(pk=case.pk).reason == "机密理由 Confidential reason"
    assert chain_valid(case)


def test_without_a_sealed_declaration_the_input_is_recorded(people):
    case = services.create_case(process="examples", user=people.member,
                                data={"organisation": "acme", "title": "Lamp", "amount": 100})
    services.perform_transition(process="examples", case_id=case.pk, name="submit", user=people.member)
    services.perform_transition(process="examples", case_id=case.pk, name="reject", user=people.committee,
                                data={"reason": "公开理由 Open reason"})
    event = list(case_events(case))[-1]
    assert event.payload["input"] == {"reason": "公开理由 Open reason"} and "sealed" not in event.payload
