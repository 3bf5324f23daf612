"""Where a case stands on its way: derived from the process's FSM transitions, never listed by hand.

*The way* of a process is the route from its initial state to the state it reaches furthest:
states are layered by how many transitions they are from the start (a breadth-first walk
over the declared transitions, system transitions included), and the way follows, layer by
layer, the transition declared first that goes one layer deeper. Rework loops (returned for
revision, re-handling) and early endings (rejected, withdrawn, merged) are therefore off the
way: a case in such a state is shown at its layer, in place of the way's state there.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django_fsm import FSMField

WILDCARDS = ("*", "+")


@dataclass(frozen=True)
class Graph:
    initial: str
    labels: dict  # state -> label, in declaration order
    edges: dict  # state -> [target, …] in transition declaration order (no self-loops)
    layer: dict  # state -> transitions from the initial state
    way: tuple  # the states on the way, initial first


def _state_field(model) -> FSMField:
    return model._meta.get_field("state")


@cache
def graph(model) -> Graph:
    """The state graph of ``model`` (cached: transitions are declared once, at import)."""
    field = _state_field(model)
    labels = {str(k): v for k, v in field.flatchoices}  # plain str keys: TextChoices members print oddly
    edges: dict[str, list[str]] = {s: [] for s in labels}
    for t in field.get_all_transitions(model):
        target = t.target
        if target is None or not isinstance(target, str) or target in WILDCARDS:
            continue  # keeps the state, or a computed target (RETURN_VALUE) named by the method
        sources = labels if t.source in WILDCARDS else [t.source]
        for source in sources:
            if source != target and target not in edges.setdefault(str(source), []):
                edges[str(source)].append(str(target))
    for t in field.get_all_transitions(model):
        # A computed target lists its possible states (django-fsm's RETURN_VALUE(states)).
        allowed = getattr(t.target, "allowed_states", None) or ()
        sources = labels if t.source in WILDCARDS else [t.source]
        for source in sources:
            for target in allowed:
                if source != target and target not in edges.setdefault(str(source), []):
                    edges[str(source)].append(str(target))
    initial = str(field.default)
    layer = {initial: 0}
    queue = [initial]
    for state in queue:
        for target in edges.get(state, []):
            if target not in layer:
                layer[target] = layer[state] + 1
                queue.append(target)
    deepest = max(layer.values())
    way = _way(initial, edges, layer, deepest)
    return Graph(initial=initial, labels=labels, edges=edges, layer=layer, way=tuple(way))


def _way(initial, edges, layer, deepest) -> list[str]:
    """The first-declared route, one layer deeper at each step, that reaches the deepest layer."""

    def walk(state):
        if layer[state] == deepest:
            return [state]
        for target in edges.get(state, []):
            if layer.get(target) == layer[state] + 1:
                rest = walk(target)
                if rest:
                    return [state, *rest]
        return None

    return walk(initial) or [initial]


@dataclass(frozen=True)
class Step:
    state: str
    label: str
    status: str  # done, current, todo
    off_way: bool = False


def stepper(case) -> dict:
    """The steps to draw for ``case``: done, current, still to come; and the states it may go to next."""
    g = graph(type(case))
    current = case.state
    here = g.layer.get(current, 0)
    steps: list[Step] = []
    if current in g.way:
        for state in g.way:
            position = g.way.index(state) - g.way.index(current)
            status = "done" if position < 0 else "current" if position == 0 else "todo"
            steps.append(Step(state, g.labels.get(state, state), status))
    else:
        for state in g.way:
            if g.layer[state] < here:
                steps.append(Step(state, g.labels.get(state, state), "done"))
        steps.append(Step(current, g.labels.get(current, current), "current", off_way=True))
    following = [Step(s, g.labels.get(s, s), "todo", off_way=s not in g.way) for s in g.edges.get(current, [])]
    return {"steps": steps, "next": following, "final": not following}

