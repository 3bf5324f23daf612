"""Read-only views of the calendar and the deadline rules, for the API and the UI."""

from __future__ import annotations

from .models import CalendarDay, CalendarYear
from .rules import all_rules, rule_as_dict
from .working_days import CalendarMissing


def calendar_years() -> list[dict]:
    return [
        {"year": c.year, "source": c.source, "source_url": c.source_url}
        for c in CalendarYear.objects.order_by("year")
    ]


def calendar_for_year(*, year: int) -> dict:
    """The loaded arrangement of ``year`` with every listed day; :class:`CalendarMissing` if none."""
    calendar = CalendarYear.objects.filter(year=year).first()
    if calendar is None:
        raise CalendarMissing(year)
    days = CalendarDay.objects.filter(calendar=calendar).order_by("date")
    return {
        "year": calendar.year,
        "source": calendar.source,
        "source_url": calendar.source_url,
        "imported_at": calendar.imported_at.isoformat(),
        "imported_by": calendar.imported_by.get_username() if calendar.imported_by_id else "",
        "days": [
            {
                "date": d.date.isoformat(),
                "weekday": d.date.isoweekday(),
                "kind": d.kind,
                "kind_label": str(d.get_kind_display()),
                "name": d.name,
            }
            for d in days
        ],
    }


def deadline_rule_list(*, organisation=None) -> list[dict]:
    return [rule_as_dict(rule, organisation) for rule in all_rules()]
