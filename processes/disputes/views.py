"""Web pages of the dispute process: the weekly group-dispute report and the referral letter PDF.

The case pages themselves are the engine's generic ones (with ``disputes/detail.html``).
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import render
from django.views import View

from workflow import policy
from workflow.errors import NotVisible, ServiceError

from .api import export_response, referral_pdf_response, report_for_request
from .report import REPORT_ROLES


class GroupReportPage(LoginRequiredMixin, View):
    def get(self, request):
        if not request.GET.get("organisation"):
            own = [g for g in policy.grants(request.user) if g.role in REPORT_ROLES]
            if not own:
                return render(request, "disputes/group_report.html", {"error": "403"}, status=403)
            from workflow.models import Organisation

            params = request.GET.copy()
            params["organisation"] = Organisation.objects.get(pk=own[0].organisation_id).code
            request.GET = params
        try:
            report = report_for_request(request)
        except ServiceError as exc:
            return render(request, "disputes/group_report.html", {"error": exc.detail}, status=exc.status)
        from django.utils import timezone

        from workflow.models import Organisation

        from .report import stored_report

        stored = stored_report(Organisation.objects.get(code=report["organisation"]["code"]), timezone.localdate())
        return export_response(request, report) or render(
            request, "disputes/group_report.html",
            {"report": report, "stored": stored, "query": request.GET.urlencode()},
        )


class ReferralLetterPage(LoginRequiredMixin, View):
    def get(self, request, pk):
        try:
            return referral_pdf_response(request, pk)
        except NotVisible:
            raise Http404 from None
