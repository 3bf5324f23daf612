"""Case page: extending an open deadline as its rule allows (the forms shown: :mod:`workflow.ui.extension_panel`).

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

from ..deadlines import extension_requests, extensions
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
