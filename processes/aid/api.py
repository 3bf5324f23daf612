"""Process-specific API endpoints: public notices (and objections to them) and the fund ledger.

Thin: parse the request, call one service or report, return it.
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from workflow.api.parsing import IntegerField, check_int, organisation_from_input
from workflow.audit import RequestMeta
from workflow.errors import InvalidInput
from workflow.exports import csv_response
from workflow.inputs import note_field, reason_field
from workflow.services import validate_input

from . import ledger, services
from .budget import fund_set_budget
from .report import CSV_HEADER, current_notices, ledger_csv_rows, ledger_report
from .serializers import positive_money


class ObjectionInput(serializers.Serializer):
    grounds = note_field(label="异议理由 Grounds", max_length=2000)


class LedgerEntryInput(serializers.Serializer):
    organisation = serializers.CharField(max_length=40)
    year = IntegerField(min_value=2000, max_value=2100)
    kind = serializers.ChoiceField(choices=["allocation", "reversal"])
    amount = positive_money("金额 Amount", required=False)
    reason = reason_field()
    entry = IntegerField(min_value=1, required=False)

    def validate(self, attrs):
        if attrs["kind"] == "allocation" and attrs.get("amount") is None:
            raise serializers.ValidationError({"amount": ["拨入须填写金额 An allocation needs an amount."]})
        if attrs["kind"] == "reversal" and attrs.get("entry") is None:
            raise serializers.ValidationError({"entry": ["冲回须指明发放记录 A reversal names the disbursement."]})
        return attrs


class BudgetInput(serializers.Serializer):
    organisation = serializers.CharField(max_length=40)
    year = IntegerField(min_value=2000, max_value=2100)
    budget = positive_money("预算（元） Budget (yuan)")
    reason = reason_field()


def _meta(request) -> RequestMeta:
    return RequestMeta.from_request(request, "api")


class AidNoticesAPIView(APIView):
    """The organisation's current aid notices (公示), redacted: masked name, union, tier, type, amount."""

    @extend_schema(responses=dict)
    def get(self, request):
        return Response({"results": current_notices(request.user)})


class AidObjectAPIView(APIView):
    """Object to a notice (公示异议): any member of the case's organisation, during the notice period."""

    @extend_schema(request=ObjectionInput, responses=dict)
    def post(self, request, pk):
        data = validate_input(ObjectionInput, request.data if isinstance(request.data, dict) else {})
        case = services.aid_object(case_id=pk, actor=request.user, grounds=data["grounds"], meta=_meta(request))
        return Response({"id": case.pk, "state": case.state, "detail": "异议已提交 Objection filed."}, status=201)


def ledger_for_request(request) -> dict:
    organisation = organisation_from_input(request.GET.get("organisation", ""))
    year = check_int(request.GET.get("year") or timezone.localdate().year, name="year", minimum=2000, maximum=2100)
    return ledger_report(organisation=organisation, year=year, user=request.user)


def ledger_export(request, report):
    if request.GET.get("export") == "csv":
        name = f"aid-ledger-{report['organisation']['code']}-{report['year']}.csv"
        return csv_response(header=CSV_HEADER, rows=ledger_csv_rows(report), filename=name)
    return None


class AidLedgerAPIView(APIView):
    """GET the fund's entries, balance and totals; POST an allocation or a reversal (finance)."""

    @extend_schema(
        parameters=[OpenApiParameter("organisation", str, required=True), OpenApiParameter("year", int),
                    OpenApiParameter("export", str, enum=["csv"])],
        responses=dict,
    )
    def get(self, request):
        report = ledger_for_request(request)
        return ledger_export(request, report) or Response(report)

    @extend_schema(request=LedgerEntryInput, responses=dict)
    def post(self, request):
        if not isinstance(request.data, dict):
            raise InvalidInput("输入有误 Invalid input.")
        data = validate_input(LedgerEntryInput, request.data)
        organisation = organisation_from_input(data["organisation"])
        if data["kind"] == "allocation":
            entry = ledger.ledger_allocate(organisation=organisation, year=data["year"], amount=data["amount"],
                                           reason=data["reason"], actor_user=request.user, meta=_meta(request))
        else:
            entry = ledger.ledger_reverse(organisation=organisation, entry_id=data["entry"], reason=data["reason"],
                                          actor_user=request.user, meta=_meta(request))
        return Response({"id": entry.pk, "kind": entry.kind, "amount": str(entry.amount),
                         "balance_after": str(entry.balance_after)}, status=201)


def budget_change_body(change) -> dict:
    return {"id": change.pk, "previous_budget": str(change.previous_budget), "budget": str(change.budget),
            "floor": str(change.floor), "reason": change.reason}


class AidBudgetAPIView(APIView):
    """POST a new budget for an organisation's aid fund of a year, with its reason (finance; 预算调整).
    Below what is paid out plus approved but unpaid: 400 naming both figures."""

    @extend_schema(request=BudgetInput, responses=dict)
    def post(self, request):
        if not isinstance(request.data, dict):
            raise InvalidInput("输入有误 Invalid input.")
        data = validate_input(BudgetInput, request.data)
        change = fund_set_budget(organisation=organisation_from_input(data["organisation"]), year=data["year"],
                                 budget=data["budget"], reason=data["reason"], actor_user=request.user,
                                 meta=_meta(request))
        return Response(budget_change_body(change), status=201)
