"""The uniform API: the same endpoints for every registered process.

Views are thin: they parse the request, call the service, and return its result.
"""

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.db.models import Q
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import audit, policy, registry, services
from ..audit import RequestMeta
from ..deadlines import deadlines_by_case
from ..errors import InvalidInput
from ..inbox import inbox_for
from ..ui.forms import form_context
from . import parsing
from .parsing import CappedCountPagination
from .schema import CaseSerializer, CaseTransitionsSerializer, ProcessAutoSchema
from .serializers import TokenRequestSerializer, case_representation, field_descriptions


class ProcessAPIView(APIView):
    process_key: str = ""
    schema = ProcessAutoSchema()
    schema_operation = "case"

    @property
    def spec(self):
        return registry.get(self.process_key)

    def meta(self):
        return RequestMeta.from_request(self.request, "api")


def _payload(request) -> dict:
    data = request.data
    if hasattr(data, "dict"):
        data = {k: (data.getlist(k) if len(data.getlist(k)) > 1 else data.get(k)) for k in data.keys()}
    if not isinstance(data, dict):
        raise InvalidInput("请求体必须是 JSON 对象 The body must be a JSON object.")
    return dict(data)


class CaseListView(ProcessAPIView):
    schema_operation = "list"
    pagination_class = CappedCountPagination  # what the schema documents; get() pages with it

    @extend_schema(
        parameters=[
            OpenApiParameter("state", str),
            OpenApiParameter("organisation", str),
            OpenApiParameter("search", str),
        ],
        responses=CaseSerializer(many=True),
    )
    def get(self, request):
        spec = self.spec
        qs = spec.model.objects.filter(policy.visible_q(request.user, spec.model, spec.viewer_roles))
        qs = qs.select_related("organisation", "created_by").order_by("-created_at", "-pk")
        state = parsing.query_text(request, "state")
        if state:
            qs = qs.filter(state__in=state.split(","))
        org = parsing.query_text(request, "organisation")
        if org:
            lookup = parsing.id_or_code_lookup(org)
            qs = qs.filter(**{f"organisation__{k}": v for k, v in lookup.items()}) if lookup else qs.none()
        term = parsing.query_text(request, "search")
        if term:
            q = Q()
            for f in spec.search_fields:
                q |= Q(**{f"{f}__icontains": term})
            qs = qs.filter(q)
        paginator = CappedCountPagination()
        # A page costs the same number of statements whatever its size: the related rows its
        # detail fields show and its deadlines are read for the whole page at once.
        page = paginator.paginate_queryset(qs.prefetch_related(*spec.list_related), request, view=self)
        deadlines = deadlines_by_case(page)
        return paginator.get_paginated_response(
            [case_representation(c, spec, request, deadlines=deadlines[c.pk]) for c in page]
        )

    @extend_schema(responses={201: CaseSerializer})
    def post(self, request):
        case = services.create_case(process=self.spec, user=request.user, data=_payload(request), meta=self.meta())
        return Response(case_representation(case, self.spec, request), status=status.HTTP_201_CREATED)


class CaseDetailView(ProcessAPIView):
    schema_operation = "detail"

    @extend_schema(responses=CaseSerializer)
    def get(self, request, pk):
        case = services.get_visible_case(process=self.spec, case_id=pk, user=request.user)
        return Response(case_representation(case, self.spec, request))


class CaseTransitionsView(ProcessAPIView):
    schema_operation = "transitions"

    @extend_schema(responses=CaseTransitionsSerializer)
    def get(self, request, pk):
        case = services.get_visible_case(process=self.spec, case_id=pk, user=request.user)
        context = form_context(case=case, user=request.user)  # as the case page builds its forms
        # "blocked": why the guards would refuse it now (a 409), as the case page shows it; null if not.
        items = [
            {
                "name": t.name, "label": str(t.label), "fields": field_descriptions(t.input, context),
                "blocked": services.blocked_reason(process=self.spec, case=case, tspec=t, user=request.user) or None,
            }
            for t in services.available_transitions(process=self.spec, case=case, user=request.user)
        ]
        return Response({"version": case.version, "state": case.state, "transitions": items})


