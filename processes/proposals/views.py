"""Web pages of the proposals process: the session report with charts, and the proposal form PDF.

The case pages themselves are the engine's generic ones (with ``templates/proposals/detail.html``).
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import render
from django.views import View

from workflow.errors import NotVisible, ServiceError

from .api import export_response, form_pdf_response, report_for_request


class ProposalReportPage(LoginRequiredMixin, View):
    """The report as a page with bar charts (plain HTML/CSS, printable)."""

    def get(self, request):
        try:
            report = report_for_request(request)
        except ServiceError as exc:
            return render(request, "proposals/report.html", {"error": exc.detail}, status=exc.status)
        exported = export_response(request, report)
        if exported is not None:
            return exported
        for section in ("by_state", "by_category", "by_department"):
            top = max([row["count"] for row in report[section]] or [1])
            for row in report[section]:
                row["width"] = round(100 * row["count"] / top) if top else 0
        return render(request, "proposals/report.html", {"report": report, "query": request.GET.urlencode()})


class ProposalFormPDFPage(LoginRequiredMixin, View):
    def get(self, request, pk):
        try:
            return form_pdf_response(request, pk)
        except NotVisible:
            raise Http404 from None
