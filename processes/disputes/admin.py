"""Read-only admin for disputes: every change goes through the transition service, never the admin.
Session minutes are not shown here (they are confidential)."""

from django.contrib import admin

from workflow.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Dispute, DisputeMediator, DisputeRecusal, DisputeWorker


class WorkerInline(ReadOnlyInline):
    model = DisputeWorker
    fields = ["position", "name", "user", "representative"]


class MediatorInline(ReadOnlyInline):
    model = DisputeMediator
    fields = ["user", "assigned_by", "assigned_at", "declared_at", "recused_at"]


class RecusalInline(ReadOnlyInline):
    model = DisputeRecusal
    fields = ["mediator", "requested_by", "requested_at", "granted", "decided_by", "decided_at"]


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyAdmin):
    list_display = ["reference", "respondent", "state", "category", "group", "organisation", "received_on"]
    list_filter = ["state", "category", "group", "organisation"]
    search_fields = ["reference", "respondent"]
    exclude = ["facts", "agreement_terms"]
    inlines = [WorkerInline, MediatorInline, RecusalInline]
