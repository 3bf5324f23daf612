"""A throwaway request process: draft → submitted → approved/rejected."""

from django.db import models
from django_fsm import FSMField

from workflow.models import Case


class ExampleState(models.TextChoices):
    DRAFT = "draft", "草稿 Draft"
    SUBMITTED = "submitted", "已提交 Submitted"
    APPROVED = "approved", "已批准 Approved"
    REJECTED = "rejected", "已驳回 Rejected"
    # Test-only states for congress votes.
    VOTING = "voting", "表决中 Voting"
    ADOPTED = "adopted", "已通过 Adopted"
    NOT_ADOPTED = "not_adopted", "未通过 Not adopted"


class ExampleRequest(Case):
    reference_prefix = "EX"
    state = FSMField(default=ExampleState.DRAFT, choices=ExampleState.choices, protected=True)
    title = models.CharField(max_length=100)
    amount = models.PositiveIntegerField(default=0)
    reason = models.TextField(blank=True)

    # What a transition writes on the case (``apply=`` in process.py, which declares the rest).
    def reject(self, ctx):
        self.reason = ctx.data["reason"]

    def expire(self, ctx):
        """The decision period (rule ``example.decide``) ran out."""
        self.reason = "逾期未审批 Not decided in time"
