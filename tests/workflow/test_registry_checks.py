"""The system check over the registry: each disagreement between a process's spec, its case
model and its flow is reported at start-up, naming the process and the transition, state or step."""

import dataclasses

import pytest
from django.core.management import call_command
from viewflow import this
from viewflow.workflow import flow

from tests.example_process.flows import ExampleFlow
from tests.example_process.models import ExampleState as S
from workflow import registry
from workflow.checks import check_process, check_processes
from workflow.deadlines import rules
from workflow.flowkit import CaseEnd, CaseFlowMixin, CaseStep, route_by_state, state_is
from workflow.registry import TransitionSpec


class NoDecisionStepFlow(CaseFlowMixin, flow.Flow):
    """The example flow with a table that forgets the decision step."""

    process_key = "examples"
    start = flow.StartHandle(this.start_case).Next(this.route)
    route = route_by_state({S.DRAFT: "draft"})
    draft = CaseStep("完善 Complete").Next(this.route)
    end = flow.End()


class HandRoutedFlow(CaseFlowMixin, flow.Flow):
    """A switch written by hand: the check cannot see which states it covers."""

    process_key = "examples"
    start = flow.StartHandle(this.start_case).Next(this.route)
    route = flow.Switch().Case(this.draft, state_is(S.DRAFT)).Default(this.end)
    draft = CaseStep("完善 Complete").Next(this.route)
    end = flow.End()


class SideBranchFlow(CaseFlowMixin, flow.Flow):
    """A split opens a side step beside the case's own: two tasks can be open at once."""

    process_key = "examples"
    start = flow.StartHandle(this.start_case).Next(this.split)
    split = flow.Split().Next(this.route).Next(this.side)
    route = route_by_state({S.DRAFT: "draft", S.SUBMITTED: "decide"})
    draft = CaseStep("完善 Complete").Next(this.route)
    decide = CaseStep("审批 Decide").Next(this.route)
    side = CaseStep("旁支 Side step").Next(this.end)
    end = CaseEnd()


class SideBranchCountingFlow(SideBranchFlow):
    """The same flow ending in viewflow's End, which counts the open tasks before it ends the process."""

    end = flow.End()


def example(**changes) -> registry.ProcessSpec:
    return dataclasses.replace(registry.get("examples"), **changes)


def example_transitions(*, drop=(), add=(), replace=()) -> dict:
    table = {name: t for name, t in registry.get("examples").transitions.items() if name not in drop}
    table.update({t.name: t for t in (*add, *replace)})
    return table


def messages(spec, check_id):
    return [m.msg for m in check_process(spec) if m.id == check_id]


def test_the_registered_processes_pass_every_check():
    assert check_processes() == []
    call_command("check")  # raises SystemCheckError on any error


def test_a_spec_without_its_model_method_is_reported():
    spec = example(transitions=example_transitions(add=[TransitionSpec("recall", "撤回 Recall", S.SUBMITTED, S.DRAFT)]))
    assert messages(spec, "workflow.E101") == [
        "process 'examples': transition 'recall' has no FSM method ExampleRequest.recall"
    ]


def test_a_spec_whose_source_differs_from_the_model_method_is_reported():
    moved = TransitionSpec("submit", "提交 Submit", S.SUBMITTED, S.SUBMITTED)
    spec = example(transitions=example_transitions(replace=[moved]))
    assert messages(spec, "workflow.E101") == [
        "process 'examples': transition 'submit': the model method leaves ['draft'], the spec ['submitted']"
    ]


def test_a_model_method_no_spec_declares_is_reported():
    spec = example(transitions=example_transitions(drop=["expire"]))
    assert messages(spec, "workflow.E102") == [
        "process 'examples': FSM method ExampleRequest.expire is declared by no transition spec"
    ]


def test_a_waiting_state_without_a_step_is_reported():
    """Once a person may move a voting case on, the voting state needs a step saying who."""
    by_hand = TransitionSpec("adopt", "表决通过 Adopted", S.VOTING, S.ADOPTED)
    spec = example(transitions=example_transitions(replace=[by_hand]))
    assert messages(spec, "workflow.E103") == [
        "process 'examples': waiting state 'voting' (transitions from it: adopt) has no step in flow ExampleFlow"
    ]


def test_a_flow_table_that_misses_a_waiting_state_is_reported():
    found = messages(example(flow=NoDecisionStepFlow), "workflow.E103")
    assert found == [
        "process 'examples': waiting state 'submitted' (transitions from it: approve, reject, put_to_vote) "
        "has no step in flow NoDecisionStepFlow",
    ]


def test_a_flow_routed_without_a_state_table_is_reported():
    assert messages(example(flow=HandRoutedFlow), "workflow.E103") == [
        "process 'examples': flow HandRoutedFlow has no {state: step} table (declare route = route_by_state(...))"
    ]


def test_a_step_whose_deadline_rule_is_not_registered_is_reported(monkeypatch):
    monkeypatch.delitem(rules._RULES, "example.decide")
    assert messages(registry.get("examples"), "workflow.E104") == [
        "process 'examples': step 'decide' runs deadline rule 'example.decide', which is not registered"
    ]


def test_a_flow_whose_process_key_differs_from_its_spec_is_reported():
    spec = example(key="requests")
    assert messages(spec, "workflow.E105") == [
        "process 'requests': flow ExampleFlow has process_key 'examples', not 'requests'"
    ]
    assert ExampleFlow.process_key == "examples"


def test_a_case_end_in_a_flow_that_can_open_two_tasks_is_reported():
    """The case end marks the process done without counting open tasks: a split would leave one open."""
    assert messages(example(flow=SideBranchFlow), "workflow.E106") == [
        "process 'examples': flow SideBranchFlow ends in CaseEnd, which needs one open step at a time, but node "
        "'split' (Split) can keep another task open"
    ]
    assert messages(example(flow=SideBranchCountingFlow), "workflow.E106") == []


@pytest.mark.parametrize("check_id", ["workflow.E101", "workflow.E102", "workflow.E103", "workflow.E104",
                                      "workflow.E105", "workflow.E106"])
def test_each_check_is_silent_for_the_example_process(check_id):
    assert messages(registry.get("examples"), check_id) == []
