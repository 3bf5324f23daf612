"""Audit export endpoints: request (202), list and read one's own, download the CSV. Views are thin;
the rules live in :mod:`workflow.audit.export`."""

from __future__ import annotations

from django.http import FileResponse
from django.urls import path, reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from ..audit import RequestMeta, search
from ..audit import export as audit_export
from ..audit.progress import percent
from ..models import AuditExport, ExportStatus
from ..services import validate_input
from .parsing import LimitOffsetPagination
from .schema import PAGE_PARAMETERS, page_of


class AuditExportInput(serializers.Serializer):
    organisation = serializers.CharField(max_length=40, help_text="组织（id 或代码） Organisation (id or code)")
    date_from = serializers.DateField(help_text="起始日期（北京时间，含） First day (Asia/Shanghai, inclusive)")
    date_to = serializers.DateField(help_text="截止日期（北京时间，含） Last day (Asia/Shanghai, inclusive)")


class AuditExportSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.code")
    organisation_name = serializers.CharField(source="organisation.name")
    requested_by = serializers.CharField(source="requested_by.get_username")
    status_label = serializers.CharField(source="get_status_display")
    download_url = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()

    class Meta:
        model = AuditExport
        fields = [
            "id", "organisation", "organisation_name", "date_from", "date_to", "status", "status_label",
            "requested_by", "requested_at", "role", "started_at", "finished_at", "rows", "chains_checked",
            "broken_chains", "broken_case_refs", "sha256", "error", "download_count", "downloaded_at", "download_url",
            "filters", "chains_total", "progress",
        ]
        read_only_fields = fields

    def get_progress(self, obj) -> int | None:
        """Percent of the chains verified while the export runs (100 when done)."""
        return percent(obj)

    def get_download_url(self, obj) -> str | None:
        if obj.status != ExportStatus.DONE:
            return None
        return reverse("api:audit-export-download", kwargs={"pk": obj.pk})


def download_response(export: AuditExport, handle) -> FileResponse:
    """The CSV as an attachment, with the SHA-256 recorded when it was built."""
    name = f"audit-{export.organisation.code}-{export.date_from}-{export.date_to}.csv"
    response = FileResponse(handle, as_attachment=True, filename=name, content_type="text/csv; charset=utf-8")
    response["X-Content-SHA256"] = export.sha256
    response["X-Content-Type-Options"] = "nosniff"
    return response


class AuditExportListView(APIView):
    @extend_schema(
        operation_id="v1_audit_exports_list",
        parameters=PAGE_PARAMETERS,
        responses=page_of(AuditExportSerializer, "PaginatedAuditExportList"),
    )
    def get(self, request):
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(audit_export.export_list(user=request.user), request, view=self)
        return paginator.get_paginated_response(AuditExportSerializer(page, many=True).data)

    @extend_schema(request=AuditExportInput, responses={202: AuditExportSerializer})
    def post(self, request):
        data = validate_input(AuditExportInput, request.data if isinstance(request.data, dict) else {})
        organisation = audit_export.find_organisation(user=request.user, ref=data["organisation"])
        export = audit_export.request_export(
            user=request.user, organisation=organisation, date_from=data["date_from"], date_to=data["date_to"],
            meta=RequestMeta.from_request(request, "api"), filters=search.parse_filters(request.data),
        )
        export.refresh_from_db()  # a task run eagerly may have built it already
        return Response(AuditExportSerializer(export).data, status=status.HTTP_202_ACCEPTED)


class AuditExportDetailView(APIView):
    @extend_schema(responses=AuditExportSerializer)
    def get(self, request, pk: int):
        return Response(AuditExportSerializer(audit_export.export_get(user=request.user, export_id=pk)).data)


class AuditExportDownloadView(APIView):
    @extend_schema(responses={(200, "text/csv"): bytes})
    def get(self, request, pk: int):
        export, handle = audit_export.export_download(user=request.user, export_id=pk)
        return download_response(export, handle)


urlpatterns = [
    path("audit-exports/", AuditExportListView.as_view(), name="audit-export-list"),
    path("audit-exports/<int:pk>/", AuditExportDetailView.as_view(), name="audit-export-detail"),
    path("audit-exports/<int:pk>/download/", AuditExportDownloadView.as_view(), name="audit-export-download"),
]
