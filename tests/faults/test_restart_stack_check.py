"""The restart test's after-check names a case whose state, open step and audit trail disagree."""

from tests.example_process.models import ExampleRequest
from workflow import registry, services
from workflow.roles import Role

from .restart_stack import half_transitioned


def submitted(orgs, make_user):
    member = make_user("m1", Role.MEMBER, org=orgs.acme)
    case = services.create_case(process="examples", user=member, data={"organisation": "acme", "title": "Check", "amount": 1})
    services.perform_transition(process="examples", case_id=case.pk, name="submit", user=member)
    return ExampleRequest.objects.get(pk=case.pk)


def test_a_case_moved_through_the_service_is_whole(orgs, make_user):
    submitted(orgs, make_user)
    assert half_transitioned(registry.get("examples")) == []


def test_a_state_written_without_its_event_and_step_is_named(orgs, make_user):
    case = submitted(orgs, make_user)
    ExampleRequest.objects.filter(pk=case.pk).update(state="approved")  # what a half-applied transition would leave
    assert half_transitioned(registry.get("examples")) == [
        f"{case.reference}: state approved, last audited submitted, flow waits on decide"
    ]
