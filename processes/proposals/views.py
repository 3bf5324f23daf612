"""Web pages of the proposals process: the session report with charts, and the proposal form PDF.

The case pages themselves are the engine's generic ones (with the package's ``templates/proposals/detail.html``).
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import render
from django.views import View

from workflow.errors import NotVisible, ServiceError

from .api import export_response, form_pdf_response, report_for_request
from .report import NOT_ALLOWED, default_report_organisation, report_organisations


class ProposalReportPage(LoginRequiredMixin, View):
    """The report as a page with bar charts (plain HTML/CSS, printable)."""

    def get(self, request):
        choices = report_organisations(request.user)
        if not request.GET.get("organisation"):
            # Without a choice the reader's own organisation is shown (its exports link to it).
            default = default_report_organisation(request.user, choices)
            if default is None:
                return render(request, "proposals/report.html", {"error": NOT_ALLOWED}, status=403)
            params = request.GET.copy()
            params["organisation"] = default.code
            request.GET = params
        picker = {"choices": choices, "current": request.GET.get("organisation", "")}
        try:
            report = report_for_request(request)
        except ServiceError as exc:
            return render(
                request, "proposals/report.html", {"error": exc.detail, "picker": picker}, status=exc.status
            )
        exported = export_response(request, report)
        if exported is not None:
            return exported
        for section in ("by_state", "by_category", "by_department"):
            top = max([row["count"] for row in report[section]] or [1])
            for row in report[section]:
                row["width"] = round(100 * row["count"] / top) if top else 0
        return render(
            request, "proposals/report.html", {"report": report, "query": request.GET.urlencode(), "picker": picker}
        )


class ProposalFormPDFPage(LoginRequiredMixin, View):
    def get(self, request, pk):
        try:
            return form_pdf_response(request, pk)
        except NotVisible:
            raise Http404 from None
