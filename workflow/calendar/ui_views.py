"""Web pages for transparency: the deadline rules with their sources, and each year's calendar."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.views import View

from . import selectors
from .working_days import CalendarMissing


class RulesPage(View):
    def get(self, request):
        return render(
            request,
            "wf_calendar/rules.html",
            {"rules": selectors.deadline_rule_list(), "years": selectors.calendar_years()},
        )


class YearPage(View):
    def get(self, request, year: int):
        try:
            calendar = selectors.calendar_for_year(year=year)
        except CalendarMissing:
            raise Http404 from None
        return render(request, "wf_calendar/year.html", {"calendar": calendar})
