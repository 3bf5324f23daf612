"""Web UI routes: standalone engine pages first, then the viewflow site at the root ("/" opens the inbox)."""

from django.urls import include, path

from .. import registry
from .site import get_site


def process_page_patterns():
    """A process's own pages (reports, printable forms), declared in ``ProcessSpec.ui_urls``."""
    return [path("", include(spec.ui_urls)) for spec in registry.all_processes() if spec.ui_urls]


urlpatterns = [
    path("", include("workflow.ui.delegations")),
    path("", include("workflow.ui.audit_exports")),
    path("", include("workflow.ui.audit_search")),
    *process_page_patterns(),
    path("", get_site().urls),
]
