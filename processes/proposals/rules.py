"""The proposal rules that are data, read by both the guards (:mod:`.lifecycle`) and the effects
(:mod:`.effects`): the organisation's settings K and R, the co-signing window and the co-department
a countersign is for.
"""

from __future__ import annotations

import datetime as dt

from workflow.deadlines.rules import compute_due
from workflow.models import CongressSession, Organisation

from . import deadlines as d
from . import permissions as p


def min_cosigners(organisation) -> int:
    """K: confirmed co-signers needed to submit (default 2, allowed 2–3; proposal-work practice)."""
    low, high = d.MIN_COSIGNERS_RANGE
    return organisation.int_setting("proposal.min_cosigners", d.MIN_COSIGNERS_DEFAULT, minimum=low, maximum=high)


def max_rehandlings(organisation) -> int:
    """R: re-handlings allowed after an unsatisfied rating (default 1; "Process 1" table)."""
    return organisation.int_setting("proposal.max_rehandlings", d.MAX_REHANDLINGS_DEFAULT, minimum=0)


def close_before_congress_days(organisation) -> int:
    """Days before the congress when collection stops (setting ``proposal.cosign_close_before_congress_days``)."""
    return organisation.int_setting(
        "proposal.cosign_close_before_congress_days", d.COSIGN_CLOSE_BEFORE_CONGRESS_DAYS, minimum=0
    )


def cosign_window_end(case, today):
    """The window closes after N days (14), or 7 days before the next congress if that is sooner."""
    due = compute_due(d.COSIGN_WINDOW.id, today, case.organisation)
    session = CongressSession.next_for(case.organisation, today)
    if session is not None:
        due = min(due, session.opens_on - dt.timedelta(days=close_before_congress_days(case.organisation)))
    return due


def countersigning_department(ctx):
    """The co-department this countersign is for: the one named, else the actor's first co-department
    (by code) that has not countersigned this round, else the first one (refused by the guard)."""
    if ctx.data.get("department") is not None:
        return ctx.data["department"]
    own = list(Organisation.objects.filter(pk__in=p.co_department_ids_of(ctx.case, ctx.user)).order_by("code"))
    signed = set(
        ctx.case.countersigns.filter(round=ctx.case.reply_round()).values_list("department_id", flat=True)
    )
    return next((o for o in own if o.pk not in signed), own[0] if own else None)
