"""Audit pages beside the search: the latest anchors (printable for the union's public board,
厂务公开) and the oversight dashboard. Readers as for the search (:mod:`workflow.audit.search`):
auditors, administrators and chairs; anyone else gets 403 and nothing else."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.views import View

from ..audit import search
from ..models import AuditAnchor

ANCHORS_SHOWN = 30


def _require(user) -> None:
    if not search.may_search(user):
        raise PermissionDenied(str(search.NOT_ALLOWED))


class AuditAnchorsPage(View):
    """The newest anchors, each with its Merkle root: print it, post it, keep the hash outside the system."""

    template_name = "workflow/ui/audit_anchors.html"

    def get(self, request):
        _require(request.user)
        anchors = list(AuditAnchor.objects.order_by("-id")[:ANCHORS_SHOWN])
        return TemplateResponse(request, self.template_name, {"anchors": anchors})
