"""The Django admin: reference data is editable, the record of what happened is not.

- Audit events, deadlines and work items are read-only: audit events are written only by
  :func:`workflow.audit.record_event` (the database refuses changes anyway); deadlines
  and work items are derived by the services and would drift if edited by hand.
- Member ID numbers and phones are restricted personal data: the admin shows them
  masked and accepts a new value without ever displaying the stored one.
- Users are deactivated, never deleted: viewflow's ``Task.owner`` cascades on delete and
  the audit trail must keep naming who acted. Delete is not offered; "deactivate" is.
- Whatever has an audited service is read-only here, so the admin is no way around the
  audit: delegations (``delegation_create``/``delegation_end``), an organisation's
  settings (its deadline overrides, ``deadline_override``), the holiday calendar (the
  import), and viewflow's processes and tasks (their ``data`` and status follow the
  transition service).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from viewflow.workflow import admin as viewflow_admin
from viewflow.workflow.models import Process, Task

from .assignment import steps_release_for_deactivated
from .audit import RequestMeta
from .counting import CappedCountPaginator
from .models import (
    AuditAnchor,
    AuditEvent,
    AuditExport,
    CaseDeadline,
    CongressSession,
    CongressTerm,
    Delegation,
    MemberProfile,
    Organisation,
    RoleAssignment,
    WorkItem,
)

#: Where an audited action came from (``workflow.audit.RequestMeta.channel``).
AUDIT_CHANNELS = ("ui", "api", "task", "command")


class ReadOnlyAdmin(admin.ModelAdmin):
    """View only: no add, change or delete, and no bulk delete action."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class ReadOnlyInline(admin.TabularInline):
    """An inline of a read-only parent: rows are shown, none added, changed or deleted."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ChannelFilter(admin.SimpleListFilter):
    """The channels are a fixed set: listed, not read from a million rows."""

    title = _("渠道 Channel")
    parameter_name = "channel"

    def lookups(self, request, model_admin):
        return [(c, c) for c in AUDIT_CHANNELS]

    def queryset(self, request, queryset):
        return queryset.filter(channel=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The whole log, newest first, a page from the ``(created_at, id)`` index.

    A million events must not be read to show a hundred: the count is exact up to 10,000 and
    estimated beyond (:class:`workflow.counting.CappedCountPaginator`); the filters offer fixed
    values or the content types, not the distinct values of the log; the search finds a case by the start of its
    reference (the reference index) or an action by its exact name (the action index). The audit
    search (``/audit/``, ``/api/v1/audit/``) filters by actor, state, dates and organisation.
    """

    list_display = ["case_ref", "seq", "action", "from_state", "to_state", "actor_name", "actor_role", "created_at"]
    list_filter = [ChannelFilter, "case_type"]
    search_fields = ["case_ref", "action"]
    search_help_text = _("编号开头或动作名称 The start of a case reference, or an action's exact name")
    ordering = ["-created_at", "-id"]
    paginator = CappedCountPaginator
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        # References are stored upper case; a prefix LIKE uses the reference's pattern index.
        by_ref = queryset.filter(case_ref__startswith=term.upper())
        return by_ref | queryset.filter(action=term), False


@admin.register(AuditAnchor)
class AuditAnchorAdmin(ReadOnlyAdmin):
    list_display = ["pk", "created_at", "last_event_id", "events", "chains", "anchor_hash"]
    ordering = ["-pk"]


