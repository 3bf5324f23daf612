"""Claiming, releasing and reassigning the open step of a case.

A step addressed to a role (e.g. the union committee) is visible to every holder of that
role. To avoid two people working the same case, one of them may *claim* it: the step's
viewflow task gets that person as owner (status ASSIGNED) and from then on the inbox
shows it to the owner only. The owner may *release* it back to the role; the
organisation's chair or union committee may *reassign* it to another person to whom the
step is addressed (when someone is away, or to balance the work).

Only someone the step is addressed to may claim it: a holder of one of its roles at the
organisation it names (or a delegate of such a holder), or the named person — and who
may act on the case now (a committee member may not claim the decision on their own
case: it would hide the step from everyone who could decide it). Each
change writes one audit event (``task_claim``, ``task_release``, ``task_reassign``)
naming the step and the people, in the same transaction, under the case row lock —
viewflow's own assign/unassign emit no signal, so the service records them.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed
from viewflow.workflow.status import STATUS

from . import flowkit, messages, policy, registry
from .audit import Actor, RequestMeta, record_event
from .errors import ActionForbidden, InvalidInput, NotVisible, TransitionNotAllowed
from .roles import Role
from .services import get_visible_case

#: Who may hand a step to someone else (besides its owner releasing it).
MANAGER_ROLES = frozenset({Role.CHAIR, Role.UNION_COMMITTEE})

NO_OPEN_STEP = _("此案件当前没有待办步骤 This case has no open step.")
ALREADY_CLAIMED = _("此步骤已被认领 This step has already been claimed.")
NOT_CLAIMED = _("此步骤尚未被认领 This step has not been claimed.")
NOT_ADDRESSED = _("此步骤不由您办理 This step is not addressed to you.")
NOT_OWNER = _(
    "只有认领人或工会主席、工会委员会可以释放此步骤 Only the owner, the chair or the union committee may release this step."
)
NOT_MANAGER = _("只有工会主席或工会委员会可以改派 Only the chair or the union committee may reassign a step.")
TARGET_UNKNOWN = _("没有此用户 No such user.")
TARGET_NOT_ADDRESSED = _("该用户不能办理此步骤 This user may not handle this step.")
TARGET_IS_OWNER = _("该用户已是此步骤的认领人 This user already owns this step.")


def _spec(process) -> registry.ProcessSpec:
    spec = registry.get(process) if isinstance(process, str) else process
    if spec is None:
        raise NotVisible(str(messages.NOT_FOUND))
    return spec


def _open_task(spec, case):
    """The case's open step; a 409 when the flow waits on nobody.

    Callers hold the case row lock, which serialises every service on this case, and
    the flow's process lock, which keeps viewflow's own machinery off the task meanwhile.
    """
    task = flowkit.open_step_task(case)
    if task is None:
        raise TransitionNotAllowed(str(NO_OPEN_STEP))
    return task


def _may_act_now(spec, case, user) -> bool:
    """May ``user`` perform one of the transitions open in the case's state (role, actor,
    separation of duties)? A state with no user transition (the step is done elsewhere,
    e.g. by signing) asks nothing more than being addressed."""
    candidates = [
        t for t in spec.transitions.values()
        if not t.system_only and can_proceed(getattr(case, t.method_name), check_conditions=False)
    ]
    return not candidates or any(policy.may_perform(user, case, t).allowed for t in candidates)


def addressed_actor(case, task, user, spec: registry.ProcessSpec | None = None) -> Actor | None:
    """The actor ``user`` would hold ``task`` as, or None when the step is not theirs to take.

    With ``spec``, the user must also be able to act on the case now.
    """
    if user is None or not user.is_active:
        return None
    if spec is not None and not _may_act_now(spec, case, user):
        return None
    assignees = task.flow_task.assignees(case)
    if any(a.user_id and a.user_id == user.pk for a in assignees):
        return Actor(user=user)
    from .models import Organisation

    org_ids = {a.organisation_id or case.organisation_id for a in assignees if a.role}
    # The case's own organisation is loaded with the case; only others are read.
    organisations = {case.organisation_id: case.organisation} if case.organisation_id in org_ids else {}
    if org_ids - organisations.keys():
        organisations.update({o.pk: o for o in Organisation.objects.filter(pk__in=org_ids - organisations.keys())})
    for a in assignees:
        org = organisations.get(a.organisation_id or case.organisation_id)
        if not a.role or org is None:
            continue
        grant = policy.grant_for(user, org, {a.role})
        if grant is not None:
            behalf = grant.on_behalf_of
            if grant.on_behalf_of_id and behalf is None:
                behalf = get_user_model().objects.get(pk=grant.on_behalf_of_id)
            return Actor(user=user, role=grant.role, on_behalf_of=behalf)
    return None


def _payload(task, **people) -> dict:
    payload = {"step": task.flow_task.name, "title": str(task.flow_task.task_title), "task_id": task.pk}
    payload.update({k: (v.get_username() if v is not None else None) for k, v in people.items()})
    return payload


def _save(spec, case, task, *, owner, now, notify: bool = True) -> None:
    task.owner = owner
    task.status = STATUS.ASSIGNED if owner is not None else STATUS.NEW
    task.assigned = now if owner is not None else None
    task.save(update_fields=["owner", "status", "assigned"])
    flowkit.rebuild_work_items(spec.flow, case, notify=notify, open_task=task)


def step_claim(*, process, case_id: int, user, meta: RequestMeta | None = None):
    """``user`` takes the case's open step; afterwards only they see it in their inbox.

    404 if the case is not visible; 409 if there is no open step or it is already
    claimed; 403 if the step is not addressed to ``user``. Returns the task.
    """
    spec = _spec(process)
    now = timezone.now()
    with transaction.atomic():
        case = get_visible_case(process=spec, case_id=case_id, user=user, lock=True)
        with spec.flow.lock(case.process_id):
            task = _open_task(spec, case)
            if task.owner_id is not None:
                raise TransitionNotAllowed(str(ALREADY_CLAIMED))
            actor = addressed_actor(case, task, user, spec)
            if actor is None:
                raise ActionForbidden(str(NOT_ADDRESSED))
            # The claimant took the step themselves: nobody needs telling.
            _save(spec, case, task, owner=user, now=now, notify=False)
            payload = _payload(task, owner=user)
            if actor.on_behalf_of is not None:
                payload["delegation"] = {"on_behalf_of": actor.on_behalf_of.get_username()}
            record_event(case=case, action="task_claim", actor=actor, payload=payload, meta=meta, now=now)
    return task


def step_release(*, process, case_id: int, user, meta: RequestMeta | None = None):
    """Put a claimed step back to everyone it is addressed to.

    The owner may release it; so may the organisation's chair or union committee
    (someone left a step claimed and went on leave). 409 if it is not claimed.
    """
    spec = _spec(process)
    now = timezone.now()
    with transaction.atomic():
        case = get_visible_case(process=spec, case_id=case_id, user=user, lock=True)
        with spec.flow.lock(case.process_id):
            task = _open_task(spec, case)
            if task.owner_id is None:
                raise TransitionNotAllowed(str(NOT_CLAIMED))
            if task.owner_id == user.pk:
                actor = Actor(user=user, role=(addressed_actor(case, task, user) or Actor()).role)
            else:
                grant = policy.grant_for_own(user, case.organisation, MANAGER_ROLES)
                if grant is None:
                    raise ActionForbidden(str(NOT_OWNER))
                actor = Actor(user=user, role=grant.role)
            previous = task.owner
            _save(spec, case, task, owner=None, now=now)
            record_event(
                case=case, action="task_release", actor=actor, payload=_payload(task, previous_owner=previous),
                meta=meta, now=now,
            )
    return task


def step_reassign(*, process, case_id: int, user, to_user, meta: RequestMeta | None = None):
    """The chair or union committee hands the open step (claimed or not) to ``to_user``.

    ``to_user`` (a user or a username) must be someone who could claim the step
    themselves; otherwise 400 and nothing changes. 403 for anyone but the chair or union
    committee of the case's organisation (their own role, not a delegated one).
    """
    spec = _spec(process)
    now = timezone.now()
    with transaction.atomic():
        case = get_visible_case(process=spec, case_id=case_id, user=user, lock=True)
        grant = policy.grant_for_own(user, case.organisation, MANAGER_ROLES)
        if grant is None:
            raise ActionForbidden(str(NOT_MANAGER))
        target = _resolve_user(to_user)
        with spec.flow.lock(case.process_id):
            task = _open_task(spec, case)
            if task.owner_id is not None and task.owner_id == target.pk:
                raise InvalidInput("输入有误 Invalid input.", fields={"username": [str(TARGET_IS_OWNER)]})
            if addressed_actor(case, task, target, spec) is None:
                raise InvalidInput("输入有误 Invalid input.", fields={"username": [str(TARGET_NOT_ADDRESSED)]})
            previous = task.owner
            _save(spec, case, task, owner=target, now=now)
            record_event(
                case=case, action="task_reassign", actor=Actor(user=user, role=grant.role),
                payload=_payload(task, previous_owner=previous, owner=target), meta=meta, now=now,
            )
    return task


def _resolve_user(to_user):
    User = get_user_model()
    if isinstance(to_user, User):
        return to_user
    username = to_user if isinstance(to_user, str) else ""
    target = User.objects.filter(**{User.USERNAME_FIELD: username}, is_active=True).first() if username else None
    if target is None:
        raise InvalidInput("输入有误 Invalid input.", fields={"username": [str(TARGET_UNKNOWN)]})
    return target


def steps_release_for_deactivated(*, owner, by, meta: RequestMeta | None = None) -> int:
    """Give back every step ``owner`` had claimed, now that they are deactivated.

    A deactivated user can no longer log in, so a step they claimed would wait for
    nobody. Each step goes back to everyone it is addressed to, with one
    ``task_release`` event on its case naming who deactivated the owner. Returns the
    number of steps released.
    """
    from viewflow.workflow.models import Task

    released = 0
    task_ids = list(
        Task.objects.filter(owner=owner, status=STATUS.ASSIGNED, flow_task_type="HUMAN").values_list("pk", flat=True)
    )
    for task_id in task_ids:
        task = Task.objects.select_related("process").get(pk=task_id)
        case = task.process.artifact
        spec = registry.for_model(type(case)) if case is not None else None
        if spec is None:
            continue
        now = timezone.now()
        with transaction.atomic():
            case = get_visible_case(process=spec, case_id=case.pk, user=None, lock=True)
            with spec.flow.lock(case.process_id):
                task = flowkit.open_step_task(case)
                if task is None or task.pk != task_id or task.owner_id != owner.pk:
                    continue  # moved on meanwhile
                _save(spec, case, task, owner=None, now=now)
                payload = _payload(task, previous_owner=owner) | {"reason": "owner_deactivated"}
                record_event(
                    case=case, action="task_release", actor=Actor(user=by, role=Role.ADMIN), payload=payload,
                    meta=meta, now=now,
                )
                released += 1
    return released
