"""The provisional calendar: the statutory holidays of a year whose notice is not loaded yet.

《全国年节及纪念日放假办法》 (as revised in 2024) fixes the holidays themselves:
元旦 1 day, 春节 4 days with the Eve, 清明节 1, 劳动节 2, 端午节 1, 中秋节 1,
国庆节 3, and a holiday falling on a weekend gives the following weekday off. The
yearly notice (国务院办公厅关于××年部分节假日安排的通知) only rearranges days
around them (调休 make-up working days, bridging days off), which nobody can know
before it is published. Until then a year counts on the statute alone, as computed
by the ``holidays`` package (lunar festivals included): holidays and in-lieu days,
no make-up working days. Deadlines counted on it are marked provisional and are
recomputed when the notice is loaded (:mod:`workflow.calendar.settle`).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def statutory_holidays(year: int) -> dict[dt.date, str] | None:
    """The statutory days off of ``year`` (date -> name), or None if no statute can be computed for it.

    The package also knows past notices (their 调休 days off); those are left out on
    purpose, because the make-up working days that pay for them are not applied here.
    """
    if not holidays.China.start_year <= year <= holidays.China.end_year:
        return None
    days = holidays.China(language="zh_CN", observed=True)
    # Statute only: without the notice's own rearrangement (see the module docstring).
    days.has_special_holidays = False
    days.get(dt.date(year, 1, 1))  # populates the year
    result = {day: str(name) for day, name in days.items() if day.year == year}
    return result or None
