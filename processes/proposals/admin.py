"""Read-only admin for proposals: every change goes through the transition service, never the admin."""

from django.contrib import admin

from workflow.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Proposal, ProposalCosigner, ProposalCountersign, ProposalRating, ProposalReply


class CosignerInline(ReadOnlyInline):
    model = ProposalCosigner
    fields = ["user", "status", "invited_at", "responded_at"]


class ReplyInline(ReadOnlyInline):
    model = ProposalReply
    fields = ["round", "department", "classification", "replied_by", "replied_at", "due_on", "on_time"]


class CountersignInline(ReadOnlyInline):
    model = ProposalCountersign
    fields = ["round", "department", "signed_by", "signed_at", "opinion"]


class RatingInline(ReadOnlyInline):
    model = ProposalRating
    fields = ["reply", "rating", "comment", "rated_by", "rated_at"]


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ["reference", "title", "state", "category", "organisation", "created_by", "created_at"]
    list_filter = ["state", "category", "organisation"]
    search_fields = ["reference", "title"]
    inlines = [CosignerInline, CountersignInline, ReplyInline, RatingInline]
