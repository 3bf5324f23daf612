"""Process-specific API endpoints: the contract register (JSON, CSV).

Thin: parse the query, call :func:`register.contract_register`, return it.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from workflow import services
from workflow.api.parsing import organisation_from_input
from workflow.exports import csv_response, pdf_response

from .register import CSV_HEADER, contract_register, published_contract, register_csv_rows


def register_for_request(request):
    organisation = organisation_from_input(request.GET.get("organisation", ""))
    return contract_register(organisation=organisation, user=request.user)


def export_response(request, register):
    if request.GET.get("export") == "csv":
        name = f"contracts-{register['organisation']['code']}.csv"
        return csv_response(header=CSV_HEADER, rows=register_csv_rows(register), filename=name)
    return None


class ContractRegisterAPIView(APIView):
    """集体合同台账: in force, expiring within 90 days, expired; the roll-up below the organisation."""

    @extend_schema(
        parameters=[OpenApiParameter("organisation", str, required=True), OpenApiParameter("export", str, enum=["csv"])],
        responses=dict,
    )
    def get(self, request):
        register = register_for_request(request)
        return export_response(request, register) or Response(register)


def filing_pdf_response(request, pk):
    from .pdf import filing_package_pdf

    case = services.get_visible_case(process="contracts", case_id=pk, user=request.user)
    return pdf_response(filing_package_pdf(case), f"{case.reference}-filing.pdf")


class ContractFilingPDFAPIView(APIView):
    """报送材料 as PDF (contract text, congress vote, signatures), for anyone who may see the contract."""

    @extend_schema(responses={(200, "application/pdf"): bytes})
    def get(self, request, pk):
        return filing_pdf_response(request, pk)


class ContractPublishedAPIView(APIView):
    """第四十八条: a contract in force, as shown to every member of its organisation."""

    @extend_schema(responses=dict)
    def get(self, request, pk):
        return Response(published_contract(contract_id=pk, user=request.user))
