"""Separation and least privilege, proven for every transition (issue #15, §5): for every registered
process with demo data, every transition it declares, one demo case in each of the transition's
source states and every demo account, the service allows or refuses exactly as the declaration says
— its roles (held at the case's organisation, or above it for a subtree role), its named actor, its
separation of duties, ``system_only`` — and a refused call changes nothing: the case's state and
version and the audit log stay as they were.

"Allowed" means the service let the caller through its gate: the call then succeeds, or is
answered on its input (400) or a guard (409); the gate answers 403 or, for a case the caller may
not see, 404. Each allowed call is rolled back, so every account meets the case as the demo left it.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from workflow import registry, services
from workflow.demo import build_demo
from workflow.errors import ActionForbidden, GuardFailed, InvalidInput, NotVisible, TransitionNotAllowed
from workflow.models import AuditEvent, Delegation, RoleAssignment
from workflow.roles import READ_ONLY_ROLES, SUBTREE_ROLES, Role

PROCESSES = [spec.key for spec in registry.all_processes() if spec.seed_demo is not None]


class RolledBack(Exception):
    """Raised inside the savepoint to undo an allowed call."""


def held_at(user, organisation, assignments) -> set[str]:
    """The roles ``user`` holds covering ``organisation``: there, or above it for a subtree role."""
    return {
        role for role, org_id, path in assignments.get(user.pk, ())
        if org_id == organisation.pk or (role in SUBTREE_ROLES and organisation.path.startswith(path))
    }


def declared(process, tspec, case, user, assignments) -> bool:
    """What the transition's declaration says about ``user`` on ``case``, read from the spec itself."""
    if tspec.system_only:
        return False
    held = held_at(user, case.organisation, assignments)
    involved = case.participant_ids()
    if user.pk not in involved and not held & (set(process.viewer_roles) | {Role.AUDITOR, Role.ADMIN}):
        return False  # the case is not theirs to see
    if tspec.roles and not held & set(tspec.roles):
        return False
    if tspec.actor is not None and not tspec.actor(case, user):
        return False
    if not tspec.roles and tspec.actor is None and held and held <= READ_ONLY_ROLES:
        return False
    if tspec.not_own_case and user.pk in involved:
        return False
    return not any(rule(case, user, None) for rule in tspec.separation)


def footprint(process, case_pk):
    state, version = process.model.objects.values_list(process.state_field, "version").get(pk=case_pk)
    return state, version, AuditEvent.objects.count()


def attempt(process, tspec, case, user) -> str:
    """``allowed`` or ``denied`` as the service answers; an allowed call is undone."""
    try:
        with transaction.atomic():
            services.perform_transition(process=process.key, case_id=case.pk, name=tspec.name, user=user, data={})
            raise RolledBack
    except (RolledBack, InvalidInput, GuardFailed):
        return "allowed"
    except (ActionForbidden, NotVisible):
        return "denied"


def cases_per_source(process, tspec) -> list:
    """One demo case in each source state of ``tspec`` (the first made), fresh from the database."""
    states = [s for s in tspec.sources if s != "*"] or [None]
    found = []
    for state in states:
        cases = process.model.objects.select_related("organisation").order_by("pk")
        case = (cases.filter(**{process.state_field: state}) if state else cases).first()
        if case is not None:
            found.append(case)
    return found


@pytest.fixture
def demo(db, settings, tmp_path, key):
    """The demo accounts and the demo cases of process ``key`` only (as ``seed_demo`` makes them)."""
    settings.MEDIA_ROOT = str(tmp_path)
    organisations, accounts = build_demo()
    registry.get(key).seed_demo(organisations, accounts)
    assert not Delegation.objects.exists()  # the declared roles are the accounts' own
    users = list(get_user_model().objects.filter(pk__in=RoleAssignment.objects.values("user_id")).order_by("username"))
    assignments = {}
    for user_id, role, org_id, path in RoleAssignment.objects.current().values_list(
        "user_id", "role", "organisation_id", "organisation__path"
    ):
        assignments.setdefault(user_id, []).append((role, org_id, path))
    return users, assignments


@pytest.mark.parametrize("key", PROCESSES)
def test_every_transition_for_every_demo_account_as_declared(demo, key):
    users, assignments = demo
    process = registry.get(key)
    wrong, uncovered, counted = [], [], {"allowed": 0, "denied": 0}
    for tspec in process.transitions.values():
        cases = cases_per_source(process, tspec)
        if not cases:
            uncovered.append(tspec.name)
        for case in cases:
            for user in users:
                expected = "allowed" if declared(process, tspec, case, user, assignments) else "denied"
                before = footprint(process, case.pk)
                try:
                    answer = attempt(process, tspec, case, user)
                except TransitionNotAllowed as exc:  # the case is not in a source state: a broken test
                    raise AssertionError(f"{tspec.name} on {case.reference}: {exc.detail}") from None
                counted[answer] += 1
                if answer != expected:
                    wrong.append(f"{tspec.name} on {case.reference} ({case.state}) by {user.username}: "
                                 f"{answer}, declared {expected}")
                elif footprint(process, case.pk) != before:
                    wrong.append(f"{tspec.name} on {case.reference} by {user.username}: changed something")
    assert not wrong, "\n".join(wrong)
    assert not uncovered, f"no demo case in a source state of {uncovered}"
    assert counted["allowed"] and counted["denied"], counted
