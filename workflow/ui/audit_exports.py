"""Web page for audit exports (经费审查): request one, see one's own, download the CSV.

Only for users holding the auditor or administrator role somewhere. The form offers the
organisations where the user holds that role directly (their subtree is exported); the rules
live in :mod:`workflow.audit.export`, and a refused request changes nothing and keeps what was
typed.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import include, path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from ..api.audit_exports import download_response
from ..audit import RequestMeta
from ..audit import export as audit_export
from ..errors import NotVisible, ServiceError
from ..models import Organisation
from .forms import add_service_errors

PAGE_SIZE = 100
QUEUED = _("已提交导出，完成后将通知您 Export requested; you will be notified when it is ready.")


class AuditExportForm(forms.Form):
    """Input only: every rule is checked by ``request_export``."""

    organisation = forms.TypedChoiceField(label=_("组织（含下级） Organisation (and everything below it)"), coerce=int)
    date_from = forms.DateField(label=_("起始日期 From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    date_to = forms.DateField(label=_("截止日期 To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [
            (o.pk, f"{o.name} ({o.code})") for o in audit_export.export_organisations(user)
        ]


def _require_export_role(user) -> None:
    if not audit_export.may_export(user):
        raise PermissionDenied(str(audit_export.NOT_AN_AUDITOR))


class AuditExportPage(View):
    template_name = "workflow/ui/audit_exports.html"

    def render(self, form, *, error: str = "", status: int = 200):
        context = {
            "exports": audit_export.export_list(user=self.request.user)[:PAGE_SIZE],
            "form": form,
            "error": error,
        }
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request):
        _require_export_role(request.user)
        today = timezone.localdate()
        initial = {"date_from": today.replace(day=1), "date_to": today}
        return self.render(AuditExportForm(user=request.user, initial=initial))

    def post(self, request):
        _require_export_role(request.user)
        form = AuditExportForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.render(form, status=400)
        data = form.cleaned_data
        try:
            audit_export.request_export(
                user=request.user,
                organisation=Organisation.objects.get(pk=data["organisation"]),
                date_from=data["date_from"],
                date_to=data["date_to"],
                meta=RequestMeta.from_request(request, "ui"),
            )
        except ServiceError as exc:
            return self.render(form, error=add_service_errors(form, exc), status=exc.status)
        messages.success(request, QUEUED)
        return redirect("audit_exports:list")


class AuditExportDownload(View):
    def get(self, request, pk: int):
        try:
            export, handle = audit_export.export_download(user=request.user, export_id=pk)
        except NotVisible as exc:
            raise Http404(exc.detail) from None
        except ServiceError as exc:
            messages.error(request, exc.detail)
            return redirect("audit_exports:list")
        return download_response(export, handle)


app_patterns = (
    [
        path("", AuditExportPage.as_view(), name="list"),
        path("<int:pk>/download/", AuditExportDownload.as_view(), name="download"),
    ],
    "audit_exports",
)

urlpatterns = [path("audit-exports/", include(app_patterns))]
