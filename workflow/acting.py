"""The part a person plays in one case, for steps no role grants (the proposer, an invited co-signer…).

A transition restricted to a named person (``TransitionSpec.actor``) is performed under no
organisation role, yet the audit trail says in which capacity its actor acted: the actor
predicate declares it with :func:`acts_as`, and the service records that code as the
event's role. Labels are kept here so that pages and exports can name the role.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

from .roles import Role

#: The role of transitions the engine performs itself (timers, a vote's close).
SYSTEM = "system"

_LABELS: dict[str, object] = {SYSTEM: _("系统 System")}


def acts_as(code: str, label) -> Callable:
    """Mark an actor predicate with the role its person acts in (stored code, ≤ 30 characters)."""
    if len(code) > 30:
        raise ValueError(f"{code}: a role code has at most 30 characters")

    def mark(predicate):
        predicate.acts_as = code
        _LABELS[code] = label
        return predicate

    return mark


def acting_role(predicate) -> str:
    """The role code declared on ``predicate`` by :func:`acts_as`, or ""."""
    return getattr(predicate, "acts_as", "") if predicate is not None else ""


def role_labels() -> dict[str, str]:
    """Every role code an audit event may carry, with its label in the active language."""
    return {**{str(k): str(v) for k, v in Role.choices}, **{k: str(v) for k, v in _LABELS.items()}}
