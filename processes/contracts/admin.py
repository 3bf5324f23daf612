"""Read-only admin for contracts: every change goes through the transition service, never the admin."""

from django.contrib import admin

from workflow.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Contract, ContractRepresentative, ContractRound


class RepresentativeInline(ReadOnlyInline):
    model = ContractRepresentative
    fields = ["side", "position", "name", "user", "expert", "chief"]


class RoundInline(ReadOnlyInline):
    model = ContractRound
    fields = ["number", "held_on", "minutes", "recorded_by", "recorded_at"]


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdmin):
    list_display = ["reference", "kind", "state", "organisation", "effective_on", "expires_on"]
    list_filter = ["state", "kind", "organisation"]
    search_fields = ["reference"]
    inlines = [RepresentativeInline, RoundInline]
