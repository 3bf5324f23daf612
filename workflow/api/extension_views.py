"""API for extending a case's open deadline as its rule allows.

- ``POST /api/v1/<process>/<id>/deadlines/<rule_id>/extend/`` ``{"days", "reason"}``: a
  holder of the rule's approving role extends it (rule ``approval``).
- ``POST /api/v1/<process>/<id>/deadlines/<rule_id>/extension-requests/`` ``{"days", "reason"}``:
  a party proposes an extension of a deadline extended only by agreement (``consent_both``);
  ``GET /api/v1/<process>/<id>/extension-requests/`` lists the case's proposals.
- ``POST /api/v1/extension-requests/<id>/consent/`` | ``decline/`` ``{"reason"}`` | ``withdraw/``:
  each party answers for themself; the last consent applies the extension.

Thin: one service call each in :mod:`workflow.deadlines.extensions`; a case the caller cannot see is a 404.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from ..deadlines import extension_requests, extensions
from .parsing import IntegerField
from .schema import OPEN_OBJECT, array_of
from .views import ProcessAPIView, _payload


class ExtendInput(serializers.Serializer):
    """Documents the body; the service validates it (so every channel gets the same answers)."""

    days = IntegerField(min_value=1, help_text="延长数量（规则的单位） Units of the rule's own unit.")
    reason = serializers.CharField(help_text="延长理由 Reason.")


class DeclineInput(serializers.Serializer):
    reason = serializers.CharField(required=False, help_text="拒绝理由（可选） Reason (optional).")


class DeadlineExtendView(ProcessAPIView):
    schema_operation = "deadline_extend"

    @extend_schema(request=ExtendInput, responses=dict)
    def post(self, request, pk, rule_id):
        data = _payload(request)
        row = extensions.deadline_extend(
            process=self.process_key, case_id=pk, rule_id=rule_id, user=request.user,
            days=data.get("days"), reason=data.get("reason"), meta=self.meta(),
        )
        return Response(extensions.deadline_as_dict(row))


class ExtensionRequestCreateView(ProcessAPIView):
    schema_operation = "deadline_extension_request"

    @extend_schema(request=ExtendInput, responses=dict)
    def post(self, request, pk, rule_id):
        data = _payload(request)
        req = extension_requests.deadline_extension_request(
            process=self.process_key, case_id=pk, rule_id=rule_id, user=request.user,
            days=data.get("days"), reason=data.get("reason"), meta=self.meta(),
        )
        req.refresh_from_db()
        return Response(extension_requests.extension_request_as_dict(req), status=status.HTTP_201_CREATED)


class ExtensionRequestListView(ProcessAPIView):
    schema_operation = "extension_requests"

    @extend_schema(responses=array_of(OPEN_OBJECT))
    def get(self, request, pk):
        rows = extension_requests.extension_request_list(process=self.process_key, case_id=pk, user=request.user)
        return Response([extension_requests.extension_request_as_dict(r) for r in rows])


class _ExtensionRequestAnswerView(ProcessAPIView):
    def answer(self, request, request_id):
        raise NotImplementedError

    def post(self, request, request_id):
        req = self.answer(request, request_id)
        req.refresh_from_db()
        return Response(extension_requests.extension_request_as_dict(req))


class ExtensionConsentView(_ExtensionRequestAnswerView):
    schema_operation = "extension_request_consent"

    def answer(self, request, request_id):
        return extension_requests.deadline_extension_consent(request_id=request_id, user=request.user, meta=self.meta())

    @extend_schema(request=None, responses=dict)
    def post(self, request, request_id):
        return super().post(request, request_id)


class ExtensionDeclineView(_ExtensionRequestAnswerView):
    schema_operation = "extension_request_decline"

    def answer(self, request, request_id):
        data = _payload(request)
        return extension_requests.deadline_extension_decline(
            request_id=request_id, user=request.user, reason=data.get("reason", ""), meta=self.meta()
        )

    @extend_schema(request=DeclineInput, responses=dict)
    def post(self, request, request_id):
        return super().post(request, request_id)


class ExtensionWithdrawView(_ExtensionRequestAnswerView):
    schema_operation = "extension_request_withdraw"

    def answer(self, request, request_id):
        return extension_requests.deadline_extension_withdraw(request_id=request_id, user=request.user, meta=self.meta())

    @extend_schema(request=None, responses=dict)
    def post(self, request, request_id):
        return super().post(request, request_id)
