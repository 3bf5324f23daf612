"""Actor predicates: which named person may take a person-specific step.

They answer the "who" question for :func:`workflow.policy.may_perform` (``actor=``);
the service checks them before any guard. Person-specific steps are never delegated.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from workflow.acting import acts_as
from workflow.models import RoleAssignment
from workflow.policy import grants, is_creator
from workflow.roles import Role

from .states import CosignStatus


@acts_as("proposer", _("提案人 Proposer"))
def is_proposer(case, user) -> bool:
    """The representative who filed the proposal (提案人): the case's creator."""
    return is_creator(case, user)


def _invitation_status(case, user):
    return case.cosigners.filter(user_id=user.pk).values_list("status", flat=True).first()


@acts_as("cosigner", _("附议人 Co-signer"))
def is_invited_cosigner(case, user) -> bool:
    """Anyone invited to co-sign, whatever their answer (a second answer is refused by a guard)."""
    return user.is_authenticated and _invitation_status(case, user) is not None


@acts_as("cosigner", _("附议人 Co-signer"))
def is_confirmed_cosigner(case, user) -> bool:
    return user.is_authenticated and _invitation_status(case, user) == CosignStatus.CONFIRMED


@acts_as("lead_department", _("主办部门 Lead department"))
def is_lead_department(case, user) -> bool:
    """A holder of the department role (承办部门) at the proposal's lead department (their own role:
    read from the grants the service has already loaded for this action)."""
    if not user.is_authenticated or not case.lead_department_id:
        return False
    return any(
        g.role == Role.DEPARTMENT and g.organisation_id == case.lead_department_id and g.on_behalf_of_id is None
        for g in grants(user)
    )


def co_department_ids_of(case, user) -> list[int]:
    """The proposal's co-departments (协办部门) at which ``user`` holds the department role, by code."""
    if not user.is_authenticated or not case.pk:
        return []
    held = RoleAssignment.objects.current().filter(user=user, role=Role.DEPARTMENT).values("organisation_id")
    return list(case.co_departments.filter(pk__in=held).order_by("code").values_list("pk", flat=True))


@acts_as("co_department", _("协办部门 Co-department"))
def is_co_department(case, user) -> bool:
    """A holder of the department role at one of the proposal's co-departments (协办部门): they countersign."""
    return bool(co_department_ids_of(case, user))


#: Who may supervise the handling of a proposal (督办领导).
SUPERVISOR_ROLES = frozenset({Role.CHAIR, Role.UNION_COMMITTEE})


def is_eligible_supervisor(user, organisation, on=None) -> bool:
    """督办: the chair or a union committee member of the proposal's organisation (their own role)."""
    if user is None or not user.is_active:
        return False
    return RoleAssignment.objects.current(on).filter(
        user=user, role__in=SUPERVISOR_ROLES, organisation=organisation
    ).exists()

