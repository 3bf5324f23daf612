"""The flow's hub (``route``, :func:`workflow.flowkit.route_by_state`): each routing is one finished
task between the step before and the step it opened, and viewflow's "task finished" is sent for it once."""

import pytest
from viewflow.workflow.context import Context
from viewflow.workflow.signals import task_finished

from tests.example_process.models import ExampleRequest
from workflow import flowkit, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def created(people):
    return services.create_case(
        process="examples", user=people.member, data={"organisation": "acme", "title": "Lamp", "amount": 100}
    )


def submit(case, people) -> ExampleRequest:
    services.perform_transition(process="examples", case_id=case.pk, name="submit", user=people.member)
    return ExampleRequest.objects.get(pk=case.pk)


def routings(case) -> list:
    return list(case.process.task_set.filter(flow_task_type="SWITCH").order_by("created", "pk"))


def test_each_routing_is_one_finished_task_between_two_steps(created, people):
    case = submit(created, people)
    assert flowkit.position(case) == "decide"
    first, second = routings(case)
    for route in (first, second):
        assert route.status == "DONE" and route.finished is not None
    assert [t.flow_task.name for t in second.previous.all()] == ["draft"]
    assert [t.flow_task.name for t in second.leading.all()] == ["decide"]
    assert [t.flow_task.name for t in first.leading.all()] == ["draft"]


def test_viewflow_hears_that_the_routing_finished_once(created, people):
    heard = []

    def receiver(sender, process, task, **kwargs):
        if task.flow_task_type == "SWITCH":
            heard.append((task.status, task.pk is not None))

    task_finished.connect(receiver, weak=False)
    try:
        submit(created, people)
    finally:
        task_finished.disconnect(receiver)
    assert heard == [("DONE", True)]


def test_where_an_error_is_kept_on_the_task_the_routing_is_viewflow_s_own(created, people):
    """Outside the transition service's raise-and-undo (``propagate_exception=False``) the hub's task is
    written first and then completed, as viewflow's switch does; it opens the same step."""
    with Context(propagate_exception=False):
        case = submit(created, people)
    assert flowkit.position(case) == "decide"
    assert [(t.status, t.flow_task.name) for t in routings(case)[-1].leading.all()] == [("NEW", "decide")]
