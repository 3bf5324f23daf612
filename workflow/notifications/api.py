"""Notification endpoints: each user sees and marks only their own. Views are thin."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from workflow.api.parsing import LimitOffsetPagination, query_bool
from workflow.api.schema import PAGE_PARAMETERS, page_of
from workflow.services import validate_input

from . import services
from .serializers import NotificationSerializer, PreferenceSerializer, ReadAllResultSerializer


class NotificationListView(APIView):
    @extend_schema(
        operation_id="v1_notifications_list",
        parameters=[OpenApiParameter("unread", bool, description="1: only unread 仅未读"), *PAGE_PARAMETERS],
        responses=page_of(
            NotificationSerializer, "PaginatedNotificationList", unread_count=serializers.IntegerField()
        ),
    )
    def get(self, request):
        unread_only = query_bool(request, "unread")
        qs = services.notification_list(user=request.user, unread_only=unread_only)
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        response = paginator.get_paginated_response(NotificationSerializer(page, many=True).data)
        response.data["unread_count"] = services.unread_count(user=request.user)
        return response


class NotificationReadView(APIView):
    @extend_schema(request=None, responses=NotificationSerializer)
    def post(self, request, pk: int):
        row = services.notification_mark_read(user=request.user, notification_id=pk)
        return Response(NotificationSerializer(row).data)


class NotificationReadAllView(APIView):
    @extend_schema(request=None, responses=ReadAllResultSerializer)
    def post(self, request):
        return Response({"marked": services.notification_mark_all_read(user=request.user)})


class PreferenceView(APIView):
    @extend_schema(responses=PreferenceSerializer)
    def get(self, request):
        return Response(PreferenceSerializer(services.preference_get(user=request.user)).data)

    @extend_schema(request=PreferenceSerializer, responses=PreferenceSerializer)
    def put(self, request):
        data = validate_input(PreferenceSerializer, request.data if isinstance(request.data, dict) else {})
        pref = services.preference_update(user=request.user, email_enabled=data["email_enabled"])
        return Response(PreferenceSerializer(pref).data)
