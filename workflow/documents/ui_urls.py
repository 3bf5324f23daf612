"""Web UI routes of this engine part, mounted at the site root."""

urlpatterns: list = []
