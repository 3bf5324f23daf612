"""System checks over the process registry (``manage.py check``, and every ``runserver``/``migrate``).

A process is declared in three places that must agree: its :class:`~workflow.registry.ProcessSpec`
(transitions), its case model (the FSM transition methods the registry makes from them) and its
flow (one step per waiting state). Each check names the process and the transition, state or step
at fault, so a new process fails at start-up rather than on the first case that reaches the gap.

- ``workflow.E101``: a transition spec without its FSM method on the model, or with a method
  whose source states differ from the spec's.
- ``workflow.E102``: an FSM transition method on the model that no spec declares (a hand-written
  ``@transition`` the service would never run).
- ``workflow.E103``: a waiting state (one a person can move the case out of) without a step in
  the flow's ``{state: step}`` table (or a flow routed without one).
- ``workflow.E104``: a step whose deadline rule is not registered.
- ``workflow.E105``: a flow whose ``process_key`` differs from its spec's ``key``.
- ``workflow.E106``: a flow ending in :class:`~workflow.flowkit.CaseEnd` with a node that can keep a
  second task open (a parallel split, a boundary event…): that end knows no other task is open.
"""

from __future__ import annotations

import inspect

from django.core import checks
from viewflow.workflow import flow

from . import registry
from .deadlines.rules import get_rule
from .flowkit import CaseEnd

#: Nodes that pass a case on along one path, leaving no task of theirs open beside the case's step.
SINGLE_PATH_NODES = (flow.Start, flow.StartHandle, flow.Switch, flow.If, flow.Function, flow.Handle, flow.End)


@checks.register()
def check_processes(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    errors = []
    for spec in registry.all_processes():
        errors += check_process(spec)
    return errors


def check_process(spec: registry.ProcessSpec) -> list[checks.CheckMessage]:
    """Every problem of one registered process, each naming it."""
    return [
        *_transition_methods(spec),
        *_undeclared_methods(spec),
        *_waiting_states(spec),
        *_deadline_rules(spec),
        *_process_key(spec),
        *_single_path(spec),
    ]


def _error(spec, msg: str, id: str) -> checks.Error:
    return checks.Error(f"process {spec.key!r}: {msg}", obj=spec.model, id=id)


def _fsm_sources(method) -> set[str]:
    return {str(state) for state in method._django_fsm.transitions}


def _transition_methods(spec) -> list:
    errors = []
    for t in spec.transitions.values():
        method = getattr(spec.model, t.method_name, None)
        if not hasattr(method, "_django_fsm"):
            errors.append(_error(
                spec, f"transition {t.name!r} has no FSM method {spec.model.__name__}.{t.method_name}", "workflow.E101"
            ))
        elif _fsm_sources(method) != {str(state) for state in t.sources}:
            errors.append(_error(
                spec, f"transition {t.name!r}: the model method leaves {sorted(_fsm_sources(method))}, "
                f"the spec {sorted(map(str, t.sources))}", "workflow.E101",
            ))
    return errors


def _undeclared_methods(spec) -> list:
    declared = {t.method_name for t in spec.transitions.values()}
    state_field = spec.model._meta.get_field(spec.state_field)
    methods = inspect.getmembers(
        spec.model, lambda m: hasattr(m, "_django_fsm") and m._django_fsm.field in (state_field, spec.state_field)
    )
    return [
        _error(spec, f"FSM method {spec.model.__name__}.{name} is declared by no transition spec", "workflow.E102")
        for name, _method in methods
        if name not in declared
    ]


def _step_table(flow_class) -> dict | None:
    for node in flow_class.instance.nodes():
        table = getattr(node, "step_for_state", None)
        if table is not None:
            return table
    return None


def _waiting_states(spec) -> list:
    table = _step_table(spec.flow)
    if table is None:
        return [_error(spec, f"flow {spec.flow.__name__} has no {{state: step}} table "
                             "(declare route = route_by_state(...))", "workflow.E103")]
    waiting = {
        str(source) for t in spec.transitions.values() if not t.system_only for source in t.sources
        if source not in ("*", "+")
    }
    # A table naming a step the flow lacks never gets here: viewflow refuses the flow class.
    return [
        _error(spec, f"waiting state {state!r} (transitions from it: {', '.join(_leaving(spec, state))}) "
                     f"has no step in flow {spec.flow.__name__}", "workflow.E103")
        for state in sorted(waiting - {str(state) for state in table})
    ]


def _leaving(spec, state) -> list[str]:
    return [t.name for t in spec.transitions.values() if state in t.sources and not t.system_only]


def _deadline_rules(spec) -> list:
    errors = []
    for node in spec.flow.instance.nodes():
        rule_id = getattr(node, "deadline_rule", None)
        if not rule_id:
            continue
        try:
            get_rule(rule_id)
        except KeyError:
            errors.append(_error(
                spec, f"step {node.name!r} runs deadline rule {rule_id!r}, which is not registered", "workflow.E104"
            ))
    return errors


def _process_key(spec) -> list:
    process_key = getattr(spec.flow, "process_key", "")
    if process_key == spec.key:
        return []
    return [_error(spec, f"flow {spec.flow.__name__} has process_key {process_key!r}, not {spec.key!r}", "workflow.E105")]


def _single_path(spec) -> list:
    nodes = list(spec.flow.instance.nodes())
    if not any(isinstance(node, CaseEnd) for node in nodes):
        return []
    return [
        _error(spec, f"flow {spec.flow.__name__} ends in CaseEnd, which needs one open step at a time, but node "
                     f"{node.name!r} ({type(node).__name__}) can keep another task open", "workflow.E106")
        for node in nodes
        if not isinstance(node, SINGLE_PATH_NODES) or getattr(node, "_boundary_events", None)
    ]
