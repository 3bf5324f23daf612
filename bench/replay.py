"""Fresh cases standing just before a given action, for any registered process.

A benchmark of "one real action" needs many cases in the state that action starts from. The
engine knows every process only through its registry entry, so the cases are made the way the
demo made one: the audit chain of a demo case that took the action is read back (who did what,
with which input), and its steps up to that action are replayed through the services on a new
case — ``create_case``, then ``perform_transition`` per step. Nothing here knows a process.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType

from workflow import registry, services
from workflow.models import AuditEvent, Organisation

SYSTEM = "system"


@dataclass
class Step:
    action: str
    actor_id: int | None
    data: dict
    system: bool = False


@dataclass
class Plan:
    process: str
    action: str
    template_case: int
    steps: list[Step] = field(default_factory=list)  # steps[0] is the creation
    act: Step | None = None

    def describe(self) -> str:
        return f"{self.process}.{self.action} (after {' → '.join(s.action for s in self.steps)})"


def _as_input(value):
    """The audit payload stores an object as ``{"id", "str"}``; the services take its id."""
    if isinstance(value, dict) and set(value) == {"id", "str"}:
        # An organisation is named by its code, which every input naming one accepts.
        org = Organisation.objects.filter(pk=value["id"], name=value["str"]).values_list("code", flat=True).first()
        return org or value["id"]
    if isinstance(value, dict):  # a nested record (a team member): its objects by id as well
        return {k: _as_input(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_input(v) for v in value]
    return value


def _input(event) -> dict:
    data = (event.payload or {}).get("input") or {}
    return {k: _as_input(v) for k, v in data.items() if v is not None}


def _masked(event) -> bool:
    """The event's input had restricted or sealed fields, recorded by name only."""
    data = (event.payload or {}).get("input") or {}
    return any(value in ("[restricted]", "[sealed]") for value in data.values() if isinstance(value, str))


def find_plan(process: str, action: str | None = None) -> Plan | None:
    """The replay of the shortest demo chain reaching ``action`` (default: the first human
    transition after the creation whose chain is shortest), or None if no demo case took it."""
    spec = registry.get(process)
    ct = ContentType.objects.get_for_model(spec.model)
    names = set(spec.transitions)
    best = None
    case_ids = AuditEvent.objects.filter(case_type=ct).values_list("case_id", flat=True).distinct()
    for case_id in case_ids.order_by("case_id")[:400]:
        events = list(AuditEvent.objects.filter(case_type=ct, case_id=case_id).order_by("seq"))
        if not events or events[0].action != "create":
            continue
        if any(_masked(e) for e in events):
            continue  # restricted or sealed input is not in the trail: the chain cannot be replayed
        created = _input(events[0])
        created.setdefault("organisation", events[0].organisation_id)  # chosen apart from the input
        steps = [Step("create", events[0].actor_id, created)]
        for event in events[1:]:
            if event.action not in names:
                continue  # a comment, a document, a vote's own events: not a transition
            step = Step(event.action, event.actor_id, _input(event), event.actor_role == SYSTEM)
            wanted = event.action == action if action else not step.system
            if wanted:
                if best is None or len(steps) < len(best.steps):
                    best = Plan(process, event.action, case_id, steps=list(steps), act=step)
                break
            steps.append(step)
    return best


def _user(pk):
    return get_user_model().objects.get(pk=pk) if pk else None


def prepare(plan: Plan, count: int) -> list[int]:
    """``count`` new cases, each replayed up to (not including) the plan's action."""
    spec = registry.get(plan.process)
    users = {s.actor_id: _user(s.actor_id) for s in plan.steps}
    ids = []
    for _ in range(count):
        create = plan.steps[0]
        case = services.create_case(process=spec.key, user=users[create.actor_id], data=dict(create.data))
        for step in plan.steps[1:]:
            user = users[step.actor_id]
            if user is not None:
                user.__dict__.pop("_unionflow_grants", None)
            try:
                services.perform_transition(
                    process=spec.key, case_id=case.pk, name=step.action, user=user, data=dict(step.data),
                    system=step.system,
                )
            except Exception as exc:
                raise RuntimeError(f"replaying {step.action} with {step.data}: {exc} {getattr(exc, 'fields', '')}") from exc
        ids.append(case.pk)
    return ids


def act(plan: Plan, case_id: int, user) -> None:
    """The measured action, as a request would make it (the actor's grants not yet cached)."""
    if user is not None:
        user.__dict__.pop("_unionflow_grants", None)
    services.perform_transition(
        process=plan.process, case_id=case_id, name=plan.action, user=user, data=dict(plan.act.data),
        system=plan.act.system,
    )
