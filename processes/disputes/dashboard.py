"""The disputes' own oversight figure: cases by category and outcome (调解结果分类统计).

The outcome is read from the state, in the database (one grouped query): still being handled,
declined, withdrawn, an agreement reached (signed, performed or closed), an agreement not performed,
mediation failed, referred to arbitration (《劳动争议调解仲裁法》第十四条、第十五条).
"""

from __future__ import annotations

from django.db.models import Case, CharField, Count, Value, When
from django.utils.translation import gettext_lazy as _

from workflow.audit.figures import Figure, Scope

from .states import Category, DisputeState

S = DisputeState

#: outcome code → (label, the states that mean it). Every state is in exactly one.
OUTCOMES = {
    "in_progress": (_("办理中 In progress"), (S.APPLIED, S.ACCEPTED, S.MEDIATING, S.AGREEMENT_DRAFTED)),
    "declined": (_("不予受理 Declined"), (S.DECLINED,)),
    "withdrawn": (_("撤回 Withdrawn"), (S.WITHDRAWN,)),
    "agreed": (_("达成协议 Agreement reached"), (S.AGREED, S.PERFORMED, S.CLOSED)),
    "breached": (_("协议未履行 Agreement not performed"), (S.BREACHED,)),
    "failed": (_("调解不成 Mediation failed"), (S.FAILED,)),
    "referred": (_("转仲裁 Referred to arbitration"), (S.REFERRED,)),
}


def outcome_of_state():
    """The SQL expression naming a dispute's outcome from its state."""
    return Case(
        *(When(state__in=states, then=Value(code)) for code, (_label, states) in OUTCOMES.items()),
        output_field=CharField(),
    )


def by_category_and_outcome(spec, scope: Scope) -> Figure:
    counts = (
        scope.cases(spec).annotate(outcome=outcome_of_state()).order_by()
        .values_list("category", "outcome").annotate(n=Count("pk"))
    )
    categories, outcomes = list(Category.values), list(OUTCOMES)
    labels = dict(Category.choices)
    rows = sorted(
        ((category, str(labels.get(category, category)), outcome, str(OUTCOMES[outcome][0]), n)
         for category, outcome, n in counts),
        key=lambda r: (categories.index(r[0]) if r[0] in categories else len(categories), outcomes.index(r[2])),
    )
    return Figure(
        "disputes-by-outcome", f"{spec.label} · 争议类别与结果 Disputes by category and outcome",
        ("类别 Category", "名称 Label", "结果 Outcome", "结果名称 Outcome label", "案件 Cases"),
        rows,
    )


def figures(spec, scope: Scope) -> list[Figure]:
    """The disputes' :data:`workflow.registry.DashboardHook`."""
    return [by_category_and_outcome(spec, scope)]
