"""Web pages for congress votes: the list, one page per vote with the ballot and tally forms.

Thin views: each reads the request, calls one service, and renders or redirects;
a refused action is shown as a message with the service's reason.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View

from ..audit import RequestMeta
from ..errors import NotVisible, ServiceError
from ..ui.views import case_url
from . import services
from .models import Choice, VoteMethod, VoteStatus

PAGE_SIZE = 100


class BallotForm(forms.Form):
    choice = forms.ChoiceField(label=_("您的选择 Your choice"), choices=Choice.choices, widget=forms.RadioSelect)


class TallyForm(forms.Form):
    present = forms.IntegerField(label=_("出席 Present"), min_value=0)
    yes = forms.IntegerField(label=_("赞成 Yes"), min_value=0)
    no = forms.IntegerField(label=_("反对 No"), min_value=0)
    abstain = forms.IntegerField(label=_("弃权 Abstain"), min_value=0)
    invalid = forms.IntegerField(label=_("无效 Invalid"), min_value=0)


def _vote_or_404(request, pk):
    try:
        return services.get_visible_vote(vote_id=pk, user=request.user)
    except NotVisible:
        raise Http404 from None


def _meta(request) -> RequestMeta:
    return RequestMeta.from_request(request, "ui")


class VoteListPage(View):
    def get(self, request):
        votes = services.visible_votes(request.user)[:PAGE_SIZE]
        return render(request, "votes/list.html", {"votes": votes})


class VoteDetailPage(View):
    def get(self, request, pk: int, tally_form=None):
        vote = _vote_or_404(request, pk)
        is_open = vote.status == VoteStatus.OPEN
        secretary = services.may_secretary(vote, request.user)
        context = {
            "vote": vote,
            "is_open": is_open,
            "is_paper": vote.method == VoteMethod.PAPER,
            "eligible": services.is_elector(vote, request.user),
            "voted": services.has_voted(vote, request.user),
            "secretary": secretary,
            "turnout": vote.turnout.count(),
            "ballot_form": BallotForm(),
            "tally_form": tally_form or TallyForm(initial=_tally_initial(vote)),
            "arithmetic": vote.arithmetic or {},
            "case_url": case_url(vote.process_key, vote.case_id),
        }
        return render(request, "votes/detail.html", context)


def _tally_initial(vote) -> dict:
    if vote.tally_present is None:
        return {}
    return {
        "present": vote.tally_present, "yes": vote.tally_yes, "no": vote.tally_no,
        "abstain": vote.tally_abstain, "invalid": vote.tally_invalid,
    }


class VoteBallotPage(View):
    def post(self, request, pk: int):
        vote = _vote_or_404(request, pk)
        form = BallotForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请选择赞成、反对或弃权 Choose yes, no or abstain."))
            return redirect("votes:detail", pk=vote.pk)
        try:
            services.vote_cast(vote=vote, user=request.user, choice=form.cleaned_data["choice"], meta=_meta(request))
        except ServiceError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, _("已投票，谢谢 Your ballot has been cast."))
        return redirect("votes:detail", pk=vote.pk)


class VoteTallyPage(View):
    def post(self, request, pk: int):
        vote = _vote_or_404(request, pk)
        form = TallyForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("输入有误 Invalid input."))
            return VoteDetailPage().get(request, pk, tally_form=form)
        try:
            services.vote_record_tally(vote=vote, user=request.user, meta=_meta(request), **form.cleaned_data)
        except ServiceError as exc:
            messages.error(request, exc.detail)
            return VoteDetailPage().get(request, pk, tally_form=form)
        messages.success(request, _("计票结果已录入 The tally has been recorded."))
        return redirect("votes:detail", pk=vote.pk)


class VoteClosePage(View):
    def post(self, request, pk: int):
        vote = _vote_or_404(request, pk)
        try:
            services.vote_close(vote=vote, user=request.user, meta=_meta(request))
        except ServiceError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, _("表决已结束 The vote is closed."))
        return redirect("votes:detail", pk=vote.pk)
