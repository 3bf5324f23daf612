"""API for claiming, releasing and reassigning a case's open step.

``POST /api/v1/<process>/<id>/claim/``, ``…/release/``, ``…/reassign/`` ``{"username"}``.
Thin: each view calls one service in :mod:`workflow.assignment` and returns the step.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from .. import assignment, personal_data
from ..errors import InvalidInput
from .views import ProcessAPIView, _payload


def step_representation(case_id: int, task) -> dict:
    return {
        "case_id": case_id,
        "step": task.flow_task.name,
        "title": str(task.flow_task.task_title),
        "status": task.status,
        "owner": task.owner.get_username() if task.owner_id else None,
    }


class ReassignInput(serializers.Serializer):
    username = serializers.CharField(max_length=150)


class StepClaimView(ProcessAPIView):
    schema_operation = "claim"

    @extend_schema(request=None, responses=dict)
    def post(self, request, pk):
        task = assignment.step_claim(process=self.spec, case_id=pk, user=request.user, meta=self.meta())
        return Response(step_representation(pk, task))


class StepReleaseView(ProcessAPIView):
    schema_operation = "release"

    @extend_schema(request=None, responses=dict)
    def post(self, request, pk):
        task = assignment.step_release(process=self.spec, case_id=pk, user=request.user, meta=self.meta())
        return Response(step_representation(pk, task))


class StepReassignView(ProcessAPIView):
    schema_operation = "reassign"

    @extend_schema(request=ReassignInput, responses=dict)
    def post(self, request, pk):
        serializer = ReassignInput(data=_payload(request))
        if not serializer.is_valid():
            raise InvalidInput("输入有误 Invalid input.", fields=serializer.errors)
        task = assignment.step_reassign(
            process=self.spec, case_id=pk, user=request.user, to_user=serializer.validated_data["username"],
            meta=self.meta(),
        )
        return Response(step_representation(pk, task))


class RestrictedReadView(ProcessAPIView):
    """Open restricted personal data of a case (ID number, phone…); every read is audited."""

    schema_operation = "restricted"

    @extend_schema(request=dict, responses=dict)
    def post(self, request, pk):
        fields = _payload(request).get("fields") or []
        if isinstance(fields, str):
            fields = [f.strip() for f in fields.split(",") if f.strip()]
        values = personal_data.reveal_restricted(
            process=self.process_key, case_id=pk, user=request.user, fields=list(fields), meta=self.meta()
        )
        return Response({"fields": values})
