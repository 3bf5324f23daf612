"""Process-specific API endpoints: the weekly group-dispute report (JSON, CSV) and the referral letter PDF.

Thin: parse the query, call the report or PDF builder, return it. The pages are in :mod:`views`.
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from workflow import services
from workflow.api.parsing import organisation_from_input
from workflow.exports import csv_response, pdf_response

from .report import CSV_HEADER, group_report, report_csv_rows


def report_for_request(request):
    organisation = organisation_from_input(request.GET.get("organisation", ""))
    return group_report(organisation=organisation, user=request.user, today=timezone.localdate())


def export_response(request, report):
    if request.GET.get("export") == "csv":
        name = f"group-disputes-{report['organisation']['code']}-{report['week_of']}.csv"
        return csv_response(header=CSV_HEADER, rows=report_csv_rows(report), filename=name)
    return None


def referral_pdf_response(request, pk):
    from .effects import case_documents
    from .pdf import referral_letter_pdf

    case = services.get_visible_case(process="disputes", case_id=pk, user=request.user)
    return pdf_response(referral_letter_pdf(case, case_documents(case)), f"{case.reference}-referral.pdf")


class GroupReportAPIView(APIView):
    """集体争议周报: open group disputes of an organisation and those below it."""

    @extend_schema(
        parameters=[OpenApiParameter("organisation", str, required=True),
                    OpenApiParameter("export", str, enum=["csv"])],
        responses=dict,
    )
    def get(self, request):
        report = report_for_request(request)
        return export_response(request, report) or Response(report)


class ReferralLetterAPIView(APIView):
    """转仲裁函 as PDF, for anyone who may see the dispute."""

    @extend_schema(responses={(200, "application/pdf"): bytes})
    def get(self, request, pk):
        return referral_pdf_response(request, pk)
