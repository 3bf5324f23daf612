"""API routes of this engine part, mounted under /api/v1/."""

from django.urls import path

from . import api

urlpatterns = [
    path("notifications/", api.NotificationListView.as_view(), name="notification-list"),
    path("notifications/read-all/", api.NotificationReadAllView.as_view(), name="notification-read-all"),
    path("notifications/preferences/", api.PreferenceView.as_view(), name="notification-preferences"),
    path("notifications/<int:pk>/read/", api.NotificationReadView.as_view(), name="notification-read"),
]
