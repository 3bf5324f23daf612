"""The working-day calendar as it concerns the reader about to act: a banner on the case and create pages.

A deadline counted in working days needs the year's holiday arrangement (国务院办公厅节假日安排).
Until the notice is loaded, a year counts on the statute alone (provisional: holidays, no
make-up working days; recomputed when loaded, later never earlier, see
:mod:`workflow.calendar.provisional`); a year the statute cannot be computed for is missing and
an action that starts a deadline in it is refused (409). Every participant sees this before
acting, not only the calendar administrator, who also gets the import link.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ..calendar.readiness import warn_days
from ..calendar.working_days import WorkCalendar
from ..clock import now as clock_now
from ..deadlines.rules import Unit

#: A working day spans at most this many calendar days on average, with weekends and long holidays.
_WORKING_DAY_SPAN = 2


def horizon_days(spec) -> int:
    """How far ahead (calendar days) the process's deadlines may reach from today: its longest rule,
    and never less than the administrators' warning window."""
    longest = 0
    for rule in spec.deadline_rules:
        n = rule.n
        if rule.unit == Unit.WORKING_DAYS:
            n *= _WORKING_DAY_SPAN
        elif rule.unit == Unit.MONTHS:
            n *= 31
        longest = max(longest, n)
    return max(longest, warn_days())


def calendar_warnings(spec, *, due_dates=(), today: dt.date | None = None) -> list[dict]:
    """Years a deadline of this case may count in without the official arrangement, soonest first:
    from today to the process's horizon, and the years of the case's open deadlines.
    Each ``{"year", "missing"}``; ``missing``: not even the statute can count it."""
    today = today or timezone.localtime(clock_now()).date()
    end = today + dt.timedelta(days=horizon_days(spec))
    years = set(range(today.year, end.year + 1)) | {d.year for d in due_dates}
    calendar = WorkCalendar()
    return [
        {"year": year, "missing": not calendar.is_provisional(year)}
        for year in sorted(years)
        if not calendar.has_year(year)
    ]


def case_calendar_warnings(spec, deadline_rows: list[dict], *, acting: bool) -> list[dict]:
    """On the case page: for a reader who may act now, or while an open deadline is provisional."""
    open_due = [dt.date.fromisoformat(d["due_on"]) for d in deadline_rows if d["status"] == "open"]
    if not acting and not any(d["provisional"] and d["status"] == "open" for d in deadline_rows):
        return []
    return calendar_warnings(spec, due_dates=open_due)
