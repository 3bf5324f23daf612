"""Web pages of the contracts process: the contract register with its roll-up chart and CSV.

The case pages themselves are the engine's generic ones (with ``contracts/detail.html``).
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import render
from django.views import View

from workflow import policy
from workflow.errors import NotVisible, ServiceError
from workflow.models import Organisation

from .api import export_response, filing_pdf_response, register_for_request
from .permissions import REGISTER_ROLES
from .register import published_contract


def _default_organisation(user):
    for g in policy.grants(user):
        if g.role in REGISTER_ROLES or g.role in ("auditor", "admin"):
            return Organisation.objects.get(pk=g.organisation_id)
    return None


class ContractRegisterPage(LoginRequiredMixin, View):
    def get(self, request):
        if not request.GET.get("organisation"):
            default = _default_organisation(request.user)
            if default is not None:
                params = request.GET.copy()
                params["organisation"] = default.code
                request.GET = params
        try:
            register = register_for_request(request)
        except ServiceError as exc:
            return render(request, "contracts/register.html", {"error": exc.detail}, status=exc.status)
        exported = export_response(request, register)
        if exported is not None:
            return exported
        top = max([k["count"] for k in register["rollup"]["by_kind"]] or [1]) or 1
        for k in register["rollup"]["by_kind"]:
            k["width"] = round(100 * k["count"] / top)
        return render(request, "contracts/register.html", {"register": register, "query": request.GET.urlencode()})


class ContractFilingPDFPage(LoginRequiredMixin, View):
    def get(self, request, pk):
        try:
            return filing_pdf_response(request, pk)
        except NotVisible:
            raise Http404 from None


class ContractPublishedPage(LoginRequiredMixin, View):
    """The text of a contract in force, for every member of its organisation (第四十八条)."""

    def get(self, request, pk):
        try:
            contract = published_contract(contract_id=pk, user=request.user)
        except NotVisible:
            raise Http404 from None
        return render(request, "contracts/published.html", {"contract": contract})
