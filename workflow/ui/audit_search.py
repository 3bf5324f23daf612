"""The auditors' search page ``/audit/``: every history the reader may see, filtered, newest first.

Thin: :mod:`workflow.audit.search` decides who reads what; an export of the filtered result goes
through :func:`workflow.audit.export.request_export` (a Celery task, its progress on the exports
page). A refused reader gets 403 and nothing else; a bad filter is a 400 that keeps what was typed.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from .. import registry
from ..audit import RequestMeta, search
from ..audit import export as audit_export
from ..errors import InvalidInput, NotVisible, ServiceError
from ..models import Organisation
from .audit_oversight import AuditAnchorsPage, AuditDashboardPage

FIELDS = ("organisation", "process", "case", "actor", "action", "state", "date_from", "date_to", "on_behalf", "restricted")
NEED_ORG_AND_DATES = _("导出需要选择组织 Choose an organisation to export.")
QUEUED = _("已提交导出，完成后将通知您 Export requested; you will be notified when it is ready.")


def _require(user) -> None:
    if not search.may_search(user):
        raise PermissionDenied(str(search.NOT_ALLOWED))


class AuditSearchPage(View):
    template_name = "workflow/ui/audit_search.html"

    def get(self, request):
        _require(request.user)
        context = {
            "values": {
                name: request.GET.get(name) or (request.GET.get("transition", "") if name == "action" else "")
                for name in FIELDS
            },
            "exported": {},
            "processes": registry.all_processes(),
            "organisations": Organisation.objects.filter(
                pk__in=search.readable_organisation_ids(request.user)
            ).order_by("path"),
            "may_export": audit_export.may_export(request.user),
            "events": [],
            "error": "",
        }
        status = 200
        try:
            filters = search.parse_filters(request.GET)
            cursor = (request.GET.get("cursor") or "")[:200]
            events, next_cursor = search.search_page(user=request.user, filters=filters, cursor=cursor)
            context["events"] = search.rows(events)
            for row, event in zip(context["events"], events, strict=True):
                row["time"] = event.created_at.astimezone(search.SEARCH_TZ).strftime("%Y-%m-%d %H:%M:%S")
            if next_cursor:
                context["next_url"] = "?" + urlencode({**filters.as_dict(), "cursor": next_cursor})
            context["exported"] = filters.as_dict()
        except NotVisible as exc:
            raise Http404(exc.detail) from None
        except InvalidInput as exc:
            context["error"] = " ".join(f"{k}: {' '.join(v)}" for k, v in exc.fields.items()) or exc.detail
            status = 400
        return TemplateResponse(request, self.template_name, context, status=status)


class AuditSearchExport(View):
    """Queue a CSV export of the filtered search; the exports page shows its progress."""

    def post(self, request):
        _require(request.user)
        if not audit_export.may_export(request.user):
            raise PermissionDenied(str(audit_export.NOT_AN_AUDITOR))
        try:
            filters = search.parse_filters(request.POST)
            organisation = audit_export.find_organisation(user=request.user, ref=filters.organisation or "")
            today = timezone.localdate()
            date_from = dt.date.fromisoformat(filters.date_from) if filters.date_from else today.replace(day=1)
            date_to = dt.date.fromisoformat(filters.date_to) if filters.date_to else today
            audit_export.request_export(
                user=request.user, organisation=organisation, date_from=date_from, date_to=date_to,
                meta=RequestMeta.from_request(request, "ui"), filters=filters,
            )
        except NotVisible:
            messages.error(request, NEED_ORG_AND_DATES)
            return redirect(reverse("audit:search") + "?" + urlencode(filters.as_dict()))
        except ServiceError as exc:
            text = " ".join(" ".join(v) for v in exc.fields.values()) if exc.fields else exc.detail
            messages.error(request, text)
            return redirect("audit:search")
        messages.success(request, QUEUED)
        return redirect("audit_exports:list")


app_patterns = (
    [
        path("", AuditSearchPage.as_view(), name="search"),
        path("export/", AuditSearchExport.as_view(), name="search-export"),
        path("anchors/", AuditAnchorsPage.as_view(), name="anchors"),
        path("dashboard/", AuditDashboardPage.as_view(), name="dashboard"),
    ],
    "audit",
)

urlpatterns = [path("audit/", include(app_patterns))]
