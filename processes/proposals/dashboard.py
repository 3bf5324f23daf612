"""The proposals' own oversight figure: the proposers' satisfaction with the replies (提案办理满意率).

Counted as the session report counts it (:mod:`.report`): for each closed or archived proposal the
proposer's last rating; one closed without a rating is counted apart and never as satisfied. The
rate is satisfied + basically satisfied over rated proposals. One query, grouped by organisation.
"""

from __future__ import annotations

from django.db.models import Count, OuterRef, Q, Subquery

from workflow.audit.figures import Figure, Scope, percent

from .models import ProposalRating
from .states import Closure, ProposalState, Rating

#: A proposal whose handling is over: its last rating is the proposer's verdict.
OVER = (ProposalState.CLOSED, ProposalState.ARCHIVED)


def satisfaction(spec, scope: Scope) -> Figure:
    """Per organisation: rated, satisfied, basically satisfied, unsatisfied, not rated, and the rate in %."""
    last_rating = (
        ProposalRating.objects.filter(proposal=OuterRef("pk")).order_by("-rated_at", "-pk").values("rating")[:1]
    )
    rated = ~Q(closure=Closure.NOT_RATED)
    counts = (
        scope.cases(spec).filter(state__in=OVER).annotate(final=Subquery(last_rating)).order_by()
        .values_list("organisation__code")
        .annotate(
            rated=Count("pk", filter=rated & Q(final__isnull=False)),
            satisfied=Count("pk", filter=rated & Q(final=Rating.SATISFIED)),
            basically=Count("pk", filter=rated & Q(final=Rating.BASICALLY_SATISFIED)),
            unsatisfied=Count("pk", filter=rated & Q(final=Rating.UNSATISFIED)),
            not_rated=Count("pk", filter=Q(closure=Closure.NOT_RATED)),
        )
        .order_by("organisation__code")
    )
    rows = [(code, n, yes, basically, no, unrated, percent(yes + basically, n))
            for code, n, yes, basically, no, unrated in counts]
    return Figure(
        "proposals-satisfaction", f"{spec.label} · 提案人满意率 Proposers' satisfaction",
        ("组织 Organisation", "已评价 Rated", "满意 Satisfied", "基本满意 Basically satisfied",
         "不满意 Unsatisfied", "未评价 Not rated", "满意率 % Satisfied"),
        rows,
    )


def figures(spec, scope: Scope) -> list[Figure]:
    """The proposals' :data:`workflow.registry.DashboardHook`."""
    return [satisfaction(spec, scope)]