@admin.register(AuditExport)
class AuditExportAdmin(ReadOnlyAdmin):
    """Who exported which part of the log, when, and what the file held (its SHA-256)."""

    list_display = ["pk", "requested_by", "role", "organisation", "date_from", "date_to", "status", "rows",
                    "broken_chains", "download_count"]
    list_filter = ["status"]
    exclude = ["file"]
    ordering = ["-pk"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    """Name, kind and parent are reference data; the settings are changed only by their audited services.

    Not deleted either: the organisation's own audit chain (its settings changes) names it.
    """

    list_display = ["code", "name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["settings"]
    ordering = ["path"]

    def has_delete_permission(self, request, obj=None):
        return False


class MemberProfileForm(forms.ModelForm):
    """Restricted fields are write-only: blank keeps the stored value."""

    id_number = forms.CharField(
        label=_("身份证号 ID number"),
        required=False,
        max_length=18,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("留空则保持不变 Leave blank to keep the stored value."),
    )
    phone = forms.CharField(
        label=_("电话 Phone"),
        required=False,
        max_length=20,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("留空则保持不变 Leave blank to keep the stored value."),
    )

    class Meta:
        model = MemberProfile
        fields = ["user", "member_number", "organisation", "union_group", "id_number", "phone"]

    def clean_id_number(self):
        return self.cleaned_data.get("id_number") or self.instance.id_number

    def clean_phone(self):
        return self.cleaned_data.get("phone") or self.instance.phone


@admin.register(MemberProfile)
class MemberProfileAdmin(admin.ModelAdmin):
    form = MemberProfileForm
    list_display = ["member_number", "user", "organisation", "union_group", "id_number_display", "phone_display"]
    list_filter = ["organisation__kind"]
    search_fields = ["member_number", "user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user", "organisation", "union_group"]
    readonly_fields = ["id_number_display", "phone_display"]
    fields = [
        "user", "member_number", "organisation", "union_group",
        "id_number_display", "id_number", "phone_display", "phone",
    ]

    @admin.display(description=_("身份证号 ID number"))
    def id_number_display(self, obj):
        return obj.id_number_masked if obj else ""

    @admin.display(description=_("电话 Phone"))
    def phone_display(self, obj):
        return obj.phone_masked if obj else ""


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organisation", "valid_from", "valid_to", "term"]
    list_filter = ["role"]
    search_fields = ["user__username", "organisation__code", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


class CongressSessionInline(admin.TabularInline):
    model = CongressSession
    extra = 0


@admin.register(CongressTerm)
class CongressTermAdmin(admin.ModelAdmin):
    list_display = ["organisation", "number", "starts_on", "ends_on"]
    search_fields = ["organisation__code", "organisation__name"]
    autocomplete_fields = ["organisation"]
    inlines = [CongressSessionInline]


@admin.register(CongressSession)
class CongressSessionAdmin(admin.ModelAdmin):
    list_display = ["term", "number", "opens_on"]


@admin.register(Delegation)
class DelegationAdmin(ReadOnlyAdmin):
    """Delegations are given and ended by the delegator through the audited service, never here."""

    list_display = ["delegator", "delegate", "role", "organisation", "starts_at", "ends_at", "revoked_at"]
    list_filter = ["role"]
    search_fields = ["delegator__username", "delegate__username"]
    autocomplete_fields = ["delegator", "delegate", "organisation"]


@admin.register(CaseDeadline)
class CaseDeadlineAdmin(ReadOnlyAdmin):
    list_display = ["case_ref", "rule_id", "starts_on", "due_on", "status", "escalated"]
    list_filter = ["status", "rule_id"]
    search_fields = ["case_ref", "rule_id"]


@admin.register(WorkItem)
class WorkItemAdmin(ReadOnlyAdmin):
    list_display = ["case_ref", "process_key", "title", "role", "organisation", "user", "due_at"]
    list_filter = ["process_key", "role"]
    search_fields = ["case_ref", "title"]


User = get_user_model()
DEACTIVATED = _(
    "已停用 %(count)d 个用户，释放 %(steps)d 个已认领步骤 Deactivated %(count)d user(s), released %(steps)d claimed step(s)."
)


class UserAdmin(DjangoUserAdmin):
    """Users are deactivated, never deleted (the audit trail keeps naming them)."""

    actions = ["deactivate_users"]
    list_filter = ["is_active", "is_staff", "is_superuser"]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            steps_release_for_deactivated(owner=obj, by=request.user, meta=RequestMeta.from_request(request, "ui"))

    @admin.action(description=_("停用所选用户 Deactivate selected users"), permissions=["change"])
    def deactivate_users(self, request, queryset):
        """Deactivate, and give back the steps they had claimed (they can no longer act on them)."""
        meta = RequestMeta.from_request(request, "ui")
        users = list(queryset.filter(is_active=True))
        released = 0
        for user in users:
            type(user).objects.filter(pk=user.pk).update(is_active=False)
            released += steps_release_for_deactivated(owner=user, by=request.user, meta=meta)
        self.message_user(
            request,
            DEACTIVATED % {"count": len(users), "steps": released},
            messages.SUCCESS,
        )


class ProcessAdmin(ReadOnlyAdmin, viewflow_admin.ProcessAdmin):
    """Viewflow's process list, view only: a process's ``data`` and status follow the transition service."""


class TaskAdmin(ReadOnlyAdmin, viewflow_admin.TaskAdmin):
    """Viewflow's task list, view only: tasks are claimed, assigned and finished through audited services."""


# viewflow registers editable admins of its own; ours replace them (it is installed first).
for model, model_admin in ((Process, ProcessAdmin), (Task, TaskAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)

if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, UserAdmin)
