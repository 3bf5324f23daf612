"""The transition service: the one gate through which every case changes.

UI views, API endpoints, Celery tasks and management commands all call
:func:`perform_transition` or :func:`create_case`. Each call runs in one database
transaction: lock the case row, check visibility, state, role, separation of duties,
version, input and guards, run the FSM transition, bump ``version``, write one audit
event, move the viewflow process on, and schedule side effects after commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition, can_proceed

from . import flowkit, messages, policy, registry
from .acting import SYSTEM, acting_role
from .api.parsing import organisation_from_input, parse_id
from .audit import Actor, RequestMeta, record_event
from .deadlines.store import case_being_created
from .errors import (
    ActionForbidden,
    GuardFailed,
    InvalidInput,
    NotVisible,
    StaleVersion,
    TransitionNotAllowed,
)
from .models import Organisation
from .sealing import sealed_input


@dataclass
class TransitionContext:
    """What a transition's guards and effect see."""

    case: Any
    spec: Any
    process: registry.ProcessSpec
    actor: Actor
    data: dict
    now: dt.datetime
    meta: RequestMeta
    #: Added to the audit event's payload (computed deadlines, rule ids, counts…).
    payload: dict = field(default_factory=dict)
    #: Callables run after commit (notifications, follow-up tasks).
    after_commit: list[Callable[[], None]] = field(default_factory=list)
    #: What the effect returned, for the model's transition method: an outcome the effect
    #: decided from the rows it wrote (a rating's re-handling or closure), kept apart from
    #: the audit payload, which records it but is not the way to pass it on.
    result: Any = None
    #: Set by an effect whose own notice (sent after commit) already tells the case's creator of
    #: this decision: the engine's generic "decision on your case" notification is then not sent.
    creator_notified: bool = False

    @property
    def user(self):
        return self.actor.user

    @property
    def today(self) -> dt.date:
        return timezone.localtime(self.now).date()


def _spec(process) -> registry.ProcessSpec:
    spec = registry.get(process) if isinstance(process, str) else process
    if spec is None:
        raise NotVisible(str(messages.NOT_FOUND))
    return spec


def _plain_errors(errors) -> dict:
    if isinstance(errors, dict):
        return {k: _plain_errors(v) for k, v in errors.items()}
    if isinstance(errors, list):
        return [_plain_errors(v) for v in errors]
    return str(errors)


def validate_input(serializer_class, data: dict, context: dict | None = None) -> dict:
    """Validate ``data`` with a DRF serializer; bad input is a 400 with field errors."""
    if serializer_class is None:
        return {}
    serializer = serializer_class(data=data if data is not None else {}, context=context or {})
    if not serializer.is_valid():
        raise InvalidInput("输入有误 Invalid input.", fields=_plain_errors(serializer.errors))
    return dict(serializer.validated_data)


def _json_safe(value):
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if hasattr(value, "pk") and hasattr(value, "_meta"):
        return {"id": value.pk, "str": str(value)}
    return value


def get_visible_case(*, process, case_id, user, lock: bool = False):
    """The case if ``user`` may see it; otherwise :class:`NotVisible` (a 404)."""
    spec = _spec(process)
    qs = spec.model.objects.select_related("organisation")
    if lock:
        # Lock the case row only: a plain FOR UPDATE would also lock the joined organisation
        # row on PostgreSQL and so queue every transition and new case of that organisation.
        qs = qs.select_for_update(of=("self",))
    pk = parse_id(case_id)
    case = qs.filter(pk=pk).first() if pk is not None else None
    if case is None:
        raise NotVisible(str(messages.NOT_FOUND))
    if user is not None and not policy.can_see(user, case, spec.viewer_roles):
        raise NotVisible(str(messages.NOT_FOUND))
    return case


def _build_actor(user, decision, tspec) -> Actor:
    """The actor as recorded: the organisation role used, else the part the person plays in the case."""
    behalf = decision.on_behalf_of
    if decision.on_behalf_of_id and behalf is None:
        behalf = get_user_model().objects.get(pk=decision.on_behalf_of_id)
    return Actor(user=user, role=decision.role or acting_role(tspec.actor), on_behalf_of=behalf)


def _call_transition(case, method_name: str, ctx: TransitionContext) -> None:
    """Run the FSM method :func:`workflow.registry.bind_transitions` made from the spec."""
    getattr(case, method_name)(ctx)


