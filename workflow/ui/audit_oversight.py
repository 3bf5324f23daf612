"""Audit pages beside the search: the latest anchors (printable for the union's public board,
厂务公开) and the oversight dashboard. Readers as for the search (:mod:`workflow.audit.search`):
auditors, administrators and chairs; anyone else gets 403 and nothing else."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.views import View

from ..audit import dashboard, search
from ..errors import InvalidInput, NotVisible
from ..exports import csv_response
from ..models import AuditAnchor, Organisation

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


class AuditDashboardPage(View):
    """Figures per process with their bars and data tables; ``?csv=<figure key>`` downloads one as CSV."""

    template_name = "workflow/ui/audit_dashboard.html"

    def get(self, request):
        _require(request.user)
        organisation = (request.GET.get("organisation") or "")[:40]
        try:
            scope = dashboard.dashboard_scope(user=request.user, organisation=organisation)
        except (NotVisible, InvalidInput) as exc:
            raise Http404(exc.detail) from None
        sections = dashboard.dashboard(scope)
        wanted = request.GET.get("csv")
        if wanted:
            for _title, figures in sections:
                for figure in figures:
                    if figure.key == wanted:
                        return csv_response(header=figure.columns, rows=figure.rows, filename=f"{figure.key}.csv")
            raise Http404(wanted)
        readable = search.readable_organisation_ids(request.user)
        context = {
            "sections": sections,
            "organisation": organisation,
            "organisations": Organisation.objects.filter(pk__in=readable).order_by("path"),
        }
        return TemplateResponse(request, self.template_name, context)
