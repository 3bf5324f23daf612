"""Building blocks for process flows: the case step node, state routing and the lock.

A process flow is a hub: ``route`` looks at the case's FSM state and opens the step
for that state; the step is completed by the transition service (never by a viewflow
view), then control returns to ``route``. The FSM state stays the one truth; the flow
says who must act next and is checked against the state in tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.utils.timezone import now
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.activation import Activation
from viewflow.workflow.lock import SelectForUpdateLock
from viewflow.workflow.models import Task
from viewflow.workflow.nodes.handle import HandleActivation
from viewflow.workflow.signals import task_started
from viewflow.workflow.status import PROCESS, STATUS

from .models import WorkItem

#: Every flow uses this lock. ``nowait=False``: the service already runs in an outer
#: transaction, where a NOWAIT failure would abort it.
select_for_update_lock = SelectForUpdateLock(nowait=False, attempts=1)

OPEN_STATUSES = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)
_UNSET = object()
_OPENED_STEP = "_unionflow_opened_step"


@dataclass(frozen=True)
class Assignee:
    role: str = ""
    organisation_id: int | None = None
    user_id: int | None = None


def by_role(role: str, organisation: Callable | None = None) -> Callable:
    """Anyone holding ``role`` at the case's organisation (or ``organisation(case)``)."""

    def resolve(case) -> list[Assignee]:
        org = organisation(case) if organisation else case.organisation
        if org is None:
            return []
        return [Assignee(role=role, organisation_id=org.pk)]

    resolve.label = role
    return resolve


def case_users(getter: Callable[[object], Iterable]) -> Callable:
    """Named people taken from the case (the proposer, invited co-signers…)."""

    def resolve(case) -> list[Assignee]:
        return [Assignee(user_id=uid, organisation_id=case.organisation_id) for uid in getter(case) if uid]

    return resolve


def state_is(*states: str) -> Callable:
    def condition(activation) -> bool:
        return activation.process.artifact.state in states

    return condition


class CaseStepActivation(HandleActivation):
    """A step completed only by the transition service.

    A step someone has claimed (``ASSIGNED``, see :mod:`workflow.assignment`) is
    completed the same way as an unclaimed one (``NEW``).
    """

    @classmethod
    def create(cls, flow_task, prev_activation, token, data=None, seed=None):
        activation = super().create(flow_task, prev_activation, token, data=data, seed=seed)
        # The process in hand remembers the step it just opened: whoever rebuilds the work
        # items right after (the transition service) need not look it up again.
        activation.process.__dict__[_OPENED_STEP] = activation.task
        return activation

    @Activation.status.transition(source=[STATUS.NEW, STATUS.ASSIGNED], target=STATUS.STARTED)
    def run(self, func, **kwargs):
        self.task.started = now()
        task_started.send(sender=self.flow_class, process=self.process, task=self.task)
        return func(self, **kwargs) if func else self.process


