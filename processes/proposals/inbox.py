"""会签 in the inbox: a co-department is expected to countersign before the lead department replies.

The lead department holds the step (办理并答复); each co-department (协办部门) that has not
countersigned the current reply round finds "会签 Countersign" in the inbox of its department
staff, due when the reply is due, until it countersigns (one per co-department and round,
rule ``proposal.countersign_once``). A fixed number of queries, whatever the number of cases.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from workflow import policy
from workflow.inbox import source_item
from workflow.models import WorkItem
from workflow.roles import Role

from .models import Proposal, ProposalCountersign
from .states import HANDLING_STATES

COUNTERSIGN = _("会签 Countersign")


def countersigns_for(user, limit: int) -> list[dict]:
    """The handling proposals where a co-department ``user`` staffs (own role, as the countersign
    requires) has not countersigned the current round."""
    departments = {g.organisation_id for g in policy.grants(user) if g.role == Role.DEPARTMENT and g.on_behalf_of_id is None}
    if not departments:
        return []
    through = Proposal.co_departments.through
    cases = list(
        Proposal.objects.filter(
            state__in=HANDLING_STATES,
            pk__in=through.objects.filter(organisation_id__in=departments).values("proposal_id"),
        )
        .annotate(replies_n=Count("replies", distinct=True))
        .order_by("reply_due_on", "pk")
        .values("pk", "reference", "organisation_id", "replies_n")[:limit]
    )
    if not cases:
        return []
    ids = [c["pk"] for c in cases]
    mine: dict[int, set[int]] = defaultdict(set)
    for case_id, org_id in through.objects.filter(proposal_id__in=ids, organisation_id__in=departments).values_list(
        "proposal_id", "organisation_id"
    ):
        mine[case_id].add(org_id)
    signed = set(
        ProposalCountersign.objects.filter(proposal_id__in=ids).values_list("proposal_id", "department_id", "round")
    )
    due = dict(WorkItem.objects.filter(process_key="proposals", case_id__in=ids).values_list("case_id", "due_at"))
    items = []
    for c in cases:
        round_ = c["replies_n"] + 1
        if all((c["pk"], org, round_) in signed for org in mine[c["pk"]]):
            continue
        items.append(
            source_item(
                process="proposals", case_id=c["pk"], reference=c["reference"], task=COUNTERSIGN,
                organisation_id=c["organisation_id"], due_at=due.get(c["pk"]), role=Role.DEPARTMENT, kind="countersign",
            )
        )
    return items
