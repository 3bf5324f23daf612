"""Web UI routes of this engine part, mounted at the site root."""

from django.urls import include, path

from . import views

app_patterns = (
    [
        path("", views.CaseDocumentsPage.as_view(), name="list"),
        path("<int:pk>/", views.DocumentPage.as_view(), name="detail"),
        path("<int:pk>/sign/", views.DocumentSignPage.as_view(), name="sign"),
        path("<int:pk>/content/", views.DocumentContentPage.as_view(), name="content"),
        path("<int:pk>/diff/<int:other_pk>/", views.DocumentDiffPage.as_view(), name="diff"),
    ],
    "documents",
)

urlpatterns = [path("documents/", include(app_patterns))]
