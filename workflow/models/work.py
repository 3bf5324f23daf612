"""Work items: who must act on which case, by when (the inbox's index)."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class WorkItem(models.Model):
    """One pending call to act, derived from the case's open viewflow task.

    Either ``user`` is set (a named person: the proposer, an invited co-signer) or
    ``role`` + ``organisation`` (anyone holding that role there). Rebuilt after every
    transition, so it never drifts from the flow.
    """

    task = models.ForeignKey("viewflow.Task", on_delete=models.CASCADE, related_name="+")
    process_key = models.CharField(max_length=20)
    case_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    case_id = models.BigIntegerField()
    case_ref = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    organisation = models.ForeignKey("workflow.Organisation", on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=30, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    due_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["role", "organisation", "due_at"], name="workitem_role_due"),
            models.Index(fields=["user", "due_at"], name="workitem_user_due"),
            models.Index(fields=["case_type", "case_id"], name="workitem_case"),
        ]

    def __str__(self) -> str:
        return f"{self.case_ref}: {self.title}"
