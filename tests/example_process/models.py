"""A throwaway request process: draft → submitted → approved/rejected."""

from django.db import models
from django_fsm import FSMField, transition

from workflow.models import Case


class ExampleState(models.TextChoices):
    DRAFT = "draft", "草稿 Draft"
    SUBMITTED = "submitted", "已提交 Submitted"
    APPROVED = "approved", "已批准 Approved"
    REJECTED = "rejected", "已驳回 Rejected"


class ExampleRequest(Case):
    reference_prefix = "EX"
    state = FSMField(default=ExampleState.DRAFT, choices=ExampleState.choices, protected=True)
    title = models.CharField(max_length=100)
    amount = models.PositiveIntegerField(default=0)
    reason = models.TextField(blank=True)

    @transition(field=state, source=ExampleState.DRAFT, target=ExampleState.SUBMITTED)
    def submit(self):
        pass

    @transition(field=state, source=ExampleState.SUBMITTED, target=ExampleState.APPROVED)
    def approve(self):
        pass

    @transition(field=state, source=ExampleState.SUBMITTED, target=ExampleState.REJECTED)
    def reject(self, ctx):
        self.reason = ctx.data["reason"]
