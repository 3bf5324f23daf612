"""Working days from the holiday calendar stored as data (with 调休 make-up days).

Placeholder until the calendar tables land: weekends only, and it refuses years
without a calendar. (Replaced by the calendar implementation.)
"""

from __future__ import annotations

import datetime as dt


class CalendarMissing(Exception):
    """No holiday calendar for that year: counting working days would be a guess."""


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5


def next_working_day(day: dt.date) -> dt.date:
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def add_working_days(start: dt.date, n: int) -> dt.date:
    day = start
    counted = 0
    while counted < n:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day
