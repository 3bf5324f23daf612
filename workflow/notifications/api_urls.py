"""API routes of this engine part, mounted under /api/v1/."""

urlpatterns: list = []
