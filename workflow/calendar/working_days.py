"""Working days from the holiday calendar stored as data (with 调休 make-up days).

A day is a working day when it is a listed make-up working day, or a Monday–Friday
that is not a listed holiday. A year whose arrangement (:class:`~.models.CalendarYear`)
is loaded lists the notice's days; a year without one counts on the provisional
calendar of the statute (:mod:`.provisional`: statutory holidays, no make-up days),
and a deadline that used it is marked provisional. Only a year the statute cannot
be computed for raises :class:`CalendarMissing`, which the API reports as a 409.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from ..errors import ServiceError

CALENDAR_MISSING = _(
    "缺少%(year)s年的节假日安排，无法计算期限，请先导入 "
    "No holiday calendar for %(year)s: the deadline cannot be computed until it is imported."
)

#: No arrangement has ever had a longer run of non-working days; a safety bound.
_MAX_ROLL = 31


class CalendarMissing(ServiceError):
    """No holiday calendar for that year: counting working days would be a guess."""

    status = 409
    code = "calendar_missing"

    def __init__(self, year: int):
        super().__init__(str(CALENDAR_MISSING % {"year": year}), rule="calendar")
        self.year = year


class WorkCalendar:
    """The calendar as read for one computation (each year loaded once, on first use).

    ``provisional_used`` tells whether any day asked about lay in a year counted on the
    provisional calendar.
    """

    def __init__(self) -> None:
        self._years: dict[int, dict | None] = {}
        self._provisional: set[int] = set()
        self.provisional_used = False

    def _load(self, year: int) -> dict | None:
        if year not in self._years:
            from .models import CalendarDay, CalendarYear
            from .provisional import statutory_holidays

            rows = list(
                CalendarDay.objects.filter(date__gte=dt.date(year, 1, 1), date__lte=dt.date(year, 12, 31))
                .values_list("date", "kind", "calendar__year")
            )
            # A loaded year's own arrangement always lists days in it (its holidays), so the
            # days say whether it is loaded; only a year without them asks the year table.
            if any(source == year for _d, _k, source in rows) or CalendarYear.objects.filter(year=year).exists():
                self._years[year] = {day: kind for day, kind, _source in rows}
            else:
                statute = statutory_holidays(year)
                self._years[year] = None if statute is None else dict.fromkeys(statute, CalendarDay.Kind.HOLIDAY)
                if statute is not None:
                    self._provisional.add(year)
        return self._years[year]

    def has_year(self, year: int) -> bool:
        """The year's official arrangement is loaded (not merely the provisional calendar)."""
        return self._load(year) is not None and year not in self._provisional

    def is_provisional(self, year: int) -> bool:
        """The year is counted on the provisional calendar of the statute."""
        self._load(year)
        return year in self._provisional

    def _days(self, year: int) -> dict:
        days = self._load(year)
        if days is None:
            raise CalendarMissing(year)
        return days

    def is_working_day(self, day: dt.date) -> bool:
        from .models import CalendarDay

        kind = self._days(day.year).get(day)
        if day.year in self._provisional:
            self.provisional_used = True
        if kind == CalendarDay.Kind.WORKDAY:
            return True
        if kind == CalendarDay.Kind.HOLIDAY:
            return False
        return day.weekday() < 5

    def next_working_day(self, day: dt.date) -> dt.date:
        """``day`` itself if it is a working day, else the first working day after it."""
        for _step in range(_MAX_ROLL + 1):
            if self.is_working_day(day):
                return day
            day += dt.timedelta(days=1)
        raise ValueError(f"no working day within {_MAX_ROLL} days of {day}")  # pragma: no cover

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The ``n``-th working day after ``start`` (the start day itself is not counted)."""
        if n < 0:
            raise ValueError("n must not be negative")
        day, counted = start, 0
        while counted < n:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def count_working_days(self, start: dt.date, end: dt.date) -> int:
        """How many working days lie after ``start`` up to and including ``end``."""
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_working_day(day)
        return count


def has_calendar(year: int) -> bool:
    """The official arrangement of ``year`` is loaded."""
    return WorkCalendar().has_year(year)


def is_working_day(day: dt.date) -> bool:
    return WorkCalendar().is_working_day(day)


def next_working_day(day: dt.date) -> dt.date:
    return WorkCalendar().next_working_day(day)


def add_working_days(start: dt.date, n: int) -> dt.date:
    return WorkCalendar().add_working_days(start, n)
