"""Notifications in the admin: read-only (they are written only by ``notify``, and their
``emailed_at`` is the sending task's claim: editing or deleting one would resend or lose a mail)."""

from django.contrib import admin

from workflow.admin import ReadOnlyAdmin

from .models import Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at", "user", "kind", "case_ref", "title", "read_at", "emailed_at", "email_attempts", "email_failed_at",
    ]
    list_filter = ["kind", ("email_failed_at", admin.EmptyFieldListFilter)]
    search_fields = ["case_ref", "user__username"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email_enabled"]
    search_fields = ["user__username"]
