"""Menu helpers: a menu shows only what its reader may do.

A process adds its own pages to its menu through its registry entry,
``ProcessSpec.menu``: a tuple of ``{"label", "url_name", "roles"}``; the entry is
shown to a reader holding one of ``roles`` anywhere (the page itself still checks scope).
"""

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def process_menu(context, process_key: str) -> dict:
    """``{"may_create": bool, "entries": [{"label", "url"}]}`` of a process for the reader; cached per request."""
    from workflow import policy, registry, services

    request = context.get("request")
    user = getattr(request, "user", None)
    spec = registry.get(process_key)
    if spec is None or user is None or not user.is_authenticated:
        return {"may_create": False, "entries": []}
    cache = request.__dict__.setdefault("_unionflow_process_menus", {})
    if process_key not in cache:
        roles = {g.role for g in policy.grants(user)}
        entries = []
        for entry in spec.menu:
            if not roles & set(entry.get("roles", ())):
                continue
            try:
                entries.append({"label": entry["label"], "url": reverse(entry["url_name"])})
            except NoReverseMatch:
                continue
        cache[process_key] = {
            "may_create": services.creatable_organisations(process=spec, user=user).exists(),
            "entries": entries,
        }
    return cache[process_key]