class CaseStep(flow.Handle):
    """A human step of a case: who must act (``who``) and which deadline applies."""

    task_type = "HUMAN"
    activation_class = CaseStepActivation

    def __init__(self, title, *, who: Iterable[Callable] = (), deadline: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.task_title = title
        self.who = tuple(who)
        self.deadline_rule = deadline

    def complete_locked(self, task) -> None:
        """Complete ``task`` and route on: what viewflow's ``Handle.run`` does, minus taking the
        flow lock and re-reading the task, which the transition service did just before
        (:func:`step_lock`, :func:`open_step_task`)."""
        activation = self.activation_class(task)
        activation.run(this.resolve(self.flow_class.instance, self._func))
        activation.execute()

    def assignees(self, case) -> list[Assignee]:
        result: list[Assignee] = []
        for resolver in self.who:
            for a in resolver(case):
                if a not in result:
                    result.append(a)
        return result


class CaseFlowMixin:
    """Mixed into every process flow: the lock, and how a case starts its process.

    Declare ``start = flow.StartHandle(this.start_case).Next(this.route)``.
    """

    lock_impl = select_for_update_lock
    process_key = ""

    def start_case(self, activation, case):
        activation.process.artifact = case
        return activation.process


def start_case_process(flow_class, case) -> None:
    """Start the viewflow process for a new case and open its first step."""
    process = flow_class.instance.start.run(case=case)
    case.process = process
    type(case).objects.filter(pk=case.pk).update(process=process)
    rebuild_work_items(
        flow_class, case, actor_id=case.created_by_id, step_is_new=True, open_task=_step_opened(process)
    )


@contextmanager
def step_lock(flow_class, case):
    """Hold the flow's lock on the case's process (a case without one needs none).

    Taken after the case row lock, as every service does; read the open step inside it.
    """
    if not case.process_id:
        yield
        return
    with flow_class.lock(case.process_id):
        yield


def open_step_task(case):
    """The case's open human step (the newest), or None; its process is read with it."""
    if not case.process_id:
        return None
    process_cached = type(case)._meta.get_field("process").is_cached(case)
    if process_cached:
        tasks = case.process.task_set.all()  # each task comes back holding this very process
    else:
        tasks = Task.objects.filter(process_id=case.process_id).select_related("process")
    task = tasks.filter(flow_task_type="HUMAN", status__in=OPEN_STATUSES).order_by("-created").first()
    if task is not None and not process_cached:
        case.process = task.process
    return task


def complete_step(case, task) -> None:
    """Complete the open step ``task`` and let the flow open the next one.

    The caller holds :func:`step_lock` and read ``task`` under it. The flow's conditions
    see ``case`` itself, just saved, rather than a second copy read back.
    """
    process = task.process
    if process.artifact_object_id == case.pk and process.artifact_content_type_id == _case_type(case).pk:
        process.artifact = case
    node = task.flow_task
    if isinstance(node, CaseStep):
        node.complete_locked(task)
    else:
        node.run(task)


def advance(flow_class, case, *, state_changed: bool, actor_id: int | None = None, task=_UNSET) -> None:
    """After a transition: complete the open step if the state moved, then rebuild work items.

    ``task``: the open step the caller read under :func:`step_lock`, which it still holds.
    """
    completed = False
    if state_changed:
        if task is _UNSET:
            with step_lock(flow_class, case):
                task = open_step_task(case)
                if task is not None:
                    complete_step(case, task)
        elif task is not None:
            complete_step(case, task)
        completed = task is not None
    open_task = _UNSET
    if completed:
        # The flow just ended the process (its End node found no other open task): no step is
        # open. Otherwise the step it opened is the newest open one.
        open_task = None if task.process.status == PROCESS.DONE else _step_opened(task.process)
    rebuild_work_items(flow_class, case, actor_id=actor_id, step_is_new=completed, open_task=open_task)


def _step_opened(process):
    """The step the flow opened on ``process`` during this call (see :class:`CaseStepActivation`),
    else ``_UNSET``: then it is looked up."""
    task = process.__dict__.pop(_OPENED_STEP, None)
    return task if task is not None and task.status in OPEN_STATUSES else _UNSET


def position(case) -> str | None:
    """Name of the step the flow waits on, or None when the process has ended."""
    task = open_step_task(case)
    return task.flow_task.name if task else None


def _case_type(case):
    return ContentType.objects.get_for_model(case, for_concrete_model=True)


def rebuild_work_items(
    flow_class, case, *, notify: bool = True, actor_id: int | None = None, step_is_new: bool = False,
    open_task=_UNSET,
) -> None:
    """Derive the case's work items from its open step.

    A claimed step is addressed to its owner alone; the role holders no longer see it.
    ``notify=False`` when nobody new is concerned (the claimant took the step themselves);
    an item addressed by name to ``actor_id`` (who just acted) is not announced to them.
    ``step_is_new``: the open step was opened by this call, so none of its items existed
    before and every one is announced (the old items need not be read, only removed).
    ``open_task``: the open step when the caller knows it (None: the process has ended).
    """
    case_type = _case_type(case)
    existing = WorkItem.objects.filter(case_type=case_type, case_id=case.pk)
    before = set() if step_is_new else set(existing.values_list("task_id", "role", "organisation_id", "user_id"))
    existing.delete()
    task = open_step_task(case) if open_task is _UNSET else open_task
    if task is None:
        return
    node = task.flow_task
    from .deadlines import due_at_for

    due = due_at_for(case, node.deadline_rule) if node.deadline_rule else None
    process_key = getattr(flow_class, "process_key", "")
    if task.owner_id:
        assignees = [Assignee(user_id=task.owner_id, organisation_id=case.organisation_id)]
    else:
        assignees = node.assignees(case)
    items = WorkItem.objects.bulk_create(
        [
            WorkItem(
                task=task,
                process_key=process_key,
                case_type=case_type,
                case_id=case.pk,
                case_ref=case.reference,
                title=str(node.task_title)[:200],
                organisation_id=a.organisation_id or case.organisation_id,
                role=a.role,
                user_id=a.user_id,
                due_at=due,
            )
            for a in assignees
        ]
    )
    if notify:
        _notify_added(case, [w for w in items if _item_key(w) not in before and not (actor_id and w.user_id == actor_id)])


def _item_key(item) -> tuple:
    return (item.task_id, item.role, item.organisation_id, item.user_id)


def _notify_added(case, added: list) -> None:
    """Tell only the newly addressed people, once the change is committed."""
    if not added:
        return
    from django.db import transaction

    from .notifications.events import notify_new_work_items, safely

    transaction.on_commit(safely(lambda: notify_new_work_items(case=case, items=added)))
