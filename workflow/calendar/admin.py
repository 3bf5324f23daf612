"""The holiday calendar in the admin: read-only.

A calendar day decides every deadline counted across it, so a day added or deleted here
would move deadlines with no audit event. The calendar import (page, API or
``load_calendar``) is the one audited way in; the admin only shows what was loaded.
"""

from django.contrib import admin

from workflow.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import CalendarDay, CalendarYear


class CalendarDayInline(ReadOnlyInline):
    model = CalendarDay


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdmin):
    list_display = ("year", "source", "imported_at", "imported_by")
    inlines = [CalendarDayInline]


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnlyAdmin):
    list_display = ("date", "kind", "name", "calendar")
    list_filter = ("kind", "calendar")
