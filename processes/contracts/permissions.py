"""Actor predicates: the chief representatives (首席代表) take the person-specific steps.

They answer the "who" question for :func:`workflow.policy.may_perform` (``actor=``);
the service checks them before any guard. Person-specific steps are never delegated.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from workflow.acting import acts_as
from workflow.roles import Role

#: Who starts a contract case and names the teams: the union chair (第二十条).
CREATE_ROLES = frozenset({Role.CHAIR})
#: Who sees the contract besides its negotiators: the union leadership and the employer's representatives.
VIEWER_ROLES = frozenset({Role.CHAIR, Role.UNION_COMMITTEE, Role.EMPLOYER_REP})
#: Who reads the contract register of an organisation (published contracts are shown to members too).
REGISTER_ROLES = frozenset({Role.CHAIR, Role.UNION_COMMITTEE, Role.EMPLOYER_REP, Role.MEMBER, Role.REPRESENTATIVE})


@acts_as("union_chief", _("职工方首席代表 Union chief representative"))
def is_union_chief(case, user) -> bool:
    """The union side's chief representative (the chair, or the representative delegated in writing)."""
    return user.is_authenticated and case.union_chief_id is not None and case.union_chief_id == user.pk


@acts_as("employer_chief", _("企业方首席代表 Employer chief representative"))
def is_employer_chief(case, user) -> bool:
    return user.is_authenticated and case.employer_chief_id is not None and case.employer_chief_id == user.pk


@acts_as("chief", _("首席代表 Chief representative"))
def is_chief(case, user) -> bool:
    """Either side's chief representative (steps both sides take in turn: rounds, drafts, signatures)."""
    return is_union_chief(case, user) or is_employer_chief(case, user)
