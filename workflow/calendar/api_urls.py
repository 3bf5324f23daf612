"""API routes of this engine part, mounted under /api/v1/."""

from django.urls import path

from . import views

urlpatterns = [
    path("deadline-rules/", views.DeadlineRuleListView.as_view(), name="deadline-rules"),
    path("calendar/", views.CalendarYearListView.as_view(), name="calendar-years"),
    path("calendar/<int:year>/", views.CalendarYearView.as_view(), name="calendar-year"),
]