class CasePerformView(ProcessAPIView):
    schema_operation = "perform"
    #: Set on the route of one named transition, so the schema types its body (see urls.py).
    transition_name = ""

    @extend_schema(responses=CaseSerializer)
    def post(self, request, pk, name):
        data = _payload(request)
        expected = data.pop("expected_version", None)
        if expected is not None:
            expected = parsing.check_int(expected, name="expected_version", minimum=1)
        case = services.perform_transition(
            process=self.spec, case_id=pk, name=name, user=request.user, data=data,
            expected_version=expected, meta=self.meta(),
        )
        return Response(case_representation(case, self.spec, request))


def history_representation(case) -> dict:
    events = list(audit.case_events(case))
    return {
        "reference": case.reference,
        "chain_valid": audit.verify_events(events) is None,
        "events": [
            {
                "seq": e.seq,
                "action": e.action,
                "from_state": e.from_state,
                "to_state": e.to_state,
                "actor": e.actor_name,
                "actor_role": e.actor_role,
                "on_behalf_of": e.on_behalf_of_name or None,
                "at": e.created_at,
                "channel": e.channel,
                "payload": e.payload,
                "hash": e.hash,
                "prev_hash": e.prev_hash,
            }
            for e in events
        ],
    }


class CaseHistoryView(ProcessAPIView):
    schema_operation = "history"

    @extend_schema(responses=dict)
    def get(self, request, pk):
        case = services.get_visible_case(process=self.spec, case_id=pk, user=request.user)
        return Response(history_representation(case))


class InboxView(APIView):
    @extend_schema(parameters=[OpenApiParameter("limit", int)], responses=dict)
    def get(self, request):
        # A larger limit is not an error: the inbox caps it.
        limit = parsing.query_int(request, "limit", default=50, minimum=1)
        items = inbox_for(request.user, limit=limit)
        return Response({"count": len(items), "results": items})


class TokenView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_scope = "auth"

    @extend_schema(request=TokenRequestSerializer, responses=dict)
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        if not serializer.is_valid():
            raise InvalidInput("输入有误 Invalid input.", fields=serializer.errors)
        # The Django request, not DRF's wrapper: django-axes marks a lockout on it for its middleware.
        user = authenticate(request._request, **serializer.validated_data)
        if user is None or not user.is_active:
            return Response(
                {"code": "invalid_credentials", "detail": "用户名或密码错误 Wrong username or password."},
                status=status.HTTP_400_BAD_REQUEST,
            )
        # A token is a login: the same signal as the login page, so django-axes clears the failed
        # attempts (AXES_RESET_ON_SUCCESS) and last_login is kept, whichever door was used.
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class MeView(APIView):
    """Who the caller is: their member profile (ID number and phone masked) and current roles.

    Even to its owner the API shows restricted personal data masked; unmasked values are
    read only through the audited restricted-data endpoint of a case.
    """

    @extend_schema(responses=dict)
    def get(self, request):
        user = request.user
        profile = getattr(user, "profile", None)
        return Response(
            {
                "username": user.get_username(),
                "name": user.get_full_name(),
                "profile": None
                if profile is None
                else {
                    "member_number": profile.member_number,
                    "organisation": profile.organisation.code,
                    "union_group": profile.union_group.code if profile.union_group_id else None,
                    "id_number": profile.id_number_masked,
                    "phone": profile.phone_masked,
                },
                "roles": [
                    {
                        "role": g.role,
                        "organisation_id": g.organisation_id,
                        "covers_subtree": g.subtree,
                        "on_behalf_of": g.on_behalf_of_id,
                    }
                    for g in policy.grants(user)
                ],
            }
        )
