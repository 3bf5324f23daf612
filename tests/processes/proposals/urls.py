"""The project's URLs plus the proposals report routes, as the engine's process URL hook mounts them."""

from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("api/v1/", include("processes.proposals.api_urls")),
    path("", include("processes.proposals.ui_urls")),
    *project_urlpatterns,
]
