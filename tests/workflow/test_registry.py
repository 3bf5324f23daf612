"""The registry: a transition spec becomes the case model's FSM method, and a process's
extension points are declared fields and methods with defaults."""

import dataclasses

import pytest
from django.db.models import Q
from django_fsm import can_proceed

from tests.example_process.models import ExampleRequest
from tests.example_process.models import ExampleState as S
from workflow import registry, services
from workflow.deadlines.rules import get_rule
from workflow.roles import Role


def test_each_spec_is_the_fsm_transition_it_declares():
    """Source and target come from the spec alone; django-fsm lists every declared transition."""
    spec = registry.get("examples")
    field = ExampleRequest._meta.get_field("state")
    assert {t.name for t in field.get_all_transitions(ExampleRequest)} == set(spec.transitions)
    case = ExampleRequest(state=S.DRAFT)
    assert can_proceed(case.submit) and not can_proceed(case.approve)
    submit = ExampleRequest.submit._django_fsm.get_transition(S.DRAFT)
    assert submit.target == spec.transitions["submit"].target == S.SUBMITTED


def test_the_spec_registers_its_deadline_rules():
    assert get_rule("example.decide").on_expiry == "transition:expire"


def test_a_guard_carries_the_rule_it_declares():
    @registry.guard("example.rule")
    def never(ctx):
        return "no"

    def undeclared(ctx):
        return "no"

    assert registry.rule_of(never) == "example.rule"
    assert registry.rule_of(undeclared) == "undeclared"


def test_a_case_model_has_default_participants_and_no_named_escalation():
    """A process that names nobody: its creator takes part, overdue deadlines go to the rule's role."""
    user = object()  # stands in for a user: the filter only carries it
    assert ExampleRequest.participant_q(user) == Q(created_by=user)
    assert ExampleRequest(created_by_id=1).escalation_recipients(get_rule("example.decide")) == []


@pytest.mark.django_db
def test_after_create_runs_once_the_case_is_saved(orgs, make_user, monkeypatch):
    seen = []
    spec = dataclasses.replace(registry.get("examples"), after_create=lambda ctx, case: seen.append(case.pk))
    monkeypatch.setitem(registry._REGISTRY, "examples", spec)
    member = make_user("m1", Role.MEMBER, org=orgs.acme)
    case = services.create_case(process="examples", user=member, data={"organisation": "acme", "title": "Lamp",
                                                                        "amount": 1})
    assert seen == [case.pk]