def perform_transition(
    *,
    process,
    case_id,
    name: str,
    user,
    data: dict | None = None,
    expected_version: int | None = None,
    meta: RequestMeta | None = None,
    now: dt.datetime | None = None,
    system: bool = False,
):
    """Perform transition ``name`` on a case; returns the updated case.

    ``system=True`` is for callers that have already decided on the engine's behalf — the
    timer sweep (expiry transitions), a vote's close (its pass/fail transition), operator
    commands: visibility, role and claim checks are skipped and the actor is recorded with
    the role ``system``; the state check, input validation and guards still apply.
    Only transitions marked ``system_only`` are refused to ordinary callers.
    """
    spec = _spec(process)
    tspec = spec.transition(name)
    meta = meta or RequestMeta()
    now = now or timezone.now()
    try:
        with transaction.atomic():
            case = get_visible_case(process=spec, case_id=case_id, user=None if system else user, lock=True)
            if tspec is None:
                # Asked after the case: an unknown action on an invisible case is the same 404.
                raise NotVisible(messages.NO_SUCH_TRANSITION % {"action": name})
            if not can_proceed(getattr(case, tspec.method_name), check_conditions=False):
                raise TransitionNotAllowed(
                    messages.NOT_ALLOWED_IN_STATE % {"state": case.state_label, "action": name},
                )
            # The flow's lock on the case's process, taken now rather than when the step is
            # completed: the open step is then read once, under it, and completed as read.
            with flowkit.step_lock(spec.flow, case):
                _transition_locked(
                    case, spec, tspec, name=name, user=user, data=data, expected_version=expected_version,
                    meta=meta, now=now, system=system,
                )
    except ConcurrentTransition:
        raise StaleVersion(messages.STALE_VERSION % {"current": "?", "expected": expected_version}) from None
    return case


def _transition_locked(case, spec, tspec, *, name, user, data, expected_version, meta, now, system) -> None:
    """The rest of :func:`perform_transition`, under the case row lock and the flow's lock."""
    open_task = flowkit.open_step_task(case)
    if system:
        actor = Actor(user=user, role=SYSTEM)
    else:
        decision = policy.may_perform(user, case, tspec, now=now)
        if not decision.allowed:
            raise ActionForbidden(decision.reason)
        if _claimed_by_other(open_task, user) and not keeps_state(case, tspec):
            raise ActionForbidden(str(messages.CLAIMED_BY_OTHER))
        actor = _build_actor(user, decision, tspec)
    if expected_version is not None and int(expected_version) != case.version:
        raise StaleVersion(messages.STALE_VERSION % {"current": case.version, "expected": expected_version})
    ctx = TransitionContext(case=case, spec=tspec, process=spec, actor=actor, data={}, now=now, meta=meta)
    ctx.data = validate_input(tspec.input, data or {}, {"case": case, "user": user, "ctx": ctx})
    refusal = first_refusal(tspec, ctx)
    if refusal:
        reason, rule = refusal
        raise GuardFailed(reason, rule=rule)
    from_state = case.state
    if tspec.effect is not None:
        ctx.result = tspec.effect(ctx)
    _call_transition(case, tspec.method_name, ctx)
    case.version += 1
    case.save()
    shown = registry.mask_restricted_input(ctx.data, registry.restricted_input_names(spec, tspec))
    recorded, sealed = sealed_input(tspec, shown)
    payload = {"input": _json_safe(recorded), **ctx.payload}
    if sealed:
        payload["sealed"] = sealed
    if actor.on_behalf_of is not None:
        payload["delegation"] = {"on_behalf_of": actor.on_behalf_of.get_username()}
    record_event(
        case=case, action=name, actor=actor, from_state=from_state, to_state=case.state,
        payload=payload, meta=meta, now=now,
    )
    flowkit.advance(
        spec.flow, case, state_changed=from_state != case.state,
        actor_id=user.pk if user is not None else None, task=open_task,
    )
    _mark_requests_done(spec, case, user, state_changed=from_state != case.state, now=now)
    if not ctx.creator_notified:
        _notify_decision_after_commit(case, user, tspec)
    for callback in ctx.after_commit:
        transaction.on_commit(callback)


def first_refusal(tspec, ctx: TransitionContext, *, without_input: bool = False) -> tuple[str, str] | None:
    """The first of ``tspec``'s guards that says no: ``(why, rule id)``, or None.

    The service runs this before every transition. ``without_input``: the reader has not filled
    the form yet (the case page asks which actions can only fail); a guard that needs the input
    (reads ``ctx.data``) cannot answer then and is passed over — the service still runs it.
    """
    for guard in tspec.guards:
        try:
            reason = guard(ctx)
        except (KeyError, TypeError, AttributeError):
            if without_input:
                continue
            raise
        if reason:
            return str(reason), registry.rule_of(guard)
    return None


