"""Process-specific API endpoints: the session report (JSON, CSV, PDF) and the proposal form PDF.

Thin: parse the query, call :func:`report.proposal_report`, return it. The pages that show
the same data are in :mod:`views`.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from workflow import services
from workflow.api.parsing import check_int, organisation_from_input
from workflow.errors import NotVisible
from workflow.exports import csv_response, pdf_response
from workflow.models import CongressTerm

from .report import CSV_HEADER, proposal_report, report_csv_rows

#: A congress term number is small; the column is a 32-bit positive integer.
MAX_TERM = 2**31 - 1


def report_for_request(request):
    params = request.GET
    organisation = organisation_from_input(params.get("organisation", ""))
    term = None
    if params.get("term"):
        number = check_int(params["term"], name="term", minimum=1, maximum=MAX_TERM)
        term = CongressTerm.objects.filter(organisation=organisation, number=number).first()
        if term is None:
            raise NotVisible("未找到该届次 No such term.")
    return proposal_report(organisation=organisation, user=request.user, term=term)


def _export_name(report, extension: str) -> str:
    return f"proposals-{report['organisation']['code']}-term{report['term']['number']}.{extension}"


def form_pdf_response(request, pk):
    from .pdf import proposal_form_pdf

    case = services.get_visible_case(process="proposals", case_id=pk, user=request.user)
    return pdf_response(proposal_form_pdf(case), f"{case.reference}.pdf")


def export_response(request, report):
    """The report as a file when ``?export=csv`` or ``?export=pdf`` asks for one, else None."""
    if request.GET.get("export") == "csv":
        return csv_response(header=CSV_HEADER, rows=report_csv_rows(report), filename=_export_name(report, "csv"))
    if request.GET.get("export") == "pdf":
        from .pdf import report_pdf

        return pdf_response(report_pdf(report), _export_name(report, "pdf"))
    return None


class ProposalFormPDFAPIView(APIView):
    """提案表 as PDF, for anyone who may see the proposal."""

    @extend_schema(responses={(200, "application/pdf"): bytes})
    def get(self, request, pk):
        return form_pdf_response(request, pk)


class ProposalReportAPIView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("organisation", str, required=True), OpenApiParameter("term", int),
                    OpenApiParameter("export", str, enum=["csv", "pdf"])],
        responses=dict,
    )
    def get(self, request):
        report = report_for_request(request)
        return export_response(request, report) or Response(report)
