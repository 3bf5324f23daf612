"""Delegation endpoints: list, create (the caller delegates), end. Views are thin."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import delegation as delegations
from ..audit import RequestMeta
from ..errors import NotVisible
from ..models import Delegation, Organisation
from ..roles import Role
from ..services import validate_input
from .parsing import LimitOffsetPagination, id_or_code_lookup, parse_id, query_bool
from .schema import PAGE_PARAMETERS, page_of

NOT_FOUND = "未找到该委托 Delegation not found."


@extend_schema_field(OpenApiTypes.STR)
class _UserRef(serializers.Field):
    """A user by id or username; unknown or inactive users are a field error."""

    def to_internal_value(self, value):
        User = get_user_model()
        lookup = id_or_code_lookup(value, code_field=User.USERNAME_FIELD, max_length=150)
        user = User.objects.filter(is_active=True, **lookup).first() if lookup else None
        if user is None:
            raise serializers.ValidationError("未找到该用户 Unknown user.")
        return user

    def to_representation(self, value):
        return value.get_username()


@extend_schema_field(OpenApiTypes.STR)
class _OrgRef(serializers.Field):
    def to_internal_value(self, value):
        lookup = id_or_code_lookup(value)
        org = Organisation.objects.filter(**lookup).first() if lookup else None
        if org is None:
            raise serializers.ValidationError("未找到该组织 Unknown organisation.")
        return org

    def to_representation(self, value):
        return value.code


class DelegationInput(serializers.Serializer):
    delegate = _UserRef(help_text="受托人（用户 id 或用户名） Delegate (user id or username)")
    organisation = _OrgRef(help_text="组织（id 或代码） Organisation (id or code)")
    role = serializers.ChoiceField(choices=Role.choices)
    starts_at = serializers.DateTimeField(required=False)
    ends_at = serializers.DateTimeField()
    reason = serializers.CharField(max_length=delegations.REASON_MAX, required=False, allow_blank=True, default="")


class DelegationSerializer(serializers.ModelSerializer):
    delegator = serializers.CharField(source="delegator.get_username")
    delegate = serializers.CharField(source="delegate.get_username")
    organisation = serializers.CharField(source="organisation.code")
    active = serializers.SerializerMethodField()

    class Meta:
        model = Delegation
        fields = [
            "id", "delegator", "delegate", "organisation", "role", "starts_at", "ends_at", "reason",
            "revoked_at", "active", "created_at",
        ]
        read_only_fields = fields

    def get_active(self, obj) -> bool:
        now = timezone.now()
        return obj.revoked_at is None and obj.starts_at <= now <= obj.ends_at


def _meta(request) -> RequestMeta:
    return RequestMeta.from_request(request, "api")


class DelegationListView(APIView):
    @extend_schema(
        operation_id="v1_delegations_list",
        parameters=[OpenApiParameter("active", bool, description="1: only active now 仅当前有效"), *PAGE_PARAMETERS],
        responses=page_of(DelegationSerializer, "PaginatedDelegationList"),
    )
    def get(self, request):
        active_only = query_bool(request, "active")
        qs = delegations.delegation_list(user=request.user, active_only=active_only)
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(DelegationSerializer(page, many=True).data)

    @extend_schema(request=DelegationInput, responses={201: DelegationSerializer})
    def post(self, request):
        data = validate_input(DelegationInput, request.data if isinstance(request.data, dict) else {})
        row = delegations.delegation_create(
            delegator=request.user,
            delegate=data["delegate"],
            organisation=data["organisation"],
            role=data["role"],
            starts_at=data.get("starts_at") or timezone.now(),
            ends_at=data["ends_at"],
            reason=data.get("reason", ""),
            meta=_meta(request),
        )
        return Response(DelegationSerializer(row).data, status=status.HTTP_201_CREATED)


class DelegationEndView(APIView):
    @extend_schema(request=None, responses=DelegationSerializer)
    def post(self, request, pk: int):
        row = (
            Delegation.objects.filter(delegations.delegations_visible_q(request.user), pk=pk).first()
            if parse_id(pk)
            else None
        )
        if row is None:
            raise NotVisible(NOT_FOUND)
        row = delegations.delegation_end(delegation=row, user=request.user, meta=_meta(request))
        return Response(DelegationSerializer(row).data)


urlpatterns = [
    path("delegations/", DelegationListView.as_view(), name="delegation-list"),
    path("delegations/<int:pk>/end/", DelegationEndView.as_view(), name="delegation-end"),
]