def blocked_reason(*, process, case, tspec, user, now: dt.datetime | None = None) -> str:
    """Why performing ``tspec`` now can only be refused by a guard (a 409), or "" if it may succeed.

    For an action ``user`` may take by state and role (:func:`available_transitions`): the same
    guards the service runs, on the case as it is, before any input.
    """
    if not tspec.guards:
        return ""
    spec = _spec(process)
    now = now or timezone.now()
    decision = policy.may_perform(user, case, tspec, now=now)
    ctx = TransitionContext(
        case=case, spec=tspec, process=spec, actor=_build_actor(user, decision, tspec), data={}, now=now,
        meta=RequestMeta(),
    )
    refusal = first_refusal(tspec, ctx, without_input=True)
    return refusal[0] if refusal else ""


def _mark_requests_done(spec, case, user, *, state_changed: bool, now) -> None:
    """Requests to act on the case are done once acted on: everyone's when the step completed
    (the state moved, or the case closed); only the actor's after a step that keeps the state
    (a co-signature, a countersign). The next step's requests are sent after commit."""
    from .notifications.services import requests_done

    if state_changed:
        requests_done(process_key=spec.key, case_id=case.pk, now=now)
    elif user is not None:
        requests_done(process_key=spec.key, case_id=case.pk, user_id=user.pk, now=now)


def _notify_decision_after_commit(case, user, tspec) -> None:
    """The creator hears of every transition someone else makes on their case (from a worker, after commit)."""
    from .notifications.deferred import send_after_commit
    from .notifications.events import DECISION

    actor_id = user.pk if user is not None else None
    if case.created_by_id is None or actor_id == case.created_by_id:
        return
    send_after_commit(
        DECISION, case, actor_id=actor_id, action_label=str(tspec.label), state_label=str(case.state_label)
    )


def _claimed_by_other(task, user) -> bool:
    """A claimed step is worked by its owner only (the chair may reassign it)."""
    return bool(task is not None and task.owner_id and user is not None and task.owner_id != user.pk)


def keeps_state(case, tspec) -> bool:
    """The transition, from the case's current state, leaves the state as it is.

    Its FSM target is ``None`` or the state itself (a co-signature, a countersign, a note):
    it does not complete the open step, so a claim on that step — which reserves
    *completing* it — does not stop the others who may take it.
    """
    transition = getattr(type(case), tspec.method_name)._django_fsm.get_transition(case.state)
    return transition is not None and transition.target in (None, case.state)


def available_transitions(*, process, case, user) -> list:
    """The transitions ``user`` may perform on ``case`` now (state and role; guards are checked on perform)."""
    spec = _spec(process)
    result = []
    claimed_by_other = _claimed_by_other(flowkit.open_step_task(case), user)
    for tspec in spec.transitions.values():
        if tspec.system_only or (claimed_by_other and not keeps_state(case, tspec)):
            continue
        if not can_proceed(getattr(case, tspec.method_name), check_conditions=False):
            continue
        if policy.may_perform(user, case, tspec).allowed:
            result.append(tspec)
    return result


def creatable_organisations(*, process, user):
    spec = _spec(process)
    ids = {g.organisation_id for g in policy.grants(user) if g.role in spec.create_roles and g.on_behalf_of_id is None}
    return Organisation.objects.filter(pk__in=ids)


def create_case(*, process, user, data: dict, meta: RequestMeta | None = None, now=None):
    """Create a case: the caller must hold a creating role in the chosen organisation."""
    spec = _spec(process)
    meta = meta or RequestMeta()
    now = now or timezone.now()
    data = dict(data or {})
    organisation = organisation_from_input(data.get("organisation"))
    grant = policy.grant_for_own(user, organisation, spec.create_roles)
    if grant is None:
        raise ActionForbidden(str(messages.NO_ROLE))
    with transaction.atomic():
        actor = Actor(user=user, role=grant.role)
        ctx = TransitionContext(case=None, spec=None, process=spec, actor=actor, data={}, now=now, meta=meta)
        validated = validate_input(
            spec.create_input, data, {"user": user, "organisation": organisation, "ctx": ctx}
        )
        validated["organisation"] = organisation
        ctx.data = validated
        case = spec.create(ctx)
        case.organisation = organisation
        case.created_by = user
        case.created_at = now
        case.assign_reference()
        case.save()
        if spec.after_create is not None:
            with case_being_created(case):
                spec.after_create(ctx, case)
        ctx.case = case
        record_event(
            case=case, action="create", actor=actor, from_state="", to_state=case.state,
            payload={"input": _json_safe(registry.mask_restricted_input(validated, registry.restricted_input_names(spec))),
                     **ctx.payload},
            meta=meta, now=now, new_chain=True,
        )
        flowkit.start_case_process(spec.flow, case)
        for callback in ctx.after_commit:
            transaction.on_commit(callback)
    return case
