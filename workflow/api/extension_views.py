"""API for extending a case's open deadline as its rule allows.

``POST /api/v1/<process>/<id>/deadlines/<rule_id>/extend/`` ``{"days", "reason", "consents"}``
(``consents``: the usernames of the parties who agreed, for a rule extended by both
parties' consent). Thin: one call to :func:`workflow.extensions.deadline_extend`.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from .. import extensions
from .views import ProcessAPIView, _payload


class ExtendInput(serializers.Serializer):
    """Documents the body; the service validates it (so every channel gets the same answers)."""

    days = serializers.IntegerField(min_value=1, help_text="延长数量（规则的单位） Units of the rule's own unit.")
    reason = serializers.CharField(help_text="延长理由 Reason.")
    consents = serializers.ListField(child=serializers.CharField(), required=False)


class DeadlineExtendView(ProcessAPIView):
    schema_operation = "deadline_extend"

    @extend_schema(request=ExtendInput, responses=dict)
    def post(self, request, pk, rule_id):
        data = _payload(request)
        consents = data.get("consents")
        if isinstance(consents, str):
            # A form post sends one name as a plain string, several as a list.
            consents = [consents]
        row = extensions.deadline_extend(
            process=self.process_key, case_id=pk, rule_id=rule_id, user=request.user,
            days=data.get("days"), reason=data.get("reason"), consents=consents, meta=self.meta(),
        )
        return Response(extensions.deadline_as_dict(row))
