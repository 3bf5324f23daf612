"""API routes of this engine part, mounted under /api/v1/."""

from django.urls import path

from . import api

urlpatterns = [
    path("documents/", api.DocumentListView.as_view(), name="document-list"),
    path("documents/<int:pk>/", api.DocumentDetailView.as_view(), name="document-detail"),
    path("documents/<int:pk>/content/", api.DocumentContentView.as_view(), name="document-content"),
    path("documents/<int:pk>/diff/<int:other_pk>/", api.DocumentDiffView.as_view(), name="document-diff"),
    path("documents/<int:pk>/sign/", api.DocumentSignView.as_view(), name="document-sign"),
]
