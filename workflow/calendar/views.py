"""API views for transparency: the deadline rules with their legal sources, and the calendar."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from ..api.parsing import id_or_code_lookup
from ..audit import RequestMeta
from ..errors import ActionForbidden, InvalidInput
from ..models import Organisation
from . import selectors
from .importing import NOT_CALENDAR_ADMIN, import_calendar, may_manage_calendar, preview, read_arrangements
from .overrides import deadline_override
from .readiness import missing_years
from .working_days import CalendarMissing


class DeadlineRuleListView(APIView):
    """Every deadline rule: its source text, length, unit, expiry action and adjustability.

    ``?organisation=<code>`` adds the length in force there (``effective_n``).
    """

    @extend_schema(parameters=[OpenApiParameter("organisation", str)], responses=dict)
    def get(self, request):
        ref = request.query_params.get("organisation")
        organisation = _organisation(ref) if ref else None
        rules = selectors.deadline_rule_list(organisation=organisation)
        return Response({"count": len(rules), "results": rules})


def _organisation(ref) -> Organisation:
    """An organisation by code or id; a 400 naming the field when there is none."""
    lookup = id_or_code_lookup(str(ref or "").strip())
    organisation = Organisation.objects.filter(**lookup).first() if lookup else None
    if organisation is None:
        raise InvalidInput("输入有误 Invalid input.", fields={"organisation": ["未知组织 Unknown organisation."]})
    return organisation


class DeadlineRuleOverrideView(APIView):
    """Set an organisation's own length for an adjustable rule (``n``), or restore the default (``n: null``).

    The chair or an administrator of the organisation only; statutory rules refuse (400).
    """

    @extend_schema(operation_id="deadline_rule_override", request=dict, responses=dict)
    def post(self, request, rule_id: str):
        data = request.data if isinstance(request.data, dict) else {}
        if "n" not in data:
            message = "必填（null 为恢复默认） Required (null restores the default)."
            raise InvalidInput("输入有误 Invalid input.", fields={"n": [message]})
        rule = deadline_override(
            user=request.user, organisation=_organisation(data.get("organisation")), rule_id=rule_id, n=data["n"],
            meta=RequestMeta.from_request(request, "api"),
        )
        return Response(rule)


class CalendarYearListView(APIView):
    """The loaded years; ``missing_ahead`` names the years needed soon that are not loaded.

    ``POST`` loads a year (federation administrators only): exactly one of ``notice``
    (the State Council notice's text, as published), ``arrangement`` (the JSON form of
    ``calendar_import``) or ``csv`` (with ``source``); ``dry_run: true`` only previews.
    """

    @extend_schema(operation_id="calendar_years_list", responses=dict)
    def get(self, request):
        years = selectors.calendar_years()
        return Response({"count": len(years), "results": years, "missing_ahead": missing_years()})

    @extend_schema(operation_id="calendar_years_import", request=dict, responses={200: dict, 201: dict})
    def post(self, request):
        if not may_manage_calendar(request.user):
            raise ActionForbidden(str(NOT_CALENDAR_ADMIN))
        data = request.data if isinstance(request.data, dict) else {}
        arrangements = read_arrangements(
            notice=data.get("notice") or "", arrangement=data.get("arrangement"), csv_text=data.get("csv") or "",
            year=data.get("year"), source=data.get("source") or "", source_url=data.get("source_url") or "",
        )
        shown = [preview(a) for a in arrangements]
        if data.get("dry_run") is True:
            return Response({"dry_run": True, "preview": shown})
        result = import_calendar(arrangements, user=request.user, meta=RequestMeta.from_request(request, "api"))
        warnings = [{"case_ref": w.case_ref, "rule_id": w.rule_id, "due_on": w.due_on.isoformat()} for w in result.warnings]
        recomputed = [
            {key: c[key] for key in ("case", "rule_id", "old_due_on", "new_due_on", "computed_due_on")}
            for c in result.recomputed
        ]
        return Response(
            {"years": result.years, "preview": shown, "warnings": warnings, "recomputed": recomputed}, status=201
        )


class CalendarYearView(APIView):
    """The holiday arrangement of one year; 404 with code ``calendar_missing`` if not loaded."""

    @extend_schema(responses=dict)
    def get(self, request, year: int):
        try:
            return Response(selectors.calendar_for_year(year=year))
        except CalendarMissing as exc:
            return Response(exc.as_dict(), status=404)
