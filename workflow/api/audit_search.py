"""``GET /api/v1/audit/``: search every audit event the caller may read (filters and keyset pages).

Thin: the rules (who, which organisations, filters, cursor) live in :mod:`workflow.audit.search`.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from ..audit import dashboard, search
from ..audit.anchor import anchor_values
from ..models import AuditAnchor
from . import parsing
from .schema import error_responses

SEARCH_PARAMETERS = [
    OpenApiParameter("organisation", str, description="组织（id 或代码，含下级） Organisation (id or code, with its subtree)"),
    OpenApiParameter("process", str, description="流程 Process key"),
    OpenApiParameter("case", str, description="案件编号 Case reference"),
    OpenApiParameter("actor", str, description="执行人用户名 Actor's username"),
    OpenApiParameter("action", str, description="动作/流转 Action or transition name (alias: transition)"),
    OpenApiParameter("state", str, description="到达状态 State reached"),
    OpenApiParameter("date_from", str, description="起始日期（北京时间，含） First day, Asia/Shanghai, inclusive"),
    OpenApiParameter("date_to", str, description="截止日期（北京时间，含） Last day, Asia/Shanghai, inclusive"),
    OpenApiParameter("on_behalf", bool, description="仅代理操作 Only steps taken under a delegation"),
    OpenApiParameter("restricted", bool, description="仅敏感数据查阅 Only reads of restricted personal data"),
    OpenApiParameter("cursor", str, description="下一页游标 The next page's cursor"),
    OpenApiParameter("limit", int, description="每页条数（≤200） Events per page (at most 200)"),
]


class AuditSearchView(APIView):
    @extend_schema(
        operation_id="v1_audit_search", parameters=SEARCH_PARAMETERS, responses={200: dict, **error_responses("404")}
    )
    def get(self, request):
        search.require_search(request.user)
        filters = search.parse_filters(request.query_params)
        limit = parsing.query_int(request, "limit", default=search.DEFAULT_LIMIT, minimum=1)
        cursor = parsing.query_text(request, "cursor", max_length=200)
        events, next_cursor = search.search_page(user=request.user, filters=filters, cursor=cursor, limit=limit)
        next_url = None
        if next_cursor:
            query = {**filters.as_dict(), "cursor": next_cursor, "limit": min(limit, search.MAX_LIMIT)}
            next_url = request.build_absolute_uri(f"{request.path}?{urlencode(query)}")
        return Response(
            {"filters": filters.as_dict(), "next_cursor": next_cursor or None, "next": next_url,
             "results": search.rows(events)}
        )


class AuditAnchorListView(APIView):
    """The newest anchors (at most 30), each with its Merkle root over the case chains' heads."""

    @extend_schema(operation_id="v1_audit_anchors", responses=dict)
    def get(self, request):
        search.require_search(request.user)
        anchors = AuditAnchor.objects.order_by("-id")[:30]
        return Response(
            {
                "results": [
                    {"id": a.pk, "anchor_hash": a.anchor_hash, "merkle_root": a.merkle_root, **anchor_values(a)}
                    for a in anchors
                ]
            }
        )


class AuditDashboardView(APIView):
    """The oversight figures (see :mod:`workflow.audit.dashboard`), for ``?organisation=`` or all the caller reads."""

    @extend_schema(
        operation_id="v1_audit_dashboard",
        parameters=[OpenApiParameter("organisation", str, description="组织（id 或代码，含下级） Organisation")],
        responses={200: dict, **error_responses("404")},
    )
    def get(self, request):
        scope = dashboard.dashboard_scope(user=request.user, organisation=parsing.query_text(request, "organisation"))
        sections = dashboard.dashboard(scope)
        return Response(
            {"sections": [{"title": title, "figures": [f.as_dict() for f in figures]} for title, figures in sections]}
        )


urlpatterns = [
    path("audit/", AuditSearchView.as_view(), name="audit-search"),
    path("audit/anchors/", AuditAnchorListView.as_view(), name="audit-anchors"),
    path("audit/dashboard/", AuditDashboardView.as_view(), name="audit-dashboard"),
]
