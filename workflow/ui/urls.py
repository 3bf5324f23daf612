"""Web UI routes: the viewflow site at the root ("/" opens the inbox)."""

from django.urls import path

from .site import get_site

urlpatterns = [path("", get_site().urls)]
