"""Case page: the open step panel (who it waits on, claim, release, reassign) and the names of
the restricted fields a reader may reveal.

Only what the page shows; the buttons post to the views of :mod:`workflow.ui.assignment`, which
call the services (:mod:`workflow.assignment`, :mod:`workflow.personal_data`).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .. import assignment, flowkit, personal_data, policy
from ..models import Organisation, RoleAssignment
from ..pickers import person_label
from ..roles import Role

#: Labels of the restricted fields a process may hold; an unknown name is shown as is.
RESTRICTED_LABELS = {
    "id_number": _("身份证号 ID number"),
    "phone": _("电话 Phone"),
    "income": _("收入 Income"),
    "household_income": _("家庭年收入 Household income"),
    "rigid_expenses": _("刚性支出 Rigid expenses"),
    "bank_account": _("银行账户 Bank account"),
    "address": _("住址 Address"),
    "medical_details": _("病情 Medical details"),
}


def _person(user) -> str:
    return user.get_full_name() or user.get_username()


def _addressed_to(case, task) -> list[dict]:
    """Who the step waits on, as people read it: a role at an organisation, or a name."""
    assignees = task.flow_task.assignees(case)
    roles = {str(k): str(v) for k, v in Role.choices}
    orgs = Organisation.objects.in_bulk({a.organisation_id for a in assignees if a.organisation_id})
    users = get_user_model().objects.in_bulk({a.user_id for a in assignees if a.user_id})
    labels = []
    for a in assignees:
        if a.role:
            org = orgs.get(a.organisation_id) or case.organisation
            labels.append({"label": roles.get(a.role, a.role), "organisation": org.code, "translatable": True})
        elif a.user_id in users:
            labels.append({"label": _person(users[a.user_id]), "organisation": "", "translatable": False})
    return labels


def _reassign_choices(case, task) -> list[tuple[str, str]]:
    """Whom the step could be given to, by name: the holders of the role it is addressed to at that
    organisation, and the people it names. The service still checks the one chosen."""
    assignees = task.flow_task.assignees(case)
    by_role = Q(pk__in=[])
    for a in assignees:
        if a.role:
            by_role |= Q(role=a.role, organisation_id=a.organisation_id or case.organisation_id)
    holders = RoleAssignment.objects.current().filter(by_role).values("user_id")
    named = {a.user_id for a in assignees if a.user_id}
    people = get_user_model().objects.filter(Q(pk__in=named) | Q(pk__in=holders), is_active=True)
    return [(u.get_username(), person_label(u)) for u in people.order_by("first_name", "username")]


def step_panel(spec, case, user) -> dict | None:
    """What the case page shows of the open step, and which buttons the services would accept.

    Claim: the step is unclaimed, addressed to a role, and ``user`` could take it
    (:func:`workflow.assignment.addressed_actor`). Release: ``user`` owns it, or is the
    chair or union committee of the case's organisation. Reassign: the chair or union
    committee in their own right (not by delegation).
    """
    task = flowkit.open_step_task(case)
    if task is None:
        return None
    manager = policy.grant_for_own(user, case.organisation, assignment.MANAGER_ROLES) is not None
    by_role = any(a.role for a in task.flow_task.assignees(case))
    owner = task.owner if task.owner_id else None
    can_claim = owner is None and by_role and assignment.addressed_actor(case, task, user, spec) is not None

    def url(name):
        return reverse(f"ui:{spec.key}:{name}", kwargs={"pk": case.pk})

    return {
        "title": str(task.flow_task.task_title),
        "addressed_to": _addressed_to(case, task),
        "owner": _person(owner) if owner else "",
        "can_claim": can_claim,
        "can_release": owner is not None and (owner.pk == user.pk or manager),
        "can_reassign": manager,
        "reassign_choices": _reassign_choices(case, task) if manager else [],
        "claim_url": url("claim"),
        "release_url": url("release"),
        "reassign_url": url("reassign"),
    }


def restricted_panel(spec, case, user) -> dict | None:
    """The names of the case's restricted fields, for a reader the policy allows; else None."""
    if not policy.can_read_restricted(user, case.organisation, personal_data.restricted_roles(spec)):
        return None
    names = list(case.restricted_data())
    return {
        "fields": [{"name": n, "label": RESTRICTED_LABELS.get(n, n)} for n in names],
        "url": reverse(f"ui:{spec.key}:restricted", kwargs={"pk": case.pk}),
    }
