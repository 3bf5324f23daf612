"""The one policy module: who sees a case, who may act on it now, and if not, why.

Scope: a role held at an organisation covers that organisation; a role in
``SUBTREE_ROLES`` (auditor, aid centre, admin) held at a federation also covers
everything below it. A case outside the caller's scope is reported as not found.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, F, IntegerField, OuterRef, Q, Value
from django.utils import timezone

from . import messages
from .models import Delegation, Organisation, RoleAssignment
from .roles import READ_ONLY_ROLES, SUBTREE_ROLES, Role


@dataclass(frozen=True)
class Grant:
    role: str
    organisation_id: int
    path: str
    subtree: bool
    on_behalf_of_id: int | None = None
    #: The delegator (a user), read with the delegation, so that acting for them needs no second look-up.
    on_behalf_of: Any = field(default=None, compare=False, repr=False)


def grants(user, *, include_delegations: bool = True) -> list[Grant]:
    """Every role the user holds today, plus the roles delegated to them right now.

    A delegation passes on only a role its delegator still holds there. Both kinds are read in
    one statement (every action asks, for any process); the delegators, whom an audit event names,
    take a second one only when the user acts under a delegation at all.
    """
    if not user or not user.is_authenticated or not user.is_active:
        return []
    cache = getattr(user, "_unionflow_grants", None)
    if cache is not None and include_delegations:
        return cache
    columns = ("role", "organisation_id", "organisation__path", "behalf")
    rows = RoleAssignment.objects.current().filter(user=user).order_by()
    rows = rows.annotate(behalf=Value(None, output_field=IntegerField())).values_list(*columns)
    if include_delegations:
        rows = rows.union(_delegated_rows(user).values_list(*columns), all=True)
    rows = list(rows)
    delegators = get_user_model().objects.in_bulk({r[3] for r in rows if r[3] is not None})
    result = [
        Grant(role, org_id, path, role in SUBTREE_ROLES, behalf, delegators.get(behalf))
        for role, org_id, path, behalf in sorted(rows, key=lambda r: r[3] is not None)  # own roles first
    ]
    if include_delegations:
        user._unionflow_grants = result
    return result


def _delegated_rows(user):
    """The user's active delegations whose delegator still holds the role there, with the delegator's id."""
    still_held = RoleAssignment.objects.current().filter(
        user_id=OuterRef("delegator_id"), organisation_id=OuterRef("organisation_id"), role=OuterRef("role")
    )
    return (
        Delegation.objects.active().filter(delegate=user).filter(Exists(still_held)).order_by()
        .annotate(behalf=F("delegator_id"))
    )


def _covers(grant: Grant, organisation: Organisation) -> bool:
    if grant.organisation_id == organisation.pk:
        return True
    return grant.subtree and organisation.path.startswith(grant.path)


def roles_at(user, organisation: Organisation, *, own_only: bool = False) -> set[str]:
    """Roles the user holds (not by delegation when ``own_only``) that cover ``organisation``."""
    return {
        g.role for g in grants(user) if _covers(g, organisation) and (g.on_behalf_of_id is None or not own_only)
    }


def grant_for(user, organisation: Organisation, roles) -> Grant | None:
    """The grant the user would act under: their own role first, else a delegated one."""
    matching = [g for g in grants(user) if g.role in roles and _covers(g, organisation)]
    own = [g for g in matching if g.on_behalf_of_id is None]
    return (own or matching or [None])[0]


def visible_q(user, model, viewer_roles) -> Q:
    """A filter selecting the cases of ``model`` the user may see."""
    if not user or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    viewer_roles = set(viewer_roles) | {Role.AUDITOR, Role.ADMIN}
    direct, subtree = set(), set()
    for g in grants(user):
        if g.role not in viewer_roles:
            continue
        (subtree if g.subtree else direct).add((g.organisation_id, g.path))
    q = Q(organisation_id__in=[org_id for org_id, _ in direct])
    for _org_id, path in subtree:
        q |= Q(organisation__path__startswith=path)
    q |= model.participant_q(user)
    return q


def can_see(user, case, viewer_roles) -> bool:
    if not user or not user.is_authenticated or not user.is_active:
        return False
    # The roles first: the action that asks goes on to need the same grants (read once per user
    # object), while a process's participants may take a statement of their own.
    held = roles_at(user, case.organisation)
    if held & (set(viewer_roles) | {Role.AUDITOR, Role.ADMIN}):
        return True
    return user.pk in case.participant_ids()


@dataclass
class Decision:
    allowed: bool
    reason: str = ""
    role: str = ""
    on_behalf_of_id: int | None = None
    #: The delegator as a user, when the grant acted under carries it.
    on_behalf_of: Any = None


def is_creator(case, user) -> bool:
    """Whether ``user`` created the case (the proposer, the applicant): the actor of the steps
    only they may take, such as submitting, withdrawing or rating the answer they received."""
    return user.is_authenticated and case.created_by_id == user.pk


def may_perform(user, case, spec, now=None) -> Decision:
    """May ``user`` perform transition ``spec`` on ``case`` now (roles, actor, separation of duties)?

    State and guards are checked by the service; this answers the "who" question.
    """
    if spec.system_only:
        return Decision(False, str(messages.NO_ROLE))
    held_own = roles_at(user, case.organisation, own_only=True)
    if held_own and held_own <= READ_ONLY_ROLES and not (set(spec.roles) & held_own) and not spec.actor:
        return Decision(False, str(messages.READ_ONLY))
    grant = None
    if spec.roles:
        grant = grant_for(user, case.organisation, spec.roles)
        if grant is None:
            return Decision(False, str(messages.NO_ROLE))
    if spec.actor is not None:
        # Person-specific steps (the proposer, an invited co-signer) are never delegated.
        if not spec.actor(case, user):
            return Decision(False, str(messages.NOT_THE_ACTOR))
        if grant is not None and grant.on_behalf_of_id is not None:
            own = grant_for_own(user, case.organisation, spec.roles)
            if own is None:
                return Decision(False, str(messages.NOT_THE_ACTOR))
            grant = own
    acting_for = grant.on_behalf_of_id if grant else None
    acting_for_user = grant.on_behalf_of if grant else None
    if spec.not_own_case:
        involved = case.participant_ids()
        if user.pk in involved or (acting_for and acting_for in involved):
            return Decision(False, str(messages.OWN_CASE))
    for rule in spec.separation:
        reason = rule(case, user, acting_for)
        if reason:
            return Decision(False, str(reason))
    return Decision(True, role=grant.role if grant else "", on_behalf_of_id=acting_for, on_behalf_of=acting_for_user)


def grant_for_own(user, organisation, roles) -> Grant | None:
    for g in grants(user):
        if g.on_behalf_of_id is None and g.role in roles and _covers(g, organisation):
            return g
    return None


def can_read_restricted(user, organisation: Organisation, roles=None) -> bool:
    """Whether ``user`` may open restricted personal data at ``organisation``: a role in ``roles``
    (a process's ``ProcessSpec.restricted_roles``), by default the engine's ``RESTRICTED_DATA_ROLES``."""
    from .roles import RESTRICTED_DATA_ROLES

    return bool(roles_at(user, organisation) & (RESTRICTED_DATA_ROLES if roles is None else set(roles)))


def today():
    return timezone.localdate()
