"""Case page: extending an open deadline as its rule allows.

Under "approval" a holder of the rule's approving role sees a "延长期限 Extend" form; under
"both parties' consent" a party sees a "申请延长 Request extension" form and, for a pending
request, "同意 Consent" / "拒绝 Decline" (the other parties) or "撤回 Withdraw" (the
requester). The rules live in :mod:`workflow.deadlines.extensions`; each view turns the POST into one
service call with the request's metadata (channel ``ui``). A refusal changes nothing (a
lapsed request excepted) and the case page says why.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..deadlines import extension_requests, extensions, rules
from ..deadlines.rules import Extension, Unit
from ..errors import NotVisible, ServiceError
from ..models import CaseDeadline, ExtensionRequest, case_content_type
from .detail import CaseDetailView

EXTENDED = _("期限已延长至 %(due)s The deadline now ends on %(due)s.")
REQUESTED = _("已提出延长申请，等待其他当事方同意 Extension requested: waiting for the other parties' consent.")
ANSWERED = {
    "consent": _("已同意延长申请 You consented to the extension."),
    "decline": _("已拒绝延长申请 You declined the extension."),
    "withdraw": _("已撤回延长申请 You withdrew the extension request."),
}
SERVICES = {
    "consent": extension_requests.deadline_extension_consent,
    "decline": extension_requests.deadline_extension_decline,
    "withdraw": extension_requests.deadline_extension_withdraw,
}


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


class _ExtensionView(CaseDetailView):
    """POST only; on refusal show the case page with the reason."""

    def get(self, request, pk, **kwargs):
        return redirect(reverse(f"ui:{self.spec.key}:detail", kwargs={"pk": pk}))

    def call(self, pk, call):
        try:
            text = call()
        except NotVisible:
            raise Http404 from None
        except ServiceError as exc:
            return self.render_case(
                self.load(pk), error=exc.detail, status=exc.status, extra={"extend_errors": exc.fields or {}}
            )
        messages.success(self.request, text)
        return redirect(reverse(f"ui:{self.spec.key}:detail", kwargs={"pk": pk}))


class DeadlineExtendView(_ExtensionView):
    """Extend one deadline on approval through the service."""

    def post(self, request, pk, rule_id):
        def call():
            row = extensions.deadline_extend(
                process=self.spec, case_id=pk, rule_id=rule_id, user=request.user,
                days=request.POST.get("days", ""), reason=request.POST.get("reason", ""), meta=self.meta(),
            )
            return EXTENDED % {"due": row.due_on.isoformat()}

        return self.call(pk, call)


class ExtensionRequestView(_ExtensionView):
    """A party proposes an extension the other parties must consent to."""

    def post(self, request, pk, rule_id):
        def call():
            req = extension_requests.deadline_extension_request(
                process=self.spec, case_id=pk, rule_id=rule_id, user=request.user,
                days=request.POST.get("days", ""), reason=request.POST.get("reason", ""), meta=self.meta(),
            )
            req.refresh_from_db()
            if req.status == ExtensionRequest.Status.APPLIED:
                # The only party: their own consent was everyone's.
                row = CaseDeadline.objects.filter(extended_from_id=req.deadline_id).first()
                return EXTENDED % {"due": row.due_on.isoformat()}
            return REQUESTED

        return self.call(pk, call)


class ExtensionAnswerView(_ExtensionView):
    """Consent to, decline or withdraw a pending request (the request must belong to this case)."""

    def post(self, request, pk, request_id, verb):
        service = SERVICES.get(verb)
        case_type = case_content_type(self.spec.model)
        if service is None or not ExtensionRequest.objects.filter(pk=request_id, case_type=case_type, case_id=pk).exists():
            raise Http404
        self.load(pk)  # 404 for a case the reader cannot see, whatever the request id

        def call():
            kwargs = {"reason": request.POST.get("reason", "")} if verb == "decline" else {}
            service(request_id=request_id, user=request.user, meta=self.meta(), **kwargs)
            return ANSWERED[verb]

        return self.call(pk, call)
