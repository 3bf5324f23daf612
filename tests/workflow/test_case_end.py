"""The end of a case flow (``flowkit.CaseEnd``): a closed case's process is done, its history ends
in one finished end task after the last routing, and viewflow's signals are sent once each."""

import pytest
from viewflow.workflow.context import Context
from viewflow.workflow.signals import flow_finished, task_finished, task_started

from tests.example_process.models import ExampleRequest
from workflow import flowkit, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(people):
    case = services.create_case(
        process="examples", user=people.member, data={"organisation": "acme", "title": "Lamp", "amount": 100}
    )
    return services.perform_transition(process="examples", case_id=case.pk, name="submit", user=people.member)


def approve(case, people):
    services.perform_transition(process="examples", case_id=case.pk, name="approve", user=people.committee)
    return ExampleRequest.objects.get(pk=case.pk)


def history(case) -> list[tuple[str, str]]:
    return [(t.flow_task.name, t.status) for t in case.process.task_set.order_by("created", "pk")]


def test_an_approved_case_ends_its_process_with_one_finished_end_task(submitted, people):
    case = approve(submitted, people)
    assert case.process.status == "DONE" and case.process.finished is not None
    assert flowkit.position(case) is None
    assert history(case) == [
        ("start", "DONE"),
        ("route", "DONE"),
        ("draft", "DONE"),
        ("route", "DONE"),
        ("decide", "DONE"),
        ("route", "DONE"),
        ("end", "DONE"),
    ]
    end = case.process.task_set.get(flow_task_type="END")
    assert end.started == end.finished == case.process.finished
    assert [t.flow_task.name for t in end.previous.all()] == ["route"]


def test_the_end_sends_viewflow_s_signals_once_each(submitted, people):
    heard = []

    def listen(signal_name):
        def receiver(sender, process, task, **kwargs):
            if task.flow_task_type == "END":
                heard.append((signal_name, task.status, process.status))

        return receiver

    receivers = {name: listen(name) for name in ("started", "finished", "flow_finished")}
    for name, signal in (("started", task_started), ("finished", task_finished), ("flow_finished", flow_finished)):
        signal.connect(receivers[name], weak=False)
    try:
        approve(submitted, people)
    finally:
        for signal in (task_started, task_finished, flow_finished):
            for receiver in receivers.values():
                signal.disconnect(receiver)
    assert heard == [("started", "DONE", "DONE"), ("finished", "DONE", "DONE"), ("flow_finished", "DONE", "DONE")]


def test_where_an_error_is_kept_on_the_task_the_end_is_viewflow_s_own(submitted, people):
    """Outside the transition service's raise-and-undo (``propagate_exception=False``) the end counts
    open tasks in its savepoint as viewflow's End does; the process ends the same."""
    with Context(propagate_exception=False):
        case = approve(submitted, people)
    assert case.process.status == "DONE"
    assert history(case)[-1] == ("end", "DONE")
