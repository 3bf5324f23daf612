from rest_framework import serializers

from workflow import registry
from workflow.api.parsing import IntegerField
from workflow.deadlines import DeadlineRule, Unit
from workflow.inputs import ReasonInput
from workflow.registry import ProcessSpec, TransitionSpec, guard, transitions
from workflow.roles import Role

from .flows import ExampleFlow
from .models import ExampleRequest
from .models import ExampleState as S

DECIDE = DeadlineRule(
    "example.decide", "示例：五个工作日内审批 Example: decide within 5 working days", 5, Unit.WORKING_DAYS, "submit",
    on_expiry="transition:expire", title="审批期限 Decision deadline",
)


class CreateInput(serializers.Serializer):
    title = serializers.CharField(max_length=100)
    amount = IntegerField(min_value=0, max_value=10000)


@guard("example.limit")
def amount_within_limit(ctx):
    if ctx.case.amount > 5000:
        return "金额超过限额 Amount above the 5000 limit (example.limit)."


class VoteInput(serializers.Serializer):
    rule = serializers.ChoiceField(choices=["resolution", "contract"], default="resolution")
    method = serializers.ChoiceField(choices=["electronic", "paper"], default="electronic")


def open_vote(ctx):
    """Putting the request to the congress opens a vote whose result adopts it or not."""
    from workflow.votes.services import vote_open

    vote = vote_open(
        process="examples", case=ctx.case, title=ctx.case.title, rule=ctx.data["rule"], opened_by=ctx.user,
        pass_transition="adopt", fail_transition="not_adopt", method=ctx.data["method"], meta=ctx.meta, now=ctx.now,
    )
    ctx.payload["vote"] = vote.pk


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
        deadline_rules=(DECIDE,),
        transitions=transitions(
            TransitionSpec("submit", "提交 Submit", S.DRAFT, S.SUBMITTED,
                           actor=lambda case, user: case.created_by_id == user.pk),
            TransitionSpec("approve", "批准 Approve", S.SUBMITTED, S.APPROVED, roles=frozenset({Role.UNION_COMMITTEE}),
                           guards=(amount_within_limit,), not_own_case=True),
            TransitionSpec("reject", "驳回 Reject", S.SUBMITTED, S.REJECTED, roles=frozenset({Role.UNION_COMMITTEE}),
                           input=ReasonInput, not_own_case=True, apply=ExampleRequest.reject, destructive=True),
            TransitionSpec("expire", "逾期 Expire", S.SUBMITTED, S.REJECTED, system_only=True,
                           apply=ExampleRequest.expire),
            TransitionSpec("put_to_vote", "提交表决 Put to the congress", S.SUBMITTED, S.VOTING,
                           roles=frozenset({Role.UNION_COMMITTEE}), input=VoteInput, effect=open_vote),
            TransitionSpec("adopt", "表决通过 Adopted", S.VOTING, S.ADOPTED, system_only=True),
            TransitionSpec("not_adopt", "表决未通过 Not adopted", S.VOTING, S.NOT_ADOPTED, system_only=True),
        ),
    )
)
