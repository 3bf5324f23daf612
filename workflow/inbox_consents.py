"""An extension request awaiting a party's consent is in that party's inbox until they answer.

A deadline that may be extended only by agreement (``DeadlineRule.extension == "consent_both"``,
e.g. 《集体合同规定》 negotiations between the two sides) waits on every party who has not
consented (:mod:`workflow.deadlines.extension_requests`); each of them is asked to consent or decline
on the case page. Pending requests are few at any time: they are read whole (up to
:data:`SCAN`), and each case's parties are asked of the case itself (``Case.parties``).
"""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext_lazy as _

from . import registry
from .inbox import source_item
from .models import ExtensionConsent, ExtensionRequest

CONSENT = _("同意延长期限 Consent to an extension")
#: Pending requests read at most per inbox (the oldest first).
SCAN = 200


def awaiting_consent_for(user, limit: int) -> list[dict]:
    """The pending extension requests of cases where ``user`` is a party and has not consented."""
    pending = list(
        ExtensionRequest.objects.filter(status=ExtensionRequest.Status.PENDING)
        .exclude(pk__in=ExtensionConsent.objects.filter(user=user).values("request_id"))
        .select_related("deadline", "case_type")
        .order_by("deadline__due_at", "pk")[:SCAN]
    )
    by_type: dict[int, list] = defaultdict(list)
    for req in pending:
        by_type[req.case_type_id].append(req)
    items = []
    for reqs in by_type.values():
        model = reqs[0].case_type.model_class()
        spec = registry.for_model(model) if model else None
        if spec is None:
            continue
        cases = model.objects.in_bulk({r.case_id for r in reqs})
        for req in reqs:
            case = cases.get(req.case_id)
            if case is None or user.pk not in case.parties():
                continue
            items.append(
                source_item(
                    process=spec.key, case_id=case.pk, reference=req.case_ref, task=CONSENT,
                    organisation_id=case.organisation_id, due_at=req.deadline.due_at, kind="extension_consent",
                )
            )
    return items[:limit]
