"""Process-specific API endpoints: the session report (JSON, CSV, PDF) and the proposal form PDF.

Thin: parse the query, call :func:`report.proposal_report`, return it. The pages that show
the same data are in :mod:`views`.
"""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from workflow import services
from workflow.api.parsing import check_int, id_or_code_lookup
from workflow.errors import InvalidInput, NotVisible
from workflow.models import CongressTerm, Organisation

from .report import proposal_report, report_csv

#: A congress term number is small; the column is a 32-bit positive integer.
MAX_TERM = 2**31 - 1


def report_for_request(request):
    params = request.GET
    ref = params.get("organisation", "")
    lookup = id_or_code_lookup(ref)
    organisation = Organisation.objects.filter(**lookup).first() if lookup else None
    if organisation is None:
        raise InvalidInput("输入有误 Invalid input.", fields={"organisation": ["请选择组织 Choose an organisation."]})
    term = None
    if params.get("term"):
        number = check_int(params["term"], name="term", minimum=1, maximum=MAX_TERM)
        term = CongressTerm.objects.filter(organisation=organisation, number=number).first()
        if term is None:
            raise NotVisible("未找到该届次 No such term.")
    return proposal_report(organisation=organisation, user=request.user, term=term)


def _csv_response(report) -> HttpResponse:
    response = HttpResponse(report_csv(report), content_type="text/csv; charset=utf-8")
    name = f"proposals-{report['organisation']['code']}-term{report['term']['number']}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _pdf_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


def form_pdf_response(request, pk) -> HttpResponse:
    from .pdf import proposal_form_pdf

    case = services.get_visible_case(process="proposals", case_id=pk, user=request.user)
    return _pdf_response(proposal_form_pdf(case), f"{case.reference}.pdf")


def export_response(request, report):
    if request.GET.get("export") == "csv":
        return _csv_response(report)
    if request.GET.get("export") == "pdf":
        from .pdf import report_pdf

        return _pdf_response(report_pdf(report), f"proposals-{report['organisation']['code']}-term{report['term']['number']}.pdf")
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
