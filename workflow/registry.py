"""Processes plug in here: each process's AppConfig registers one :class:`ProcessSpec`.

The engine (API, UI, inbox, timers) iterates the registry; it never imports a process.

Three words, one concept each: the *process key* (``process_key``: the string ``"proposals"``,
in URLs and stored on notifications), the *process spec* (``spec``: the :class:`ProcessSpec`
registered under that key) and the *viewflow process* (``flow_process``: the ``Process`` row of
one case, reached as ``case.process``). The services' keyword ``process=`` takes a key or a spec.

One declaration per transition
------------------------------
A :class:`TransitionSpec` says everything about one transition: its source and target
states, label, who may take it (roles, a named actor, separation of duties), its guards,
its input and its effect. :func:`register` turns each spec into the django-fsm transition
method on the case model (:func:`bind_transitions`), so the model never repeats a source
or a target, and the state field (``FSMField(protected=True)``) stays the one truth that
:func:`workflow.services.perform_transition` changes.

Why the spec makes the method, rather than the model method carrying the spec in
``@transition(custom=...)``: a transition's input serializer and its effect read the
model's own rows, so the model module cannot import them without a cycle. The spec
lives beside the guards and effects it names; the model keeps only what a transition
writes on the case's own fields (``apply``, a plain method of the model).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django_fsm import transition

if TYPE_CHECKING:
    from .audit.figures import Figure, Scope

Guard = Callable[[Any], "str | None"]  # guard(ctx) -> why not, or None

#: A process's own oversight figures: ``hook(spec, scope) -> [Figure, ...]``, each counted by a
#: query over ``scope.organisation_ids`` (the reader's organisations with their subtrees) at
#: ``scope.now``; see :mod:`workflow.audit.dashboard`.
DashboardHook = Callable[["ProcessSpec", "Scope"], "list[Figure]"]


def guard(rule_id: str) -> Callable[[Guard], Guard]:
    """Name the rule a guard enforces: a refusal is a 409 that carries ``rule_id``.

    ``@guard("proposal.min_cosigners")`` above ``def enough_cosigners(ctx): ...``.
    """

    def mark(check: Guard) -> Guard:
        check.rule_id = rule_id
        return check

    return mark


def rule_of(check: Guard) -> str:
    """The rule id a guard was declared with (its function name when undeclared)."""
    return getattr(check, "rule_id", "") or check.__name__


@dataclass(frozen=True)
class TransitionSpec:
    """A transition, declared once.

    ``name`` is the transition (and the case model's method, unless ``method`` says otherwise).
    ``source``: the state or states it leaves (``"*"``: any). ``target``: the state it reaches;
    ``None`` keeps the state; django-fsm's ``RETURN_VALUE(a, b)`` lets ``apply`` choose.
    ``roles`` may act (empty: only ``actor`` decides); ``actor(case, user)`` restricts it to a
    named person (proposer, invited co-signer); ``not_own_case`` and ``separation`` are the
    separation of duties (see :func:`workflow.policy.may_perform`); ``system_only``: only the
    engine takes it (timers, a vote's close). ``input``: a DRF serializer class validating the
    input. ``guards`` return why not, or None (declare each with :func:`guard`). ``effect(ctx)``
    writes the rows around the case, before the state changes; ``apply(case, ctx)`` writes the
    case's own fields as the state changes (a plain model method; its return value is the
    target when ``target`` is ``RETURN_VALUE``).
    """

    name: str
    label: str | Promise
    source: Any = "*"
    target: Any = None
    roles: frozenset = frozenset()
    input: Any = None
    actor: Callable | None = None
    guards: tuple = ()
    effect: Callable | None = None
    apply: Callable | None = None
    method: str | None = None
    not_own_case: bool = False
    separation: tuple = ()
    system_only: bool = False
    description: str | Promise = ""
    destructive: bool = False  # ends or sends back the case (reject, return, merge): pages style it as such
    #: Input fields the audit trail records as ``"[sealed]"``, never their content (confidential
    #: minutes, a password re-entered to sign): see :mod:`workflow.sealing`.
    sealed: tuple = ()
    #: Input fields of this transition that are restricted personal data: the audit event records
    #: ``"[restricted]"`` in their place (see :func:`restricted_input_names`).
    restricted_input: tuple = ()

    @property
    def method_name(self) -> str:
        return self.method or self.name

    @property
    def sources(self) -> tuple:
        return tuple(self.source) if isinstance(self.source, (list, tuple, set, frozenset)) else (self.source,)


def transitions(*specs: TransitionSpec) -> dict[str, TransitionSpec]:
    """The ``ProcessSpec.transitions`` table, keyed by name."""
    return {t.name: t for t in specs}


@dataclass
class ProcessSpec:
    """A process as the engine sees it. Every field past ``viewer_roles`` is optional.

    ``create(ctx)`` builds the unsaved case from ``ctx.data`` (validated by ``create_input``)
    inside the service's transaction; ``after_create(ctx, case)`` runs once the case is saved,
    before its audit event. ``deadline_rules`` are registered with the engine's calendar by
    :func:`register`. ``seed_demo(orgs, users)`` adds the process's demo cases (idempotent).
    ``detail_template`` is included in the case page; ``api_urls`` / ``ui_urls`` name URL
    modules of the process's own endpoints and pages (reports, PDFs).
    """

    key: str
    label: str | Promise
    model: type
    flow: type
    transitions: dict[str, TransitionSpec]
    create_input: Any  # a DRF Serializer class validating the creation input
    create: Callable  # create(ctx) -> unsaved case
    create_roles: frozenset
    viewer_roles: frozenset
    detail_serializer: Any = None
    search_fields: tuple = ("reference",)
    deadline_rules: tuple = ()
    after_create: Callable | None = None
    seed_demo: Callable | None = None
    detail_template: str = ""
    api_urls: str = ""
    ui_urls: str = ""
    state_field: str = "state"
    #: The process's own pages in its menu: ``{"label", "url_name", "roles"}`` each, shown to a
    #: reader holding one of ``roles`` anywhere (the page itself still checks scope).
    menu: tuple = ()
    #: States in which the case is over for its participants although its flow still has a step
    #: (e.g. a proposal 已办结 awaiting only its archiving): no more documents are uploaded.
    closed_states: frozenset = frozenset()
    #: Inbox items beyond the flow's open step (a countersign expected of a co-department…):
    #: ``fn(user, limit) -> list`` of :func:`workflow.inbox.source_item` (see ``workflow.inbox``).
    inbox_sources: tuple = ()
    #: The process's own oversight figures beyond the engine's (``workflow.audit.dashboard``), a
    #: :data:`DashboardHook` kept in the process's ``dashboard.py``. None (the default): no figures
    #: of its own, only those the engine derives from this spec.
    dashboard: DashboardHook | None = None
    #: Input fields (of the creation and of every transition) that are restricted personal data
    #: (an aid applicant's ID number, income, bank account): the audit trail records
    #: ``"[restricted]"`` instead of the value; the case keeps it for :meth:`Case.restricted_data`.
    restricted_fields: frozenset = frozenset()
    #: Roles that may open the case's restricted personal data (each read audited); ``None``:
    #: the engine's default :data:`workflow.roles.RESTRICTED_DATA_ROLES`.
    restricted_roles: frozenset | None = None
    #: ``prefetch_related`` lookups (names or ``Prefetch``) the case list applies to each page, so
    #: that ``detail_serializer`` reads every row without queries of its own.
    list_related: tuple = ()

    def transition(self, name: str) -> TransitionSpec | None:
        return self.transitions.get(name)


_REGISTRY: dict[str, ProcessSpec] = {}


def register(spec: ProcessSpec) -> ProcessSpec:
    """Register ``spec``: its deadline rules join the calendar, its transitions become FSM methods."""
    from .deadlines.rules import register_rule

    for rule in spec.deadline_rules:
        register_rule(rule)
    bind_transitions(spec.model, spec.transitions.values(), state_field=spec.state_field)
    _REGISTRY[spec.key] = spec
    return spec


def bind_transitions(model: type, specs: Iterable[TransitionSpec], *, state_field: str = "state") -> None:
    """Make each spec the django-fsm transition method ``model.<method_name>``.

    A model method that is already a transition is left alone (binding twice is harmless,
    and a hand-written ``@transition`` is reported by the system check instead).
    """
    field_obj = model._meta.get_field(state_field)
    collected = field_obj.transitions.setdefault(model, {})
    for spec in specs:
        if hasattr(model.__dict__.get(spec.method_name), "_django_fsm"):
            continue
        method = transition(field=field_obj, source=list(spec.sources), target=spec.target)(_body(spec))
        setattr(model, spec.method_name, method)
        collected[spec.method_name] = method


def _body(spec: TransitionSpec) -> Callable:
    apply = spec.apply

    def body(case, ctx=None):
        return apply(case, ctx) if apply is not None else None

    body.__name__ = body.__qualname__ = spec.method_name
    return body


def get(process_key: str) -> ProcessSpec | None:
    return _REGISTRY.get(process_key)


def all_processes() -> list[ProcessSpec]:
    return list(_REGISTRY.values())


def for_model(model) -> ProcessSpec | None:
    for spec in _REGISTRY.values():
        if spec.model is model or isinstance(model, spec.model):
            return spec
    return None


def unregister(process_key: str) -> None:
    _REGISTRY.pop(process_key, None)


#: What the audit trail records in place of a restricted input value.
RESTRICTED_MARK = "[restricted]"


def restricted_input_names(process: ProcessSpec, tspec: TransitionSpec | None = None) -> frozenset:
    """The input field names whose values never reach the audit trail (creation: ``tspec=None``)."""
    names = set(process.restricted_fields or ())
    if tspec is not None:
        names |= set(tspec.restricted_input or ())
    return frozenset(names)


def mask_restricted_input(data: dict, names) -> dict:
    """``data`` with the value of each restricted field (present and not empty) replaced by the mark."""
    if not names:
        return data
    return {k: (RESTRICTED_MARK if k in names and v not in (None, "", [], {}) else v) for k, v in data.items()}
