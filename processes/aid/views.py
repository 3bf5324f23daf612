"""Web pages of the aid process: the public notice page (with the objection form) and the fund ledger.

The case pages themselves are the engine's generic ones (with ``aid/detail.html``).
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View

from workflow.api.parsing import organisation_from_input
from workflow.audit import RequestMeta
from workflow.errors import ServiceError
from workflow.services import validate_input

from . import services
from .api import BudgetInput, ObjectionInput, ledger_export, ledger_for_request
from .budget import fund_set_budget
from .report import current_notices

BUDGET_CHANGED = _("预算已调整 The budget has been changed.")
OBJECTION_FILED = _("异议已提交，您的身份予以保密 Objection filed; your identity is kept confidential.")


class AidNoticesPage(LoginRequiredMixin, View):
    """帮扶公示: the redacted notices of the reader's organisations, each with the objection form."""

    def get(self, request, error: str = "", status: int = 200):
        return render(request, "aid/notices.html", {"notices": current_notices(request.user), "error": error},
                      status=status)

    def post(self, request):
        try:
            data = validate_input(ObjectionInput, {"grounds": request.POST.get("grounds", "")})
            services.aid_object(case_id=request.POST.get("case", ""), actor=request.user, grounds=data["grounds"],
                                meta=RequestMeta.from_request(request, "ui"))
        except ServiceError as exc:
            return self.get(request, error=exc.summary(), status=exc.status)
        messages.success(request, str(OBJECTION_FILED))
        return redirect("aid-notices-page")


def _widths(rows, key="amount"):
    top = max([abs(Decimal(r[key])) for r in rows] or [Decimal("1")]) or Decimal("1")
    for r in rows:
        r["width"] = int(100 * abs(Decimal(r[key])) / top)
    return rows


class AidLedgerPage(LoginRequiredMixin, View):
    """帮扶资金台账: balance, entries, totals per month, type and tier with bar charts; CSV export;
    finance adjusts the budget here (预算调整)."""

    def post(self, request):
        fields = ("organisation", "year", "budget", "reason")
        try:
            data = validate_input(BudgetInput, {k: request.POST.get(k, "") for k in fields})
            fund_set_budget(organisation=organisation_from_input(data["organisation"]), year=data["year"],
                            budget=data["budget"], reason=data["reason"], actor_user=request.user,
                            meta=RequestMeta.from_request(request, "ui"))
        except ServiceError as exc:
            return self.get(request, budget_error=exc.summary(), status=exc.status)
        messages.success(request, str(BUDGET_CHANGED))
        return redirect(request.get_full_path())

    def get(self, request, budget_error: str = "", status: int = 200):
        if not request.GET.get("organisation"):
            from workflow import policy

            own = next((g for g in policy.grants(request.user) if g.on_behalf_of_id is None), None)
            if own is not None:
                from workflow.models import Organisation

                params = request.GET.copy()
                params["organisation"] = Organisation.objects.get(pk=own.organisation_id).code
                request.GET = params
        try:
            report = ledger_for_request(request)
        except ServiceError as exc:
            return render(request, "aid/ledger.html", {"error": exc.detail}, status=exc.status)
        exported = ledger_export(request, report)
        if exported is not None:
            return exported
        _widths(report["by_type"])
        _widths(report["by_tier"])
        _widths(report["by_month"], "disbursement")
        return render(request, "aid/ledger.html", {"report": report, "query": request.GET.urlencode(),
                                                   "budget_error": budget_error}, status=status)
