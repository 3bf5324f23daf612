"""Case page: the extension forms beside each open deadline and the pending requests with
the buttons the reader may press.

Only what the page shows; the forms post to the views of :mod:`workflow.ui.extensions`, which
call the services (:mod:`workflow.deadlines.extensions`, :mod:`workflow.deadlines.extension_requests`).
"""

from __future__ import annotations

from django.urls import reverse

from ..deadlines import extensions, rules
from ..deadlines.rules import Extension, Unit
from ..models import CaseDeadline, ExtensionRequest, case_content_type


def _pending_by_rule(case, user, spec) -> dict[str, list[dict]]:
    """Pending requests on open deadlines, with the buttons ``user`` may press."""
    parties = case.parties()
    if user is None or user.pk not in parties:
        return {}
    case_type = case_content_type(case)
    pending = (
        ExtensionRequest.objects.filter(
            case_type=case_type, case_id=case.pk, status=ExtensionRequest.Status.PENDING,
            deadline__status=CaseDeadline.Status.OPEN,
        )
        .select_related("requested_by")
        .prefetch_related("consents")
        .order_by("created_at", "pk")
    )
    result: dict[str, list[dict]] = {}
    for req in pending:
        consented = {c.user_id for c in req.consents.all()}
        if user.pk == req.requested_by_id:
            verbs = ["withdraw"]
        else:
            verbs = ["decline"] if user.pk in consented else ["consent", "decline"]
        result.setdefault(req.rule_id, []).append(
            {
                "id": req.pk,
                "days": req.days,
                "reason": req.reason,
                "requested_by": req.requested_by.get_username(),
                "waiting": len(parties - consented),
                "buttons": [
                    {
                        "verb": verb,
                        "url": reverse(
                            f"ui:{spec.key}:extension_answer",
                            kwargs={"pk": case.pk, "request_id": req.pk, "verb": verb},
                        ),
                    }
                    for verb in verbs
                ],
            }
        )
    return result


def with_extension_forms(spec, case, user, rows: list[dict]) -> list[dict]:
    """Add ``extend`` (the form's URL, unit and limits) to each open deadline ``user`` may extend
    or ask to extend, and ``requests`` (pending ones, with their buttons) under consent."""
    pending = _pending_by_rule(case, user, spec)
    result = []
    for row in rows:
        row = dict(row)
        rule = None
        if row["status"] == CaseDeadline.Status.OPEN:
            try:
                rule = rules.get_rule(row["rule_id"])
            except KeyError:
                rule = None
        if rule is not None and extensions.may_extend(case=case, rule=rule, user=user):
            consent = rule.extension == Extension.CONSENT_BOTH
            name = "extension_request" if consent else "extend"
            row["extend"] = {
                "url": reverse(f"ui:{spec.key}:{name}", kwargs={"pk": case.pk, "rule_id": rule.id}),
                "unit_label": str(Unit(rule.unit).label) if rule.unit in Unit.values else rule.unit,
                "max": rule.max_extension,
                "consent": consent,
            }
            if consent:
                row["requests"] = pending.get(rule.id, [])
        result.append(row)
    return result
