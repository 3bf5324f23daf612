"""Notifications in the admin: read-only (they are written only by ``notify``)."""

from django.contrib import admin

from .models import Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "created_at", "user", "kind", "case_ref", "title", "read_at", "emailed_at", "email_attempts", "email_failed_at",
    ]
    list_filter = ["kind", ("email_failed_at", admin.EmptyFieldListFilter)]
    search_fields = ["case_ref", "user__username"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email_enabled"]
    search_fields = ["user__username"]
