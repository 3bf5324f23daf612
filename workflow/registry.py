"""Processes plug in here: each process's AppConfig registers one :class:`ProcessSpec`.

The engine (API, UI, inbox, timers) iterates the registry; it never imports a process.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

Guard = Callable[[Any], "str | None"]  # guard(ctx) -> why not, or None


@dataclass(frozen=True)
class TransitionSpec:
    """A transition as the service performs it.

    ``name`` is the FSM method on the model (unless ``method`` says otherwise);
    ``roles`` may act (empty: only ``actor`` decides); ``actor(case, user)`` restricts it
    to a named person (proposer, invited co-signer); ``guards`` return why not, or None;
    ``effect`` applies the validated input to the case before the FSM transition.
    """

    name: str
    label: str | Promise
    roles: frozenset = frozenset()
    input: Any = None  # a DRF Serializer class validating the input
    actor: Callable | None = None
    guards: tuple = ()
    effect: Callable | None = None
    method: str | None = None
    not_own_case: bool = False
    separation: tuple = ()
    system_only: bool = False
    description: str | Promise = ""
    destructive: bool = False  # ends or sends back the case (reject, return, merge): pages style it as such

    @property
    def method_name(self) -> str:
        return self.method or self.name


@dataclass
class ProcessSpec:
    key: str
    label: str | Promise
    model: type
    flow: type
    transitions: dict[str, TransitionSpec]
    create_input: Any  # Serializer class for creation
    create: Callable  # create(*, actor: Actor, data: dict, meta) -> case (runs inside the service)
    create_roles: frozenset
    viewer_roles: frozenset
    detail_serializer: Any = None
    search_fields: tuple = ("reference",)
    extra: dict = field(default_factory=dict)

    def transition(self, name: str) -> TransitionSpec | None:
        return self.transitions.get(name)


_REGISTRY: dict[str, ProcessSpec] = {}


def register(spec: ProcessSpec) -> ProcessSpec:
    _REGISTRY[spec.key] = spec
    return spec


def get(key: str) -> ProcessSpec | None:
    return _REGISTRY.get(key)


def all_processes() -> list[ProcessSpec]:
    return list(_REGISTRY.values())


def for_model(model) -> ProcessSpec | None:
    for spec in _REGISTRY.values():
        if spec.model is model or isinstance(model, spec.model):
            return spec
    return None


def unregister(key: str) -> None:
    _REGISTRY.pop(key, None)
