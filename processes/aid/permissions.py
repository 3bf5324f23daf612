"""Who is who in an aid case: the person who filed it, the visitors (for the separation of duties)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from workflow.acting import acts_as

APPROVER_VISITED = _(
    "入户核查人不能审批同一申请（规则 aid.separation） A visitor may not approve the case (rule aid.separation)."
)


@acts_as("applicant", _("申请人 Applicant"))
def is_filer(case, user) -> bool:
    """The member in hardship, or the union official who filed for them (both take part in the case)."""
    return user.is_authenticated and user.pk in case.participant_ids()


def not_a_visitor(case, user, acting_for):
    """Approver ≠ verifier (rules.md A4 "Process 2": approver ≠ verifier ≠ applicant)."""
    ids = set(case.visitor_ids or ())
    if user.pk in ids or (acting_for and acting_for in ids):
        return str(APPROVER_VISITED)
    return None
