"""The session report on proposal work (提案工作报告) for one congress term.

Counts by state, category and lead department; handling time from assignment to the
first reply; the on-time rate of replies; the satisfaction rate among rated proposals.
Proposals closed without a rating are counted apart and never as satisfied (proposal-work
practice). Read-only: it changes nothing and writes no audit.
"""

from __future__ import annotations

import statistics
from collections import Counter

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflow import policy
from workflow.errors import ActionForbidden, InvalidInput
from workflow.models import CongressTerm, Organisation
from workflow.roles import Role

from .models import Proposal, ProposalRating, ProposalReply
from .states import Category, Closure, ProposalState, Rating

REPORT_ROLES = frozenset({Role.REVIEW_COMMITTEE, Role.CHAIR, Role.UNION_COMMITTEE, Role.AUDITOR, Role.ADMIN})
NOT_ALLOWED = _("只有提案审查委员会、工会主席、工会委员会和审计可以查看提案工作报告 "
                "Only the review committee, the chair, the union committee and auditors may see the report.")
NO_TERM = _("该组织没有当前届次 The organisation has no current congress term.")

#: Proposals that went through review and were put into handling (立案 or converted, then assigned).
HANDLED = {ProposalState.ASSIGNED, ProposalState.IN_PROGRESS, ProposalState.REPLIED, ProposalState.REHANDLING,
           ProposalState.CLOSED, ProposalState.ARCHIVED}


def _pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _counts(counter: Counter, labels: dict) -> list[dict]:
    return [{"key": k, "label": str(labels.get(k, k)), "count": counter[k]} for k in sorted(counter, key=str)]


def report_organisations(user) -> list[Organisation]:
    """The organisations with a congress whose report ``user`` may read, by code: where they hold
    a report role, and below it for a role that covers the subtree (an auditor of the federation)."""
    own, paths = set(), []
    for g in policy.grants(user):
        if g.role in REPORT_ROLES:
            own.add(g.organisation_id)
            if g.subtree:
                paths.append(g.path)
    if not own:
        return []
    scope = Q(pk__in=own)
    for path in paths:
        scope |= Q(path__startswith=path)
    with_congress = CongressTerm.objects.values("organisation_id")
    return list(Organisation.objects.filter(scope, pk__in=with_congress).order_by("code"))


def default_report_organisation(user, choices: list[Organisation]) -> Organisation | None:
    """The reader's own organisation: the first one where they hold a report role themselves, else the first choice."""
    ids = {o.pk: o for o in choices}
    for g in policy.grants(user):
        if g.role in REPORT_ROLES and g.on_behalf_of_id is None and g.organisation_id in ids:
            return ids[g.organisation_id]
    return choices[0] if choices else None


def proposal_report(*, organisation: Organisation, user, term: CongressTerm | None = None) -> dict:
    """The report for ``term`` (default: the organisation's current term)."""
    if not (policy.roles_at(user, organisation) & REPORT_ROLES):
        raise ActionForbidden(str(NOT_ALLOWED))
    term = term or CongressTerm.current_for(organisation)
    if term is None:
        raise InvalidInput(str(NO_TERM), fields={"term": [str(NO_TERM)]})
    proposals = list(
        Proposal.objects.filter(organisation=organisation, term=term)
        .select_related("lead_department")
        .prefetch_related(
            Prefetch("replies", queryset=ProposalReply.objects.order_by("round")),
            Prefetch("ratings", queryset=ProposalRating.objects.order_by("rated_at", "pk")),
        )
    )
    by_state = Counter(p.state for p in proposals)
    by_category = Counter(p.category for p in proposals)
    by_department = Counter(p.lead_department.name for p in proposals if p.lead_department_id)
    handling_days, replies = _handling(proposals)
    return {
        "organisation": {"id": organisation.pk, "code": organisation.code, "name": organisation.name},
        "term": {"id": term.pk, "number": term.number, "starts_on": term.starts_on, "ends_on": term.ends_on},
        "total": len(proposals),
        "by_state": _counts(by_state, dict(ProposalState.choices)),
        "by_category": _counts(by_category, dict(Category.choices)),
        "by_department": _counts(by_department, {}),
        "handled": sum(by_state[s] for s in HANDLED),
        "handling_days": handling_days,
        "replies": replies,
        "satisfaction": _satisfaction(proposals),
    }


def _handling(proposals) -> tuple[dict, dict]:
    """Days from assignment to the first reply, and the replies given on time."""
    handling_days, replies, on_time = [], 0, 0
    for p in proposals:
        rounds = list(p.replies.all())
        if rounds and p.assigned_on:
            handling_days.append((timezone.localtime(rounds[0].replied_at).date() - p.assigned_on).days)
        replies += len(rounds)
        on_time += sum(1 for r in rounds if r.on_time)
    days = {
        "count": len(handling_days),
        "mean": round(statistics.mean(handling_days), 1) if handling_days else None,
        "median": statistics.median(handling_days) if handling_days else None,
        "max": max(handling_days) if handling_days else None,
    }
    return days, {"count": replies, "on_time": on_time, "on_time_rate": _pct(on_time, replies)}


def _satisfaction(proposals) -> dict:
    """The proposer's last rating of each closed proposal."""
    final_ratings = Counter()
    not_rated = 0
    for p in proposals:
        if p.state not in (ProposalState.CLOSED, ProposalState.ARCHIVED):
            continue
        if p.closure == Closure.NOT_RATED:
            not_rated += 1
            continue
        ratings = list(p.ratings.all())
        if ratings:
            final_ratings[ratings[-1].rating] += 1
    rated = sum(final_ratings.values())
    satisfied = final_ratings[Rating.SATISFIED] + final_ratings[Rating.BASICALLY_SATISFIED]
    return {
        "rated": rated,
        "satisfied": final_ratings[Rating.SATISFIED],
        "basically_satisfied": final_ratings[Rating.BASICALLY_SATISFIED],
        "unsatisfied": final_ratings[Rating.UNSATISFIED],
        "not_rated": not_rated,
        # Over rated proposals only: an unrated one is never counted as satisfied.
        "satisfaction_rate": _pct(satisfied, rated),
    }


#: The CSV's columns, bilingual like its labels.
CSV_HEADER = ("部分 Section", "键 Key", "名称 Label", "数值 Value")


def report_csv_rows(report: dict) -> list[list]:
    """The report as CSV rows: one per figure (section, key, label, value); the header is :data:`CSV_HEADER`."""
    rows = [
        ["term", report["organisation"]["code"], report["organisation"]["name"], report["term"]["number"]],
        ["total", "", "提案总数 Proposals", report["total"]],
    ]
    for section in ("by_state", "by_category", "by_department"):
        for row in report[section]:
            rows.append([section, row["key"], row["label"], row["count"]])
    for section, label in (("handling_days", "办理天数 Days from assignment to reply"), ("replies", "答复 Replies"),
                           ("satisfaction", "满意度 Satisfaction")):
        for key, value in report[section].items():
            rows.append([section, key, label, "" if value is None else value])
    return rows
