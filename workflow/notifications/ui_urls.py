"""Web UI routes of this engine part, mounted at the site root."""

from django.urls import include, path

from . import views

app_patterns = (
    [
        path("", views.NotificationListPage.as_view(), name="list"),
        path("read-all/", views.NotificationReadAllPage.as_view(), name="read-all"),
        path("preferences/", views.PreferencePage.as_view(), name="preferences"),
        path("<int:pk>/read/", views.NotificationReadPage.as_view(), name="read"),
    ],
    "notifications",
)

urlpatterns = [path("notifications/", include(app_patterns))]
