"""Who is who in an aid case: the person who filed it, the visitors (for the separation of duties)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from workflow.acting import acts_as


@acts_as("applicant", _("申请人 Applicant"))
def is_filer(case, user) -> bool:
    """The member in hardship, or the union official who filed for them (both take part in the case)."""
    return user.is_authenticated and user.pk in case.participant_ids()


def not_a_visitor(case, user, acting_for):
    """Approver ≠ verifier (rules.md A4 "Process 2": approver ≠ verifier ≠ applicant)."""
    from .lifecycle import APPROVER_VISITED

    ids = set(case.visitor_ids or ())
    if user.pk in ids or (acting_for and acting_for in ids):
        return str(APPROVER_VISITED)
    return None
