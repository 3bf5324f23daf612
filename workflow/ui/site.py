"""The viewflow Material site: an inbox application and one application per registered process."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from viewflow.urls import Site

_SITE: Site | None = None


def get_site() -> Site:
    """Build the site once, after every process has registered its spec."""
    global _SITE
    if _SITE is None:
        _SITE = Site(title=_("工会工作流 unionflow"), viewsets=[])
    return _SITE
