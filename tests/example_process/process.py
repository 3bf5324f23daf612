from rest_framework import serializers

from workflow import registry
from workflow.registry import ProcessSpec, TransitionSpec
from workflow.roles import Role

from .flows import ExampleFlow
from .models import ExampleRequest


class CreateInput(serializers.Serializer):
    title = serializers.CharField(max_length=100)
    amount = serializers.IntegerField(min_value=0, max_value=10000)


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(min_length=2)


def amount_within_limit(ctx):
    if ctx.case.amount > 5000:
        return "金额超过限额 Amount above the 5000 limit (example.limit)."


amount_within_limit.rule_id = "example.limit"


def create(ctx):
    return ExampleRequest(title=ctx.data["title"], amount=ctx.data["amount"])


class Detail(serializers.ModelSerializer):
    class Meta:
        model = ExampleRequest
        fields = ["title", "amount", "reason"]


registry.register(
    ProcessSpec(
        key="examples",
        label="示例 Example",
        model=ExampleRequest,
        flow=ExampleFlow,
        create_input=CreateInput,
        create=create,
        create_roles=frozenset({Role.MEMBER}),
        viewer_roles=frozenset({Role.UNION_COMMITTEE, Role.CHAIR}),
        detail_serializer=Detail,
        search_fields=("reference", "title"),
        transitions={
            t.name: t
            for t in [
                TransitionSpec("submit", "提交 Submit", actor=lambda case, user: case.created_by_id == user.pk),
                TransitionSpec(
                    "approve", "批准 Approve", roles=frozenset({Role.UNION_COMMITTEE}),
                    guards=(amount_within_limit,), not_own_case=True,
                ),
                TransitionSpec(
                    "reject", "驳回 Reject", roles=frozenset({Role.UNION_COMMITTEE}), input=ReasonInput,
                    not_own_case=True,
                ),
            ]
        },
    )
)
