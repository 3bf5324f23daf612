"""API routes of this engine part, mounted under /api/v1/."""

from django.urls import path

from . import views

urlpatterns = [
    path("deadline-rules/", views.DeadlineRuleListView.as_view(), name="deadline-rules"),
    path("deadline-rules/<str:rule_id>/override/", views.DeadlineRuleOverrideView.as_view(), name="deadline-rule-override"),
    path("calendar/", views.CalendarYearListView.as_view(), name="calendar-years"),
    path("calendar/<int:year>/", views.CalendarYearView.as_view(), name="calendar-year"),
]
