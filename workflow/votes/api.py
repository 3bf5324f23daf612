"""API views for congress votes: thin wrappers around :mod:`workflow.votes.services`."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from ..api.parsing import IntegerField, LimitOffsetPagination
from ..audit import RequestMeta
from ..errors import InvalidInput
from . import services
from .models import Choice, VoteMethod, VoteStatus


def vote_representation(vote, user) -> dict:
    """A vote as clients see it. Choices are counted only once the vote is closed."""
    data = {
        "id": vote.pk,
        "process": vote.process_key,
        "case_id": vote.case_id,
        "case_ref": vote.case_ref,
        "organisation": {"id": vote.organisation_id, "code": vote.organisation.code, "name": vote.organisation.name},
        "title": vote.title,
        "rule": vote.rule,
        "rule_label": vote.get_rule_display(),
        "method": vote.method,
        "method_label": vote.get_method_display(),
        "status": vote.status,
        "n": vote.n,
        "opened_at": vote.opened_at,
        "turnout": vote.turnout.count() if vote.method == VoteMethod.ELECTRONIC else None,
        "tally": None,
        "result": None,
        "me": {
            "eligible": services.is_elector(vote, user),
            "voted": services.has_voted(vote, user),
            "secretary": services.may_secretary(vote, user),
        },
    }
    if vote.method == VoteMethod.PAPER and vote.tally_present is not None:
        data["tally"] = {
            "present": vote.tally_present, "yes": vote.tally_yes, "no": vote.tally_no,
            "abstain": vote.tally_abstain, "invalid": vote.tally_invalid, "entered_at": vote.tally_at,
        }
    if vote.status == VoteStatus.CLOSED:
        data["result"] = {
            "passed": vote.passed, "quorum_met": vote.quorum_met, "closed_at": vote.closed_at,
            "arithmetic": vote.arithmetic,
            # Closed uncounted: its subject ended while it was open (see services.vote_cancel).
            "cancelled": bool(vote.arithmetic.get("cancelled")),
        }
    return data


class BallotInput(serializers.Serializer):
    choice = serializers.ChoiceField(choices=Choice.choices)


class TallyInput(serializers.Serializer):
    present = IntegerField(min_value=0)
    yes = IntegerField(min_value=0)
    no = IntegerField(min_value=0)
    abstain = IntegerField(min_value=0)
    invalid = IntegerField(min_value=0)


def _validated(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        raise InvalidInput("输入有误 Invalid input.", fields={k: [str(e) for e in v] for k, v in serializer.errors.items()})
    return dict(serializer.validated_data)


def _meta(request) -> RequestMeta:
    return RequestMeta.from_request(request, "api")


class VoteListView(APIView):
    @extend_schema(operation_id="v1_votes_list", parameters=[OpenApiParameter("status", str)], responses=dict)
    def get(self, request):
        qs = services.visible_votes(request.user)
        status_filter = request.query_params.get("status")
        if status_filter:
            qs = qs.filter(status=status_filter)
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response([vote_representation(v, request.user) for v in page])


class VoteDetailView(APIView):
    @extend_schema(responses=dict)
    def get(self, request, pk):
        vote = services.get_visible_vote(vote_id=pk, user=request.user)
        return Response(vote_representation(vote, request.user))


class VoteBallotView(APIView):
    @extend_schema(request=BallotInput, responses={201: dict})
    def post(self, request, pk):
        vote = services.get_visible_vote(vote_id=pk, user=request.user)
        data = _validated(BallotInput, request.data)
        services.vote_cast(vote=vote, user=request.user, choice=data["choice"], meta=_meta(request))
        return Response(vote_representation(vote, request.user), status=201)


class VoteTallyView(APIView):
    @extend_schema(request=TallyInput, responses=dict)
    def post(self, request, pk):
        vote = services.get_visible_vote(vote_id=pk, user=request.user)
        data = _validated(TallyInput, request.data)
        vote = services.vote_record_tally(vote=vote, user=request.user, meta=_meta(request), **data)
        return Response(vote_representation(vote, request.user))


class VoteCloseView(APIView):
    @extend_schema(request=None, responses=dict)
    def post(self, request, pk):
        vote = services.get_visible_vote(vote_id=pk, user=request.user)
        vote = services.vote_close(vote=vote, user=request.user, meta=_meta(request))
        return Response(vote_representation(vote, request.user))
