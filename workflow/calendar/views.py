"""API views for transparency: the deadline rules with their legal sources, and the calendar."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from ..errors import InvalidInput
from ..models import Organisation
from . import selectors
from .working_days import CalendarMissing


class DeadlineRuleListView(APIView):
    """Every deadline rule: its source text, length, unit, expiry action and adjustability.

    ``?organisation=<code>`` adds the length in force there (``effective_n``).
    """

    @extend_schema(parameters=[OpenApiParameter("organisation", str)], responses=dict)
    def get(self, request):
        organisation = None
        ref = request.query_params.get("organisation")
        if ref:
            lookup = {"pk": ref} if ref.isdigit() else {"code": ref}
            organisation = Organisation.objects.filter(**lookup).first()
            if organisation is None:
                raise InvalidInput("输入有误 Invalid input.", fields={"organisation": ["未知组织 Unknown organisation."]})
        rules = selectors.deadline_rule_list(organisation=organisation)
        return Response({"count": len(rules), "results": rules})


class CalendarYearListView(APIView):
    @extend_schema(operation_id="calendar_years_list", responses=dict)
    def get(self, request):
        years = selectors.calendar_years()
        return Response({"count": len(years), "results": years})


class CalendarYearView(APIView):
    """The holiday arrangement of one year; 404 with code ``calendar_missing`` if not loaded."""

    @extend_schema(responses=dict)
    def get(self, request, year: int):
        try:
            return Response(selectors.calendar_for_year(year=year))
        except CalendarMissing as exc:
            return Response(exc.as_dict(), status=404)
