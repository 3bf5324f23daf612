"""``/api/`` and ``/api/v1/``: an index of the API's endpoints, so a client (or a person
with a browser) can find them without the schema."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import registry


def _walk(patterns, prefix: str = ""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, route)
        elif isinstance(entry, URLPattern) and entry.name:
            yield entry.name, route


def endpoints() -> list[dict]:
    """Every named API route as ``{"name", "path"}``, path parameters as ``<type:name>``, in URL order."""
    api = next(
        p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and getattr(p, "app_name", "") == "api"
    )
    root = "/" + str(api.pattern)
    seen, found = set(), []
    for name, route in _walk(api.url_patterns, root):
        if route.startswith(root + "v1/") and route not in seen:
            seen.add(route)
            found.append({"name": name, "path": route})
    return found


class ApiIndexView(APIView):
    """The endpoints of version 1, the processes they serve, and where the schema and docs are."""

    @extend_schema(responses=dict)
    def get(self, request):
        specs = sorted(registry.all_processes(), key=lambda spec: spec.key)
        return Response(
            {
                "version": "v1",
                "processes": [{"key": spec.key, "label": str(spec.label)} for spec in specs],
                "schema": "/api/schema/",
                "docs": "/api/docs/",
                "endpoints": endpoints(),
            }
        )
