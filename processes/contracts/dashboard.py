"""The contracts' own oversight figure: collective contracts in force, and those expiring within
90 days (集体合同履行与到期提示), per organisation and kind.

Counted as the register counts them (:mod:`.register`): in force means published and not ended
(:meth:`.models.Contract.in_force_q`: 履行中, in its renewal window, or being varied); expiring
means in force with its term ending within ``EXPIRING_DAYS`` of today, about when its renewal may be
asked (《集体合同规定》第三十八条：期满前3个月).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from workflow.audit.figures import Figure, Scope

from .models import Contract
from .register import EXPIRING_DAYS
from .states import Kind


def in_force_and_expiring(spec, scope: Scope) -> Figure:
    horizon = scope.today + dt.timedelta(days=EXPIRING_DAYS)
    counts = (
        scope.cases(spec).filter(Contract.in_force_q()).order_by()
        .values_list("organisation__code", "kind")
        .annotate(n=Count("pk"), expiring=Count("pk", filter=Q(expires_on__lte=horizon)))
        .order_by("organisation__code", "kind")
    )
    labels = dict(Kind.choices)
    rows = [(code, kind, str(labels.get(kind, kind)), n, expiring) for code, kind, n, expiring in counts]
    return Figure(
        "contracts-in-force", f"{spec.label} · 履行中与90天内到期 In force and expiring within 90 days",
        ("组织 Organisation", "类别 Kind", "名称 Label", "履行中 In force", "90天内到期 Expiring within 90 days"),
        rows,
    )


def figures(spec, scope: Scope) -> list[Figure]:
    """The contracts' :data:`workflow.registry.DashboardHook`."""
    return [in_force_and_expiring(spec, scope)]
