"""Actor predicates: which named person may take a person-specific step of a dispute, and who
reads the confidential session minutes.

They answer the "who" question for :func:`workflow.policy.may_perform` (``actor=``); the
service checks them before any guard. Person-specific steps are never delegated.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from workflow import policy
from workflow.acting import acts_as
from workflow.roles import Role


@acts_as("applicant", _("申请人 Applicant"))
def is_applicant(case, user) -> bool:
    return user.is_authenticated and case.applicant_id == user.pk


@acts_as("party", _("当事人 Party"))
def is_party(case, user) -> bool:
    """The applicant, a group's representative, or the respondent's representative."""
    return user.is_authenticated and user.pk in case.party_ids()


@acts_as("applicant", _("申请人 Applicant"))
def is_worker_side(case, user) -> bool:
    """The worker's side: the applicant, or a group's representative (not the employer's representative)."""
    return user.is_authenticated and user.pk in case.party_ids() and user.pk != case.respondent_rep_id


@acts_as("mediator", _("调解员 Mediator"))
def is_active_mediator(case, user) -> bool:
    """A mediator assigned to this case and not recused (a recused mediator can no longer act)."""
    return user.is_authenticated and user.pk in case.active_mediator_ids()


@acts_as("mediator", _("调解员 Mediator"))
def is_pending_mediator(case, user) -> bool:
    """An active mediator of the case who has not yet declared that they have no conflict of interest."""
    return is_active_mediator(case, user) and user.pk in case.undeclared_mediator_ids()


@acts_as("signatory", _("协议签署人 Signatory"))
def is_signatory(case, user) -> bool:
    """Who signs the agreement: a party, or a mediator of the case (第十四条)."""
    return is_party(case, user) or is_active_mediator(case, user)


def is_chair(case, user) -> bool:
    """The chair of the mediation committee (调解委员会主任, 第十条), in their own right."""
    return Role.MEDIATION_CHAIR in policy.roles_at(user, case.organisation, own_only=True)


@acts_as("committee", _("调解委员会 Mediation committee"))
def is_committee_for_case(case, user) -> bool:
    """The committee supervising performance: a mediator of the case or the committee chair."""
    return user.is_authenticated and (is_active_mediator(case, user) or is_chair(case, user))


@acts_as("party", _("当事人 Party"))
def is_party_or_chair(case, user) -> bool:
    """Who refers a failed or breached case to arbitration: a party, or the chair on their behalf."""
    return user.is_authenticated and (is_party(case, user) or is_chair(case, user))


def may_read_minutes(case, user) -> bool:
    """Sessions are not public: the parties, the case's mediators, the chair and auditors read the
    minutes (《企业劳动争议协商调解规定》: 调解不公开进行, unless both parties agree)."""
    if user is None or not user.is_authenticated:
        return False
    if user.pk in case.party_ids() or user.pk in case.active_mediator_ids():
        return True
    held = policy.roles_at(user, case.organisation, own_only=True)
    return bool(held & {Role.MEDIATION_CHAIR, Role.AUDITOR})


def signatory_capacity(case, user) -> str:
    """The capacity in which ``user`` signs: applicant side, respondent side, or mediator."""
    from .states import Party

    if user.pk == case.respondent_rep_id:
        return Party.RESPONDENT
    if user.pk in case.party_ids():
        return Party.APPLICANT
    return Party.MEDIATOR
