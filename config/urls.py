"""URL wiring: the web UI (viewflow Material site), the API and the admin."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import include, path

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("workflow.api.urls")),
    path("healthz", lambda request: HttpResponse("ok"), name="healthz"),
    path("", include("workflow.notifications.ui_urls")),
    path("", include("workflow.documents.ui_urls")),
    path("", include("workflow.votes.ui_urls")),
    path("", include("workflow.calendar.ui_urls")),
    path("", include("workflow.ui.urls")),
]
